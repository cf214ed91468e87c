"""Grid management: grids and their staff, duty rosters and shift records, inspections, incidents."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import StaffRole
from property.models import Building, Community, Compound


class UnitKind(models.TextChoices):
    CLEANING = "cleaning", _("cleaning company")
    PROPERTY = "property", _("property company")
    POLICE = "police", _("police station")
    LAW_ENFORCEMENT = "law_enforcement", _("law-enforcement squad")
    COMMUNITY = "community", _("community")
    DESIGN = "design", _("design institute")
    CONSTRUCTION = "construction", _("construction company")
    SUPERVISION = "supervision", _("supervision company")
    UTILITY = "utility", _("utility company")
    OTHER = "other", _("other")


class Unit(models.Model):
    """An organisation staff belong to and incidents are dispatched to (a company, a station, a squad)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Grid(models.Model):
    """A grid (网格) of a community, covering compounds (or some of their buildings)."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=60)
    compounds = models.ManyToManyField(
        Compound, blank=True, related_name="grids", verbose_name=_("compounds")
    )
    buildings = models.ManyToManyField(
        Building,
        blank=True,
        related_name="grids",
        verbose_name=_("buildings (where a grid splits a compound)"),
    )

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """A staff member's place in a grid in a role, for a period, on behalf of a unit."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="staff", verbose_name=_("grid"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grid_assignments",
        verbose_name=_("staff"),
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("unit"))
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("grid staff")
        verbose_name_plural = _("grid staff")
        ordering = ["grid_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "user", "role"],
                condition=Q(ended_on__isnull=True),
                name="%(app_label)s_%(class)s_one_current",
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("started_on")),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.grid}"


class DutyTemplate(models.Model):
    """A recurring duty (cleaners daily 06:00-10:00, police evening patrols) of one staff member."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="templates", verbose_name=_("staff")
    )
    weekdays = models.JSONField(_("weekdays"), help_text=_("0 is Monday; e.g. [0,1,2,3,4,5,6] for daily."))
    start_time = models.TimeField(_("start time"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("duty template")
        verbose_name_plural = _("duty templates")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_length", condition=Q(minutes__gte=15, minutes__lte=24 * 60)
            ),
        ]


class DutyStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("duty", "scheduled")
    STARTED = "started", pgettext_lazy("duty", "on duty")
    DONE = "done", pgettext_lazy("duty", "done")
    # Ended more than GRID_LEFT_EARLY_MINUTES before the planned end: worked, but not done.
    LEFT_EARLY = "left_early", pgettext_lazy("duty", "left early")
    MISSED = "missed", pgettext_lazy("duty", "missed")
    CANCELLED = "cancelled", pgettext_lazy("duty", "cancelled")


class DutyShift(models.Model):
    """A duty shift on the roster and, once worked, its record: when it really started and ended."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="duty_shifts", verbose_name=_("staff")
    )
    # Denormalised from the assignment so the database can refuse two overlapping shifts of one person.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        verbose_name=_("staff"),
    )
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="duty_shifts", verbose_name=_("grid")
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    template = models.ForeignKey(
        DutyTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("template"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=DutyStatus.choices, default=DutyStatus.SCHEDULED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    place_note = models.CharField(_("place"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    late = models.BooleanField(_("started late"), default=False)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.UniqueConstraint(
                fields=["template", "starts_at"],
                condition=Q(template__isnull=False),
                name="%(app_label)s_%(class)s_once_per_template",
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "starts_at"], name="grid_dutyshift_staff"),
            models.Index(fields=["grid", "starts_at"], name="grid_dutyshift_grid"),
            models.Index(fields=["status", "ends_at"], name="grid_dutyshift_due"),
        ]

    @property
    def minutes_worked(self) -> int | None:
        return minutes_worked(self.started_at, self.ended_at)


def minutes_worked(started_at, ended_at) -> int | None:
    """Whole minutes of a shift from its real start to its real end (none until both are recorded)."""
    if started_at is None or ended_at is None:
        return None
    return int((ended_at - started_at).total_seconds() // 60)


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    DECLINED = "declined", _("declined")


class Swap(models.Model):
    """A duty shift handed to a colleague of the same role and grid, approved by the grid worker."""

    shift = models.ForeignKey(
        DutyShift, on_delete=models.PROTECT, related_name="swaps", verbose_name=_("duty shift")
    )
    to = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="+", verbose_name=_("colleague")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("swap")
        verbose_name_plural = _("swaps")
        constraints = [
            models.UniqueConstraint(
                fields=["shift"],
                condition=Q(status=SwapStatus.PENDING),
                name="%(app_label)s_%(class)s_one_pending",
            ),
        ]


class ChecklistItem(models.Model):
    """An item of the daily inspection; the defaults are for everyone, a community adds its own."""

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("item"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="%(app_label)s_%(class)s_unique_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(community__isnull=True),
                name="%(app_label)s_%(class)s_unique_default",
            ),
        ]

    def __str__(self):
        return self.text


class Inspection(models.Model):
    """A daily inspection (每日巡查) of a grid."""

    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("grid")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    done_at = models.DateTimeField(_("done at"))
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-done_at"]
        indexes = [models.Index(fields=["grid", "day"], name="grid_inspection_day")]


class Finding(models.Model):
    """Something found wrong on a duty shift or an inspection; one tap opens an incident from it."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="findings", verbose_name=_("grid"))
    duty_shift = models.ForeignKey(
        DutyShift,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("duty shift"),
    )
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("inspection"),
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checklist item"),
    )
    text = models.CharField(_("finding"), max_length=500)
    place = models.CharField(_("place"), max_length=120, blank=True)
    # Checked and re-encoded as an incident's photo is (core.files.photo_checked); the incident made
    # from the finding shows it.
    photo = models.FileField(_("photo"), upload_to="findings/%Y/%m/", blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("found by")
    )
    found_at = models.DateTimeField(_("found at"))
    incident = models.OneToOneField(
        "Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finding",
        verbose_name=_("incident"),
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_at", "-id"]
        indexes = [models.Index(fields=["grid", "found_at"], name="grid_finding_day")]


class InspectionResult(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="results", verbose_name=_("inspection")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    passed = models.BooleanField(_("passed"))

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="%(app_label)s_%(class)s_once"),
        ]


class Severity(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("fix on the spot (same day)")
    ORDINARY = "ordinary", _("ordinary")
    HARD = "hard", _("hard")


class Category(models.Model):
    """A kind of incident; its severity sets the rectification deadline (settings)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)

    class Meta:
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")
        ordering = ["id"]

    def __str__(self):
        return self.name


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    DISPATCHED = "dispatched", _("dispatched")
    RECTIFYING = "rectifying", _("rectifying")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", pgettext_lazy("incident", "closed")
    REJECTED = "rejected", _("rejected")


class Incident(models.Model):
    """A problem in a grid, run in a closed loop until verified (闭合管理)."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("grid"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    place = models.CharField(_("place"), max_length=120)
    description = models.TextField(_("description"))
    photo = models.FileField(_("photo"), upload_to="incidents/%Y/%m/", blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported at"))
    status = models.CharField(
        _("status"), max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("responsible unit"),
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    overdue = models.BooleanField(_("was overdue"), default=False)
    rating = models.PositiveSmallIntegerField(_("reporter's rating"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_rating_1_to_5",
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "reported_at"], name="grid_incident_grid"),
            models.Index(fields=["status", "deadline"], name="grid_incident_due"),
            models.Index(fields=["grid", "closed_at"], name="grid_incident_closed"),
        ]

    def __str__(self):
        return f"{self.category} · {self.place}"


STEP_LABELS = {
    "report": _("reported"),
    "dispatch": _("dispatched"),
    "reject": _("rejected"),
    "accept": _("accepted"),
    "return": _("returned for re-dispatch"),
    "extend": _("more time asked"),
    "extension_approved": _("extension approved"),
    "extension_declined": _("extension declined"),
    "resolve": _("resolved"),
    "verify": _("verified and closed"),
    "reopen": _("reopened"),
    "escalate": _("escalated"),
    "rate": _("rated"),
}


class Step(models.Model):
    """One step of an incident's timeline. Append-only: the database refuses changes."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="steps", verbose_name=_("incident")
    )
    action = models.CharField(_("step"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")
        ordering = ["incident_id", "at", "id"]

    @property
    def label(self) -> str:
        return str(STEP_LABELS.get(self.action, self.action))


class Extension(models.Model):
    """A request for more time on an incident, with a reason; the grid worker approves or declines."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("incident")
    )
    until = models.DateTimeField(pgettext_lazy("extension", "until"))
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(status=SwapStatus.PENDING),
                name="%(app_label)s_%(class)s_one_pending",
            ),
        ]


class OverdueMark(models.Model):
    """An incident counted against its unit for missing the deadline (once per incident and unit)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="+", verbose_name=_("incident")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="overdue_marks", verbose_name=_("unit")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("overdue mark")
        verbose_name_plural = _("overdue marks")
        constraints = [
            models.UniqueConstraint(fields=["incident", "unit"], name="%(app_label)s_%(class)s_once"),
        ]


class DailyReport(models.Model):
    """The community's daily inspection report (社区每日巡查报告) as generated that evening."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    day = models.DateField(_("day"))
    figures = models.JSONField(_("figures"))
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="%(app_label)s_%(class)s_once"),
        ]
