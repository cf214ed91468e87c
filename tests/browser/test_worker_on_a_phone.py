import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from property.models import Compound, Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_signs_in_on_a_phone_and_opens_a_compounds_households(live_server, phone, screenshot):
    call_command("seed_demo", verbosity=0)
    compound = Compound.objects.filter(community__name="幸福社区").order_by("id").first()
    expected = Household.objects.filter(building__compound=compound).count()

    phone.goto(f"{live_server.url}/")
    assert "/accounts/login/" in phone.url
    phone.get_by_label("用户名").fill("worker")
    phone.get_by_label("密码").fill("gongzhi-demo")
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="社区、小区与房屋").click()
    phone.get_by_role("link", name="幸福社区").click()
    phone.get_by_role("link", name=compound.name).click()
    screenshot("compound")
    phone.get_by_role("link", name="房屋", exact=True).click()

    rows = phone.get_by_test_id("households").locator("li")
    assert rows.count() == min(expected, 50)
    assert f"共 {expected} 户" in phone.content()
    # Nothing is wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("households")

    # htmx search narrows the list without leaving the page.
    phone.get_by_placeholder("房号，如 2-502").fill("1-101")
    # (a locator wait, not wait_for_function: the page's CSP forbids evaluating strings, as it should)
    expect(phone.get_by_test_id("households").locator("li").filter(has_not_text="1-101")).to_have_count(0)
    labels = phone.get_by_test_id("households").locator("li").all_inner_texts()
    assert labels and all("1-101" in label for label in labels)

    labels[0] and phone.get_by_test_id("households").locator("a").first.click()
    phone.get_by_role("heading", level=2, name="居民").wait_for()
    assert "添加居民" in phone.content()
    screenshot("household")
