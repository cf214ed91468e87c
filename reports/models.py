"""The five-co index: indicators (data with documented defaults) and the scores kept for each month."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Co(models.TextChoices):
    PLANNING = "planning", _("co-planning")
    BUILDING = "building", _("co-building")
    MANAGEMENT = "management", _("co-management")
    EVALUATION = "evaluation", _("co-evaluation")
    SHARING = "sharing", _("co-sharing")


class Indicator(models.Model):
    """One measure of a co-: its target, its weight within the co- and the data it needs to count."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    co = models.CharField(_("co-"), max_length=12, choices=Co.choices)
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=4)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    minimum_data = models.PositiveIntegerField(
        _("minimum data"),
        default=0,
        help_text=_("Below this many records the indicator is 'insufficient data' and left out."),
    )
    lower_is_better = models.BooleanField(_("lower is better"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["co", "id"]
        constraints = [
            models.CheckConstraint(name="%(app_label)s_%(class)s_target_positive", condition=Q(target__gt=0)),
            models.CheckConstraint(name="%(app_label)s_%(class)s_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self):
        return self.code


class Level(models.TextChoices):
    COMPOUND = "compound", _("compound")
    COMMUNITY = "community", _("community")
    SUBDISTRICT = "subdistrict", _("subdistrict")


def _score_field(label):
    return models.DecimalField(label, max_digits=4, decimal_places=1, null=True, blank=True)


class Snapshot(models.Model):
    """A place's five-co scores for a month as they were computed, so that trends cost nothing to read.

    `indicators` keeps each indicator's figure and score: [{"code", "value", "records", "score"}],
    the numbers as strings (Decimal, exact) or null.
    """

    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    place_id = models.PositiveBigIntegerField(_("place"))
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    households = models.PositiveIntegerField(_("households"), default=0)
    overall = _score_field(_("overall"))
    planning = _score_field(_("co-planning"))
    building = _score_field(_("co-building"))
    management = _score_field(_("co-management"))
    evaluation = _score_field(_("co-evaluation"))
    sharing = _score_field(_("co-sharing"))
    indicators = models.JSONField(_("indicators"), default=list)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("five-co snapshot")
        verbose_name_plural = _("five-co snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "place_id", "period"], name="%(app_label)s_%(class)s_one_per_month"
            ),
        ]
        indexes = [models.Index(fields=["level", "period"], name="%(app_label)s_%(class)s_level_period")]

    def __str__(self):
        return f"{self.level} {self.place_id} {self.period:%Y-%m}"


class FillState(models.TextChoices):
    STARTED = "started", _("started")
    DONE = "done", _("done")


class Fill(models.Model):
    """The state of a month's snapshots (as Zulip's analytics FillState): started, or done."""

    period = models.DateField(_("month"), unique=True)
    state = models.CharField(_("state"), max_length=8, choices=FillState.choices, default=FillState.STARTED)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("five-co fill")
        verbose_name_plural = _("five-co fills")
        ordering = ["-period"]

    def __str__(self):
        return f"{self.period:%Y-%m} {self.state}"


class Bulletin(models.Model):
    """A subdistrict's weekly bulletin (街道每周情况通报) as published: kept, never recomputed."""

    subdistrict = models.ForeignKey(
        "property.Subdistrict", on_delete=models.PROTECT, related_name="+", verbose_name=_("subdistrict")
    )
    week = models.DateField(_("week"), help_text=_("The Monday the ISO week starts on."))
    published_at = models.DateTimeField(_("published at"))
    data = models.JSONField(_("figures"), encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("weekly bulletin")
        verbose_name_plural = _("weekly bulletins")
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "week"], name="%(app_label)s_%(class)s_one_per_week"
            )
        ]

    def __str__(self):
        return f"{self.subdistrict_id} {self.week}"
