"""A resident scans the QR code at the gate (issue 13, part 6): with nobody having published a notice,
the page still says who manages the compound, what it costs, whom to call, how to report a problem
and how to take part in the open vote; the vote's link, followed signed out, says why to sign in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance import services
from tests.browser.test_tap_targets import MEASURE, MINIMUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_reads_the_gate_page_and_signs_in_to_vote(
    live_server, phone, screenshot, managed_compound, committee, owner, worker
):
    now = timezone.now()
    vote = services.vote_create(
        actor=worker,
        compound=managed_compound,
        title="更换小区大门",
        matter="other_major",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=3),
    )
    phone.goto(f"{live_server.url}/c/{managed_compound.pk}/")
    assert "暂无公告" in phone.get_by_test_id("notices").inner_text()
    assert "物业服务企业" in phone.get_by_test_id("management").inner_text()
    assert "安居物业" in phone.get_by_test_id("management").inner_text()
    assert committee.name in phone.get_by_test_id("management").inner_text()
    assert "物业服务费" in phone.get_by_test_id("standards").inner_text()
    assert phone.get_by_role("link", name="0510-8123 4567").get_attribute("href") == "tel:0510-8123 4567"
    assert phone.get_by_role("link", name="反映问题").is_visible()
    assert "每套房一票" in phone.get_by_test_id("how-to-vote").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(MEASURE, MINIMUM) == []
    screenshot("gate-page")

    phone.get_by_role("link", name="更换小区大门").click()  # tap 1
    why = phone.get_by_test_id("why-sign-in").inner_text()
    assert "第二百七十八条" in why and "社区办公室" in why and "0510-8123 4567" in why
    assert phone.evaluate(MEASURE, MINIMUM) == []
    screenshot("gate-vote-signed-out")
    phone.get_by_role("link", name="登录").click()  # tap 2
    phone.get_by_label("用户名").fill("owner")
    phone.get_by_label("密码").fill("pw-test-1234")
    phone.get_by_role("button", name="登录").click()  # tap 3
    phone.get_by_test_id("ballot-form").wait_for()
    assert phone.url.endswith(f"/governance/votes/{vote.pk}/")
