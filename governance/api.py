from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.errors import Forbidden, visible_or_invalid
from core.openapi import errors
from governance import ledgers, selectors, services
from governance.models import Member
from governance.permissions import (
    bodies_visible,
    can_govern_compound,
    evaluations_visible,
    meetings_visible,
    notices_visible,
    solicitations_visible,
    votes_visible,
)
from governance.schemas import (
    ActionCloseIn,
    ActionOut,
    BallotIn,
    BallotOut,
    BodyIn,
    BodyOut,
    CompoundGapOut,
    EvaluationCompoundOut,
    EvaluationIn,
    EvaluationOut,
    FileIn,
    MeetingIn,
    MeetingOut,
    MeetingSummaryOut,
    MemberEndIn,
    MemberIn,
    MemberOut,
    NoticeIn,
    NoticeOut,
    PublicCompoundOut,
    RatingIn,
    RatingOut,
    ResponseIn,
    ResponseOut,
    ResultOut,
    SolicitationIn,
    SolicitationOut,
    SolicitationSummaryOut,
    VoteIn,
    VoteOut,
)
from property.ledgers import RESPONSES, in_month, ledger_response
from property.models import Compound, Household
from property.register.permissions import (
    communities_visible,
    compounds_visible,
    households_visible,
    residents_visible,
)
from renovation.permissions import projects_visible

router = Router(tags=["governance"])


def _project(request, project_id: int | None):
    if project_id is None:
        return None
    return visible_or_invalid(projects_visible(request.user), project_id, "project")


LIST_ERRORS = errors(401, 422)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(401, 403, 404, 409, 422)


# --- bodies ---------------------------------------------------------------------------------


class BodyFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("compound_id")] = None
    community: Annotated[int | None, FilterLookup("community_id")] = None
    kind: str | None = None


@router.get("/bodies", response={200: list[BodyOut], **LIST_ERRORS})
@paginate
def body_list(request, filters: Query[BodyFilter]):
    # 1 query: the bodies in scope with their sitting members counted (and the page's total).
    return filters.filter(selectors.bodies_counted(request.user)).order_by(
        "community_id", "compound_id", "kind", "id"
    )


@router.post("/bodies", response={201: BodyOut, **WRITE_ERRORS})
def body_create(request, payload: BodyIn):
    data = payload.dict(exclude={"compound", "community", "led_by"})
    # The service takes the community from the compound, and refuses a body with neither.
    if payload.compound is not None:
        data["compound"] = visible_or_invalid(compounds_visible(request.user), payload.compound, "compound")
    elif payload.community is not None:
        data["community"] = visible_or_invalid(
            communities_visible(request.user), payload.community, "community"
        )
    if payload.led_by is not None:
        data["led_by"] = visible_or_invalid(bodies_visible(request.user), payload.led_by, "led_by")
    body = services.body_create(actor=request.user, **data)
    return Status(201, selectors.bodies_counted(request.user).get(pk=body.pk))


@router.get("/bodies/{body_id}", response={200: BodyOut, **READ_ERRORS})
def body_detail(request, body_id: int):
    return get_object_or_404(selectors.bodies_counted(request.user), pk=body_id)


@router.post("/bodies/{body_id}/file", response={200: BodyOut, **WRITE_ERRORS})
def body_file(request, body_id: int, payload: FileIn):
    """Filed with the subdistrict: 409 `composition` while a committee breaks the size rules."""
    body = get_object_or_404(bodies_visible(request.user), pk=body_id)
    services.body_file(actor=request.user, body=body, filed_on=payload.filed_on)
    return selectors.bodies_counted(request.user).get(pk=body_id)


@router.get("/bodies/{body_id}/members", response={200: list[MemberOut], **READ_ERRORS})
def member_list(request, body_id: int):
    body = get_object_or_404(bodies_visible(request.user), pk=body_id)
    return Member.objects.filter(body=body).select_related("resident").order_by("ended_on", "role", "id")


@router.post("/bodies/{body_id}/members", response={201: MemberOut, **WRITE_ERRORS})
def member_add(request, body_id: int, payload: MemberIn):
    body = get_object_or_404(bodies_visible(request.user), pk=body_id)
    resident = visible_or_invalid(residents_visible(request.user), payload.resident, "resident")
    member = services.member_add(
        actor=request.user, body=body, resident=resident, role=payload.role, started_on=payload.started_on
    )
    return Status(201, member)


@router.post("/members/{member_id}/end", response={200: MemberOut, **WRITE_ERRORS})
def member_end(request, member_id: int, payload: MemberEndIn):
    bodies = bodies_visible(request.user)
    member = get_object_or_404(
        Member.objects.filter(body__in=bodies).select_related("body", "resident"), pk=member_id
    )
    return services.member_end(actor=request.user, member=member, ended_on=payload.ended_on)


# --- meetings ---------------------------------------------------------------------------------


class MeetingFilter(FilterSchema):
    body: Annotated[int | None, FilterLookup("body_id")] = None


@router.get("/meetings", response={200: list[MeetingSummaryOut], **LIST_ERRORS})
@paginate
def meeting_list(request, filters: Query[MeetingFilter]):
    # 1 query: the meetings the user may read (all of their bodies, published ones of their compound).
    return filters.filter(meetings_visible(request.user)).order_by("-held_at", "-id")


def _meeting_out(meeting) -> dict:
    present, members, met = selectors.quorum(meeting.attendance.all())
    meeting.quorum = {"present": present, "members": members, "met": met}
    return meeting


@router.post("/meetings", response={201: MeetingOut, **WRITE_ERRORS})
def meeting_record(request, payload: MeetingIn):
    """A whole meeting in one request: attendance of every member, minutes, resolutions, actions."""
    body = visible_or_invalid(bodies_visible(request.user), payload.body, "body")
    data = payload.dict(exclude={"body"})
    meeting = services.meeting_record(actor=request.user, body=body, **data)
    detailed = selectors.meeting_detailed(meetings_visible(request.user))
    return Status(201, _meeting_out(detailed.get(pk=meeting.pk)))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ_ERRORS})
def meeting_detail(request, meeting_id: int):
    detailed = selectors.meeting_detailed(meetings_visible(request.user))
    return _meeting_out(get_object_or_404(detailed, pk=meeting_id))


class MeetingLedgerFilter(Schema):
    format: Literal["csv", "xlsx"] = "csv"
    body: int | None = None
    compound: int | None = None
    period: str | None = Field(None, description="YYYY-MM: meetings held in the month")


@router.get("/ledgers/meetings", response={**LIST_ERRORS}, openapi_extra={"responses": RESPONSES})
def ledger_meetings(request, filters: Query[MeetingLedgerFilter]):
    """Meetings with their resolutions and actions (会议台账), a row each: those the user may read."""
    meetings = meetings_visible(request.user)
    if filters.body is not None:
        meetings = meetings.filter(body_id=filters.body)
    if filters.compound is not None:
        meetings = meetings.filter(body__compound_id=filters.compound)
    meetings = in_month(meetings, "held_at", filters.period)
    return ledger_response(
        filters.format, "meetings", ledgers.meeting_columns(), ledgers.meeting_rows(meetings)
    )


class ActionFilter(Schema):
    overdue: bool = False


@router.get("/actions", response={200: list[ActionOut], **LIST_ERRORS})
@paginate
def action_list(request, filters: Query[ActionFilter]):
    # 1 query: open actions of the user's bodies with the assignee's name.
    return selectors.actions_open(request.user, overdue_only=filters.overdue).order_by("due_on", "id")


@router.post("/actions/{action_id}/close", response={200: ActionOut, **WRITE_ERRORS})
def action_close(request, action_id: int, payload: ActionCloseIn):
    action = get_object_or_404(selectors.actions_open(request.user), pk=action_id)
    return services.action_close(actor=request.user, action=action, note=payload.note)


# --- owners' votes ----------------------------------------------------------------------------


class VoteFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("compound_id")] = None
    status: str | None = None


@router.get("/votes", response={200: list[VoteOut], **LIST_ERRORS})
@paginate
def vote_list(request, filters: Query[VoteFilter]):
    # 1 query: the votes of compounds the user staffs or lives in.
    return filters.filter(votes_visible(request.user)).order_by("-opens_at", "-id")


@router.post("/votes", response={201: VoteOut, **WRITE_ERRORS})
def vote_create(request, payload: VoteIn):
    """Opens now (roll frozen) if `opens_at` has come; otherwise beat opens it on time."""
    compound = visible_or_invalid(compounds_visible(request.user), payload.compound, "compound")
    project = _project(request, payload.project)
    data = payload.dict(exclude={"compound", "project"})
    vote = services.vote_create(actor=request.user, compound=compound, project=project, **data)
    return Status(201, vote)


@router.get("/votes/{vote_id}", response={200: VoteOut, **READ_ERRORS})
def vote_detail(request, vote_id: int):
    return get_object_or_404(votes_visible(request.user), pk=vote_id)


@router.post("/votes/{vote_id}/ballots", response={201: BallotOut, **WRITE_ERRORS})
def ballot_cast(request, vote_id: int, payload: BallotIn):
    """The owner votes for their unit; a community worker enters a paper ballot. A later ballot of
    the same owner replaces the earlier one until the vote closes (409 after)."""
    vote = get_object_or_404(votes_visible(request.user), pk=vote_id)
    household = visible_or_invalid(Household.objects.all(), payload.household, "household")
    return Status(
        201, services.ballot_cast(actor=request.user, vote=vote, household=household, choice=payload.choice)
    )


@router.get("/votes/{vote_id}/result", response={200: ResultOut, **READ_ERRORS})
def vote_result(request, vote_id: int):
    return selectors.vote_result(get_object_or_404(votes_visible(request.user), pk=vote_id))


class RollFormat(Schema):
    format: Literal["csv", "xlsx"] = "csv"


@router.get(
    "/votes/{vote_id}/roll", response={**errors(401, 403, 404, 422)}, openapi_extra={"responses": RESPONSES}
)
def vote_roll(request, vote_id: int, filters: Query[RollFormat]):
    """The vote's roll as it was frozen, each unit under its owner, with the ballots standing (for the
    paper archive): for the compound's governing bodies and the community's workers."""
    vote = get_object_or_404(votes_visible(request.user), pk=vote_id)
    if not can_govern_compound(request.user, vote.compound):
        raise Forbidden(_("Only the compound's governing bodies and the community's workers may do this."))
    return ledger_response(
        filters.format, f"vote-{vote.pk}-roll", ledgers.roll_columns(), ledgers.roll_rows(vote)
    )


# --- notices ----------------------------------------------------------------------------------


class NoticeFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("compound_id")] = None
    kind: str | None = None


@router.get("/notices", response={200: list[NoticeOut], **LIST_ERRORS})
@paginate
def notice_list(request, filters: Query[NoticeFilter]):
    # 2 queries: the page of notices (with its total), then the finance lines of that page.
    return filters.filter(notices_visible(request.user)).order_by("-published_on", "-id")


@router.post("/notices", response={201: NoticeOut, **WRITE_ERRORS})
def notice_publish(request, payload: NoticeIn):
    """A fee-standard notice with no text is written from the compound's fee items in force."""
    compound = visible_or_invalid(compounds_visible(request.user), payload.compound, "compound")
    notice = services.notice_publish(
        actor=request.user,
        compound=compound,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        lines=[line.dict() for line in payload.lines],
    )
    return Status(201, notices_visible(request.user).get(pk=notice.pk))


# --- solicitations and evaluations --------------------------------------------------------------


class CompoundFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("compound_id")] = None


@router.get("/solicitations", response={200: list[SolicitationOut], **LIST_ERRORS})
@paginate
def solicitation_list(request, filters: Query[CompoundFilter]):
    # 2 queries: the page (with its total), then the questions of that page.
    return filters.filter(solicitations_visible(request.user)).order_by("-opens_on", "-id")


@router.post("/solicitations", response={201: SolicitationOut, **WRITE_ERRORS})
def solicitation_create(request, payload: SolicitationIn):
    compound = visible_or_invalid(compounds_visible(request.user), payload.compound, "compound")
    project = _project(request, payload.project)
    data = payload.dict(exclude={"compound", "project"})
    solicitation = services.solicitation_create(
        actor=request.user, compound=compound, project=project, **data
    )
    return Status(201, solicitations_visible(request.user).get(pk=solicitation.pk))


@router.get("/solicitations/{solicitation_id}", response={200: SolicitationOut, **READ_ERRORS})
def solicitation_detail(request, solicitation_id: int):
    return get_object_or_404(solicitations_visible(request.user), pk=solicitation_id)


@router.post("/solicitations/{solicitation_id}/responses", response={201: ResponseOut, **WRITE_ERRORS})
def response_record(request, solicitation_id: int, payload: ResponseIn):
    """The household's resident answers, or a community worker enters answers door to door."""
    solicitation = get_object_or_404(solicitations_visible(request.user), pk=solicitation_id)
    household = visible_or_invalid(households_visible(request.user), payload.household, "household")
    response = services.response_record(
        actor=request.user, solicitation=solicitation, household=household, answers=payload.answers
    )
    return Status(201, response)


@router.get("/solicitations/{solicitation_id}/summary", response={200: SolicitationSummaryOut, **READ_ERRORS})
def solicitation_summary(request, solicitation_id: int):
    return selectors.solicitation_summary(
        get_object_or_404(solicitations_visible(request.user), pk=solicitation_id)
    )


class CommunityFilter(FilterSchema):
    community: Annotated[int | None, FilterLookup("community_id")] = None


@router.get("/evaluations", response={200: list[EvaluationOut], **LIST_ERRORS})
@paginate
def evaluation_list(request, filters: Query[CommunityFilter]):
    # 1 query: rounds of the communities the user works for or lives in.
    return filters.filter(evaluations_visible(request.user)).order_by("-opens_on", "-id")


@router.post("/evaluations", response={201: EvaluationOut, **WRITE_ERRORS})
def evaluation_create(request, payload: EvaluationIn):
    community = visible_or_invalid(communities_visible(request.user), payload.community, "community")
    data = payload.dict(exclude={"community"})
    return Status(201, services.evaluation_create(actor=request.user, community=community, **data))


@router.post("/evaluations/{evaluation_id}/ratings", response={201: RatingOut, **WRITE_ERRORS})
def rating_record(request, evaluation_id: int, payload: RatingIn):
    evaluation = get_object_or_404(evaluations_visible(request.user), pk=evaluation_id)
    household = visible_or_invalid(households_visible(request.user), payload.household, "household")
    rating = services.rating_record(
        actor=request.user,
        evaluation=evaluation,
        household=household,
        score=payload.score,
        comment=payload.comment,
    )
    return Status(201, rating)


@router.get(
    "/evaluations/{evaluation_id}/summary", response={200: list[EvaluationCompoundOut], **READ_ERRORS}
)
def evaluation_summary(request, evaluation_id: int):
    """Per compound: households, ratings, response rate (%), average score."""
    return selectors.evaluation_summary(
        get_object_or_404(evaluations_visible(request.user), pk=evaluation_id)
    )


@router.get("/gaps", response={200: list[CompoundGapOut], **errors(401)})
def gap_list(request):
    """Compounds in the user's scope with no governing body in force."""
    ungoverned, _ending = selectors.governance_gaps(request.user)
    return [{"compound": c.pk, "name": c.name, "community": c.community.name} for c in ungoverned]


# --- the public compound page (no sign-in) --------------------------------------------------------


@router.get(
    "/public/compounds/{compound_id}", auth=None, response={200: PublicCompoundOut, **errors(404, 422)}
)
def public_compound(request, compound_id: int):
    """What a compound publishes: who manages it and how to reach them, the fees in force, the open
    votes and solicitations, and the notices. Anyone may read it."""
    compound = get_object_or_404(Compound.objects.select_related("community"), pk=compound_id)
    return selectors.public_compound(compound)
