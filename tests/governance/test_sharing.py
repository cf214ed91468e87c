"""Notices and disclosure (共享), solicitations (共谋), evaluations (共评), the public compound page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.models import FinanceLine, Notice, Rating, Response, Solicitation
from property.models import FeeItem

pytestmark = pytest.mark.django_db


def post(api, user, path, data):
    return api(user).post(f"/api/v1/governance/{path}", data, content_type="application/json")


def test_a_committee_member_publishes_a_finance_disclosure_with_its_lines(
    api, committee, committee_member, estate
):
    answer = post(
        api,
        committee_member,
        "notices",
        {
            "compound": estate.compound_a.pk,
            "kind": "finance",
            "title": "2026年第三季度公共收益收支公示",
            "lines": [
                {"flow": "income", "item": "广告位租金", "amount": "3600.00"},
                {"flow": "spending", "item": "监控维修", "amount": "1250.50"},
            ],
        },
    )
    assert answer.status_code == 201, answer.content
    assert [line["amount"] for line in answer.json()["lines"]] == ["3600.00", "1250.50"]
    assert answer.json()["author_name"]


def test_a_finance_disclosure_without_lines_or_with_a_bad_amount_writes_nothing(
    api, committee, committee_member, estate
):
    base = {"compound": estate.compound_a.pk, "kind": "finance", "title": "收支公示"}
    empty = post(api, committee_member, "notices", base)
    assert empty.status_code == 422 and "lines" in empty.json()["fields"]
    bad = post(
        api,
        committee_member,
        "notices",
        base | {"lines": [{"flow": "income", "item": "租金", "amount": "-1"}]},
    )
    assert bad.status_code == 422
    assert (Notice.objects.count(), FinanceLine.objects.count()) == (0, 0)


def test_a_fee_standard_notice_is_written_from_the_fee_items_in_force(api, worker, estate):
    FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_area",
        unit_price=Decimal("0.6500"),
        effective_from=date(2026, 1, 1),
    )
    answer = post(
        api,
        worker,
        "notices",
        {"compound": estate.compound_a.pk, "kind": "fee_standard", "title": "物业收费标准公示"},
    )
    assert answer.status_code == 201
    assert "物业服务费" in answer.json()["body"] and "0.65" in answer.json()["body"]


def test_residents_read_notices_but_cannot_publish(api, committee, committee_member, volunteer, estate):
    post(
        api,
        committee_member,
        "notices",
        {"compound": estate.compound_a.pk, "kind": "progress", "title": "屋面维修开工"},
    )
    assert api(volunteer).get("/api/v1/governance/notices").json()["count"] == 1
    refused = post(
        api, volunteer, "notices", {"compound": estate.compound_a.pk, "kind": "progress", "title": "x"}
    )
    assert refused.status_code == 403 and Notice.objects.count() == 1


def test_a_vote_result_notice_cannot_be_written_by_hand(api, worker, estate):
    answer = post(
        api, worker, "notices", {"compound": estate.compound_a.pk, "kind": "vote_result", "title": "x"}
    )
    assert answer.status_code == 422 and "kind" in answer.json()["fields"]


@pytest.fixture
def solicitation(api, worker, estate):
    today = timezone.localdate()
    answer = post(
        api,
        worker,
        "solicitations",
        {
            "compound": estate.compound_a.pk,
            "title": "加装电梯意见征集",
            "opens_on": str(today),
            "closes_on": str(today + timedelta(days=14)),
            "questions": [
                {"text": "是否同意加装电梯？", "kind": "single", "options": ["同意", "不同意"]},
                {"text": "希望改善哪些方面？", "kind": "multiple", "options": ["停车", "绿化", "照明"]},
                {"text": "其他建议", "kind": "text"},
            ],
        },
    )
    assert answer.status_code == 201, answer.content
    return Solicitation.objects.get(pk=answer.json()["id"])


def test_residents_and_door_to_door_workers_answer_and_the_summary_counts_coverage(
    api, solicitation, owner, worker, estate
):
    mine = post(
        api,
        owner,
        f"solicitations/{solicitation.pk}/responses",
        {"household": estate.household_a.pk, "answers": {"1": "同意", "2": ["照明", "停车"], "3": "尽快"}},
    )
    assert mine.status_code == 201 and mine.json()["door_to_door"] is False
    assert mine.json()["answers"]["2"] == ["停车", "照明"]  # in the options' order
    door = post(
        api,
        worker,
        f"solicitations/{solicitation.pk}/responses",
        {"household": estate.household_a2.pk, "answers": {"1": "不同意"}},
    )
    assert door.status_code == 201 and door.json()["door_to_door"] is True
    summary = api(worker).get(f"/api/v1/governance/solicitations/{solicitation.pk}/summary").json()
    assert (summary["households"], summary["answered"], summary["door_to_door"], summary["coverage"]) == (
        2,
        2,
        1,
        "100.00",
    )
    assert summary["questions"][0]["counts"] == [
        {"option": "同意", "count": 1},
        {"option": "不同意", "count": 1},
    ]
    assert summary["questions"][2]["answers"] == ["尽快"]


def test_an_answer_outside_the_options_is_422_and_nothing_is_written(api, solicitation, owner, estate):
    answer = post(
        api,
        owner,
        f"solicitations/{solicitation.pk}/responses",
        {"household": estate.household_a.pk, "answers": {"1": "也许"}},
    )
    assert answer.status_code == 422 and "answers.1" in answer.json()["fields"]
    assert not Response.objects.exists()


def test_answering_again_replaces_the_households_answers(api, solicitation, owner, estate):
    for choice in ("同意", "不同意"):
        post(
            api,
            owner,
            f"solicitations/{solicitation.pk}/responses",
            {"household": estate.household_a.pk, "answers": {"1": choice}},
        )
    assert list(Response.objects.values_list("answers", flat=True)) == [{"1": "不同意"}]


def test_a_resident_cannot_answer_for_a_neighbour(api, solicitation, owner, estate):
    answer = post(
        api,
        owner,
        f"solicitations/{solicitation.pk}/responses",
        {"household": estate.household_a2.pk, "answers": {"1": "同意"}},
    )
    assert answer.status_code == 422  # the neighbour's household is not visible to them
    assert not Response.objects.exists()


def test_a_choice_question_needs_two_options(api, worker, estate):
    today = timezone.localdate()
    answer = post(
        api,
        worker,
        "solicitations",
        {
            "compound": estate.compound_a.pk,
            "title": "x",
            "opens_on": str(today),
            "closes_on": str(today),
            "questions": [{"text": "?", "kind": "single", "options": ["同意"]}],
        },
    )
    assert answer.status_code == 422 and "questions.0.options" in answer.json()["fields"]
    assert not Solicitation.objects.exists()


def test_one_rating_per_household_per_round_and_averages_per_compound(api, worker, owner, volunteer, estate):
    today = timezone.localdate()
    made = post(
        api,
        worker,
        "evaluations",
        {
            "community": estate.community_a.pk,
            "subject": "property_service",
            "title": "2026年四季度物业服务满意度",
            "opens_on": str(today),
            "closes_on": str(today + timedelta(days=10)),
        },
    )
    assert made.status_code == 201
    round_id = made.json()["id"]
    assert (
        post(
            api, owner, f"evaluations/{round_id}/ratings", {"household": estate.household_a.pk, "score": 4}
        ).status_code
        == 201
    )
    again = post(
        api, owner, f"evaluations/{round_id}/ratings", {"household": estate.household_a.pk, "score": 5}
    )
    assert (again.status_code, again.json()["code"]) == (409, "duplicate")
    assert (
        post(
            api,
            volunteer,
            f"evaluations/{round_id}/ratings",
            {"household": estate.household_a2.pk, "score": 5},
        ).status_code
        == 201
    )
    out_of_range = post(
        api, volunteer, f"evaluations/{round_id}/ratings", {"household": estate.household_a2.pk, "score": 6}
    )
    assert out_of_range.status_code == 422
    summary = api(worker).get(f"/api/v1/governance/evaluations/{round_id}/summary").json()
    row = next(r for r in summary if r["compound"] == estate.compound_a.pk)
    assert (row["households"], row["ratings"], row["response_rate"], row["average"]) == (
        2,
        2,
        "100.00",
        "4.50",
    )
    assert Rating.objects.count() == 2


def test_the_public_compound_page_needs_no_sign_in(api, committee, committee_member, estate, solicitation):
    post(
        api,
        committee_member,
        "notices",
        {"compound": estate.compound_a.pk, "kind": "progress", "title": "屋面维修开工"},
    )
    answer = api(None).get(f"/api/v1/governance/public/compounds/{estate.compound_a.pk}")
    assert answer.status_code == 200
    data = answer.json()
    assert [n["title"] for n in data["notices"]] == ["屋面维修开工"]
    assert [s["title"] for s in data["open_solicitations"]] == ["加装电梯意见征集"]
    assert api(None).get("/api/v1/governance/public/compounds/999999").status_code == 404
    assert api(None).get("/api/v1/governance/notices").status_code == 401
