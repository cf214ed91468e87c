import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from core.periods import last_full_month
from grid.models import Incident
from grid.selectors import overdue_at
from property.models import Community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_drills_from_a_communitys_co_management_score_to_the_overdue_incident(
    live_server, phone, screenshot
):
    call_command("seed_demo", verbosity=0)
    community = Community.objects.get(name="幸福社区")
    month = last_full_month(timezone.localdate())
    start = timezone.make_aware(timezone.datetime(month.year, month.month, 1))
    end = timezone.make_aware(timezone.datetime(month.year + month.month // 12, month.month % 12 + 1, 1))
    # an incident of the community due last month and still open past its deadline
    overdue = (
        Incident.objects.filter(
            overdue_at(timezone.now()), grid__community=community, deadline__gte=start, deadline__lt=end
        )
        .order_by("deadline")
        .first()
    )
    assert overdue is not None

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill("officer")
    phone.get_by_label("密码").fill("gongzhi-demo")
    phone.get_by_role("button", name="登录").click()
    numbers = phone.get_by_test_id("home-numbers")
    expect(numbers).to_contain_text("东风街道")
    screenshot("officer-home")

    numbers.locator("a.home-scores").click()  # tap 1: the subdistrict's five scores
    phone.get_by_test_id("children").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("officer-dashboard")

    phone.get_by_test_id(f"cell-{community.pk}-management").click()  # tap 2: 幸福社区 x 共管
    expect(phone.get_by_role("heading", level=1)).to_contain_text("幸福社区")
    section = phone.locator("section#management")
    expect(section).to_be_in_viewport()
    screenshot("officer-community-management")

    section.get_by_test_id("indicator-incidents_on_time").click()  # tap 3: 按期结案率
    expect(phone.get_by_role("heading", level=1)).to_have_text("按期结案率")
    row = phone.get_by_test_id("records").locator(f'a[href="/grid/incidents/{overdue.pk}/"]')
    expect(row).to_contain_text("已超期未办结")
    screenshot("officer-records")

    row.click()  # tap 4: the incident behind the figure
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"{overdue.category.name} · {overdue.place}")
    expect(phone.locator("main")).to_contain_text(overdue.description)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("officer-incident")
