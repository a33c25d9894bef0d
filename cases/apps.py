from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case vignettes"

    def ready(self) -> None:
        from cases.selectors import decision_confusion
        from quizzes import hooks

        if decision_confusion not in hooks.type_confusion_sources:
            hooks.type_confusion_sources.append(decision_confusion)
