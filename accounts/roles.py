"""The roles a user holds, with their scopes, as `GET /api/v1/me` and the home page show them.

Official posts are known here; other apps (property for residents, later governance, grid and
volunteers) add the roles they know by registering a provider in their AppConfig.ready(), so
that accounts never imports them.
"""

from collections.abc import Callable

from accounts.permissions import active_posts

RoleProvider = Callable[[object], list[dict]]
_providers: list[RoleProvider] = []


def register_role_provider(provider: RoleProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def post_roles(user) -> list[dict]:
    roles = []
    for post in active_posts(user):
        place = post.subdistrict or post.community
        roles.append(
            {
                "role": post.role,
                "label": str(post.get_role_display()),
                "scope": {
                    "type": "subdistrict" if post.subdistrict_id else "community",
                    "id": place.id,
                    "name": place.name,
                },
            }
        )
    return roles


def roles_of(user) -> list[dict]:
    roles = post_roles(user)
    for provider in _providers:
        roles.extend(provider(user))
    return roles
