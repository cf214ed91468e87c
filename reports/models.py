"""The five-co index: indicators (data with documented defaults) and the scores kept for each month."""

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
