"""The renovation catalogue that every deployment starts with (national guidance on old-compound renovation)."""

from django.db import migrations

CATALOGUE = [
    ("basic", "water-drainage", "供排水管网改造"),
    ("basic", "power", "供电及电力设施改造"),
    ("basic", "gas", "燃气管道改造"),
    ("basic", "roads", "小区道路修缮"),
    ("basic", "fire-safety", "消防设施改造"),
    ("basic", "roof-waterproofing", "屋顶防水修缮"),
    ("basic", "stairwells", "公共楼梯间维修"),
    ("basic", "insulation", "建筑节能保温改造"),
    ("basic", "security", "安防监控设施"),
    ("improvement", "parking", "停车场(位)建设"),
    ("improvement", "greening", "绿化提升"),
    ("improvement", "lighting", "照明亮化"),
    ("improvement", "accessibility", "无障碍设施"),
    ("improvement", "elevator", "加装电梯"),
    ("improvement", "garbage-sorting", "垃圾分类设施"),
    ("improvement", "ev-charging", "电动车充电设施"),
    ("improvement", "fitness", "健身器材设置"),
    ("enhancement", "elderly-care", "社区养老服务设施"),
    ("enhancement", "childcare", "托育服务设施"),
    ("enhancement", "convenience-services", "便民服务设施"),
    ("enhancement", "community-hall", "社区综合服务用房"),
    ("enhancement", "smart-security", "智慧安防"),
]


def load(apps, schema_editor):
    RenovationItem = apps.get_model("property", "RenovationItem")
    for category, code, name in CATALOGUE:
        RenovationItem.objects.get_or_create(code=code, defaults={"name": name, "category": category})


def unload(apps, schema_editor):
    apps.get_model("property", "RenovationItem").objects.filter(code__in=[c for _, c, _ in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("property", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
