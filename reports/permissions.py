"""Who reads the five-co index of a place: a committee member their compound, a community's staff
their community and its compounds, a subdistrict's officers all of it."""

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import MANAGING_ROLES, active_posts, staff_scope
from governance.models import GOVERNING_KINDS
from governance.permissions import seats
from property.models import Community, Compound, Subdistrict
from reports.models import Level


def compounds_readable(user):
    governed = seats(user).filter(body__kind__in=GOVERNING_KINDS).values("body__compound_id")
    scope = staff_scope(user, "community", roles=MANAGING_ROLES) | Q(pk__in=governed)
    return Compound.objects.filter(scope).select_related("community")


def communities_readable(user):
    return Community.objects.filter(staff_scope(user, "", roles=MANAGING_ROLES))


def subdistricts_readable(user):
    if user.is_authenticated and user.is_superuser:
        return Subdistrict.objects.all()
    ids = [
        p.subdistrict_id
        for p in active_posts(user)
        if p.role == Role.SUBDISTRICT_OFFICER and p.subdistrict_id
    ]
    return Subdistrict.objects.filter(pk__in=ids)


READABLE = {
    Level.COMPOUND: compounds_readable,
    Level.COMMUNITY: communities_readable,
    Level.SUBDISTRICT: subdistricts_readable,
}


def home_place(user) -> tuple[str, object] | None:
    """The widest place the user reads: their subdistrict, else community, else compound."""
    for level in (Level.SUBDISTRICT, Level.COMMUNITY, Level.COMPOUND):
        place = READABLE[level](user).order_by("pk").first()
        if place is not None:
            return level, place
    return None
