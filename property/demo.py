"""Demo data of the estate register and fees. Deterministic, and idempotent by natural keys.

The seed_demo command (reports) runs this and every other app's demo data."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Post, Role, User
from core import periods
from property.fees import services as billing
from property.models import (
    Adjustment,
    Bill,
    BillingRun,
    BillStatus,
    Building,
    Community,
    Compound,
    FeeItem,
    Household,
    ManagementMode,
    ManagementPlan,
    ParkingSpace,
    Payment,
    PaymentAllocation,
    Relation,
    Residency,
    Resident,
    ServiceContract,
    ServiceProvider,
    Subdistrict,
)

DEMO_PASSWORD = "gongzhi-demo"  # noqa: S105 - demo accounts exist only when seed_demo runs

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰淑珍凤英志强海燕桂兰秀珍文斌晓东红梅丽娟春梅德明国庆秀云振华宝山金凤永刚"

COMMUNITIES = {
    "幸福社区": ["纺织厂生活区", "机械厂家属院", "幸福小区", "电力小区", "粮食局宿舍"],
    "和平社区": ["建工小区", "教师新村", "和平里小区", "供销社家属院", "卫生院宿舍"],
    "光明社区": ["红旗小区", "铁路生活区", "光明新村", "水泥厂家属院", "邮电小区", "农机公司小区"],
    "建设社区": ["建设小区", "医院家属院", "物资局宿舍", "市政公司小区", "商业局生活区", "印刷厂家属院"],
}
PROVIDERS = [
    ("安居物业服务有限公司", "91140100MA0K1A2B3C"),
    ("红色先锋物业服务中心", "52140100MJY123456X"),
    ("惠民物业管理有限公司", "91140100MA0K7D8E9F"),
    ("城投物业服务有限公司", "91140100MA0K4G5H6J"),
]
PLAN_TEXT = (
    "一、小区由{mode}负责日常管理，业主委员会（或小区党员自治组织）监督。\n"
    "二、物业服务费按建筑面积每月每平方米{price}元收取，收支每季度公示。\n"
    "三、党员联合管理队伍每周开展两次治安巡逻，志愿者参与垃圾分类和停车引导。\n"
    "四、改造设施由物业建立台账，定期巡查维护，问题限期整改。"
)


@dataclass
class Estate:
    subdistrict: Subdistrict
    communities: list[Community] = field(default_factory=list)
    compounds: list[Compound] = field(default_factory=list)

    def counts(self) -> str:
        households = Household.objects.filter(
            building__compound__community__subdistrict=self.subdistrict
        ).count()
        return (
            f"{len(self.communities)} communities, {len(self.compounds)} compounds, {households} households"
        )


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given[:2]


def phone_number(rng: random.Random) -> str:
    return (
        rng.choice(["138", "139", "135", "136", "150", "151", "186", "187", "177", "199"])
        + f"{rng.randrange(10**8):08d}"
    )


def seed_estate() -> Estate:
    subdistrict, _ = Subdistrict.objects.get_or_create(name="东风街道", defaults={"code": "140105001"})
    estate = Estate(subdistrict=subdistrict)
    providers = [
        ServiceProvider.objects.get_or_create(name=n, defaults={"credit_code": c})[0] for n, c in PROVIDERS
    ]
    for c_index, (community_name, compound_names) in enumerate(COMMUNITIES.items()):
        community, _ = Community.objects.get_or_create(
            subdistrict=subdistrict,
            name=community_name,
            defaults={"address": f"东风路{c_index * 20 + 8}号", "phone": f"0351-60{c_index}1234"},
        )
        estate.communities.append(community)
        for k_index, compound_name in enumerate(compound_names):
            rng = random.Random(f"{community_name}/{compound_name}")
            compound, created = Compound.objects.get_or_create(
                community=community,
                name=compound_name,
                defaults={
                    "address": f"{community_name[:2]}街{k_index * 6 + 3}号",
                    "year_built": rng.randrange(1982, 2000),
                    "is_old": True,
                    "management_mode": rng.choices(
                        [
                            ManagementMode.PROPERTY_COMPANY,
                            ManagementMode.RED_PROPERTY,
                            ManagementMode.SELF_MANAGED,
                            ManagementMode.NONE,
                        ],
                        [5, 3, 2, 1],
                    )[0],
                },
            )
            estate.compounds.append(compound)
            if created:
                _seed_compound(compound, rng, providers)
    return estate


def _seed_compound(compound: Compound, rng: random.Random, providers) -> None:
    buildings = Building.objects.bulk_create(
        [
            Building(
                compound=compound,
                name=f"{n}号楼",
                floors=rng.choice([5, 6, 6, 7]),
                entrances=rng.choice([2, 2, 3]),
            )
            for n in range(1, rng.randrange(4, 8) + 1)
        ]
    )
    households = []
    for building in buildings:
        for entrance in range(1, building.entrances + 1):
            for floor in range(1, building.floors + 1):
                for door in (1, 2):
                    area = Decimal(rng.randrange(4500, 12000)) / 100
                    households.append(
                        Household(
                            building=building,
                            unit_label=f"{entrance}-{floor}{door:02d}",
                            floor=floor,
                            building_area=area,
                            inner_area=(area * Decimal("0.78")).quantize(Decimal("0.01")),
                            area_source=rng.choices(["register", "survey", "contract"], [8, 1, 1])[0],
                        )
                    )
    households = Household.objects.bulk_create(households)
    _seed_residents(households, rng)
    _seed_history(compound, rng, providers)


def _seed_residents(households, rng: random.Random) -> None:
    residents, links = [], []
    previous_owner = None
    for household in households:
        if rng.random() < 0.07:
            continue  # vacant unit
        moved_in = date(rng.randrange(1990, 2024), rng.randrange(1, 13), rng.randrange(1, 28))
        if previous_owner is not None and rng.random() < 0.02:
            owner = previous_owner  # one owner holding two units
        else:
            owner = Resident(
                name=person_name(rng), phone=phone_number(rng), is_party_member=rng.random() < 0.09
            )
            residents.append(owner)
        previous_owner = owner
        links.append((owner, household, Relation.OWNER, moved_in))
        if rng.random() < 0.12:
            tenant = Resident(
                name=person_name(rng), phone=phone_number(rng), is_party_member=rng.random() < 0.05
            )
            residents.append(tenant)
            links.append((tenant, household, Relation.TENANT, date(2024, rng.randrange(1, 13), 1)))
        for _ in range(rng.choice([0, 1, 1, 2])):
            member = Resident(
                name=person_name(rng),
                phone=phone_number(rng) if rng.random() < 0.7 else "",
                is_party_member=rng.random() < 0.06,
            )
            residents.append(member)
            links.append((member, household, Relation.FAMILY, moved_in))
    Resident.objects.bulk_create(residents)
    Residency.objects.bulk_create(
        [Residency(resident=r, household=h, relation=rel, started_on=start) for r, h, rel, start in links]
    )


def _seed_history(compound: Compound, rng: random.Random, providers) -> None:
    """The compound's plan and contract; its past renovation is renovation's (renovation.demo)."""
    if rng.random() < 0.75:
        ManagementPlan.objects.create(
            compound=compound,
            adopted_on=date(2021, rng.randrange(1, 13), 15),
            text=PLAN_TEXT.format(
                mode=compound.get_management_mode_display(), price=rng.choice(["0.45", "0.50", "0.60"])
            ),
        )
    if compound.management_mode in (ManagementMode.PROPERTY_COMPANY, ManagementMode.RED_PROPERTY):
        ServiceContract.objects.create(
            provider=rng.choice(providers),
            compound=compound,
            starts_on=date(2024, 1, 1),
            ends_on=date(2027, 1, 1),
            service_standard=rng.choice(["一级服务标准", "二级服务标准", "三级服务标准"]),
        )


# username, display name, role held, description printed by seed_demo
ACCOUNTS = [
    ("officer", "赵建华", Role.SUBDISTRICT_OFFICER, "subdistrict officer, 东风街道"),
    ("worker", "李秀英", Role.COMMUNITY_WORKER, "community worker, 幸福社区"),
    ("collector", "孙丽娟", Role.FEE_COLLECTOR, "fee collector, 幸福社区"),
    ("manager", "周志强", Role.PROPERTY_MANAGER, "property manager, 幸福社区"),
    ("cleaner", "吴桂兰", Role.CLEANER, "cleaner, 幸福社区"),
    ("police", "郑国庆", Role.POLICE, "community police, 幸福社区"),
    ("gridworker", "陈志刚", Role.GRID_WORKER, "grid worker, 幸福社区 第一网格"),
    ("enforcer", "马建军", Role.LAW_ENFORCEMENT, "law-enforcement squad, 东风街道综合执法中队"),
    ("committee", None, None, "owner in 纺织厂生活区 (owners' committee member)"),
    ("volunteer", None, None, "resident of 纺织厂生活区 (volunteer)"),
    ("resident", None, None, "owner in 纺织厂生活区"),
    ("admin", "系统管理员", None, "back office (superuser)"),
]
UNITS = {
    Role.FEE_COLLECTOR: "安居物业服务有限公司",
    Role.PROPERTY_MANAGER: "安居物业服务有限公司",
    Role.CLEANER: "东风环卫保洁公司",
    Role.POLICE: "东风派出所",
    Role.GRID_WORKER: "幸福社区居民委员会",
    Role.LAW_ENFORCEMENT: "东风街道综合执法中队",
}


def seed_accounts(estate: Estate) -> list[tuple[str, str]]:
    community = estate.communities[0]
    first_compound = estate.compounds[0]
    owners = (
        Residency.objects.filter(
            household__building__compound=first_compound, relation=Relation.OWNER, resident__user__isnull=True
        )
        .select_related("resident")
        .order_by("household__building__name", "household__unit_label")
    )
    printed = []
    for username, name, role, description in ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={"name": name or ""})
        if created:
            user.set_password(DEMO_PASSWORD)
            if username == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        if role is not None:
            scope = (
                {"subdistrict": estate.subdistrict}
                if role == Role.SUBDISTRICT_OFFICER
                else {"community": community}
            )
            Post.objects.get_or_create(
                user=user,
                role=role,
                **scope,
                defaults={"started_on": date(2023, 1, 1), "unit": UNITS.get(role, "")},
            )
        elif username != "admin" and not hasattr(user, "resident"):
            resident = owners.exclude(resident__user__isnull=False).first().resident
            resident.user = user
            resident.save(update_fields=["user"])
            User.objects.filter(pk=user.pk).update(name=resident.name)
        printed.append((username, description))
    return printed


# --- fees: a year of monthly bills with realistic payments ----------------------------------


def seed_fees(estate: Estate, today: date) -> None:
    """Fee standards, a year of bills up to this month, and payments collecting about 85%."""
    current = periods.month_start(today)
    first = periods.add_months(current, -11)
    collector = User.objects.get(username="collector")
    for compound in estate.compounds:
        if (
            compound.management_mode == ManagementMode.NONE
            or FeeItem.objects.filter(compound=compound).exists()
        ):
            continue
        rng = random.Random(f"fees/{compound.pk}")
        FeeItem.objects.create(
            compound=compound,
            name="物业服务费",
            kind="per_area",
            effective_from=first,
            unit_price=Decimal(rng.choice(["0.45", "0.50", "0.60"])),
            vacancy_discount=Decimal("50"),
        )
        if rng.random() < 0.5:
            homes = list(Household.objects.filter(building__compound=compound).values_list("id", flat=True))
            ParkingSpace.objects.bulk_create(
                [
                    ParkingSpace(
                        compound=compound,
                        code=f"P{n:03d}",
                        household_id=rng.choice(homes) if rng.random() < 0.7 else None,
                    )
                    for n in range(1, 31)
                ]
            )
            FeeItem.objects.create(
                compound=compound,
                name="停车管理费",
                kind="per_space",
                unit_price=Decimal("60"),
                cycle_months=3,
                effective_from=first,
            )
        run = BillingRun.objects.create(compound=compound, period_start=first, months=12)
        billing.billing_run_execute(run.pk)
        _seed_payments(compound, rng, collector, today)


def _seed_payments(compound, rng, collector, today):
    """Most households pay every quarter; some fell behind months ago; a few pay nothing."""

    by_household: dict[int, list] = {}
    for bill in Bill.objects.filter(household__building__compound=compound).order_by("period_start", "id"):
        by_household.setdefault(bill.household_id, []).append(bill)
    payments, plans, paid_bills, waivers, seq = [], [], [], [], 0
    for household_id, bills in by_household.items():
        luck = rng.random()
        due = [b for b in bills if b.due_on < today]
        if luck < 0.015:  # a low-income household (低保户): its fees are waived
            waivers.extend(
                Adjustment(
                    household_id=household_id,
                    bill=b,
                    kind="waiver",
                    amount=b.amount,
                    reason="低保户减免",
                    status="approved",
                    requested_by=collector,
                    decided_by=collector,
                    decided_at=timezone.now(),
                )
                for b in bills
            )
            continue
        if luck < 0.78:
            settle = due  # pays up to date
        elif luck < 0.90:
            settle = due[: max(0, len(due) - rng.randint(3, 6))]  # a few months behind
        elif luck < 0.96:
            settle = due[: rng.randint(0, 2)]  # long arrears
        else:
            settle = []  # pays nothing
        for start in range(0, len(settle), 3):
            group = settle[start : start + 3]
            seq += 1
            paid_on = min(group[-1].due_on - timedelta(days=rng.randint(0, 20)), today)
            received = timezone.make_aware(
                datetime.combine(paid_on, time(rng.randint(8, 19), rng.randint(0, 59)))
            )
            payments.append(
                Payment(
                    household_id=household_id,
                    compound=compound,
                    receipt_seq=seq,
                    amount=sum(b.amount for b in group),
                    method=rng.choice(["wechat", "wechat", "alipay", "cash", "bank_transfer"]),
                    received_by=collector,
                    received_at=received,
                )
            )
            plans.append(group)
            paid_bills.extend(group)
    Payment.objects.bulk_create(payments)
    PaymentAllocation.objects.bulk_create(
        [
            PaymentAllocation(payment=payment, bill=bill, amount=bill.amount)
            for payment, group in zip(payments, plans, strict=True)
            for bill in group
        ]
    )
    Adjustment.objects.bulk_create(waivers)
    Bill.objects.filter(pk__in=[w.bill_id for w in waivers]).update(status=BillStatus.WAIVED)
    ids = [bill.pk for bill in paid_bills]
    for start in range(0, len(ids), 900):
        Bill.objects.filter(pk__in=ids[start : start + 900]).update(status=BillStatus.PAID)
