import pytest

from governance.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_member_logs_a_meeting_with_attendance_minutes_and_a_resolution(
    live_server, phone, screenshot, committee, committee_member
):
    members = list(committee.members.order_by("id").select_related("resident"))
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill("owner")
    phone.get_by_label("密码").fill("pw-test-1234")
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="登记会议").click()

    form = phone.get_by_test_id("meeting-form")
    form.get_by_label("标题").fill("十一月业委会例会")
    form.get_by_label("地点").fill("社区议事厅")
    form.get_by_label("议程（每行一项）").fill("屋面防水维修\n非机动车棚")
    absent = phone.locator(f'fieldset[data-member="{members[3].pk}"]')
    absent.get_by_label("缺席").check()
    proxy = phone.locator(f'fieldset[data-member="{members[4].pk}"]')
    proxy.get_by_label("委托出席").check()
    proxy.get_by_placeholder("委托代理人（委托出席时填写）").fill("张建国")
    form.get_by_label("会议纪要").fill("会议讨论了屋面防水维修方案，同意申请使用维修资金。")
    first_resolution = phone.locator("fieldset.resolution").first
    first_resolution.get_by_placeholder("决议").fill("同意申请使用专项维修资金维修屋面")
    first_resolution.get_by_label("同意").fill("3")
    first_resolution.get_by_label("弃权").fill("1")
    first_action = phone.locator("fieldset.action").first
    first_action.get_by_placeholder("跟进事项内容").fill("联系三家施工单位报价")
    first_action.locator("select").select_option(str(members[1].pk))
    first_action.locator('input[type="date"]').fill("2026-12-10")
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
