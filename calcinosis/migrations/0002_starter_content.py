from django.db import migrations

from calcinosis import starter


def load_starter(apps, schema_editor):
    starter.load(apps)


class Migration(migrations.Migration):
    dependencies = [("calcinosis", "0001_initial")]

    operations = [migrations.RunPython(load_starter, migrations.RunPython.noop)]
