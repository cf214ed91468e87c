"""The volunteers ledger brought in (issue 12): each row a resident of the community's register,
entered as approved on the ledger's day with the services they give; the same file again changes
nothing; a changed service list updates it; people outside the register are named, nothing written."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AuditEvent
from tests.imports import import_ledger
from volunteers import defaults
from volunteers.models import RegistrationStatus, ServiceType, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _service_types():
    defaults.ensure(ServiceType)


def ledger(*rows, headers="志愿者姓名,手机号,服务类型,批准日期"):
    return SimpleUploadedFile("志愿者.csv", ("\n".join([headers, *rows]) + "\n").encode("utf-8-sig"))


def send(client, file, community, capture):
    return import_ledger(client, capture, file=file, kind="volunteers", community=community.pk, dry_run=False)


def test_volunteers_of_the_register_are_entered_approved_and_again_nothing_changes(
    api, estate, worker, owner, volunteer, django_capture_on_commit_callbacks
):
    client = api(worker)
    rows = ("王秀英,13812341234,治安巡逻、停车引导,2024-03-01", "李强,,garbage-sorting,")
    done = send(client, ledger(*rows), estate.community_a, django_capture_on_commit_callbacks)
    assert (done["status"], done["created"]) == ("done", 2), done
    assert [(c["name"], c["outcome"], c["fields"]) for c in done["changes"]] == [
        ("王秀英", "created", [["服务类型", None, "治安巡逻、停车引导"]]),
        ("李强", "created", [["服务类型", None, "垃圾分类引导"]]),
    ]
    wang = Volunteer.objects.get(resident__name="王秀英")
    assert wang.status == RegistrationStatus.APPROVED and wang.decided_by == worker
    assert timezone.localtime(wang.decided_at).date() == date(2024, 3, 1)
    assert sorted(wang.service_types.values_list("code", flat=True)) == ["parking", "patrol"]
    events = AuditEvent.objects.count()
    again = send(client, ledger(*rows), estate.community_a, django_capture_on_commit_callbacks)
    assert (again["status"], again["unchanged"]) == ("done", 2)
    assert set(AuditEvent.objects.order_by("id")[events:].values_list("action", flat=True)) == {
        "import.request",
        "import.done",
    }
    changed = send(client, ledger("李强,,治安巡逻,"), estate.community_a, django_capture_on_commit_callbacks)
    assert changed["updated"] == 1
    assert changed["changes"][0]["fields"] == [["服务类型", "垃圾分类引导", "治安巡逻"]]
    assert list(
        Volunteer.objects.get(resident__name="李强").service_types.values_list("code", flat=True)
    ) == ["patrol"]


def test_people_outside_the_register_and_unknown_services_are_named(
    api, estate, worker, owner, django_capture_on_commit_callbacks
):
    rows = ("张无忌,,治安巡逻,", "王秀英,,舞龙舞狮,", "王秀英,,,2099-01-01")
    done = send(api(worker), ledger(*rows), estate.community_a, django_capture_on_commit_callbacks)
    assert {(e["row"], e["column"]) for e in done["errors"]} == {
        (2, "志愿者姓名"),
        (3, "服务类型"),
        (4, "批准日期"),
        (4, "志愿者姓名"),  # the same person twice
    }
    assert not Volunteer.objects.exists()


def test_only_the_communitys_organisers_bring_its_volunteers_in(api, estate, worker_b, collector):
    for user, status in ((worker_b, 422), (collector, 403)):  # B's worker does not see community A
        answer = api(user).post(
            "/api/v1/property/imports",
            {"file": ledger("王秀英,,,"), "kind": "volunteers", "community": estate.community_a.pk},
        )
        assert answer.status_code == status, (user, answer.content)


def test_the_check_reads_the_registered_volunteers_in_a_fixed_number_of_queries(
    estate, worker, volunteers, django_assert_max_num_queries
):
    from property.imports import reading as imports
    from volunteers.imports import volunteers_plan

    registered = volunteers(12)
    for i, v in enumerate(registered):  # names apart: random names may repeat, and namesakes are asked about
        v.resident.name = f"志愿者{i:02d}"
        v.resident.save(update_fields=["name"])
    rows = [f"{v.resident.name},,治安巡逻," for v in registered]
    table = imports.read_table(
        "v.csv", ("志愿者姓名,手机号,服务类型,批准日期\n" + "\n".join(rows) + "\n").encode()
    )
    # the community's residents, the service types, the volunteers, their service types
    with django_assert_max_num_queries(4):
        plan = volunteers_plan(worker, estate.community_a, table)
    assert plan.errors == [] and len(plan.changes) == 12


def test_a_pending_registration_in_the_ledger_is_approved_and_listed_as_such(
    api, estate, worker, volunteer, django_capture_on_commit_callbacks
):
    from volunteers.models import Volunteer

    li = Volunteer.objects.create(resident=volunteer.resident, community=estate.community_a)
    assert li.status == RegistrationStatus.PENDING
    done = send(api(worker), ledger("李强,,治安巡逻,"), estate.community_a, django_capture_on_commit_callbacks)
    assert done["status"] == "done", done
    li.refresh_from_db()
    assert li.status == RegistrationStatus.APPROVED
    assert ["状态", "待审批", "已通过"] in done["changes"][0]["fields"]
