from django.db import migrations

from calcinosis.migrations._instructors_v1 import grant_to_instructors


def create_group(apps, schema_editor):
    models = ["section", "calcinosistype", "extent", "condition", "bodysite", "differential", "treatment"]
    grant_to_instructors(apps, "calcinosis", models)


class Migration(migrations.Migration):
    dependencies = [
        ("calcinosis", "0002_starter_content"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
