"""Every write in self-governance that has rules: one function per use case, in a transaction."""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.notify import notify
from accounts.permissions import can_manage_community, posts_in_force
from accounts.services import audit_record
from core.errors import Conflict, Forbidden, Invalid, validate_model
from core.locks import retried
from core.periods import add_years, in_force, in_force_from
from governance.models import (
    Action,
    Attendance,
    Ballot,
    Body,
    BodyKind,
    Evaluation,
    FinanceLine,
    Flow,
    Meeting,
    Member,
    MemberRole,
    Notice,
    NoticeKind,
    Presence,
    Question,
    QuestionKind,
    Rating,
    Resolution,
    Response,
    RollOwner,
    RollUnit,
    Solicitation,
    Vote,
    VoteStatus,
)
from governance.permissions import can_govern_compound, can_manage_body
from governance.selectors import (
    composition_problems,
    current_members,
    fee_standard_text,
    quorum,
    terms_ending,
    vote_result,
)
from property.models import Household, Relation
from property.register.permissions import current_residencies, own_households

# --- bodies and members -----------------------------------------------------------------------


@transaction.atomic
def body_create(*, actor, **fields) -> Body:
    body = Body(**fields)
    if body.compound_id:
        body.community_id = body.compound.community_id
    if not body.community_id:
        raise Invalid(
            _("Name the compound (or, for a party branch or team, the community)."), field="compound"
        )
    if not can_manage_community(actor, body.community):
        raise Forbidden(_("Only the community's workers may do this."))
    if body.kind == BodyKind.OWNERS_COMMITTEE and body.term_end:
        longest = add_years(body.term_start, settings.COMMITTEE_MAX_TERM_YEARS)
        if body.term_end > longest:
            raise Invalid(
                _("A committee's term is at most %(years)s years (until %(day)s).")
                % {"years": settings.COMMITTEE_MAX_TERM_YEARS, "day": longest},
                field="term_end",
            )
    if body.kind == BodyKind.OWNERS_COMMITTEE and not body.term_end:
        raise Invalid(_("A committee's term must end."), field="term_end")
    if body.led_by_id and (
        body.led_by.kind != BodyKind.PARTY_BRANCH or body.led_by.community_id != body.community_id
    ):
        raise Invalid(_("A body is led by the party branch of its own community."), field="led_by")
    if body.filed_on:  # filed at once: the rule of body_file, with nobody seated yet
        problems = composition_problems(body, 0, body.filed_on)
        if problems:
            raise Conflict(" ".join(problems), code="composition", field="filed_on")
    validate_model(body)
    body.save()
    audit_record(actor=actor, action="body.create", obj=body, data={"kind": body.kind})
    return body


def _is_owner_in(resident, compound, on: date) -> bool:
    return (
        current_residencies(on)
        .filter(resident=resident, relation=Relation.OWNER, household__building__compound=compound)
        .exists()
    )


@retried
@transaction.atomic
def member_add(*, actor, body: Body, resident, role: str = MemberRole.MEMBER, started_on: date) -> Member:
    """Seat a resident on a body, by the body's own rules (owners only, party members only, size)."""
    body = Body.objects.select_for_update().get(pk=body.pk)  # seats are counted under the lock
    if not can_manage_body(actor, body):
        raise Forbidden(_("Only the body's members and the community's workers may do this."))
    if body.dissolved_on:
        raise Conflict(_("This body has been dissolved."), code="dissolved")
    if body.kind == BodyKind.OWNERS_COMMITTEE and not _is_owner_in(resident, body.compound, started_on):
        raise Invalid(_("Only an owner in the compound can sit on its owners' committee."), field="resident")
    party_only = (BodyKind.PARTY_TEAM, BodyKind.PARTY_BRANCH, BodyKind.PARTY_AUTONOMY)
    if body.kind in party_only and not resident.is_party_member:
        raise Invalid(_("Every member of this body must be a party member."), field="resident")
    # The seats the new one (open-ended from `started_on`) would sit beside: any not ended by then.
    sitting = body.members.filter(in_force_from(started_on))
    if sitting.filter(resident=resident).exists():
        raise Conflict(_("This resident already sits on the body."), code="duplicate")
    if (
        body.kind == BodyKind.OWNERS_COMMITTEE
        and _most_seated(sitting, started_on) >= settings.COMMITTEE_MAX_MEMBERS
    ):
        raise Conflict(
            _("An owners' committee has at most %(n)s members.") % {"n": settings.COMMITTEE_MAX_MEMBERS},
            code="too_many",
        )
    if role == MemberRole.DIRECTOR and sitting.filter(role=MemberRole.DIRECTOR).exists():
        raise Conflict(_("The body has a director already."), code="director_taken")
    member = Member(body=body, resident=resident, role=role, started_on=started_on)
    validate_model(member)
    member.save()
    audit_record(actor=actor, action="member.add", obj=member, data={"body": body.pk, "role": role})
    return member


def _most_seated(sitting, first: date) -> int:
    """The most seats in force together on any day from `first` on (a count changes only on a start)."""
    days = {first, *sitting.filter(started_on__gt=first).values_list("started_on", flat=True)}
    return max(sitting.filter(in_force(day)).count() for day in days)


@transaction.atomic
def member_end(*, actor, member: Member, ended_on: date) -> Member:
    if not can_manage_body(actor, member.body):
        raise Forbidden(_("Only the body's members and the community's workers may do this."))
    if member.ended_on:
        raise Conflict(_("This seat has ended already."), code="ended")
    if ended_on <= member.started_on:
        raise Invalid(_("A seat ends after it starts."), field="ended_on")
    member.ended_on = ended_on
    member.save(update_fields=["ended_on"])
    audit_record(actor=actor, action="member.end", obj=member, data={"ended_on": str(ended_on)})
    return member


@transaction.atomic
def body_file(*, actor, body: Body, filed_on: date) -> Body:
    """Record the filing with the subdistrict; a committee is filed only when its make-up is lawful."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    if not can_manage_community(actor, body.community):
        raise Forbidden(_("Only the community's workers may do this."))
    if body.filed_on:
        raise Conflict(_("This body was filed on %(day)s.") % {"day": body.filed_on}, code="filed")
    seated = body.members.filter(in_force(filed_on)).count()
    problems = composition_problems(body, seated, filed_on)
    if problems:
        raise Conflict(" ".join(problems), code="composition")
    body.filed_on = filed_on
    body.save(update_fields=["filed_on"])
    audit_record(actor=actor, action="body.file", obj=body, data={"filed_on": str(filed_on)})
    return body


def terms_warn(today: date) -> int:
    """Tell the community's workers once when a committee's term ends within the warning period."""
    sent = 0
    ending = terms_ending(today).select_related("community", "compound")
    for body in ending:
        workers = posts_in_force(today).filter(role=Role.COMMUNITY_WORKER, community=body.community)
        for post in workers.select_related("user"):
            note = notify(
                post.user,
                _("%(body)s: the term ends on %(day)s") % {"body": body.name, "day": body.term_end},
                _("Prepare the election of the next committee."),
                dedupe_key=f"term-ending:{body.pk}:{body.term_end}",
            )
            sent += note is not None
    return sent


# --- meetings ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    actor,
    body: Body,
    attendance: list[dict],
    resolutions: list[dict] = (),
    actions: list[dict] = (),
    **fields,
) -> Meeting:
    """A whole meeting at once: who came, the minutes, what was decided and who follows up."""
    if not can_manage_body(actor, body):
        raise Forbidden(_("Only the body's members and the community's workers may do this."))
    meeting = Meeting(body=body, recorded_by=actor, **fields)
    validate_model(meeting, exclude=["recorded_by"])
    on = timezone.localdate(meeting.held_at)
    seated = {m.pk: m for m in current_members(body, on)}
    # Every refusal at once, so a long form is corrected in one pass, not one error a submit.
    errors: dict[str, list[str]] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(str(message))

    marks = {}
    for i, row in enumerate(attendance):
        member = seated.get(row["member"])
        if member is None:
            refuse(f"attendance.{i}.member", _("Not a member of this body on the day of the meeting."))
            continue
        if member.pk in marks:
            refuse(f"attendance.{i}.member", _("Each member is marked once."))
            continue
        proxy_name = row.get("proxy_name", "").strip()
        if row["presence"] == Presence.PROXY and not proxy_name:
            refuse(f"attendance.{i}.proxy_name", _("Name the proxy."))
        elif row["presence"] != Presence.PROXY and proxy_name:
            refuse(f"attendance.{i}.proxy_name", _("Only a member attending by proxy has a proxy."))
        marks[member.pk] = Attendance(member=member, presence=row["presence"], proxy_name=proxy_name)
    missing = [m for pk, m in seated.items() if pk not in marks]
    if missing:
        refuse(
            "attendance",
            _("Mark the attendance of every member: %(names)s.")
            % {"names": "、".join(m.resident.name for m in missing)},
        )
    counted, _members, _met = quorum(marks.values())
    for i, row in enumerate(resolutions):
        if row["votes_for"] + row["votes_against"] + row["abstentions"] > counted:
            refuse(f"resolutions.{i}", _("More votes than members present (%(n)s).") % {"n": counted})
    for i, row in enumerate(actions):
        if row.get("assignee") is None:
            refuse(f"actions.{i}.assignee", _("Choose who follows this up."))
        elif row["assignee"] not in seated:
            refuse(f"actions.{i}.assignee", _("The assignee must be a member of this body."))
        if row.get("due_on") is None:
            refuse(f"actions.{i}.due_on", _("Give the date it is due."))
    if errors:
        raise Invalid(next(iter(errors.values()))[0], fields=errors)
    meeting.save()
    for mark in marks.values():
        mark.meeting = meeting
    Attendance.objects.bulk_create(marks.values())
    Resolution.objects.bulk_create(Resolution(meeting=meeting, **row) for row in resolutions)
    Action.objects.bulk_create(
        Action(meeting=meeting, title=row["title"], assignee=seated[row["assignee"]], due_on=row["due_on"])
        for row in actions
    )
    audit_record(
        actor=actor,
        action="meeting.record",
        obj=meeting,
        data={"body": body.pk, "present": counted, "resolutions": len(resolutions), "actions": len(actions)},
    )
    return meeting


@transaction.atomic
def action_close(*, actor, action: Action, note: str) -> Action:
    action = Action.objects.select_for_update(of=("self",)).select_related("meeting__body").get(pk=action.pk)
    if not can_manage_body(actor, action.meeting.body):
        raise Forbidden(_("Only the body's members and the community's workers may do this."))
    if action.closed_at:
        raise Conflict(_("This action is closed already."), code="closed")
    if not note.strip():
        raise Invalid(_("Say what was done."), field="note")
    action.closed_at, action.closing_note = timezone.now(), note.strip()
    action.save(update_fields=["closed_at", "closing_note"])
    audit_record(actor=actor, action="action.close", obj=action, data={"note": action.closing_note})
    return action


def actions_remind(today: date) -> int:
    """Remind the assignee of each open action due today or overdue, once per action and due date."""
    sent = 0
    due = Action.objects.filter(
        closed_at__isnull=True, due_on__lte=today, assignee__resident__user__isnull=False
    )
    for action in due.select_related("assignee__resident__user", "meeting"):
        title = (
            _("Due today: %(title)s") if action.due_on == today else _("Overdue since %(day)s: %(title)s")
        ) % {"title": action.title, "day": action.due_on}
        note = notify(
            action.assignee.resident.user,
            title,
            action.meeting.title,
            dedupe_key=f"action:{action.pk}:{action.due_on}:{'due' if action.due_on == today else 'overdue'}",
        )
        sent += note is not None
    return sent


# --- owners' votes (Civil Code Article 278) -----------------------------------------------------


@transaction.atomic
def _project_of(compound, project):
    """A vote or consultation names a renovation project only of its own compound."""
    if project is not None and not project.compounds.filter(pk=compound.pk).exists():
        raise Invalid(_("The project does not renovate this compound."), field="project")
    return project


def vote_create(*, actor, compound, now: datetime | None = None, project=None, **fields) -> Vote:
    now = now or timezone.now()
    if not can_govern_compound(actor, compound):
        raise Forbidden(_("Only the compound's governing bodies and the community's workers may do this."))
    vote = Vote(compound=compound, created_by=actor, project=_project_of(compound, project), **fields)
    validate_model(vote, exclude=["created_by"])
    if vote.closes_at <= now:
        raise Invalid(_("The vote must close in the future."), field="closes_at")
    vote.save()
    audit_record(actor=actor, action="vote.create", obj=vote, data={"matter": vote.matter})
    if vote.opens_at <= now:
        _vote_open(vote, now)
    return vote


def _vote_open(vote: Vote, now: datetime) -> None:
    owners = roll_freeze(vote, timezone.localdate(now))
    vote.status, vote.roll_frozen_at = VoteStatus.OPEN, now
    vote.save(update_fields=["status", "roll_frozen_at"])
    audit_record(actor=None, action="vote.open", obj=vote, data={"owners": owners})


def roll_freeze(vote: Vote, on: date) -> int:
    """Write the roll of owners and areas as it stands on `on`; answers the number of owners.

    Each unit is one owner, except: the units of one buyer count once (units with the same set of
    registered owners), and unsold developer units count once together. Co-owners of a unit are
    that unit's one owner. A unit with no registered owner still counts, as its own unknown owner,
    so that nobody's share of the total is lost. Area: the registered building area (0 if unknown).
    """
    households = list(
        Household.objects.filter(building__compound=vote.compound)
        .select_related("building")
        .order_by("building__name", "unit_label")
    )
    owners_of = defaultdict(set)
    names = {}
    for r in (
        current_residencies(on)
        .filter(household__building__compound=vote.compound, relation=Relation.OWNER)
        .select_related("resident")
        .order_by("resident_id")
    ):
        owners_of[r.household_id].add(r.resident_id)
        names[r.resident_id] = r.resident.name
    groups: dict[object, list[Household]] = {}
    for household in households:
        if household.held_by_developer:
            key = "developer"
        elif owners_of[household.pk]:
            key = frozenset(owners_of[household.pk])
        else:
            key = ("unregistered", household.pk)
        groups.setdefault(key, []).append(household)
    owners = []
    for key, units in groups.items():
        if key == "developer":
            name = ""
        elif isinstance(key, frozenset):
            name = "、".join(names[r] for r in sorted(key))
        else:
            name = f"{units[0].building.name} {units[0].unit_label}"
        area = sum((u.building_area or Decimal(0) for u in units), Decimal(0))
        owner = RollOwner(
            vote=vote,
            name=name[:200],
            area=area,
            is_developer=key == "developer",
            is_registered=key == "developer" or isinstance(key, frozenset),
        )
        owners.append((owner, key, units))
    RollOwner.objects.bulk_create([o for o, _k, _u in owners])
    Through = RollOwner.residents.through
    Through.objects.bulk_create(
        Through(rollowner_id=o.pk, resident_id=r)
        for o, key, _u in owners
        if isinstance(key, frozenset)
        for r in key
    )
    RollUnit.objects.bulk_create(
        RollUnit(owner=o, vote=vote, household=u, area=u.building_area or Decimal(0))
        for o, _k, units in owners
        for u in units
    )
    return len(owners)


def votes_advance(now: datetime) -> tuple[int, int]:
    """Open the votes whose time has come and close (and publish) those whose time is up."""
    opened = closed = 0
    for vote_id in Vote.objects.filter(status=VoteStatus.SCHEDULED, opens_at__lte=now).values_list(
        "id", flat=True
    ):
        with transaction.atomic():
            vote = Vote.objects.select_for_update().get(pk=vote_id)
            if vote.status == VoteStatus.SCHEDULED:  # another run may have got here first
                _vote_open(vote, now)
                opened += 1
    for vote_id in Vote.objects.filter(status=VoteStatus.OPEN, closes_at__lte=now).values_list(
        "id", flat=True
    ):
        closed += vote_close(vote_id=vote_id, now=now)
    return opened, closed


@retried
@transaction.atomic
def vote_close(*, vote_id: int, now: datetime) -> bool:
    """Count the vote, keep the result on it and publish it as a notice. Idempotent."""
    vote = Vote.objects.select_for_update(of=("self",)).select_related("compound").get(pk=vote_id)
    if vote.status != VoteStatus.OPEN or vote.closes_at > now:
        return False
    vote.status = VoteStatus.CLOSED  # first: the count kept is then the final one
    vote.result = vote_result(vote)
    vote.save(update_fields=["result", "status"])
    audit_record(actor=None, action="vote.close", obj=vote, data={"passed": vote.result["passed"]})
    with translation.override(settings.LANGUAGE_CODE):  # the notice is for residents, whoever closes it
        Notice.objects.create(
            compound=vote.compound,
            kind=NoticeKind.VOTE_RESULT,
            title=_("Result: %(title)s") % {"title": vote.title},
            body=result_text(vote.result),
            published_on=timezone.localdate(now),
            author_name=_("Gongzhi (counted automatically)"),
            vote=vote,
        )
    return True


def result_text(result: dict) -> str:
    p, a = result["participation"], result["approval"]
    lines = [
        _("Taking part: %(area)s of %(total)s m² (%(pct)s%%), %(n)s of %(ntotal)s owners (%(npct)s%%).")
        % {
            "area": p["area"],
            "total": p["area_total"],
            "pct": p["area_percent"],
            "n": p["headcount"],
            "ntotal": p["headcount_total"],
            "npct": p["headcount_percent"],
        },
        _("For: %(area)s m² (%(pct)s%% of the area taking part), %(n)s owners (%(npct)s%%).")
        % {
            "area": a["area_for"],
            "pct": a["area_percent"],
            "n": a["headcount_for"],
            "npct": a["headcount_percent"],
        },
    ]
    if not p["quorum_met"]:
        lines.append(_("Fewer than two thirds took part: the vote does not count."))
    lines.append(_("Passed.") if result["passed"] else _("Not passed."))
    return "\n".join(lines)


@retried
@transaction.atomic
def ballot_cast(
    *, actor, vote: Vote, household: Household, choice: str, now: datetime | None = None
) -> Ballot:
    """An owner's ballot, or a paper ballot entered by a community worker. A later ballot of the
    same owner (from any of their units) replaces the standing one; the old one is kept. The time
    is taken once the vote is locked, so that no ballot is stamped after the vote closes."""
    vote = Vote.objects.select_for_update(of=("self",)).select_related("compound__community").get(pk=vote.pk)
    now = now or timezone.now()
    if vote.status != VoteStatus.OPEN or not vote.opens_at <= now < vote.closes_at:
        raise Conflict(
            _("This vote is closed.")
            if vote.status == VoteStatus.CLOSED or now >= vote.closes_at
            else _("This vote has not opened yet."),
            code="vote_not_open",
        )
    unit = RollUnit.objects.filter(vote=vote, household=household).select_related("owner").first()
    if unit is None:
        raise Invalid(_("This unit is not on the vote's roll."), field="household")
    owner = unit.owner
    own = actor.is_authenticated and owner.residents.filter(user=actor).exists()
    if not own and not can_manage_community(actor, vote.compound.community):
        raise Forbidden(
            _("Only the unit's owner votes for it (or a worker enters a paper ballot)."), code="not_owner"
        )
    replaced = Ballot.objects.filter(vote=vote, owner=owner, replaced_at__isnull=True).update(replaced_at=now)
    ballot = Ballot.objects.create(
        vote=vote,
        owner=owner,
        household=household,
        choice=choice,
        on_paper=not own,
        cast_by=actor,
        cast_at=now,
    )
    audit_record(
        actor=actor,
        action="ballot.cast",
        obj=ballot,
        data={
            "vote": vote.pk,
            "owner": owner.pk,
            "choice": choice,
            "paper": not own,
            "replaces": bool(replaced),
        },
    )
    return ballot


# --- notices ------------------------------------------------------------------------------------


@transaction.atomic
def notice_publish(
    *, actor, compound, kind: str, title: str, body: str = "", lines=(), published_on=None
) -> Notice:
    if not can_govern_compound(actor, compound):
        raise Forbidden(_("Only the compound's governing bodies and the community's workers may do this."))
    if kind == NoticeKind.VOTE_RESULT:
        raise Invalid(_("Vote results are published when the vote closes."), field="kind")
    lines = list(lines)
    if kind == NoticeKind.FEE_STANDARD and not body.strip():
        body = fee_standard_text(compound)  # the fee items in force, as the residents will read them
    if kind == NoticeKind.FINANCE and not lines:
        raise Invalid(_("A finance disclosure lists its income and spending."), field="lines")
    notice = Notice(
        compound=compound,
        kind=kind,
        title=title,
        body=body,
        published_on=published_on or timezone.localdate(),
        author=actor,
        author_name=actor.display_name,
    )
    validate_model(notice, exclude=["author"])
    notice.save()
    for i, row in enumerate(lines):
        line = FinanceLine(notice=notice, **row)
        if row["flow"] not in Flow.values:
            raise Invalid(_("Income or spending."), field=f"lines.{i}.flow")
        validate_model(line, exclude=["notice"])
        line.save()
    audit_record(actor=actor, action="notice.publish", obj=notice, data={"kind": kind})
    return notice


# --- solicitations and evaluations ----------------------------------------------------------------


@transaction.atomic
def solicitation_create(*, actor, compound, questions: list[dict], project=None, **fields) -> Solicitation:
    if not can_govern_compound(actor, compound):
        raise Forbidden(_("Only the compound's governing bodies and the community's workers may do this."))
    if not questions:
        raise Invalid(_("Ask at least one question."), field="questions")
    solicitation = Solicitation(
        compound=compound, created_by=actor, project=_project_of(compound, project), **fields
    )
    validate_model(solicitation, exclude=["created_by"])
    options_of = [
        [o.strip() for o in q.get("options") or [] if o.strip()] if q["kind"] != QuestionKind.TEXT else []
        for q in questions
    ]
    for i, (q, options) in enumerate(zip(questions, options_of, strict=True)):
        if q["kind"] != QuestionKind.TEXT and len(options) < 2:
            raise Invalid(_("A choice question offers at least two options."), field=f"questions.{i}.options")
        if len(set(options)) != len(options):
            raise Invalid(_("Each option once."), field=f"questions.{i}.options")
    solicitation.save()
    Question.objects.bulk_create(
        Question(
            solicitation=solicitation,
            position=i + 1,
            text=q["text"],
            kind=q["kind"],
            options=options,
        )
        for i, (q, options) in enumerate(zip(questions, options_of, strict=True))
    )
    audit_record(
        actor=actor, action="solicitation.create", obj=solicitation, data={"questions": len(questions)}
    )
    return solicitation


def _answering_for(actor, household, compound) -> bool:
    """True when the actor answers door to door for the household (a worker); False for its own resident."""
    if actor.is_authenticated and household.pk in own_households(actor):
        return False
    if can_manage_community(actor, compound.community):
        return True
    raise Forbidden(
        _("Only the household's residents answer for it (or a worker door to door)."), code="not_resident"
    )


@transaction.atomic
def response_record(
    *, actor, solicitation: Solicitation, household: Household, answers: dict, today=None
) -> Response:
    """A household's answers; answering again replaces them while the solicitation is open."""
    today = today or timezone.localdate()
    if not solicitation.opens_on <= today <= solicitation.closes_on:
        raise Conflict(_("This solicitation is not open."), code="not_open")
    if household.building.compound_id != solicitation.compound_id:
        raise Invalid(_("The household is not in this compound."), field="household")
    door = _answering_for(actor, household, solicitation.compound)
    clean = {}
    questions = {str(q.position): q for q in solicitation.questions.all()}
    for key, value in answers.items():
        q = questions.get(str(key))
        if q is None:
            raise Invalid(_("No such question."), field=f"answers.{key}")
        clean[str(q.position)] = _answer(q, value, f"answers.{key}")
    if not clean:
        raise Invalid(_("Answer at least one question."), field="answers")
    response, created = Response.objects.update_or_create(
        solicitation=solicitation,
        household=household,
        defaults={"answers": clean, "door_to_door": door, "entered_by": actor},
    )
    audit_record(
        actor=actor,
        action="response.record",
        obj=response,
        data={"door_to_door": door, "replaced": not created},
    )
    return response


def _answer(question: Question, value, field: str):
    if question.kind == QuestionKind.TEXT:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(_("Write an answer."), field=field)
        return value.strip()[:1000]
    picked = [value] if question.kind == QuestionKind.SINGLE else value
    if not isinstance(picked, list) or not picked or any(not isinstance(v, str) for v in picked):
        raise Invalid(_("Choose from the options."), field=field)
    wrong = [v for v in picked if v not in question.options]
    if wrong:
        raise Invalid(_("Not one of the options: %(value)s.") % {"value": "、".join(wrong)}, field=field)
    return (
        picked[0] if question.kind == QuestionKind.SINGLE else sorted(set(picked), key=question.options.index)
    )


@transaction.atomic
def evaluation_create(*, actor, community, **fields) -> Evaluation:
    if not can_manage_community(actor, community):
        raise Forbidden(_("Only the community's workers may do this."))
    evaluation = Evaluation(community=community, created_by=actor, **fields)
    validate_model(evaluation, exclude=["created_by"])
    evaluation.save()
    audit_record(
        actor=actor, action="evaluation.create", obj=evaluation, data={"subject": evaluation.subject}
    )
    return evaluation


@transaction.atomic
def rating_record(
    *, actor, evaluation: Evaluation, household: Household, score: int, comment: str = "", today=None
) -> Rating:
    """One rating per household per round: the database refuses a second (409)."""
    today = today or timezone.localdate()
    if not evaluation.opens_on <= today <= evaluation.closes_on:
        raise Conflict(_("This evaluation is not open."), code="not_open")
    if household.building.compound.community_id != evaluation.community_id:
        raise Invalid(_("The household is not in this community."), field="household")
    if (
        actor.is_authenticated
        and household.pk not in own_households(actor)
        and not can_manage_community(actor, household.building.compound.community)
    ):
        raise Forbidden(_("Only the household's residents rate for it."), code="not_resident")
    if Rating.objects.filter(evaluation=evaluation, household=household).exists():
        raise Conflict(_("This household has rated already."), code="duplicate")
    rating = Rating(
        evaluation=evaluation, household=household, score=score, comment=comment.strip(), rated_by=actor
    )
    validate_model(rating, exclude=["rated_by"])
    rating.save()
    audit_record(actor=actor, action="rating.record", obj=rating, data={"score": score})
    return rating
