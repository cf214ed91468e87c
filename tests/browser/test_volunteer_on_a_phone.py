from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ResidencyFactory, ResidentFactory, UserFactory
from volunteers.models import ServiceType, Shift, Signup, Volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_signs_up_for_a_patrol_sees_it_and_cancels(live_server, phone, screenshot, estate):
    user = UserFactory(username="volunteer")
    resident = ResidentFactory(user=user, name="李强")
    ResidencyFactory(resident=resident, household=estate.household_a)
    Volunteer.objects.create(resident=resident, community=estate.community_a, status="approved")
    patrol, _ = ServiceType.objects.get_or_create(
        code="patrol", community=None, defaults={"name": "治安巡逻"}
    )
    start = timezone.now() + timedelta(days=1)
    shift = Shift.objects.create(
        community=estate.community_a,
        compound=estate.compound_a,
        service_type=patrol,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        meeting_point="东门岗亭",
        capacity=6,
    )

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill("volunteer")
    phone.get_by_label("密码").fill("pw-test-1234")
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="志愿服务班次").click()
    card = phone.get_by_test_id(f"shift-{shift.pk}")
    assert "已报 0 / 6 人" in card.inner_text()
    card.get_by_role("button", name="报名").click()
    phone.get_by_text("报名成功").wait_for()
    assert "已报 1 / 6 人" in phone.get_by_test_id(f"shift-{shift.pk}").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the filters fit
    screenshot("volunteer-shifts")

    phone.get_by_role("link", name="我的班次").click()
    mine = phone.get_by_test_id("my-shifts")
    assert "东门岗亭" in mine.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    mine.get_by_role("link", name="取消报名").click()
    phone.get_by_role("button", name="确定取消").click()  # asked first: no place lost at one tap
    phone.get_by_text("已取消").wait_for()
    assert "东门岗亭" not in phone.get_by_test_id("my-shifts").inner_text()
    assert Signup.objects.get().status == "cancelled"
