"""The service types every community has (the subdistrict's report names them)."""

from django.db import migrations

TYPES = [("patrol", "治安巡逻"), ("garbage-sorting", "垃圾分类引导"), ("parking", "停车引导")]


def load(apps, schema_editor):
    ServiceType = apps.get_model("volunteers", "ServiceType")
    for code, name in TYPES:
        ServiceType.objects.get_or_create(code=code, community=None, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("volunteers", "ServiceType").objects.filter(community=None, code__in=[c for c, _ in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
