"""Nothing is wider than a 360 px screen in English either (STYLE, "Pages"; issue 13, part 8): English
words are longer than the Chinese they translate, and tables, facts and rows must wrap instead of
pushing the page sideways. Every role's main pages, as the role reaches them from home."""

import pytest
from django.conf import settings
from django.test import Client

from tests.test_titles import crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["worker", "officer", "volunteer", "cleaner", "committee", "collector", "owner", "resident"]

# The elements that stick out past the right edge, to name in the failure.
WIDER = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0) {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${Math.round(box.right)}`);
    }
  }
  return out.slice(0, 5);
}"""


@pytest.mark.parametrize("role", ROLES)
def test_no_page_of_a_role_is_wider_than_360_px_in_english(live_server, browser, world, role):
    world.populate()
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages = crawl(client, limit=40)
    assert len(pages) >= 3, pages
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    context.add_cookies(
        [
            {"name": name, "value": client.cookies[name].value, "url": live_server.url}
            for name in (settings.SESSION_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME)
        ]
    )
    page = context.new_page()
    wide = {}
    try:
        for path in pages:
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.lang") == "en", path
            if page.evaluate("document.documentElement.scrollWidth") > 360:
                wide[path] = page.evaluate(WIDER, 360)
    finally:
        context.close()
    assert wide == {}, "\n".join(f"{path}: {'; '.join(found)}" for path, found in wide.items())
