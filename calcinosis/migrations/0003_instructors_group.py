"""The Instructors group: exactly the permissions needed to author the reference.

Later apps (questions, cases) add their own authoring permissions to this group in their migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Instructors"
MODELS = ["section", "calcinosistype", "extent", "condition", "bodysite", "differential", "treatment"]
ACTIONS = ["add", "change", "delete", "view"]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make this app's now so the group can hold them.
    app_config = apps.get_app_config("calcinosis")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="calcinosis", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("calcinosis", "0002_starter_content"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
