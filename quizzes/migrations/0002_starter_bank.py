from django.db import migrations

from quizzes import starter


def load_bank(apps, schema_editor):
    starter.load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("calcinosis", "0002_starter_content"),
    ]

    operations = [migrations.RunPython(load_bank, migrations.RunPython.noop)]
