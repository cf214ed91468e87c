"""Demo self-governance: committees in most compounds, party branches and teams, meetings, votes,
a solicitation, an evaluation round and notices. Built through the services, so it obeys their rules."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from core.periods import add_years, in_force
from governance import selectors, services
from governance.models import Body, BodyKind, Vote
from property.demo import Estate
from property.models import Household, Relation, Resident


def seed_governance(estate: Estate, now: datetime) -> list[tuple[str, str]]:
    if Body.objects.filter(community__in=estate.communities).exists():
        return []
    today = timezone.localdate(now)
    worker = User.objects.get(username="worker")
    officer = User.objects.get(username="officer")  # acts in communities without a worker account
    for c_index, community in enumerate(estate.communities):
        actor = worker if c_index == 0 else officer
        branch = services.body_create(
            actor=actor,
            kind=BodyKind.PARTY_BRANCH,
            name=f"{community.name}党支部",
            community=community,
            term_start=date(2023, 1, 1),
        )
        party = list(
            Resident.objects.filter(
                is_party_member=True, residencies__household__building__compound__community=community
            )
            .distinct()
            .order_by("id")[:8]
        )
        team = services.body_create(
            actor=actor,
            kind=BodyKind.PARTY_TEAM,
            name=f"{community.name}党员联合管理队伍",
            community=community,
            led_by=branch,
            term_start=date(2024, 3, 1),
        )
        for i, resident in enumerate(party):
            services.member_add(
                actor=actor,
                body=team,
                resident=resident,
                role="director" if i == 0 else "member",
                started_on=date(2024, 3, 1),
            )
        compounds = [c for c in estate.compounds if c.community_id == community.pk]
        for k, compound in enumerate(compounds):
            _compound_body(actor, branch, compound, c_index, k, today)
    first = estate.compounds[0]
    # Two units nobody bought: the developer's, counted together as one owner in votes.
    unsold = list(
        Household.objects.filter(building__compound=first)
        .exclude(residencies__relation=Relation.OWNER)
        .values_list("id", flat=True)[:2]
    )
    Household.objects.filter(id__in=unsold).update(held_by_developer=True)
    committee = Body.objects.get(compound=first, kind=BodyKind.OWNERS_COMMITTEE)
    _meetings(committee, now)
    done = committee.meetings.order_by("held_at").first().actions.first()
    services.action_close(actor=worker, action=done, note="已完成三家施工单位询价，报价已在业委会群内公示。")
    _votes(first, worker, now)
    _opinions(first, estate.communities[0], worker, today)
    _notices(first, committee, worker, today)
    return []


def _owners(compound, n: int, *, on: date, first=None) -> list[Resident]:
    """n owners of the compound who owned there on `on` (committee members must be owners)."""
    owners = list(
        Resident.objects.filter(
            in_force(on, "residencies"),
            residencies__household__building__compound=compound,
            residencies__relation=Relation.OWNER,
        )
        .exclude(user__username="resident")  # the demo's plain resident holds no seat
        .distinct()
        .order_by("id")[: n + 1]
    )
    if first is not None:
        owners = [first] + [o for o in owners if o.pk != first.pk]
    return owners[:n]


def _compound_body(actor, branch, compound, c_index: int, k: int, today: date) -> None:
    """Most compounds have a committee; every fifth has none (a gap), one has a party organisation."""
    if (c_index + k) % 5 == 4:
        return  # a gap, listed for the community
    if (c_index + k) % 7 == 3:
        body = services.body_create(
            actor=actor,
            kind=BodyKind.PARTY_AUTONOMY,
            name=f"{compound.name}党员自治小组",
            compound=compound,
            led_by=branch,
            term_start=date(2024, 1, 1),
        )
        party = Resident.objects.filter(
            is_party_member=True, residencies__household__building__compound=compound
        ).distinct()[:3]
        for resident in party:
            services.member_add(actor=actor, body=body, resident=resident, started_on=date(2024, 1, 1))
        return
    start = date(2024 + (k % 2), 6, 1)
    end = add_years(start, 5)
    if c_index == 0 and k == 1:
        end = today + timedelta(days=60)  # expiring: the worker is warned
        start = add_years(end, -5)
    director = None
    if c_index == 0 and k == 0:
        director = User.objects.get(username="committee").resident
    body = services.body_create(
        actor=actor,
        kind=BodyKind.OWNERS_COMMITTEE,
        name=f"{compound.name}业主委员会",
        compound=compound,
        led_by=branch,
        term_start=start,
        term_end=end,
    )
    size = 5 if (c_index + k) % 2 else 7
    roles = ["director", "deputy_director", "secretary"] + ["member"] * (size - 3)
    for resident, role in zip(_owners(compound, size, on=start, first=director), roles, strict=False):
        services.member_add(actor=actor, body=body, resident=resident, role=role, started_on=start)
    services.body_file(actor=actor, body=body, filed_on=start + timedelta(days=20))


def _meetings(committee: Body, now: datetime) -> None:
    members = list(committee.members.order_by("id"))
    director = members[0].resident.user
    rng = random.Random("meetings")
    topics = [
        ("第一季度例会", ["屋面防水维修方案", "楼道照明更换"], "同意启动屋面防水维修询价"),
        ("停车管理议事协商会", ["夜间停车秩序", "新增非机动车棚"], "同意在3号楼北侧增设非机动车棚"),
        ("第三季度例会", ["物业服务考核", "公共收益使用"], "同意公示第三季度公共收益收支"),
    ]
    for i, (title, agenda, resolution) in enumerate(topics):
        held = timezone.make_aware(
            datetime.combine(timezone.localdate(now) - timedelta(days=70 - i * 30), time(19))
        )
        marks = [rng.choice(["present", "present", "present", "excused"]) for _ in members]
        marks[0] = "present"
        present = sum(m == "present" for m in marks)
        services.meeting_record(
            actor=director,
            body=committee,
            kind="consultation" if "协商" in title else "regular",
            title=title,
            held_at=held,
            place="社区党群服务中心议事厅",
            agenda=agenda,
            minutes=f"会议由主任主持，应到{len(members)}人，实到{present}人。围绕{'、'.join(agenda)}进行了讨论。",
            public=i != 1,
            attendance=[
                {"member": m.pk, "presence": p, "proxy_name": ""} for m, p in zip(members, marks, strict=True)
            ],
            resolutions=[{"text": resolution, "votes_for": present, "votes_against": 0, "abstentions": 0}],
            actions=[
                {
                    "title": f"落实：{agenda[0]}",
                    "assignee": members[1 + i % (len(members) - 1)].pk,
                    "due_on": held.date() + timedelta(days=14 + i * 20),  # the last is still open
                }
            ],
        )


def _votes(compound, worker, now: datetime) -> None:
    """A closed vote that passed and an open one under way, with ballots from owners and on paper."""
    rng = random.Random("votes")
    closed = services.vote_create(
        actor=worker,
        compound=compound,
        title="申请使用专项维修资金维修屋面防水",
        matter="use_maintenance_fund",
        description="1-3号楼屋面防水层老化渗漏，拟使用专项维修资金约18.6万元维修。",
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=26),
        now=now - timedelta(days=40),
    )
    _ballots(closed, worker, rng, share=0.8, yes=0.85, at=now - timedelta(days=30))
    services.vote_close(vote_id=closed.pk, now=now - timedelta(days=25))
    open_vote = services.vote_create(
        actor=worker,
        compound=compound,
        title="增设电动自行车集中充电设施",
        matter="change_common_use",
        description="拟在小区北侧公共绿地边角设置电动自行车充电棚，占用部分共有部分。",
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=11),
        now=now - timedelta(days=3),
    )
    _ballots(open_vote, worker, rng, share=0.35, yes=0.8, at=now - timedelta(hours=5))


def _ballots(vote: Vote, worker, rng, *, share: float, yes: float, at: datetime) -> None:
    for owner in vote.roll.prefetch_related("units", "residents__user").order_by("id"):
        if rng.random() > share:
            continue
        unit = owner.units.all()[0]
        voter = next((r.user for r in owner.residents.all() if r.user_id), None)
        if voter is None or rng.random() < 0.4:
            voter = worker  # a paper ballot collected door to door
        choice = "for" if rng.random() < yes else rng.choice(["against", "abstain"])
        services.ballot_cast(actor=voter, vote=vote, household=unit.household, choice=choice, now=at)


def _opinions(compound, community, worker, today: date) -> None:
    rng = random.Random("opinions")
    solicitation = services.solicitation_create(
        actor=worker,
        compound=compound,
        title="加装电梯意愿征集",
        description="社区拟统一组织老旧住宅加装电梯，请各户表达意愿。",
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=10),
        questions=[
            {"text": "您是否同意本单元加装电梯？", "kind": "single", "options": ["同意", "不同意", "无所谓"]},
            {
                "text": "您最关心的问题（可多选）",
                "kind": "multiple",
                "options": ["费用分摊", "采光", "噪音", "施工期间出行"],
            },
            {"text": "其他意见和建议", "kind": "text"},
        ],
    )
    households = list(Household.objects.filter(building__compound=compound).order_by("id"))
    for household in rng.sample(households, len(households) // 3):
        answers = {
            "1": rng.choice(["同意", "同意", "不同意", "无所谓"]),
            "2": rng.sample(["费用分摊", "采光", "噪音"], 2),
        }
        services.response_record(
            actor=worker, solicitation=solicitation, household=household, answers=answers, today=today
        )
    evaluation = services.evaluation_create(
        actor=worker,
        community=community,
        subject="property_service",
        title=f"{today.year}年第四季度物业服务满意度测评",
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=7),
    )
    homes = Household.objects.filter(
        building__compound__community=community, residencies__relation=Relation.OWNER
    ).distinct()
    for household in rng.sample(list(homes.order_by("id")[:400]), 120):
        services.rating_record(
            actor=worker,
            evaluation=evaluation,
            household=household,
            score=rng.choice([3, 4, 4, 5, 5, 2]),
            today=today,
        )


def _notices(compound, committee: Body, worker, today: date) -> None:
    director = committee.members.order_by("id").first().resident.user
    services.notice_publish(
        actor=director,
        compound=compound,
        kind="progress",
        title="屋面防水维修工程开工公告",
        body="1-3号楼屋面防水维修工程于本月开工，工期约30天，施工期间请注意安全。",
        published_on=today - timedelta(days=20),
    )
    services.notice_publish(
        actor=worker,
        compound=compound,
        kind="fee_standard",
        title="物业服务收费标准公示",
        body=selectors.fee_standard_text(compound) or "本小区暂无收费项目。",
        published_on=today - timedelta(days=60),
    )
    services.notice_publish(
        actor=director,
        compound=compound,
        kind="finance",
        title="第三季度公共收益收支情况公示",
        body="根据《民法典》第九百四十三条，现将小区公共收益收支情况公示如下。",
        lines=[
            {"flow": "income", "item": "电梯广告位租金", "amount": "4800.00"},
            {"flow": "income", "item": "临时停车收费", "amount": "2360.00"},
            {"flow": "spending", "item": "监控设备维修", "amount": "1250.50"},
            {"flow": "spending", "item": "楼道灯具更换", "amount": "860.00"},
        ],
        published_on=today - timedelta(days=10),
    )
