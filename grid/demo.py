"""Demo grid management: grids over every community, staff in every role (one grid short of a
property manager), two weeks of rosters and records, inspections, incidents in every state."""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Post, Role, User
from grid import defaults, selectors, services
from grid.models import Category, ChecklistItem, DutyShift, DutyStatus, Grid, Incident, Unit
from property.demo import DEMO_PASSWORD, Estate, person_name

UNITS = [
    ("东风环卫保洁公司", "cleaning"),
    ("安居物业服务有限公司", "property"),
    ("东风派出所", "police"),
    ("东风街道综合执法中队", "law_enforcement"),
]
ROLE_UNIT = {
    "cleaner": "东风环卫保洁公司",
    "property_manager": "安居物业服务有限公司",
    "police": "东风派出所",
    "law_enforcement": "东风街道综合执法中队",
}
POST_ROLE = {
    "cleaner": Role.CLEANER,
    "property_manager": Role.PROPERTY_MANAGER,
    "police": Role.POLICE,
    "law_enforcement": Role.LAW_ENFORCEMENT,
    "grid_worker": Role.GRID_WORKER,
}
# role -> weekdays, start, minutes
DUTY = {
    "cleaner": ([0, 1, 2, 3, 4, 5, 6], time(6), 240),
    "property_manager": ([0, 1, 2, 3, 4], time(8, 30), 180),
    "police": ([0, 2, 4], time(19), 120),
    "law_enforcement": ([1, 3], time(15), 120),
    "grid_worker": ([0, 1, 2, 3, 4], time(9), 120),
}
DEMO_ACCOUNTS = {
    "cleaner": "cleaner",
    "property_manager": "manager",
    "police": "police",
    "grid_worker": "gridworker",
    "law_enforcement": "enforcer",
}


def seed_grid(estate: Estate, now: datetime) -> list[tuple[str, str]]:
    if Grid.objects.filter(community__in=estate.communities).exists():
        return []
    rng = random.Random("grid")
    today = timezone.localdate(now)
    defaults.ensure(ChecklistItem, Category)
    worker = User.objects.get(username="worker")
    officer = User.objects.get(username="officer")
    units = {name: Unit.objects.get_or_create(name=name, defaults={"kind": kind})[0] for name, kind in UNITS}
    password = make_password(DEMO_PASSWORD)
    started = today - timedelta(days=400)
    first_grid = None
    for c_index, community in enumerate(estate.communities):
        actor = worker if c_index == 0 else officer
        units[community.name] = Unit.objects.get_or_create(
            name=f"{community.name}居民委员会", defaults={"kind": "community"}
        )[0]
        compounds = [c for c in estate.compounds if c.community_id == community.pk]
        for g_index in range(0, len(compounds), 2):
            grid = services.grid_create(
                actor=actor,
                community=community,
                name=f"第{'一二三四五六七八'[g_index // 2]}网格",
                compounds=compounds[g_index : g_index + 2],
            )
            first_grid = first_grid or grid
            for role in DUTY:
                if c_index == 0 and g_index == 2 and role == "property_manager":
                    continue  # a gap: this grid has no property manager
                user = _staff_user(grid, role, c_index, g_index, password, community, started)
                unit = units[ROLE_UNIT.get(role, community.name)]
                assignment = services.staff_assign(
                    actor=actor, grid=grid, user=user, role=role, unit=unit, started_on=started
                )
                days, start, minutes = DUTY[role]
                services.duty_template_create(
                    actor=actor, assignment=assignment, weekdays=days, start_time=start, minutes=minutes
                )
    services.roster_generate(today - timedelta(days=14), days=28)
    _records(rng, now)
    _inspections(rng, estate, today)
    _incidents(rng, first_grid, units, now)
    services.incidents_escalate(now)  # to the community ...
    services.incidents_escalate(now)  # ... and, for those overdue more than a day, the subdistrict
    return []


def _staff_user(grid, role, c_index, g_index, password, community, started) -> User:
    if c_index == 0 and g_index == 0:
        return User.objects.get(username=DEMO_ACCOUNTS[role])
    username = f"{role.replace('_', '')}{grid.community_id:02d}{g_index // 2 + 1}"
    user, created = User.objects.get_or_create(
        username=username, defaults={"name": person_name(random.Random(username)), "password": password}
    )
    if created:
        scope = {"community": community}
        Post.objects.create(user=user, role=POST_ROLE[role], started_on=started, **scope)
    return user


def _records(rng, now: datetime) -> None:
    """The past two weeks: most shifts done (some late), a few missed."""
    past = list(DutyShift.objects.filter(ends_at__lte=now, status=DutyStatus.SCHEDULED))
    for shift in past:
        roll = rng.random()
        if roll < 0.06:
            shift.status, shift.late = DutyStatus.MISSED, True
            continue
        delay = rng.randint(-8, 6) if roll > 0.15 else rng.randint(12, 40)
        shift.started_at = shift.starts_at + timedelta(minutes=delay)
        shift.ended_at = shift.ends_at + timedelta(minutes=rng.randint(-10, 10))
        shift.late = delay > 10
        shift.status = DutyStatus.DONE
        shift.notes = rng.choice(["", "", "路面已清扫", "巡查正常", "车辆停放有序"])
    DutyShift.objects.bulk_update(past, ["status", "started_at", "ended_at", "late", "notes"], batch_size=500)


def _inspections(rng, estate: Estate, today: date) -> None:
    for grid in Grid.objects.filter(community__in=estate.communities).prefetch_related("staff"):
        inspector = next((a.user for a in grid.staff.all() if a.role == "grid_worker"), None)
        items = selectors.checklist_for(grid.community)
        for back in range(14, 0, -1):
            day = today - timedelta(days=back)
            if day.weekday() > 4 or inspector is None:
                continue
            at = timezone.make_aware(datetime.combine(day, time(9, 30)))
            failed = rng.choice([None, None, None] + items)
            results = [
                {
                    "item": i.pk,
                    "passed": i is not failed,
                    "finding": "东门外有占道摆摊" if i is failed else "",
                    "place": "东门",
                }
                for i in items
            ]
            services.inspection_record(actor=inspector, grid=grid, results=results, now=at)


def _incidents(rng, grid: Grid, units, now: datetime) -> None:
    """Incidents in 第一网格 in every state, some overdue."""
    categories = {c.code: c for c in Category.objects.all()}
    runner = User.objects.get(username="gridworker")
    police, cleaner = User.objects.get(username="police"), User.objects.get(username="cleaner")
    resident = User.objects.get(username="resident")
    plans = [
        ("reported", "parking", "2号楼门前", "私家车堵住消防通道", 0),
        ("reported", "street_vending", "东门外", "早市摊贩占道经营", 0),
        ("rejected", "other", "小区广场", "广场舞音响声音大（已协调，非网格事件）", 3),
        ("dispatched", "sanitation", "3号楼北侧", "建筑垃圾堆放", 1),
        ("overdue", "facilities", "5号楼单元门", "单元门门禁损坏", 6),
        # reported mid last month and still open: last month's figures have one to act on, any day
        ("overdue", "street_vending", "北门", "夜市摊点占道", (now.date() - _mid_last_month(now)).days),
        ("rectifying", "safety", "地下车棚", "电动车飞线充电", 2),
        ("resolved", "sanitation", "垃圾分类亭", "垃圾满溢未清运", 2),
        ("closed", "parking", "1号楼东侧", "僵尸车长期占用车位", 8),
        ("closed", "facilities", "中心花园", "路灯不亮", 10),
    ]
    for state, code, place, text, days_ago in plans:
        at = now - timedelta(days=days_ago, hours=rng.randint(1, 5))
        reporter = rng.choice([resident, cleaner, runner])
        incident = services.incident_report(
            actor=reporter, grid=grid, category=categories[code], place=place, description=text, now=at
        )
        if state == "reported":
            continue
        if state == "rejected":
            services.incident_step(
                actor=runner,
                incident=incident,
                action="reject",
                note="不属于网格处置范围，已转社区协调",
                now=at + timedelta(hours=1),
            )
            continue
        unit = (
            units["东风派出所"]
            if code in ("safety", "street_vending", "parking")
            else units["安居物业服务有限公司"]
        )
        if code == "sanitation":
            unit = units["东风环卫保洁公司"]
        actor_for_unit = police if unit.name == "东风派出所" else _unit_staff(unit)
        services.incident_step(
            actor=runner, incident=incident, action="dispatch", unit=unit, now=at + timedelta(hours=1)
        )
        if state in ("dispatched", "overdue"):
            continue
        services.incident_step(
            actor=actor_for_unit, incident=incident, action="accept", now=at + timedelta(hours=2)
        )
        if state == "rectifying":
            continue
        services.incident_step(
            actor=actor_for_unit,
            incident=incident,
            action="resolve",
            note="已整改完毕并拍照留存",
            now=at + timedelta(hours=20),
        )
        if state == "resolved":
            continue
        services.incident_step(actor=runner, incident=incident, action="verify", now=at + timedelta(hours=26))
        Incident.objects.filter(pk=incident.pk).update(rating=rng.choice([4, 5]))


def _mid_last_month(now: datetime):
    return (now.date().replace(day=1) - timedelta(days=1)).replace(day=12)


def _unit_staff(unit) -> User:
    return unit.staff.order_by("id").first().user
