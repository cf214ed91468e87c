from datetime import timedelta

import pytest
from django.utils import timezone

from governance.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


YESTERDAY_EVENING = (timezone.localdate() - timedelta(days=1)).isoformat() + "T19:30"


def open_meeting_form(phone, live_server):
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill("owner")
    phone.get_by_label("密码").fill("pw-test-1234")
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="登记会议").click()
    return phone.get_by_test_id("meeting-form")


def test_committee_member_logs_a_meeting_with_attendance_minutes_and_a_resolution(
    live_server, phone, screenshot, committee, committee_member
):
    members = list(committee.members.order_by("id").select_related("resident"))
    form = open_meeting_form(phone, live_server)
    held_at = form.get_by_label("召开时间")
    assert held_at.input_value() == ""  # never "now": the time it is logged is not when it met
    held_at.fill(YESTERDAY_EVENING)
    form.get_by_label("标题").fill("十一月业委会例会")
    form.get_by_label("地点").fill("社区议事厅")
    form.get_by_label("议程（每行一项）").fill("屋面防水维修\n非机动车棚")
    tally = phone.get_by_test_id("tally")
    assert "应到5人，实到5人（其中委托0人）" in tally.inner_text() and "已达法定人数" in tally.inner_text()
    absent = phone.locator(f'fieldset[data-member="{members[3].pk}"]')
    absent.get_by_label("缺席").check()
    proxy = phone.locator(f'fieldset[data-member="{members[4].pk}"]')
    # The proxy's name is asked only once "by proxy" is ticked.
    assert not proxy.get_by_label("委托代理人姓名").is_visible()
    proxy.get_by_label("委托出席").check()
    proxy.get_by_label("委托代理人姓名").fill("张建国")
    assert not absent.get_by_label("委托代理人姓名").is_visible()
    assert "应到5人，实到4人（其中委托1人），过半数需3人" in tally.inner_text()
    form.get_by_label("会议纪要").fill("会议讨论了屋面防水维修方案，同意申请使用维修资金。")
    first_resolution = phone.locator("fieldset.resolution").first
    first_resolution.get_by_placeholder("决议").fill("同意申请使用专项维修资金维修屋面")
    first_resolution.get_by_label("同意").fill("3")
    first_resolution.get_by_label("弃权").fill("1")
    first_action = phone.locator("fieldset.action").first
    first_action.get_by_placeholder("跟进事项内容").fill("联系三家施工单位报价")
    first_action.get_by_label("责任人").select_option(str(members[1].pk))
    first_action.get_by_label("完成期限").fill((timezone.localdate() + timedelta(days=9)).isoformat())
    screenshot("committee-meeting-form")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("button", name="保存会议记录").click()

    phone.get_by_text("会议已记录").wait_for()
    assert "应到5人，实到4人" in phone.get_by_test_id("quorum").inner_text()
    assert "同意申请使用专项维修资金维修屋面" in phone.get_by_test_id("resolutions").inner_text()
    screenshot("committee-meeting")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    meeting = Meeting.objects.get()
    marks = dict(meeting.attendance.values_list("member_id", "presence"))
    assert (marks[members[3].pk], marks[members[4].pk]) == ("absent", "proxy")
    assert meeting.attendance.get(member=members[4]).proxy_name == "张建国"
    resolution = meeting.resolutions.get()
    assert (resolution.votes_for, resolution.votes_against, resolution.abstentions) == (3, 0, 1)
    assert meeting.actions.get().assignee == members[1]


def test_a_refused_meeting_shows_what_is_wrong_at_the_top_and_scrolls_to_it(
    live_server, phone, screenshot, committee, committee_member
):
    members = list(committee.members.order_by("id"))
    form = open_meeting_form(phone, live_server)
    form.get_by_label("召开时间").fill(YESTERDAY_EVENING)
    form.get_by_label("标题").fill("十一月业委会例会")
    form.get_by_label("地点").fill("社区议事厅")
    for member in members[:3]:
        phone.locator(f'fieldset[data-member="{member.pk}"]').get_by_label("缺席").check()
    tally = phone.get_by_test_id("tally")
    assert "实到2人" in tally.inner_text() and "未达法定人数" in tally.inner_text()
    resolution = phone.locator("fieldset.resolution").first
    resolution.get_by_placeholder("决议").fill("同意更换单元门禁")
    resolution.get_by_label("同意").fill("3")
    # The form itself says the votes are more than those present, before anything is sent.
    assert "over" in resolution.get_attribute("class")
    assert "合计不超过实到人数2" in resolution.inner_text()
    assert resolution.get_by_label("同意").get_attribute("max") == "2"
    action = phone.locator("fieldset.action").first
    action.get_by_placeholder("跟进事项内容").fill("联系门禁厂家")  # no assignee, no due date
    phone.get_by_role("button", name="保存会议记录").click()

    alert = phone.get_by_test_id("form-alert")
    alert.wait_for()
    assert "没有保存" in alert.inner_text() and "3 处" in alert.inner_text()
    top = alert.bounding_box()
    assert 0 <= top["y"] <= 8  # the message is at the top of the screen, not 2,000 px down
    bad = phone.locator("fieldset.resolution").first
    box = bad.bounding_box()
    assert top["y"] + top["height"] <= box["y"] < 844  # the first bad field is in view, below it
    assert "出席人数（2人）" in bad.inner_text()
    assert phone.evaluate("document.activeElement.closest('fieldset.resolution') !== null")
    action = phone.locator("fieldset.action").first
    assert "请选择跟进人" in action.inner_text() and "请填写完成期限" in action.inner_text()
    # What was typed is still there, to be corrected rather than typed again.
    assert action.get_by_placeholder("跟进事项内容").input_value() == "联系门禁厂家"
    screenshot("committee-meeting-refused")
    assert not Meeting.objects.exists()
