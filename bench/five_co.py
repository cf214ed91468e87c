"""The five-co view on PostgreSQL with a subdistrict of 100,000 households and a year of records
(about 1.2 million bills, 200,000 sign-ups, 50,000 incidents, 100,000 duty shifts):

- one month's index for every compound, community and the subdistrict: time and queries (and the
  beat's fill that keeps it);
- the officer's dashboard page from the snapshots: server time and queries;
- the week's bulletin: time and queries.

Each is measured for a small subdistrict too (2 communities, 6 compounds), to show the query counts
do not grow with the compounds or communities. Goals (issue 11): the month's index under 1 s in
under 30 queries, the dashboard under 100 ms in under 15 queries, the bulletin under 1 s.
"""

import json
import subprocess

from bench.common import PYTHON, ROOT, bench_env, create_database, manage

DB = "postgres://postgres@127.0.0.1:5432/gongzhi_bench_fiveco"

SETUP = """
import django
django.setup()
from datetime import date
from django.db import connection
from django.utils import timezone
from accounts.models import Post, User
from core.periods import add_months, last_full_month
from grid.models import Assignment, Grid, Unit
from property.models import Building, Community, Compound, FeeItem, Subdistrict
from volunteers.defaults import ensure as ensure_service_types
from volunteers.models import ServiceType
from grid.defaults import ensure as ensure_grid
from grid.models import Category, ChecklistItem

ensure_grid(ChecklistItem, Category)
ensure_service_types(ServiceType)
last = last_full_month(timezone.localdate())
first = add_months(last, -11)
ROLES = ["cleaner", "property_manager", "police", "law_enforcement", "grid_worker"]


def build(name, communities, compounds, per_building, buildings=10):
    subdistrict, created = Subdistrict.objects.get_or_create(name=name)
    if not created:
        return subdistrict
    officer = User.objects.create(username=f"officer-{subdistrict.pk}")
    Post.objects.create(user=officer, role="subdistrict_officer", subdistrict=subdistrict, started_on=date(2020, 1, 1))
    collector = User.objects.create(username=f"collector-{subdistrict.pk}")
    unit = Unit.objects.create(name=f"{name}保洁", kind="cleaning")
    users = []
    for c in range(communities):
        community = Community.objects.create(subdistrict=subdistrict, name=f"{name}社区{c:02d}")
        for k in range(compounds):
            compound = Compound.objects.create(
                community=community, name=f"小区{c:02d}-{k:02d}", is_old=True,
                management_mode=["property_company", "red_property", "none"][k % 3],
            )
            Building.objects.bulk_create(Building(compound=compound, name=f"{b + 1}号楼", floors=6) for b in range(buildings))
            FeeItem.objects.create(compound=compound, name="物业服务费", kind="per_household", unit_price=50, effective_from=first)
            grid = Grid.objects.create(community=community, name=f"网格{c:02d}-{k:02d}")
            grid.compounds.set([compound])
            for role in ROLES:
                user = User.objects.create(username=f"g{grid.pk}-{role}")
                Assignment.objects.create(grid=grid, user=user, role=role, unit=unit, started_on=date(2020, 1, 1))
    sub = [subdistrict.pk]
    with connection.cursor() as cur:
        cur.execute('''
            INSERT INTO property_household (unit_label, floor, building_area, area_source, building_id, is_vacant, held_by_developer)
            SELECT n::text, 1 + n %% 6, 60 + n %% 40, 'register', b.id, false, false
            FROM property_building b JOIN property_compound c ON c.id = b.compound_id
            JOIN property_community m ON m.id = c.community_id AND m.subdistrict_id = %s
            CROSS JOIN generate_series(1, %s) n''', sub + [per_building])
        cur.execute('''
            INSERT INTO property_resident (name, phone, id_number_masked, id_number_digest, is_party_member, created_at)
            SELECT 'R' || h.id, '', '', '', h.id %% 12 = 0, now()
            FROM property_household h JOIN property_building b ON b.id = h.building_id
            JOIN property_compound c ON c.id = b.compound_id JOIN property_community m ON m.id = c.community_id
            WHERE m.subdistrict_id = %s''', sub)
        cur.execute('''
            INSERT INTO property_residency (relation, started_on, household_id, resident_id)
            SELECT 'owner', '2020-01-01', substr(r.name, 2)::bigint, r.id FROM property_resident r
            WHERE r.name LIKE 'R%%' AND NOT EXISTS (SELECT 1 FROM property_residency x WHERE x.resident_id = r.id)''')
        # A year of monthly bills, about 85 %% paid, one payment per paid bill.
        cur.execute('''
            INSERT INTO property_bill (period_start, months, amount, basis, due_on, status, issued_at, household_id, fee_item_id)
            SELECT m::date, 1, 50.00, 'bench', (m + interval '27 days')::date,
                   CASE WHEN (h.id + extract(month from m)::int) %% 7 = 0 THEN 'issued' ELSE 'paid' END, now(), h.id, f.id
            FROM property_household h JOIN property_building b ON b.id = h.building_id
            JOIN property_feeitem f ON f.compound_id = b.compound_id
            JOIN property_compound c ON c.id = b.compound_id JOIN property_community x ON x.id = c.community_id
            CROSS JOIN generate_series(%s::date, %s::date, interval '1 month') m
            WHERE x.subdistrict_id = %s''', [first, last, subdistrict.pk])
        cur.execute('''
            INSERT INTO property_payment (receipt_seq, amount, credit, method, note, received_at, compound_id, household_id, received_by_id)
            SELECT row_number() OVER (PARTITION BY b.compound_id ORDER BY bill.id), bill.amount, 0, 'wechat', bill.id::text,
                   bill.due_on - 3 + time '10:00', b.compound_id, bill.household_id, %s
            FROM property_bill bill JOIN property_household h ON h.id = bill.household_id
            JOIN property_building b ON b.id = h.building_id JOIN property_compound c ON c.id = b.compound_id
            JOIN property_community x ON x.id = c.community_id
            WHERE bill.status = 'paid' AND x.subdistrict_id = %s''', [collector.pk, subdistrict.pk])
        cur.execute('''
            INSERT INTO property_paymentallocation (amount, bill_id, payment_id)
            SELECT p.amount, p.note::bigint, p.id FROM property_payment p
            WHERE p.received_by_id = %s''', [collector.pk])
        # Volunteers: one resident in twenty; a shift every ten days per compound; 25 sign-ups each.
        cur.execute('''
            INSERT INTO volunteers_volunteer (skills, availability, status, registered_at, decision_reason, community_id, resident_id)
            SELECT '', '', 'approved', now(), '', c.community_id, r.id
            FROM property_residency r JOIN property_household h ON h.id = r.household_id
            JOIN property_building b ON b.id = h.building_id JOIN property_compound c ON c.id = b.compound_id
            JOIN property_community x ON x.id = c.community_id
            WHERE r.id %% 20 = 0 AND x.subdistrict_id = %s''', sub)
        cur.execute('''
            INSERT INTO volunteers_shift (starts_at, ends_at, meeting_point, capacity, members_only, status, community_id, compound_id, service_type_id)
            SELECT s, s + interval '2 hours', '北门', 30, false, 'scheduled', c.community_id, c.id, (SELECT min(id) FROM volunteers_servicetype)
            FROM property_compound c JOIN property_community x ON x.id = c.community_id
            CROSS JOIN generate_series(%s::timestamptz + interval '19 hours', %s::timestamptz + interval '1 month', interval '10 days') s
            WHERE x.subdistrict_id = %s''', [first, last, subdistrict.pk])
        cur.execute('''
            INSERT INTO volunteers_signup (status, queued_at, checked_in_at, checked_out_at, shift_id, volunteer_id)
            SELECT 'confirmed', s.starts_at - interval '2 days', s.starts_at, s.ends_at, s.id, v.id
            FROM volunteers_shift s JOIN volunteers_volunteer v ON v.community_id = s.community_id AND (v.id + s.id) %% 10 = 0
            JOIN property_community x ON x.id = s.community_id WHERE x.subdistrict_id = %s''', sub)
        # Grids: a duty shift per staff member every five days; about 170 incidents a grid.
        cur.execute('''
            INSERT INTO grid_dutyshift (assignment_id, staff_id, grid_id, role, starts_at, ends_at, status, started_at, ended_at, place_note, notes, late)
            SELECT a.id, a.user_id, a.grid_id, a.role, d, d + interval '2 hours',
                   CASE WHEN (a.id + extract(doy from d)::int) %% 19 = 0 THEN 'missed' ELSE 'done' END, d, d + interval '2 hours', '', '',
                   (a.id + extract(doy from d)::int) %% 9 = 0
            FROM grid_assignment a JOIN grid_grid g ON g.id = a.grid_id JOIN property_community x ON x.id = g.community_id
            CROSS JOIN generate_series(%s::timestamptz + interval '7 hours', %s::timestamptz + interval '1 month', interval '5 days') d
            WHERE x.subdistrict_id = %s''', [first, last, subdistrict.pk])
        cur.execute('''
            INSERT INTO grid_incident (grid_id, category_id, place, description, photo, reporter_id, reported_at, status, unit_id,
                                       deadline, measures, closed_at, escalation, overdue, rating)
            SELECT g.id, (SELECT min(id) FROM grid_category), '东门', '基准事件', '', a.user_id, r,
                   CASE WHEN n %% 25 = 0 THEN 'rectifying' ELSE 'closed' END, %s, r + interval '3 days', '',
                   CASE WHEN n %% 25 = 0 THEN NULL ELSE r + (n %% 5) * interval '1 day' END, 0, n %% 5 = 4, 3 + n %% 3
            FROM grid_grid g JOIN grid_assignment a ON a.grid_id = g.id AND a.role = 'grid_worker'
            JOIN property_community x ON x.id = g.community_id
            CROSS JOIN generate_series(1, 170) n
            CROSS JOIN LATERAL (SELECT %s::timestamptz + (n * 51 + g.id %% 40) * interval '1 hour') t(r)
            WHERE x.subdistrict_id = %s''', [unit.pk, first, subdistrict.pk])
        cur.execute('''
            INSERT INTO governance_notice (compound_id, kind, title, body, published_on, author_name, created_at)
            SELECT c.id, CASE WHEN extract(month from m)::int %% 3 = 0 THEN 'finance' ELSE 'progress' END, '公示', '',
                   (m + interval '4 days')::date, '社区', now()
            FROM property_compound c JOIN property_community x ON x.id = c.community_id
            CROSS JOIN generate_series(%s::date, %s::date, interval '1 month') m
            WHERE x.subdistrict_id = %s''', [first, last, subdistrict.pk])
    return subdistrict


big = build("基准五共街道", communities=20, compounds=15, per_building=33)
small = build("基准小街道", communities=2, compounds=3, per_building=33)
with connection.cursor() as cur:
    cur.execute("ANALYZE")
from grid.models import DutyShift, Incident
from property.models import Bill, Household
from volunteers.models import Signup
for s in (big, small):
    print(s.name, Community.objects.filter(subdistrict=s).count(), "communities,",
          Compound.objects.filter(community__subdistrict=s).count(), "compounds,",
          Household.objects.filter(building__compound__community__subdistrict=s).count(), "households,",
          Bill.objects.filter(household__building__compound__community__subdistrict=s).count(), "bills,",
          Signup.objects.filter(shift__community__subdistrict=s).count(), "sign-ups,",
          Incident.objects.filter(grid__community__subdistrict=s).count(), "incidents,",
          DutyShift.objects.filter(grid__community__subdistrict=s).count(), "duty shifts")
"""

MEASURE = """
import json, statistics, time, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from accounts.models import User
from core.periods import add_months, last_full_month, last_full_week
from property.models import Compound, Subdistrict
from reports import bulletin, selectors, services
from reports.models import Fill, Level, Snapshot

last = last_full_month(timezone.localdate())
week = last_full_week(timezone.localdate())


def timed(fn, repeat=3):
    times, queries = [], set()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(ctx.captured_queries))
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "queries": sorted(queries)}


def month_index(subdistrict):
    # every compound, every community and the subdistrict, computed from the records
    ids = selectors.compounds_of(Level.SUBDISTRICT, [subdistrict.pk])
    compounds = selectors.compound_scores(ids, last)
    parents = dict(Compound.objects.filter(pk__in=ids).values_list("pk", "community_id"))
    communities = {}
    for cid, scores in compounds.items():
        communities.setdefault(parents[cid], []).append(scores)
    rolled = {pk: selectors.roll_up(rows) for pk, rows in communities.items()}
    selectors.roll_up(list(compounds.values()))
    return rolled


out = {}
Snapshot.objects.all().delete()
Fill.objects.all().delete()
fill_started = time.perf_counter()
with CaptureQueriesContext(connection) as ctx:
    services.snapshots_fill(period=last)
fill = {"ms": round((time.perf_counter() - fill_started) * 1000, 1), "queries": len(ctx.captured_queries)}
year_started = time.perf_counter()
for k in range(1, 12):
    services.snapshots_fill(period=add_months(last, -k))
year_s = round(time.perf_counter() - year_started, 1)
for name in ("基准五共街道", "基准小街道"):
    subdistrict = Subdistrict.objects.get(name=name)
    client = Client()
    client.force_login(User.objects.get(username=f"officer-{subdistrict.pk}"))
    path = f"/reports/?subdistrict={subdistrict.pk}"
    assert client.get(path, HTTP_HOST="127.0.0.1").status_code == 200
    out[name] = {
        "compounds": len(selectors.compounds_of(Level.SUBDISTRICT, [subdistrict.pk])),
        "index": timed(lambda: month_index(subdistrict)),
        "dashboard": timed(lambda: client.get(path, HTTP_HOST="127.0.0.1"), repeat=20),
        "bulletin": timed(lambda: bulletin.bulletin(subdistrict, week)),
    }
print("RESULT " + json.dumps({"fill": fill, "year_s": year_s, "places": out}))
"""


def run(seconds: float = 10.0) -> None:
    env = bench_env(DATABASE_URL=DB, ALLOWED_HOSTS="127.0.0.1,testserver")
    create_database(DB)
    manage(env, "migrate", "--noinput")
    setup = subprocess.run(
        [PYTHON, "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    result = subprocess.run(
        [PYTHON, "-c", MEASURE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    figures = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))[7:])
    print("five-co: the month's index, the officer's dashboard and the weekly bulletin on PostgreSQL")
    for line in setup.stdout.splitlines():
        print("  data:", line)
    fill = figures["fill"]
    print(
        f"  the beat's fill of one month (big subdistrict and the small one): {fill['ms']} ms, {fill['queries']} queries"
    )
    print(f"  eleven more months kept for the trends: {figures['year_s']} s")
    for name, f in figures["places"].items():
        print(f"  {name} ({f['compounds']} compounds):")
        for what, label in (
            ("index", "month's index"),
            ("dashboard", "dashboard page"),
            ("bulletin", "bulletin"),
        ):
            m = f[what]
            print(f"    {label}: median {m['median_ms']} ms, max {m['max_ms']} ms, queries {m['queries']}")
    print(
        "  goals: index under 1 s in under 30 queries; dashboard under 100 ms in under 15; bulletin under 1 s;"
    )
    print("         query counts the same for the big and the small subdistrict")


def _python(env, code: str):
    done = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"five_co benchmark failed:\n{done.stderr[-3000:]}")
    return done
