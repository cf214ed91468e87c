"""What an import reads (issue 12, part 2 begins): the templates with Chinese headers and a notes row,
and a ledger's own headers matched by name with the synonyms offices use, not by position."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from property.imports import households, reading, runs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["households", "volunteers", "opening_arrears"])
def test_the_template_has_the_chinese_headers_and_a_notes_row(api, worker, kind):
    answer = api(worker).get("/api/v1/property/imports/template", {"kind": kind})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in runs.kinds()[kind].columns]
    assert all(rows[1])  # a note under every header
    found, errors = reading.match_headers(runs.kinds()[kind].columns, list(rows[0]))
    assert errors == [] and list(found) == [c.key for c in runs.kinds()[kind].columns]


def test_headers_are_matched_by_name_and_synonym_in_any_order():
    headers = ["序号", "门牌号", " 楼 号 ", "手机号码", "建筑面积（㎡）", "所在楼层", "户主姓名", "备注"]
    found, errors = reading.match_headers(households.COLUMNS, headers)
    assert errors == []
    assert found == {"unit": 1, "building": 2, "mobile": 3, "building_area": 4, "floor": 5, "name": 6}


def test_a_missing_required_column_and_a_column_named_twice_are_reported():
    found, errors = reading.match_headers(households.COLUMNS, ["房号", "门牌号", "姓名"])
    messages = [(e["row"], e["column"]) for e in errors]
    assert (1, "门牌号") in messages  # 房号 and 门牌号 both name the unit
    assert (1, "楼栋") in messages  # the building is required (the floor is not: read from 房号)
    assert found == {"unit": 0, "name": 2}


def test_the_template_is_for_signed_in_people_and_a_known_kind(api, worker):
    assert api(None).get("/api/v1/property/imports/template", {"kind": "households"}).status_code == 401
    bad = api(worker).get("/api/v1/property/imports/template", {"kind": "cars"})
    assert bad.status_code == 422 and "kind" in bad.json()["fields"]
