"""The supervision company's contact records progress on site with a photo, on a phone (issue 14), and
the compound's public page at the gate shows it to anyone; the community worker advances the project
only when its conditions are met, and sees what is missing otherwise."""

import pytest
from PIL import Image

from renovation.models import Contract, ProgressPhoto, Project
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_tap_targets import MEASURE, MINIMUM
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(phone, live_server, username):
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill(username)
    phone.get_by_label("密码").fill("pw-test-1234")
    phone.get_by_role("button", name="登录").click()


def test_the_supervisor_records_progress_with_a_photo_and_the_gate_page_shows_it(
    live_server, phone, screenshot, world, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    project = world.project("construction")
    supervisor = UserFactory(username="supervisor")
    Contract.objects.filter(project=project, role="supervision").update(contact_user=supervisor)
    picture = tmp_path / "roof.jpg"
    Image.new("RGB", (1600, 1200), (90, 120, 160)).save(picture, "JPEG")

    sign_in(phone, live_server, "supervisor")  # tap 1
    phone.get_by_role("link", name="现场登记进度").click()  # tap 2: from home to the project
    item = project.items.get(item__code="site-roads")
    row = phone.get_by_test_id("items").locator("li", has_text=item.item.name)
    row.get_by_role("link", name="登记进度").click()  # tap 3
    form = phone.get_by_test_id("progress-form")
    form.get_by_label("完成百分比").fill("60")
    form.get_by_label("备注").fill("路面铣刨完成，开始摊铺")
    form.get_by_label("照片").set_input_files(str(picture))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(MEASURE, MINIMUM) == []
    screenshot("supervisor-progress-form")
    form.get_by_role("button", name="保存进度").click()  # tap 4
    phone.get_by_text("已登记进度").wait_for()
    assert "60%" in phone.get_by_test_id("items").inner_text()
    assert ProgressPhoto.objects.filter(entry__item=item).count() == 1
    screenshot("supervisor-project")

    gate = phone.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    resident = gate.new_page()
    try:
        resident.goto(f"{live_server.url}/c/{world.estate.compound_a.pk}/")
        items = resident.get_by_test_id("project-items").inner_text()
        assert "路面铣刨完成，开始摊铺" in items and "60%" in items
        photo = resident.get_by_test_id("project-items").locator("img").first
        photo.scroll_into_view_if_needed()  # the photos load lazily, as a phone scrolls to them
        resident.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle(), timeout=10_000
        )
        assert resident.evaluate("document.documentElement.scrollWidth") <= 390
        assert resident.evaluate(MEASURE, MINIMUM) == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        resident.screenshot(path=str(SCREENSHOTS / "gate-renovation.png"), full_page=True)
    finally:
        gate.close()


def test_the_worker_sees_what_a_stage_lacks_and_advances_once_it_is_met(
    live_server, phone, screenshot, world
):
    project = world.project("planned")
    sign_in(phone, live_server, "worker")
    phone.goto(f"{live_server.url}/renovation/projects/{project.pk}/")
    phone.get_by_role("button", name="进入“入户征求意见”").click()
    phone.get_by_text("项目现在处于：入户征求意见").wait_for()
    missing = phone.get_by_test_id("missing").inner_text()
    assert "尚无与本项目关联的入户征求意见" in missing and "社区工作者" in missing
    assert phone.get_by_role("button", name="进入“可行性研究”").count() == 0  # not offered while it lacks
    assert phone.evaluate(MEASURE, MINIMUM) == []
    screenshot("worker-project-missing")
    assert Project.objects.get(pk=project.pk).stage == "consultation"


def test_the_supervisor_sends_a_defect_with_a_photo_and_the_builder_puts_it_right_on_a_phone(
    live_server, phone, screenshot, world, tmp_path, settings
):
    from grid.models import Category, Incident
    from renovation import defaults

    settings.MEDIA_ROOT = tmp_path
    defaults.ensure_categories(Category)
    project = world.project("construction")
    supervisor, builder = UserFactory(username="supervisor"), UserFactory(username="builder")
    Contract.objects.filter(project=project, role="supervision").update(contact_user=supervisor)
    Contract.objects.filter(project=project, role="construction").update(contact_user=builder)
    picture = tmp_path / "crack.jpg"
    Image.new("RGB", (1600, 1200), (160, 90, 60)).save(picture, "JPEG")

    sign_in(phone, live_server, "supervisor")  # tap 1
    phone.get_by_role("link", name="现场巡查").click()  # tap 2: from home to the round
    form = phone.get_by_test_id("inspection-form")
    # the only compound and the only works contract are chosen already
    form.get_by_label("施工质量").check()  # tap 3
    form.get_by_label("地点").fill("1号楼屋面")
    form.get_by_label("问题描述").fill("防水卷材搭接宽度不足")
    form.get_by_label("照片").set_input_files(str(picture))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(MEASURE, MINIMUM) == []
    screenshot("supervisor-inspection-form")
    form.get_by_role("button", name="保存巡查记录").click()  # tap 4
    phone.get_by_text("巡查已登记").wait_for()
    found = phone.get_by_test_id("findings").inner_text()
    assert "施工质量" in found and "宏达建设" in found and "已派遣" in found
    screenshot("supervisor-inspection")
    incident = Incident.objects.get(category__code="works_quality")
    assert incident.photo and incident.unit.name == "宏达建设"

    phone.context.clear_cookies()
    sign_in(phone, live_server, "builder")
    phone.get_by_role("link", name="现场登记进度").click()  # to the project
    phone.get_by_test_id("findings").get_by_role("link").first.click()  # the defect, in the loop
    phone.get_by_role("button", name="受理").click()
    phone.get_by_placeholder("整改措施").fill("重新搭接并做闭水试验")
    phone.get_by_role("button", name="整改完成").click()
    assert phone.evaluate(MEASURE, MINIMUM) == []
    screenshot("builder-defect")
    incident.refresh_from_db()
    assert incident.status == "resolved"

    phone.context.clear_cookies()
    sign_in(phone, live_server, "supervisor")
    phone.goto(f"{live_server.url}/grid/incidents/{incident.pk}/")
    phone.get_by_role("button", name="核查办结").click()
    phone.get_by_text("核查办结").first.wait_for()
    incident.refresh_from_db()
    assert incident.status == "closed"
