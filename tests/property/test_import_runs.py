"""Importing a households ledger (issue 12, part 2): POST property/imports keeps the file and the
worker checks it; a dry run or a file with one bad row writes nothing; a good file is written in
one transaction through the services (history as for a person typing it); the same file again
changes nothing; a changed row updates exactly what changed."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import AuditEvent
from property.imports.reading import read_table
from property.models import Household, ImportStatus, LedgerImport, Residency, Resident
from tests.imports import excel_workbook, import_ledger
from tests.property.test_import_files import damaged_files

pytestmark = pytest.mark.django_db
HEADERS = (
    "楼栋,单元,房号,楼层,建筑面积（㎡）,套内面积,面积来源,户主姓名,关系,手机号码,身份证号,党员,入住日期,未售"
)
ZHOU = "11010519491231002X"
LI = "110101199003074477"
THREE_UNITS = (
    f"1号楼,2,501,5,72.50,60.10,测绘,周丽,业主,13911112222,{ZHOU},是,2015-06-01,否",
    "1号楼,2,501,5,,,,周小明,家属,,,否,2015-06-01,",
    f"1号楼,2,502,5,65,,,周丽,业主,13911112222,{ZHOU},是,2016-01-01,否",
    f"1号楼,2,601,6,65,,,周丽,业主,13911112222,{ZHOU},是,2017-01-01,否",
    f"1号楼,2,601,6,65,,,李伟,业主,13800001111,{LI},否,2017-01-01,否",
    "1号楼,3,101,1,88,,,,,,,,,是",
)


def csv_file(*rows, headers=HEADERS, name="台账.csv"):
    return SimpleUploadedFile(name, ("\n".join([headers, *rows]) + "\n").encode("gb18030"), "text/csv")


def send(client, file, compound, dry_run, capture, **options):
    """`options`: the worker's answers (relation=..., accept="all" to write area and owner changes)."""
    return import_ledger(
        client, capture, file=file, kind="households", compound=compound.pk, dry_run=dry_run, **options
    )


def register_state():
    """Every row the import could touch, as tuples."""
    return (
        sorted(Household.objects.values_list("unit_label", "floor", "building_area", "held_by_developer")),
        sorted(Resident.objects.values_list("name", "phone", "id_number_masked", "is_party_member")),
        sorted(
            Residency.objects.values_list("resident__name", "household__unit_label", "relation", "ended_on")
        ),
    )


def test_a_dry_run_checks_and_writes_nothing(api, estate, worker, django_capture_on_commit_callbacks):
    before = register_state()
    done = send(
        api(worker), csv_file(*THREE_UNITS), estate.compound_a, True, django_capture_on_commit_callbacks
    )
    assert (done["status"], done["errors"]) == ("checked", [])
    assert (done["rows"], done["created"], done["checked"]) == (6, 6, 6)
    assert register_state() == before


def test_one_bad_row_writes_nothing_and_is_named(api, estate, worker, django_capture_on_commit_callbacks):
    before = register_state()
    bad = (*THREE_UNITS, "1号楼,3,102,1,八十,,,王强,业主,1391111222,,,,")
    done = send(api(worker), csv_file(*bad), estate.compound_a, False, django_capture_on_commit_callbacks)
    assert done["status"] == "invalid"
    assert {(e["row"], e["column"]) for e in done["errors"]} == {(8, "建筑面积（㎡）"), (8, "手机号码")}
    assert register_state() == before
    marked = api(worker).get(f"/api/v1/property/imports/{done['id']}/marked")
    text = b"".join(marked.streaming_content).decode("utf-8-sig").splitlines()
    assert text[0].endswith(",错误") and "手机号码" in text[7].split(",")[-1]
    assert text[1].endswith(",")  # a good row: no reason


def test_the_import_writes_through_the_services_and_again_changes_nothing(
    api, estate, worker, django_capture_on_commit_callbacks
):
    client = api(worker)
    done = send(client, csv_file(*THREE_UNITS), estate.compound_a, False, django_capture_on_commit_callbacks)
    assert done["status"] == "done", done
    assert (done["created"], done["updated"], done["unchanged"], done["written"]) == (6, 0, 0, 6)
    zhou = Resident.objects.get(name="周丽")  # one person, owner of three units
    assert sorted(zhou.residencies.values_list("household__unit_label", flat=True)) == [
        "2-501",
        "2-502",
        "2-601",
    ]
    assert zhou.id_number_masked == "110***********002X" and zhou.is_party_member
    unit = Household.objects.get(unit_label="2-501")
    assert (unit.building_area, unit.inner_area, unit.area_source) == (
        Decimal("72.50"),
        Decimal("60.10"),
        "survey",
    )
    assert Household.objects.get(unit_label="3-101").held_by_developer
    owners = Residency.objects.filter(household__unit_label="2-601", relation="owner").count()
    assert owners == 2  # co-owners
    made = AuditEvent.objects.filter(actor=worker, action="household.create").count()
    assert made == 4  # as if the worker had typed each unit
    state, events = register_state(), AuditEvent.objects.count()

    again = send(client, csv_file(*THREE_UNITS), estate.compound_a, False, django_capture_on_commit_callbacks)
    assert (again["status"], again["created"], again["updated"], again["unchanged"]) == ("done", 0, 0, 6)
    assert register_state() == state
    assert set(AuditEvent.objects.order_by("id")[events:].values_list("action", flat=True)) == {
        "import.request",
        "import.done",
    }


def test_a_changed_row_updates_what_changed_and_keeps_history(
    api, estate, worker, django_capture_on_commit_callbacks
):
    client = api(worker)
    send(client, csv_file(*THREE_UNITS), estate.compound_a, False, django_capture_on_commit_callbacks)
    changed = list(THREE_UNITS)
    changed[2] = changed[2].replace(",65,", ",66.20,").replace(",,,周丽", ",,测绘,周丽")
    changed[4] = changed[4].replace("13800001111", "13800002222").replace(",否,2017", ",是,2017")
    done = send(
        client, csv_file(*changed), estate.compound_a, False, django_capture_on_commit_callbacks, accept="all"
    )
    assert (done["created"], done["updated"], done["unchanged"]) == (0, 2, 4), done
    unit = Household.objects.get(unit_label="2-502")
    assert (unit.building_area, unit.area_source) == (Decimal("66.20"), "survey")
    history = AuditEvent.objects.get(action="household.update", object_id=unit.pk)
    assert history.data["before"]["building_area"] == "65.00" and history.actor == worker
    li = Resident.objects.get(name="李伟")
    assert (li.phone, li.is_party_member) == ("13800002222", True)
    assert AuditEvent.objects.filter(action="resident.update", object_id=li.pk).count() == 1


def test_an_export_with_masked_numbers_matches_its_people(
    api, estate, worker, django_capture_on_commit_callbacks
):
    client = api(worker)
    send(client, csv_file(*THREE_UNITS), estate.compound_a, False, django_capture_on_commit_callbacks)
    state = register_state()
    masked = [
        r.replace("13911112222", "139****2222").replace(ZHOU, "110***********002X") for r in THREE_UNITS
    ]
    done = send(client, csv_file(*masked), estate.compound_a, False, django_capture_on_commit_callbacks)
    assert (done["status"], done["unchanged"]) == ("done", 6)
    assert register_state() == state


def test_a_relation_changed_ends_the_old_one_and_starts_the_new(
    api, estate, worker, django_capture_on_commit_callbacks
):
    client = api(worker)
    rows = ["1号楼,2,501,5,72.50,,,周丽,业主,13911112222,,,2015-06-01,"]
    send(client, csv_file(*rows), estate.compound_a, False, django_capture_on_commit_callbacks)
    rows[0] = rows[0].replace("业主", "租户")
    done = send(client, csv_file(*rows), estate.compound_a, False, django_capture_on_commit_callbacks, accept="all")
    assert done["updated"] == 1
    spans = Residency.objects.filter(resident__name="周丽").order_by("id")
    assert [(s.relation, s.ended_on is None) for s in spans] == [("owner", False), ("tenant", True)]


def test_who_may_import_into_which_compound(
    api, estate, worker, worker_b, collector, django_capture_on_commit_callbacks
):
    file = csv_file(*THREE_UNITS)
    into_a = api(worker_b).post(
        "/api/v1/property/imports", {"file": file, "kind": "households", "compound": estate.compound_a.pk}
    )
    assert into_a.status_code == 422 and "compound" in into_a.json()["fields"]
    by_collector = api(collector).post(
        "/api/v1/property/imports",
        {"file": csv_file(*THREE_UNITS), "kind": "households", "compound": estate.compound_a.pk},
    )
    assert by_collector.status_code == 403
    assert not LedgerImport.objects.exists()
    mine = send(
        api(worker), csv_file(*THREE_UNITS), estate.compound_a, True, django_capture_on_commit_callbacks
    )
    assert api(worker_b).get(f"/api/v1/property/imports/{mine['id']}").status_code == 404
    assert api(collector).get(f"/api/v1/property/imports/{mine['id']}/marked").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("台账.csv", b"", "empty"),
        ("photo.png", b"\x89PNG\r\n", "not an .xlsx"),
        ("台账.csv", "楼栋,房号\n".encode("utf-16"), "encoding"),
    ],
)
def test_a_file_that_is_no_ledger_is_refused_at_once(api, estate, worker, name, data, says):
    answer = api(worker).post(
        "/api/v1/property/imports",
        {"file": SimpleUploadedFile(name, data), "kind": "households", "compound": estate.compound_a.pk},
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 422 and says in answer.json()["fields"]["file"][0]
    assert not LedgerImport.objects.exists()


def test_the_marked_workbook_shades_the_bad_cells(api, estate, worker, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS.split(","))
    sheet.append(["1号楼", "2", "501", 5, 72.5] + [""] * 2 + ["周丽", "业主", "1391111"])
    buffer = BytesIO()
    book.save(buffer)
    file = SimpleUploadedFile("台账.xlsx", buffer.getvalue())
    done = send(api(worker), file, estate.compound_a, False, django_capture_on_commit_callbacks)
    assert done["status"] == ImportStatus.INVALID and done["errors"][0]["row"] == 2
    marked = api(worker).get(f"/api/v1/property/imports/{done['id']}/marked")
    back = load_workbook(BytesIO(b"".join(marked.streaming_content))).active
    assert back.cell(row=1, column=15).value == "错误"
    assert "手机号码" in back.cell(row=2, column=15).value
    assert back.cell(row=2, column=10).fill.fgColor.rgb.endswith("FDE2E1")


def test_exporting_editing_a_few_cells_and_importing_back_changes_exactly_those(
    api, estate, worker, django_capture_on_commit_callbacks
):
    client = api(worker)
    send(client, csv_file(*THREE_UNITS), estate.compound_a, False, django_capture_on_commit_callbacks)
    exported = client.get(f"/api/v1/property/ledgers/households?compound={estate.compound_a.pk}&format=xlsx")
    assert exported.status_code == 200
    book = load_workbook(BytesIO(b"".join(exported.streaming_content)))
    sheet = book.active
    rows = list(sheet.iter_rows(min_row=2))
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["楼栋", "单元", "房号"] and len(rows) == 8  # 7 people and the developer's unit
    column = {name: index for index, name in enumerate(header)}
    li = next(r for r in rows if r[column["姓名"]].value == "李伟")
    assert li[column["身份证号"]].value == "110***********4477"  # only ever kept masked
    li[column["手机"]].value = "13800009999"
    empty = next(r for r in rows if r[column["房号"]].value == "3-101")
    empty[column["建筑面积"]].value = 90.5
    empty[column["面积来源"]].value = "测绘"
    buffer = BytesIO()
    book.save(buffer)
    before = register_state()
    edited = SimpleUploadedFile("房屋与居民.xlsx", buffer.getvalue())
    done = send(client, edited, estate.compound_a, False, django_capture_on_commit_callbacks, accept="all")
    assert (done["status"], done["updated"], done["created"]) == ("done", 2, 0), done
    after = register_state()
    changed_units = set(after[0]) - set(before[0])
    assert changed_units == {("3-101", 1, Decimal("90.50"), True)}
    assert set(after[1]) - set(before[1]) == {("李伟", "13800009999", "110***********4477", False)}
    assert after[2] == before[2]


def test_the_export_masks_mobiles_for_those_who_may_not_see_them(api, estate, worker, collector, owner):
    def ledger(user):
        answer = api(user).get("/api/v1/property/ledgers/households")
        return b"".join(answer.streaming_content).decode("utf-8-sig")

    Household.objects.create(building=estate.building_b, unit_label="9-909", floor=1)  # community B
    by_collector = ledger(collector)  # bills are per household, phone numbers are not theirs
    assert "138****1234" in by_collector and "13812341234" not in by_collector
    by_worker = ledger(worker)
    assert "13812341234" in by_worker and "9-909" not in by_worker and "1-102" in by_worker
    assert "13812341234" in ledger(owner)  # the owner's own number


def test_an_owners_vote_on_an_imported_compound_counts_as_article_278_says(
    api, estate, worker_b, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from governance import selectors as governance_selectors
    from governance import services as governance

    wang = "110101198001010010"
    rows = (
        f"1号楼,2,501,5,100,,,周丽,业主,13911112222,{ZHOU},,,",  # one buyer of three units
        f"1号楼,2,502,5,100,,,周丽,业主,13911112222,{ZHOU},,,",
        f"1号楼,2,601,6,100,,,周丽,业主,13911112222,{ZHOU},,,",
        "1号楼,2,601,6,100,,,周小明,家属,,,,,",  # family members do not own
        f"1号楼,2,602,6,100,,,李伟,业主,13800001111,{LI},,,",  # co-owners of one unit
        f"1号楼,2,602,6,100,,,王芳,业主,13800003333,{wang},,,",
        "1号楼,3,101,1,50,,,,,,,,,是",  # unsold: the developer's units count as one owner
        "1号楼,3,102,1,50,,,,,,,,,是",
    )
    done = send(api(worker_b), csv_file(*rows), estate.compound_b, False, django_capture_on_commit_callbacks)
    assert done["status"] == "done", done
    now = timezone.now()
    vote = governance.vote_create(
        actor=worker_b,
        compound=estate.compound_b,
        title="续聘物业",
        matter="hire_property_company",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=7),
    )
    unit = {h.unit_label: h for h in Household.objects.filter(building__compound=estate.compound_b)}
    # paper ballots: 周丽 (from one of her units), 李伟 for his unit, the developer
    for label in ("2-502", "2-602", "3-101"):
        governance.ballot_cast(actor=worker_b, vote=vote, household=unit[label], choice="for")
    result = governance_selectors.vote_result(vote)["participation"]
    # Owners: 周丽 (300 m²), 李伟 and 王芳 (100 m²), the developer (100 m²), and the unregistered 1-101
    # that was there before (88.50 m²).
    assert (result["headcount_total"], result["area_total"]) == (4, "588.50")
    assert (result["headcount"], result["area"]) == (3, "500.00")
    assert result["quorum_met"] is True  # 3/4 of the owners and 500/588.5 of the area
    assert governance_selectors.vote_result(vote)["passed"] is True


def test_namesakes_in_one_unit_are_told_apart_by_their_masked_numbers(
    api, estate, worker, django_capture_on_commit_callbacks
):
    client = api(worker)
    rows = (
        "1号楼,2,501,5,72.50,,,王伟,业主,13911110001,,是,,",
        "1号楼,2,501,5,,,,王伟,家属,13911110002,,否,,",
    )
    send(client, csv_file(*rows), estate.compound_a, False, django_capture_on_commit_callbacks)
    exported = client.get(f"/api/v1/property/ledgers/households?compound={estate.compound_a.pk}")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    masked = text.replace("13911110001", "139****0001").replace("13911110002", "139****0002")
    state = register_state()
    again = send(
        client,
        SimpleUploadedFile("a.csv", masked.encode()),
        estate.compound_a,
        False,
        django_capture_on_commit_callbacks,
    )
    assert (again["status"], again["updated"], again["created"]) == ("done", 0, 0), again
    assert register_state() == state
    neither = send(
        client,
        csv_file("1号楼,2,501,5,,,,王伟,租户,,,,,"),
        estate.compound_a,
        False,
        django_capture_on_commit_callbacks,
    )
    assert neither["status"] == "invalid" and neither["errors"][0]["column"] == "户主姓名"


def test_an_empty_cell_keeps_what_is_registered(api, estate, worker, django_capture_on_commit_callbacks):
    client = api(worker)
    send(client, csv_file(*THREE_UNITS), estate.compound_a, False, django_capture_on_commit_callbacks)
    state = register_state()
    blanks = [r.replace(",是,", ",,") for r in THREE_UNITS]  # 党员 and 未售 left empty
    blanks[-1] = "1号楼,3,101,1,88,,,,,,,,,"
    done = send(client, csv_file(*blanks), estate.compound_a, False, django_capture_on_commit_callbacks)
    assert (done["status"], done["unchanged"]) == ("done", 6)
    assert register_state() == state  # 周丽 is still a party member, 3-101 still the developer's


def test_an_export_edited_renames_a_person_and_corrects_a_moving_in_day(
    api, estate, worker, django_capture_on_commit_callbacks
):
    client = api(worker)
    send(client, csv_file(*THREE_UNITS), estate.compound_a, False, django_capture_on_commit_callbacks)
    text = b"".join(
        client.get(f"/api/v1/property/ledgers/households?compound={estate.compound_a.pk}").streaming_content
    ).decode("utf-8-sig")
    edited = text.replace("李伟", "李玮").replace("2017-01-01", "2016-12-01", 1)
    done = send(
        client,
        SimpleUploadedFile("a.csv", edited.encode()),
        estate.compound_a,
        False,
        django_capture_on_commit_callbacks,
    )
    assert (done["status"], done["created"], done["updated"]) == ("done", 0, 2), done
    assert (
        not Resident.objects.filter(name="李伟").exists()
        and Resident.objects.filter(name="李玮").count() == 1
    )
    assert Residency.objects.filter(started_on="2016-12-01").count() == 1
    assert AuditEvent.objects.filter(action="residency.update").count() == 1


def test_a_person_of_another_community_is_not_taken_by_their_id_number(
    api, estate, worker, worker_b, django_capture_on_commit_callbacks
):
    send(
        api(worker_b),
        csv_file(f"1号楼,2,501,5,70,,,周丽,业主,13911112222,{ZHOU},,,"),
        estate.compound_b,
        False,
        django_capture_on_commit_callbacks,
    )
    done = send(
        api(worker), csv_file(*THREE_UNITS[:1]), estate.compound_a, False, django_capture_on_commit_callbacks
    )
    assert done["status"] == "invalid" and done["errors"][0]["column"] == "身份证号"
    assert Resident.objects.get(name="周丽").residencies.count() == 1  # still only in community B


def test_rows_the_register_would_refuse_are_refused_by_the_dry_run(
    api, estate, worker, django_capture_on_commit_callbacks
):
    rows = (
        "1号楼,2,501,5,NaN,,,,,,,,,",  # row 2: not a finite number
        f"1号楼,,{'9' * 21},5,70,,,,,,,,,",  # row 3: a unit label too long for the register
    )
    done = send(api(worker), csv_file(*rows), estate.compound_a, True, django_capture_on_commit_callbacks)
    assert {(e["row"], e["column"]) for e in done["errors"]} == {(2, "建筑面积（㎡）"), (3, "房号")}
    # checked against the register once the file itself is good: 1-101 has 88.50 m², inner 95
    inner = send(
        api(worker),
        csv_file("1号楼,,1-101,1,,95,,,,,,,,"),
        estate.compound_a,
        True,
        django_capture_on_commit_callbacks,
    )
    assert [(e["row"], e["column"]) for e in inner["errors"]] == [(2, "套内面积")]


def test_the_kept_file_holds_no_id_number_in_full_once_imported_or_after_a_day(
    api, estate, worker, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from property.imports import runs as import_runs

    client = api(worker)
    done = send(client, csv_file(*THREE_UNITS), estate.compound_a, False, django_capture_on_commit_callbacks)
    kept = bytes(LedgerImport.objects.get(pk=done["id"]).data).decode("utf-8-sig")
    assert ZHOU not in kept and "110***********002X" in kept and "周丽" in kept
    checked = send(
        client, csv_file(*THREE_UNITS), estate.compound_a, True, django_capture_on_commit_callbacks
    )
    assert ZHOU in bytes(LedgerImport.objects.get(pk=checked["id"]).data).decode("gb18030")  # kept to be run
    later = timezone.now() + timedelta(hours=settings.IMPORT_KEEP_HOURS, minutes=1)
    assert import_runs.imports_redact(later) == 1
    record = LedgerImport.objects.get(pk=checked["id"])
    assert record.redacted_at is not None and ZHOU not in bytes(record.data).decode("utf-8-sig")


TYPED_ROW = f"1号楼,2,501,5,72.50,,,=5+5,业主,1391111,{ZHOU},是,2015-06-01,否"  # a bad mobile


def _xlsx_of(*rows, headers=HEADERS) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for number, row in enumerate([headers, *rows], start=1):
        for column, value in enumerate(row.split(","), start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            cell.data_type = "s"  # a string cell, as Excel keeps text typed with a leading '
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kept", ["as sent", "redacted"])
def test_the_marked_workbook_keeps_text_as_text(
    api, estate, worker, settings, django_capture_on_commit_callbacks, kept
):
    from datetime import timedelta

    from django.utils import timezone

    from property.imports import runs as import_runs

    file = SimpleUploadedFile("台账.xlsx", _xlsx_of(TYPED_ROW))
    done = send(api(worker), file, estate.compound_a, False, django_capture_on_commit_callbacks)
    assert done["status"] == ImportStatus.INVALID
    if kept == "redacted":
        later = timezone.now() + timedelta(hours=settings.IMPORT_KEEP_HOURS, minutes=1)
        assert import_runs.imports_redact(later) == 1
    marked = api(worker).get(f"/api/v1/property/imports/{done['id']}/marked")
    sheet = load_workbook(BytesIO(b"".join(marked.streaming_content))).active
    name = sheet.cell(row=2, column=8)
    assert (name.value, name.data_type) == ("=5+5", "s")
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []


@pytest.mark.parametrize("kept", ["as sent", "redacted"])
def test_the_marked_csv_neutralises_what_a_spreadsheet_would_run_and_reads_back_as_typed(
    api, estate, worker, settings, django_capture_on_commit_callbacks, kept
):
    import csv
    import io
    from datetime import timedelta

    from django.utils import timezone

    from property.imports import runs as import_runs

    client = api(worker)
    done = send(client, csv_file(TYPED_ROW), estate.compound_a, False, django_capture_on_commit_callbacks)
    if kept == "redacted":
        later = timezone.now() + timedelta(hours=settings.IMPORT_KEEP_HOURS, minutes=1)
        assert import_runs.imports_redact(later) == 1
    marked = client.get(f"/api/v1/property/imports/{done['id']}/marked")
    data = b"".join(marked.streaming_content)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][7] == "'=5+5"
    # fixed and sent again, the name is read as it was typed
    fixed = data.decode("utf-8-sig").replace("1391111", "13911112222").encode("utf-8-sig")
    file = SimpleUploadedFile("台账.csv", fixed)
    again = send(client, file, estate.compound_a, True, django_capture_on_commit_callbacks)
    assert again["status"] == "checked", again["errors"]
    assert Resident.objects.filter(name="=5+5").exists() is False  # a dry run
    assert read_table("台账.csv", fixed)[1][1][7] == "=5+5"


# --- damaged and hostile workbooks are refused, never a 500 (issue 22) --------------------------------

DAMAGED = damaged_files(32767)


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "run"])
@pytest.mark.parametrize("problem", list(DAMAGED))
def test_a_damaged_workbook_is_refused_naming_its_problem(api, estate, worker, problem, dry_run):
    data = DAMAGED[problem][0]
    for language in ("en", "zh-hans"):
        answer = api(worker).post(
            "/api/v1/property/imports",
            {
                "file": SimpleUploadedFile("台账.xlsx", data),
                "kind": "households",
                "compound": estate.compound_a.pk,
                "dry_run": dry_run,
            },
            headers={"Accept-Language": language},
        )
        assert answer.status_code == 422, answer.content
        with translation.override(language):
            expected = damaged_files(32767)[problem][1]
        assert answer.json()["fields"]["file"] == [expected]
    assert not LedgerImport.objects.exists()


def test_a_file_accepted_then_refused_by_the_worker_ends_with_a_readable_error(
    api, estate, worker, settings, django_capture_on_commit_callbacks
):
    """Sent under one bound and checked by the worker under a stricter one (a setting changed between
    the two): the import fails with the refusal, and the task does not crash."""
    ledger = excel_workbook([["楼栋", "房号", "楼层", "户主姓名"], ["1号楼", "1-201", 2, "王" * 40]])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = api(worker).post(
            "/api/v1/property/imports",
            {
                "file": SimpleUploadedFile("台账.xlsx", ledger),
                "kind": "households",
                "compound": estate.compound_a.pk,
            },
        )
    assert answer.status_code == 202
    settings.IMPORT_CELL_MAX_CHARS = 30
    for callback in callbacks:
        callback()  # the worker's task: returns, does not raise
    done = api(worker).get(f"/api/v1/property/imports/{answer.json()['id']}").json()
    says = _("A cell holds more than %(n)s characters: no ledger's cell is that long.") % {"n": 30}
    assert (done["status"], done["errors"]) == ("failed", [{"row": 0, "column": "", "message": says}])
    assert LedgerImport.objects.get().failure == says


def test_the_marked_workbook_is_written_as_a_stream_keeping_row_numbers_and_the_files_own_problem():
    """reading.marked writes a write-only workbook from the rows read as text: its memory does not hold
    a workbook's cell objects (openpyxl's whole workbook, as it was marked before, peaks higher), blank
    rows keep their numbers, and a problem of the file (row 0) stands after the column's name."""
    import tracemalloc

    from openpyxl import Workbook

    from property.imports import households
    from property.imports.reading import marked

    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "单元", "房号", "姓名", "备注"])
    sheet.append([])  # row 2 blank
    for n in range(2_000):
        sheet.append(["1号楼", "1", f"{n:05d}", "周丽", "已核对入住情况" * 3])
    buffer = BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    errors = [
        {"row": 3, "column": "姓名", "message": "坏"},
        {"row": 0, "column": "", "message": "缺少这一列：面积"},
    ]

    def peak_of(work):
        tracemalloc.start()
        result = work()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result, peak

    (out, extension), streamed = peak_of(lambda: marked(households.COLUMNS, "台账.xlsx", data, errors))
    _whole, whole = peak_of(lambda: load_workbook(BytesIO(data)).save(BytesIO()))
    back = load_workbook(BytesIO(out), read_only=True).active
    rows = list(back.iter_rows(values_only=True))
    assert extension == "xlsx" and len(rows) == 2_002
    assert rows[0][5] == "错误：缺少这一列：面积" and rows[1] == ()
    assert rows[2][3:] == ("周丽", "已核对入住情况" * 3, "姓名: 坏") and len(rows[3]) == 5
    print(f"marked: streamed {streamed / 2**20:.1f} MB, the whole workbook {whole / 2**20:.1f} MB")
    assert streamed < whole / 2
