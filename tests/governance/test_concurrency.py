"""Ballots racing each other and the close: needs PostgreSQL and real threads."""

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.services import token_issue
from core.errors import Conflict
from governance import services
from governance.models import Ballot, Vote

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="concurrency is tested on PostgreSQL"),
]


def run_at_once(jobs):
    barrier = threading.Barrier(len(jobs))

    def wrap(job):
        barrier.wait()
        try:
            job()
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def open_vote(compound, worker):
    now = timezone.now()
    return services.vote_create(
        actor=worker,
        compound=compound,
        title="选聘物业服务企业",
        matter="hire_property_company",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=1),
    )


def test_an_owner_and_a_paper_ballot_for_the_same_unit_at_once_leave_one_standing_ballot(
    estate, worker, owners
):
    people = owners(10)
    vote = open_vote(estate.compound_a, worker)
    worker_token = token_issue(user=worker, name="race")[1]
    answers = []

    def ballot(token, household_id, choice):
        def job():
            client = Client(headers={"Authorization": f"Bearer {token}"})
            answer = client.post(
                f"/api/v1/governance/votes/{vote.pk}/ballots",
                {"household": household_id, "choice": choice},
                content_type="application/json",
            )
            answers.append(answer.status_code)

        return job

    jobs = []
    for resident in people:
        home = resident.residencies.get().household_id
        jobs.append(ballot(token_issue(user=resident.user, name="race")[1], home, "for"))
        jobs.append(ballot(worker_token, home, "against"))
    run_at_once(jobs)
    assert answers == [201] * 20
    assert Ballot.objects.filter(vote=vote).count() == 20
    standing = Ballot.objects.filter(vote=vote, replaced_at__isnull=True)
    assert standing.count() == 10 and standing.values("owner").distinct().count() == 10


def test_ballots_racing_the_close_are_either_counted_or_refused(estate, worker, owners):
    people = owners(12)
    vote = open_vote(estate.compound_a, worker)
    answers = []

    def ballot(resident):
        token = token_issue(user=resident.user, name="race")[1]
        home = resident.residencies.get().household_id

        def job():
            answer = Client(headers={"Authorization": f"Bearer {token}"}).post(
                f"/api/v1/governance/votes/{vote.pk}/ballots",
                {"household": home, "choice": "for"},
                content_type="application/json",
            )
            answers.append(answer.status_code)

        return job

    def close():
        Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
        services.vote_close(vote_id=vote.pk, now=timezone.now() + timedelta(seconds=1))

    run_at_once([ballot(r) for r in people] + [close])
    vote.refresh_from_db()
    assert vote.status == "closed"
    assert set(answers) <= {201, 409} and len(answers) == 12
    # Every ballot the server accepted is in the published count, and no other.
    assert vote.result["participation"]["headcount"] == answers.count(201)
    assert Ballot.objects.filter(vote=vote).count() == answers.count(201)


def test_a_ballot_waiting_for_the_lock_past_the_close_is_refused(estate, worker, owners):
    """The time is taken once the vote is locked: a ballot that waited for another's lock until
    after the close is refused, not stamped after it (issue 13)."""
    person = owners(1)[0]
    home = person.residencies.get().household
    vote = open_vote(estate.compound_a, worker)
    closes = timezone.now() + timedelta(seconds=1.5)
    Vote.objects.filter(pk=vote.pk).update(closes_at=closes)
    held, outcome = threading.Event(), []

    def hold_the_vote():
        with transaction.atomic():
            Vote.objects.select_for_update().get(pk=vote.pk)
            held.set()
            time.sleep(2.5)  # past the close, the lock still held

    def cast():
        held.wait()
        try:
            services.ballot_cast(actor=person.user, vote=vote, household=home, choice="for")
            outcome.append("cast")
        except Conflict as refused:
            outcome.append(refused.code)

    threads = [threading.Thread(target=j) for j in (hold_the_vote, cast)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.close()
    assert outcome == ["vote_not_open"]
    assert not Ballot.objects.filter(vote=vote, cast_at__gte=closes).exists()
