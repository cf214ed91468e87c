from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ServiceType(models.Model):
    """A kind of volunteer service: patrol, garbage-sorting guidance, parking guidance, or a community's own."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    community = models.ForeignKey(
        "property.Community",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_types",
        verbose_name=_("community"),
        help_text=_("Empty for the types every community has."),
    )

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["code", "community"], name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self):
        return self.name


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    DECLINED = "declined", _("declined")
    SUSPENDED = "suspended", _("suspended")


class Volunteer(models.Model):
    """A resident's volunteer registration (居民志愿服务登记) in a community."""

    resident = models.OneToOneField(
        "property.Resident", on_delete=models.PROTECT, related_name="volunteer", verbose_name=_("resident")
    )
    community = models.ForeignKey(
        "property.Community", on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("community")
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    service_types = models.ManyToManyField(ServiceType, blank=True, verbose_name=_("interested in"))
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=200, blank=True)
    calendar_token = models.CharField(
        _("calendar token"),
        max_length=43,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The secret in the volunteer's calendar feed URL."),
    )

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["-registered_at"]

    def __str__(self):
        return str(self.resident)


class ShiftTemplate(models.Model):
    """A repeating schedule, e.g. patrol every Tuesday 19:00-21:00; Celery creates its shifts ahead."""

    community = models.ForeignKey(
        "property.Community",
        on_delete=models.PROTECT,
        related_name="shift_templates",
        verbose_name=_("community"),
    )
    compound = models.ForeignKey(
        "property.Compound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("compound"),
    )
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("service type")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("0 is Monday, 6 is Sunday."))
    start_time = models.TimeField(_("start time"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    meeting_point = models.CharField(_("meeting point"), max_length=120)
    capacity = models.PositiveSmallIntegerField(_("places"))
    members_only = models.BooleanField(_("community members only"), default=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
    )

    class Meta:
        verbose_name = _("repeating shift")
        verbose_name_plural = _("repeating shifts")
        constraints = [
            models.CheckConstraint(name="%(app_label)s_%(class)s_weekday", condition=Q(weekday__lte=6)),
            models.CheckConstraint(name="%(app_label)s_%(class)s_has_places", condition=Q(capacity__gte=1)),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_length", condition=Q(minutes__gte=15, minutes__lte=24 * 60)
            ),
        ]

    def __str__(self):
        return f"{self.service_type} {self.get_weekday_display()} {self.start_time:%H:%M}"

    def get_weekday_display(self):
        return WEEKDAYS[self.weekday]


WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


class ShiftStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    CANCELLED = "cancelled", _("cancelled")


class Shift(models.Model):
    """A volunteer shift with a number of places; the database keeps it from being overbooked."""

    community = models.ForeignKey(
        "property.Community", on_delete=models.PROTECT, related_name="shifts", verbose_name=_("community")
    )
    compound = models.ForeignKey(
        "property.Compound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("compound"),
    )
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("service type")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    meeting_point = models.CharField(_("meeting point"), max_length=120)
    capacity = models.PositiveSmallIntegerField(_("places"))
    members_only = models.BooleanField(
        _("community members only"),
        default=True,
        help_text=_("Only volunteers of this community may sign up."),
    )
    leader = models.ForeignKey(
        Volunteer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_shifts",
        verbose_name=_("leader"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ShiftStatus.choices, default=ShiftStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
    )
    template = models.ForeignKey(
        ShiftTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shifts",
        verbose_name=_("repeating shift"),
    )

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.CheckConstraint(name="%(app_label)s_%(class)s_has_places", condition=Q(capacity__gte=1)),
            # The daily task may run twice: a template makes one shift per start.
            models.UniqueConstraint(
                fields=["template", "starts_at"],
                condition=Q(template__isnull=False),
                name="%(app_label)s_%(class)s_once_per_template_start",
            ),
        ]
        indexes = [models.Index(fields=["community", "starts_at"], name="volunteers_shift_when")]

    def __str__(self):
        return f"{self.service_type} {self.starts_at:%Y-%m-%d %H:%M}"


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    WAITLISTED = "waitlisted", _("on the waitlist")
    CANCELLED = "cancelled", _("cancelled")
    NO_SHOW = "no_show", _("did not come")


class Signup(models.Model):
    """A volunteer's place (or waitlist position) on a shift."""

    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="signups", verbose_name=_("shift")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="signups", verbose_name=_("volunteer")
    )
    status = models.CharField(_("status"), max_length=10, choices=SignupStatus.choices)
    queued_at = models.DateTimeField(_("in the queue since"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["shift", "queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"], name="%(app_label)s_%(class)s_once_per_shift"
            ),
        ]
        indexes = [models.Index(fields=["shift", "status", "queued_at"], name="volunteers_signup_queue")]

    def __str__(self):
        return f"{self.volunteer} → {self.shift}"
