from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LTI 1.3 (LMS links)"

    def ready(self) -> None:
        from cases import services as case_services
        from lti import hooks, services
        from quizzes import hooks as quiz_hooks
        from teach import hooks as teach_hooks

        if services.passback_on_attempt_finished not in quiz_hooks.attempt_finished:
            quiz_hooks.attempt_finished.append(services.passback_on_attempt_finished)
        if services.passback_on_case_completed not in case_services.case_completed:
            case_services.case_completed.append(services.passback_on_case_completed)
        if hooks.course_panel not in teach_hooks.cohort_panels:
            teach_hooks.cohort_panels.append(hooks.course_panel)
        quiz_hooks.learner_data_sections["lms_accounts"] = hooks.lms_accounts_data
        quiz_hooks.learner_data_sections["lms_scores"] = hooks.lms_scores_data
