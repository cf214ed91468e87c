"""What the pages need of core.bounds: a far moment shown without a 500, and values to check (请核对)."""

from django import template
from django.utils.translation import gettext as _

from core import bounds
from core.periods import local as local_moment

register = template.Library()


@register.filter
def local(moment):
    """`{{ x|local|date:"..." }}`: the moment on the local clock, a far one (year 9999) without a 500."""
    return local_moment(moment) if moment else moment


@register.filter
def area_to_check(area) -> str:
    """Why a unit's area is to be checked (one a real unit can have but seldom does), or ""."""
    if not bounds.unusual_area(area):
        return ""
    return _("Check: above %(limit)s m²") % {"limit": f"{bounds.UNIT_AREA_CHECK:,}"}


@register.filter
def received_to_check(funding) -> str:
    """Why a source's funding is to be checked (more received than planned), or ""."""
    if not bounds.unusual_funding(funding.planned, funding.received):
        return ""
    return _("Check: more received than planned")
