"""Starter case body maps take the graded key and cases added to the starter set since 0002 are loaded;
existing cases keep any instructor's edits."""

from django.db import migrations

from cases import starter
from quizzes import starter as bank


def grade_cases(apps, schema_editor):
    starter.load(apps)
    rows = [q for case in starter.read_cases() for stage in case["stages"] for q in stage.get("questions", [])]
    bank.apply_grades(apps, rows)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_commitment_certainty_choices"),
        ("quizzes", "0006_starter_grades"),
    ]

    operations = [migrations.RunPython(grade_cases, migrations.RunPython.noop)]
