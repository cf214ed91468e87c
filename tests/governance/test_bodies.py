from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from governance import selectors, services
from governance.models import Body, Member

pytestmark = pytest.mark.django_db


def post(api, user, path, data):
    return api(user).post(f"/api/v1/governance/{path}", data, content_type="application/json")


def test_a_committee_in_order_has_no_problems_and_counts_its_members(api, committee, worker):
    answer = api(worker).get(f"/api/v1/governance/bodies/{committee.pk}").json()
    assert (answer["members"], answer["problems"]) == (5, [])


def test_an_even_or_too_small_committee_is_flagged(committee, worker):
    member = Member.objects.filter(body=committee, role="member").first()
    services.member_end(actor=worker, member=member, ended_on=date(2025, 1, 1))
    problems = selectors.body_problems(committee, 4)
    assert len(problems) == 2  # below 5, and even


def test_a_committee_has_at_most_the_configured_number_of_members(api, committee, worker, owners, settings):
    settings.COMMITTEE_MAX_MEMBERS = 7
    extra = owners(3, prefix="x")
    for resident in extra[:2]:
        assert (
            post(
                api,
                worker,
                f"bodies/{committee.pk}/members",
                {"resident": resident.pk, "started_on": "2024-02-01"},
            ).status_code
            == 201
        )
    refused = post(
        api, worker, f"bodies/{committee.pk}/members", {"resident": extra[2].pk, "started_on": "2024-02-01"}
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "too_many")
    assert Member.objects.filter(body=committee).count() == 7


def test_a_committee_term_longer_than_five_years_is_refused(api, worker, estate):
    answer = post(
        api,
        worker,
        "bodies",
        {
            "kind": "owners_committee",
            "name": "第二届业委会",
            "compound": estate.compound_a.pk,
            "term_start": "2026-01-01",
            "term_end": "2031-01-02",
        },
    )
    assert answer.status_code == 422 and "term_end" in answer.json()["fields"]
    exactly = post(
        api,
        worker,
        "bodies",
        {
            "kind": "owners_committee",
            "name": "第二届业委会",
            "compound": estate.compound_a.pk,
            "term_start": "2026-01-01",
            "term_end": "2031-01-01",
        },
    )
    assert exactly.status_code == 201
    assert Body.objects.count() == 1


def test_only_owners_sit_on_a_committee(api, committee, worker, volunteer):
    # `volunteer` lives in compound A as a family member, not an owner.
    from property.models import Residency

    Residency.objects.filter(resident=volunteer.resident).update(relation="family")
    answer = post(
        api,
        worker,
        f"bodies/{committee.pk}/members",
        {"resident": volunteer.resident.pk, "started_on": "2024-02-01"},
    )
    assert answer.status_code == 422 and "resident" in answer.json()["fields"]


def test_every_member_of_a_party_team_is_a_party_member(api, worker, estate, volunteer, owner):
    team = post(
        api,
        worker,
        "bodies",
        {
            "kind": "party_team",
            "name": "幸福社区党员联合管理队伍",
            "community": estate.community_a.pk,
            "term_start": "2025-01-01",
        },
    )
    assert team.status_code == 201
    team_id = team.json()["id"]
    ok = post(
        api,
        worker,
        f"bodies/{team_id}/members",
        {"resident": volunteer.resident.pk, "started_on": "2025-01-01"},
    )
    assert ok.status_code == 201  # 李强 is a party member
    refused = post(
        api, worker, f"bodies/{team_id}/members", {"resident": owner.resident.pk, "started_on": "2025-01-01"}
    )
    assert refused.status_code == 422 and "resident" in refused.json()["fields"]
    assert Member.objects.filter(body_id=team_id).count() == 1


def test_a_compound_with_no_governing_body_is_a_gap_until_one_is_formed(api, worker, estate):
    names = [g["name"] for g in api(worker).get("/api/v1/governance/gaps").json()]
    assert estate.compound_a.name in names and estate.compound_b.name not in names  # B is not worker's
    services.body_create(
        actor=worker,
        kind="residents_council",
        name="居民议事会",
        compound=estate.compound_a,
        term_start=date(2025, 1, 1),
    )
    assert estate.compound_a.name not in [
        g["name"] for g in api(worker).get("/api/v1/governance/gaps").json()
    ]


def test_the_worker_is_warned_once_when_a_term_ends_within_ninety_days(committee, worker):
    today = timezone.localdate()
    Body.objects.filter(pk=committee.pk).update(term_end=today + timedelta(days=90))
    assert services.terms_warn(today) == 1
    assert services.terms_warn(today) == 0
    assert Notification.objects.filter(user=worker).count() == 1
    _ungoverned, ending = selectors.governance_gaps(worker)
    assert [b.pk for b in ending] == [committee.pk]
    Body.objects.filter(pk=committee.pk).update(term_end=today + timedelta(days=91))
    assert services.terms_warn(today) == 0


def test_a_resident_cannot_add_members_and_an_outsider_cannot_see_the_body(
    api, committee, volunteer, outsider
):
    me = volunteer.resident.pk  # a resident of the compound may see the committee, not seat themself
    refused = post(
        api, volunteer, f"bodies/{committee.pk}/members", {"resident": me, "started_on": "2024-02-01"}
    )
    assert refused.status_code == 403
    assert not Member.objects.filter(resident_id=me).exists()
    assert api(outsider).get(f"/api/v1/governance/bodies/{committee.pk}").status_code == 404


def test_a_committee_is_filed_only_with_an_odd_number_of_five_to_eleven_members(api, worker, estate, owners):
    made = post(
        api,
        worker,
        "bodies",
        {
            "kind": "owners_committee",
            "name": "第一届业委会",
            "compound": estate.compound_a.pk,
            "term_start": "2025-01-01",
            "term_end": "2030-01-01",
        },
    ).json()
    people = owners(6, prefix="f")
    for resident in people[:4]:
        post(
            api, worker, f"bodies/{made['id']}/members", {"resident": resident.pk, "started_on": "2025-01-01"}
        )
    too_few = post(api, worker, f"bodies/{made['id']}/file", {"filed_on": "2025-02-01"})
    assert (too_few.status_code, too_few.json()["code"]) == (409, "composition")
    post(api, worker, f"bodies/{made['id']}/members", {"resident": people[4].pk, "started_on": "2025-01-01"})
    filed = post(api, worker, f"bodies/{made['id']}/file", {"filed_on": "2025-02-01"})
    assert (
        filed.status_code == 200
        and filed.json()["filed_on"] == "2025-02-01"
        and filed.json()["problems"] == []
    )
    again = post(api, worker, f"bodies/{made['id']}/file", {"filed_on": "2025-02-02"})
    assert again.status_code == 409


def test_a_committee_cannot_be_created_already_filed_with_nobody_seated(api, worker, estate):
    body = {
        "kind": "owners_committee",
        "name": "第二届业委会",
        "compound": estate.compound_a.pk,
        "term_start": "2025-01-01",
        "term_end": "2030-01-01",
        "filed_on": "2025-02-01",
    }
    refused = post(api, worker, "bodies", body)
    assert (refused.status_code, refused.json()["code"]) == (409, "composition")
    assert not Body.objects.filter(name="第二届业委会").exists()
    del body["filed_on"]
    assert post(api, worker, "bodies", body).status_code == 201  # filed later, with its members


def test_a_member_ended_on_a_later_day_counts_towards_the_size_until_that_day(
    api, committee, worker, owners, settings
):
    settings.COMMITTEE_MAX_MEMBERS = 5
    today = timezone.localdate()
    leaving = Member.objects.filter(body=committee, role="member").first()
    services.member_end(actor=worker, member=leaving, ended_on=today + timedelta(days=30))
    # The lists still show five: the leaving member sits until the end day.
    body = api(worker).get(f"/api/v1/governance/bodies/{committee.pk}").json()
    seated = [m.pk for m in selectors.current_members(committee)]
    assert (body["members"], len(seated), leaving.pk in seated) == (5, 5, True)
    newcomer = owners(1, prefix="n")[0]
    refused = post(
        api, worker, f"bodies/{committee.pk}/members", {"resident": newcomer.pk, "started_on": str(today)}
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "too_many")
    # From the end day on, the seat is free.
    on_the_day = post(
        api,
        worker,
        f"bodies/{committee.pk}/members",
        {"resident": newcomer.pk, "started_on": str(today + timedelta(days=30))},
    )
    assert on_the_day.status_code == 201


def test_a_member_ended_on_a_later_day_counts_towards_the_filing_rule_until_that_day(
    api, worker, estate, owners
):
    today = timezone.localdate()
    made = post(
        api,
        worker,
        "bodies",
        {
            "kind": "owners_committee",
            "name": "第一届业委会",
            "compound": estate.compound_a.pk,
            "term_start": str(today - timedelta(days=60)),
            "term_end": str(today + timedelta(days=700)),
        },
    ).json()
    start = str(today - timedelta(days=60))
    for resident in owners(5, prefix="f"):
        post(api, worker, f"bodies/{made['id']}/members", {"resident": resident.pk, "started_on": start})
    leaving = Member.objects.filter(body_id=made["id"]).first()
    services.member_end(actor=worker, member=leaving, ended_on=today + timedelta(days=10))
    late = post(api, worker, f"bodies/{made['id']}/file", {"filed_on": str(today + timedelta(days=10))})
    assert (late.status_code, late.json()["code"]) == (409, "composition")  # four on that day
    filed = post(api, worker, f"bodies/{made['id']}/file", {"filed_on": str(today)})
    assert (filed.status_code, filed.json()["members"], filed.json()["problems"]) == (200, 5, [])


def test_a_seat_is_not_taken_twice_over_a_seat_that_ends_later(api, committee, worker):
    today = timezone.localdate()
    member = Member.objects.filter(body=committee, role="member").first()
    services.member_end(actor=worker, member=member, ended_on=today + timedelta(days=30))
    again = post(
        api,
        worker,
        f"bodies/{committee.pk}/members",
        {"resident": member.resident_id, "started_on": str(today)},
    )
    assert (again.status_code, again.json()["code"]) == (409, "duplicate")
