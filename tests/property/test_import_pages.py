"""The worker's import page: a file is checked first, its bad rows shown with their row numbers and
handed back marked; a good file is imported only when the worker says so."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from property.models import Household, LedgerImport

pytestmark = pytest.mark.django_db
HEADERS = "楼栋,房号,楼层,建筑面积,姓名,手机"


def upload(*rows):
    return SimpleUploadedFile("台账.csv", ("\n".join([HEADERS, *rows]) + "\n").encode("utf-8-sig"))


def test_a_worker_checks_a_file_fixes_it_and_imports_it(
    client, estate, worker, django_capture_on_commit_callbacks
):
    client.force_login(worker)
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    assert "导入台账" in client.get(f"/property/compounds/{estate.compound_a.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"kind": "households", "file": upload("1号楼,1-201,2,70,张三,1381234")})
    assert sent.status_code == 302
    page = client.get(sent["Location"]).content.decode()
    assert "第 2 行" in page and "手机" in page and "没有写入任何内容" in page
    units = Household.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        fixed = client.post(url, {"kind": "households", "file": upload("1号楼,1-201,2,70,张三,13812345678")})
    checked = client.get(fixed["Location"]).content.decode()
    assert "每一行都无误" in checked and Household.objects.count() == units  # checked, not written
    record = LedgerImport.objects.latest("id")
    assert 'data-testid="relation"' in checked  # no 关系 column: the page asks
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(f"/property/imports/{record.pk}/run/", {"relation": "owner"})
    done = client.get(run["Location"]).content.decode()
    assert "已导入" in done and Household.objects.count() == units + 1


def test_the_import_page_is_for_the_compounds_workers(client, estate, worker_b, collector):
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    client.force_login(worker_b)
    assert client.get(url).status_code == 404
    client.force_login(collector)  # a collector brings in opening arrears, not the register
    page = client.get(url).content.decode()
    assert 'value="opening_arrears"' in page and 'value="households"' not in page
    refused = client.post(url, {"kind": "households", "file": upload("1号楼,1-201,2,70,张三,13812345678")})
    assert refused.status_code == 200 and not LedgerImport.objects.exists()


def test_a_communitys_volunteers_ledger_comes_in_on_the_communitys_page(client, estate, worker):
    client.force_login(worker)
    assert "导入志愿者台账" in client.get(f"/property/communities/{estate.community_a.pk}/").content.decode()
    page = client.get(f"/property/communities/{estate.community_a.pk}/import/").content.decode()
    assert 'value="volunteers"' in page and 'value="households"' not in page
    assert "kind=volunteers" in page  # its template


@pytest.mark.parametrize("problem", ["encrypted", "bad crc", "declared larger", "huge shared string"])
def test_a_damaged_workbook_is_refused_on_the_page_in_words(client, estate, worker, problem):
    from django.utils import translation

    from tests.property.test_import_files import damaged_files

    client.force_login(worker)
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    data = damaged_files(32767)[problem][0]
    page = client.post(url, {"kind": "households", "file": SimpleUploadedFile("台账.xlsx", data)})
    with translation.override("zh-hans"):
        says = damaged_files(32767)[problem][1]
    assert page.status_code == 200 and not LedgerImport.objects.exists()
    assert escape(says) in page.content.decode()


def test_a_checked_file_refused_when_it_is_run_says_why_on_the_page(
    client, estate, worker, settings, django_capture_on_commit_callbacks
):
    from tests.imports import excel_workbook

    client.force_login(worker)
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    ledger = excel_workbook([["楼栋", "房号", "楼层", "姓名"], ["1号楼", "1-201", 2, "王" * 40]])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"kind": "households", "file": SimpleUploadedFile("台账.xlsx", ledger)})
    record = LedgerImport.objects.get()
    assert record.status == "checked"
    settings.IMPORT_CELL_MAX_CHARS = 30
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(f"/property/imports/{record.pk}/run/", follow=True)
    assert run.status_code == 200 and LedgerImport.objects.count() == 1
    assert escape("有单元格超过 30 个字符") in run.content.decode()


def test_a_file_refused_for_itself_says_why_in_the_alert_not_as_row_0(
    client, estate, worker, django_capture_on_commit_callbacks
):
    import re

    client.force_login(worker)
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    file = SimpleUploadedFile("台账.csv", "房号,楼层,姓名\n1-201,2,张三\n".encode("utf-8-sig"))
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"kind": "households", "file": file})
    page = client.get(sent["Location"]).content.decode()
    alert = re.search(r'<div class="error" role="alert">(.*?)</div>', page, re.S).group(1)
    assert "文件未被接受" in alert and "楼栋" in alert, alert
    assert "第 0 行" not in page
