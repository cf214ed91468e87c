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
    answer = signed_in(owner).post(f"/renovation/projects/{project.pk}/advance/", {"to": "consultation"})
    assert answer.status_code == 302 and Project.objects.get().stage == "planned"
    assert signed_in(owner).get(f"/renovation/communities/{estate.community_a.pk}/new/").status_code == 403


# --- the pages of issue 14's later parts: contracts, plan, works notices, inspections, acceptance ------


@pytest.fixture
def on_site(world):
    from grid.models import Category
    from renovation import defaults
    from renovation.models import Contract
    from tests.factories import UserFactory

    defaults.ensure_categories(Category)
    project = world.project("construction")
    builder, supervisor = UserFactory(username="builder"), UserFactory(username="supervisor")
    Contract.objects.filter(project=project, role="construction").update(contact_user=builder)
    Contract.objects.filter(project=project, role="supervision").update(contact_user=supervisor)
    return {"project": project, "builder": builder, "supervisor": supervisor}


def jpeg(name="site.jpg"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (120, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_the_supervisor_inspects_on_the_page_and_the_builder_finds_the_defect_on_the_project(
    world, on_site, settings, tmp_path
):
    from grid.models import Incident

    settings.MEDIA_ROOT = tmp_path
    project, supervisor = on_site["project"], on_site["supervisor"]
    contract = project.contracts.get(role="construction")
    home = signed_in(supervisor).get("/").content.decode()
    assert f"/renovation/projects/{project.pk}/inspect/" in home
    path = f"/renovation/projects/{project.pk}/inspect/"
    form = {
        "compound": world.estate.compound_a.pk,
        "note": "",
        "found": "on",
        "contract": contract.pk,
        "category": "works_quality",
        "place": "1号楼屋面",
        "text": "",
    }
    answer = signed_in(supervisor).post(path, form)
    assert answer.status_code == 200 and answer.context["form"].errors.keys() == {"text"}
    assert not Incident.objects.filter(category__code="works_quality").exists()
    answer = signed_in(supervisor).post(path, {**form, "text": "防水层起鼓", "photo": jpeg()})
    assert answer.status_code == 302
    incident = Incident.objects.get(category__code="works_quality")
    assert incident.unit == contract.unit and incident.photo and incident.status == "dispatched"
    # one more from the inspection's page
    answer = signed_in(supervisor).post(
        answer["Location"],
        {"contract": contract.pk, "category": "works_safety", "text": "材料堆放占用消防通道"},
    )
    assert answer.status_code == 302 and Incident.objects.filter(category__code="works_safety").count() == 1
    page = signed_in(on_site["builder"]).get(f"/renovation/projects/{project.pk}/").content.decode()
    assert (
        'data-testid="findings"' in page
        and "防水层起鼓" in page
        and f"/grid/incidents/{incident.pk}/" in page
    )
    assert signed_in(on_site["builder"]).get(path).status_code == 403
    detail = signed_in(on_site["builder"]).get(f"/grid/incidents/{incident.pk}/")
    assert detail.context["actions"] == ["accept", "extend"]  # returning it is the grid's own staff's


def test_the_works_notice_form_reads_as_a_period_with_its_one_compound_chosen(world, on_site):
    """Its end is 结束时间 (not an incident's 延期至), a project is named 名称 (not a person's 姓名), and the
    only compound of the project is chosen already."""
    import re

    project = on_site["project"]
    page = signed_in(on_site["builder"]).get(f"/renovation/projects/{project.pk}/works/new/").content.decode()
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", page)
    assert "结束时间" in labels and "延期至" not in labels, labels
    compound = world.estate.compound_a
    assert re.search(rf'<option value="{compound.pk}" selected>', page)
    new = signed_in(world.users["worker"]).get(f"/renovation/communities/{compound.community_id}/new/")
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", new.content.decode())
    assert "名称" in labels and "姓名" not in labels, labels


def test_a_contract_for_a_new_unit_a_works_notice_and_the_plans_missing_agreement_on_pages(
    world, on_site, django_capture_on_commit_callbacks
):
    from grid.models import Unit
    from renovation.models import Project, WorksNotice

    project, worker = on_site["project"], world.users["worker"]
    today = world.today
    answer = signed_in(worker).post(
        f"/renovation/projects/{project.pk}/contracts/new/",
        {
            "role": "utility",
            "unit_name": "城市燃气公司",
            "items": [project.items.first().pk],
            "value": "80000",
            "starts_on": str(today),
            "ends_on": str(today.replace(year=today.year + 1)),
            "contact_name": "赵师傅",
            "contact_phone": "13800009999",
        },
    )
    assert answer.status_code == 302
    assert Unit.objects.get(name="城市燃气公司").kind == "utility"
    assert project.contracts.filter(role="utility", unit__name="城市燃气公司").exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_in(on_site["builder"]).post(
            f"/renovation/projects/{project.pk}/works/new/",
            {
                "compound": world.estate.compound_a.pk,
                "buildings": [world.estate.building_a.pk],
                "kind": "water",
                "title": "1号楼停水",
                "body": "更换供水管",
                "starts_at": f"{today + __import__('datetime').timedelta(days=2)}T08:00",
                "ends_at": f"{today + __import__('datetime').timedelta(days=2)}T17:00",
            },
        )
    assert answer.status_code == 302
    notice = WorksNotice.objects.get(title="1号楼停水")
    assert notice.sent_to >= 1  # the building's residents with an account
    Project.objects.filter(pk=project.pk).update(stage="design")
    answer = signed_in(worker).post(
        f"/renovation/projects/{project.pk}/plan/",
        {"adopted_on": str(today), "basis": "vote", "text": "一院一策"},
    )
    assert answer.status_code == 200 and answer.context["missing"][0].code == "vote"
    answer = signed_in(worker).post(
        f"/renovation/projects/{project.pk}/plan/",
        {"adopted_on": str(today), "basis": "consultation", "text": "一院一策"},
    )
    assert answer.status_code == 302 and Project.objects.get(pk=project.pk).plan_basis == "consultation"


def test_the_acceptance_page_takes_representatives_by_box_and_by_phone(world, on_site, settings):
    from property.models import Resident
    from renovation.models import Acceptance, Project

    project, worker = on_site["project"], world.users["worker"]
    Project.objects.filter(pk=project.pk).update(stage="acceptance")
    ids = world.representatives(3)
    Resident.objects.filter(pk=ids[0]).update(is_party_member=True)
    Resident.objects.filter(pk=ids[1]).update(phone="13911112222")
    Resident.objects.filter(pk=ids[2]).update(phone="13933334444")
    path = f"/renovation/projects/{project.pk}/acceptance/"
    page = signed_in(worker).get(path)
    offered = {r.pk for r in page.context["form"].fields["representatives"].queryset}
    assert ids[0] in offered and ids[1] not in offered  # the party members living there
    answer = signed_in(worker).post(
        path, {"held_on": str(world.today), "representatives": [ids[0]], "phones": "13911112222\n13900000000"}
    )
    assert answer.status_code == 200 and "13900000000" in str(answer.context["form"].errors["phones"])
    answer = signed_in(worker).post(
        path, {"held_on": str(world.today), "representatives": [ids[0]], "phones": "13911112222"}
    )
    assert answer.status_code == 200 and answer.context["form"].errors["representatives"]  # two of three
    assert not Acceptance.objects.exists()
    answer = signed_in(worker).post(
        path,
        {"held_on": str(world.today), "representatives": [ids[0]], "phones": "13911112222\n 13933334444 "},
    )
    assert answer.status_code == 302, answer.context["form"].errors
    assert answer["Location"] == f"/renovation/projects/{project.pk}/inspect/"
    assert sorted(r.pk for r in Acceptance.objects.get().representatives.all()) == sorted(ids)


def test_the_officer_sees_every_project_by_stage_with_blacklisted_units(world, on_site, officer):
    from renovation.models import BlacklistEntry

    unit = on_site["project"].contracts.get(role="construction").unit
    BlacklistEntry.objects.create(unit=unit, came_on=world.today, counted_on=world.today, milestones=1)
    page = signed_in(officer).get("/renovation/")
    html = page.content.decode()
    assert 'data-testid="blacklisted"' in html and unit.name in html
    assert [(s, n) for s, _label, n in page.context["stages"] if n] == [("construction", 1)]
    assert len(signed_in(officer).get("/renovation/?stage=design").context["rows"]) == 0
    assert len(signed_in(officer).get("/renovation/?stage=construction").context["rows"]) == 1


def test_the_page_posts_the_stage_it_offers_and_a_second_post_is_shown_as_a_refusal(
    worker, estate, catalogue
):
    """Two taps on "进入“入户征求意见”" (the form sent twice) move the project once; the second answer
    is an error saying where the project already is, not the next stage's missing conditions."""
    from renovation.services import project_create, project_update

    project = project_create(actor=worker, name="改造", compounds=[estate.compound_a], year=2026)
    project_update(
        actor=worker, project=project, items=[(CatalogueItem.objects.get(code="site-roads").pk, 0)]
    )
    client = signed_in(worker)
    page = client.get(f"/renovation/projects/{project.pk}/").content.decode()
    assert '<input type="hidden" name="to" value="consultation">' in page
    first = client.post(f"/renovation/projects/{project.pk}/advance/", {"to": "consultation"}, follow=True)
    assert "项目现在处于：入户征求意见" in first.content.decode()
    second = client.post(f"/renovation/projects/{project.pk}/advance/", {"to": "consultation"}, follow=True)
    assert '<p class="flash error" role="alert">项目已处于“入户征求意见”阶段。</p>' in second.content.decode()
    assert Project.objects.get(pk=project.pk).stage == "consultation"
