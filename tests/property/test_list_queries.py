"""Every list endpoint answers in a fixed number of queries, whatever the page size."""

import pytest

from tests.factories import BuildingFactory, CompoundFactory, HouseholdFactory, ResidencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_estate(estate):
    for n in range(12):
        compound = CompoundFactory(community=estate.community_a, name=f"小区{n}")
        building = BuildingFactory(compound=compound, name="1号楼")
        ResidencyFactory(household=HouseholdFactory(building=building, unit_label="1-101"))
    return estate


@pytest.mark.parametrize(
    "url,queries",
    [
        # each: the page with its count (COUNT(*) OVER ()) ...
        ("/api/v1/property/communities", 1),
        ("/api/v1/property/compounds", 1),
        ("/api/v1/property/buildings", 1),
        ("/api/v1/property/households", 1),
        # ... and for residents one more: their residencies with households, compounds, communities.
        ("/api/v1/property/residents", 2),
    ],
)
def test_list_query_count_is_fixed(busy_estate, worker, api, django_assert_num_queries, url, queries):
    client = api(worker)
    client.get(url)  # the first request reads the token, its user, posts and homes, then caches them
    for limit in (2, 10):
        with django_assert_num_queries(queries):
            body = client.get(f"{url}?limit={limit}").json()
        assert len(body["items"]) == min(limit, body["count"])
    assert body["count"] >= 1
