from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    """A person who signs in: staff, committee member, volunteer or resident."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username


class OfficeRole(models.TextChoices):
    """Posts of the subdistrict and community offices."""

    SUBDISTRICT_OFFICER = "subdistrict_officer", _("subdistrict officer")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    FEE_COLLECTOR = "fee_collector", _("fee collector")


class StaffRole(models.TextChoices):
    """Grid staff (网格化管理): the roles a person holds on a grid and on its duty roster."""

    CLEANER = "cleaner", _("cleaner")
    PROPERTY_MANAGER = "property_manager", _("property manager")
    POLICE = "police", _("community police")
    LAW_ENFORCEMENT = "law_enforcement", _("law-enforcement squad")
    GRID_WORKER = "grid_worker", _("grid worker")


# One vocabulary of staff roles: a post's role is an office or a grid-staff role (grid.Assignment
# uses StaffRole itself), so the two apps can never spell or translate a role differently.
Role = models.TextChoices(
    "Role", [(m.name, (m.value, m.label)) for kind in (OfficeRole, StaffRole) for m in kind]
)


class Post(models.Model):
    """A user's official post: who works for which community or subdistrict, in what capacity."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    subdistrict = models.ForeignKey(
        "property.Subdistrict",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("subdistrict"),
    )
    community = models.ForeignKey(
        "property.Community",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("community"),
    )
    unit = models.CharField(
        _("unit"),
        max_length=100,
        blank=True,
        help_text=_("The employer: a company, a police station, a squad."),
    )
    compounds = models.ManyToManyField(
        "property.Compound",
        blank=True,
        related_name="served_by_posts",
        verbose_name=_("compounds served"),
        help_text=_("For fee collectors and property managers: the compounds they serve; none means all."),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("official post")
        verbose_name_plural = _("official posts")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_scope_fits_role",
                condition=(
                    Q(role=OfficeRole.SUBDISTRICT_OFFICER, subdistrict__isnull=False, community__isnull=True)
                    | (
                        ~Q(role=OfficeRole.SUBDISTRICT_OFFICER)
                        & Q(community__isnull=False, subdistrict__isnull=True)
                    )
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="accounts_post_user_role")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.subdistrict or self.community}"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} · {self.prefix}…"


class AuditEvent(models.Model):
    """One state change with consequences: who did what to which object, when. Append-only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.BigIntegerField(_("object id"))
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="accounts_auditevent_object"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class IdempotencyKey(models.Model):
    """The first answer to a write sent with an Idempotency-Key, replayed for the same key and body."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=100)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True)
    response = models.JSONField(_("response"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="%(app_label)s_%(class)s_unique_key"),
        ]

    def __str__(self):
        return f"{self.user} {self.key}"


class Notification(models.Model):
    """A message to a user, shown on the site; other channels go through accounts.notify."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A reminder task that runs twice sends once: the second insert finds the key taken.
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="%(app_label)s_%(class)s_once",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.title}"
