"""Renovation on PostgreSQL, in a compound of 3,000 households (40 buildings of 75, one resident with an
account in each) whose project has the catalogue's 38 items, 20 progress updates each with a photo, and
upcoming works:

- the public view (`GET renovation/public/compounds/{id}`, what the QR code at the gate reads) over
  HTTP against gunicorn (2 workers, 4 clients): throughput and latency, as ratios against the server's
  floor (`GET health`) and the gate page's read (`GET governance/public/compounds/{id}`, which carries
  the projects too) measured in the same run;
- a works notice sent to the people of one building (75) and of all 40 (3,000): seconds, ms per
  person and the ratio of the two per person (flat when it grows with the people only), and sending
  it again (each person is sent it once).

Goal: the public view under 100 ms at p50; a notice to 3,000 people within 30 s.
"""

from bench.common import MEASURE, bench_env, create_database, gunicorn, load, manage, run_python

DB = "postgres://postgres@127.0.0.1:5432/gongzhi_bench_renovation"
BUILDINGS, HOMES = 40, 75

SETUP = f"""
import django
django.setup()
from datetime import date, timedelta
from decimal import Decimal
from django.db import connection
from django.utils import timezone
from accounts.models import User
from grid.models import Unit
from property.models import Building, Community, Compound, Household, Relation, Residency, Resident, Subdistrict
from renovation.models import (CatalogueItem, Contract, ProgressEntry, ProgressPhoto, Project, ProjectItem,
                               Stage, StageDate, WorksNotice)
from django.db import transaction
transaction.set_autocommit(False)  # all of it or none: a failed setup leaves nothing half-made
subdistrict, _ = Subdistrict.objects.get_or_create(name="基准改造街道")
community, _ = Community.objects.get_or_create(subdistrict=subdistrict, name="基准改造社区")
compound, created = Compound.objects.get_or_create(community=community, name="基准改造小区")
if created:
    buildings = Building.objects.bulk_create(
        Building(compound=compound, name=f"{{b + 1}}号楼", floors=6) for b in range({BUILDINGS})
    )
    homes = Household.objects.bulk_create(
        Household(building=b, unit_label=f"{{h // 15 + 1}}-{{h % 15 + 101}}", floor=h % 6 + 1, building_area=Decimal("65.00"))
        for b in buildings for h in range({HOMES})
    )
    users = User.objects.bulk_create(User(username=f"benchreno{{n:05d}}") for n in range(len(homes)))
    residents = Resident.objects.bulk_create(Resident(name=f"居民{{n}}", user=u) for n, u in enumerate(users))
    Residency.objects.bulk_create(
        Residency(resident=r, household=h, relation=Relation.OWNER, started_on=date(2020, 1, 1))
        for r, h in zip(residents, homes)
    )
    worker, _ = User.objects.get_or_create(username="benchreno-worker")
    project = Project.objects.create(name="基准改造项目", community=community, year=2026, stage=Stage.CONSTRUCTION,
                                     created_by=worker)
    project.compounds.set([compound])
    StageDate.objects.bulk_create(StageDate(project=project, stage=s, planned_on=date(2026, 1 + n, 1))
                                  for n, s in enumerate(Stage.values))
    items = ProjectItem.objects.bulk_create(
        ProjectItem(project=project, item=i, budget=Decimal("100000.00"), percent=50, note="施工中")
        for i in CatalogueItem.objects.filter(community__isnull=True)
    )
    unit, _ = Unit.objects.get_or_create(name="基准建设公司", defaults={{"kind": "construction"}})
    contract = Contract.objects.create(project=project, unit=unit, role="construction", value=Decimal("3800000"),
                                       starts_on=date(2026, 3, 1), ends_on=date(2027, 3, 1), contact_name="王工",
                                       contact_phone="13700000000")
    contract.items.set(items)
    now = timezone.now()
    entries = ProgressEntry.objects.bulk_create(
        ProgressEntry(item=i, percent=k * 5, note="进度", by=worker, at=now - timedelta(days=40 - 2 * k))
        for i in items for k in range(20)
    )
    ProgressPhoto.objects.bulk_create(ProgressPhoto(entry=e, image=f"renovation/bench/{{e.pk}}.jpg") for e in entries)
    for d in range(3):
        notice = WorksNotice.objects.create(project=project, compound=compound, kind="water", title=f"停水{{d}}",
                                            starts_at=now + timedelta(days=d + 1), ends_at=now + timedelta(days=d + 1, hours=8),
                                            created_by=worker)
        notice.buildings.set(buildings[:3])
transaction.commit()
transaction.set_autocommit(True)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(compound.pk)
"""

SEND = """
import json, time, django
django.setup()
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from property.models import Building, Compound
from renovation.models import Project, WorksNotice
from renovation.services import works_notice_send
compound = Compound.objects.get(name="基准改造小区")
project = Project.objects.get(name="基准改造项目")
worker = User.objects.get(username="benchreno-worker")
buildings = list(Building.objects.filter(compound=compound).order_by("id"))
now = timezone.now()
out = {}
for label, chosen in (("warm-up", buildings[:1]), ("one", buildings[1:2]), ("all", buildings)):
    notice = WorksNotice.objects.create(project=project, compound=compound, kind="power", title="基准停电",
                                        starts_at=now + timedelta(days=9), ends_at=now + timedelta(days=9, hours=4),
                                        created_by=worker)
    notice.buildings.set(chosen)
    started = time.perf_counter()
    sent = works_notice_send(notice.pk)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = works_notice_send(notice.pk)
    second = time.perf_counter() - started
    out[label] = {"buildings": len(chosen), "sent": sent, "seconds": round(first, 2),
                  "ms_per_person": round(first * 1000 / max(sent, 1), 3), "again_sent": again,
                  "again_seconds": round(second, 2)}
report(**out)
"""


def run(seconds: float = 10.0) -> None:
    env = bench_env(DATABASE_URL=DB)
    create_database(DB)
    manage(env, "migrate", "--noinput")
    compound = run_python(env, SETUP, "renovation setup")
    print("renovation: a compound of 3,000 households on PostgreSQL, its project of 38 items and 760 photos")
    with gunicorn(env) as port:
        floor = load(port, "/api/v1/health", {}, clients=4, seconds=seconds)
        gate = load(port, f"/api/v1/governance/public/compounds/{compound}", {}, clients=4, seconds=seconds)
        public = load(port, f"/api/v1/renovation/public/compounds/{compound}", {}, clients=4, seconds=seconds)
    for label, f in (
        ("health (baseline: the server's floor)", floor),
        ("gate page's read (governance, with the projects in it)", gate),
        ("renovation public view", public),
    ):
        print(
            f"  {label}: {f['rps']:.0f} req/s, p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms,"
            f" errors {f['errors']}"
        )
    print(
        f"  renovation public view p50: {public['p50_ms'] / floor['p50_ms']:.1f}x the floor,"
        f" {public['p50_ms'] / gate['p50_ms']:.2f}x the gate page's read (goal: under 100 ms at p50)"
    )
    sent = run_python(env, MEASURE + SEND, "works notice send")
    for label in ("one", "all"):
        f = sent[label]
        print(
            f"  works notice to {f['buildings']} building(s): {f['sent']} people in {f['seconds']} s"
            f" ({f['ms_per_person']} ms each); sent again: {f['again_sent']} people in {f['again_seconds']} s"
        )
    ratio = sent["all"]["ms_per_person"] / sent["one"]["ms_per_person"]
    print(f"  ms per person, 3,000 vs 75: {ratio:.2f}x; goal: 3,000 people within 30 s")
    print("  peak memory of the sender:", sent["peak_mb"], "MB")
