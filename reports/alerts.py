"""Gap alerts (改造一个、管好一个): one list for the community worker and the officer of what is
missing or late in their compounds and grids, each entry linked to the page where it is fixed.

Each kind reads the rule of the app that owns it (governance's gaps and overdue actions, grid's gaps
and overdue incidents, property's management and collection); the list costs a fixed number of
queries whatever the number of compounds.
"""

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import rates
from core.periods import days_bounds, last_full_month, months_before
from governance import selectors as governance
from governance.models import NoticeKind
from grid import selectors as grids
from grid.models import Grid
from property.fees import selectors as fee_figures
from property.models import Compound, ManagementMode
from property.register import selectors as register
from renovation import conditions
from renovation import selectors as renovation
from renovation.models import Project, Stage


class AlertKind(models.TextChoices):
    NO_GOVERNING_BODY = "no_governing_body", gettext_lazy("no governing body")
    TERM_ENDED = "term_ended", gettext_lazy("committee term ended")
    TERM_ENDING = "term_ending", gettext_lazy("committee term ending")
    NO_MANAGEMENT_PLAN = "no_management_plan", gettext_lazy("no management plan")
    NO_PROPERTY_SERVICE = "no_property_service", gettext_lazy("no property service (三无)")
    LOW_COLLECTION = "low_collection", gettext_lazy("low fee collection")
    GRID_ROLE_MISSING = "grid_role_missing", gettext_lazy("grid missing a role")
    ACTIONS_OVERDUE = "actions_overdue", gettext_lazy("follow-up actions overdue")
    INCIDENTS_OVERDUE = "incidents_overdue", gettext_lazy("incidents overdue")
    NO_FINANCE_DISCLOSURE = "no_finance_disclosure", gettext_lazy("no finance disclosure in 6 months")
    NO_MEETING = "no_meeting", gettext_lazy("no meeting in 3 months")
    HANDOVER_BLOCKED = "handover_blocked", gettext_lazy("renovation not ready to hand over")


# What the fix page lets one do, as its button says.
FIX_LABELS = {
    AlertKind.NO_GOVERNING_BODY: gettext_lazy("Set up an election"),
    AlertKind.TERM_ENDED: gettext_lazy("Set up an election"),
    AlertKind.TERM_ENDING: gettext_lazy("Set up an election"),
    AlertKind.NO_MANAGEMENT_PLAN: gettext_lazy("Record the management plan"),
    AlertKind.NO_PROPERTY_SERVICE: gettext_lazy("Put hiring a property service to the vote"),
    AlertKind.LOW_COLLECTION: gettext_lazy("Open fee collection"),
    AlertKind.GRID_ROLE_MISSING: gettext_lazy("Put someone on the grid"),
    AlertKind.ACTIONS_OVERDUE: gettext_lazy("Open the actions"),
    AlertKind.INCIDENTS_OVERDUE: gettext_lazy("Open the overdue incidents"),
    AlertKind.NO_FINANCE_DISCLOSURE: gettext_lazy("Publish a finance disclosure"),
    AlertKind.NO_MEETING: gettext_lazy("Log a meeting"),
    AlertKind.HANDOVER_BLOCKED: gettext_lazy("Open the project"),
}


def _alert(kind, compound, community, since, detail, fix, name=None) -> dict:
    return {
        "kind": kind,
        "label": str(AlertKind(kind).label),
        "fix_label": str(FIX_LABELS[kind]),
        "compound": compound.pk if compound else None,
        "community": community.pk,
        "name": name or compound.name,
        "community_name": community.name,
        "since": since,
        "detail": detail,
        "fix": fix,
    }


def _url(name, *args, **query) -> str:
    path = reverse(name, args=args)
    return f"{path}?{urlencode(query)}" if query else path


def alerts(community_ids, *, now=None) -> list[dict]:
    """The gap alerts of the communities' compounds and grids, most urgent kinds first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    compounds = list(
        Compound.objects.filter(community_id__in=community_ids)
        .select_related("community")
        .order_by("community__name", "name", "pk")
    )
    ids = [c.pk for c in compounds]
    out = []
    out += _governance(compounds, ids, today)
    out += _management(compounds, ids, today)
    out += _collection(compounds, ids, today)
    out += _grids(community_ids, now)
    out += _handover(community_ids)
    return out


def _handover(community_ids) -> list[dict]:
    """改造一个、管好一个: projects at acceptance that may not be handed over yet, with what each lacks and
    who must act (renovation's own rule; a few queries more for each project at acceptance)."""
    out = []
    projects = (
        Project.objects.filter(community_id__in=community_ids, stage=Stage.ACCEPTANCE)
        .select_related("community")
        .prefetch_related("compounds")
        .order_by("community__name", "name", "pk")
    )
    for project in projects:
        missing = conditions.missing_for(project, Stage.HANDED_OVER)
        if not missing:
            continue
        detail = "; ".join(_("%(what)s (%(who)s)") % {"what": m.message, "who": m.who} for m in missing)
        compound = min(project.compounds.all(), key=lambda c: c.pk)
        fix = _url("renovation:project", project.pk)
        out.append(
            _alert(
                AlertKind.HANDOVER_BLOCKED, compound, project.community, None, detail, fix, name=project.name
            )
        )
    return out


def _governance(compounds, ids, today: date) -> list[dict]:
    out = []
    bodies = {}
    for body in governance.bodies_governing(ids, today).order_by("pk"):
        bodies.setdefault(body.compound_id, body)
    ended = governance.committees_ended(ids, today)
    ending = {b.compound_id: b for b in governance.committees_ending(ids, today)}
    since = months_before(today, 3)
    met = governance.meetings_by_compound(ids, *days_bounds(since, today + timedelta(days=1)))
    overdue = governance.actions_overdue_by_compound(ids, today)
    start6 = months_before(today, 6)
    disclosed = governance.notices_by_compound(
        ids, start6, today + timedelta(days=1), kind=NoticeKind.FINANCE
    )
    last_disclosed = governance.last_notice_by_compound(ids, kind=NoticeKind.FINANCE)
    for c in compounds:
        vote = _url("governance:vote_new", c.pk, matter="elect_committee")
        if c.pk not in bodies:
            if c.pk in ended:
                body = ended[c.pk]
                detail = _("%(name)s: term ended on %(day)s") % {"name": body.name, "day": body.term_end}
                out.append(_alert(AlertKind.TERM_ENDED, c, c.community, body.term_end, detail, vote))
            else:
                out.append(
                    _alert(
                        AlertKind.NO_GOVERNING_BODY,
                        c,
                        c.community,
                        None,
                        _("No body governs the compound."),
                        vote,
                    )
                )
        if c.pk in ending:
            body = ending[c.pk]
            detail = _("%(name)s: term ends on %(day)s") % {"name": body.name, "day": body.term_end}
            out.append(_alert(AlertKind.TERM_ENDING, c, c.community, body.term_end, detail, vote))
        if c.pk in overdue:
            n, oldest, body_id = overdue[c.pk]
            detail = _("%(n)s open past their due day") % {"n": n}
            fix = _url("governance:body", body_id)
            out.append(_alert(AlertKind.ACTIONS_OVERDUE, c, c.community, oldest, detail, fix))
        if c.pk in bodies and not met.get(c.pk):
            fix = _url("governance:meeting_new", bodies[c.pk].pk)
            detail = _("No meeting since %(day)s") % {"day": since}
            out.append(_alert(AlertKind.NO_MEETING, c, c.community, since, detail, fix))
        if not disclosed.get(c.pk):
            last = last_disclosed.get(c.pk)
            detail = _("Last disclosed on %(day)s") % {"day": last} if last else _("Never disclosed")
            fix = _url("governance:notice_new", c.pk, kind=NoticeKind.FINANCE)
            out.append(_alert(AlertKind.NO_FINANCE_DISCLOSURE, c, c.community, last, detail, fix))
    return out


def _management(compounds, ids, today: date) -> list[dict]:
    """Renovated compounds (改造一个) without their management (管好一个): a plan and a mode."""
    renovated = renovation.compounds_renovated(ids)
    planned = set(register.compounds_with_plan(ids, today).values_list("pk", flat=True))
    out = []
    for c in compounds:
        if c.pk not in renovated:
            continue
        fix = _url("property:plan_new", c.pk)
        if c.pk not in planned:
            out.append(
                _alert(
                    AlertKind.NO_MANAGEMENT_PLAN,
                    c,
                    c.community,
                    None,
                    _("Renovated, no management plan."),
                    fix,
                )
            )
        if c.management_mode == ManagementMode.NONE:
            vote = _url("governance:vote_new", c.pk, matter="hire_property_company")
            detail = _("Renovated, nobody manages it.")
            out.append(_alert(AlertKind.NO_PROPERTY_SERVICE, c, c.community, None, detail, vote))
    return out


def _collection(compounds, ids, today: date) -> list[dict]:
    """The last full month's bills collected under ALERT_COLLECTION_RATE_PERCENT (by amount)."""
    month = last_full_month(today)
    amounts = fee_figures.amounts_collected_by_compound(ids, month)
    floor = rates.exact(Decimal(settings.ALERT_COLLECTION_RATE_PERCENT)) / 100
    out = []
    for c in compounds:
        paid, billed = amounts.get(c.pk, (Decimal(0), Decimal(0)))
        share = fee_figures.amount_rate(paid, billed)
        if share is not None and share < floor:
            detail = _("%(rate)s%% of %(month)s's bills collected") % {
                "rate": rates.percent_number(share),
                "month": f"{month:%Y-%m}",
            }
            out.append(
                _alert(
                    AlertKind.LOW_COLLECTION,
                    c,
                    c.community,
                    month,
                    detail,
                    _url("property:compound_fees", c.pk),
                )
            )
    return out


def _grids(community_ids, now) -> list[dict]:
    grid_list = list(
        Grid.objects.filter(community_id__in=community_ids).select_related("community").order_by("name", "pk")
    )
    out = []
    for grid, missing in grids.grid_gaps(grid_list):
        detail = "、".join(str(role.label) for role in missing)
        fix = _url("grid:staff", grid.pk, role=missing[0].value)
        out.append(
            _alert(AlertKind.GRID_ROLE_MISSING, None, grid.community, None, detail, fix, name=grid.name)
        )
    overdue = grids.overdue_by_grid([g.pk for g in grid_list], now)
    for grid in grid_list:
        if grid.pk in overdue:
            n, oldest = overdue[grid.pk]
            detail = _("%(n)s past their deadline") % {"n": n}
            fix = _url("grid:board", grid=grid.pk, overdue="on")
            out.append(
                _alert(AlertKind.INCIDENTS_OVERDUE, None, grid.community, oldest, detail, fix, name=grid.name)
            )
    return out
