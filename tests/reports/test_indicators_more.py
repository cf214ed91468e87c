"""The rest of the indicators against hand-counted data: each exactly on its target scores 100, and
below its minimum data it is left out (no score), never 0."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.models import Action, Evaluation, Meeting, Rating, Response, Solicitation, Vote
from grid.models import DutyShift, Incident
from reports import indicators, selectors
from reports.indicators import Month
from reports.scoring import Figure
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db
MONTH = date(2026, 11, 1)  # scored as of its end, 2026-12-01
D = Decimal


def aware(*args):
    return timezone.make_aware(datetime(*args))


def scored(compound, code):
    return selectors.compound_scores([compound.pk], MONTH)[compound.pk].indicators[code]


def test_solicitation_coverage_counts_households_answering_in_twelve_months(estate, worker):
    a = estate.compound_a  # 2 households: A and A2
    more = [HouseholdFactory(building=estate.building_a, unit_label=f"9-{h}") for h in range(3)]  # 5 in all
    inside = Solicitation.objects.create(
        compound=a, title="停车", opens_on=date(2026, 10, 1), closes_on=date(2026, 11, 30), created_by=worker
    )
    too_old = Solicitation.objects.create(
        compound=a, title="旧", opens_on=date(2025, 11, 1), closes_on=date(2025, 11, 30), created_by=worker
    )
    Response.objects.create(solicitation=inside, household=estate.household_a, entered_by=worker)
    Response.objects.create(solicitation=inside, household=estate.household_a2, entered_by=worker)
    Response.objects.create(solicitation=too_old, household=estate.household_a2, entered_by=worker)
    figure = indicators.solicitation_coverage(Month([a.pk], MONTH))[a.pk]
    assert figure == Figure(D(2) / D(5), 5)
    Response.objects.create(solicitation=inside, household=more[0], entered_by=worker)
    assert scored(a, "solicitation_coverage")["score"] == D("100.0")  # 3 of 5 = 0.6, the target


def test_vote_participation_is_the_mean_headcount_turnout_of_votes_closed_in_twelve_months(estate, worker):
    a = estate.compound_a

    def vote(closes, headcount, total):
        Vote.objects.create(
            compound=a,
            title="表决",
            matter="other_major",
            opens_at=closes - timedelta(days=7),
            closes_at=closes,
            status="closed",
            created_by=worker,
            result={"participation": {"headcount": headcount, "headcount_total": total}},
        )

    vote(aware(2026, 3, 1, 12), 1, 3)
    vote(aware(2026, 11, 20, 12), 1, 1)
    vote(aware(2025, 11, 30, 12), 3, 3)  # closed before the twelve months
    figure = indicators.vote_participation(Month([a.pk], MONTH))[a.pk]
    assert figure == Figure(D(2) / D(3), 2)  # (1/3 + 1) / 2
    assert scored(a, "vote_participation")["score"] == D("100.0")  # 2/3 is on target (0.6667)
    assert scored(estate.compound_b, "vote_participation")["score"] is None  # no vote: left out


def test_consultations_held_counts_consultations_and_assemblies_in_six_months(estate, committee, worker):
    def meeting(kind, held):
        Meeting.objects.create(
            body=committee,
            kind=kind,
            title="会",
            held_at=held,
            place="厅",
            recorded_by=worker,
            recorded_at=held,
        )

    meeting("consultation", aware(2026, 6, 2, 19))
    meeting("owners_assembly", aware(2026, 11, 30, 19))
    meeting("regular", aware(2026, 10, 1, 19))  # not a consultation
    meeting("consultation", aware(2026, 5, 31, 19))  # before the six months
    a = estate.compound_a
    assert indicators.consultations_held(Month([a.pk], MONTH))[a.pk] == Figure(D(2), 2)
    assert scored(a, "consultations_held")["score"] == D("100.0")  # 2, the target


def test_actions_on_time_are_those_due_in_six_months_closed_by_their_day(estate, committee, worker):
    member = committee.members.first()
    meeting = Meeting.objects.create(
        body=committee,
        kind="regular",
        title="会",
        held_at=aware(2026, 5, 1, 19),
        place="厅",
        recorded_by=worker,
        recorded_at=aware(2026, 5, 1, 21),
    )

    def action(due, closed=None):
        Action.objects.create(meeting=meeting, title="事", assignee=member, due_on=due, closed_at=closed)

    for _ in range(9):
        action(date(2026, 9, 10), aware(2026, 9, 10, 18))  # closed on its day: on time
    action(date(2026, 10, 10), aware(2026, 10, 12, 9))  # late
    action(date(2026, 5, 31))  # due before the six months: not counted
    a = estate.compound_a
    assert indicators.actions_on_time(Month([a.pk], MONTH))[a.pk] == Figure(D(9) / D(10), 10)
    assert scored(a, "actions_on_time")["score"] == D("100.0")  # 0.9, the target


def test_duty_done_is_done_over_planned_in_the_month_through_the_covering_grid(estate, grids):
    def duty(day, status):
        starts = aware(2026, 11, day, 7)
        DutyShift.objects.create(
            assignment=grids.cleaner_a,
            staff=grids.cleaner_a.user,
            grid=grids.a,
            role="cleaner",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status=status,
        )

    for day in range(1, 20):
        duty(day, "done")
    duty(20, "missed")
    duty(21, "cancelled")  # not planned any more
    a = estate.compound_a
    assert indicators.duty_done_rate(Month([a.pk], MONTH))[a.pk] == Figure(D(19) / D(20), 20)
    assert scored(a, "duty_done_rate")["score"] == D("100.0")  # 0.95, the target


def test_incident_rating_needs_five_ratings_of_three_months(estate, grids, category, owner):
    def rated(closed, rating):
        Incident.objects.create(
            grid=grids.a,
            category=category,
            place="门",
            description="x",
            reporter=owner,
            reported_at=closed - timedelta(days=1),
            status="closed",
            unit=grids.cleaning,
            deadline=closed + timedelta(days=1),
            closed_at=closed,
            rating=rating,
        )

    for rating in (5, 5, 4, 4):
        rated(aware(2026, 10, 15, 12), rating)
    rated(aware(2026, 8, 31, 12), 1)  # closed before the three months
    a = estate.compound_a
    assert indicators.incident_rating(Month([a.pk], MONTH))[a.pk] == Figure(D(18) / D(4), 4)
    assert scored(a, "incident_rating")["score"] is None  # 4 ratings: under the minimum of 5
    rated(aware(2026, 9, 1, 12), 4)  # the first day of the three months
    assert scored(a, "incident_rating")["value"] == D("4.4000")
    rated(aware(2026, 11, 30, 12), 5)
    assert scored(a, "incident_rating")["score"] == D("100.0")  # 27 / 6 = 4.5, the target


def test_evaluation_response_and_satisfaction_read_the_latest_round(estate, worker):
    a = estate.compound_a
    homes = [estate.household_a, estate.household_a2] + [
        HouseholdFactory(building=estate.building_a, unit_label=f"8-{i}") for i in range(8)
    ]  # 10 households

    def round_(closes):
        return Evaluation.objects.create(
            community=estate.community_a,
            subject="property_service",
            title="测评",
            opens_on=closes - timedelta(days=10),
            closes_on=closes,
            created_by=worker,
        )

    older, latest = round_(date(2026, 6, 30)), round_(date(2026, 10, 31))
    for h in homes:
        Rating.objects.create(evaluation=older, household=h, score=1, rated_by=worker)
    for h, score in zip(homes[:4], (5, 5, 4, 4), strict=True):
        Rating.objects.create(evaluation=latest, household=h, score=score, rated_by=worker)
    month = Month([a.pk], MONTH)
    assert indicators.evaluation_response_rate(month)[a.pk] == Figure(D(4) / D(10), 10)
    assert indicators.satisfaction(Month([a.pk], MONTH))[a.pk] == Figure(D("4.5"), 4)
    assert scored(a, "satisfaction")["score"] is None  # 4 ratings: under the minimum of 5
    Rating.objects.create(evaluation=latest, household=homes[4], score=4, rated_by=worker)
    assert scored(a, "evaluation_response_rate")["score"] == D("100.0")  # 5 of 10 = 0.5, the target
    assert scored(a, "satisfaction")["value"] == D("4.4000")
    assert scored(estate.compound_b, "evaluation_response_rate")["score"] is None  # its community: no round
