"""The other apps' ledgers (issue 12, part 3), streamed as CSV or .xlsx: volunteers with their hours,
duty-shift records, incidents with their steps, meetings with resolutions and actions, and a vote's
frozen roll with its ballots; each only what the user may read."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from governance import services as governance
from grid.models import DutyShift
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
