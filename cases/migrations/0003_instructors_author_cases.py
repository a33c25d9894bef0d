from django.db import migrations

from calcinosis.migrations._instructors_v1 import grant_to_instructors


def grant(apps, schema_editor):
    grant_to_instructors(apps, "cases", ["case", "stage"])
    # Instructors may follow learners' progress through cases, never change it.
    grant_to_instructors(apps, "cases", ["caseprogress", "commitment"], actions=("view",))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_starter_cases"),
        ("calcinosis", "0003_instructors_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
