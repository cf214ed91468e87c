"""Who may do what about fees, on the object, and what each user may see of them (the read scopes,
`*_visible`). The services call the checks; api.py and views.py call them only to decide what to show."""

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.permissions import REGISTER_ROLES, can_manage_fees, staff_scope
from core.errors import Forbidden
from property.models import Adjustment, Bill, FeeItem, Payment
from property.register.permissions import compounds_visible, own_households


def require_fees(user, place) -> None:
    """The services' check before any write about fees (fee items, billing runs, payments, adjustments
    and reminders in a compound or community): accounts.permissions.can_manage_fees."""
    if not can_manage_fees(user, place):
        raise Forbidden(_("Only the community's workers and fee collectors may do this."))


def fee_items_visible(user):
    return FeeItem.objects.filter(compound__in=compounds_visible(user).values("id"))


def bills_visible(user):
    """Bills of the households the user may see: the register's roles of the community
    (REGISTER_ROLES — not cleaners or police), and residents their own."""
    return Bill.objects.filter(
        staff_scope(user, "household__building__compound__community", roles=REGISTER_ROLES)
        | _own_household_rows(user)
    )


def _own_household_rows(user) -> Q:
    """Rows with a household_id among the user's homes."""
    own = own_households(user)
    return Q(household_id__in=own) if own else Q(pk__in=[])


def payments_visible(user):
    """Payments of the households the user may see, with their allocations and collector."""
    return (
        Payment.objects.filter(
            staff_scope(user, "compound__community", roles=REGISTER_ROLES) | _own_household_rows(user)
        )
        .select_related("received_by")
        .prefetch_related("allocations")
    )


def adjustments_visible(user):
    return Adjustment.objects.filter(
        staff_scope(user, "household__building__compound__community", roles=REGISTER_ROLES)
        | _own_household_rows(user)
    ).select_related("requested_by", "decided_by", "household__building__compound__community")
