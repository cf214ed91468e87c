from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Subdistrict(models.Model):
    """A subdistrict (街道): the top of the estate register."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.CharField(_("code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Community(models.Model):
    """A community (社区) within a subdistrict."""

    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="communities", verbose_name=_("subdistrict")
    )
    name = models.CharField(_("name"), max_length=60)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


class ManagementMode(models.TextChoices):
    PROPERTY_COMPANY = "property_company", _("property company")
    RED_PROPERTY = "red_property", _("red property (party-led)")
    SELF_MANAGED = "self_managed", _("self-managed")
    NONE = "none", _("none (no management)")


class Compound(models.Model):
    """A residential compound (小区)."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="compounds", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=80)
    address = models.CharField(_("address"), max_length=200, blank=True)
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    is_old = models.BooleanField(
        _("old compound"), default=False, help_text=_("Built before 2000 (老旧小区).")
    )
    management_mode = models.CharField(
        _("management mode"), max_length=20, choices=ManagementMode.choices, default=ManagementMode.NONE
    )

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="%(app_label)s_%(class)s_unique_name"),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_year_built_plausible",
                condition=Q(year_built__isnull=True) | Q(year_built__gte=1900, year_built__lte=2100),
            ),
        ]

    def __str__(self):
        return self.name


class Building(models.Model):
    """A residential building in a compound."""

    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("compound")
    )
    name = models.CharField(_("name"), max_length=40, help_text=_("For example 3号楼."))
    floors = models.PositiveSmallIntegerField(_("floors"))
    entrances = models.PositiveSmallIntegerField(_("entrances (单元)"), default=1)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="%(app_label)s_%(class)s_unique_name"),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_floors_positive", condition=Q(floors__gte=1)
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_entrances_positive", condition=Q(entrances__gte=1)
            ),
        ]

    def __str__(self):
        return f"{self.compound.name} {self.name}"


class AreaSource(models.TextChoices):
    REGISTER = "register", _("property register")
    SURVEY = "survey", _("survey")
    CONTRACT = "contract", _("purchase contract")


class Household(models.Model):
    """An exclusive unit (户): a flat in a building, with its building area."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="households", verbose_name=_("building")
    )
    unit_label = models.CharField(
        pgettext_lazy("household", "unit"), max_length=20, help_text=_("For example 2-502.")
    )
    floor = models.SmallIntegerField(_("floor"))
    building_area = models.DecimalField(
        _("building area (m²)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty while unknown: such a unit gets no per-area bill, and billing lists it."),
    )
    is_vacant = models.BooleanField(
        _("vacant"), default=False, help_text=_("Nobody lives here; per-item vacancy discounts apply.")
    )
    inner_area = models.DecimalField(
        _("inner area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    area_source = models.CharField(
        _("area source"), max_length=10, choices=AreaSource.choices, default=AreaSource.REGISTER
    )
    held_by_developer = models.BooleanField(
        _("unsold (held by the developer)"),
        default=False,
        help_text=_("Unsold or undelivered units count together as one owner in owners' votes."),
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building_id", "unit_label"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit_label"], name="%(app_label)s_%(class)s_unique_unit"
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_area_positive",
                condition=Q(building_area__isnull=True) | Q(building_area__gt=0),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_inner_within_building",
                condition=Q(inner_area__isnull=True)
                | Q(inner_area__gt=0, building_area__isnull=True)
                | Q(inner_area__gt=0, inner_area__lte=F("building_area")),
            ),
        ]

    # The database's checks as a person reads them, by the field each is about (core.errors
    # constraint_refusal): what a refused write answers should a check in Python not have run.
    CHECKS = {
        "area_positive": ("building_area", _("The building area must be more than 0.")),
        "inner_within_building": ("inner_area", _("The inner area cannot be larger than the building area.")),
    }

    def __str__(self):
        return f"{self.building} {self.unit_label}"


class Resident(models.Model):
    """A person living in or owning a unit. Only a masked ID number and its keyed hash are kept."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number_masked = models.CharField(_("ID number (masked)"), max_length=18, blank=True)
    id_number_digest = models.CharField(_("ID number digest"), max_length=64, blank=True, editable=False)
    is_party_member = models.BooleanField(_("party member"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=~Q(id_number_digest=""),
                name="%(app_label)s_%(class)s_unique_id_number",
            ),
        ]

    def __str__(self):
        return self.name


class Relation(models.TextChoices):
    OWNER = "owner", _("owner")
    FAMILY = "family", _("family member")
    TENANT = "tenant", _("tenant")


class Residency(models.Model):
    """A resident's relation to a household over a period; ended relations are kept as history."""

    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="residencies", verbose_name=_("resident")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residencies", verbose_name=_("household")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        ordering = ["household_id", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("started_on")),
            ),
            models.UniqueConstraint(
                fields=["resident", "household"],
                condition=Q(ended_on__isnull=True),
                name="%(app_label)s_%(class)s_one_current_per_household",
            ),
        ]
        indexes = [models.Index(fields=["household", "ended_on"], name="property_residency_current")]

    def __str__(self):
        return f"{self.resident} · {self.get_relation_display()} · {self.household}"


class RenovationCategory(models.TextChoices):
    BASIC = "basic", _("basic")
    IMPROVEMENT = "improvement", _("improvement")
    ENHANCEMENT = "enhancement", _("enhancement")


class ManagementPlan(models.Model):
    """A compound's post-renovation management plan (后期管理方案); the latest adopted is in force."""

    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="management_plans", verbose_name=_("compound")
    )
    adopted_on = models.DateField(_("adopted on"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("management plan")
        verbose_name_plural = _("management plans")
        ordering = ["compound", "-adopted_on"]
        get_latest_by = "adopted_on"

    def __str__(self):
        return f"{self.compound} {self.adopted_on}"


class ServiceProvider(models.Model):
    """A property service company (物业服务企业) or other provider."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceContract(models.Model):
    """A provider's contract to serve a compound for a period [starts_on, ends_on)."""

    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("provider")
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="service_contracts", verbose_name=_("compound")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    service_standard = models.CharField(_("service standard"), max_length=200)

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["compound", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start", condition=Q(ends_on__gt=F("starts_on"))
            ),
        ]

    def __str__(self):
        return f"{self.provider} → {self.compound} ({self.starts_on}–{self.ends_on})"


# --- fees ------------------------------------------------------------------------------


class FeeKind(models.TextChoices):
    PER_AREA = "per_area", _("per m² of building area per month")
    PER_HOUSEHOLD = "per_household", _("per household per month")
    PER_SPACE = "per_space", _("per parking space per month")
    FIXED = "fixed", _("fixed amount per cycle")
    # Arrears from before Gongzhi, brought in from the office's ledger as bills of their own
    # (billing.opening_balance_record); never charged by a billing run, never a published standard.
    OPENING = "opening", _("opening balance (arrears brought in)")


class FeeItem(models.Model):
    """A fee a compound charges, with its published standard (明码标价)."""

    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="fee_items", verbose_name=_("compound")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=FeeKind.choices)
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=10, decimal_places=4)
    cycle_months = models.PositiveSmallIntegerField(_("billing cycle (months)"), default=1)
    effective_from = models.DateField(_("effective from"), help_text=_("The first day of a month."))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    vacancy_discount = models.DecimalField(
        _("vacancy discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("Percent taken off for a vacant unit; 100 means vacant units are not billed."),
    )
    due_days = models.PositiveSmallIntegerField(_("days to pay"), default=30)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["compound", "name", "id"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_price_positive",
                condition=Q(unit_price__gt=0) | Q(kind="opening"),
            ),
            # One item a compound's opening balances are billed under (billing.opening_item).
            models.UniqueConstraint(
                fields=["compound"], condition=Q(kind="opening"), name="%(app_label)s_%(class)s_one_opening"
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_cycle_divides_year",
                condition=Q(cycle_months__in=[1, 2, 3, 4, 6, 12]),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_discount_is_a_percent",
                condition=Q(vacancy_discount__gte=0, vacancy_discount__lte=100),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ends_after_start",
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
            ),
        ]

    def __str__(self):
        return f"{self.compound.name} {self.name}"


class ParkingSpace(models.Model):
    """A parking space of a compound, held by a household (for per-space fees)."""

    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="parking_spaces", verbose_name=_("compound")
    )
    code = models.CharField(_("number"), max_length=20)
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parking_spaces",
        verbose_name=_("held by"),
    )

    class Meta:
        verbose_name = _("parking space")
        verbose_name_plural = _("parking spaces")
        ordering = ["compound", "code"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "code"], name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self):
        return f"{self.compound.name} {self.code}"


class RunStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class BillingRun(models.Model):
    """One issue of bills for a compound or a whole community, for the months [period, period+months)."""

    compound = models.ForeignKey(
        Compound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="billing_runs",
        verbose_name=_("compound"),
    )
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="billing_runs",
        verbose_name=_("community"),
    )
    period_start = models.DateField(_("first month"))
    months = models.PositiveSmallIntegerField(_("months"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    issued = models.PositiveIntegerField(_("bills issued"), default=0)
    already_issued = models.PositiveIntegerField(_("bills issued before"), default=0)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_scope",
                condition=Q(compound__isnull=False, community__isnull=True)
                | Q(compound__isnull=True, community__isnull=False),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_months_in_a_year", condition=Q(months__gte=1, months__lte=12)
            ),
        ]

    def __str__(self):
        return f"{self.compound or self.community} {self.period_start:%Y-%m} ×{self.months}"


class BillStatus(models.TextChoices):
    OPEN = "open", _("open")
    PARTLY_PAID = "partly_paid", _("partly paid")
    PAID = "paid", _("paid")
    WAIVED = "waived", _("waived")

    @classmethod
    def unsettled(cls) -> tuple[str, ...]:
        """Statuses of a bill that still asks for money."""
        return (cls.OPEN, cls.PARTLY_PAID)


class Bill(models.Model):
    """What a household owes for one fee item and one cycle. The amount never changes once issued."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="bills", verbose_name=_("household")
    )
    fee_item = models.ForeignKey(
        FeeItem, on_delete=models.PROTECT, related_name="bills", verbose_name=_("fee item")
    )
    run = models.ForeignKey(
        BillingRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bills",
        verbose_name=_("run"),
    )
    period_start = models.DateField(_("first month"))
    months = models.PositiveSmallIntegerField(_("months"))
    amount = models.DecimalField(_("amount due (yuan)"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("calculation"), max_length=120)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=BillStatus.choices, default=BillStatus.OPEN)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["household_id", "period_start", "id"]
        constraints = [
            # A second run for the same months issues nothing: the database refuses the duplicate.
            models.UniqueConstraint(
                fields=["household", "fee_item", "period_start"],
                name="%(app_label)s_%(class)s_once_per_cycle",
            ),
            models.CheckConstraint(name="%(app_label)s_%(class)s_amount_positive", condition=Q(amount__gt=0)),
        ]
        indexes = [
            models.Index(fields=["period_start", "status"], name="property_bill_period_status"),
            models.Index(fields=["household", "status", "period_start"], name="property_bill_household_open"),
        ]

    def __str__(self):
        return f"{self.household} {self.fee_item.name} {self.period_start:%Y-%m}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    BANK_TRANSFER = "bank_transfer", _("bank transfer")


class Payment(models.Model):
    """Money a collector received from a household, with its receipt number (sequential per compound)."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="payments", verbose_name=_("household")
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, related_name="payments", verbose_name=_("compound")
    )
    receipt_seq = models.PositiveIntegerField(_("receipt sequence"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    credit = models.DecimalField(
        _("prepaid credit (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("The part of the payment beyond what was owed, kept as a prepayment."),
    )
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "receipt_seq"], name="%(app_label)s_%(class)s_unique_receipt"
            ),
            models.CheckConstraint(name="%(app_label)s_%(class)s_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_credit_within_amount",
                condition=Q(credit__gte=0, credit__lte=F("amount")),
            ),
        ]
        indexes = [
            models.Index(fields=["household", "received_at"], name="property_payment_household"),
            # what a compound collected in a period: the weekly bulletin, the day's takings
            models.Index(fields=["compound", "received_at"], name="property_payment_compound"),
        ]

    def __str__(self):
        return self.receipt_no

    @property
    def receipt_no(self) -> str:
        return f"{self.compound_id:04d}-{self.receipt_seq:06d}"


class PaymentAllocation(models.Model):
    """The part of a payment that settles one bill (oldest bills first)."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("payment")
    )
    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("bill")
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "bill"], name="%(app_label)s_%(class)s_once_per_bill"),
            models.CheckConstraint(name="%(app_label)s_%(class)s_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.payment} → {self.bill}: {self.amount}"


class AdjustmentKind(models.TextChoices):
    WAIVER = "waiver", _("waiver")
    CREDIT = "credit", _("credit")
    WRITE_OFF = "write_off", _("write-off")
    REFUND = "refund", _("refund of prepayment")


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("in effect")
    REJECTED = "rejected", _("rejected")


class Adjustment(models.Model):
    """A correction instead of an edit: a waiver, credit or write-off of a bill, or a refund of a
    prepayment. Write-offs and refunds take effect only when a second person approves them."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("household")
    )
    bill = models.ForeignKey(
        Bill,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
        verbose_name=_("bill"),
    )
    payment = models.ForeignKey(
        Payment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("payment"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(name="%(app_label)s_%(class)s_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_target_fits_kind",
                condition=Q(kind="refund", payment__isnull=False, bill__isnull=True)
                | (~Q(kind="refund") & Q(bill__isnull=False, payment__isnull=True)),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_reason_given",
                condition=~Q(reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.household}"


class ReminderChannel(models.TextChoices):
    NOTICE = "notice", _("notice")
    PHONE = "phone", _("phone call")
    VISIT = "visit", _("home visit")
    LETTER = "letter", _("letter")
    ESCALATION = "escalation", _("escalated to the community for mediation")


class Reminder(models.Model):
    """A reminder to pay, and its outcome. Reminders are the only means of collection: nothing
    here cuts off water, power, gas or heat (Civil Code Article 944)."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("household")
    )
    channel = models.CharField(_("channel"), max_length=12, choices=ReminderChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    owed = models.DecimalField(_("owed then (yuan)"), max_digits=12, decimal_places=2)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "at"], name="property_reminder_household")]

    def __str__(self):
        return f"{self.household} {self.get_channel_display()} {self.at:%Y-%m-%d}"


class ImportKind(models.TextChoices):
    HOUSEHOLDS = "households", _("households with their people")
    VOLUNTEERS = "volunteers", _("volunteers")
    OPENING_ARREARS = "opening_arrears", _("opening arrears")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    CHECKING = "checking", _("checking")
    INVALID = "invalid", _("rows to fix")
    CHECKED = "checked", _("checked: every row is good")
    WRITING = "writing", _("writing")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


class LedgerColumn(models.Model):
    """How a community's ledgers name a column Gongzhi did not know: mapped once by a worker on the
    check page, read so in the community's next files of that kind ("" key: a column not read)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="ledger_columns", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    header = models.CharField(_("header"), max_length=100)
    key = models.CharField(_("read as"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("ledger column")
        verbose_name_plural = _("ledger columns")
        constraints = [
            models.UniqueConstraint(fields=["community", "kind", "header"], name="property_ledgercolumn_once")
        ]

    def __str__(self):
        return f"{self.community} {self.kind} {self.header} -> {self.key or '-'}"


class LedgerImport(models.Model):
    """An uploaded ledger (台账) and what became of it: checked (a dry run) or imported. The file is
    kept, so what was imported can be looked at again and the bad rows handed back marked."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="imports", verbose_name=_("community")
    )
    compound = models.ForeignKey(
        Compound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="imports",
        verbose_name=_("compound"),
    )
    file_name = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField(_("file"))
    dry_run = models.BooleanField(_("check only"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    done_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # What was left out of the file, in words: title rows, a totals row, signatures, unknown columns.
    notes = models.JSONField(_("notes"), default=list, blank=True)
    # The worker's answers on the check page (what the ledger's people are, when it does not say).
    options = models.JSONField(_("options"), default=dict, blank=True)
    # What the file changes, unit by unit and person by person, field by field (the check's list,
    # then the write's): [{"row", "what", "outcome", "fields": [[column, before, after], ...]}]
    changes = models.JSONField(_("changes"), default=list, blank=True)
    # Their counts, all of them (the list keeps the first runs.MAX_DETAILS): units and people new and
    # changed, changes to accept and not accepted, people absent from the file.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    # ID numbers are not kept in full: the file's are masked once it is imported, or after
    # IMPORT_KEEP_HOURS (for the worker to fix and send it again), by imports_redact.
    redacted_at = models.DateTimeField(_("ID numbers masked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["community", "requested_at"], name="property_import_community")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"
