from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case vignettes"
    home_panels = ()  # filled in ready(): the learner's home page finds them here (pages.hooks)

    def ready(self) -> None:
        from cases import home
        from cases.hooks import CASE_ATTEMPTS
        from cases.selectors import decision_confusion
        from quizzes import hooks
        from quizzes.models import Attempt

        if decision_confusion not in hooks.type_confusion_sources:
            hooks.type_confusion_sources.append(decision_confusion)
        hooks.attempt_policies[Attempt.Mode.CASE] = CASE_ATTEMPTS
        self.home_panels = home.PANELS
