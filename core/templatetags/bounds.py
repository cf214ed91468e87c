"""What the pages need of core.bounds: a far moment shown without a 500, and values to check (请核对)."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import bounds
from core.periods import local as local_moment

register = template.Library()


@register.filter
def local(moment):
    """`{{ x|local|date:"..." }}`: the moment on the local clock, a far one (year 9999) without a 500."""
    return local_moment(moment) if moment else moment


@register.filter
def moment(value) -> str:
    """`{{ x|moment }}`: a moment on the local clock in the short form (9月5日 20:45) when it is this
    year, with its year otherwise, so a works notice of 2035 does not read as one of this week."""
    if not value:
        return ""
    value = local_moment(value)
    short = value.year == timezone.localdate().year
    return date_format(value, "SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")


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
