"""The demo's renovation projects, in the report's years: 2020's and 2021's handed over, 2022's in
consultation and design, and one in construction whose construction company is behind schedule."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from grid.models import Category, Unit
from property.demo import DEMO_PASSWORD, Estate
from property.register.permissions import current_residencies
from renovation import defaults
from renovation.defaults import ensure_categories
from renovation.models import (
    STAGES,
    Acceptance,
    CatalogueItem,
    Contract,
    Funding,
    ProgressEntry,
    Project,
    ProjectItem,
    Stage,
    StageDate,
    WorksNotice,
)
from renovation.services import blacklist_update, project_record_done, site_inspection_record

UNITS = [
    ("市政工程设计研究院", "design"),
    ("宏达建筑工程有限公司", "construction"),
    ("诚信工程监理有限公司", "supervision"),
    ("东风供水有限公司", "utility"),
]
ITEMS = [
    "roof-waterproofing-renewal",
    "stairwell-repair",
    "roof-insulation",
    "site-roads",
    "site-water",
    "site-fire",
    "site-lighting",
    "site-parking",
    "barrier-free",
    "fitness-equipment",
]
# (compound index in the first community, year, batch, stage)
PROJECTS = [
    (0, 2020, "第一批", Stage.HANDED_OVER),
    (1, 2021, "第二批", Stage.HANDED_OVER),
    (2, 2022, "第三批", Stage.CONSULTATION),
    (3, 2022, "第三批", Stage.DESIGN),
    (4, 2022, "第三批", Stage.CONSTRUCTION),
]


def seed_renovation(estate: Estate, now: datetime) -> list[tuple[str, str]]:
    if Project.objects.filter(community__in=estate.communities).exists():
        return []
    rng = random.Random("renovation")
    today = timezone.localdate(now)
    worker = get_user_model().objects.get(username="worker")
    units = {kind: Unit.objects.get_or_create(name=name, defaults={"kind": kind})[0] for name, kind in UNITS}
    password = make_password(DEMO_PASSWORD)
    contacts = {
        role: get_user_model().objects.get_or_create(
            username=username, defaults={"name": name, "password": password}
        )[0]
        for role, username, name in (
            ("construction", "builder", "高建设"),
            ("supervision", "supervisor", "严监理"),
        )
    }
    community = estate.communities[0]
    compounds = [c for c in estate.compounds if c.community_id == community.pk]
    defaults.ensure(CatalogueItem)  # a transactional test's flush removes migration data
    catalogue = {i.code: i for i in CatalogueItem.objects.filter(code__in=ITEMS)}
    for index, year, batch, stage in PROJECTS:
        compound = compounds[index]
        project = Project.objects.create(
            name=f"{compound.name}老旧小区改造",
            community=community,
            year=year,
            batch=batch,
            stage=stage,
            created_by=worker,
        )
        project.compounds.set([compound])
        current = STAGES.index(stage)
        start = date(year, 3, 1) if year < today.year else today - timedelta(days=240)
        days = {s: start + timedelta(days=45 * n) for n, s in enumerate(STAGES)}
        if stage == Stage.CONSTRUCTION:  # behind schedule: acceptance was planned three weeks ago
            days = {
                s: today - timedelta(days=21 + 40 * (STAGES.index(Stage.ACCEPTANCE) - n))
                for n, s in enumerate(STAGES)
            }
        StageDate.objects.bulk_create(
            StageDate(
                project=project, stage=s, planned_on=days[s], reached_on=days[s] if n <= current else None
            )
            for n, s in enumerate(STAGES)
        )
        chosen = rng.sample(ITEMS, 5)
        budgets = {code: Decimal(rng.randrange(20, 120) * 10000) for code in chosen}
        built = current >= STAGES.index(Stage.CONSTRUCTION)
        items = ProjectItem.objects.bulk_create(
            ProjectItem(
                project=project,
                item=catalogue[code],
                budget=budgets[code] if current >= STAGES.index(Stage.FEASIBILITY) else Decimal(0),
                percent=100
                if current > STAGES.index(Stage.CONSTRUCTION)
                else (rng.randrange(30, 75) if built else 0),
            )
            for code in chosen
        )
        total = sum(budgets.values())
        if current >= STAGES.index(Stage.FEASIBILITY):
            received = current >= STAGES.index(Stage.CONSTRUCTION)
            for source, share in (
                ("central_subsidy", Decimal("0.7")),
                ("local_government", Decimal("0.2")),
                ("residents", Decimal("0.1")),
            ):
                amount = (total * share).quantize(Decimal("0.01"))
                Funding.objects.create(
                    project=project, source=source, planned=amount, received=amount if received else 0
                )
        if current >= STAGES.index(Stage.TENDER):
            project.plan_adopted_on, project.plan_basis = (
                days[Stage.DESIGN] + timedelta(days=20),
                "consultation",
            )
            project.plan_text = "一院一策：" + "、".join(catalogue[c].name for c in chosen)
            project.save(update_fields=["plan_adopted_on", "plan_basis", "plan_text"])
        if built:
            for role in ("design", "construction", "supervision"):
                contract = Contract.objects.create(
                    project=project,
                    unit=units[role],
                    role=role,
                    value=(total * Decimal("0.3" if role == "construction" else "0.05")).quantize(
                        Decimal("0.01")
                    ),
                    starts_on=days[Stage.DESIGN] if role == "design" else days[Stage.CONSTRUCTION],
                    ends_on=days[Stage.TENDER] if role == "design" else days[Stage.ACCEPTANCE],
                    contact_name=contacts.get(role, worker).name or "刘工",
                    contact_phone=f"137{rng.randrange(10**8):08d}",
                    contact_user=contacts.get(role) if stage == Stage.CONSTRUCTION else None,
                )
                if role != "design":
                    contract.items.set(items)
            for item in items:
                ProgressEntry.objects.create(
                    item=item,
                    percent=item.percent,
                    note="按计划推进" if item.percent == 100 else "施工中",
                    by=worker,
                    at=now,
                )
        if stage == Stage.HANDED_OVER:
            project.accepted_on = days[Stage.ACCEPTANCE]
            project.save(update_fields=["accepted_on"])
            acceptance = Acceptance.objects.create(
                project=project,
                held_on=project.accepted_on,
                note="验收合格，无遗留问题。",
                recorded_by=worker,
            )
            acceptance.representatives.set(
                current_residencies()
                .filter(household__building__compound=compound)
                .order_by("id")
                .values_list("resident_id", flat=True)[:5]
            )
        if stage == Stage.CONSTRUCTION:
            building = compound.buildings.order_by("name").first()
            notice = WorksNotice.objects.create(
                project=project,
                compound=compound,
                kind="water",
                title=f"{building.name}停水",
                body="更换给水立管，请提前储水。",
                starts_at=now + timedelta(days=2),
                ends_at=now + timedelta(days=2, hours=8),
                created_by=worker,
            )
            notice.buildings.set([building])
            _site_round(project, compound, contacts)
    _seed_past(estate, [compounds[index].pk for index, *_rest in PROJECTS])
    blacklist_update(now)  # the late construction company is on the published blacklist
    return [
        ("builder", "construction company's contact, 粮食局宿舍's renovation (behind schedule)"),
        ("supervisor", "supervision company's contact: records progress on site"),
    ]


def _seed_past(estate: Estate, in_projects: list[int]) -> None:
    """Most other compounds were renovated in 2020-2022, before Gongzhi: their earlier records are
    projects handed over (services.project_record_done), some with the residents' and companies' money."""
    officer = get_user_model().objects.get(username="officer")
    catalogue = list(CatalogueItem.objects.filter(community__isnull=True).order_by("id"))
    for compound in estate.compounds:
        rng = random.Random(f"renovated/{compound.name}")
        if compound.pk in in_projects or rng.random() >= 0.8:
            continue
        year = rng.choice([2020, 2021, 2022])
        funding = [
            ("local_government", Decimal(rng.randrange(80, 400) * 10000)),
            ("residents", Decimal(rng.randrange(0, 30) * 10000)),
            ("enterprises", Decimal(rng.randrange(0, 20) * 10000)),
        ]
        project_record_done(
            actor=officer,
            name=f"{compound.name}老旧小区改造",
            compounds=[compound],
            year=year,
            items=[(item.pk, Decimal(0)) for item in rng.sample(catalogue, rng.randrange(4, 10))],
            funding=[(source, amount, amount) for source, amount in funding if amount],
            handed_over_on=date(year, 12, rng.randrange(1, 29)),
        )


def _site_round(project, compound, contacts) -> None:
    """The supervisor's round of the late site: a quality defect the builder is putting right, and a
    safety one put right and checked."""
    from core.errors import DomainError
    from grid import services as grid

    ensure_categories(Category)
    construction = project.contracts.get(role="construction")
    try:
        inspection = site_inspection_record(
            actor=contacts["supervision"],
            project=project,
            compound=compound.pk,
            note="例行巡查",
            findings=[
                {
                    "contract": construction.pk,
                    "category": "works_quality",
                    "place": "2号楼屋面",
                    "text": "防水卷材搭接宽度不足",
                },
                {
                    "contract": construction.pk,
                    "category": "works_safety",
                    "place": "北门",
                    "text": "材料堆放占用消防通道",
                },
            ],
        )
    except DomainError:  # no grid covers the compound: nowhere to send what is found
        return
    quality, safety = (f.incident for f in inspection.findings.order_by("id"))
    grid.incident_step(actor=contacts["construction"], incident=quality, action="accept")
    grid.incident_step(actor=contacts["construction"], incident=safety, action="accept")
    grid.incident_step(actor=contacts["construction"], incident=safety, action="resolve", note="材料已清运")
    grid.incident_step(actor=contacts["supervision"], incident=safety, action="verify")
