"""The report's renovation content catalogue (renovation/defaults.py)."""

from django.db import migrations

from renovation.defaults import ensure


def load(apps, schema_editor):
    ensure(apps.get_model("renovation", "CatalogueItem"))


class Migration(migrations.Migration):
    dependencies = [("renovation", "0001_initial"), ("property", "0002_renovation_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
