from django.db import migrations

from quizzes.migrations import _starter_v1


def load_bank(apps, schema_editor):
    _starter_v1.load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("calcinosis", "0002_starter_content"),
    ]

    operations = [migrations.RunPython(load_bank, migrations.RunPython.noop)]
