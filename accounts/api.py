from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from accounts import services
from accounts.models import ApiToken
from accounts.roles import roles_of
from accounts.schemas import MeOut, TokenIn, TokenInfoOut, TokenOut
from core.openapi import errors

router = Router(tags=["auth"])


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        api_token = services.token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class SignedInSession(SessionAuth):
    """The session cookie of a signed-in person, with its CSRF check.

    Without a signed-in session there is nothing for CSRF to protect: the answer is 401 (sign in),
    not ninja's 403 "CSRF check failed" (which a client with a revoked or expired token got on writes).
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


@router.post("/auth/token", auth=None, response={200: TokenOut, **errors(401, 422, 429)})
def token_create(request, payload: TokenIn):
    """Exchange a username and password for a bearer token. Five failures lock the account 15 minutes."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise HttpError(429, _("Too many failed sign-ins: try again in 15 minutes."))
        raise HttpError(401, _("Wrong username or password."))
    # As the page sign-in does (django.contrib.auth.login sends it): axes resets the failed count,
    # Django records the last sign-in.
    user_logged_in.send(sender=type(user), request=request, user=user)
    token, raw = services.token_issue(user=user, name=payload.name)
    return {"token": raw, "expires_at": token.expires_at, "user": user}


@router.get("/auth/tokens", response={200: list[TokenInfoOut], **errors(401)})
def token_list(request):
    """The caller's own tokens (only their prefixes)."""
    return ApiToken.objects.filter(user=request.user).order_by("-created_at")


@router.delete("/auth/tokens/{token_id}", response={204: None, **errors(401, 403, 404, 422)})
def token_revoke(request, token_id: int):
    """Revoke one of the caller's tokens; a revoked token no longer authenticates."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.token_revoke(token=token, actor=request.user)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request):
    """The signed-in user, the resident record behind them (if any) and their roles with scopes."""
    user = request.user
    person = getattr(user, "resident", None)
    return {"user": user, "person": person, "roles": roles_of(user)}
