from datetime import datetime, time
from decimal import Decimal

from ninja import Field, Schema

from core.validation import ActivityDatetime, LocalTime
from volunteers.models import RegistrationStatus, ShiftStatus, SignupStatus


class ServiceTypeOut(Schema):
    id: int
    code: str
    name: str
    community: int | None = Field(alias="community_id")


class RegistrationIn(Schema):
    community: int
    skills: str = Field("", max_length=200)
    availability: str = Field("", max_length=200, description="e.g. 工作日晚上、周末")
    service_types: list[int] = []


class RegistrationOut(Schema):
    id: int
    name: str = Field(alias="resident.name")
    community: int = Field(alias="community_id")
    skills: str
    availability: str
    status: RegistrationStatus
    is_party_member: bool = Field(alias="resident.is_party_member")
    registered_at: datetime
    decision_reason: str


class RegistrationDecisionIn(Schema):
    reason: str = Field("", max_length=200)


class ShiftIn(Schema):
    community: int
    compound: int | None = None
    service_type: int
    starts_at: ActivityDatetime
    ends_at: ActivityDatetime
    meeting_point: str = Field(min_length=1, max_length=120)
    capacity: int = Field(ge=1, le=500)
    members_only: bool = True


class ShiftOut(Schema):
    id: int
    community: int = Field(alias="community_id")
    compound: int | None = Field(alias="compound_id")
    service_type: int = Field(alias="service_type_id")
    service_type_name: str = Field(alias="service_type.name")
    starts_at: datetime
    ends_at: datetime
    meeting_point: str
    capacity: int
    taken: int
    waitlisted: int
    members_only: bool
    status: ShiftStatus


class SignupOut(Schema):
    shift: int = Field(alias="shift_id")
    status: SignupStatus
    queued_at: datetime


class CheckIn(Schema):
    volunteer: int | None = Field(None, description="Someone in the group; only the shift's leader may.")


class CheckOut(Schema):
    shift: int = Field(alias="shift_id")
    checked_in_at: datetime | None
    checked_out_at: datetime | None


class ShiftPatch(Schema):
    starts_at: ActivityDatetime | None = None
    ends_at: ActivityDatetime | None = None
    meeting_point: str | None = Field(None, min_length=1, max_length=120)
    capacity: int | None = Field(None, ge=1, le=500)


class ShiftCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class HoursRow(Schema):
    shift: int
    service_type: str
    starts_at: datetime
    hours: Decimal
    points: int


class HoursOut(Schema):
    hours: Decimal
    points: int
    shifts: list[HoursRow]


class ShiftTemplateIn(Schema):
    community: int
    compound: int | None = None
    service_type: int
    weekday: int = Field(ge=0, le=6, description="0 is Monday")
    start_time: LocalTime
    minutes: int = Field(ge=15, le=1440)
    meeting_point: str = Field(min_length=1, max_length=120)
    capacity: int = Field(ge=1, le=500)
    members_only: bool = True


class ShiftTemplateOut(Schema):
    id: int
    community: int = Field(alias="community_id")
    compound: int | None = Field(alias="compound_id")
    service_type: int = Field(alias="service_type_id")
    weekday: int
    start_time: time
    minutes: int
    meeting_point: str
    capacity: int
    active: bool
