"""The default inspection checklist and incident categories (communities add their own)."""

from django.db import migrations

from grid.defaults import ensure


def add(apps, schema_editor):
    ensure(apps.get_model("grid", "ChecklistItem"), apps.get_model("grid", "Category"))


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
