from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from governance import services
from governance.models import Ballot, FinanceLine, Meeting, Member, Notice, Rating, Response

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def meeting_form(committee, **extra):
    members = list(Member.objects.filter(body=committee).order_by("id"))
    data = {
        "kind": "regular",
        "title": "十一月例会",
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "社区议事厅",
        "agenda": "屋面防水\n停车管理",
        "minutes": "会议讨论了屋面防水维修。",
        "res_0_text": "同意申请维修资金",
        "res_0_for": "4",
        "res_0_against": "0",
        "res_0_abstain": "0",
        "act_0_title": "联系施工单位",
        "act_0_assignee": str(members[0].pk),
        "act_0_due": str(timezone.localdate() + timedelta(days=7)),
        "public": "on",
    }
    for m in members:
        data[f"att_{m.pk}"] = "present"
        data[f"proxy_{m.pk}"] = ""
    data.update(extra)
    return data, members


def test_a_committee_member_logs_a_meeting_on_the_page(committee, committee_member):
    client = signed_in(committee_member)
    page = client.get(f"/governance/bodies/{committee.pk}/meetings/new/")
    assert page.status_code == 200 and 'data-testid="meeting-form"' in page.content.decode()
    data, members = meeting_form(committee)
    data[f"att_{members[4].pk}"] = "absent"
    answer = client.post(f"/governance/bodies/{committee.pk}/meetings/new/", data)
    meeting = Meeting.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/governance/meetings/{meeting.pk}/"
    assert meeting.agenda == ["屋面防水", "停车管理"] and meeting.public
    shown = client.get(answer["Location"])
    assert shown.context["quorum"] == {"present": 4, "members": 5, "met": True}
    assert "同意申请维修资金" in shown.content.decode()
    assert (
        meeting.attendance.filter(presence="absent").count(),
        meeting.resolutions.count(),
        meeting.actions.count(),
    ) == (1, 1, 1)


def test_an_unnamed_proxy_is_shown_on_its_member_and_nothing_is_written(committee, committee_member):
    data, members = meeting_form(committee)
    data[f"att_{members[2].pk}"] = "proxy"
    answer = signed_in(committee_member).post(f"/governance/bodies/{committee.pk}/meetings/new/", data)
    assert answer.status_code == 200
    assert answer.context["form"].errors.get(f"proxy_{members[2].pk}")
    assert not Meeting.objects.exists()


def test_the_meeting_form_asks_when_it_met_and_drops_a_proxy_name_of_a_member_present(
    committee, committee_member
):
    client = signed_in(committee_member)
    blank = client.get(f"/governance/bodies/{committee.pk}/meetings/new/").context["form"]
    assert blank["held_at"].value() in (None, "")  # never "now"
    data, members = meeting_form(committee, held_at="")
    answer = client.post(f"/governance/bodies/{committee.pk}/meetings/new/", data)
    assert answer.status_code == 200 and answer.context["form"].errors.get("held_at")
    # A name typed for a proxy, then the member marked present again (the page hides the box).
    data, members = meeting_form(committee, **{f"proxy_{members[1].pk}": "李四"})
    answer = client.post(f"/governance/bodies/{committee.pk}/meetings/new/", data)
    assert answer.status_code == 302
    assert not Meeting.objects.get().attendance.exclude(proxy_name="").exists()


def test_a_refused_meeting_form_marks_each_bad_field_and_says_so_at_the_top(committee, committee_member):
    data, members = meeting_form(committee, res_0_for="9", act_0_assignee="")
    answer = signed_in(committee_member).post(f"/governance/bodies/{committee.pk}/meetings/new/", data)
    errors = answer.context["form"].errors
    assert answer.status_code == 200 and {"res_0_for", "act_0_assignee"} <= set(errors)
    assert 'data-testid="form-alert"' in answer.content.decode()
    assert not Meeting.objects.exists()


def test_a_resident_cannot_open_the_meeting_form(committee, volunteer):
    assert signed_in(volunteer).get(f"/governance/bodies/{committee.pk}/meetings/new/").status_code == 403


@pytest.fixture
def open_vote(estate, worker, owner):
    """Opened after `owner` bought household A, so the roll names them."""
    now = timezone.now()
    return services.vote_create(
        actor=worker,
        compound=estate.compound_a,
        title="更换小区大门",
        matter="other_major",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=3),
    )


def test_an_owner_votes_on_the_page_and_a_worker_enters_a_paper_ballot(open_vote, owner, worker, estate):
    page = signed_in(owner).get(f"/governance/votes/{open_vote.pk}/")
    assert 'data-testid="ballot-form"' in page.content.decode()
    assert [c[0] for c in page.context["form"].fields["household"].choices] == [estate.household_a.pk]
    signed_in(owner).post(
        f"/governance/votes/{open_vote.pk}/", {"household": estate.household_a.pk, "choice": "for"}
    )
    signed_in(worker).post(
        f"/governance/votes/{open_vote.pk}/", {"household": estate.household_a2.pk, "choice": "against"}
    )
    ballots = {b.household_id: (b.choice, b.on_paper) for b in Ballot.objects.all()}
    assert ballots == {estate.household_a.pk: ("for", False), estate.household_a2.pk: ("against", True)}
    assert (
        'data-testid="my-ballot"'
        in signed_in(owner).get(f"/governance/votes/{open_vote.pk}/").content.decode()
    )


def test_a_committee_member_opens_a_vote_on_the_page(committee, committee_member, estate):
    now = timezone.localtime()
    answer = signed_in(committee_member).post(
        f"/governance/compounds/{estate.compound_a.pk}/votes/new/",
        {
            "title": "续聘物业服务企业",
            "matter": "hire_property_company",
            "description": "",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert answer.status_code == 302
    vote = open_vote_from(answer)
    assert vote.status == "open" and vote.roll.count() >= 1


def open_vote_from(answer):
    from governance.models import Vote

    return Vote.objects.get(pk=int(answer["Location"].rstrip("/").split("/")[-1]))


def test_a_finance_notice_is_published_on_the_page_and_shown_publicly(committee, committee_member, estate):
    answer = signed_in(committee_member).post(
        f"/governance/compounds/{estate.compound_a.pk}/notices/new/",
        {
            "kind": "finance",
            "title": "公共收益公示",
            "body": "",
            "line_0_flow": "income",
            "line_0_item": "广告位租金",
            "line_0_amount": "1200.00",
            **{f"line_{i}_flow": "income" for i in range(1, 6)},
        },
    )
    assert answer.status_code == 302
    assert FinanceLine.objects.get().amount == 1200
    public = Client().get(f"/c/{estate.compound_a.pk}/")
    assert public.status_code == 200 and "公共收益公示" in public.content.decode()


def test_the_qr_code_comes_as_svg_and_png_without_sign_in(estate, worker):
    svg = Client().get(f"/c/{estate.compound_a.pk}/qr.svg")
    png = Client().get(f"/c/{estate.compound_a.pk}/qr.png")
    assert (
        svg["Content-Type"] == "image/svg+xml" and b'<svg xmlns="http://www.w3.org/2000/svg"' in svg.content
    )
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert Client().get(f"/c/{estate.compound_a.pk}/qr.gif").status_code == 404
    poster = signed_in(worker).get(f"/governance/compounds/{estate.compound_a.pk}/poster/")
    assert poster.status_code == 200 and f"/c/{estate.compound_a.pk}/" in poster.content.decode()


def test_a_resident_answers_and_a_worker_goes_door_to_door(estate, owner, worker):
    today = timezone.localdate()
    s = services.solicitation_create(
        actor=worker,
        compound=estate.compound_a,
        title="加装电梯",
        opens_on=today,
        closes_on=today + timedelta(days=5),
        questions=[{"text": "是否同意？", "kind": "single", "options": ["同意", "不同意"]}],
    )
    signed_in(owner).post(f"/governance/solicitations/{s.pk}/", {"q1": "同意"})
    signed_in(worker).post(
        f"/governance/solicitations/{s.pk}/", {"household": estate.household_a2.pk, "q1": "不同意"}
    )
    got = {r.household_id: (r.answers, r.door_to_door) for r in Response.objects.all()}
    assert got == {
        estate.household_a.pk: ({"1": "同意"}, False),
        estate.household_a2.pk: ({"1": "不同意"}, True),
    }
    summary = signed_in(worker).get(f"/governance/solicitations/{s.pk}/").context["summary"]
    assert (summary["answered"], summary["coverage"]) == (2, "100.00")


def test_a_resident_rates_once(estate, owner, worker):
    today = timezone.localdate()
    e = services.evaluation_create(
        actor=worker,
        community=estate.community_a,
        subject="grid_work",
        title="网格服务测评",
        opens_on=today,
        closes_on=today,
    )
    client = signed_in(owner)
    client.post(f"/governance/evaluations/{e.pk}/", {"score": "4", "comment": "清扫及时"})
    assert client.get(f"/governance/evaluations/{e.pk}/").context["form"] is None
    assert list(Rating.objects.values_list("score", flat=True)) == [4]


def test_the_index_shows_a_worker_the_compounds_with_no_governing_body(worker, estate):
    page = signed_in(worker).get("/governance/").content.decode()
    assert 'data-testid="gaps"' in page and estate.compound_a.name in page
    assert Notice.objects.count() == 0


def test_the_gate_page_without_notices_says_who_manages_what_it_costs_and_how_to_take_part(
    managed_compound, committee, open_vote, estate
):
    page = Client().get(f"/c/{managed_compound.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    management = section(html, "management")
    assert "物业服务企业" in management
    assert "安居物业" in management and "旧物业公司" not in management and "二级服务标准" in management
    assert committee.name in management
    contacts = section(html, "contacts")
    assert 'href="tel:0510-8123 4567"' in contacts and 'href="tel:0510-8765 4321"' in contacts
    standards = section(html, "standards")
    assert "物业服务费" in standards and "旧标准" not in standards
    assert "更换小区大门" in section(html, "open-votes") and "三分之二" in section(html, "how-to-vote")
    assert "拍照" in section(html, "how-to-report") and 'href="/grid/incidents/new/"' in html


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    end = html.find("<h2", start)
    return html[start : end if end > 0 else None]


def test_the_public_api_names_the_contract_body_office_and_fees_in_force(api, managed_compound, committee):
    data = api(None).get(f"/api/v1/governance/public/compounds/{managed_compound.pk}").json()
    assert data["management_mode"] == "property_company"
    assert (data["contract"]["provider"], data["contract"]["contact_phone"]) == ("安居物业", "0510-8765 4321")
    assert data["governing_body"]["id"] == committee.pk
    assert data["office"] == {"phone": "0510-8123 4567", "address": "幸福路 12 号"}
    assert [item["name"] for item in data["fee_standards"]] == ["物业服务费"]


def test_a_signed_out_vote_link_explains_why_to_sign_in_and_how_to_get_an_account(
    managed_compound, open_vote
):
    page = Client().get(f"/governance/votes/{open_vote.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "更换小区大门" in html and "第二百七十八条" in html and "0510-8123 4567" in html
    assert f"/accounts/login/?next=/governance/votes/{open_vote.pk}/" in html
    solicitation = Client().get("/governance/solicitations/999999/").content.decode()
    assert (
        "每户" in solicitation and "/accounts/login/?next=/governance/solicitations/999999/" in solicitation
    )


def test_a_signed_out_link_to_a_vote_no_longer_open_shows_no_title(managed_compound, open_vote):
    from governance.models import Vote

    Vote.objects.filter(pk=open_vote.pk).update(status="closed")
    html = Client().get(f"/governance/votes/{open_vote.pk}/").content.decode()
    assert "更换小区大门" not in html and "/accounts/login/" in html
