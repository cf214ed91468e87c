from datetime import timedelta

import pytest
from django.utils import timezone

from grid import services
from grid.models import DutyShift, Finding, Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cleaner_starts_and_ends_todays_duty_with_a_finding_that_becomes_an_incident(
    live_server, phone, screenshot, grids, worker, cleaner, settings
):
    # A short shift, ended within GRID_LEFT_EARLY_MINUTES of its planned end: done, not left early.
    settings.GRID_LEFT_EARLY_MINUTES = 30
    start = timezone.now() - timedelta(minutes=5)
    shift = services.duty_shift_create(
        actor=worker, assignment=grids.cleaner_a, starts_at=start, ends_at=start + timedelta(minutes=30)
    )

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill("cleaner")
    phone.get_by_label("密码").fill("pw-test-1234")
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="今日值班").click()
    card = phone.locator(f'[data-shift="{shift.pk}"]')
    card.get_by_role("button", name="开始值班").click()
    phone.get_by_text("值班开始于").first.wait_for()
    assert DutyShift.objects.get().status == "started"
    screenshot("cleaner-on-duty")

    phone.locator(f'[data-shift="{shift.pk}"]').get_by_role("link", name="结束值班").click()
    form = phone.get_by_test_id("end-form")
    form.get_by_label("备注").fill("主干道和小区路面已清扫")
    form.get_by_placeholder("发现的问题").first.fill("3号楼北侧建筑垃圾堆放")
    form.get_by_placeholder("地点").first.fill("3号楼北侧")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    form.get_by_role("button", name="结束值班").click()
    phone.get_by_text("值班结束").wait_for()
    findings = phone.get_by_test_id("findings")
    assert "3号楼北侧建筑垃圾堆放" in findings.inner_text()
    screenshot("cleaner-finding")
    findings.locator("select").select_option(label="环境卫生")
    findings.get_by_role("button", name="上报为事件").click()
    phone.get_by_test_id("incident-status").wait_for()
    assert "已上报" in phone.get_by_test_id("incident-status").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("cleaner-incident")

    shift.refresh_from_db()
    assert (shift.status, shift.notes) == ("done", "主干道和小区路面已清扫")
    incident = Incident.objects.get()
    assert (incident.description, incident.place, incident.reporter) == (
        "3号楼北侧建筑垃圾堆放",
        "3号楼北侧",
        cleaner,
    )
    assert Finding.objects.get().incident == incident
