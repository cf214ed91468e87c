"""Owners' votes counted by Civil Code Article 278, with hand-computed cases at every boundary."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.test import Client
from django.utils import timezone

from governance import counting, services
from governance.models import Ballot, Notice, RollOwner, Vote
from property.models import Residency
from tests.factories import (
    BuildingFactory,
    CompoundFactory,
    HouseholdFactory,
    ResidencyFactory,
    ResidentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- the counting rule itself (pure) ------------------------------------------------------------


def equal_roll(n, area="100"):
    return {i: Decimal(area) for i in range(1, n + 1)}


def test_exactly_two_thirds_taking_part_meets_the_quorum():
    t = counting.tally(equal_roll(3), {1: "for", 2: "for"}, special=False)
    assert (t.area_participation, t.headcount_participation) == (Fraction(2, 3), Fraction(2, 3))
    assert t.quorum_met and t.passed


def test_a_hair_under_two_thirds_of_the_area_does_not_count_even_with_two_thirds_of_the_owners():
    roll = {1: Decimal("100.00"), 2: Decimal("100.00"), 3: Decimal("100.01")}
    t = counting.tally(roll, {1: "for", 2: "for"}, special=False)
    assert t.area_participation == Fraction(20000, 30001) and t.area_participation < Fraction(2, 3)
    assert t.headcount_participation == Fraction(2, 3)
    assert not t.quorum_met and not t.passed


def test_two_thirds_of_the_area_but_fewer_owners_does_not_count():
    # Owner 1 holds 200 of 300 m² alone: area 2/3, but 1 of 3 owners.
    roll = {1: Decimal("200"), 2: Decimal("50"), 3: Decimal("50")}
    t = counting.tally(roll, {1: "for"}, special=False)
    assert t.area_participation == Fraction(2, 3) and t.headcount_participation == Fraction(1, 3)
    assert not t.quorum_met


def test_exactly_half_approval_of_an_ordinary_matter_fails_and_one_more_passes():
    half = counting.tally(equal_roll(4), {1: "for", 2: "for", 3: "against", 4: "abstain"}, special=False)
    assert (half.area_approval, half.headcount_approval) == (Fraction(1, 2), Fraction(1, 2))
    assert half.quorum_met and not half.passed
    more = counting.tally(equal_roll(4), {1: "for", 2: "for", 3: "for", 4: "against"}, special=False)
    assert more.passed


def test_more_than_half_of_the_area_but_exactly_half_of_the_owners_fails():
    roll = {1: Decimal("300"), 2: Decimal("100"), 3: Decimal("100"), 4: Decimal("100")}
    t = counting.tally(roll, {1: "for", 2: "for", 3: "against", 4: "against"}, special=False)
    assert t.area_approval == Fraction(2, 3) and t.headcount_approval == Fraction(1, 2)
    assert not t.passed


def test_exactly_three_quarters_of_a_special_matter_passes_and_less_fails():
    exact = counting.tally(equal_roll(4), {1: "for", 2: "for", 3: "for", 4: "against"}, special=True)
    assert exact.area_approval == Fraction(3, 4) and exact.passed
    short = counting.tally(equal_roll(3), {1: "for", 2: "for", 3: "against"}, special=True)
    assert short.area_approval == Fraction(2, 3) and not short.passed


def test_approval_is_of_the_participants_and_abstaining_takes_part_without_approving():
    # 6 owners; 4 take part (quorum 2/3); 3 for, 1 abstains: 3/4 of participants, 1/2 of all owners.
    t = counting.tally(equal_roll(6), {1: "for", 2: "for", 3: "for", 4: "abstain"}, special=True)
    assert t.headcount_participation == Fraction(2, 3)
    assert t.headcount_approval == Fraction(3, 4) and t.passed


def test_using_the_maintenance_fund_is_ordinary_and_raising_it_is_special():
    from governance.models import SPECIAL_MATTERS, Matter

    assert Matter.USE_MAINTENANCE_FUND not in SPECIAL_MATTERS
    assert {Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD, Matter.CHANGE_COMMON_USE} == SPECIAL_MATTERS
    # 2 of 3 for: passes as an ordinary matter, fails as a special one.
    choices = {1: "for", 2: "for", 3: "against"}
    assert counting.tally(equal_roll(3), choices, special=False).passed
    assert not counting.tally(equal_roll(3), choices, special=True).passed


# --- the roll and the ballots (database, API) -----------------------------------------------------


@pytest.fixture
def ballot_box(estate, worker):
    """A compound of 400 m² and 4 owners on the roll:
    张 owns 1-101 (100) and 1-102 (50)            -> one owner, 150 m²
    李 and 王 co-own 1-201 (80)                   -> one owner, 80 m²
    1-301 (70) and 1-302 (30) are unsold           -> the developer, one owner, 100 m²
    赵 owns 1-401 (70)                             -> one owner, 70 m²
    """
    compound = CompoundFactory(community=estate.community_a, name="投票小区")
    building = BuildingFactory(compound=compound, name="1号楼")
    units = {
        label: HouseholdFactory(
            building=building, unit_label=label, building_area=Decimal(area), held_by_developer=dev
        )
        for label, area, dev in [
            ("1-101", "100", False),
            ("1-102", "50", False),
            ("1-201", "80", False),
            ("1-301", "70", True),
            ("1-302", "30", True),
            ("1-401", "70", False),
        ]
    }
    people = {}
    for name, labels in [("张", ["1-101", "1-102"]), ("李", ["1-201"]), ("王", ["1-201"]), ("赵", ["1-401"])]:
        user = UserFactory(username=f"owner-{name}")
        people[name] = user
        resident = ResidentFactory(name=name, user=user)
        for label in labels:
            ResidencyFactory(resident=resident, household=units[label], started_on=date(2015, 1, 1))
    return compound, units, people


def open_vote(api, compound, user, matter="use_maintenance_fund", hours=24):
    now = timezone.now()
    answer = api(user).post(
        "/api/v1/governance/votes",
        {
            "compound": compound.pk,
            "title": "使用维修资金更换屋面防水",
            "matter": matter,
            "opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(hours=hours)).isoformat(),
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    return Vote.objects.get(pk=answer.json()["id"])


def cast(api, user, vote, unit, choice):
    return api(user).post(
        f"/api/v1/governance/votes/{vote.pk}/ballots",
        {"household": unit.pk, "choice": choice},
        content_type="application/json",
    )


def test_the_roll_counts_one_owner_per_buyer_co_owners_once_and_the_developer_once(api, ballot_box, worker):
    compound, _units, _people = ballot_box
    vote = open_vote(api, compound, worker)
    roll = {(o.name, o.is_developer): (o.area, o.units.count()) for o in RollOwner.objects.filter(vote=vote)}
    assert roll == {
        ("张", False): (Decimal("150.00"), 2),
        ("李、王", False): (Decimal("80.00"), 1),
        ("", True): (Decimal("100.00"), 2),
        ("赵", False): (Decimal("70.00"), 1),
    }
    result = api(worker).get(f"/api/v1/governance/votes/{vote.pk}/result").json()
    assert result["participation"]["area_total"] == "400.00"
    assert result["participation"]["headcount_total"] == 4
    assert result["threshold"] == "majority"


def test_a_ballot_from_any_unit_counts_once_for_the_owners_whole_area(api, ballot_box, worker):
    compound, units, people = ballot_box
    vote = open_vote(api, compound, worker)
    assert cast(api, people["张"], vote, units["1-102"], "for").status_code == 201
    p = api(worker).get(f"/api/v1/governance/votes/{vote.pk}/result").json()["participation"]
    assert (p["area"], p["headcount"], p["area_share"], p["headcount_share"]) == ("150.00", 1, "3/8", "1/4")


def test_a_unit_with_no_registered_owner_still_counts_as_its_own_owner(api, ballot_box, worker):
    compound, units, _people = ballot_box
    Residency.objects.filter(household=units["1-401"]).delete()
    vote = open_vote(api, compound, worker)
    unknown = RollOwner.objects.get(vote=vote, is_registered=False)
    assert (unknown.name, unknown.area) == ("1号楼 1-401", Decimal("70.00"))
    assert RollOwner.objects.filter(vote=vote).count() == 4


def test_a_new_ballot_of_the_same_owner_replaces_the_old_and_the_old_is_kept(api, ballot_box, worker):
    compound, units, people = ballot_box
    vote = open_vote(api, compound, worker)
    assert cast(api, people["李"], vote, units["1-201"], "against").status_code == 201
    assert cast(api, people["王"], vote, units["1-201"], "for").status_code == 201  # the co-owner
    ballots = list(Ballot.objects.filter(vote=vote).order_by("id").values_list("choice", "replaced_at"))
    assert [c for c, _r in ballots] == ["against", "for"]
    assert ballots[0][1] is not None and ballots[1][1] is None
    result = api(worker).get(f"/api/v1/governance/votes/{vote.pk}/result").json()
    assert (result["participation"]["headcount"], result["approval"]["headcount_for"]) == (1, 1)


def test_a_worker_enters_a_paper_ballot_recorded_with_who_entered_it(api, ballot_box, worker):
    compound, units, _people = ballot_box
    vote = open_vote(api, compound, worker)
    answer = cast(api, worker, vote, units["1-302"], "for")
    assert answer.status_code == 201 and answer.json()["on_paper"] is True
    ballot = Ballot.objects.get()
    assert (ballot.cast_by, ballot.owner.is_developer) == (worker, True)


def test_the_roll_frozen_at_opening_outlives_a_later_sale(api, ballot_box, worker):
    compound, units, people = ballot_box
    vote = open_vote(api, compound, worker)
    today = timezone.localdate()
    Residency.objects.filter(household=units["1-401"]).update(ended_on=today)
    buyer = UserFactory(username="buyer")
    ResidencyFactory(
        resident=ResidentFactory(name="钱", user=buyer), household=units["1-401"], started_on=today
    )
    refused = cast(api, buyer, vote, units["1-401"], "for")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_owner")
    assert cast(api, people["赵"], vote, units["1-401"], "against").status_code == 201
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_a_quorum_vote_passes_and_closing_publishes_the_result_once(api, ballot_box, worker):
    compound, units, people = ballot_box
    vote = open_vote(api, compound, worker)
    cast(api, people["张"], vote, units["1-101"], "for")  # 150
    cast(api, people["李"], vote, units["1-201"], "for")  # 80
    cast(api, worker, vote, units["1-301"], "against")  # developer, 100
    # area 330/400 = 33/40 >= 2/3, heads 3/4 >= 2/3; for 230/330 = 23/33 > 1/2, heads 2/3 > 1/2.
    later = vote.closes_at + timedelta(seconds=1)
    assert services.votes_advance(later) == (0, 1)
    assert services.votes_advance(later) == (0, 0)
    vote.refresh_from_db()
    assert vote.status == "closed" and vote.result["passed"] is True
    assert vote.result["final"] is True  # the count kept is the final one (issue 13)
    assert vote.result["approval"]["area_share"] == "23/33"
    browser = Client()  # the vote's page shows the outcome, not a count under way
    browser.force_login(worker)
    html = browser.get(f"/governance/votes/{vote.pk}/").content.decode()
    assert "表决结果" in html and "当前计票" not in html and "通过。" in html
    notice = Notice.objects.get(vote=vote)
    assert notice.kind == "vote_result" and "330.00" in notice.body
    assert (
        notice.body.startswith("参与表决") and notice.body.splitlines()[-1] == "通过。"
    )  # in the residents' language


def test_a_ballot_after_the_close_is_409_and_nothing_is_written(api, ballot_box, worker):
    compound, units, people = ballot_box
    vote = open_vote(api, compound, worker)
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    answer = cast(api, people["赵"], vote, units["1-401"], "for")
    assert (answer.status_code, answer.json()["code"]) == (409, "vote_not_open")
    assert not Ballot.objects.exists()


def test_a_choice_outside_the_list_is_422_and_nothing_is_written(api, ballot_box, worker):
    compound, units, people = ballot_box
    vote = open_vote(api, compound, worker)
    answer = cast(api, people["赵"], vote, units["1-401"], "maybe")
    assert answer.status_code == 422 and "choice" in answer.json()["fields"]
    assert not Ballot.objects.exists()


def test_a_unit_off_the_roll_is_422_and_someone_elses_unit_is_403(api, ballot_box, worker, estate):
    compound, units, people = ballot_box
    vote = open_vote(api, compound, worker)
    off = cast(api, worker, vote, estate.household_a, "for")
    assert off.status_code == 422 and "household" in off.json()["fields"]
    other = cast(api, people["赵"], vote, units["1-101"], "for")
    assert (other.status_code, other.json()["code"]) == (403, "not_owner")
    assert not Ballot.objects.exists()


def test_an_outsider_cannot_see_the_vote(api, ballot_box, worker, outsider, worker_b):
    compound, units, _people = ballot_box
    vote = open_vote(api, compound, worker)
    assert api(outsider).get(f"/api/v1/governance/votes/{vote.pk}").status_code == 404
    assert cast(api, worker_b, vote, units["1-101"], "for").status_code == 404


def test_a_vote_opening_later_is_frozen_by_beat_when_its_time_comes(api, ballot_box, worker):
    compound, units, people = ballot_box
    now = timezone.now()
    vote = services.vote_create(
        actor=worker,
        compound=compound,
        title="选举第二届业主委员会",
        matter="elect_committee",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=8),
    )
    assert vote.status == "scheduled" and not RollOwner.objects.filter(vote=vote).exists()
    assert cast(api, people["赵"], vote, units["1-401"], "for").status_code == 409
    assert services.votes_advance(now + timedelta(days=1, seconds=1)) == (1, 0)
    assert RollOwner.objects.filter(vote=vote).count() == 4
