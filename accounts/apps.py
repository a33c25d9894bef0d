from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts: sign-up, a learner's own data, deleting an account"

    def ready(self) -> None:
        from accounts import middleware  # noqa: F401  connects the login receiver that remembers the time zone
