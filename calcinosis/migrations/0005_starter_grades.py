"""Loads the graded distributions, their references and the knowledge rows added since 0002 (new body sites,
conditions and mimics); lets instructors author grades and references."""

from django.db import migrations

from calcinosis.migrations import _starter_v1
from calcinosis.migrations._instructors_v1 import grant_to_instructors


def load_grades(apps, schema_editor):
    _starter_v1.load(apps)
    grant_to_instructors(apps, "calcinosis", ["reference", "sitegrade"])


class Migration(migrations.Migration):
    dependencies = [
        ("calcinosis", "0004_site_grades"),
        ("calcinosis", "0003_instructors_group"),
    ]

    operations = [migrations.RunPython(load_grades, migrations.RunPython.noop)]
