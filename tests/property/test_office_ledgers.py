"""Ledgers as offices keep them (issue 23), built with openpyxl as Excel and WPS save them: a merged
title above the headers, the headers offices write (门牌号/房号, 户主姓名, 联系电话, 建筑面积(㎡) ...),
areas with their unit, dates in every form, full-width digits, a blank row, a totals row and the
signatures under the records. Read as they are, row by row."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook

from property.imports import households
from property.imports.households import households_dry_run
from property.imports.reading import locate, read_table

pytestmark = pytest.mark.django_db

ID_A = "110101199003074514"
ID_B = "110101199003078670"
HEADERS = [
    "序号",
    "楼栋",
    "单元",
    "门牌号/房号",
    "户主姓名",
    "身份证号",
    "联系电话",
    "建筑面积(㎡)",
    "入住时间",
    "是否党员",
    "备注",
]


def office_ledger(rows, headers=HEADERS, title="幸福社区纺织厂生活区住户信息台账", footer=True) -> bytes:
    """A ledger as the community office keeps it: the title merged across the columns, the headers,
    the records (None: a blank row), a totals row and the signatures."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row or [])
    if footer:
        sheet.append(["合计", None, None, None, f"{len([r for r in rows if r])}户"])
        sheet.append([])
        sheet.append(
            ["制表人：王芳", None, None, None, "审核人：李强", None, None, "填表日期：2026年11月20日"]
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows_of(estate):
    return [
        [
            1,
            "1号楼",
            "1",
            "1-201",
            "张伟",
            ID_A,
            "１３８１２３４５６７８",
            "117.5㎡",
            "2019.5.1",
            "是",
            "自住",
        ],
        [2, "1号楼", "1", "1-202", "李娜", ID_B, "13912345678", "86.2 平方米", "2019年5月1日", "否", ""],
        None,  # a blank row
        [3, "1号楼", "2", "301", "王强", "", "137 0000 1111", "90m²", "2018-03-15", "", "出租"],
        [4, "1号楼", "2", "302", "赵敏", "", "13600002222", 72.5, date(2017, 6, 1), "否", ""],
        [5, "1号楼", "2", "401", "钱进", "", "13500003333", "60", 43586, "否", ""],  # 43586: 2019-05-01
    ]


def test_the_title_totals_and_signatures_are_left_out_and_said(estate):
    table = read_table("台账.xlsx", office_ledger(rows_of(estate)))
    located = locate(households.COLUMNS, table)
    assert located.header_row == 2 and located.headers[3] == "门牌号/房号"
    assert [number for number, _row in located.rows] == [3, 4, 6, 7, 8]
    notes = " ".join(located.notes)
    assert "第 1 行" in notes  # the title
    assert "合计" not in [row[0] for _n, row in located.rows]
    assert "备注" in notes and "序号" not in notes  # an unknown column said, the row numbers not


def test_an_office_ledger_is_read_row_by_row_at_the_first_try(estate):
    units, errors = households_dry_run(
        estate.compound_a, read_table("台账.xlsx", office_ledger(rows_of(estate)))
    )
    assert errors == []
    got = {(u["unit_label"], u["derived_floor"], u["building_area"]): u["people"][0] for u in units}
    assert set(got) == {
        ("1-201", 2, Decimal("117.5")),
        ("1-202", 2, Decimal("86.2")),
        ("2-301", 3, Decimal("90")),
        ("2-302", 3, Decimal("72.5")),
        ("2-401", 4, Decimal("60")),
    }
    people = {p["name"]: p for p in got.values()}
    assert people["张伟"]["mobile"] == "13812345678"  # full-width digits read
    assert people["王强"]["mobile"] == "13700001111"
    assert [people[n]["moved_in_on"] for n in ("张伟", "李娜", "王强", "赵敏", "钱进")] == [
        date(2019, 5, 1),
        date(2019, 5, 1),
        date(2018, 3, 15),
        date(2017, 6, 1),
        date(2019, 5, 1),
    ]
    assert people["张伟"]["party_member"] is True and people["王强"]["party_member"] is None


def test_an_id_number_excel_stored_as_a_number_is_refused_even_when_its_check_digit_passes(estate):
    rows = [[1, "1号楼", "1", "1-201", "张伟", 110101199003074514, "13812345678", "80", "", "", ""]]
    _units, errors = households_dry_run(estate.compound_a, read_table("台账.xlsx", office_ledger(rows)))
    [error] = errors
    assert (error["row"], error["column"]) == (3, "身份证号")
    import re

    read = re.search(r"读到的是：(\d+)", error["message"])[1]  # what the number cell holds
    assert "Excel 已把身份证号存为数字" in error["message"] and read[:15] == ID_A[:15] and read != ID_A


def test_a_phone_or_id_problem_shows_the_value_read(estate):
    rows = [[1, "1号楼", "1", "1-201", "张伟", "110101199003074515", "1381234", "80", "", "", ""]]
    _units, errors = households_dry_run(estate.compound_a, read_table("台账.xlsx", office_ledger(rows)))
    messages = {e["column"]: e["message"] for e in errors}
    assert "1381234" in messages["联系电话"] and "110101199003074515" in messages["身份证号"]


def test_a_building_merged_down_its_units_rows_is_each_rows_building(estate):
    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "姓名", "建筑面积"])
    sheet.append(["1号楼", "101", "甲", "60"])
    sheet.append([None, "102", "乙", "61"])
    sheet.merge_cells("A2:A3")
    buffer = BytesIO()
    book.save(buffer)
    units, errors = households_dry_run(estate.compound_a, read_table("台账.xlsx", buffer.getvalue()))
    assert errors == [] and sorted(u["unit_label"] for u in units) == ["101", "102"]
    assert {u["building"].name for u in units} == {"1号楼"}


def test_every_problem_is_found_at_the_first_check_cells_and_register_together(estate, worker):
    """A bad phone on one row and, on another, a new building area below the inner area the register
    holds (a column the file does not have): both in the one check, each on a column the file names."""
    from property.imports.households import households_plan
    from tests.factories import HouseholdFactory

    HouseholdFactory(
        building=estate.building_a, unit_label="1-301", floor=3, building_area="100.00", inner_area="80.00"
    )
    rows = [
        [1, "1号楼", "1", "1-201", "张伟", "", "1381234", "80", "", "", ""],
        [2, "1号楼", "1", "1-301", "李娜", "", "13912345678", "70㎡", "", "", ""],
    ]
    plan = households_plan(worker, estate.compound_a, read_table("台账.xlsx", office_ledger(rows)))
    found = [(e["row"], e["column"]) for e in plan.errors]
    assert found == [(3, "联系电话"), (4, "建筑面积(㎡)")]
    assert "80.00" in plan.errors[1]["message"] and "inner_area" not in plan.errors[1]["message"]
    assert plan.households == [] and plan.updates == []  # nothing would be written


def test_nobody_becomes_an_owner_by_default_and_registered_relations_stay(
    api, estate, worker, django_capture_on_commit_callbacks
):
    """No 关系 column: the check asks; a write without the answer is refused; with "the first of each
    unit the owner", the rest are family; a family member already registered stays family."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from property.models import Residency
    from property.register import services as register

    register.resident_create(
        actor=worker,
        name="周丽",
        phone="13700009999",
        household=estate.household_a,
        relation="family",
        started_on=date(2020, 1, 1),
    )
    unit = estate.household_a.unit_label
    rows = [
        [1, "1号楼", "", unit, "周丽", "", "13700009999", "", "", "", ""],
        [2, "1号楼", "1", "1-201", "张伟", "", "13812345678", "80", "", "", ""],
        [3, "1号楼", "1", "1-201", "张小伟", "", "13812340000", "80", "", "", ""],
    ]
    data = office_ledger(rows)

    def send(dry_run, relation=None):
        body = {"kind": "households", "compound": estate.compound_a.pk, "dry_run": dry_run}
        if relation:
            body["relation"] = relation
        body["file"] = SimpleUploadedFile("台账.xlsx", data)
        with django_capture_on_commit_callbacks(execute=True):
            sent = api(worker).post("/api/v1/property/imports", body)
        return api(worker).get(f"/api/v1/property/imports/{sent.json()['id']}").json()

    checked = send(True)
    assert (checked["status"], checked["options"]["asks"]) == ("checked", ["relation"])
    refused = send(False)  # written without the answer: checked, not written, and asked
    assert (refused["status"], refused["options"]["asks"], refused["errors"]) == ("checked", ["relation"], [])
    assert not Residency.objects.filter(resident__name="张伟").exists()
    done = send(False, "first_owner")
    assert done["status"] == "done", done
    relations = dict(
        Residency.objects.filter(household__unit_label="1-201").values_list("resident__name", "relation")
    )
    assert relations == {"张伟": "owner", "张小伟": "family"}
    assert Residency.objects.get(resident__name="周丽").relation == "family"  # not made an owner


def test_a_changed_area_is_listed_field_by_field_and_written_only_where_accepted(
    client, estate, worker, django_capture_on_commit_callbacks
):
    """The check lists each unit's change (建筑面积 67.03 -> 84.28); nothing of an area is written
    until accepted; accepted one by one on the page, only that one is written, and the unit's history
    names the import."""
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import AuditEvent
    from property.models import Household, LedgerImport
    from tests.factories import HouseholdFactory

    first = HouseholdFactory(building=estate.building_a, unit_label="1-301", floor=3, building_area="67.03")
    second = HouseholdFactory(building=estate.building_a, unit_label="1-302", floor=3, building_area="70.00")
    rows = [
        [1, "1号楼", "1", "1-301", "", "", "", "84.28㎡", "", "", ""],
        [2, "1号楼", "1", "1-302", "", "", "", "71㎡", "", "", ""],
    ]
    client.force_login(worker)
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    file = SimpleUploadedFile("台账.xlsx", office_ledger(rows))
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"kind": "households", "file": file})
    page = client.get(sent["Location"]).content.decode()
    assert "建筑面积(㎡) 67.03 → 84.28" in page and 'data-testid="accept-all"' in page
    checked = LedgerImport.objects.get()
    keys = [c["key"] for c in checked.changes]
    assert [k.rsplit(":", 1)[0] for k in keys] == ["unit:3", "unit:4"]  # the row and what it changes
    assert Household.objects.get(pk=first.pk).building_area == Decimal("67.03")
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(f"/property/imports/{checked.pk}/run/", {"accept": [keys[0]]})
    done = client.get(run["Location"]).content.decode()
    assert "已导入" in done and "未确认，未写入" in done
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.building_area, second.building_area) == (Decimal("84.28"), Decimal("70.00"))
    written = LedgerImport.objects.latest("id")
    history = AuditEvent.objects.get(action="household.update", object_id=first.pk)
    assert history.data["import_id"] == written.pk
    assert re.search(r"房屋：新增 0 户，变更 1 户", done)
    unit_page = client.get(f"/property/households/{first.pk}/").content.decode()
    assert f"/property/imports/{written.pk}/" in unit_page  # the unit's history names the import


def test_people_registered_in_a_listed_unit_but_not_named_stay_and_can_be_ended_one_by_one(
    api, estate, worker, django_capture_on_commit_callbacks
):
    """The ledger lists 1-101 with 周丽 only: 王芳, registered there too, stays unless the worker ends
    her relation (end:<id>), which is kept in the history naming the import."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import AuditEvent
    from property.models import Residency
    from property.register import services as register

    for name, phone in (("周丽", "13700009999"), ("王芳", "13700008888")):
        register.resident_create(
            actor=worker,
            name=name,
            phone=phone,
            household=estate.household_a,
            relation="family",
            started_on=date(2020, 1, 1),
        )
    rows = [[1, "1号楼", "", estate.household_a.unit_label, "周丽", "", "13700009999", "", "", "", ""]]

    def send(**options):
        body = {"kind": "households", "compound": estate.compound_a.pk, "dry_run": False, **options}
        body["file"] = SimpleUploadedFile("台账.xlsx", office_ledger(rows))
        with django_capture_on_commit_callbacks(execute=True):
            sent = api(worker).post("/api/v1/property/imports", body)
        return api(worker).get(f"/api/v1/property/imports/{sent.json()['id']}").json()

    kept = send()
    absent = [c for c in kept["changes"] if c["outcome"] == "absent"]
    assert kept["status"] == "done" and [c["name"].split(" · ")[0] for c in absent] == ["王芳"]
    wang = Residency.objects.get(resident__name="王芳")
    assert wang.ended_on is None and absent[0]["key"] == f"end:{wang.pk}"
    ended = send(end=f"end:{wang.pk}")
    wang.refresh_from_db()
    assert ended["status"] == "done" and wang.ended_on is not None
    assert Residency.objects.get(resident__name="周丽").ended_on is None
    event = AuditEvent.objects.filter(object_id=wang.pk, action__startswith="residency").latest("id")
    assert event.data["import_id"] == ended["id"]


def test_a_column_gongzhi_does_not_know_is_mapped_once_and_read_so_in_the_communitys_next_file(
    client, estate, worker, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from property.models import LedgerColumn, LedgerImport

    headers = ["楼栋", "门牌号/房号", "住户名称", "建筑面积"]
    rows = [["1号楼", "1-201", "张伟", "80"]]

    def check(data):
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(url, {"kind": "households", "file": SimpleUploadedFile("台账.xlsx", data)})
        return LedgerImport.objects.latest("id"), client.get(sent["Location"]).content.decode()

    client.force_login(worker)
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    data = office_ledger(rows, headers=headers, footer=False)
    first, page = check(data)
    assert first.options["unknown"] == ["住户名称"] and 'data-testid="unknown-columns"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/property/imports/{first.pk}/recheck/", {"key_0": "name"})
    again = LedgerImport.objects.latest("id")
    assert again.pk != first.pk and again.status == "checked" and again.options["unknown"] == []
    assert any(c["name"].startswith("张伟") for c in again.changes)
    assert LedgerColumn.objects.filter(community=estate.community_a, header="住户名称", key="name").exists()
    later, _page = check(data)  # the community's next file: read so without asking
    assert later.options["unknown"] == [] and any(c["name"].startswith("张伟") for c in later.changes)


def test_the_office_ledger_of_the_issue_goes_in_with_one_check_and_one_import(
    client, estate, worker, django_capture_on_commit_callbacks
):
    """The ledger a community worker brought (issue 23), as the office keeps it: one upload to check,
    one tap (with the relation answered) to import; what the check listed is what was written."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from property.models import Household, LedgerImport, Residency

    rows = [
        [
            1,
            "1号楼",
            "1",
            "1-201",
            "张伟",
            ID_A,
            "１３８１２３４５６７８",
            "117.5㎡",
            "2019.5.1",
            "是",
            "自住",
        ],
        [2, "1号楼", "1", "1-201", "张小伟", "", "", "117.5㎡", "2019.5.1", "否", ""],
        [3, "1号楼", "1", "1-202", "李娜", ID_B, "13912345678", "86.2 平方米", "2019年5月1日", "否", ""],
        None,
        [4, "1号楼", "2", "301", "王强", "", "137 0000 1111", "90m²", "2018-03-15", "", "出租"],
        [5, "1号楼", "2", "401", "钱进", "", "13500003333", "60", 43586, "否", ""],
    ]
    client.force_login(worker)
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    uploads = 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url, {"kind": "households", "file": SimpleUploadedFile("台账.xlsx", office_ledger(rows))}
        )
        uploads += 1
    page = client.get(sent["Location"]).content.decode()
    checked = LedgerImport.objects.get()
    assert checked.status == "checked" and checked.errors == [], checked.errors
    assert 'data-testid="relation"' in page and "合计" in " ".join(checked.notes)
    listed = {(c["what"], c["name"], c["outcome"]) for c in checked.changes}
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(f"/property/imports/{checked.pk}/run/", {"relation": "first_owner"})
    done = LedgerImport.objects.latest("id")
    assert (uploads, done.status) == (1, "done"), done.errors
    assert {(c["what"], c["name"], c["outcome"]) for c in done.changes} == listed
    assert client.get(run["Location"]).status_code == 200
    units = dict(Household.objects.filter(building=estate.building_a).values_list("unit_label", "floor"))
    assert {k: units[k] for k in ("1-201", "1-202", "2-301", "2-401")} == {
        "1-201": 2,
        "1-202": 2,
        "2-301": 3,
        "2-401": 4,
    }
    relations = dict(
        Residency.objects.filter(household__unit_label="1-201").values_list("resident__name", "relation")
    )
    assert relations == {"张伟": "owner", "张小伟": "family"}


def test_an_id_number_column_mapped_by_hand_is_masked_in_the_kept_file(
    api, estate, worker, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from property.models import LedgerImport

    headers = ["楼栋", "房号", "姓名", "证件号", "关系", "建筑面积"]
    data = office_ledger([["1号楼", "1-201", "张伟", ID_A, "业主", "80"]], headers=headers, footer=False)
    body = {
        "kind": "households",
        "compound": estate.compound_a.pk,
        "dry_run": False,
        "columns": '{"证件号": "id_number"}',
        "file": SimpleUploadedFile("台账.xlsx", data),
    }
    with django_capture_on_commit_callbacks(execute=True):
        sent = api(worker).post("/api/v1/property/imports", body)
    record = LedgerImport.objects.get(pk=sent.json()["id"])
    assert record.status == "done", record.errors
    kept = read_table("台账.xlsx", bytes(record.data))
    assert ID_A not in str(kept) and "110***********4514" in str(kept)


def test_an_owner_change_the_relation_answer_brings_is_shown_before_it_is_written(
    client, estate, worker, django_capture_on_commit_callbacks
):
    """At the check the ledger's relation is unanswered, so a new owner of a registered unit is not
    yet a change to accept; answered "owners" at the import, the change is shown first (checked, not
    written), then written once accepted. Accepting "all" on a page accepts only what it listed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from property.models import LedgerImport, Residency

    unit = estate.household_a.unit_label
    rows = [[1, "1号楼", "", unit, "孙梅", "", "13700007777", "", "", "", ""]]
    client.force_login(worker)
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"kind": "households", "file": SimpleUploadedFile("台账.xlsx", office_ledger(rows))})
    checked = LedgerImport.objects.get()
    assert checked.options["asks"] == ["relation"] and not any(c.get("key") for c in checked.changes)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/property/imports/{checked.pk}/run/", {"relation": "owner", "accept_all": "1"})
    shown = LedgerImport.objects.latest("id")
    assert (shown.status, shown.options["asks"]) == ("checked", ["accept"])  # not written: shown first
    assert not Residency.objects.filter(resident__name="孙梅").exists()
    [owner_change] = [c for c in shown.changes if c.get("key")]
    page = client.get(f"/property/imports/{shown.pk}/").content.decode()
    assert owner_change["key"] in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/property/imports/{shown.pk}/run/", {"relation": "owner", "accept_all": "1"})
    done = LedgerImport.objects.latest("id")
    assert done.status == "done", done.errors
    assert Residency.objects.get(resident__name="孙梅").relation == "owner"


def test_a_blank_floor_or_a_year_are_not_given_and_a_registered_unit_needs_no_floor(estate, worker):
    """An empty 楼层 cell is not given (a new unit's floor is read from its number, a registered
    unit keeps its own); a unit whose number gives no floor is asked for it only if it is new; a
    year alone in 入住时间 is refused, not read as an Excel serial."""
    from property.imports.households import households_plan

    headers = ["楼栋", "房号", "楼层", "姓名", "关系", "入住时间"]
    rows = [
        ["1号楼", "1-201", "", "张伟", "业主", ""],
        ["1号楼", "1-201", "", "张小伟", "家属", ""],
        ["1号楼", estate.household_a.unit_label, "", "周丽", "家属", "2019"],
        ["1号楼", "5", "", "吴昊", "业主", ""],
    ]
    data = office_ledger(rows, headers=headers, footer=False)
    plan = households_plan(worker, estate.compound_a, read_table("台账.xlsx", data))
    found = {(e["row"], e["column"]) for e in plan.errors}
    assert found == {(5, "入住时间"), (6, "楼层")}, plan.errors


def test_a_mapping_is_only_of_the_files_own_headers_one_key_once_and_can_be_changed_back(
    client, estate, worker, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import AuditEvent
    from property.models import LedgerColumn, LedgerImport

    headers = ["楼栋", "门牌号/房号", "住户名称", "联络方式", "建筑面积"]
    data = office_ledger([["1号楼", "1-201", "张伟", "13812345678", "80"]], headers=headers, footer=False)
    client.force_login(worker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/property/compounds/{estate.compound_a.pk}/import/",
            {"kind": "households", "file": SimpleUploadedFile("台账.xlsx", data)},
        )
    first = LedgerImport.objects.get()
    assert first.options["unknown"] == ["住户名称", "联络方式"]
    twice = client.post(
        f"/property/imports/{first.pk}/recheck/", {"key_0": "name", "key_1": "name"}, follow=True
    )
    assert "有两列被设为同一列" in twice.content.decode() and not LedgerColumn.objects.exists()
    forged = {"key_0": "name", "header_0": "楼栋"}  # a header text posted is never what is mapped
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/property/imports/{first.pk}/recheck/", forged)
    assert list(LedgerColumn.objects.values_list("header", "key")) == [("住户名称", "name")]
    assert AuditEvent.objects.filter(action="import.column").count() == 1
    again = LedgerImport.objects.latest("id")
    assert again.options["mapped"] == ["住户名称"]  # offered again, to change it back
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/property/imports/{again.pk}/recheck/", {"key_0": "mobile", "key_1": ""})
    assert set(LedgerColumn.objects.values_list("header", "key")) == {
        ("住户名称", ""),
        ("联络方式", "mobile"),
    }
