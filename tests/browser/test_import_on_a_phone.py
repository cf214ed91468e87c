"""A community worker brings a small ledger in on a phone: the check names the bad row, the worker
fixes the file, checks it again and imports it."""

import pytest

from property.models import Household, Resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEADERS = "楼栋,单元,房号,楼层,建筑面积,姓名,关系,手机号码"


def ledger(tmp_path, name, *rows):
    path = tmp_path / name
    path.write_bytes(("\n".join([HEADERS, *rows]) + "\n").encode("gb18030"))  # as Chinese Excel saves it
    return str(path)


def test_worker_imports_a_ledger_with_one_bad_row_on_a_phone(
    live_server, phone, screenshot, estate, worker, tmp_path
):
    rows = ["1号楼,2,201,2,72.5,赵敏,业主,13900001111", "1号楼,2,202,2,七十,钱进,业主,13900002222"]
    bad = ledger(tmp_path, "台账.csv", *rows)
    good = ledger(tmp_path, "台账-改.csv", rows[0], rows[1].replace("七十", "70"))
    units = Household.objects.count()

    phone.goto(f"{live_server.url}/property/compounds/{estate.compound_a.pk}/")
    phone.get_by_label("用户名").fill("worker")
    phone.get_by_label("密码").fill("pw-test-1234")
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="导入台账").click()  # tap 1
    phone.get_by_label("文件").set_input_files(bad)  # tap 2 (the file picker)
    phone.get_by_role("button", name="检查文件").click()  # tap 3
    alert = phone.get_by_role("alert").first
    assert "1 处行内问题需要修改" in alert.inner_text()
    errors = phone.locator("#errors li").all_inner_texts()
    assert len(errors) == 1 and "第 3 行" in errors[0] and "建筑面积" in errors[0]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("import-errors")
    assert Household.objects.count() == units  # nothing written

    phone.get_by_label("文件").set_input_files(good)  # tap 4
    phone.get_by_role("button", name="检查文件").click()  # tap 5
    phone.get_by_role("status").filter(has_text="每一行都无误").wait_for()
    screenshot("import-checked")
    phone.get_by_role("button", name="导入 2 行").click()  # tap 6
    phone.get_by_role("status").filter(has_text="已导入").wait_for()
    screenshot("import-done")
    assert Household.objects.count() == units + 2
    assert Resident.objects.filter(name__in=["赵敏", "钱进"]).count() == 2
    for button in phone.locator("main a.button, main button").all():  # the header is issue 13's
        box = button.bounding_box()
        if box:
            assert box["height"] >= 44, button.inner_text()


def test_worker_brings_the_offices_own_ledger_in_at_the_first_try_on_a_phone(
    live_server, phone, screenshot, estate, worker, tmp_path
):
    """The office's ledger as it is (a merged title, 门牌号/房号, ㎡, dates in several forms, a totals
    row, no 楼层 and no 关系): one check, the question answered, one import."""
    from tests.property.test_office_ledgers import office_ledger

    rows = [
        [1, "1号楼", "1", "1-201", "张伟", "", "１３８１２３４５６７８", "117.5㎡", "2019.5.1", "是", "自住"],
        [2, "1号楼", "1", "1-201", "张小伟", "", "", "117.5㎡", "2019.5.1", "否", ""],
        [3, "1号楼", "1", "1-202", "李娜", "", "13912345678", "86.2 平方米", "2019年5月1日", "否", ""],
    ]
    path = tmp_path / "纺织厂生活区住户信息台账.xlsx"
    path.write_bytes(office_ledger(rows))
    phone.goto(f"{live_server.url}/property/compounds/{estate.compound_a.pk}/")
    phone.get_by_label("用户名").fill("worker")
    phone.get_by_label("密码").fill("pw-test-1234")
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="导入台账").click()  # tap 1
    phone.get_by_label("文件").set_input_files(str(path))  # tap 2 (the file picker)
    phone.get_by_role("button", name="检查文件").click()  # tap 3
    phone.get_by_role("status").filter(has_text="每一行都无误").wait_for()
    assert "未读入的合计行" in phone.get_by_test_id("notes").inner_text()
    assert phone.get_by_test_id("changes").locator("li").count() == 5  # 2 units, 3 people
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("import-office-checked")
    phone.get_by_label("每户第一人为业主，其他人为家属").check()  # tap 4
    phone.get_by_role("button", name="导入 3 行").click()  # tap 5
    phone.get_by_role("status").filter(has_text="已导入").wait_for()
    screenshot("import-office-done")
    assert Household.objects.filter(unit_label__in=["1-201", "1-202"], floor=2).count() == 2
    assert Resident.objects.get(name="张伟").residencies.get().relation == "owner"
