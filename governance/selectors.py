"""Reads for self-governance, each scoped to what the user may see."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Prefetch, Q
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import MANAGING_ROLES, staff_scope
from core.periods import in_force
from governance import counting
from governance.models import (
    GOVERNING_KINDS,
    SPECIAL_MATTERS,
    Action,
    Attendance,
    Ballot,
    Body,
    BodyKind,
    Evaluation,
    Meeting,
    Member,
    Notice,
    Presence,
    QuestionKind,
    Rating,
    Response,
    RollOwner,
    Solicitation,
    Vote,
    VoteStatus,
)
from governance.permissions import bodies_visible, seated_bodies
from property.fees.selectors import fee_standards
from property.models import Compound, Household
from property.register.selectors import contract_in_force
from renovation.selectors import project_totals, public_projects, upcoming_works


def current_members(body_or_ids, on=None):
    on = on or timezone.localdate()
    ids = [body_or_ids.pk] if isinstance(body_or_ids, Body) else list(body_or_ids)
    return (
        Member.objects.filter(in_force(on), body_id__in=ids)
        .select_related("resident")
        .order_by("body_id", "role", "id")
    )


def meeting_detailed(queryset):
    return queryset.prefetch_related(
        Prefetch("attendance", queryset=Attendance.objects.select_related("member__resident")),
        "resolutions",
        Prefetch("actions", queryset=Action.objects.select_related("assignee__resident")),
    )


def action_overdue(today: date) -> Q:
    """THE definition of an overdue follow-up action: still open after its due day."""
    return Q(closed_at__isnull=True, due_on__lt=today)


def actions_open(user, *, overdue_only=False):
    """Open follow-up actions of the bodies the user staffs or sits on."""
    qs = Action.objects.filter(
        staff_scope(user, "meeting__body__community", roles=MANAGING_ROLES)
        | Q(meeting__body_id__in=seated_bodies(user)),
        closed_at__isnull=True,
    ).select_related("assignee__resident", "meeting__body")
    if overdue_only:
        qs = qs.filter(action_overdue(timezone.localdate()))
    return qs


def governing_on(day: date) -> Q:
    """A body that governs its compound on `day`: a governing kind, not dissolved, within its term."""
    return Q(kind__in=GOVERNING_KINDS, dissolved_on__isnull=True, term_start__lte=day) & (
        Q(term_end__isnull=True) | Q(term_end__gt=day)
    )


def ungoverned(compounds, today: date):
    """Of the compounds (a queryset), those with no governing body in force on the day."""
    in_force = Body.objects.filter(governing_on(today), compound=OuterRef("pk"))
    return compounds.annotate(governed=Exists(in_force)).filter(governed=False)


def terms_ending(today: date, horizon: date | None = None):
    """THE committees whose term is ending: owners' committees in office whose term ends after today
    and by the horizon (by default the warning period, COMMITTEE_TERM_WARNING_DAYS)."""
    horizon = horizon or today + timedelta(days=settings.COMMITTEE_TERM_WARNING_DAYS)
    return Body.objects.filter(
        kind=BodyKind.OWNERS_COMMITTEE, dissolved_on__isnull=True, term_end__gt=today, term_end__lte=horizon
    )


def governance_gaps(user):
    """Compounds in scope with no governing body in force, and committees whose term ends soon."""
    today = timezone.localdate()
    compounds = ungoverned(Compound.objects.filter(staff_scope(user, "community")), today)
    ending = terms_ending(today).filter(staff_scope(user, "community"))
    return (
        compounds.select_related("community").order_by("community__name", "name"),
        ending.select_related("compound", "community").order_by("term_end"),
    )


def public_compound(compound) -> dict:
    """What a compound publishes to anyone, whether or not someone published a notice: who manages it
    and how to reach them, the fees in force, how to report a problem, the open votes and solicitations,
    and the notices."""
    today = timezone.localdate()
    votes = list(Vote.objects.filter(compound=compound, status=VoteStatus.OPEN).order_by("closes_at"))
    return {
        "id": compound.pk,
        "name": compound.name,
        "community": compound.community.name,
        "management_mode": compound.management_mode,
        "management_mode_label": compound.get_management_mode_display(),
        "contract": contract_in_force(compound.pk, today),
        "governing_body": Body.objects.filter(governing_on(today), compound=compound)
        .order_by("-term_start", "-id")
        .first(),
        "office": {"phone": compound.community.phone, "address": compound.community.address},
        "fee_standards": list(fee_standards(compound.pk, today)),
        "notices": list(
            Notice.objects.filter(compound=compound)
            .prefetch_related("lines")
            .order_by("-published_on", "-id")[:30]
        ),
        "open_votes": votes,
        "open_solicitations": list(
            Solicitation.objects.filter(compound=compound, opens_on__lte=today, closes_on__gte=today)
            .prefetch_related("questions")
            .order_by("closes_on")
        ),
        "projects": [{"project": p, "totals": project_totals(p)} for p in public_projects(compound.pk)],
        "works": list(upcoming_works(compound.pk)),
    }


def body_problems(body: Body, seated: int, on: date | None = None) -> list[str]:
    """What keeps a body from meeting its rules today (shown to workers; empty when it is in order)."""
    problems = composition_problems(body, seated, on or timezone.localdate())
    if body.kind == BodyKind.OWNERS_COMMITTEE and not body.filed_on:
        problems.append(_("Not filed with the subdistrict yet."))
    return problems


def composition_problems(body: Body, seated: int, on: date) -> list[str]:
    """The term, and for a committee its size: what must be in order before it is filed."""
    problems = []
    if body.term_end and body.term_end <= on:
        problems.append(_("The term has ended."))
    if body.kind != BodyKind.OWNERS_COMMITTEE:
        return problems
    n, low, high = seated, settings.COMMITTEE_MIN_MEMBERS, settings.COMMITTEE_MAX_MEMBERS
    if not low <= n <= high:
        problems.append(
            _("%(n)s members: a committee has %(low)s to %(high)s.") % {"n": n, "low": low, "high": high}
        )
    if n % 2 == 0:
        problems.append(_("%(n)s members: a committee has an odd number.") % {"n": n})
    return problems


COUNTED_PRESENT = (Presence.PRESENT, Presence.PROXY)


def quorum_needed(members: int) -> int:
    """A meeting is quorate with more than half its members present or by proxy."""
    return members // 2 + 1


def quorum(attendance) -> tuple[int, int, bool]:
    """(members counted present, members, quorum met)."""
    rows = list(attendance)
    present = sum(a.presence in COUNTED_PRESENT for a in rows)
    return present, len(rows), present >= quorum_needed(len(rows))


def vote_result(vote: Vote) -> dict:
    """The count as it stands (or as it closed), with exact fractions."""
    if vote.result is not None:
        return vote.result
    roll = dict(RollOwner.objects.filter(vote=vote).values_list("id", "area"))
    choices = dict(
        Ballot.objects.filter(vote=vote, replaced_at__isnull=True).values_list("owner_id", "choice")
    )
    t = counting.tally(roll, choices, special=vote.matter in SPECIAL_MATTERS)
    return {
        "participation": {
            "area": str(t.area),
            "area_total": str(t.area_total),
            "area_share": counting.fraction_text(t.area_participation),
            "area_percent": counting.percent(t.area_participation),
            "headcount": t.headcount,
            "headcount_total": t.headcount_total,
            "headcount_share": counting.fraction_text(t.headcount_participation),
            "headcount_percent": counting.percent(t.headcount_participation),
            "quorum_met": t.quorum_met,
        },
        "approval": {
            "area_for": str(t.area_for),
            "headcount_for": t.headcount_for,
            "area_share": counting.fraction_text(t.area_approval),
            "area_percent": counting.percent(t.area_approval),
            "headcount_share": counting.fraction_text(t.headcount_approval),
            "headcount_percent": counting.percent(t.headcount_approval),
        },
        "threshold": "three_quarters" if t.special else "majority",
        "passed": t.passed,
        "final": vote.status == VoteStatus.CLOSED,
    }


@translation.override(settings.LANGUAGE_CODE)
def fee_standard_text(compound) -> str:
    """The compound's fee items in force today, as a notice text (in the residents' language)."""
    return "\n".join(
        _("%(name)s: %(price)s yuan (%(kind)s), billed every %(months)s months, from %(day)s.")
        % {
            "name": item.name,
            "price": f"{item.unit_price.normalize():f}",
            "kind": item.get_kind_display(),
            "months": item.cycle_months,
            "day": item.effective_from,
        }
        for item in fee_standards(compound.pk, timezone.localdate())
    )


def solicitation_summary(solicitation: Solicitation) -> dict:
    """Coverage (households answered / households) and the count of each option, text answers listed."""
    households = Household.objects.filter(building__compound=solicitation.compound).count()
    responses = list(solicitation.responses.values_list("answers", "door_to_door"))
    questions = []
    for q in solicitation.questions.all():
        given = [a.get(str(q.position)) for a, _door in responses if a.get(str(q.position)) is not None]
        if q.kind == QuestionKind.TEXT:
            questions.append({"position": q.position, "text": q.text, "kind": q.kind, "answers": given})
            continue
        counts = dict.fromkeys(q.options, 0)
        for value in given:
            for option in [value] if isinstance(value, str) else value:
                counts[option] = counts.get(option, 0) + 1
        questions.append(
            {
                "position": q.position,
                "text": q.text,
                "kind": q.kind,
                "counts": [{"option": o, "count": n} for o, n in counts.items()],
            }
        )
    return {
        "households": households,
        "answered": len(responses),
        "door_to_door": sum(door for _a, door in responses),
        "coverage": counting.percent(Fraction(len(responses), households)) if households else "0.00",
        "questions": questions,
    }


def evaluation_summary(evaluation: Evaluation) -> list[dict]:
    """Per compound of the community: households, ratings, response rate, average score (2 places)."""
    households = dict(
        Household.objects.filter(building__compound__community=evaluation.community)
        .values_list("building__compound_id")
        .annotate(n=Count("id"))
    )
    rated = {
        row["household__building__compound_id"]: row
        for row in evaluation.ratings.values("household__building__compound_id").annotate(
            n=Count("id"), avg=Avg("score")
        )
    }
    rows = []
    for compound in Compound.objects.filter(community=evaluation.community).order_by("name"):
        total = households.get(compound.pk, 0)
        got = rated.get(compound.pk, {"n": 0, "avg": None})
        rows.append(
            {
                "compound": compound.pk,
                "name": compound.name,
                "households": total,
                "ratings": got["n"],
                "response_rate": counting.percent(Fraction(got["n"], total)) if total else "0.00",
                "average": str(Decimal(str(got["avg"])).quantize(Decimal("0.01")))
                if got["avg"] is not None
                else None,
            }
        )
    return rows


def bodies_counted(user):
    """The bodies in scope with their sitting members counted (`seated`), for lists and answers."""
    seated = Count("members", filter=in_force(timezone.localdate(), "members"))
    return bodies_visible(user).annotate(seated=seated)


# --- figures per compound, for the five-co index (reports) -------------------------------------------


def bodies_governing(compound_ids, on: date):
    return Body.objects.filter(governing_on(on), compound_id__in=compound_ids)


def compounds_governed(compound_ids, on: date) -> set[int]:
    """Of these compounds, those with a governing body in office on the day."""
    return set(bodies_governing(compound_ids, on).values_list("compound_id", flat=True))


def notices_published(compound_ids, start: date, end: date, kind: str | None = None):
    """Notices of the compounds published in [start, end) (optionally of one kind)."""
    notices = Notice.objects.filter(
        compound_id__in=compound_ids, published_on__gte=start, published_on__lt=end
    )
    return notices if kind is None else notices.filter(kind=kind)


def notices_by_compound(compound_ids, start: date, end: date, kind: str | None = None) -> dict[int, int]:
    """Of notices_published(), how many per compound."""
    notices = notices_published(compound_ids, start, end, kind)
    return dict(notices.values_list("compound_id").annotate(n=Count("id")).order_by())


def meetings_held(compound_ids, start, end, kinds=None):
    """Meetings held in [start, end) by the compounds' bodies (optionally of some kinds)."""
    meetings = Meeting.objects.filter(body__compound_id__in=compound_ids, held_at__gte=start, held_at__lt=end)
    return meetings if kinds is None else meetings.filter(kind__in=kinds)


def meetings_published_by_compound(compound_ids, start, end) -> dict[int, tuple[int, int]]:
    """Meetings held in [start, end) by the compound's bodies: (published to residents, all), per compound."""
    rows = (
        meetings_held(compound_ids, start, end)
        .values("body__compound_id")
        .annotate(published=Count("id", filter=Q(public=True)), total=Count("id"))
        .order_by()
    )
    return {r["body__compound_id"]: (r["published"], r["total"]) for r in rows}


def answers_to_closed(compound_ids, start: date, end: date):
    """Answers to the compounds' solicitations closing in [start, end)."""
    return Response.objects.filter(
        solicitation__compound_id__in=compound_ids,
        solicitation__closes_on__gte=start,
        solicitation__closes_on__lt=end,
    )


def households_answering_by_compound(compound_ids, start: date, end: date) -> dict[int, int]:
    """Of answers_to_closed(), the households answering per compound."""
    rows = (
        answers_to_closed(compound_ids, start, end)
        .values("solicitation__compound_id")
        .annotate(n=Count("household_id", distinct=True))
        .order_by()
    )
    return {r["solicitation__compound_id"]: r["n"] for r in rows}


def votes_closed(compound_ids, start, end):
    """The compounds' owners' votes closed in [start, end)."""
    return Vote.objects.filter(
        compound_id__in=compound_ids, status=VoteStatus.CLOSED, closes_at__gte=start, closes_at__lt=end
    )


def vote_turnouts_by_compound(compound_ids, start, end) -> dict[int, list[Fraction]]:
    """Owners' headcount participation of each vote closed in [start, end), per compound (frozen results)."""
    turnouts: dict[int, list[Fraction]] = {}
    closed = votes_closed(compound_ids, start, end).values_list("compound_id", "result")
    for compound_id, result in closed:
        taking_part = (result or {}).get("participation") or {}
        if taking_part.get("headcount_total"):
            turnouts.setdefault(compound_id, []).append(
                Fraction(taking_part["headcount"], taking_part["headcount_total"])
            )
    return turnouts


def meetings_by_compound(compound_ids, start, end, kinds=None) -> dict[int, int]:
    """Meetings of the given kinds held in [start, end) by the compound's bodies."""
    rows = (
        meetings_held(compound_ids, start, end, kinds)
        .values_list("body__compound_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def actions_due(compound_ids, start: date, end: date):
    """Follow-up actions of the compounds' meetings due in [start, end), with the day each was closed."""
    return Action.objects.filter(
        meeting__body__compound_id__in=compound_ids, due_on__gte=start, due_on__lt=end
    ).annotate(closed_on=TruncDate("closed_at"))


def closed_by_due_day() -> Q:
    return Q(closed_on__lte=F("due_on"))


def actions_on_time_by_compound(compound_ids, start: date, end: date) -> dict[int, tuple[int, int]]:
    """Of actions_due(): (closed by their due day, due), per compound."""
    rows = (
        actions_due(compound_ids, start, end)
        .values("meeting__body__compound_id")
        .annotate(on_time=Count("id", filter=closed_by_due_day()), due=Count("id"))
        .order_by()
    )
    return {r["meeting__body__compound_id"]: (r["on_time"], r["due"]) for r in rows}


def latest_rounds(community_ids, start: date, end: date) -> dict[int, int]:
    """Each community's latest evaluation round that closed in [start, end): {community: round id}."""
    latest = {}
    rounds = Evaluation.objects.filter(
        community_id__in=community_ids, closes_on__gte=start, closes_on__lt=end
    ).order_by("community_id", "closes_on", "id")
    for community_id, round_id in rounds.values_list("community_id", "id"):
        latest[community_id] = round_id
    return latest


def ratings_from(round_ids, compound_ids):
    """Ratings of the rounds from the compounds' households."""
    return Rating.objects.filter(
        evaluation_id__in=round_ids, household__building__compound_id__in=compound_ids
    )


def ratings_by_compound(round_ids, compound_ids) -> dict[int, tuple[int, Decimal | None]]:
    """Of ratings_from(): (how many, mean score) per compound."""
    rows = (
        ratings_from(round_ids, compound_ids)
        .values("household__building__compound_id")
        .annotate(n=Count("id"), mean=Avg("score"))
        .order_by()
    )
    return {
        r["household__building__compound_id"]: (
            r["n"],
            Decimal(str(r["mean"])) if r["mean"] is not None else None,
        )
        for r in rows
    }


# --- for the gap alerts (reports) ----------------------------------------------------------------------


def committees_ended(compound_ids, today: date) -> dict[int, Body]:
    """Each compound's latest owners' committee whose term has ended (not dissolved)."""
    latest = {}
    ended = Body.objects.filter(
        compound_id__in=compound_ids,
        kind=BodyKind.OWNERS_COMMITTEE,
        dissolved_on__isnull=True,
        term_end__lte=today,
    ).order_by("compound_id", "term_end", "pk")
    for body in ended:
        latest[body.compound_id] = body
    return latest


def committees_ending(compound_ids, today: date):
    return terms_ending(today).filter(compound_id__in=compound_ids).order_by("term_end", "pk")


def actions_overdue_by_compound(compound_ids, today: date) -> dict[int, tuple[int, date, int]]:
    """Overdue follow-up actions per compound: (how many, the oldest due day, a body they belong to)."""
    rows = (
        Action.objects.filter(action_overdue(today), meeting__body__compound_id__in=compound_ids)
        .values("meeting__body__compound_id")
        .annotate(n=Count("id"), oldest=Min("due_on"), body=Min("meeting__body_id"))
        .order_by()
    )
    return {r["meeting__body__compound_id"]: (r["n"], r["oldest"], r["body"]) for r in rows}


def last_notice_by_compound(compound_ids, kind: str) -> dict[int, date]:
    """The day each compound last published a notice of the kind."""
    rows = (
        Notice.objects.filter(compound_id__in=compound_ids, kind=kind)
        .values_list("compound_id")
        .annotate(last=Max("published_on"))
        .order_by()
    )
    return dict(rows)


def meetings_by_community(community_ids, start, end) -> dict[int, int]:
    """Meetings held in [start, end) by the communities' bodies."""
    return dict(
        Meeting.objects.filter(body__community_id__in=community_ids, held_at__gte=start, held_at__lt=end)
        .values_list("body__community_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def votes_closed_by_community(community_ids, start, end) -> dict[int, int]:
    """Owners' votes of the communities' compounds closed in [start, end)."""
    return dict(
        Vote.objects.filter(
            compound__community_id__in=community_ids,
            status=VoteStatus.CLOSED,
            closes_at__gte=start,
            closes_at__lt=end,
        )
        .values_list("compound__community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
