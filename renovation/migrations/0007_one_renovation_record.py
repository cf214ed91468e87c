"""One renovation record: each compound's renovation record (property.Renovation, written by hand or at
a project's hand-over) becomes what it stands for, a project handed over.

- A record written at a hand-over (its project names it, or it is of a compound and year of a project
  handed over) is that project already: it is dropped, the project stays.
- Any other record becomes a project of its compound and year, handed over (date unknown), named by
  its notes or "<compound> <year>", with its items done (each entry of the old catalogue as the
  subdistrict catalogue's first item that stood for it, or a new catalogue item of the same code and
  name), and its money, as planned and received: the government's subsidy as local government's (the
  record did not split central from local), the companies' as enterprises', the residents' as theirs.
Reversing it puts the records back from the projects so made (and from projects handed over)."""

from importlib import import_module

from django.db import migrations

STAGES = [
    "planned",
    "consultation",
    "feasibility",
    "design",
    "tender",
    "construction",
    "acceptance",
    "handed_over",
]
KIND_SOURCE = {"government": "local_government", "residents": "residents", "companies": "enterprises"}
# The subdistrict catalogue's items and the old catalogue's entry each stood for (renovation 0002 set
# it as record_item); reversing reads it, as record_item is gone by then.
RECORD_ITEM_OF = {
    "roof-waterproofing-renewal": "roof-waterproofing",
    "stairwell-repair": "stairwells",
    "roof-insulation": "insulation",
    "facade-insulation": "insulation",
    "stairwell-lighting": "lighting",
    "entrance-doors": "security",
    "handrails": "stairwells",
    "common-windows": "stairwells",
    "downpipes": "water-drainage",
    "indoor-risers": "water-drainage",
    "indoor-wiring": "power",
    "lift-installation": "elevator",
    "ageing-friendly": "accessibility",
    "site-roads": "roads",
    "site-water": "water-drainage",
    "site-fire": "fire-safety",
    "site-power": "power",
    "site-gas": "gas",
    "site-greening": "greening",
    "site-lighting": "lighting",
    "site-parking": "parking",
    "site-security": "security",
    "access-roads": "roads",
    "mains-water": "water-drainage",
    "mains-power": "power",
    "parking-lots": "parking",
    "public-greening": "greening",
    "street-lights": "lighting",
    "sewage-refuse": "garbage-sorting",
    "barrier-free": "accessibility",
    "fitness-equipment": "fitness",
}
GROUP_OF_TIER = {"basic": "main_function", "improvement": "supporting", "enhancement": "supporting"}


def forward(apps, schema_editor):
    Renovation = apps.get_model("property", "Renovation")
    CatalogueItem = apps.get_model("renovation", "CatalogueItem")
    Project = apps.get_model("renovation", "Project")
    ProjectItem = apps.get_model("renovation", "ProjectItem")
    StageDate = apps.get_model("renovation", "StageDate")
    Funding = apps.get_model("renovation", "Funding")
    handed = set(
        Project.compounds.through.objects.filter(project__stage="handed_over").values_list(
            "compound_id", "project__year"
        )
    )
    stood_for = {}
    for item in CatalogueItem.objects.filter(community__isnull=True, record_item__isnull=False).order_by("id"):
        stood_for.setdefault(item.record_item_id, item)
    for record in Renovation.objects.select_related("compound").prefetch_related("items").order_by("id"):
        if (record.compound_id, record.year) in handed:
            continue
        project = Project.objects.create(
            name=(record.notes.strip() or f"{record.compound.name} {record.year}")[:120],
            community_id=record.compound.community_id,
            year=record.year,
            stage="handed_over",
            created_by=None,
        )
        project.compounds.set([record.compound_id])
        StageDate.objects.bulk_create([StageDate(project=project, stage=s) for s in STAGES])
        for old in record.items.all():
            item = stood_for.get(old.pk)
            if item is None:
                item, _ = CatalogueItem.objects.get_or_create(
                    code=old.code,
                    defaults={"name": old.name, "tier": old.category, "group": GROUP_OF_TIER[old.category]},
                )
                stood_for[old.pk] = item
            ProjectItem.objects.get_or_create(project=project, item=item, defaults={"percent": 100})
        for kind, source in KIND_SOURCE.items():
            amount = getattr(record, f"funding_{kind}")
            if amount:
                Funding.objects.create(project=project, source=source, planned=amount, received=amount)


def backward(apps, schema_editor):
    Renovation = apps.get_model("property", "Renovation")
    RenovationItem = apps.get_model("property", "RenovationItem")
    Project = apps.get_model("renovation", "Project")
    # Reversing property 0013 made the old catalogue's table anew, empty: its entries come back first.
    for category, code, name in import_module("property.migrations.0002_renovation_catalogue").CATALOGUE:
        RenovationItem.objects.get_or_create(code=code, defaults={"name": name, "category": category})
    by_code = {i.code: i for i in RenovationItem.objects.all()}
    for project in Project.objects.filter(stage="handed_over").prefetch_related("compounds", "items__item", "funding"):
        received = {f.source: f.received for f in project.funding.all()}
        for compound in project.compounds.all():
            record = Renovation.objects.create(
                compound=compound,
                year=project.year,
                notes=project.name,
                funding_government=received.get("central_subsidy", 0) + received.get("local_government", 0),
                funding_residents=received.get("residents", 0),
                funding_companies=received.get("utilities", 0) + received.get("enterprises", 0),
            )
            for pi in project.items.all():  # an item of its own (created forward) comes back as one
                code = RECORD_ITEM_OF.get(pi.item.code, pi.item.code)
                if code not in by_code:
                    by_code[code] = RenovationItem.objects.create(
                        code=code, name=pi.item.name, category=pi.item.tier
                    )
            items = {by_code[RECORD_ITEM_OF.get(pi.item.code, pi.item.code)].pk for pi in project.items.all()}
            record.items.set(items - {None})
    Project.objects.filter(stage="handed_over", created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("renovation", "0006_past_projects"), ("property", "0012_import_redacted")]

    operations = [migrations.RunPython(forward, backward)]
