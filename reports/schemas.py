from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from reports.models import Co, Level


class PlaceFilter(Schema):
    compound: int | None = None
    community: int | None = None
    subdistrict: int | None = None
    period: str | None = Field(None, description="YYYY-MM; default the last full month")


class TrendFilter(PlaceFilter):
    months: int = Field(12, ge=1, le=36)


class RecordsFilter(PlaceFilter):
    indicator: str = Field(min_length=1, max_length=40)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


class PlaceOut(Schema):
    id: int
    name: str


class IndicatorOut(Schema):
    code: str
    name: str
    value: Decimal | None
    target: Decimal | None
    weight: Decimal | None
    score: Decimal | None
    lower_is_better: bool
    sufficient: bool
    records: str = Field(description="The API path listing the records behind the value")
    value_basis: Literal["summed_parts", "household_weighted_mean"] = Field(
        "summed_parts",
        description="summed_parts: the figure the place's records add up to (its compounds' parts "
        "summed); household_weighted_mean: a community's or subdistrict's month kept before that rule.",
    )


class CoOut(Schema):
    co: Co
    name: str
    score: Decimal | None
    change: Decimal | None = Field(description="Against the month before")
    indicators: list[IndicatorOut]


class ChildOut(Schema):
    id: int
    name: str
    households: int
    overall: Decimal | None
    scores: dict[str, Decimal | None]


class FiveCoOut(Schema):
    period: str
    level: Level
    place: PlaceOut
    households: int
    score_basis: Literal["indicators", "household_weighted_mean"] = Field(
        description="indicators: a compound's scores from its indicators; household_weighted_mean: "
        "a community's or the subdistrict's scores (overall, co- and indicator) are the household-"
        "weighted mean of its compounds' scores, while each indicator's value is its records added up."
    )
    overall: Decimal | None
    change: Decimal | None
    scores: list[CoOut]
    children: list[ChildOut]


class MonthOut(Schema):
    period: str
    filled: bool = Field(description="False for a past month not kept yet")
    overall: Decimal | None
    scores: dict[str, Decimal | None]


class TrendOut(Schema):
    level: Level
    place: PlaceOut
    months: list[MonthOut]


class RecordOut(Schema):
    kind: str
    id: int
    title: str
    at: datetime | date | None
    detail: str
    page: str | None


class RecordsOut(Schema):
    indicator: str
    name: str
    count: int
    items: list[RecordOut]


class RecomputeIn(Schema):
    subdistrict: int
    period: str = Field(description="YYYY-MM, a month that has ended")
    reason: str = Field(min_length=1, max_length=500)


class AlertFilter(Schema):
    community: int | None = None
    subdistrict: int | None = None


class AlertOut(Schema):
    kind: str
    label: str
    compound: int | None
    community: int
    name: str = Field(description="The compound's name, or the grid's for a grid's alert")
    community_name: str
    since: datetime | date | None
    detail: str
    fix: str = Field(description="The page where it is fixed")
    fix_label: str


class AlertsOut(Schema):
    items: list[AlertOut]
    count: int


class BulletinFilter(Schema):
    subdistrict: int | None = None
    week: str | None = Field(None, description="YYYY-Www (ISO week); default the last full week")


class WeekIncidentsOut(Schema):
    opened: int
    closed: int
    due: int = Field(description="Deadline in the week (按期结案率's denominator)")
    closed_on_time: int = Field(description="Of those due, closed by their deadline")
    overdue: int = Field(description="Past their deadline and open at the week's end")
    on_time_rate: Decimal | None
    median_hours_to_close: Decimal | None


class WeekDutyOut(Schema):
    planned: int
    done: int
    left_early: int = Field(0, description="Ended well before the planned end (早退): not done")
    late: int
    missed: int


class WeekFeesOut(Schema):
    collected: Decimal = Field(description="Payments received in the week")
    billed: Decimal
    paid: Decimal
    collection_rate: Decimal | None = Field(description="Paid / billed for the month's bills")


class FiveCoFiguresOut(Schema):
    overall: Decimal | None
    change: Decimal | None


class AgainstOut(Schema):
    incidents_opened: int
    incidents_closed: int
    on_time_rate: Decimal | None
    duty_done: int
    volunteer_hours: Decimal
    fees_collected: Decimal


class WeekFiguresOut(Schema):
    incidents: WeekIncidentsOut
    duty: WeekDutyOut
    inspections: int
    findings: int
    volunteer_hours: Decimal
    meetings: int
    votes_closed: int
    fees: WeekFeesOut
    overdue_units: int = Field(
        description="Units with an incident overdue at the week's end (the week in progress: now), as "
        "named in overdue_units below; in the totals, each unit once"
    )
    against_last_week: AgainstOut


class CommunityWeekOut(WeekFiguresOut):
    id: int
    name: str
    rank: int
    five_co: FiveCoFiguresOut


class ActOnOut(Schema):
    compound: int
    name: str
    change: Decimal
    indicator: str | None
    indicator_name: str
    indicator_change: Decimal | None


class ListedUnitOut(Schema):
    id: int
    name: str
    overdue: int = Field(
        description="Incidents of the subdistrict with the unit overdue at the week's end (the week in "
        "progress: now); in bulletins kept before `communities`, overdue in the 90 days before"
    )
    communities: list[str] | None = Field(
        None, description="Where they are; the communities' overdue_units count these units"
    )


class ProjectWeekOut(Schema):
    id: int
    name: str
    community: str
    stage: str
    stage_name: str
    percent_done: int
    reached: list[str] = Field(description="Stages reached in the week")
    progress_updates: int
    defects_found: int
    defects_open: int = Field(description="Site defects not put right and checked at the week's end")
    milestones_overdue: int
    late_units: list[str]


class BlacklistWeekOut(Schema):
    unit: str
    came_on: date
    came_off: date | None = Field(description="Set when it came off by the week's end")
    milestones: int
    days_late: int
    rectifications: int


class RenovationWeekOut(Schema):
    projects: list[ProjectWeekOut]
    behind: int = Field(description="Projects with a milestone overdue")
    blacklist: list[BlacklistWeekOut]


class BulletinOut(Schema):
    week: str
    from_: date = Field(alias="from")
    to: date
    subdistrict: PlaceOut
    month: str = Field(description="The five-co month the bulletin quotes")
    published_at: datetime | None
    communities: list[CommunityWeekOut]
    ranking: list[int]
    totals: WeekFiguresOut
    act_on: list[ActOnOut]
    overdue_units: list[ListedUnitOut]
    renovation: RenovationWeekOut | None = Field(
        None, description="Renovation projects (absent in bulletins kept before it)"
    )
