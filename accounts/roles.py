"""The roles a user holds, with their scopes, as `GET /api/v1/me` and the home page show them.

Official posts are known here; the roles other apps know (a resident's home, a volunteer, a works
contract's contact, a seat on a governing body) come from the providers settings.ROLE_PROVIDERS
names (core.hooks), so that accounts never imports them.
"""

from accounts.permissions import active_posts
from core.hooks import hook


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
    for provider in hook("ROLE_PROVIDERS"):
        roles.extend(provider(user))
    return roles
