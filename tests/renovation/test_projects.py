"""Renovation projects through the API: every stage step allowed and refused with what is missing, the
hand-over rule, money sums, progress with photos, permissions and bad input (issue 14)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from governance import services as governance
from grid.models import Unit
from property.fees import services as billing
from property.register import services as register
from renovation.conditions import next_stage
from renovation.models import CatalogueItem, ProgressEntry, ProgressPhoto, Project, ProjectItem
from renovation.selectors import compounds_renovated, records_by_compound
from tests.conftest import committee_of
from tests.factories import CompoundFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def ok(answer, status=200):
    assert answer.status_code == status, answer.content.decode()
    return answer.json()


def item_id(code):
    return CatalogueItem.objects.get(code=code).pk


@pytest.fixture
def project(api, worker, estate, catalogue):
    return ok(
        api(worker).post(
            "/api/v1/renovation/projects",
            {
                "name": "纺织厂生活区改造",
                "compounds": [estate.compound_a.pk],
                "year": 2026,
                "batch": "第一批",
            },
            content_type="application/json",
        ),
        201,
    )


def patch(api, user, project, body):
    return api(user).patch(
        f"/api/v1/renovation/projects/{project['id']}", body, content_type="application/json"
    )


def advance(api, user, project, to=None):
    """The step to the stage after the project's own (as the page's button posts it), or to `to`."""
    if to is None:
        to = next_stage(Project.objects.get(pk=project["id"]).stage)
    return api(user).post(
        f"/api/v1/renovation/projects/{project['id']}/advance", {"to": to}, content_type="application/json"
    )


def missing_codes(answer) -> list[str]:
    assert answer.status_code == 409, answer.content.decode()
    return [m["code"] for m in answer.json()["missing"]]


def units():
    return {
        role: Unit.objects.create(name=name, kind=role)
        for role, name in [
            ("design", "市政设计院"),
            ("construction", "宏达建设"),
            ("supervision", "诚信监理"),
        ]
    }


def consult(worker, estate, project_pk, households):
    """A door-to-door consultation of compound A linked to the project, answered by `households`."""
    today = timezone.localdate()
    solicitation = governance.solicitation_create(
        actor=worker,
        compound=estate.compound_a,
        title="改造内容入户征求意见",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=3),
        questions=[{"text": "是否同意改造方案", "kind": "single", "options": ["同意", "不同意"]}],
        project=Project.objects.get(pk=project_pk),
    )
    for household in households:
        governance.response_record(
            actor=worker, solicitation=solicitation, household=household, answers={"1": "同意"}
        )
    return solicitation


def test_a_project_reaches_each_stage_only_with_its_conditions_and_is_handed_over_with_its_record(
    api, worker, estate, project, owners, collector
):
    me = api(worker)
    assert project["stage"] == "planned" and project["stages"][0]["reached_on"] == str(timezone.localdate())
    # planned -> consultation: the items the residents are consulted on.
    assert missing_codes(advance(api, worker, project)) == ["items"]
    body = {
        "items": [
            {"item": item_id("roof-waterproofing-renewal"), "budget": "0"},
            {"item": item_id("site-roads"), "budget": "0"},
        ]
    }
    ok(patch(api, worker, project, body))
    assert ok(advance(api, worker, project))["stage"] == "consultation"
    # consultation -> feasibility: a consultation linked to the project reaching 80% of households.
    refused = advance(api, worker, project)
    assert missing_codes(refused) == ["consultation"]
    assert refused.json()["missing"][0]["compound"] == estate.compound_a.pk
    assert refused.json()["missing"][0]["who"]
    consult(worker, estate, project["id"], [estate.household_a])  # 1 of 2 households: 50%
    assert "50.0%" in advance(api, worker, project).json()["missing"][0]["message"]
    consult(worker, estate, project["id"], [estate.household_a, estate.household_a2])
    assert ok(advance(api, worker, project))["stage"] == "feasibility"
    # feasibility -> design: every item budgeted and the planned funding covering the budget.
    assert missing_codes(advance(api, worker, project)) == ["budget", "funding"]
    budgets = {
        "items": [
            {"item": item_id("roof-waterproofing-renewal"), "budget": "300000.00"},
            {"item": item_id("site-roads"), "budget": "200000.50"},
        ]
    }
    ok(patch(api, worker, project, budgets))
    assert missing_codes(advance(api, worker, project)) == ["funding"]
    funding = [
        {"source": "central_subsidy", "planned": "350000.00", "received": "350000.00"},
        {"source": "residents", "planned": "100000.00", "received": "80000.00"},
        {"source": "utilities", "planned": "50000.50", "received": "50000.50"},
    ]
    data = ok(patch(api, worker, project, {"funding": funding}))
    assert data["totals"] == {
        "budget": "500000.50",
        "funding_planned": "500000.50",
        "funding_received": "480000.50",
        "percent_done": 0,
    }
    assert ok(advance(api, worker, project))["stage"] == "design"
    # design -> tender: the plan adopted with the residents' agreement.
    assert missing_codes(advance(api, worker, project)) == ["plan"]
    plan = {
        "adopted_on": str(timezone.localdate()),
        "text": "一院一策：屋面防水、道路",
        "basis": "consultation",
    }
    ok(me.post(f"/api/v1/renovation/projects/{project['id']}/plan", plan, content_type="application/json"))
    assert ok(advance(api, worker, project))["stage"] == "tender"
    # tender -> construction: a construction and a supervision contract.
    assert missing_codes(advance(api, worker, project)) == ["construction_contract", "supervision_contract"]
    made = units()
    items = [i["id"] for i in me.get(f"/api/v1/renovation/projects/{project['id']}").json()["items"]]
    for role in ("construction", "supervision"):
        contract = {
            "unit": made[role].pk,
            "role": role,
            "items": items,
            "value": "250000.00",
            "starts_on": "2026-03-01",
            "ends_on": "2026-10-31",
            "contact_name": "张工",
            "contact_phone": "13700001111",
        }
        ok(
            me.post(
                f"/api/v1/renovation/projects/{project['id']}/contracts",
                contract,
                content_type="application/json",
            ),
            201,
        )
    assert ok(advance(api, worker, project))["stage"] == "construction"
    # construction -> acceptance: every item finished.
    assert missing_codes(advance(api, worker, project)) == ["unfinished"]
    for item in items:
        ok(
            me.post(f"/api/v1/renovation/projects/{project['id']}/progress", {"item": item, "percent": 100}),
            201,
        )
    assert ok(advance(api, worker, project))["stage"] == "acceptance"
    # acceptance -> handed over: the acceptance, and the compound managed after it (改造一个、管好一个).
    assert missing_codes(advance(api, worker, project)) == [
        "acceptance",
        "management_mode",
        "management_plan",
        "fee_items",
        "governing_body",
    ]
    representatives = [r.pk for r in owners(3, prefix="rep")]
    ok(
        me.post(
            f"/api/v1/renovation/projects/{project['id']}/acceptance",
            {"held_on": str(timezone.localdate()), "representatives": representatives},
            content_type="application/json",
        ),
        201,
    )
    register.management_plan_adopt(
        actor=worker,
        compound=estate.compound_a,
        adopted_on=timezone.localdate(),
        text="红色物业托管",
        management_mode="red_property",
    )
    billing.fee_item_create(
        actor=collector,
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_area",
        unit_price="0.5",
        effective_from=timezone.localdate().replace(day=1),
    )
    assert missing_codes(advance(api, worker, project)) == ["governing_body"]
    director = owners(1, prefix="d")[0]
    director.user.resident = director
    committee_of(worker, estate.compound_a, director.user, "纺织厂生活区业委会")
    page = f"/api/v1/property/compounds/{estate.compound_a.pk}"
    assert ok(me.get(page))["renovations"] == []
    assert compounds_renovated([estate.compound_a.pk]) == set()
    assert ok(advance(api, worker, project))["stage"] == "handed_over"
    # The project handed over is the compound's renovation record: no second record is written.
    assert compounds_renovated([estate.compound_a.pk]) == {estate.compound_a.pk}
    [record] = ok(me.get(page))["renovations"]
    assert record["id"] == project["id"] and record["year"] == 2026
    assert record["handed_over_on"] == str(timezone.localdate())
    assert sorted(record["items"]) == sorted(["屋顶防水更新修缮", "小区道路"])
    assert (record["funding_government"], record["funding_residents"], record["funding_companies"]) == (
        "350000.00",
        "80000.00",
        "50000.50",
    )
    assert record["investment"] == "480000.50" and record["compound_count"] == 1
    assert advance(api, worker, project, to="handed_over").json()["code"] == "stage"


def test_a_plan_by_vote_needs_a_passed_vote_of_the_compound_linked_to_the_project(
    api, worker, estate, project, owner
):
    Project.objects.filter(pk=project["id"]).update(stage="design")
    plan = {"adopted_on": str(timezone.localdate()), "text": "方案", "basis": "vote"}
    path = f"/api/v1/renovation/projects/{project['id']}/plan"
    refused = api(worker).post(path, plan, content_type="application/json")
    assert missing_codes(refused) == ["vote"]
    now = timezone.now()
    vote = governance.vote_create(
        actor=worker,
        compound=estate.compound_a,
        title="改造方案表决",
        matter="other_major",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
        project=Project.objects.get(pk=project["id"]),
    )
    for household in (estate.household_a, estate.household_a2):
        governance.ballot_cast(actor=worker, vote=vote, household=household, choice="for")
    assert missing_codes(api(worker).post(path, plan, content_type="application/json")) == [
        "vote"
    ]  # still open
    governance.vote_close(vote_id=vote.pk, now=now + timedelta(hours=2))
    data = ok(api(worker).post(path, plan, content_type="application/json"))
    assert (data["plan_basis"], data["plan_adopted_on"]) == ("vote", str(timezone.localdate()))


def test_a_vote_or_consultation_names_only_a_project_of_its_own_compound(api, worker, estate, project):
    other = CompoundFactory(community=estate.community_a, name="机械厂家属院")
    now = timezone.now()
    answer = api(worker).post(
        "/api/v1/governance/votes",
        {
            "compound": other.pk,
            "title": "表决",
            "matter": "other_major",
            "opens_at": (now + timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=2)).isoformat(),
            "project": project["id"],
        },
        content_type="application/json",
    )
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["project"]


def test_stage_dates_out_of_order_an_unknown_item_and_bad_money_are_422_and_write_nothing(
    api, worker, project
):
    before = ok(api(worker).get(f"/api/v1/renovation/projects/{project['id']}"))
    cases = [
        ({"planned": {"design": "2026-05-01", "tender": "2026-04-01"}}, "planned.tender"),
        ({"name": "新名字", "items": [{"item": 999999, "budget": "1.00"}]}, "items.0.item"),
        ({"funding": [{"source": "lottery", "planned": "1.00"}]}, "funding.0.source"),
        ({"funding": [{"source": "residents", "planned": "-1.00"}]}, "funding.0.planned"),
    ]
    for body, field in cases:
        answer = patch(api, worker, project, body)
        assert answer.status_code in (409, 422), answer.content.decode()
        if answer.status_code == 422:
            assert field in answer.json()["fields"], (field, answer.json())
    assert ok(api(worker).get(f"/api/v1/renovation/projects/{project['id']}")) == before
    ok(patch(api, worker, project, {"planned": {"consultation": "2026-03-01", "design": "2026-05-01"}}))
    answer = patch(api, worker, project, {"planned": {"feasibility": "2026-02-01"}})
    assert list(answer.json()["fields"]) == ["planned.feasibility"]


def test_a_project_of_compounds_in_two_communities_is_refused(api, worker, officer, estate, catalogue):
    answer = api(officer).post(
        "/api/v1/renovation/projects",
        {"name": "跨社区", "compounds": [estate.compound_a.pk, estate.compound_b.pk], "year": 2026},
        content_type="application/json",
    )
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["compounds"]
    answer = api(worker).post(
        "/api/v1/renovation/projects",
        {"name": "跨社区", "compounds": [estate.compound_a.pk, estate.compound_b.pk], "year": 2026},
        content_type="application/json",
    )
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["compounds"]
    assert not Project.objects.exists()


def photo(color="gray"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "site.jpg"
    return buffer


@pytest.fixture
def under_construction(api, worker, estate, project, settings, tmp_path):
    """The project in construction, with a construction company (contact `builder`) holding the roof
    and a supervision company (contact `supervisor`) over both items."""
    settings.MEDIA_ROOT = tmp_path  # the photos from site
    made = units()
    builder, supervisor = UserFactory(username="builder"), UserFactory(username="supervisor")
    me = api(worker)
    items = {
        "roof-waterproofing-renewal": "300000.00",
        "site-roads": "100000.00",
    }
    data = ok(
        patch(api, worker, project, {"items": [{"item": item_id(c), "budget": b} for c, b in items.items()]})
    )
    ids = {i["code"]: i["id"] for i in data["items"]}
    for role, user, covered in (
        ("construction", builder, [ids["roof-waterproofing-renewal"]]),
        ("supervision", supervisor, list(ids.values())),
    ):
        ok(
            me.post(
                f"/api/v1/renovation/projects/{project['id']}/contracts",
                {
                    "unit": made[role].pk,
                    "role": role,
                    "items": covered,
                    "value": "100000.00",
                    "starts_on": str(timezone.localdate() - timedelta(days=30)),
                    "ends_on": str(timezone.localdate() + timedelta(days=200)),
                    "contact_name": user.username,
                    "contact_phone": "13700001111",
                    "contact_username": user.username,
                },
                content_type="application/json",
            ),
            201,
        )
    Project.objects.filter(pk=project["id"]).update(stage="construction")
    return {"project": project, "items": ids, "builder": builder, "supervisor": supervisor}


def test_progress_with_photos_is_kept_and_the_totals_weigh_items_by_budget(api, under_construction, owner):
    site = under_construction
    roof = site["items"]["roof-waterproofing-renewal"]
    path = f"/api/v1/renovation/projects/{site['project']['id']}/progress"
    entry = ok(
        api(site["supervisor"]).post(
            path,
            {"item": roof, "percent": 60, "note": "防水卷材铺设过半", "photos": [photo(), photo("white")]},
        ),
        201,
    )
    assert entry["percent"] == 60 and len(entry["photos"]) == 2
    assert api(None).get(entry["photos"][0]).status_code == 200
    data = ok(api(owner).get(f"/api/v1/renovation/projects/{site['project']['id']}"))  # a resident reads
    roof_item = next(i for i in data["items"] if i["id"] == roof)
    assert (roof_item["percent"], roof_item["note"]) == (60, "防水卷材铺设过半")
    assert data["totals"]["percent_done"] == 45  # (300000 x 60 + 100000 x 0) / 400000


def test_a_contractor_records_only_its_own_items_and_a_resident_only_reads(
    api, under_construction, owner, worker_b
):
    site = under_construction
    roads = site["items"]["site-roads"]
    path = f"/api/v1/renovation/projects/{site['project']['id']}/progress"
    assert api(site["builder"]).post(path, {"item": roads, "percent": 10}).status_code == 403
    assert api(owner).post(path, {"item": roads, "percent": 10}).status_code == 403
    assert api(worker_b).post(path, {"item": roads, "percent": 10}).status_code == 404
    assert (
        api(owner)
        .patch(
            f"/api/v1/renovation/projects/{site['project']['id']}",
            {"name": "x"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert not ProgressEntry.objects.exists()
    ok(
        api(site["builder"]).post(path, {"item": site["items"]["roof-waterproofing-renewal"], "percent": 10}),
        201,
    )
    ok(api(site["supervisor"]).post(path, {"item": roads, "percent": 5}), 201)


def test_progress_outside_0_100_a_bad_photo_or_an_unknown_item_is_422_and_writes_nothing(
    api, under_construction
):
    site = under_construction
    path = f"/api/v1/renovation/projects/{site['project']['id']}/progress"
    roof = site["items"]["roof-waterproofing-renewal"]
    sup = api(site["supervisor"])
    assert "percent" in sup.post(path, {"item": roof, "percent": 101}).json()["fields"]
    assert "percent" in sup.post(path, {"item": roof, "percent": -1}).json()["fields"]
    assert list(sup.post(path, {"item": 999999, "percent": 5}).json()["fields"]) == ["item"]
    fake = io.BytesIO(b"not an image")
    fake.name = "x.jpg"
    assert list(sup.post(path, {"item": roof, "percent": 5, "photos": [photo(), fake]}).json()["fields"]) == [
        "photo"
    ]
    assert not ProgressEntry.objects.exists() and not ProgressPhoto.objects.exists()
    assert ProjectItem.objects.get(pk=roof).percent == 0


def test_progress_is_recorded_only_during_construction(api, worker, project, catalogue):
    data = ok(patch(api, worker, project, {"items": [{"item": item_id("site-roads"), "budget": "1.00"}]}))
    answer = api(worker).post(
        f"/api/v1/renovation/projects/{project['id']}/progress",
        {"item": data["items"][0]["id"], "percent": 5},
    )
    assert answer.status_code == 409 and answer.json()["code"] == "wrong_state"


def test_items_are_fixed_once_construction_starts_but_budgets_may_change(api, worker, under_construction):
    site = under_construction
    roof, roads = site["items"]["roof-waterproofing-renewal"], site["items"]["site-roads"]
    codes = {roof: "roof-waterproofing-renewal", roads: "site-roads"}
    dropped = patch(
        api, worker, site["project"], {"items": [{"item": item_id(codes[roof]), "budget": "1.00"}]}
    )
    assert dropped.status_code == 409
    body = {"items": [{"item": item_id(c), "budget": "123.00"} for c in codes.values()]}
    data = ok(patch(api, worker, site["project"], body))
    assert {i["budget"] for i in data["items"]} == {"123.00"}


def test_a_contract_goes_to_a_unit_of_its_kind_and_covers_only_the_projects_items(
    api, worker, project, grids
):
    path = f"/api/v1/renovation/projects/{project['id']}/contracts"
    contract = {
        "unit": grids.cleaning.pk,
        "role": "construction",
        "items": [],
        "value": "1.00",
        "starts_on": "2026-03-01",
        "ends_on": "2026-10-31",
        "contact_name": "张工",
        "contact_phone": "13700001111",
    }
    assert list(api(worker).post(path, contract, content_type="application/json").json()["fields"]) == [
        "unit"
    ]
    builder = Unit.objects.create(name="宏达建设", kind="construction")
    for body, field in (
        ({**contract, "unit": builder.pk, "items": [999999]}, "items.0"),
        ({**contract, "unit": builder.pk, "ends_on": "2026-02-01"}, "ends_on"),
        ({**contract, "unit": builder.pk, "contact_username": "nobody"}, "contact_username"),
    ):
        answer = api(worker).post(path, body, content_type="application/json")
        assert list(answer.json()["fields"]) == [field], answer.json()
    assert not Project.objects.get(pk=project["id"]).contracts.exists()


def test_a_project_of_two_compounds_is_one_record_on_both_pages(api, worker, estate, catalogue):
    second = CompoundFactory(community=estate.community_a, name="机械厂家属院")
    building = second.buildings.create(name="1号楼", floors=6)
    for n in range(4):
        HouseholdFactory(building=building, unit_label=f"1-{n}01")
    project = ok(
        api(worker).post(
            "/api/v1/renovation/projects",
            {"name": "两院联改", "compounds": [estate.compound_a.pk, second.pk], "year": 2021},
            content_type="application/json",
        ),
        201,
    )
    ok(
        patch(
            api,
            worker,
            project,
            {
                "items": [{"item": item_id("site-roads"), "budget": "100.00"}],
                "funding": [{"source": "local_government", "planned": "100.00", "received": "100.00"}],
            },
        )
    )
    Project.objects.filter(pk=project["id"]).update(stage="handed_over")
    records = records_by_compound([estate.compound_a.pk, second.pk])
    # One record of the whole project on both compounds' pages, saying it is shared: the money is not
    # split into per-compound copies that could drift from the project's.
    assert records[estate.compound_a.pk] == records[second.pk]
    [record] = records[second.pk]
    assert (record.funding_government, record.compound_count) == (Decimal("100.00"), 2)


def test_a_community_adds_an_item_to_its_catalogue_and_only_it_sees_it(api, worker, worker_b, estate):
    added = ok(
        api(worker).post(
            "/api/v1/renovation/catalogue",
            {
                "community": estate.community_a.pk,
                "name": "电动自行车棚",
                "group": "supporting",
                "tier": "improvement",
            },
            content_type="application/json",
        ),
        201,
    )
    mine = ok(api(worker).get(f"/api/v1/renovation/catalogue?community={estate.community_a.pk}"))
    theirs = ok(api(worker_b).get(f"/api/v1/renovation/catalogue?community={estate.community_b.pk}"))
    assert added["id"] in [i["id"] for i in mine] and added["id"] not in [i["id"] for i in theirs]
    groups = {}
    for item in theirs:
        groups[item["group"]] = groups.get(item["group"], 0) + 1
    assert groups == {"main_function": 18, "infrastructure": 11, "supporting": 9}
    again = api(worker).post(
        "/api/v1/renovation/catalogue",
        {
            "community": estate.community_a.pk,
            "name": "电动自行车棚",
            "group": "supporting",
            "tier": "improvement",
        },
        content_type="application/json",
    )
    assert again.status_code == 409


def test_projects_are_listed_to_their_community_and_the_residents_of_their_compounds(
    api, worker, worker_b, owner, volunteer, project, django_assert_num_queries
):
    assert [p["id"] for p in ok(api(owner).get("/api/v1/renovation/projects"))["items"]] == [project["id"]]
    assert ok(api(worker_b).get("/api/v1/renovation/projects"))["count"] == 0
    assert api(worker_b).get(f"/api/v1/renovation/projects/{project['id']}").status_code == 404
    client = api(worker)
    for n in range(3):  # more rows, no more queries
        client.post(
            "/api/v1/renovation/projects",
            {"name": f"改造{n}", "compounds": [project["compounds"][0]], "year": 2027},
            content_type="application/json",
        )
    client.get("/api/v1/me")  # the token's user is cached with its scope
    with django_assert_num_queries(4):
        # the page of projects (the count is left out when the page is not full), then their
        # compounds, items and funding prefetched
        assert ok(client.get("/api/v1/renovation/projects?stage=planned"))["count"] == 4


def test_the_year_is_plausible(api, worker, estate, catalogue):
    answer = api(worker).post(
        "/api/v1/renovation/projects",
        {"name": "x", "compounds": [estate.compound_a.pk], "year": 1999},
        content_type="application/json",
    )
    assert list(answer.json()["fields"]) == ["year"]


def test_a_project_is_behind_when_a_planned_stage_or_a_works_contract_is_late(
    api, worker, under_construction
):
    from renovation.models import Contract, StageDate
    from renovation.selectors import milestones_overdue, projects_detailed

    site = under_construction
    today = timezone.localdate()
    project = Project.objects.get(pk=site["project"]["id"])

    def behind():
        return milestones_overdue(projects_detailed(Project.objects.filter(pk=project.pk)).get(), today)

    assert behind() == {"stages": [], "contracts": []}
    StageDate.objects.filter(project=project, stage="acceptance").update(planned_on=today - timedelta(days=3))
    StageDate.objects.filter(project=project, stage="handed_over").update(
        planned_on=today
    )  # due today: not late
    Contract.objects.filter(project=project).update(ends_on=today - timedelta(days=5))
    late = behind()
    assert [(s["planned_on"], s["days"]) for s in late["stages"]] == [(today - timedelta(days=3), 3)]
    # The builder's roof is unfinished: it counts against the construction company, not the supervisor.
    assert [(c["unit"].kind, c["days"]) for c in late["contracts"]] == [("construction", 5)]
    ProjectItem.objects.filter(project=project).update(percent=100)
    assert behind()["contracts"] == []


def test_the_step_names_its_stage_and_a_second_tap_is_refused_as_already_there(api, worker, project):
    """At feasibility with design's and tender's conditions both met, two taps on "to design" one after
    the other move it once; the second is 409 `stage` "already at design", not a move to tender."""
    from renovation.models import Stage

    Project.objects.filter(pk=project["id"]).update(
        stage="feasibility", plan_adopted_on=timezone.localdate(), plan_basis="consultation"
    )
    budgets = {"items": [{"item": item_id("site-roads"), "budget": "100.00"}]}
    funding = [{"source": "residents", "planned": "100.00", "received": "0"}]
    ok(patch(api, worker, project, {**budgets, "funding": funding}))
    assert ok(advance(api, worker, project, to="design"))["stage"] == "design"
    again = advance(api, worker, project, to="design")
    assert again.status_code == 409
    assert again.json()["code"] == "stage"
    assert again.json()["detail"] == f"项目已处于“{Stage.DESIGN.label}”阶段。"
    assert Project.objects.get(pk=project["id"]).stage == "design"
    skipping = advance(api, worker, project, to="construction")
    assert (skipping.status_code, skipping.json()["code"]) == (409, "stage")
    for body in ({}, {"to": "next"}):
        refused = api(worker).post(
            f"/api/v1/renovation/projects/{project['id']}/advance", body, content_type="application/json"
        )
        assert refused.status_code == 422
        assert list(refused.json()["fields"]) == ["to"]
    assert Project.objects.get(pk=project["id"]).stage == "design"
