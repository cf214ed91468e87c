from datetime import date, datetime

from django.urls import reverse
from ninja import Field, Schema

from core.validation import ActivityDatetime, HistoryDate, LocalTime
from grid.models import DutyStatus, IncidentStatus, StaffRole


class GridIn(Schema):
    community: int
    name: str = Field(min_length=1, max_length=60)
    compounds: list[int] = []
    buildings: list[int] = []


class GridOut(Schema):
    id: int
    community: int = Field(alias="community_id")
    name: str
    compounds: list[int]

    @staticmethod
    def resolve_compounds(grid) -> list[int]:
        return [c.pk for c in grid.compounds.all()]


class StaffIn(Schema):
    user: int
    role: StaffRole
    unit: int
    started_on: HistoryDate


class StaffOut(Schema):
    id: int
    grid: int = Field(alias="grid_id")
    user: int = Field(alias="user_id")
    name: str = Field(alias="user.display_name")
    role: StaffRole
    unit: int = Field(alias="unit_id")
    unit_name: str = Field(alias="unit.name")
    started_on: date
    ended_on: date | None


class DutyShiftIn(Schema):
    assignment: int = Field(description="The staff member's place in the grid (grid/grids/{id}/staff).")
    starts_at: ActivityDatetime
    ends_at: ActivityDatetime


class DutyTemplateIn(Schema):
    assignment: int
    weekdays: list[int] = Field(min_length=1, max_length=7, description="0 is Monday.")
    start_time: LocalTime
    minutes: int = Field(ge=15, le=1440)


class DutyTemplateOut(DutyTemplateIn):
    id: int
    assignment: int = Field(alias="assignment_id")


class DutyShiftOut(Schema):
    id: int
    grid: int = Field(alias="grid_id")
    staff: int = Field(alias="staff_id")
    staff_name: str = Field(alias="staff.display_name")
    role: StaffRole
    starts_at: datetime
    ends_at: datetime
    status: DutyStatus
    started_at: datetime | None
    ended_at: datetime | None
    minutes_worked: int | None = Field(description="From the real start to the real end")
    late: bool
    place_note: str
    notes: str


class StartIn(Schema):
    place_note: str = Field("", max_length=120)


class FindingIn(Schema):
    text: str = Field(min_length=1, max_length=500)
    place: str = Field("", max_length=120)


class EndIn(Schema):
    notes: str = Field("", max_length=5000)
    findings: list[FindingIn] = Field([], max_length=50)


class SwapIn(Schema):
    to: int = Field(description="The colleague's assignment (same role, same grid).")
    reason: str = Field(min_length=1, max_length=200)


class SwapOut(Schema):
    id: int
    shift: int = Field(alias="shift_id")
    to: int = Field(alias="to_id")
    status: str
    reason: str


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=300)


class ResultIn(Schema):
    item: int
    passed: bool
    finding: str = Field("", max_length=500)
    place: str = Field("", max_length=120)


class InspectionIn(Schema):
    grid: int
    results: list[ResultIn] = Field(min_length=1, max_length=50)


class FindingOut(Schema):
    id: int
    grid: int = Field(alias="grid_id")
    text: str
    place: str
    item: int | None = Field(alias="item_id")
    incident: int | None = Field(alias="incident_id")


class InspectionOut(Schema):
    id: int
    grid: int = Field(alias="grid_id")
    day: date
    done_at: datetime
    findings: list[FindingOut]


class FindingIncidentIn(Schema):
    category: int


class StepOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: int | None = Field(alias="actor_id")
    note: str
    at: datetime


class IncidentOut(Schema):
    id: int
    grid: int = Field(alias="grid_id")
    community: int = Field(alias="grid.community_id")
    category: int = Field(alias="category_id")
    category_name: str = Field(alias="category.name")
    place: str
    description: str
    photo: str | None = None
    reporter: int = Field(alias="reporter_id")
    reported_at: datetime
    status: IncidentStatus
    unit: int | None = Field(alias="unit_id")
    deadline: datetime | None
    overdue: bool = Field(description="Past the deadline at some point (counted against the unit).")
    escalation: int
    measures: str
    closed_at: datetime | None
    rating: int | None

    @staticmethod
    def resolve_photo(incident) -> str | None:
        return reverse("grid:photo", args=[incident.pk]) if incident.photo else None


class IncidentDetailOut(IncidentOut):
    steps: list[StepOut]


class StepIn(Schema):
    note: str = Field("", max_length=2000, description="The reason, or for resolve the measures taken.")
    unit: int | None = Field(None, description="dispatch: the responsible unit.")
    until: ActivityDatetime | None = Field(None, description="extend: the new deadline asked for.")


class RateIn(Schema):
    score: int = Field(ge=1, le=5)


class UnitOut(Schema):
    id: int
    name: str
    kind: str


class OverdueUnitOut(UnitOut):
    overdue: int
    dispatched: int
    open_overdue: int


class EndStaffIn(Schema):
    ended_on: HistoryDate


class ChecklistItemIn(Schema):
    community: int
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    text: str = Field(min_length=1, max_length=120)
    position: int = Field(100, ge=0, le=1000)


class ChecklistItemOut(Schema):
    id: int
    community: int | None = Field(alias="community_id")
    code: str
    text: str
    position: int


class GridGapOut(Schema):
    grid: int
    name: str
    missing: list[StaffRole] = Field(description="The staff roles nobody holds on the grid today.")


class DutyFiguresOut(Schema):
    planned: int
    done: int
    left_early: int = Field(0, description="Ended well before the planned end (早退): not done")
    on_duty: int
    late: int
    missed: int


class DailyGridOut(Schema):
    grid: int
    name: str
    duty: dict[str, DutyFiguresOut] = Field(description="By staff role (cleaner, police, ...).")
    inspections: int
    findings: int
    opened: int
    closed: int
    due: int = Field(0, description="Due that day (deadline by the day's end; today: so far), not rejected.")
    overdue: int = Field(
        description="Past the deadline and still with the unit at the end of the day (today: now)."
    )


class DailyTotalsOut(Schema):
    grids: int
    duty: dict[str, DutyFiguresOut]
    inspections: int
    findings: int
    opened: int
    closed: int
    due: int = 0
    overdue: int


class DailySectionOut(Schema):
    """A table another app adds to the report (construction inspections), as its rows were counted."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str | int]]


class DailyReportOut(Schema):
    community: int
    community_name: str
    date: date
    grids: list[DailyGridOut]
    totals: DailyTotalsOut
    sections: list[DailySectionOut] = []
