"""The Instructors group: exactly the permissions needed to author the reference, questions and cases.

Each app's migration grants its own models, through this helper, so the group grows with the apps.
"""

from django.contrib.auth.management import create_permissions

GROUP = "Instructors"
ACTIONS = ("add", "change", "delete", "view")


def grant_to_instructors(apps, app_label: str, model_names: list[str], actions=ACTIONS) -> None:
    # Permissions are normally made after all migrations have run; make this app's now so the group can hold them.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{action}_{model}" for model in model_names for action in actions]
    group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
