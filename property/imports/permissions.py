"""What each user may see of the ledger imports (the read scope)."""

from django.db.models import Q

from accounts.permissions import MANAGING_ROLES, staff_scope
from property.models import LedgerImport


def imports_visible(user):
    """Ledger imports (their files hold personal data): one's own, and those of the communities one
    manages."""
    if not user.is_authenticated:
        return LedgerImport.objects.none()
    # One's own only while one still holds a post in its community.
    own = Q(requested_by_id=user.pk) & staff_scope(user, "community")
    scope = own | staff_scope(user, "community", roles=MANAGING_ROLES)
    # The file itself (up to IMPORT_MAX_BYTES) is read only where it is needed.
    return LedgerImport.objects.filter(scope).select_related("community", "compound").defer("data")
