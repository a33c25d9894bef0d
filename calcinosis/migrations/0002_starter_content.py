from django.db import migrations

from calcinosis.migrations import _starter_v1


def load_starter(apps, schema_editor):
    _starter_v1.load(apps)


class Migration(migrations.Migration):
    dependencies = [("calcinosis", "0001_initial")]

    operations = [migrations.RunPython(load_starter, migrations.RunPython.noop)]
