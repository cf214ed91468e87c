"""The records behind each indicator's figure, for a place and month: the same querysets of the
owning apps and the same windows as reports/indicators.py counts, each record a row with a page.

A records function takes a Month and answers (queryset, row): `row(obj)` gives {"kind", "id",
"title", "at", "detail", "page"}. Names of people are masked to their first character. When the
month is read by someone who does not work with the register (`m.private`: a committee member), a
household shows only as its building, people not at all, and incidents only by their category, with
no page: the figures behind the score, not who did what.
"""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import StaffRole
from governance import selectors as governance
from governance.models import NoticeKind
from grid import selectors as grids
from grid.permissions import assignments_in_force
from property.fees import selectors as fee_figures
from property.register import selectors as register
from reports import indicators as ind
from reports.indicators import Month
from volunteers import selectors as volunteering


def masked(name: str) -> str:
    return f"{name[:1]}*" if name else ""


def _home(household, m: Month) -> str:
    return household.building.name if m.private else str(household)


def _person(name: str, m: Month, anonymous) -> str:
    return str(anonymous) if m.private else masked(name)


def _row(kind, obj, title, at, detail="", page=None) -> dict:
    return {"kind": kind, "id": obj.pk, "title": title, "at": at, "detail": detail, "page": page}


def _incident(incident, m: Month, detail=""):
    if m.private:  # an incident of a grid the reader does not work on: its kind, not its place
        title, page = incident.category.name, None
    else:
        title, page = (
            f"{incident.category.name} · {incident.place}",
            reverse("grid:incident", args=[incident.pk]),
        )
    when = incident.deadline or incident.reported_at
    return _row("incident", incident, title, when, detail or incident.get_status_display(), page)


def _meeting(meeting):
    detail = _("published") if meeting.public else _("internal")
    return _row(
        "meeting",
        meeting,
        meeting.title,
        meeting.held_at,
        f"{meeting.get_kind_display()} · {detail}",
        reverse("governance:meeting", args=[meeting.pk]),
    )


def _notice(notice):
    return _row("notice", notice, notice.title, notice.published_on, notice.get_kind_display())


# --- co-planning --------------------------------------------------------------------------------------


def solicitation_coverage(m: Month):
    answers = governance.answers_to_closed(m.ids, *ind.months_to_end(m, 12)).select_related(
        "solicitation", "household__building__compound"
    )

    def row(a):
        return _row(
            "answer",
            a,
            a.solicitation.title,
            a.answered_at,
            _home(a.household, m),
            reverse("governance:solicitation", args=[a.solicitation_id]),
        )

    return answers.order_by("-answered_at", "id"), row


def vote_participation(m: Month):
    votes = governance.votes_closed(m.ids, *ind.months_to_end_at(m, ind.WINDOW_MONTHS["vote_participation"]))

    def row(v):
        taking_part = (v.result or {}).get("participation") or {}
        detail = _("%(n)s of %(total)s owners took part") % {
            "n": taking_part.get("headcount", 0),
            "total": taking_part.get("headcount_total", 0),
        }
        return _row("vote", v, v.title, v.closes_at, detail, reverse("governance:vote", args=[v.pk]))

    return votes.order_by("-closes_at", "id"), row


def consultations_held(m: Month):
    meetings = governance.meetings_held(
        m.ids, *ind.months_to_end_at(m, ind.WINDOW_MONTHS["consultations_held"]), ind.CONSULTING
    )
    return meetings.order_by("-held_at", "id"), _meeting


# --- co-building ----------------------------------------------------------------------------------------


def volunteers_per_100(m: Month):
    homes = volunteering.volunteer_homes(m.ids, ind.at_end(m)).select_related(
        "resident", "household__building__compound"
    )

    def row(r):
        return _row(
            "volunteer", r, _person(r.resident.name, m, _("a volunteer")), r.started_on, _home(r.household, m)
        )

    return homes.order_by("household_id", "id"), row


def _shift_row(shift, detail):
    return _row(
        "shift",
        shift,
        f"{shift.service_type.name} · {shift.meeting_point}",
        shift.starts_at,
        detail,
        reverse("volunteers:shift", args=[shift.pk]),
    )


def volunteer_hours_per_100(m: Month):
    signups = (
        volunteering.served_between(*ind.the_month_at(m))
        .filter(shift__compound_id__in=m.ids)
        .select_related("shift__service_type", "volunteer__resident")
    )

    def row(s):
        hours = volunteering.credited_hours(s)
        name = _person(s.volunteer.resident.name, m, _("a volunteer"))
        detail = _("%(name)s, %(hours)s h") % {"name": name, "hours": hours}
        return {**_shift_row(s.shift, detail), "kind": "signup", "id": s.pk}

    return signups.order_by("shift__starts_at", "id"), row


def party_member_volunteering(m: Month):
    homes = volunteering.party_member_homes(m.ids, ind.at_end(m), *ind.serving_window(m)).select_related(
        "resident", "household__building"
    )

    def row(r):
        detail = _("served") if r.served else _("has not served")
        title = _person(r.resident.name, m, _("a party member"))
        return _row("party_member", r, title, r.started_on, f"{_home(r.household, m)} · {detail}")

    return homes.order_by("household_id", "id"), row


def shift_fill_rate(m: Month):
    shifts = volunteering.shifts_held(m.ids, *ind.the_month_at(m)).select_related("service_type")

    def row(shift):
        return _shift_row(shift, _("%(n)s places") % {"n": shift.capacity})

    return shifts.order_by("starts_at", "id"), row


# --- co-management ----------------------------------------------------------------------------------


def governing_body_in_office(m: Month):
    bodies = governance.bodies_governing(m.ids, ind.at_end(m))

    def row(b):
        until = b.term_end.isoformat() if b.term_end else ""
        return _row("body", b, b.name, b.term_start, until, reverse("governance:body", args=[b.pk]))

    return bodies.order_by("compound_id", "id"), row


def management_in_place(m: Month):
    compounds = register.compounds_with_plan(m.ids, ind.at_end(m)).distinct()

    def row(c):
        return _row(
            "compound",
            c,
            c.name,
            None,
            c.get_management_mode_display(),
            reverse("property:compound", args=[c.pk]),
        )

    return compounds.order_by("name", "id"), row


def actions_on_time(m: Month):
    actions = governance.actions_due(m.ids, *ind.actions_window(m)).select_related("meeting")

    def row(a):
        if a.closed_at is None:
            detail = pgettext("action", "open")
        elif a.closed_on <= a.due_on:
            detail = _("closed on time")
        else:
            detail = _("closed late")
        return _row(
            "action", a, a.title, a.due_on, detail, reverse("governance:meeting", args=[a.meeting_id])
        )

    return actions.order_by(F("closed_at").asc(nulls_first=True), "due_on", "id"), row


def grid_roles_covered(m: Month):
    posts = (
        assignments_in_force(ind.at_end(m))
        .filter(grid_id__in=m.grid_ids, role__in=StaffRole.values)
        .select_related("grid", "user")
    )

    def row(a):
        return _row(
            "post",
            a,
            a.grid.name,
            a.started_on,
            f"{a.get_role_display()} · {_person(a.user.display_name, m, '')}",
        )

    return posts.order_by("grid_id", "role", "id"), row


def duty_done_rate(m: Month):
    shifts = grids.duty_planned(m.grid_ids, *ind.until_now(m.first)).select_related("grid")

    def row(d):
        return _row(
            "duty_shift", d, f"{d.grid.name} · {d.get_role_display()}", d.starts_at, d.get_status_display()
        )

    return shifts.order_by("starts_at", "id"), row


def incidents_on_time(m: Month):
    incidents = grids.incidents_due(m.grid_ids, *ind.until_now(m.first)).select_related("category")

    def row(i):
        if i.closed_at is None:
            return _incident(i, m, _("open past its deadline") if i.deadline <= timezone.now() else "")
        return _incident(i, m, _("closed on time") if i.closed_at <= i.deadline else _("closed late"))

    # the ones still open come first: they are where to act
    return incidents.order_by(F("closed_at").asc(nulls_first=True), "deadline", "id"), row


def rework_rate(m: Month):
    steps = grids.rework_steps(m.grid_ids, *ind.until_now(m.first)).select_related("incident__category")

    def row(step):
        return {**_incident(step.incident, m, step.label), "kind": "step", "at": step.at}

    return steps.order_by("at", "id"), row


def incident_rating(m: Month):
    incidents = grids.incidents_rated(m.grid_ids, *ind.until_now(m.first, 2)).select_related("category")

    def row(i):
        return _incident(i, m, _("rated %(n)s") % {"n": i.rating})

    return incidents.order_by("closed_at", "id"), row


# --- co-evaluation ----------------------------------------------------------------------------------


def _latest_ratings(m: Month):
    _ratings, _communities, rounds = m.latest_ratings
    ratings = governance.ratings_from(rounds.values(), m.ids).select_related("household__building__compound")

    def row(r):
        return _row(
            "rating",
            r,
            _home(r.household, m),
            r.rated_at,
            _("score %(n)s") % {"n": r.score},
            reverse("governance:evaluation", args=[r.evaluation_id]),
        )

    return ratings.order_by("household_id", "id"), row


evaluation_response_rate = satisfaction = _latest_ratings


# --- co-sharing ------------------------------------------------------------------------------------


def finance_disclosed(m: Month):
    notices = governance.notices_published(m.ids, *ind.months_to_end(m, 6), kind=NoticeKind.FINANCE)
    return notices.order_by("-published_on", "id"), _notice


def notices_published(m: Month):
    return governance.notices_published(m.ids, m.start, m.end).order_by("-published_on", "id"), _notice


def fee_collection_rate(m: Month):
    bills = (
        fee_figures.bills_of_period(m.ids, m.first)
        .annotate(paid=fee_figures.paid_amount())
        .select_related("household__building__compound")
    )

    def row(b):
        detail = _("billed %(billed)s, paid %(paid)s") % {"billed": b.amount, "paid": b.paid}
        return _row("bill", b, _home(b.household, m), b.due_on, detail)

    return bills.order_by("household_id", "id"), row


def minutes_published(m: Month):
    window = ind.months_to_end_at(m, ind.WINDOW_MONTHS["minutes_published"])
    return governance.meetings_held(m.ids, *window).order_by("-held_at", "id"), _meeting


RECORDS = {code: globals()[code] for code in ind.FIGURES}
