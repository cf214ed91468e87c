"""Renovation projects (老旧小区改造): stages from consultation to hand-over, items, money, contracts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grid.models import Incident, Unit
from property.models import Building, Community, Compound, RenovationCategory, Resident


class ItemGroup(models.TextChoices):
    """The report's three groups of renovation content."""

    MAIN_FUNCTION = "main_function", _("main functions of the buildings")
    INFRASTRUCTURE = "infrastructure", _("infrastructure")
    SUPPORTING = "supporting", _("supporting facilities")


class CatalogueItem(models.Model):
    """An item of renovation content: the report's catalogue, extended by a community."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    group = models.CharField(_("group"), max_length=16, choices=ItemGroup.choices)
    tier = models.CharField(_("tier"), max_length=12, choices=RenovationCategory.choices)
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by community"),
        help_text=_("Empty for the subdistrict's catalogue."),
    )

    class Meta:
        verbose_name = _("renovation content item")
        verbose_name_plural = _("renovation content catalogue")
        ordering = ["group", "id"]

    def __str__(self):
        return self.name


class Stage(models.TextChoices):
    """A project's stages, in their order."""

    PLANNED = "planned", pgettext_lazy("renovation stage", "planned")
    CONSULTATION = "consultation", _("door-to-door consultation")
    FEASIBILITY = "feasibility", _("feasibility study")
    DESIGN = "design", _("design")
    TENDER = "tender", _("tender")
    CONSTRUCTION = "construction", _("construction")
    ACCEPTANCE = "acceptance", _("acceptance")
    HANDED_OVER = "handed_over", _("handed over")


STAGES = list(Stage)


class PlanBasis(models.TextChoices):
    VOTE = "vote", _("an owners' vote")
    CONSULTATION = "consultation", _("the consultation's result")


class Project(models.Model):
    """A renovation project of one compound or several (one project), in a year or batch."""

    name = models.CharField(_("name"), max_length=120)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="renovation_projects", verbose_name=_("community")
    )
    compounds = models.ManyToManyField(
        Compound, related_name="renovation_projects", verbose_name=_("compounds")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.PLANNED)
    plan_adopted_on = models.DateField(_("plan adopted on"), null=True, blank=True)
    plan_basis = models.CharField(_("adopted by"), max_length=16, choices=PlanBasis.choices, blank=True)
    plan_text = models.TextField(_("plan (一院一策)"), blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("Empty for a renovation carried over from the compound's earlier record."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("renovation project")
        verbose_name_plural = _("renovation projects")
        ordering = ["-year", "name", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_year_plausible", condition=Q(year__gte=1990, year__lte=2100)
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_plan_has_basis",
                condition=Q(plan_adopted_on__isnull=True) | ~Q(plan_basis=""),
            ),
        ]

    def __str__(self):
        return self.name


class StageDate(models.Model):
    """When a project is planned to reach a stage, and when it did."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="stage_dates", verbose_name=_("project")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    reached_on = models.DateField(_("reached"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage date")
        verbose_name_plural = _("stage dates")
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="%(app_label)s_%(class)s_once"),
        ]


class ProjectItem(models.Model):
    """An item of content in a project, with its budget and progress."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="items", verbose_name=_("project")
    )
    item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2, default=0)
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    note = models.CharField(_("latest note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("progress updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project item")
        verbose_name_plural = _("project items")
        ordering = ["project", "item__group", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_percent_0_100", condition=Q(percent__gte=0, percent__lte=100)
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_budget_not_negative", condition=Q(budget__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.item}"


class FundingSource(models.TextChoices):
    """The report's sources: 政府补助 (central and local), 居民自筹, 公司运作 (utilities, enterprises)."""

    CENTRAL = "central_subsidy", _("central subsidy")
    LOCAL = "local_government", _("local government")
    RESIDENTS = "residents", _("residents' own contribution")
    UTILITIES = "utilities", _("utility companies")
    ENTERPRISES = "enterprises", _("enterprises")


class Funding(models.Model):
    """Money for a project from one source: planned and received."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="funding", verbose_name=_("project")
    )
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    planned = models.DecimalField(_("planned (yuan)"), max_digits=14, decimal_places=2, default=0)
    received = models.DecimalField(_("received (yuan)"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_not_negative", condition=Q(planned__gte=0, received__gte=0)
            ),
        ]


class ContractRole(models.TextChoices):
    DESIGN = "design", _("design")
    CONSTRUCTION = "construction", _("construction")
    SUPERVISION = "supervision", _("supervision")
    UTILITY = "utility", _("utility works")


class Contract(models.Model):
    """A responsible unit's contract on a project: its items, value, period and contact."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("project")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=16, choices=ContractRole.choices)
    items = models.ManyToManyField(ProjectItem, blank=True, related_name="contracts", verbose_name=_("items"))
    value = models.DecimalField(_("value (yuan)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    contact_name = models.CharField(_("contact"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renovation_contracts",
        verbose_name=_("contact's account"),
        help_text=_("The unit's person who records progress on the contract's items."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["project", "role", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start", condition=Q(ends_on__gt=F("starts_on"))
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_value_not_negative", condition=Q(value__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_role_display()}"


class ProgressEntry(models.Model):
    """One progress update of an item from site: its percent, a note and photos. Append-only."""

    item = models.ForeignKey(
        ProjectItem, on_delete=models.PROTECT, related_name="progress", verbose_name=_("item")
    )
    percent = models.PositiveSmallIntegerField(_("percent done"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["item", "-at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_percent_0_100", condition=Q(percent__gte=0, percent__lte=100)
            ),
        ]


class ProgressPhoto(models.Model):
    """A photo taken on site with a progress update."""

    entry = models.ForeignKey(
        ProgressEntry, on_delete=models.PROTECT, related_name="photos", verbose_name=_("progress entry")
    )
    image = models.FileField(_("photo"), upload_to="renovation/%Y/%m/")

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")


class WorksKind(models.TextChoices):
    WATER = "water", _("water outage")
    POWER = "power", _("power outage")
    GAS = "gas", _("gas outage")
    WORKS = "works", _("works")


class WorksNotice(models.Model):
    """Planned outages and works affecting given buildings, published and sent to the people living there."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="works_notices", verbose_name=_("project")
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="+", verbose_name=_("compound")
    )
    buildings = models.ManyToManyField(Building, related_name="+", verbose_name=_("buildings"))
    kind = models.CharField(_("kind"), max_length=10, choices=WorksKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("details"), blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)
    sent_to = models.PositiveIntegerField(_("sent to (people)"), default=0)

    class Meta:
        verbose_name = _("works notice")
        verbose_name_plural = _("works notices")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
        ]
        indexes = [models.Index(fields=["compound", "ends_at"], name="renovation_works_upcoming")]

    def __str__(self):
        return self.title


class BlacklistEntry(models.Model):
    """A responsible unit's time on the published blacklist (黑名单) for slow or late works: the day it
    came on, the day it came off (empty while on), and its figures as last counted."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="blacklist", verbose_name=_("unit"))
    came_on = models.DateField(_("came on"))
    came_off = models.DateField(_("came off"), null=True, blank=True)
    milestones = models.PositiveIntegerField(_("contracts past their end, items unfinished"), default=0)
    days_late = models.PositiveIntegerField(_("days late (the latest contract)"), default=0)
    rectifications = models.PositiveIntegerField(_("rectifications overdue"), default=0)
    counted_on = models.DateField(_("counted on"))

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist")
        ordering = ["-came_on", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(came_off__isnull=True), name="%(app_label)s_%(class)s_one_open"
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_off_after_on",
                condition=Q(came_off__isnull=True) | Q(came_off__gte=F("came_on")),
            ),
        ]


class SiteInspection(models.Model):
    """A supervisor's or worker's round of a project's site in a compound; what it finds goes to the
    responsible unit as incidents."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("project")
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="+", verbose_name=_("compound")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    done_at = models.DateTimeField(_("done at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("site inspection")
        verbose_name_plural = _("site inspections")
        ordering = ["-done_at", "-id"]
        indexes = [models.Index(fields=["project", "done_at"], name="renovation_inspection_day")]


class Acceptance(models.Model):
    """The project's acceptance (竣工验收), held with the residents' representatives."""

    project = models.OneToOneField(
        Project, on_delete=models.PROTECT, related_name="acceptance", verbose_name=_("project")
    )
    held_on = models.DateField(_("held on"))
    representatives = models.ManyToManyField(
        Resident, related_name="+", verbose_name=_("residents' representatives")
    )
    note = models.TextField(_("conclusions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")


class SiteFinding(models.Model):
    """A defect found on a project's site, run as a grid incident dispatched to the unit whose contract
    it falls under: from an inspection during construction, or on the punch list at acceptance."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="findings", verbose_name=_("project")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="findings", verbose_name=_("contract")
    )
    inspection = models.ForeignKey(
        SiteInspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("inspection"),
    )
    punch_list = models.BooleanField(_("on the acceptance punch list"), default=False)
    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, related_name="site_finding", verbose_name=_("incident")
    )

    class Meta:
        verbose_name = _("site finding")
        verbose_name_plural = _("site findings")
        ordering = ["project", "id"]
