"""Starter body maps take the graded key (recognised regions neutral, options for the new regions) and questions
added to the starter bank since 0002 are loaded; existing questions keep any instructor's edits."""

from django.db import migrations

from quizzes.migrations import _starter_v1


def grade_bank(apps, schema_editor):
    _starter_v1.load(apps)
    _starter_v1.apply_grades(apps, _starter_v1.read_bank())


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0005_neutral_options_and_topics"),
        ("calcinosis", "0005_starter_grades"),
    ]

    operations = [migrations.RunPython(grade_bank, migrations.RunPython.noop)]
