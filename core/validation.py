"""Pydantic's validation errors in words a person reads, through gettext (Chinese by default), and the
annotated types that hold the API's input to the bounds of core.bounds (the forms use core.forms)."""

from datetime import date, time
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

from core import bounds


def _wall_clock(value: time) -> time:
    # A weekly schedule's start is a local wall-clock time; "19:00Z" would mean 03:00 here.
    if value.tzinfo is not None:
        raise PydanticCustomError("time_with_offset", "a local time without an offset")
    return value


# A time of day on the local (Asia/Shanghai) clock: "19:00" or "19:00:00", no offset.
LocalTime = Annotated[time, AfterValidator(_wall_clock)]


def _bounded(problem, *args):
    def check(value):
        message = problem(value, *args)
        if message:
            raise PydanticCustomError("out_of_bounds", "{message}", {"message": message})
        return value

    return AfterValidator(check)


# Dates and moments within core.bounds' floor (by kind) and horizon; see there for which is which.
def _earliest(kind: str):
    # In the OpenAPI schema: the floor, and that the horizon is DATE_HORIZON_YEARS from today.
    return Field(
        json_schema_extra={"x-earliest": bounds.FLOORS[kind].isoformat(), "x-horizon": "DATE_HORIZON_YEARS"}
    )


HistoryDate = Annotated[date, _earliest(bounds.HISTORY), _bounded(bounds.date_problem, bounds.HISTORY)]
ActivityDate = Annotated[date, _earliest(bounds.ACTIVITY), _bounded(bounds.date_problem, bounds.ACTIVITY)]
ActivityDatetime = Annotated[
    AwareDatetime, _earliest(bounds.ACTIVITY), _bounded(bounds.datetime_problem, bounds.ACTIVITY)
]


def Money(kind: str):  # noqa: N802 - a type, named as one
    """Yuan of the given kind (core.bounds.MONEY_MAX), its maximum in the OpenAPI schema too."""
    limit = bounds.MONEY_MAX[kind]
    return Annotated[
        Decimal, Field(json_schema_extra={"maximum": float(limit)}), _bounded(bounds.money_problem, kind)
    ]


def Area(limit: Decimal = bounds.UNIT_AREA_MAX):  # noqa: N802
    """m² above 0 with two places, at most `limit` (a unit's by default)."""
    return Annotated[
        Decimal,
        Field(gt=0, max_digits=8, decimal_places=2, json_schema_extra={"maximum": float(limit)}),
        _bounded(bounds.area_problem, limit),
    ]


def _limit(ctx: dict, key: str):
    return {"limit": ctx.get(key)}


MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "string_too_short": lambda ctx: _("Enter at least %(limit)s characters.") % _limit(ctx, "min_length"),
    "string_too_long": lambda ctx: _("Enter at most %(limit)s characters.") % _limit(ctx, "max_length"),
    "string_pattern_mismatch": lambda ctx: _("This value is not in the expected format."),
    "string_type": lambda ctx: _("Enter text."),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "int_from_float": lambda ctx: _("Enter a whole number."),
    "float_parsing": lambda ctx: _("Enter a number."),
    "decimal_parsing": lambda ctx: _("Enter a number."),
    "decimal_type": lambda ctx: _("Enter a number."),
    "decimal_max_places": lambda ctx: (
        _("Use at most %(limit)s decimal places.") % _limit(ctx, "decimal_places")
    ),
    "decimal_max_digits": lambda ctx: _("Use at most %(limit)s digits.") % _limit(ctx, "max_digits"),
    "decimal_whole_digits": lambda ctx: _("This number is too large."),
    "greater_than": lambda ctx: _("Must be greater than %(limit)s.") % _limit(ctx, "gt"),
    "greater_than_equal": lambda ctx: _("Must be at least %(limit)s.") % _limit(ctx, "ge"),
    "less_than": lambda ctx: _("Must be less than %(limit)s.") % _limit(ctx, "lt"),
    "less_than_equal": lambda ctx: _("Must be at most %(limit)s.") % _limit(ctx, "le"),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "bool_type": lambda ctx: _("Enter true or false."),
    "date_from_datetime_parsing": lambda ctx: _("Enter a date as YYYY-MM-DD."),
    "date_parsing": lambda ctx: _("Enter a date as YYYY-MM-DD."),
    "date_type": lambda ctx: _("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": lambda ctx: _("Enter a time in ISO 8601 with its offset."),
    "datetime_from_date_parsing": lambda ctx: _("Enter a time in ISO 8601 with its offset."),
    "datetime_type": lambda ctx: _("Enter a time in ISO 8601 with its offset."),
    "timezone_aware": lambda ctx: _("Enter a time in ISO 8601 with its offset."),
    "time_with_offset": lambda ctx: _("Enter a local time such as 19:00, without an offset."),
    "time_parsing": lambda ctx: _("Enter a time such as 19:00."),
    "time_type": lambda ctx: _("Enter a time such as 19:00."),
    "enum": lambda ctx: _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")},
    "literal_error": lambda ctx: _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")},
    "list_type": lambda ctx: _("Enter a list."),
    "dict_type": lambda ctx: _("Enter an object."),
    "model_attributes_type": lambda ctx: _("Enter an object."),
    "json_invalid": lambda ctx: _("The body is not valid JSON."),
    "out_of_bounds": lambda ctx: ctx.get("message", ""),
}


def message_for(error: dict) -> str:
    make = MESSAGES.get(error.get("type", ""))
    if make is None:
        return str(error.get("msg", _("Invalid value.")))
    return make(error.get("ctx") or {})


UnitPrice = Money("unit_price")
HouseholdMoney = Money("household")  # a bill, a payment, an adjustment of one household
DisclosureMoney = Money("disclosure")  # a line of a compound's financial disclosure
RenovationMoney = Money("renovation")  # an item's budget, funding, a contract's value
UnitArea = Area()
