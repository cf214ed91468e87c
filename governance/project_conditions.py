"""What governance knows that a renovation project's steps depend on, given to renovation's
conditions (renovation sits below governance and never imports it): the door-to-door consultation's
coverage, the residents' agreement to the plan, and a governing body in office at hand-over."""

from fractions import Fraction

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rates
from governance.models import Body, Response, Solicitation, Vote, VoteStatus
from governance.selectors import governing_on
from property.register.selectors import households_by_compound
from renovation.conditions import Missing


def consultation_coverage(project) -> dict[int, Fraction]:
    """Per compound of the project: the best coverage among the consultations linked to the project
    (households answered / households of the compound)."""
    compounds = list(project.compounds.values_list("pk", flat=True))
    homes = households_by_compound(compounds)
    answered = (
        Response.objects.filter(solicitation__project=project)
        .values_list("solicitation__compound_id", "solicitation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    best = dict.fromkeys(compounds, Fraction(0))
    for compound_id, _solicitation, n in answered:
        if homes.get(compound_id):
            best[compound_id] = max(best[compound_id], Fraction(n, homes[compound_id]))
    return best


def consulted(project) -> list[Missing]:
    threshold = Fraction(settings.RENOVATION_CONSULTATION_COVERAGE_PERCENT, 100)
    names = dict(project.compounds.values_list("pk", "name"))
    linked = set(Solicitation.objects.filter(project=project).values_list("compound_id", flat=True))
    found = []
    for compound_id, coverage in consultation_coverage(project).items():
        if compound_id not in linked:
            message = _("%(compound)s: no door-to-door consultation linked to the project.")
        elif coverage < threshold:
            message = _(
                "%(compound)s: the consultation reached %(got)s%% of households, %(need)s%% are needed."
            )
        else:
            continue
        found.append(
            Missing(
                "consultation",
                message
                % {
                    "compound": names[compound_id],
                    "got": rates.percent_number(coverage),
                    "need": settings.RENOVATION_CONSULTATION_COVERAGE_PERCENT,
                },
                _("community worker"),
                compound_id,
            )
        )
    return found


def voted(project) -> list[Missing]:
    """An owners' vote on the plan, closed and passed, in each compound."""
    passed = {
        v.compound_id
        for v in Vote.objects.filter(project=project, status=VoteStatus.CLOSED)
        if (v.result or {}).get("passed")
    }
    return [
        Missing(
            "vote",
            _("%(compound)s: no owners' vote on the plan has passed.") % {"compound": c.name},
            _("owners' committee or community worker"),
            c.pk,
        )
        for c in project.compounds.order_by("name")
        if c.pk not in passed
    ]


def governed(project) -> list[Missing]:
    today = timezone.localdate()
    governed = set(
        Body.objects.filter(governing_on(today), compound__in=project.compounds.all()).values_list(
            "compound_id", flat=True
        )
    )
    return [
        Missing(
            "governing_body",
            _("%(compound)s has no owners' committee or other governing body in office.")
            % {"compound": c.name},
            _("community worker with the owners"),
            c.pk,
        )
        for c in project.compounds.order_by("name")
        if c.pk not in governed
    ]
