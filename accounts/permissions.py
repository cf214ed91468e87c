"""Who may do what: the entry points other apps call. Scope follows the real-world post."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import Post, Role

# Roles whose holders manage the estate register of their community (or, for officers, subdistrict).
MANAGING_ROLES = frozenset({Role.SUBDISTRICT_OFFICER, Role.COMMUNITY_WORKER})
# Staff who may see residents' full phone numbers within their scope.
PHONE_ROLES = frozenset({Role.SUBDISTRICT_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.PROPERTY_MANAGER})


def active_posts(user) -> list[Post]:
    """The user's current posts, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_active_posts", None)
    if cached is None:
        today = timezone.localdate()
        cached = list(
            Post.objects.filter(user=user, started_on__lte=today)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
            .select_related("community", "subdistrict")
        )
        user._active_posts = cached
    return cached


def staff_scope(user, community_path: str, roles=None) -> Q:
    """A filter for objects whose community (reached by `community_path`) is in the user's posts.

    `community_path` is the lookup from the filtered model to its Community, e.g.
    "building__compound__community"; "" when filtering Community itself.
    """
    if user.is_authenticated and user.is_superuser:
        return Q()
    prefix = f"{community_path}__" if community_path else ""
    q = Q(pk__in=[])
    for post in active_posts(user):
        if roles is not None and post.role not in roles:
            continue
        if post.subdistrict_id:
            q |= Q(**{f"{prefix}subdistrict_id": post.subdistrict_id})
        else:
            q |= Q(**{f"{prefix}id": post.community_id})
    return q


def is_staff_of(user, community, roles=None) -> bool:
    """True when one of the user's posts covers `community` (a Community instance)."""
    if user.is_authenticated and user.is_superuser:
        return True
    for post in active_posts(user):
        if roles is not None and post.role not in roles:
            continue
        if post.community_id == community.id or post.subdistrict_id == community.subdistrict_id:
            return True
    return False


def is_officer_of(user, subdistrict) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(
        p.role == Role.SUBDISTRICT_OFFICER and p.subdistrict_id == subdistrict.id for p in active_posts(user)
    )


def can_manage_community(user, community) -> bool:
    """Register compounds, buildings, households and residents in the community."""
    return is_staff_of(user, community, roles=MANAGING_ROLES)


def can_see_full_phones(user, community) -> bool:
    return is_staff_of(user, community, roles=PHONE_ROLES)


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits stay."""
    digits = phone.strip()
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
