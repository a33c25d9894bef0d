"""Frozen copy of `calcinosis.authoring.grant_to_instructors` as of calcinosis migration 0005. Never edit it.

Used by calcinosis 0003 and 0005, quizzes 0003, 0007 and 0008, and cases 0003, so the permissions they grant no
longer follow the live helper. A migration that needs the group handled differently gets a new frozen module (`_instructors_v2.py`).
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
