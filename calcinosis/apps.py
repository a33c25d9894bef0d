from django.apps import AppConfig


class CalcinosisConfig(AppConfig):
    name = "calcinosis"
    verbose_name = "Reference: knowledge of calcinosis cutis"
