from django.db import migrations

from cases.migrations import _starter_v1


def load_cases(apps, schema_editor):
    _starter_v1.load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("quizzes", "0004_question_case_question_stage_alter_attempt_mode"),
        ("calcinosis", "0002_starter_content"),
    ]

    operations = [migrations.RunPython(load_cases, migrations.RunPython.noop)]
