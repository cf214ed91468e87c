"""Reads of renovation projects, each scoped to what the user may see."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.permissions import staff_scope
from grid.models import IncidentStatus, OverdueMark, UnitKind
from grid.selectors import judged_at, overdue_at
from renovation.models import (
    BlacklistEntry,
    CatalogueItem,
    Contract,
    ContractRole,
    Funding,
    FundingSource,
    ProgressEntry,
    ProgressPhoto,
    Project,
    ProjectItem,
    SiteFinding,
    SiteInspection,
    Stage,
    StageDate,
    WorksNotice,
)
from renovation.permissions import findings_visible


def projects_served(user):
    """Projects the user serves: as the community's or subdistrict's staff, or as a contract's contact."""
    if not user.is_authenticated:
        return Project.objects.none()
    ids = Project.objects.filter(staff_scope(user, "community") | Q(contracts__contact_user=user)).values(
        "id"
    )
    return Project.objects.filter(id__in=ids)  # once each, however many contracts the user holds


def projects_detailed(queryset):
    """Projects with all they show: compounds, stage dates, items, funding, contracts."""
    return queryset.prefetch_related(
        "compounds",
        Prefetch("stage_dates", queryset=StageDate.objects.order_by("id")),
        Prefetch(
            "items", queryset=ProjectItem.objects.select_related("item").order_by("item__group", "item_id")
        ),
        Prefetch("funding", queryset=Funding.objects.order_by("id")),
        Prefetch(
            "contracts",
            queryset=Contract.objects.select_related("unit").prefetch_related("items").order_by("role", "id"),
        ),
    )


def catalogue_for(community_id: int | None = None):
    """The subdistrict's catalogue and, given a community, the items that community added."""
    q = Q(community__isnull=True)
    if community_id:
        q |= Q(community_id=community_id)
    return CatalogueItem.objects.filter(q).order_by("group", "id")


def compounds_renovated(compound_ids) -> set[int]:
    """THE answer to "is this compound renovated" (改造一个): of these compounds, those in a project
    handed over. A renovation done before Gongzhi ran its project is recorded as such a project too
    (services.project_record_done), so there is one record of a renovation, never two."""
    return set(
        Project.compounds.through.objects.filter(
            compound_id__in=compound_ids, project__stage=Stage.HANDED_OVER
        ).values_list("compound_id", flat=True)
    )


# The report's three kinds of funding, from a project's sources.
FUNDING_KINDS = {
    "government": (FundingSource.CENTRAL, FundingSource.LOCAL),
    "residents": (FundingSource.RESIDENTS,),
    "companies": (FundingSource.UTILITIES, FundingSource.ENTERPRISES),
}


@dataclass(frozen=True)
class RenovationRecord:
    """A compound's renovation as its page shows it: a project handed over, with the items done and
    the money received by kind (the whole project's, which `compound_count` compounds share)."""

    id: int
    name: str
    year: int
    handed_over_on: date | None
    items: list[str]
    funding_government: Decimal
    funding_residents: Decimal
    funding_companies: Decimal
    compound_count: int

    @property
    def investment(self) -> Decimal:
        return self.funding_government + self.funding_residents + self.funding_companies


def records_by_compound(compound_ids) -> dict[int, list[RenovationRecord]]:
    """The renovation records of these compounds, latest year first (hook COMPOUND_RENOVATIONS:
    property's compound page and API show them). Four queries whatever the number."""
    projects = (
        Project.objects.filter(stage=Stage.HANDED_OVER, compounds__id__in=compound_ids)
        .distinct()
        .prefetch_related(
            "compounds",
            Prefetch(
                "items",
                queryset=ProjectItem.objects.select_related("item").order_by("item__group", "item_id"),
            ),
            "funding",
            Prefetch("stage_dates", queryset=StageDate.objects.filter(stage=Stage.HANDED_OVER)),
        )
        .order_by("-year", "-id")
    )
    wanted = set(compound_ids)
    out: dict[int, list[RenovationRecord]] = {}
    for project in projects:
        received = {f.source: f.received for f in project.funding.all()}
        kinds = {
            kind: sum((received.get(s, Decimal(0)) for s in sources), Decimal("0.00"))
            for kind, sources in FUNDING_KINDS.items()
        }
        handed = [d.reached_on for d in project.stage_dates.all()]
        compounds = [c.pk for c in project.compounds.all()]
        record = RenovationRecord(
            id=project.pk,
            name=project.name,
            year=project.year,
            handed_over_on=handed[0] if handed else None,
            items=[pi.item.name for pi in project.items.all()],
            funding_government=kinds["government"],
            funding_residents=kinds["residents"],
            funding_companies=kinds["companies"],
            compound_count=len(compounds),
        )
        for compound_id in compounds:
            if compound_id in wanted:
                out.setdefault(compound_id, []).append(record)
    return out


def project_totals(project) -> dict:
    """Budget, funding planned and received, and percent done (budget-weighted; plain mean without
    budgets), from the project's prefetched items and funding."""
    items = list(project.items.all())
    budget = sum((i.budget for i in items), Decimal("0.00"))
    funding = list(project.funding.all())
    if budget > 0:
        done = sum((i.budget * i.percent for i in items), Decimal(0)) / budget
    else:
        done = Decimal(sum(i.percent for i in items)) / len(items) if items else Decimal(0)
    return {
        "budget": budget,
        "funding_planned": sum((f.planned for f in funding), Decimal("0.00")),
        "funding_received": sum((f.received for f in funding), Decimal("0.00")),
        "percent_done": int(done.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
    }


def findings_of(project, user) -> list:
    """The project's defects still open first, then the latest put right, as the user sees them
    (findings_visible); residents read progress, not the defect list."""
    done = [IncidentStatus.CLOSED, IncidentStatus.REJECTED]
    base = findings_visible(user).filter(project=project)
    return [
        *base.exclude(incident__status__in=done).order_by("incident__deadline", "id"),
        *base.filter(incident__status__in=done).order_by("-incident__closed_at", "-id")[:10],
    ]


def upcoming_works_of_project(project, now=None):
    return (
        WorksNotice.objects.filter(project=project, ends_at__gt=now or timezone.now())
        .select_related("compound")
        .order_by("starts_at", "id")
    )


def upcoming_works(compound_id: int, now=None):
    """The compound's works notices not yet over, soonest first: its public page shows them."""
    return (
        WorksNotice.objects.filter(compound_id=compound_id, ends_at__gt=now or timezone.now())
        .prefetch_related("buildings")
        .order_by("starts_at", "id")
    )


def public_projects(compound_id: int) -> list[Project]:
    """What anyone may read of the compound's projects: stage, items with progress and the photos of
    their latest update that had any (`item.photo_ids`), money, the responsible units and their
    contacts (公示动态进展情况). Two queries for the photos whatever the number of updates."""
    projects = list(
        projects_detailed(Project.objects.filter(compounds__id=compound_id)).order_by("-year", "-id")
    )
    items = [i for p in projects for i in p.items.all()]
    latest = dict(
        ProjectItem.objects.filter(pk__in=[i.pk for i in items])
        .annotate(
            entry=Subquery(
                ProgressEntry.objects.filter(item=OuterRef("pk"), photos__isnull=False)
                .order_by("-at", "-id")
                .values("id")[:1]
            )
        )
        .values_list("pk", "entry")
    )
    photos: dict[int, list[int]] = {}
    for entry_id, photo_id in (
        ProgressPhoto.objects.filter(entry_id__in=[e for e in latest.values() if e])
        .order_by("id")
        .values_list("entry_id", "id")
    ):
        photos.setdefault(entry_id, []).append(photo_id)
    for item in items:
        item.photo_ids = photos.get(latest.get(item.pk), [])
    return projects


BUILDING_ROLES = (ContractRole.CONSTRUCTION, ContractRole.UTILITY)


def milestones_overdue(project, today) -> dict:
    """THE definition of a project behind schedule, from its prefetched stage dates and contracts:
    stages planned before today and not reached, and the works contracts (construction, utility)
    past their end with items unfinished, each counted against its unit."""
    reached = {d.stage for d in project.stage_dates.all() if d.reached_on}
    stages = [
        {"stage": d.get_stage_display(), "planned_on": d.planned_on, "days": (today - d.planned_on).days}
        for d in project.stage_dates.all()
        if d.planned_on and d.planned_on < today and d.stage not in reached
    ]
    contracts = [
        {"contract": c, "unit": c.unit, "ends_on": c.ends_on, "days": (today - c.ends_on).days}
        for c in project.contracts.all()
        if c.role in BUILDING_ROLES and c.ends_on < today and any(i.percent < 100 for i in c.items.all())
    ]
    return {"stages": stages, "contracts": contracts}


def unit_figures(now) -> dict[int, dict]:
    """Per responsible unit of works: its contracts past their end with items unfinished (and the most
    days late) on projects not handed over, and its rectifications overdue (grid's overdue marks) in
    the last RENOVATION_BLACKLIST_WINDOW_DAYS."""
    today = timezone.localdate(now)
    figures: dict[int, dict] = {}

    def of(unit_id):
        return figures.setdefault(unit_id, {"milestones": 0, "days_late": 0, "rectifications": 0})

    active = Project.objects.exclude(stage=Stage.HANDED_OVER).filter(contracts__role__in=BUILDING_ROLES)
    for project in projects_detailed(Project.objects.filter(pk__in=active.values("pk"))):
        for late in milestones_overdue(project, today)["contracts"]:
            row = of(late["unit"].pk)
            row["milestones"] += 1
            row["days_late"] = max(row["days_late"], late["days"])
    since = now - timedelta(days=settings.RENOVATION_BLACKLIST_WINDOW_DAYS)
    marks = (
        OverdueMark.objects.filter(at__gte=since, unit__kind__in=[UnitKind.CONSTRUCTION, UnitKind.UTILITY])
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for unit_id, n in marks:
        of(unit_id)["rectifications"] = n
    return figures


def blacklisted(figures: dict) -> bool:
    """THE rule of the blacklist: a works contract too long past its end, or too many rectifications
    overdue (settings)."""
    return (
        figures["milestones"] > 0 and figures["days_late"] >= settings.RENOVATION_BLACKLIST_LATE_DAYS
    ) or figures["rectifications"] >= settings.RENOVATION_BLACKLIST_RECTIFICATIONS


def blacklist_published(today):
    """The units on the blacklist, and those that came off in the last half year (with the day)."""
    return (
        BlacklistEntry.objects.filter(Q(came_off__isnull=True) | Q(came_off__gte=today - timedelta(days=183)))
        .select_related("unit")
        .order_by(F("came_off").desc(nulls_first=True), "-came_on", "unit__name")
    )


def daily_construction(community, day, start, end) -> dict | None:
    """The daily report's construction section: per project on site (or inspected that day) its
    inspections and findings of the day, and its findings still open and overdue at the day's end.
    Three queries; None when the community has no project on site."""
    on_site = Q(stage__in=[Stage.CONSTRUCTION, Stage.ACCEPTANCE]) | Q(
        inspections__done_at__gte=start, inspections__done_at__lt=end
    )
    projects = list(
        Project.objects.filter(on_site, community=community)
        .distinct()
        .order_by("name", "pk")
        .values("pk", "name")
    )
    if not projects:
        return None
    ids = [p["pk"] for p in projects]
    rounds = dict(
        SiteInspection.objects.filter(project_id__in=ids, done_at__gte=start, done_at__lt=end)
        .values_list("project_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = Q(incident__reported_at__gte=start, incident__reported_at__lt=end)
    still_open = ~Q(incident__status=IncidentStatus.REJECTED) & (
        Q(incident__closed_at__isnull=True) | Q(incident__closed_at__gte=end)
    )
    late = overdue_at(judged_at(end), "incident")  # today's report: overdue now, not at midnight
    counts = {
        row["project_id"]: row
        for row in SiteFinding.objects.filter(project_id__in=ids, incident__reported_at__lt=end)
        .values("project_id")
        .annotate(
            found=Count("id", filter=found),
            open=Count("id", filter=still_open),
            overdue=Count("id", filter=late),
        )
        .order_by()
    }
    empty = {"found": 0, "open": 0, "overdue": 0}
    return {
        "key": "construction",
        "title": _("Construction sites"),
        "columns": [_("project"), _("inspections"), _("findings"), pgettext("defect", "open"), _("overdue")],
        "rows": [
            [
                p["name"],
                rounds.get(p["pk"], 0),
                counts.get(p["pk"], empty)["found"],
                counts.get(p["pk"], empty)["open"],
                counts.get(p["pk"], empty)["overdue"],
            ]
            for p in projects
        ],
    }


def open_findings_by_project(project_ids, user) -> dict[int, int]:
    """Defects not yet put right and checked, per project, of those the user sees (one query)."""
    return dict(
        findings_visible(user)
        .filter(project_id__in=project_ids)
        .exclude(incident__status__in=[IncidentStatus.CLOSED, IncidentStatus.REJECTED])
        .values_list("project_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def blacklisted_units() -> set[int]:
    return set(BlacklistEntry.objects.filter(came_off__isnull=True).values_list("unit_id", flat=True))


def projects_by_stage(projects) -> dict[str, int]:
    return dict(projects.values_list("stage").annotate(n=Count("id")).order_by())


def week_of_projects(subdistrict_id: int, first, end, start, stop) -> dict:
    """The weekly bulletin's renovation section: every project of the subdistrict still under way in
    the week [first, end) (or handed over in it) with its stage, percent done, stages reached in the
    week, progress updates and defects found in the week, defects open and milestones overdue at the
    week's end; and the blacklist as it stood in the week. A fixed number of queries."""
    last = end - timedelta(days=1)
    handed_over_in_week = StageDate.objects.filter(stage=Stage.HANDED_OVER, reached_on__gte=first)
    projects = list(
        projects_detailed(
            Project.objects.filter(community__subdistrict_id=subdistrict_id)
            .filter(~Q(stage=Stage.HANDED_OVER) | Q(pk__in=handed_over_in_week.values("project_id")))
            .select_related("community")
        ).order_by("community__name", "-year", "name")
    )
    ids = [p.pk for p in projects]
    updates = dict(
        ProgressEntry.objects.filter(item__project_id__in=ids, at__gte=start, at__lt=stop)
        .values_list("item__project_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = Q(incident__reported_at__gte=start, incident__reported_at__lt=stop)
    still_open = ~Q(incident__status=IncidentStatus.REJECTED) & (
        Q(incident__closed_at__isnull=True) | Q(incident__closed_at__gte=stop)
    )
    defects = {
        row["project_id"]: row
        for row in SiteFinding.objects.filter(project_id__in=ids, incident__reported_at__lt=stop)
        .values("project_id")
        .annotate(found=Count("id", filter=found), open=Count("id", filter=still_open))
        .order_by()
    }
    rows = []
    for p in projects:
        overdue = milestones_overdue(p, end)
        rows.append(
            {
                "id": p.pk,
                "name": p.name,
                "community": p.community.name,
                "stage": p.stage,
                "stage_name": str(p.get_stage_display()),
                "percent_done": project_totals(p)["percent_done"],
                "reached": [
                    str(d.get_stage_display())
                    for d in p.stage_dates.all()
                    if d.reached_on and first <= d.reached_on <= last
                ],
                "progress_updates": updates.get(p.pk, 0),
                "defects_found": defects.get(p.pk, {}).get("found", 0),
                "defects_open": defects.get(p.pk, {}).get("open", 0),
                "milestones_overdue": len(overdue["stages"]) + len(overdue["contracts"]),
                "late_units": sorted({o["unit"].name for o in overdue["contracts"]}),
            }
        )
    listed = (
        BlacklistEntry.objects.filter(came_on__lte=last)
        .filter(Q(came_off__isnull=True) | Q(came_off__gte=first))
        .select_related("unit")
        .order_by("came_on", "unit__name")
    )
    return {
        "projects": rows,
        "behind": sum(1 for r in rows if r["milestones_overdue"]),
        "blacklist": [
            {
                "unit": e.unit.name,
                "came_on": e.came_on,
                "came_off": e.came_off if e.came_off and e.came_off <= last else None,
                "milestones": e.milestones,
                "days_late": e.days_late,
                "rectifications": e.rectifications,
            }
            for e in listed
        ],
    }
