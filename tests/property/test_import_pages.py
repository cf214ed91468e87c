"""The worker's import page: a file is checked first, its bad rows shown with their row numbers and
handed back marked; a good file is imported only when the worker says so."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(f"/property/imports/{record.pk}/run/")
    done = client.get(run["Location"]).content.decode()
    assert "已导入" in done and Household.objects.count() == units + 1


def test_the_import_page_is_for_the_compounds_workers(client, estate, worker_b, collector):
    url = f"/property/compounds/{estate.compound_a.pk}/import/"
    client.force_login(worker_b)
    assert client.get(url).status_code == 404
    client.force_login(collector)
    assert client.get(url).status_code == 403
