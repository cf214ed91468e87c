"""Who may do what: the entry points other apps call. Scope follows the real-world post."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import Post, Role
from core.hooks import hook
from core.periods import in_force

# Roles whose holders manage the estate register of their community (or, for officers, subdistrict).
MANAGING_ROLES = frozenset({Role.SUBDISTRICT_OFFICER, Role.COMMUNITY_WORKER})
# Roles that set fee standards, issue bills and record payments in their community.
FEE_ROLES = frozenset({Role.SUBDISTRICT_OFFICER, Role.COMMUNITY_WORKER, Role.FEE_COLLECTOR})
# Posts that work with the household register (households, residents): the offices, fee collectors
# (bills are per household), grid workers and property managers (who visit and repair). Cleaners,
# community police and law-enforcement squads work on the grid, not with the register.
REGISTER_ROLES = frozenset(
    {
        Role.SUBDISTRICT_OFFICER,
        Role.COMMUNITY_WORKER,
        Role.FEE_COLLECTOR,
        Role.GRID_WORKER,
        Role.PROPERTY_MANAGER,
    }
)
# Staff who may see residents' full phone numbers within their scope.
PHONE_ROLES = frozenset(
    {Role.SUBDISTRICT_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.PROPERTY_MANAGER}
)


def active_posts(user) -> list[Post]:
    """The user's current posts, read once and kept on the user object.

    For API tokens the user object itself is cached with its posts (accounts.services); any
    change to a post through the app calls accounts.services.principal_forget().
    """
    if not user.is_authenticated:
        return []
    posts = getattr(user, "_active_posts", None)
    if posts is None:
        posts = user._active_posts = list(
            current_posts(user).select_related("community", "subdistrict").prefetch_related("compounds")
        )
    return posts


def load_scope(user) -> None:
    """Fill a user's scope (posts, and what settings.SCOPE_LOADERS names: homes, ...) before the
    user is cached with a token."""
    active_posts(user)
    for loader in hook("SCOPE_LOADERS"):
        loader(user)


def posts_in_force(on=None):
    """Posts in force on a day (today by default): started, not ended."""
    return Post.objects.filter(in_force(on or timezone.localdate()))


def current_posts(user):
    """The user's posts in force today (started, not ended)."""
    return posts_in_force().filter(user_id=user.pk)


# Every row, as a filter that stays "every row" when OR-ed with another (an empty Q() would vanish:
# Q() | X is X), so the back office's superuser sees all of a scope combined with homes or seats.
EVERYTHING = ~Q(pk__in=[])


def staff_scope(user, community_path: str, roles=None) -> Q:
    """A filter for objects whose community (reached by `community_path`) is covered by the user's posts.

    `community_path` is the lookup from the filtered model to its Community, e.g.
    "building__compound__community"; "" when filtering Community itself. The ids are literal,
    which keeps the list queries simple to plan (subqueries OR-ed together cost PostgreSQL more
    to plan than the posts query they save).
    """
    if user.is_authenticated and user.is_superuser:
        return EVERYTHING
    communities, subdistricts = set(), set()
    for post in active_posts(user):
        if roles is not None and post.role not in roles:
            continue
        if post.subdistrict_id:
            subdistricts.add(post.subdistrict_id)
        else:
            communities.add(post.community_id)
    prefix = f"{community_path}__" if community_path else ""
    q = Q(pk__in=[])
    if communities:
        q |= Q(**{f"{prefix}id__in": sorted(communities)})
    if subdistricts:
        q |= Q(**{f"{prefix}subdistrict_id__in": sorted(subdistricts)})
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


def can_manage_fees(user, place) -> bool:
    """Set fee items, run billing, record payments and reminders in `place`.

    `place` is a Compound or a Community. A collector whose post names the compounds they serve
    acts only there, so never for a whole community.
    """
    if user.is_authenticated and user.is_superuser:
        return True
    community = getattr(place, "community", place)
    for post in active_posts(user):
        if post.role not in FEE_ROLES:
            continue
        if post.community_id != community.id and post.subdistrict_id != community.subdistrict_id:
            continue
        served = {c.id for c in post.compounds.all()}
        if not served or (place is not community and place.id in served):
            return True
    return False


def can_see_full_phones(user, community) -> bool:
    return is_staff_of(user, community, roles=PHONE_ROLES)


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits stay."""
    digits = phone.strip()
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
