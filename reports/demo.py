"""A year of history for the demo subdistrict, in which some compounds improve and some decline, and
the five-co snapshots of those months, so that the index, its trends and the bulletin show movement.

Each compound draws a direction (improving, declining or steady); month by month its notices,
finance disclosures, meetings (published or not, consultations) and its grid's incidents (closed on
time or late, rated) follow it. Running it again changes nothing.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from core.periods import add_months, last_full_month
from governance.models import Body, Meeting, MeetingKind, Notice, NoticeKind
from governance.selectors import governing_on
from grid.models import Category, Grid, Incident, IncidentStatus, Unit
from property.demo import Estate
from reports import defaults, services
from reports.models import Fill, Indicator

MONTHS = 12
DIRECTIONS = ("improving", "improving", "declining", "declining", "steady")


def level(direction: str, k: int) -> float:
    """How well a compound does in month k (0 the oldest, MONTHS - 1 the last full month)."""
    share = k / (MONTHS - 1)
    return {"improving": 0.25 + 0.7 * share, "declining": 0.95 - 0.7 * share}.get(direction, 0.6)


def seed_history(estate: Estate, today: date) -> dict[str, list[str]]:
    defaults.ensure(Indicator)  # written by a migration; a flushed test database has lost them
    last = last_full_month(today)
    first = add_months(last, -(MONTHS - 1))
    if Fill.objects.filter(period=first).exists():
        return {}
    directions = {c.pk: random.Random(f"direction/{c.pk}").choice(DIRECTIONS) for c in estate.compounds}
    author = User.objects.get(username="worker")
    resident = User.objects.get(username="resident")
    bodies = {
        b.compound_id: b for b in Body.objects.filter(governing_on(today), compound__in=estate.compounds)
    }
    notices, meetings, incidents = [], [], []
    categories = list(Category.objects.order_by("pk"))
    units = list(Unit.objects.order_by("pk"))
    for k in range(MONTHS):
        month = add_months(first, k)
        for compound in estate.compounds:
            rng = random.Random(f"history/{compound.pk}/{k}")
            p = level(directions[compound.pk], k)
            notices += _notices(compound, month, p, k, rng, author)
            if compound.pk in bodies:
                meetings += _meetings(bodies[compound.pk], month, p, rng, author)
        for grid in Grid.objects.filter(community__in=estate.communities).prefetch_related("compounds"):
            covered = [c.pk for c in grid.compounds.all()]
            if covered:
                p = level(directions[covered[0]], k)
                incidents += _incidents(
                    grid, month, p, random.Random(f"incidents/{grid.pk}/{k}"), resident, categories, units
                )
    Notice.objects.bulk_create(notices)
    Meeting.objects.bulk_create(meetings)
    Incident.objects.bulk_create(incidents)
    for k in range(MONTHS):
        services.snapshots_fill(period=add_months(first, k))
    by_direction: dict[str, list[str]] = {}
    for compound in estate.compounds:
        by_direction.setdefault(directions[compound.pk], []).append(compound.name)
    return by_direction


def _at(month: date, day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(month.replace(day=min(day, 28)), time(hour)))


def _notices(compound, month, p, k, rng, author) -> list[Notice]:
    out = [
        Notice(
            compound=compound,
            kind=NoticeKind.PROGRESS,
            title=f"{month:%Y年%m月}工作公示（{i + 1}）",
            body="本月小区管理与服务工作情况。",
            published_on=month.replace(day=5 + 7 * i),
            author=author,
            author_name="社区居委会",
        )
        for i in range(round(p * 3))
    ]
    if k % 3 == 2 and rng.random() < p:
        out.append(
            Notice(
                compound=compound,
                kind=NoticeKind.FINANCE,
                title=f"{month:%Y年%m月}季度收支公示",
                body="本季度物业服务费与公共收益收支明细。",
                published_on=month.replace(day=25),
                author=author,
                author_name="社区居委会",
            )
        )
    return out


def _meetings(body, month, p, rng, author) -> list[Meeting]:
    out = []
    for i in range(round(p * 2)):
        held = _at(month, 8 + 10 * i, 19)
        consult = i == 0 and rng.random() < p
        out.append(
            Meeting(
                body=body,
                kind=MeetingKind.CONSULTATION if consult else MeetingKind.REGULAR,
                title="议事协商会" if consult else "月度例会",
                held_at=held,
                place="社区党群服务中心议事厅",
                agenda=["小区环境整治", "停车秩序"],
                minutes="围绕小区环境整治和停车秩序进行了讨论。",
                public=rng.random() < p,
                recorded_by=author,
                recorded_at=held + timedelta(hours=2),
            )
        )
    return out


def _incidents(grid, month, p, rng, reporter, categories, units) -> list[Incident]:
    out = []
    for i in range(6):
        reported = _at(month, 2 + 4 * i, 9)
        deadline = reported + timedelta(days=3)
        on_time = rng.random() < p
        closed = (
            deadline - timedelta(hours=rng.randint(2, 40))
            if on_time
            else deadline + timedelta(hours=rng.randint(4, 72))
        )
        out.append(
            Incident(
                grid=grid,
                category=rng.choice(categories),
                place="小区内",
                description="网格巡查发现的问题（历史记录）",
                reporter=reporter,
                reported_at=reported,
                status=IncidentStatus.CLOSED,
                unit=rng.choice(units),
                deadline=deadline,
                closed_at=closed,
                overdue=not on_time,
                rating=5 if rng.random() < p else 3,
            )
        )
    return out
