"""Every write with rules about volunteers: registration, shifts, sign-ups and the waitlist."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.notify import notify
from accounts.services import audit_record
from core.errors import Conflict, Forbidden, Invalid, validate_model
from core.locks import retried
from core.periods import day_start, in_force, weekly_starts
from property.models import Residency
from volunteers.models import (
    RegistrationStatus,
    Shift,
    ShiftStatus,
    ShiftTemplate,
    Signup,
    SignupStatus,
    Volunteer,
)
from volunteers.permissions import acts_for, can_organise, can_register, can_sign_up_in
from volunteers.selectors import service_types_for

ACTIVE = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)


@transaction.atomic
def registration_create(
    *, actor, resident, community, skills: str = "", availability: str = "", service_types=()
) -> Volunteer:
    """A resident registers themself as a volunteer, in the community they live in."""
    if not acts_for(actor, resident):
        raise Forbidden(_("Residents register themselves as volunteers."))
    if not can_register(actor, resident, community):
        raise Invalid(_("Register in the community you live in."), field="community")
    service_types = list(service_types)
    known = service_types_for([community.pk]).filter(pk__in=[t.pk for t in service_types]).count()
    if known != len({t.pk for t in service_types}):
        raise Invalid(_("Unknown service type."), field="service_types")
    if Volunteer.objects.filter(resident=resident).exists():
        raise Conflict(_("You have registered already."), code="duplicate")
    volunteer = Volunteer(resident=resident, community=community, skills=skills, availability=availability)
    validate_model(volunteer)
    volunteer.save()
    volunteer.service_types.set(service_types)
    audit_record(actor=actor, action="volunteer.register", obj=volunteer, data={"community": community.pk})
    return volunteer


@transaction.atomic
def volunteer_enter(*, actor, resident, community, service_types=(), approved_on) -> Volunteer:
    """A volunteer who registered on paper (the office's ledger), entered by one who organises the
    community's volunteers: approved on the day the ledger says. The person must live in the
    community (a current unit of theirs is in it)."""
    if not can_organise(actor, community):
        raise Forbidden(_("Only the community's workers decide on registrations."))
    if not Residency.objects.filter(
        in_force(timezone.localdate()), resident=resident, household__building__compound__community=community
    ).exists():
        raise Invalid(_("This person does not live in the community."), field="resident")
    if approved_on > timezone.localdate():
        raise Invalid(_("A registration is entered once it has been approved."), field="approved_on")
    _known_types(community, service_types)
    if Volunteer.objects.filter(resident=resident).exists():
        raise Conflict(_("This person is registered as a volunteer already."), code="duplicate")
    volunteer = Volunteer(
        resident=resident,
        community=community,
        status=RegistrationStatus.APPROVED,
        decided_by=actor,
        decided_at=day_start(approved_on),
    )
    validate_model(volunteer, exclude=["resident", "community", "decided_by"])
    volunteer.save()
    volunteer.service_types.set(service_types)
    audit_record(
        actor=actor,
        action="volunteer.enter",
        obj=volunteer,
        data={"community": community.pk, "approved_on": approved_on.isoformat()},
    )
    return volunteer


@transaction.atomic
def volunteer_service_types_set(*, actor, volunteer: Volunteer, service_types) -> Volunteer:
    """What a volunteer serves in, as the community's organisers record it; kept as history."""
    volunteer = (
        Volunteer.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=volunteer.pk)
    )
    if not can_organise(actor, volunteer.community):
        raise Forbidden(_("Only the community's workers decide on registrations."))
    _known_types(volunteer.community, service_types)
    before = sorted(volunteer.service_types.values_list("code", flat=True))
    volunteer.service_types.set(service_types)
    audit_record(
        actor=actor,
        action="volunteer.service_types",
        obj=volunteer,
        data={"before": before, "after": sorted(t.code for t in service_types)},
    )
    return volunteer


def _known_types(community, service_types) -> None:
    wanted = {t.pk for t in service_types}
    if service_types_for([community.pk]).filter(pk__in=wanted).count() != len(wanted):
        raise Invalid(_("Unknown service type."), field="service_types")


@transaction.atomic
def registration_decide(*, actor, volunteer: Volunteer, status: str, reason: str = "") -> Volunteer:
    """Approve, decline (with a reason), suspend (with a reason) or reinstate a volunteer."""
    volunteer = (
        Volunteer.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=volunteer.pk)
    )
    if not can_organise(actor, volunteer.community):
        raise Forbidden(_("Only the community's workers decide on registrations."))
    allowed = {
        RegistrationStatus.APPROVED: {RegistrationStatus.PENDING, RegistrationStatus.SUSPENDED},
        RegistrationStatus.DECLINED: {RegistrationStatus.PENDING},
        RegistrationStatus.SUSPENDED: {RegistrationStatus.APPROVED},
    }
    if volunteer.status not in allowed[status]:
        raise Conflict(
            _("This registration cannot go from %(old)s to %(new)s.")
            % {
                "old": volunteer.get_status_display(),
                "new": RegistrationStatus(status).label,
            },
            code="wrong_state",
        )
    if status != RegistrationStatus.APPROVED and not reason.strip():
        raise Invalid(_("Give the reason."), field="reason")
    volunteer.status, volunteer.decided_by, volunteer.decided_at = status, actor, timezone.now()
    volunteer.decision_reason = reason.strip()
    volunteer.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=actor, action=f"volunteer.{status}", obj=volunteer, data={"reason": volunteer.decision_reason}
    )
    if volunteer.resident.user_id:
        notify(
            volunteer.resident.user,
            _("Your volunteer registration: %(status)s") % {"status": volunteer.get_status_display()},
            volunteer.decision_reason,
        )
    return volunteer


@transaction.atomic
def shift_create(*, actor, **fields) -> Shift:
    shift = Shift(created_by=actor, **fields)
    _check_organiser(actor, shift)
    validate_model(shift, exclude=["created_by"])
    shift.save()
    audit_record(actor=actor, action="shift.create", obj=shift, data={"capacity": shift.capacity})
    return shift


@retried
@transaction.atomic
def signup_create(*, actor, volunteer: Volunteer, shift: Shift) -> Signup:
    """A place if one is free, else the end of the waitlist; the shift's row lock decides.

    The volunteer signs up themself: `actor` must be their user.
    """
    actor = _acting_volunteer(actor, volunteer)
    volunteer = Volunteer.objects.select_for_update().get(
        pk=volunteer.pk
    )  # one sign-up at a time per volunteer
    shift = Shift.objects.select_for_update().get(pk=shift.pk)  # one sign-up at a time per shift
    if volunteer.status != RegistrationStatus.APPROVED:
        raise Forbidden(_("Only approved volunteers may sign up."), code="not_approved")
    if shift.community_id != volunteer.community_id:
        if shift.members_only:
            raise Forbidden(_("This shift is for the volunteers of its community."), code="members_only")
        if not can_sign_up_in(actor, shift.community):
            raise Forbidden(_("This shift is in a community you neither live nor volunteer in."))
    if shift.status != ShiftStatus.SCHEDULED:
        raise Conflict(_("This shift was cancelled."), code="cancelled")
    if shift.starts_at <= timezone.now():
        raise Conflict(_("This shift has started."), code="started")
    # One query for three questions, asked under the locks: my row on this shift (and its state), my
    # places on overlapping shifts, and the places taken on this one.
    mine = Q(shift=shift, volunteer=volunteer)
    clashing = (
        Q(volunteer=volunteer, status__in=ACTIVE, shift__status=ShiftStatus.SCHEDULED)
        & Q(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        & ~Q(shift=shift)
    )
    confirmed = Q(shift=shift, status=SignupStatus.CONFIRMED)
    facts = Signup.objects.filter(mine | clashing | confirmed).aggregate(
        mine_id=Max("id", filter=mine),
        mine_active=Count("id", filter=mine & Q(status__in=ACTIVE)),
        clashes=Count("id", filter=clashing),
        taken=Count("id", filter=confirmed),
    )
    if facts["mine_active"]:
        raise Conflict(_("You are signed up for this shift already."), code="duplicate")
    if facts["clashes"]:
        raise Conflict(_("This shift overlaps another of your shifts."), code="overlap")
    status = SignupStatus.CONFIRMED if facts["taken"] < shift.capacity else SignupStatus.WAITLISTED
    signup = Signup.objects.get(pk=facts["mine_id"]) if facts["mine_id"] else None
    if signup is None:
        signup = Signup.objects.create(shift=shift, volunteer=volunteer, status=status)
    else:  # signed up again after cancelling: back to the end of the queue
        signup.status, signup.queued_at, signup.cancelled_at = status, timezone.now(), None
        signup.save(update_fields=["status", "queued_at", "cancelled_at"])
    audit_record(actor=actor, action="signup.create", obj=signup, data={"status": status})
    return signup


@retried
@transaction.atomic
def signup_cancel(*, actor, volunteer: Volunteer, shift: Shift) -> Signup:
    """Give up a place or a waitlist position; the first on the waitlist moves up and is told."""
    actor = _acting_volunteer(actor, volunteer)
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    signup = Signup.objects.filter(shift=shift, volunteer=volunteer, status__in=ACTIVE).first()
    if signup is None:
        raise Conflict(_("You are not signed up for this shift."), code="not_signed_up")
    if shift.starts_at <= timezone.now():
        raise Conflict(_("This shift has started: it can no longer be cancelled."), code="started")
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    signup.status, signup.cancelled_at = SignupStatus.CANCELLED, timezone.now()
    signup.save(update_fields=["status", "cancelled_at"])
    audit_record(actor=actor, action="signup.cancel", obj=signup, data={})
    if was_confirmed:
        _promote(shift, places=1)
    return signup


def _promote(shift: Shift, places: int) -> list[Signup]:
    """Move the first `places` on the waitlist up, first come first served, and tell them."""
    promoted = list(
        Signup.objects.filter(shift=shift, status=SignupStatus.WAITLISTED)
        .select_related("volunteer__resident__user")
        .order_by("queued_at", "id")[:places]
    )
    for signup in promoted:
        signup.status = SignupStatus.CONFIRMED
        signup.save(update_fields=["status"])
        audit_record(actor=None, action="signup.promote", obj=signup, data={})
        user = signup.volunteer.resident.user
        if user:
            notify(
                user,
                _("A place freed up: you are confirmed for %(shift)s") % {"shift": shift},
                link=f"/volunteers/shifts/{shift.pk}/",
            )
    return promoted


# --- on the day: check-in, check-out, hours -------------------------------------------------

CHECK_IN_EARLY = timedelta(minutes=30)


@transaction.atomic
def signup_check_in(*, actor, by: Volunteer, shift: Shift, volunteer: Volunteer | None = None) -> Signup:
    """On the spot, by the volunteer (`by`, the actor's own registration), or by the shift's leader
    for someone in the group."""
    _acting_volunteer(actor, by)
    return _stamp(by=by, shift=shift, volunteer=volunteer or by, field="checked_in_at")


@transaction.atomic
def signup_check_out(*, actor, by: Volunteer, shift: Shift, volunteer: Volunteer | None = None) -> Signup:
    _acting_volunteer(actor, by)
    return _stamp(by=by, shift=shift, volunteer=volunteer or by, field="checked_out_at")


def _stamp(*, by: Volunteer, shift: Shift, volunteer: Volunteer, field: str) -> Signup:
    if volunteer.pk != by.pk and shift.leader_id != by.pk:
        raise Forbidden(_("Only the shift's leader may check in someone else."), code="not_leader")
    signup = (
        Signup.objects.select_for_update()
        .filter(shift=shift, volunteer=volunteer, status=SignupStatus.CONFIRMED)
        .first()
    )
    if signup is None:
        raise Conflict(_("There is no confirmed place on this shift to check in."), code="not_confirmed")
    now = timezone.now()
    if not shift.starts_at - CHECK_IN_EARLY <= now <= shift.ends_at + CHECK_IN_EARLY:
        raise Conflict(_("Check in and out on the day, around the shift's hours."), code="not_now")
    if field == "checked_out_at" and signup.checked_in_at is None:
        raise Conflict(_("Check in first."), code="not_checked_in")
    if getattr(signup, field) is not None:
        raise Conflict(_("Done already."), code="duplicate")
    setattr(signup, field, now)
    signup.save(update_fields=[field])
    audit_record(
        actor=by.resident.user, action=f"signup.{field}", obj=signup, data={"volunteer": volunteer.pk}
    )
    return signup


# --- beat: no-shows and reminders ----------------------------------------------------------


def shifts_mark_no_shows(now) -> int:
    """Confirmed places of ended shifts with no check-in become no-shows. Idempotent."""
    return Signup.objects.filter(
        status=SignupStatus.CONFIRMED,
        checked_in_at__isnull=True,
        shift__ends_at__lte=now,
        shift__status=ShiftStatus.SCHEDULED,
    ).update(status=SignupStatus.NO_SHOW)


REMINDERS = (("day", timedelta(hours=24)), ("hour", timedelta(hours=1)))


def shift_reminders_send(now) -> int:
    """The day before and an hour before: each reminder once per shift time, none for a cancelled shift.

    The key carries the shift's start, so a moved shift is reminded again for its new time.
    """
    sent = 0
    for label, ahead in REMINDERS:
        signups = Signup.objects.filter(
            status=SignupStatus.CONFIRMED,
            shift__status=ShiftStatus.SCHEDULED,
            shift__starts_at__gt=now,
            shift__starts_at__lte=now + ahead,
        ).select_related("shift__service_type", "volunteer__resident__user")
        for signup in signups:
            user, shift = signup.volunteer.resident.user, signup.shift
            if user is None:
                continue
            key = f"shift-reminder:{shift.pk}:{label}:{shift.starts_at.isoformat()}"
            title = _("Reminder: %(shift)s at %(place)s") % {"shift": shift, "place": shift.meeting_point}
            if notify(user, title, link="/volunteers/mine/", dedupe_key=key):
                sent += 1
    return sent


# --- organisers: change or cancel a shift ---------------------------------------------------


@transaction.atomic
def shift_update(*, actor, shift: Shift, changes: dict) -> Shift:
    """Change a shift and tell everyone on it; fewer places send the latest confirmed to the waitlist's head."""
    shift = _organised(actor, shift)
    if shift.status != ShiftStatus.SCHEDULED:
        raise Conflict(_("This shift was cancelled."), code="cancelled")
    for name, value in changes.items():
        setattr(shift, name, value)
    validate_model(shift, exclude=["created_by"])
    shift.save(update_fields=list(changes))
    confirmed = list(
        Signup.objects.filter(shift=shift, status=SignupStatus.CONFIRMED).order_by("queued_at", "id")
    )
    demoted = confirmed[shift.capacity :]
    for signup in demoted:
        # Their queue time is earlier than anyone waiting, so they head the waitlist.
        signup.status = SignupStatus.WAITLISTED
        signup.save(update_fields=["status"])
    if len(confirmed) < shift.capacity:
        _promote(shift, places=shift.capacity - len(confirmed))
    audit_record(
        actor=actor,
        action="shift.update",
        obj=shift,
        data={k: str(v) for k, v in changes.items()} | {"moved_to_waitlist": [s.pk for s in demoted]},
    )
    _tell_everyone(shift, _("Shift changed: %(shift)s") % {"shift": shift}, demoted)
    return shift


@transaction.atomic
def shift_cancel(*, actor, shift: Shift, reason: str) -> Shift:
    shift = _organised(actor, shift)
    if shift.status == ShiftStatus.CANCELLED:
        raise Conflict(_("This shift was cancelled."), code="cancelled")
    if not reason.strip():
        raise Invalid(_("Give the reason."), field="reason")
    shift.status = ShiftStatus.CANCELLED
    shift.save(update_fields=["status"])
    audit_record(actor=actor, action="shift.cancel", obj=shift, data={"reason": reason})
    _tell_everyone(shift, _("Shift cancelled: %(shift)s") % {"shift": shift}, [], body=reason)
    return shift


def _organised(actor, shift: Shift) -> Shift:
    shift = Shift.objects.select_for_update(of=("self",)).select_related("community").get(pk=shift.pk)
    if not can_organise(actor, shift.community):
        raise Forbidden(_("Only the community's workers organise shifts."))
    return shift


def _check_organiser(actor, shift) -> None:
    """A new shift or template: organised in its community, at one of its compounds, of a type it offers."""
    if not can_organise(actor, shift.community):
        raise Forbidden(_("Only the community's workers organise shifts."))
    if shift.compound_id and shift.compound.community_id != shift.community_id:
        raise Invalid(_("The compound is not in this community."), field="compound")
    if not service_types_for([shift.community_id]).filter(pk=shift.service_type_id).exists():
        raise Invalid(_("Unknown service type."), field="service_type")


def _acting_volunteer(actor, volunteer: Volunteer):
    if not acts_for(actor, volunteer.resident):
        raise Forbidden(_("Volunteers sign up and cancel for themselves."))
    return actor


def _tell_everyone(shift: Shift, title: str, demoted, body: str = "") -> None:
    demoted_ids = {s.pk for s in demoted}
    for signup in Signup.objects.filter(shift=shift, status__in=ACTIVE).select_related(
        "volunteer__resident__user"
    ):
        user = signup.volunteer.resident.user
        if user is None:
            continue
        text = (
            _("The shift has fewer places now: you head its waitlist.") if signup.pk in demoted_ids else body
        )
        notify(user, title, text, link="/volunteers/mine/")


# --- repeating shifts --------------------------------------------------------------------


@transaction.atomic
def shift_template_create(*, actor, **fields) -> ShiftTemplate:
    template = ShiftTemplate(created_by=actor, **fields)
    _check_organiser(actor, template)
    validate_model(template, exclude=["created_by"])
    template.save()
    audit_record(
        actor=actor, action="shift_template.create", obj=template, data={"weekday": template.weekday}
    )
    return template


def shift_templates_materialise(today, weeks: int = 4) -> int:
    """Create the shifts of every active template for the coming weeks; running twice adds none."""
    created = 0
    for template in ShiftTemplate.objects.filter(active=True):
        for _day, starts in weekly_starts(today, weeks * 7, [template.weekday], template.start_time):
            if starts <= timezone.now():
                continue
            _shift, made = Shift.objects.get_or_create(
                template=template,
                starts_at=starts,
                defaults={
                    "community_id": template.community_id,
                    "compound_id": template.compound_id,
                    "service_type_id": template.service_type_id,
                    "ends_at": starts + timedelta(minutes=template.minutes),
                    "meeting_point": template.meeting_point,
                    "capacity": template.capacity,
                    "members_only": template.members_only,
                    "created_by_id": template.created_by_id,
                },
            )
            created += made
    return created
