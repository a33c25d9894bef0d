"""Starter case body maps take the graded key and cases added to the starter set since 0002 are loaded;
existing cases keep any instructor's edits."""

from django.db import migrations

from cases.migrations import _starter_v1


def grade_cases(apps, schema_editor):
    _starter_v1.load(apps)
    rows = [q for case in _starter_v1.read_cases() for stage in case["stages"] for q in stage.get("questions", [])]
    _starter_v1.apply_grades(apps, rows)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_commitment_certainty_choices"),
        ("quizzes", "0006_starter_grades"),
    ]

    operations = [migrations.RunPython(grade_cases, migrations.RunPython.noop)]
