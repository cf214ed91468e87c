"""The pages' side of core.bounds: every date and moment of a form within its floor and horizon, amounts
and areas within their maximum, refused on the field in words a person reads."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from core import bounds


def _validator(problem, *args):
    def check(value):
        message = problem(value, *args)
        if message:
            raise ValidationError(message, code="out_of_bounds")

    check.bounds = True
    return check


def bound_field(field: forms.Field, kind: str = bounds.ACTIVITY) -> None:
    """Hold a date or date-time field to the bounds of its kind (once: a form may be cleaned twice)."""
    if any(getattr(v, "bounds", False) for v in field.validators):
        return
    if isinstance(field, (forms.DateTimeField, forms.SplitDateTimeField)):  # the admin's is split
        field.validators.append(_validator(bounds.datetime_problem, kind))
    elif isinstance(field, forms.DateField):
        field.validators.append(_validator(bounds.date_problem, kind))


class BoundedDates:
    """A form mixin: each of its date and date-time fields, those added in __init__ too, is held to
    core.bounds when the form is cleaned. `history_dates` names the fields of the register's past
    (floor 1900); the others are activity (floor 2000)."""

    history_dates: frozenset[str] = frozenset()

    def full_clean(self):
        for name, field in self.fields.items():
            bound_field(field, bounds.HISTORY if name in self.history_dates else bounds.ACTIVITY)
        super().full_clean()


class MoneyField(forms.DecimalField):
    """Yuan with two places, at most core.bounds.MONEY_MAX[kind]."""

    def __init__(self, *, kind: str, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.validators.append(_validator(bounds.money_problem, kind))
        self.widget.attrs.setdefault("max", str(bounds.MONEY_MAX[kind]))


class AreaField(forms.DecimalField):
    """m² with two places, above 0, at most `limit` (a unit's by default)."""

    def __init__(self, *, limit: Decimal = bounds.UNIT_AREA_MAX, **kwargs):
        kwargs.setdefault("max_digits", 8)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)
        self.validators.append(_validator(bounds.area_problem, limit))
        self.widget.attrs.setdefault("max", str(limit))



class BoundedModelForm(BoundedDates, forms.ModelForm):
    """The admin's forms (core.admin_forms): the back office is held to the same horizon. It corrects
    the register's past as well as activity, so every date of it takes the register's floor (1900): a
    household whose residency began in 1985 is saved, a year 9999 refused. Amounts and areas are held
to core.bounds too: a bill of a billion yuan or a flat of 999,999.99 m² is refused on its field."""

    # The kind of amount (core.bounds.MONEY_MAX) of a money column (2 decimal places) by its app; a
    # unit price (4 places) is its own kind. An area column of a unit (8 digits) takes the unit's bound.
    MONEY_KIND_OF_APP = {"property": "household", "governance": "disclosure", "renovation": "renovation"}

    def full_clean(self):
        self.history_dates = frozenset(self.fields)
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        app = self._meta.model._meta.app_label
        for name, value in list(cleaned.items()):
            if not isinstance(value, Decimal):
                continue
            try:
                column = self._meta.model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a form field that is no model field: not bounded here
                continue
            problem = None
            if name.endswith("area") and column.max_digits <= 8:
                problem = bounds.area_problem(value)
            elif name == "unit_price":
                problem = bounds.money_problem(value, "unit_price")
            elif column.decimal_places == 2 and app in self.MONEY_KIND_OF_APP:
                problem = bounds.money_problem(value, self.MONEY_KIND_OF_APP[app])
            if problem:
                self.add_error(name, problem)
        return cleaned
