from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes and progress"
    home_panels = ()  # filled in ready(): the learner's home page finds them here (pages.hooks)

    def ready(self) -> None:
        from quizzes import home

        self.home_panels = home.PANELS
