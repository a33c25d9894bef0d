from django.apps import AppConfig


class TeachConfig(AppConfig):
    name = "teach"
    verbose_name = "Teaching dashboard"

    def ready(self) -> None:
        from quizzes import hooks
        from teach.progress import classes_data, join_panel

        if join_panel not in hooks.progress_panels:
            hooks.progress_panels.append(join_panel)
        hooks.learner_data_sections["classes"] = classes_data
