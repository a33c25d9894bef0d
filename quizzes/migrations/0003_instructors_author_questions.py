from django.db import migrations

from calcinosis.migrations._instructors_v1 import grant_to_instructors


def grant(apps, schema_editor):
    grant_to_instructors(apps, "quizzes", ["question", "choice"])
    # Instructors may look at attempts (to follow a cohort) but never change a learner's record.
    grant_to_instructors(apps, "quizzes", ["attempt"], actions=("view",))


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_starter_bank"),
        ("calcinosis", "0003_instructors_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
