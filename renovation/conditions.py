"""What a project needs before it moves to a stage: each condition in one place.

Renovation's own conditions are here. Apps above renovation add theirs through
settings.RENOVATION_CONDITIONS (governance: the consultation's coverage, the residents' agreement to
the plan, a governing body in office; core.hooks), so that renovation never imports them and
`advance` still sees every condition. Each check returns what is missing, each with who must act; an empty list lets it move.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.hooks import hook_map
from grid.models import IncidentStatus
from property.fees.selectors import fee_standards
from property.models import ManagementMode
from property.register.selectors import compounds_with_plan
from renovation.models import STAGES, ContractRole, Stage


@dataclass(frozen=True)
class Missing:
    """One thing a stage needs that the project lacks, and who must act on it."""

    code: str
    message: str
    who: str
    compound: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def next_stage(stage: str) -> str | None:
    at = STAGES.index(stage)
    return STAGES[at + 1].value if at + 1 < len(STAGES) else None


def missing_for(project, stage: str) -> list[Missing]:
    """Everything the project lacks to move to `stage`, its own conditions first."""
    found = []
    for check in [*_OWN.get(stage, []), *hook_map("RENOVATION_CONDITIONS", stage)]:
        found.extend(check(project))
    return found


def _items_chosen(project) -> list[Missing]:
    if project.items.exists():
        return []
    return [Missing("items", _("Choose the items the residents are consulted on."), _("community worker"))]


def _budget_funded(project) -> list[Missing]:
    """The feasibility study's outcome: every item has a budget and the planned funding covers it."""
    found = []
    if project.items.filter(budget__lte=0).exists():
        found.append(Missing("budget", _("Every item needs its budget."), _("community worker")))
    budget = project.items.aggregate(total=Sum("budget"))["total"] or Decimal(0)
    funded = project.funding.aggregate(total=Sum("planned"))["total"] or Decimal(0)
    if funded < budget or funded <= 0:
        found.append(
            Missing(
                "funding",
                _("The planned funding (%(funded)s yuan) does not cover the budget (%(budget)s yuan).")
                % {"funded": funded, "budget": budget},
                _("subdistrict officer"),
            )
        )
    return found


def _plan_adopted(project) -> list[Missing]:
    if project.plan_adopted_on:
        return []
    return [
        Missing(
            "plan",
            _("Record the plan (一院一策) adopted with the residents' agreement before the tender."),
            _("community worker"),
        )
    ]


def _contracted(project) -> list[Missing]:
    roles = set(project.contracts.values_list("role", flat=True))
    found = []
    if ContractRole.CONSTRUCTION not in roles:
        found.append(Missing("construction_contract", _("No construction contract."), _("community worker")))
    if ContractRole.SUPERVISION not in roles:
        found.append(Missing("supervision_contract", _("No supervision contract."), _("community worker")))
    return found


def _all_done(project) -> list[Missing]:
    unfinished = list(project.items.filter(percent__lt=100).select_related("item"))
    if not unfinished:
        return []
    names = "、".join(i.item.name for i in unfinished)
    return [
        Missing(
            "unfinished", _("Items not finished: %(items)s.") % {"items": names}, _("construction company")
        )
    ]


def _accepted(project) -> list[Missing]:
    if project.accepted_on:
        return []
    return [
        Missing(
            "acceptance",
            _("Record the acceptance with the residents' representatives."),
            _("community worker"),
        )
    ]


def _findings_closed(project) -> list[Missing]:
    """The punch list, and anything an inspection found, put right and checked before hand-over."""
    open_ = list(
        project.findings.exclude(
            incident__status__in=[IncidentStatus.CLOSED, IncidentStatus.REJECTED]
        ).select_related("contract__unit", "incident")
    )
    if not open_:
        return []
    units = "、".join(sorted({f.contract.unit.name for f in open_}))
    return [
        Missing(
            "findings_open",
            _("%(n)s defects on the punch list or from inspections are not put right and checked: %(units)s.")
            % {"n": len(open_), "units": units},
            _("the responsible unit, then the supervisor"),
        )
    ]


def _managed_after(project) -> list[Missing]:
    """改造一个、管好一个: each compound has a management mode, a plan and fee items in force."""
    today = timezone.localdate()
    compounds = list(project.compounds.order_by("name"))
    planned = set(compounds_with_plan([c.pk for c in compounds], today).values_list("pk", flat=True))
    found = []
    for c in compounds:
        if c.management_mode == ManagementMode.NONE:
            found.append(
                Missing(
                    "management_mode",
                    _("%(compound)s has no management mode (三无).") % {"compound": c.name},
                    _("community worker with the owners"),
                    c.pk,
                )
            )
        if c.pk not in planned:
            found.append(
                Missing(
                    "management_plan",
                    _("%(compound)s has no management plan.") % {"compound": c.name},
                    _("community worker"),
                    c.pk,
                )
            )
        if not fee_standards(c.pk, today).exists():
            found.append(
                Missing(
                    "fee_items",
                    _("%(compound)s has no fee items in force.") % {"compound": c.name},
                    _("fee collector or property company"),
                    c.pk,
                )
            )
    return found


_OWN = {
    Stage.CONSULTATION: [_items_chosen],
    Stage.DESIGN: [_budget_funded],
    Stage.TENDER: [_plan_adopted],
    Stage.CONSTRUCTION: [_contracted],
    Stage.ACCEPTANCE: [_all_done],
    Stage.HANDED_OVER: [_accepted, _findings_closed, _managed_after],
}
