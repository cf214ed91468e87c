"""Posts that manage nothing read only what their work needs (DESIGN: the read scope of posts).

Before: any post in a community (a cleaner, community police, a collector) read every body's internal
minutes and the whole household register."""

import pytest

from accounts.models import Role
from tests.conftest import _staff
from tests.factories import UserFactory
from tests.governance.test_meetings import meeting_payload, post_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(estate):
    return _staff("police_x", Role.POLICE, community=estate.community_a)


def test_internal_minutes_are_for_members_and_managing_roles(
    api, committee, committee_member, worker, cleaner, collector, police
):
    internal = post_meeting(api, committee_member, meeting_payload(committee)).json()["id"]
    public = post_meeting(
        api, committee_member, meeting_payload(committee, public=True, title="公开例会")
    ).json()["id"]
    for user in (cleaner, collector, police):
        seen = [m["id"] for m in api(user).get("/api/v1/governance/meetings").json()["items"]]
        assert seen == [public]
        assert api(user).get(f"/api/v1/governance/meetings/{internal}").status_code == 404
    seen = sorted(m["id"] for m in api(worker).get("/api/v1/governance/meetings").json()["items"])
    assert seen == sorted([internal, public])
    assert api(committee_member).get(f"/api/v1/governance/meetings/{internal}").status_code == 200


def test_the_register_is_for_the_roles_that_work_with_it(api, estate, worker, collector, cleaner, police):
    household = estate.household_a.pk
    for user in (cleaner, police):
        assert api(user).get("/api/v1/property/households").json()["count"] == 0
        assert api(user).get("/api/v1/property/residents").json()["count"] == 0
        assert api(user).get(f"/api/v1/property/households/{household}").status_code == 404
        # ... while the compounds themselves (and their public figures) stay visible to them
        assert api(user).get(f"/api/v1/property/compounds/{estate.compound_a.pk}").status_code == 200
    for user in (worker, collector):
        assert api(user).get(f"/api/v1/property/households/{household}").status_code == 200


def test_fees_of_the_register_are_not_for_cleaners_or_police(api, estate, collector, cleaner, police):
    from tests.property.test_payments import make_bills

    make_bills(estate.household_a, ["80.00"])
    for user in (cleaner, police):
        client = api(user)
        assert client.get("/api/v1/property/bills").json()["count"] == 0
        assert client.get("/api/v1/property/arrears").json()["count"] == 0
        assert client.get("/api/v1/property/payments").json()["count"] == 0
        ledger = client.get("/api/v1/property/ledgers/bills?format=csv")
        assert "1-101" not in b"".join(ledger.streaming_content).decode("utf-8-sig")
    assert api(collector).get("/api/v1/property/bills").json()["count"] == 1


def test_the_back_offices_superuser_reads_every_place_even_where_a_scope_adds_homes_or_seats(estate):
    # A scope of posts OR-ed with one's homes or seats: "every row" must survive the OR (an empty Q()
    # vanished, and the admin was shown links to compounds that answered it 404).
    from property.register.permissions import communities_visible
    from reports.permissions import compounds_readable

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert set(compounds_readable(admin)) == {estate.compound_a, estate.compound_b}
    assert set(communities_visible(admin)) == {estate.community_a, estate.community_b}
