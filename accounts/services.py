"""Writes with rules for accounts: API tokens and the append-only history."""

import hashlib
import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, AuditEvent, User
from accounts.permissions import load_scope

# Writing last_used_at on every request would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:8],
        key_hash=token_digest(raw),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    audit_record(actor=user, action="token.issue", obj=token, data={"prefix": token.prefix})
    return token, raw


def _auth_cache_key(digest: str) -> str:
    return f"gz:auth:{digest}"


def token_authenticate(raw: str) -> ApiToken | None:
    """The valid token (with its user) for a raw key, or None.

    A busy client would cost several queries per request (the token, the user's posts and
    homes); the token is kept in the cache with its user and that user's scope for at most
    AUTH_CACHE_SECONDS instead. Revoking a token, or changing a user's posts or homes through the
    app, deletes the entries at once (principal_forget); a change made elsewhere, such as a
    deactivated user, takes effect within AUTH_CACHE_SECONDS.
    """
    digest = token_digest(raw)
    now = timezone.now()
    token = cache.get(_auth_cache_key(digest))
    if token is not None and token.expires_at > now:
        return token
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    load_scope(token.user)
    cache.set(_auth_cache_key(digest), token, timeout=settings.AUTH_CACHE_SECONDS)
    return token


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        # Now, and again after commit in case a concurrent request cached the row in between.
        key = _auth_cache_key(token.key_hash)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))
        audit_record(actor=actor, action="token.revoke", obj=token, data={"prefix": token.prefix})
    return token


_AUDIT_VIA: ContextVar[dict | None] = ContextVar("audit_via", default=None)


@contextmanager
def audit_via(**source):
    """Every history entry written inside names where the change came from (a ledger import:
    audit_via(import_id=12)), so that a unit's history says which import changed it."""
    token = _AUDIT_VIA.set(source)
    try:
        yield
    finally:
        _AUDIT_VIA.reset(token)


def audit_record(*, actor: User | None, action: str, obj, data: dict | None = None) -> AuditEvent:
    """Append who did what to which object. History rows are never updated (a trigger refuses)."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        data={**(data or {}), **(_AUDIT_VIA.get() or {})},
    )


def audit_record_many(*, actor: User | None, events: list[tuple[str, object, dict]]) -> None:
    """audit_record for many objects at once (rows written in bulk): (action, obj, data) each."""
    actor = actor if actor and actor.is_authenticated else None
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=obj.pk,
                data={**data, **(_AUDIT_VIA.get() or {})},
            )
            for action, obj, data in events
        ],
        batch_size=2000,
    )


def principal_forget(user_id: int | None) -> None:
    """The user's posts or homes changed: drop the cached tokens that carry the old scope."""
    if user_id is None:
        return
    digests = ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).values_list(
        "key_hash", flat=True
    )
    keys = [_auth_cache_key(d) for d in digests]
    # Now, and again after commit in case a concurrent request cached the old scope in between.
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def token_prune(*, older_than: timedelta = timedelta(days=30)) -> int:
    cutoff = timezone.now() - older_than
    stale = ApiToken.objects.filter(expires_at__lt=cutoff) | ApiToken.objects.filter(revoked_at__lt=cutoff)
    deleted, _ = stale.delete()
    return deleted
