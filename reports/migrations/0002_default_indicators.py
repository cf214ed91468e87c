"""The indicators with their documented defaults (reports/defaults.py)."""

from django.db import migrations

from reports.defaults import ensure


def load(apps, schema_editor):
    ensure(apps.get_model("reports", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_indicators")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
