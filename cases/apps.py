from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case vignettes"

    def ready(self) -> None:
        from cases.hooks import CASE_ATTEMPTS
        from cases.selectors import decision_confusion
        from quizzes import hooks
        from quizzes.models import Attempt

        if decision_confusion not in hooks.type_confusion_sources:
            hooks.type_confusion_sources.append(decision_confusion)
        hooks.attempt_policies[Attempt.Mode.CASE] = CASE_ATTEMPTS
