"""The service types every community has (the subdistrict's report names them)."""

from django.db import migrations

from volunteers.defaults import SERVICE_TYPES as TYPES
from volunteers.defaults import ensure


def load(apps, schema_editor):
    ensure(apps.get_model("volunteers", "ServiceType"))


def unload(apps, schema_editor):
    apps.get_model("volunteers", "ServiceType").objects.filter(community=None, code__in=[c for c, _ in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
