import pytest
from django.test import Client

from property.models import Residency, Resident

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_home_requires_sign_in(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_shows_each_role_what_it_can_do(worker, owner, estate):
    worker_home = signed_in(worker).get("/").content.decode()
    assert "社区工作者" in worker_home and "/property/" in worker_home
    owner_home = signed_in(owner).get("/").content.decode()
    assert f"/property/households/{estate.household_a.pk}/" in owner_home
    assert '/property/"' not in owner_home


def test_worker_browses_from_community_to_household(worker, owner, estate):
    client = signed_in(worker)
    assert "幸福社区" in client.get("/property/").content.decode()
    assert "和平社区" not in client.get("/property/").content.decode()
    assert "纺织厂生活区" in client.get(f"/property/communities/{estate.community_a.pk}/").content.decode()
    compound_page = client.get(f"/property/compounds/{estate.compound_a.pk}/").content.decode()
    assert "尚未制定管理方案" in compound_page
    households = client.get(f"/property/compounds/{estate.compound_a.pk}/households/").content.decode()
    assert "1-101" in households and "1-102" in households
    household = client.get(f"/property/households/{estate.household_a.pk}/").content.decode()
    assert "王秀英" in household and "13812341234" in household


def test_household_search_returns_only_the_rows_for_htmx(worker, estate):
    response = signed_in(worker).get(
        f"/property/compounds/{estate.compound_a.pk}/households/?q=102", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "1-102" in body and "1-101" not in body


def test_other_communitys_pages_are_404(worker, estate):
    client = signed_in(worker)
    assert client.get(f"/property/communities/{estate.community_b.pk}/").status_code == 404
    assert client.get(f"/property/compounds/{estate.compound_b.pk}/").status_code == 404
    assert client.get(f"/property/households/{estate.household_b.pk}/").status_code == 404


def test_collector_sees_masked_phones_and_cannot_add_residents(collector, owner, estate):
    client = signed_in(collector)
    page = client.get(f"/property/households/{estate.household_a.pk}/").content.decode()
    assert "138****1234" in page and "13812341234" not in page
    assert client.get(f"/property/households/{estate.household_a.pk}/residents/add/").status_code == 403


def test_worker_adds_a_resident_from_the_page(worker, estate):
    client = signed_in(worker)
    response = client.post(
        f"/property/households/{estate.household_a2.pk}/residents/add/",
        {"name": "刘芳", "phone": "13611112222", "relation": "tenant", "started_on": "2025-03-01"},
    )
    assert response.status_code == 302
    resident = Resident.objects.get(name="刘芳")
    assert Residency.objects.get(resident=resident).household == estate.household_a2
    assert "刘芳" in client.get(response["Location"]).content.decode()


def test_resident_form_shows_errors_by_field_and_writes_nothing(worker, estate):
    response = signed_in(worker).post(
        f"/property/households/{estate.household_a2.pk}/residents/add/",
        {"name": "", "phone": "12", "id_number": "123", "relation": "owner", "started_on": "2025-03-01"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "phone"}
    assert not Resident.objects.filter(phone="12").exists()


def test_bad_id_number_from_the_page_is_shown_on_its_field(worker, estate):
    response = signed_in(worker).post(
        f"/property/households/{estate.household_a2.pk}/residents/add/",
        {"name": "赵敏", "id_number": "110105194912310021", "relation": "owner", "started_on": "2025-03-01"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["id_number"]
    assert not Resident.objects.filter(name="赵敏").exists()


def test_collected_static_files_are_served_by_the_app_server(db, settings, tmp_path):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)


def test_the_date_field_is_prefilled_in_the_format_date_inputs_accept(worker, estate):
    from django.utils import timezone

    page = (
        signed_in(worker)
        .get(f"/property/households/{estate.household_a2.pk}/residents/add/")
        .content.decode()
    )
    assert f'type="date" name="started_on" value="{timezone.localdate().isoformat()}"' in page
