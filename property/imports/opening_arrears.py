"""The opening-arrears ledger (期初欠费): its columns, the check of each row (a unit of the compound,
an amount, the month it was due) and the plan: each row an opening balance, a bill of its own,
recorded through the fees' services."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import bounds, periods
from property.fees import services as fees
from property.fees.permissions import require_fees
from property.imports.reading import Column, Problems, locate, match_headers, number_text, row_values
from property.imports.runs import Change, Kind, Plan, write_updates
from property.models import Bill, FeeKind, Household

COLUMNS = (
    Column("building", "楼栋", gettext_lazy("Required"), True, ("楼号", "楼幢", "幢号", "栋号", "building")),
    Column("unit", "房号", gettext_lazy("Required"), True, ("门牌号", "户号", "室号", "unit")),
    Column(
        "amount",
        "欠费金额",
        gettext_lazy("Required. yuan, e.g. 1260.00"),
        True,
        ("期初欠费", "欠费", "金额", "amount"),
    ),
    Column(
        "period",
        "所属期间",
        gettext_lazy("Required. The month it was due, e.g. 2025-12"),
        True,
        ("欠费期间", "期间", "月份", "period"),
    ),
)

MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月|[-/.]\s*\d{1,2}\s*日?)?$")


def _money(value: str, row: int, key: str, problems: Problems):
    try:
        number = Decimal(number_text(value.replace("¥", "").replace("￥", "")))
    except InvalidOperation:
        problems.add(row, key, _("Not a number: %(value)s") % {"value": value})
        return None
    if not number.is_finite() or number <= 0 or number.as_tuple().exponent < -2:
        problems.add(row, key, _("An amount is yuan above 0 with at most two decimals."))
        return None
    if problem := bounds.money_problem(number, "household"):
        problems.add(row, key, problem)
        return None
    return number


def _month(value: str, row: int, key: str, problems: Problems):
    match = MONTH.match(value.split(" ")[0])
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) not in periods.YEARS:
        problems.add(row, key, _("Not a month: %(value)s (write 2025-12)") % {"value": value})
        return None
    month = date(int(match[1]), int(match[2]), 1)
    if month > periods.month_start(timezone.localdate()):
        problems.add(row, key, _("Opening arrears are for a month that has begun."))
        return None
    return month


def opening_dry_run(compound, table, progress=None, options=None) -> tuple[list[dict], list[dict]]:
    """Every row of an opening-arrears ledger: its unit of the compound, amount and month, or why
    not. The same unit and month twice is an error (two debts for one month are one)."""
    extra = (options or {}).get("columns")
    located = locate(COLUMNS, table, extra)
    headers, rows = located.headers, located.rows
    found, header_errors = match_headers(COLUMNS, headers, located.header_row, extra)
    problems = Problems(headers, found, list(header_errors))
    if header_errors:
        return [], problems.items
    units = {
        (h.building.name, h.unit_label): h
        for h in Household.objects.filter(building__compound=compound).select_related("building")
    }
    out, seen = [], {}
    for checked, (number, row) in enumerate(rows, start=1):
        if progress is not None and checked % 500 == 0:
            progress(checked)
        value = row_values(row, found)
        for key in ("building", "unit", "amount", "period"):
            if not value.get(key):
                problems.add(number, key, _("This column is required."))
        if not all(value.get(k) for k in ("building", "unit", "amount", "period")):
            continue
        household = units.get((value["building"], value["unit"]))
        if household is None:
            problems.add(
                number,
                "unit",
                _("No unit %(building)s %(unit)s in %(compound)s.")
                % {"building": value["building"], "unit": value["unit"], "compound": compound.name},
            )
        amount = _money(value["amount"], number, "amount", problems)
        month = _month(value["period"], number, "period", problems)
        if household is None or amount is None or month is None:
            continue
        if (household.pk, month) in seen:
            problems.add(
                number,
                "period",
                _("Row %(row)s has this unit and month already.") % {"row": seen[(household.pk, month)]},
            )
            continue
        seen[(household.pk, month)] = number
        out.append(
            {
                "row": number,
                "household": household,
                "amount": amount,
                "period": month,
                "columns": problems.columns,
            }
        )
    return out, problems.items


def opening_plan(actor, compound, table, progress=None, options=None) -> Plan:
    """Each row an opening balance (a bill of its own) for a unit and month; one already recorded
    with the same amount is unchanged, with another amount an error (a bill is never edited)."""
    rows, errors = opening_dry_run(compound, table, progress, options)
    plan = Plan(errors=list(errors))  # and the register's checks of the good rows, all at once
    recorded = dict(
        (((household, period), amount))
        for household, period, amount in Bill.objects.filter(
            household__building__compound=compound, fee_item__kind=FeeKind.OPENING
        ).values_list("household_id", "period_start", "amount")
    )
    for row in rows:
        known = recorded.get((row["household"].pk, row["period"]))
        if known is None:
            plan.changes.append(Change(row["row"], "created"))
            plan.updates.append(_opening(row))
            columns = row["columns"]
            fields = [
                [columns.get("amount", "欠费金额"), None, f"{row['amount']:.2f}"],
                [columns.get("period", "所属期间"), None, f"{row['period']:%Y-%m}"],
            ]
            name = f"{row['household'].building.name} {row['household'].unit_label}"
            plan.details.append(
                {"what": "unit", "row": row["row"], "name": name, "outcome": "created", "fields": fields}
            )
        elif known == row["amount"]:
            plan.changes.append(Change(row["row"], "unchanged"))
        else:
            plan.errors.append(
                {
                    "row": row["row"],
                    "column": row["columns"].get("amount", "欠费金额"),
                    "message": _(
                        "An opening balance of %(amount)s for this month is already recorded: correct it "
                        "with an adjustment."
                    )
                    % {"amount": known},
                }
            )
    if plan.errors:
        plan.changes, plan.updates = [], []
        plan.errors.sort(key=lambda e: e["row"])
    return plan


def _opening(row: dict):
    return lambda actor: fees.opening_balance_record(
        actor=actor, household=row["household"], amount=row["amount"], period=row["period"]
    )


KIND = Kind(
    columns=COLUMNS,
    title="期初欠费",
    scope="compound",
    allowed=require_fees,
    plan=opening_plan,
    write=write_updates,
)
