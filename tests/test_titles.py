"""No page's <title> holds markup or an address (issue 13): a title is text, read in tabs, history
and shared links. Checked in every template's title block, and on every page each role reaches by
following links from the home page."""

import re
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/api/", "/admin/", "/static/", "/media/", "/accounts/logout", "/i18n/")


def test_every_title_block_holds_text_only():
    bad = []
    for template in ROOT.glob("*/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        for block in TITLE_BLOCK.findall(template.read_text()):
            if "<" in block:
                bad.append(str(template.relative_to(ROOT)))
    assert bad == []


def crawl(client, limit=80):
    seen, queue, titles = set(), ["/"], {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(SKIP) or path.endswith((".ics", ".docx", ".xlsx", ".csv", ".png")):
            continue
        seen.add(path)
        answer = client.get(path)
        if answer.status_code != 200 or not answer["Content-Type"].startswith("text/html"):
            continue
        html = answer.content.decode()
        match = TITLE.search(html)
        titles[path] = match.group(1) if match else None
        queue.extend(p for p in LINK.findall(unescape(html)) if p not in seen)
    return titles


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["worker", "officer", "volunteer", "cleaner", "committee", "collector", "owner"]
)
def test_no_page_a_role_reaches_has_markup_or_an_address_in_its_title(world, client, role):
    world.populate()
    client.force_login(world.users[role])
    titles = crawl(client)
    assert len(titles) >= 3, titles  # the crawl reached pages
    bad = {
        path: title for path, title in titles.items() if not title or "<" in unescape(title) or "://" in title
    }
    assert bad == {}
