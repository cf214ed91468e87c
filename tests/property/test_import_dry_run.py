"""The dry run of a households ledger: every bad row listed with its row number, column (as the file
names it) and reason; good rows grouped into units with their people; nothing written."""

from decimal import Decimal

import pytest

from property.imports.households import households_dry_run
from property.imports.reading import read_table
from property.models import Household, Resident

pytestmark = pytest.mark.django_db
GOOD_ID = "11010519491231002X"
BAD_ID = "110105194912310021"  # the check digit should be X


def ledger(
    *rows,
    headers="楼栋,单元,房号,楼层,建筑面积（㎡）,套内面积,面积来源,户主姓名,关系,手机号码,身份证号,党员,入住日期,未售",
):
    text = "\n".join([headers, *rows]) + "\n"
    return read_table("台账.csv", text.encode("gb18030"))


def test_good_rows_become_units_with_their_people_and_nothing_is_written(estate):
    households, people = Household.objects.count(), Resident.objects.count()
    units, errors = households_dry_run(
        estate.compound_a,
        ledger(
            f"1号楼,2,501,5,72.50,60.1,测绘,周丽,业主,13911112222,{GOOD_ID},是,2015-06-01,否",
            "1号楼,2,501,5,72.50,60.1,测绘,周小明,家属,,,否,2015/6/1,",
            "1号楼,,3-101,1,88,,,,,,,,,是",
        ),
    )
    assert errors == []
    assert [(u["unit_label"], len(u["people"])) for u in units] == [("2-501", 2), ("3-101", 0)]
    first = units[0]
    assert first["building_area"] == Decimal("72.50") and first["area_source"] == "survey"
    assert [p["relation"] for p in first["people"]] == ["owner", "family"]
    assert (
        first["people"][0]["party_member"] is True and str(first["people"][1]["moved_in_on"]) == "2015-06-01"
    )
    assert units[1]["held_by_developer"] is True and units[1]["area_source"] is None  # not given
    assert (Household.objects.count(), Resident.objects.count()) == (households, people)


def test_every_bad_row_is_listed_with_its_row_column_and_reason(estate):
    _units, errors = households_dry_run(
        estate.compound_a,
        ledger(
            f"1号楼,,1-201,2,七十,,,王强,业主,1391111222,{BAD_ID},,,",  # row 2: area, mobile, ID
            "9号楼,,1-202,2,70,,,,,,,,,",  # row 3: no such building
            "1号楼,,1-203,二,70,80,,,,,,,,",  # row 4: floor, inner area over building area
            "",  # a blank row: dropped, row numbers kept
            "1号楼,,1-204,2,70,,估算,李明,朋友,,,也许,去年,",  # row 6: source, relation, party, date
            "1号楼,,1-204,3,70,,,李明,业主,,,,,",  # row 7: the same unit with another floor; same person
        ),
    )
    got = {(e["row"], e["column"]) for e in errors}
    assert {(2, "建筑面积（㎡）"), (2, "手机号码"), (2, "身份证号")} <= got
    assert (3, "楼栋") in got
    assert {(4, "楼层"), (4, "套内面积")} <= got
    assert {(6, "面积来源"), (6, "关系"), (6, "党员"), (6, "入住日期")} <= got
    assert {(7, "楼层"), (7, "户主姓名")} <= got
    assert not [e for e in errors if e["row"] == 5]
    by_place = {(e["row"], e["column"]): e["message"] for e in errors}
    assert "9号楼" in by_place[(3, "楼栋")]


def test_a_ledger_without_a_required_column_is_refused_on_its_headers(estate):
    _units, errors = households_dry_run(estate.compound_a, ledger("1-101,1,张三", headers="房号,楼层,姓名"))
    assert errors == [{"row": 1, "column": "楼栋", "message": errors[0]["message"], "header": True}]


def test_the_templates_notes_row_is_skipped(estate):
    from property.imports.runs import template

    table = read_table("template.xlsx", template("households"))
    units, errors = households_dry_run(estate.compound_a, table)
    assert units == [] and errors == []


def test_a_floor_above_the_building_is_refused_by_the_registers_rule(estate):
    _units, errors = households_dry_run(estate.compound_a, ledger("1号楼,,1-901,9,70,,,,,,,,,"))
    assert [(e["row"], e["column"]) for e in errors] == [(2, "楼层")]
    assert "6" in errors[0]["message"]  # the building has 6 floors
