from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CalcinosisConfig(AppConfig):
    name = "calcinosis"
    verbose_name = "Reference: knowledge of calcinosis cutis"

    def ready(self) -> None:
        from calcinosis.caching import content_changed

        # Any change to the reference's rows (sections, knowledge, grades, references) makes visitors' pages stale.
        for model in self.get_models():
            post_save.connect(content_changed, sender=model, dispatch_uid=f"reference-{model._meta.label}-saved")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"reference-{model._meta.label}-deleted")
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"reference-{through._meta.label}")
