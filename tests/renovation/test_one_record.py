"""One renovation record: a project handed over is the compound's record, a renovation done before
Gongzhi ran it is recorded as such a project, and the records kept before move there (migration)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import AuditEvent
from core.errors import Forbidden, Invalid
from renovation.models import CatalogueItem, Project
from renovation.selectors import compounds_renovated, records_by_compound
from renovation.services import catalogue_item_add, project_record_done

pytestmark = pytest.mark.django_db


def record(actor, compounds, **over):
    fields = {
        "name": "纺织厂生活区老旧小区改造",
        "compounds": compounds,
        "year": 2019,
        "items": [(CatalogueItem.objects.get(code="site-roads").pk, Decimal("0"))],
        "funding": [("local_government", Decimal("1200000.00"), Decimal("1200000.00"))],
        "handed_over_on": date(2019, 12, 20),
    }
    return project_record_done(actor=actor, **fields | over)


def test_a_past_renovation_is_recorded_as_a_project_handed_over_and_shown_on_the_compound(
    api, worker, estate, catalogue
):
    a = estate.compound_a
    assert compounds_renovated([a.pk]) == set()
    project = record(
        worker,
        [a],
        funding=[
            ("central_subsidy", Decimal("700000.00"), Decimal("700000.00")),
            ("local_government", Decimal("500000.00"), Decimal("500000.00")),
            ("residents", Decimal("30000.00"), Decimal("30000.00")),
            ("utilities", Decimal("10000.50"), Decimal("10000.50")),
        ],
    )
    assert project.stage == "handed_over" and project.created_by == worker
    assert list(project.items.values_list("percent", flat=True)) == [100]
    assert compounds_renovated([a.pk, estate.compound_b.pk]) == {a.pk}
    assert AuditEvent.objects.filter(action="renovation.project_record_done", object_id=project.pk).exists()
    [shown] = api(worker).get(f"/api/v1/property/compounds/{a.pk}").json()["renovations"]
    assert shown["handed_over_on"] == "2019-12-20"
    assert (shown["funding_government"], shown["funding_residents"], shown["funding_companies"]) == (
        "1200000.00",
        "30000.00",
        "10000.50",
    )
    assert shown["investment"] == "1240000.50" and shown["items"] == ["小区道路"]


def test_a_past_renovation_is_refused_on_the_field_that_is_wrong_and_nothing_is_written(
    worker, worker_b, estate, catalogue
):
    a = estate.compound_a
    cases = [
        ({"year": 9999}, "year"),
        ({"year": 1985}, "year"),
        ({"handed_over_on": date(2018, 5, 1)}, "handed_over_on"),  # before its year
        ({"funding": [("local_government", Decimal("-1"), Decimal("0"))]}, "funding.0.planned"),
        ({"funding": [("lottery", Decimal("1"), Decimal("1"))]}, "funding.0.source"),
        ({"items": [(10**9, Decimal("0"))]}, "items.0.item"),
        ({"compounds": []}, "compounds"),
        ({"compounds": [a, estate.compound_b]}, "compounds"),
    ]
    theirs = catalogue_item_add(
        actor=worker_b, community=estate.community_b, name="他社区的项目", group="supporting", tier="basic"
    )
    cases.append(({"items": [(theirs.pk, Decimal("0"))]}, "items.0.item"))
    for over, field in cases:
        with pytest.raises(Invalid) as refused:
            record(worker, over.pop("compounds", [a]), **over)
        assert list(refused.value.fields) == [field], over
    with pytest.raises(Forbidden):
        record(worker_b, [a])
    assert not Project.objects.exists()


def test_the_compound_page_shows_the_record_once_with_the_project_name(client, worker, estate, catalogue):
    record(worker, [estate.compound_a], name="2019年第一批改造")
    client.force_login(worker)
    page = client.get(f"/property/compounds/{estate.compound_a.pk}/").content.decode()
    assert page.count("2019年第一批改造") == 1 and "¥1200000.00" in page


def test_records_by_compound_reads_many_compounds_in_a_few_queries(
    worker, estate, catalogue, django_assert_max_num_queries
):
    record(worker, [estate.compound_a])
    with django_assert_max_num_queries(5):
        records = records_by_compound([estate.compound_a.pk, estate.compound_b.pk])
    assert [r.year for r in records[estate.compound_a.pk]] == [2019]
    assert estate.compound_b.pk not in records


MIGRATED = [("renovation", "0007_one_renovation_record")]
BEFORE = [("renovation", "0006_past_projects"), ("property", "0012_import_redacted")]


@pytest.mark.django_db(transaction=True)
def test_the_records_kept_before_become_projects_handed_over_and_none_is_kept_twice(estate):
    """Migration renovation 0007 on records as property kept them: a record of its own becomes a
    project (its money by kind, its items through the catalogue), one written at a project's hand-over
    is that project already."""
    a, b = estate.compound_a, estate.compound_b
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Renovation = old.get_model("property", "Renovation")
    RenovationItem = old.get_model("property", "RenovationItem")
    OldProject = old.get_model("renovation", "Project")
    OldCatalogue = old.get_model("renovation", "CatalogueItem")
    roads = RenovationItem.objects.get_or_create(
        code="roads", defaults={"name": "小区道路修缮", "category": "basic"}
    )[0]
    childcare = RenovationItem.objects.get_or_create(
        code="childcare", defaults={"name": "托育服务设施", "category": "enhancement"}
    )[0]
    OldCatalogue.objects.update_or_create(
        code="site-roads",
        defaults={"name": "小区道路", "group": "infrastructure", "tier": "basic", "record_item": roads},
    )
    OldCatalogue.objects.filter(code="childcare").delete()
    kept = Renovation.objects.create(
        compound_id=a.pk,
        year=2015,
        funding_government=Decimal("800000.00"),
        funding_residents=Decimal("2.50"),
    )
    kept.items.set([roads, childcare])
    handed = OldProject.objects.create(
        name="已交付", community_id=b.community_id, year=2021, stage="handed_over", created_by=None
    )
    handed.compounds.set([b.pk])
    Renovation.objects.create(compound_id=b.pk, year=2021, funding_companies=Decimal("5"), notes="已交付")
    executor = MigrationExecutor(connection)
    executor.migrate(MIGRATED)
    new = executor.loader.project_state(MIGRATED).apps
    Project = new.get_model("renovation", "Project")
    assert Project.objects.filter(compounds=b.pk).count() == 1  # the hand-over's record was the project
    carried = Project.objects.get(compounds=a.pk)
    assert (carried.year, carried.stage, carried.created_by_id) == (2015, "handed_over", None)
    assert carried.name == f"{a.name} 2015"
    money = dict(carried.funding.values_list("source", "received"))
    assert money == {"local_government": Decimal("800000.00"), "residents": Decimal("2.50")}
    codes = set(carried.items.values_list("item__code", flat=True))
    assert codes == {"site-roads", "childcare"}  # the old entry with no counterpart is now an item
    assert set(carried.items.values_list("percent", flat=True)) == {100}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
