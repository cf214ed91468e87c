"""The five-co scoring rule, against hand-computed figures."""

from decimal import Decimal

import pytest

from reports import scoring
from reports.defaults import INDICATORS
from reports.models import Co, Indicator
from reports.scoring import Figure

D = Decimal


def score(value, records=10, target="0.9", minimum=1, lower=False):
    return scoring.indicator_score(
        Figure(None if value is None else D(value), records),
        target=D(target),
        minimum_data=minimum,
        lower_is_better=lower,
    )


def test_exactly_on_target_scores_100_and_beyond_it_stays_100():
    assert score("0.9") == D("100.0")
    assert score("0.99") == D("100.0")


def test_below_target_scores_its_share_of_it():
    assert score("0.45") == D("50.0")
    assert score("0.6", target="0.6667") == D("90.0")  # 0.6 / 0.6667 = 0.89996 -> 90.0
    assert score("0") == D("0.0")


def test_lower_is_better_inverts_the_ratio():
    # rework rate: target 0.05
    assert score("0.05", target="0.05", lower=True) == D("100.0")
    assert score("0.02", target="0.05", lower=True) == D("100.0")
    assert score("0.10", target="0.05", lower=True) == D("50.0")
    assert score("0", target="0.05", lower=True) == D("100.0")


def test_below_its_minimum_data_an_indicator_has_no_score_not_zero():
    assert score("4.8", records=4, target="4.5", minimum=5) is None
    assert score("4.8", records=5, target="4.5", minimum=5) == D("100.0")
    assert score(None) is None


def test_a_co_is_the_weighted_mean_of_the_indicators_it_has():
    assert scoring.weighted_mean([(D("100"), D(1)), (D("40"), D(3))]) == D("55.0")
    # an insufficient indicator is left out, with its weight
    assert scoring.weighted_mean([(D("100"), D(1)), (None, D(3))]) == D("100.0")
    assert scoring.weighted_mean([(None, D(1)), (None, D(2))]) is None


def test_the_overall_score_is_the_mean_of_the_co_scores_there_are():
    assert scoring.overall([D("80"), D("60"), None, D("100"), D("40")]) == D("70.0")
    assert scoring.overall([None] * 5) is None


def test_a_community_is_the_household_weighted_mean_of_its_compounds():
    # 300 households at 90, 100 at 50: (27000 + 5000) / 400 = 80
    assert scoring.roll_up([(D("90"), 300), (D("50"), 100)]) == D("80.0")
    # a compound without a score is left out with its households
    assert scoring.roll_up([(D("90"), 300), (None, 1000)]) == D("90.0")
    assert scoring.roll_up([]) is None


@pytest.mark.django_db
def test_the_default_indicators_are_data_with_their_documented_targets():
    stored = {i.code: i for i in Indicator.objects.all()}
    assert set(stored) == {row[0] for row in INDICATORS}
    assert {i.co for i in stored.values()} == set(Co.values)
    assert stored["rework_rate"].lower_is_better is True
    assert stored["satisfaction"].minimum_data == 5 and stored["satisfaction"].target == D("4.5")
    assert stored["fee_collection_rate"].target == D("0.95")
