"""The renovation pages call the same services as the API: a worker creates a project and chooses its
items, budgets and funding; the next step is offered only when it can be taken; others only read."""

import pytest
from django.test import Client

from renovation.models import CatalogueItem, Project
from tests.renovation.test_projects import item_id

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_worker_creates_a_project_on_the_page_and_plans_its_items_and_funding(worker, estate, catalogue):
    answer = signed_in(worker).post(
        f"/renovation/communities/{estate.community_a.pk}/new/",
        {"name": "纺织厂生活区改造", "compounds": [estate.compound_a.pk], "year": 2026, "batch": ""},
    )
    project = Project.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/renovation/projects/{project.pk}/planning/"
    roads = item_id("site-roads")
    answer = signed_in(worker).post(
        f"/renovation/projects/{project.pk}/planning/",
        {
            f"item_{roads}": "on",
            f"budget_{roads}": "120000.00",
            "central_subsidy_planned": "100000",
            "residents_planned": "20000",
        },
    )
    assert answer.status_code == 302
    assert [(i.item.code, str(i.budget)) for i in project.items.select_related("item")] == [
        ("site-roads", "120000.00")
    ]
    assert sorted((f.source, str(f.planned)) for f in project.funding.all()) == [
        ("central_subsidy", "100000.00"),
        ("residents", "20000.00"),
    ]
    page = signed_in(worker).get(f"/renovation/projects/{project.pk}/").content.decode()
    assert "进入“入户征求意见”" in page  # items chosen: the step is offered


def test_the_page_lists_what_a_stage_lacks_instead_of_the_step(worker, estate, catalogue):
    from renovation.services import project_create

    project = project_create(actor=worker, name="改造", compounds=[estate.compound_a], year=2026)
    page = signed_in(worker).get(f"/renovation/projects/{project.pk}/").content.decode()
    assert 'data-testid="missing"' in page and "请先选定要向居民征求意见的改造内容" in page
    assert "进入“入户征求意见”" not in page


def test_a_resident_reads_the_project_but_is_offered_no_step(worker, owner, estate, catalogue):
    from renovation.services import project_create, project_update

    project = project_create(actor=worker, name="改造", compounds=[estate.compound_a], year=2026)
    project_update(
        actor=worker, project=project, items=[(CatalogueItem.objects.get(code="site-roads").pk, 0)]
    )
    page = signed_in(owner).get(f"/renovation/projects/{project.pk}/")
    assert page.status_code == 200 and "小区道路" in page.content.decode()
    assert "进入“" not in page.content.decode() and "/planning/" not in page.content.decode()
    assert signed_in(owner).get(f"/renovation/projects/{project.pk}/planning/").status_code == 403
    answer = signed_in(owner).post(f"/renovation/projects/{project.pk}/advance/")
    assert answer.status_code == 302 and Project.objects.get().stage == "planned"
    assert signed_in(owner).get(f"/renovation/communities/{estate.community_a.pk}/new/").status_code == 403
