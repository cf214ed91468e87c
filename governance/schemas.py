from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from core.validation import ActivityDate, ActivityDatetime, DisclosureMoney, HistoryDate
from governance.models import (
    SPECIAL_MATTERS,
    BodyKind,
    Choice,
    Flow,
    Matter,
    MeetingKind,
    MemberRole,
    NoticeKind,
    Presence,
    QuestionKind,
    Subject,
    VoteStatus,
)
from governance.selectors import body_problems
from property.fees.schemas import FeeItemOut
from property.models import ManagementMode


class BodyIn(Schema):
    kind: BodyKind
    name: str = Field(min_length=1, max_length=120)
    compound: int | None = Field(None, description="Required but for a party branch or team.")
    community: int | None = Field(None, description="For a party branch or team of a whole community.")
    led_by: int | None = None
    term_start: HistoryDate
    term_end: HistoryDate | None = None
    filed_on: HistoryDate | None = None


class BodyOut(Schema):
    id: int
    kind: BodyKind
    name: str
    community: int = Field(alias="community_id")
    compound: int | None = Field(alias="compound_id")
    led_by: int | None = Field(alias="led_by_id")
    term_start: date
    term_end: date | None
    filed_on: date | None
    dissolved_on: date | None
    members: int = Field(alias="seated", description="Members sitting today.")
    problems: list[str] = Field(description="What keeps the body from its rules today.")

    @staticmethod
    def resolve_problems(body) -> list[str]:
        return body_problems(body, body.seated)


class FileIn(Schema):
    filed_on: HistoryDate


class MemberIn(Schema):
    resident: int
    role: MemberRole = MemberRole.MEMBER
    started_on: HistoryDate


class MemberOut(Schema):
    id: int
    body: int = Field(alias="body_id")
    resident: int = Field(alias="resident_id")
    name: str = Field(alias="resident.name")
    is_party_member: bool = Field(alias="resident.is_party_member")
    role: MemberRole
    started_on: date
    ended_on: date | None


class MemberEndIn(Schema):
    ended_on: HistoryDate


class AttendanceIn(Schema):
    member: int
    presence: Presence
    proxy_name: str = Field("", max_length=60)


class ResolutionIn(Schema):
    text: str = Field(min_length=1, max_length=2000)
    votes_for: int = Field(ge=0, le=10000)
    votes_against: int = Field(0, ge=0, le=10000)
    abstentions: int = Field(0, ge=0, le=10000)


class ActionIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    assignee: int = Field(description="A member of the body.")
    due_on: ActivityDate


class MeetingIn(Schema):
    body: int
    kind: MeetingKind = MeetingKind.REGULAR
    title: str = Field(min_length=1, max_length=120)
    held_at: ActivityDatetime
    place: str = Field(min_length=1, max_length=120)
    agenda: list[str] = Field([], max_length=50)
    minutes: str = Field("", max_length=20000)
    public: bool = False
    attendance: list[AttendanceIn] = Field(min_length=1)
    resolutions: list[ResolutionIn] = []
    actions: list[ActionIn] = []


class AttendanceOut(Schema):
    member: int = Field(alias="member_id")
    name: str = Field(alias="member.resident.name")
    presence: Presence
    proxy_name: str


class ResolutionOut(Schema):
    id: int
    text: str
    votes_for: int
    votes_against: int
    abstentions: int
    adopted: bool


class ActionOut(Schema):
    id: int
    meeting: int = Field(alias="meeting_id")
    title: str
    assignee: int = Field(alias="assignee_id")
    assignee_name: str = Field(alias="assignee.resident.name")
    due_on: date
    closed_at: datetime | None
    closing_note: str


class ActionCloseIn(Schema):
    note: str = Field(min_length=1, max_length=500)


class MeetingSummaryOut(Schema):
    id: int
    body: int = Field(alias="body_id")
    kind: MeetingKind
    title: str
    held_at: datetime
    place: str
    public: bool


class QuorumOut(Schema):
    present: int
    members: int
    met: bool


class MeetingOut(MeetingSummaryOut):
    agenda: list[str]
    minutes: str
    quorum: QuorumOut
    attendance: list[AttendanceOut]
    resolutions: list[ResolutionOut]
    actions: list[ActionOut]


class VoteIn(Schema):
    compound: int
    title: str = Field(min_length=1, max_length=200)
    matter: Matter
    description: str = Field("", max_length=5000)
    project: int | None = Field(None, description="The renovation project whose plan the owners vote on.")
    opens_at: ActivityDatetime
    closes_at: ActivityDatetime


class VoteOut(Schema):
    id: int
    compound: int = Field(alias="compound_id")
    project: int | None = Field(None, alias="project_id")
    title: str
    matter: Matter
    threshold: str = Field(description="majority | three_quarters")
    description: str
    opens_at: datetime
    closes_at: datetime
    status: VoteStatus
    roll_frozen_at: datetime | None

    @staticmethod
    def resolve_threshold(vote) -> str:
        return "three_quarters" if vote.matter in SPECIAL_MATTERS else "majority"


class BallotIn(Schema):
    household: int
    choice: Choice


class BallotOut(Schema):
    id: int
    vote: int = Field(alias="vote_id")
    household: int = Field(alias="household_id")
    owner: int = Field(alias="owner_id")
    choice: Choice
    on_paper: bool
    cast_at: datetime


class ParticipationOut(Schema):
    area: Decimal
    area_total: Decimal
    area_share: str = Field(description="Exact fraction, e.g. 2/3.")
    area_percent: Decimal
    headcount: int
    headcount_total: int
    headcount_share: str
    headcount_percent: Decimal
    quorum_met: bool


class ApprovalOut(Schema):
    area_for: Decimal
    headcount_for: int
    area_share: str = Field(description="Of the area taking part, exact.")
    area_percent: Decimal
    headcount_share: str
    headcount_percent: Decimal


class ResultOut(Schema):
    participation: ParticipationOut
    approval: ApprovalOut
    threshold: str
    passed: bool
    final: bool = Field(description="False while the vote is still open.")


class FinanceLineIn(Schema):
    flow: Flow
    item: str = Field(min_length=1, max_length=120)
    amount: DisclosureMoney = Field(gt=0, max_digits=12, decimal_places=2)


class FinanceLineOut(FinanceLineIn):
    pass


class NoticeIn(Schema):
    compound: int
    kind: NoticeKind
    title: str = Field(min_length=1, max_length=200)
    body: str = Field("", max_length=20000)
    lines: list[FinanceLineIn] = []


class NoticeOut(Schema):
    id: int
    compound: int = Field(alias="compound_id")
    kind: NoticeKind
    title: str
    body: str
    published_on: date
    author_name: str
    vote: int | None = Field(alias="vote_id")
    lines: list[FinanceLineOut]


class QuestionIn(Schema):
    text: str = Field(min_length=1, max_length=300)
    kind: QuestionKind
    options: list[str] = Field([], max_length=20)


class QuestionOut(QuestionIn):
    position: int


class SolicitationIn(Schema):
    compound: int
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    project: int | None = Field(None, description="The renovation project this consultation is for.")
    opens_on: ActivityDate
    closes_on: ActivityDate
    questions: list[QuestionIn] = Field(min_length=1, max_length=30)


class SolicitationOut(Schema):
    id: int
    compound: int = Field(alias="compound_id")
    project: int | None = Field(None, alias="project_id")
    title: str
    description: str
    opens_on: date
    closes_on: date
    questions: list[QuestionOut]


class ResponseIn(Schema):
    household: int
    answers: dict[str, str | list[str]] = Field(description="Question position -> option, options or text.")


class ResponseOut(Schema):
    id: int
    household: int = Field(alias="household_id")
    answers: dict[str, str | list[str]]
    door_to_door: bool


class EvaluationIn(Schema):
    community: int
    subject: Subject
    title: str = Field(min_length=1, max_length=200)
    opens_on: ActivityDate
    closes_on: ActivityDate


class EvaluationOut(EvaluationIn):
    id: int
    community: int = Field(alias="community_id")


class RatingIn(Schema):
    household: int
    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=500)


class RatingOut(Schema):
    id: int
    household: int = Field(alias="household_id")
    score: int
    comment: str


class CompoundGapOut(Schema):
    compound: int
    name: str
    community: str


class OptionCountOut(Schema):
    option: str
    count: int


class QuestionSummaryOut(Schema):
    position: int
    text: str
    kind: QuestionKind
    counts: list[OptionCountOut] | None = Field(None, description="single and multiple questions")
    answers: list[str] | None = Field(None, description="text questions: the answers given")


class SolicitationSummaryOut(Schema):
    households: int
    answered: int
    door_to_door: int
    coverage: str = Field(description="Households answered / households, percent with two places.")
    questions: list[QuestionSummaryOut]


class EvaluationCompoundOut(Schema):
    compound: int
    name: str
    households: int
    ratings: int
    response_rate: str = Field(description="Percent with two places.")
    average: str | None = Field(description="Mean score with two places; null without ratings.")


# --- the public compound page ----------------------------------------------------------------


class PublicContractOut(Schema):
    provider: str = Field(alias="provider.name")
    contact_name: str = Field(alias="provider.contact_name")
    contact_phone: str = Field(alias="provider.contact_phone", description="The property service desk.")
    starts_on: date
    ends_on: date
    service_standard: str


class PublicBodyOut(Schema):
    id: int
    kind: BodyKind
    name: str
    term_start: date
    term_end: date | None


class OfficeOut(Schema):
    phone: str
    address: str


class PublicCompoundOut(Schema):
    id: int
    name: str
    community: str
    management_mode: ManagementMode
    management_mode_label: str
    contract: PublicContractOut | None = Field(description="The property service contract in force.")
    governing_body: PublicBodyOut | None = Field(description="The body governing the compound today.")
    office: OfficeOut = Field(description="The community office.")
    fee_standards: list[FeeItemOut] = Field(description="The fee items in force today.")
    notices: list[NoticeOut]
    open_votes: list[VoteOut]
    open_solicitations: list[SolicitationOut]
