"""On the demo data, every demo role follows every link it is shown, three links deep from home,
and meets no server error and no link it may not follow (issue 22: a person is shown only the
links they may follow). The records of every indicator open for every place each reader may see.

The demo is seeded once for the module, in a transaction rolled back at its end."""

from collections import Counter, defaultdict
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import User
from reports.records import RECORDS

pytestmark = pytest.mark.django_db

ROLES = [
    "officer",
    "worker",
    "committee",
    "volunteer",
    "cleaner",
    "manager",
    "police",
    "gridworker",
    "enforcer",
    "collector",
    "resident",
    "builder",
    "supervisor",
    "admin",
]
DEPTH = 3
# Addresses of one page (the same route and query keys) followed at most this many times: a list of
# 3,000 households is one page, not 3,000.
PER_ROUTE = 6
NOT_FOLLOWED = ("/accounts/logout", "/static/", "/i18n/")
LINK_ATTRIBUTES = ('href="', "src=\"")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", verbosity=0)
            yield
            transaction.set_rollback(True)


def _links(html: str) -> list[str]:
    found = []
    for attribute in LINK_ATTRIBUTES:
        for chunk in html.split(attribute)[1:]:
            link = unescape(chunk.split('"', 1)[0])
            if link.startswith("/") and not link.startswith("//"):
                found.append(link.split("#", 1)[0])
    return found


def _route(link: str) -> tuple:
    parts = urlsplit(link)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    return route, tuple(sorted({key for key, _value in parse_qsl(parts.query)}))


def crawl(client: Client, depth: int = DEPTH):
    """(pages opened, {address: (status, the page that linked it)}) for every address answering
    other than 200 or a redirect."""
    queue = [("/", 0, None)]
    seen, per_route, bad = {"/"}, Counter(), {}
    opened = 0
    while queue:
        path, level, came_from = queue.pop(0)
        answer = client.get(path)
        opened += 1
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        if answer.status_code not in (200, 301, 302):
            bad[path] = (answer.status_code, came_from)
            continue
        if level >= depth or not answer.get("Content-Type", "").startswith("text/html"):
            continue
        for link in _links(body.decode()):
            if link in seen or link.startswith(NOT_FOLLOWED):
                continue
            seen.add(link)
            route = _route(link)
            per_route[route] += 1
            if per_route[route] <= PER_ROUTE:
                queue.append((link, level + 1, path))
    return opened, bad


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_demo_role_is_shown_opens(demo, role):
    client = Client()
    client.force_login(User.objects.get(username=role))
    opened, bad = crawl(client)
    assert opened >= 5, opened  # the crawl reached pages
    assert bad == {}, "\n".join(f"{path} {status} (linked from {came})" for path, (status, came) in bad.items())


def _places(client):
    """Every place the reader's five-co view reaches: their own, and the places under it."""
    answer = client.get("/api/v1/governance/five-co")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    places = [(data["level"], data["place"]["id"])]
    child_level = {"subdistrict": "community", "community": "compound"}
    queue = list(places)
    while queue:
        level, place = queue.pop()
        if level not in child_level:
            continue
        answer = client.get(f"/api/v1/governance/five-co?{level}={place}")
        assert answer.status_code == 200, answer.content
        for child in answer.json()["children"]:
            places.append((child_level[level], child["id"]))
            queue.append((child_level[level], child["id"]))
    return places


@pytest.mark.parametrize("role", ["officer", "worker", "committee"])
def test_the_records_of_every_indicator_open_for_every_place_a_reader_sees(demo, role):
    client = Client()
    client.force_login(User.objects.get(username=role))
    places = _places(client)
    assert len(places) >= 1
    failed = defaultdict(list)
    for level, place in places:
        for code in RECORDS:
            api = client.get(f"/api/v1/governance/five-co/records?{level}={place}&indicator={code}")
            if api.status_code != 200:
                failed[f"api {level}={place}"].append((code, api.status_code))
            page = client.get(f"/reports/records/?{level}={place}&indicator={code}")
            if page.status_code != 200:
                failed[f"page {level}={place}"].append((code, page.status_code))
    assert dict(failed) == {}
