"""Every link, button and control a finger meets is at least 44x44 CSS px (STYLE, "Pages"; issue
13), measured in Chromium at 390x844 on the main pages of every role: the home page and the pages
its links lead to, as the role follows them. A radio or checkbox is measured by the label one taps;
a text link inside a sentence is left aside."""

import pytest
from django.conf import settings
from django.test import Client

from tests.test_titles import crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["worker", "officer", "volunteer", "cleaner", "committee", "collector", "owner", "resident"]
MINIMUM = 44

# What the finger meets for each interactive element, and its size; an element inside a sentence
# (an inline link with words of its own paragraph around it) is left aside, as is what is hidden.
MEASURE = """(min) => {
  const controls = 'a[href], button, input:not([type="hidden"]), select, textarea, summary';
  const sentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    if (el.closest("nav, .topbar, .crumbs, .list, .pager, .chips, td, th")) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    let words = block.textContent;
    block.querySelectorAll("a, button").forEach((a) => { words = words.replace(a.textContent, ""); });
    return /[\\p{L}\\p{N}]/u.test(words);
  };
  const seen = new Set();
  const small = [];
  for (const el of document.querySelectorAll(controls)) {
    let target = el;
    if (el.matches('input[type="radio"], input[type="checkbox"]')) {
      target = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    }
    if (seen.has(target)) continue;
    seen.add(target);
    const box = target.getBoundingClientRect();
    const style = getComputedStyle(target);
    if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
    if (box.width >= min - 0.5 && box.height >= min - 0.5) continue;
    if (sentence(el)) continue;
    const name = (target.innerText || el.value || el.getAttribute("aria-label") || el.name || "").trim();
    small.push(`${el.tagName.toLowerCase()}${el.type ? "[" + el.type + "]" : ""} "${name.slice(0, 30)}" ` +
      `${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small;
}"""


@pytest.mark.parametrize("role", ROLES)
def test_every_control_on_a_roles_main_pages_is_at_least_44_px(live_server, browser, world, role):
    world.populate()
    client = Client()
    client.force_login(world.users[role])
    pages = crawl(client, limit=30)
    assert len(pages) >= 3, pages
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    small = {}
    try:
        for path in pages:
            page.goto(live_server.url + path)
            found = page.evaluate(MEASURE, MINIMUM)
            if found:
                small[path] = found
    finally:
        context.close()
    assert small == {}, "\n".join(f"{path}: {'; '.join(found)}" for path, found in small.items())
