"""Every governance list answers in a fixed number of queries, whatever the page size."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from governance.models import Action, Body, Evaluation, Meeting, Member, Notice, Question, Solicitation, Vote
from tests.factories import CompoundFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(estate, worker):
    held = timezone.make_aware(datetime(2026, 3, 1, 19))
    for n in range(12):
        compound = CompoundFactory(community=estate.community_a, name=f"小区{n}")
        body = Body.objects.create(
            kind="residents_council",
            name=f"议事会{n}",
            community=estate.community_a,
            compound=compound,
            term_start=date(2025, 1, 1),
        )
        member = Member.objects.create(body=body, resident=ResidentFactory(), started_on=date(2025, 1, 1))
        meeting = Meeting.objects.create(
            body=body, title="例会", held_at=held, place="议事厅", recorded_by=worker
        )
        Action.objects.create(meeting=meeting, title="跟进", assignee=member, due_on=date(2026, 3, 8))
        Vote.objects.create(
            compound=compound,
            title="表决",
            matter="other_major",
            opens_at=held,
            closes_at=held + timedelta(days=7),
            created_by=worker,
        )
        Notice.objects.create(
            compound=compound, kind="progress", title="公告", published_on=date(2026, 3, 2), author_name="x"
        )
        s = Solicitation.objects.create(
            compound=compound,
            title="征集",
            opens_on=date(2026, 3, 1),
            closes_on=date(2026, 3, 9),
            created_by=worker,
        )
        Question.objects.create(solicitation=s, position=1, text="?", kind="text")
        Evaluation.objects.create(
            community=estate.community_a,
            subject="grid_work",
            title="测评",
            opens_on=date(2026, 3, 1),
            closes_on=date(2026, 3, 9),
            created_by=worker,
        )
    return estate


@pytest.mark.parametrize(
    "url,queries",
    [
        # Each: the page with its count (COUNT(*) OVER ()); scope and seats are subqueries, and a
        # worker has no homes, so the home compounds cost nothing.
        ("/api/v1/governance/bodies", 1),
        ("/api/v1/governance/meetings", 1),
        ("/api/v1/governance/votes", 1),
        ("/api/v1/governance/actions", 1),
        ("/api/v1/governance/evaluations", 1),
        # ... plus the finance lines / the questions of the page.
        ("/api/v1/governance/notices", 2),
        ("/api/v1/governance/solicitations", 2),
    ],
)
def test_list_query_count_is_fixed(busy, worker, api, django_assert_num_queries, url, queries):
    client = api(worker)
    client.get(url)  # the first request reads the token, its user, posts and homes, then caches them
    for limit in (2, 10):
        with django_assert_num_queries(queries):
            body = client.get(f"{url}?limit={limit}").json()
        assert len(body["items"]) == min(limit, body["count"])
    assert body["count"] >= 10
