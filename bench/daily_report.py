"""The daily community report (社区每日巡查报告) of a community with 50 grids and a year of records
(about 100,000 duty-shift records and 20,000 incidents) on PostgreSQL: time and number of queries,
measured for a community of 10 grids too, to show the query count does not grow with the grids.

Goal (issue 6): under 300 ms, with a query count that does not grow with the number of grids.
"""

import json
import subprocess

from bench.common import PYTHON, ROOT, bench_env, create_database, manage

DB = "postgres://postgres@127.0.0.1:5432/gongzhi_bench_grid"

SETUP = """
import django
django.setup()
from datetime import date
from django.db import connection
from accounts.models import User
from grid.models import Assignment, DutyShift, Grid, Incident, Unit
from property.models import Community, Subdistrict
subdistrict, _ = Subdistrict.objects.get_or_create(name="基准街道")
for name, grids in (("基准网格社区50", 50), ("基准网格社区10", 10)):
    community, created = Community.objects.get_or_create(subdistrict=subdistrict, name=name)
    if Grid.objects.filter(community=community).exists():
        continue
    unit, _ = Unit.objects.get_or_create(name=f"{name}保洁", defaults={"kind": "cleaning"})
    for g in range(grids):
        grid = Grid.objects.create(community=community, name=f"网格{g:02d}")
        for r, role in enumerate(["cleaner", "property_manager", "police", "law_enforcement", "grid_worker"]):
            user = User.objects.create(username=f"bench-{community.pk}-{g}-{role}")
            Assignment.objects.create(grid=grid, user=user, role=role, unit=unit, started_on=date(2025, 1, 1))
    with connection.cursor() as cursor:
        # A year of duty shifts: every staff member, every day, a shift at an hour of their own.
        cursor.execute('''
            INSERT INTO grid_dutyshift (assignment_id, staff_id, grid_id, role, starts_at, ends_at, status,
                                        started_at, ended_at, place_note, notes, late)
            SELECT a.id, a.user_id, a.grid_id, a.role, s, s + interval '2 hours',
                   CASE WHEN random() < 0.05 THEN 'missed' ELSE 'done' END, s, s + interval '2 hours', '', '',
                   random() < 0.1
            FROM grid_assignment a JOIN grid_grid g ON g.id = a.grid_id AND g.community_id = %s
            CROSS JOIN generate_series(timestamptz '2025-11-26 06:00+08', timestamptz '2026-11-25 06:00+08',
                                       interval '1 day') AS d(day)
            CROSS JOIN LATERAL (SELECT d.day + (a.id %% 12) * interval '1 hour') AS t(s)
        ''', [community.pk])
        cursor.execute('''
            INSERT INTO grid_inspection (grid_id, inspector_id, done_at, day)
            SELECT a.grid_id, a.user_id, d.day + interval '3 hours', (d.day AT TIME ZONE 'Asia/Shanghai')::date
            FROM grid_assignment a JOIN grid_grid g ON g.id = a.grid_id AND g.community_id = %s AND a.role = 'grid_worker'
            CROSS JOIN generate_series(timestamptz '2025-11-26 06:00+08', timestamptz '2026-11-25 06:00+08',
                                       interval '1 day') AS d(day)
        ''', [community.pk])
        cursor.execute('''
            INSERT INTO grid_finding (grid_id, text, place, found_by_id, found_at)
            SELECT i.grid_id, '占道经营', '东门', i.inspector_id, i.done_at FROM grid_inspection i
            JOIN grid_grid g ON g.id = i.grid_id AND g.community_id = %s WHERE random() < 0.3
        ''', [community.pk])
        # Incidents: 400 a grid over the year, most closed within days, some overdue.
        cursor.execute('''
            INSERT INTO grid_incident (grid_id, category_id, place, description, photo, reporter_id, reported_at,
                                       status, unit_id, deadline, measures, closed_at, escalation, overdue)
            SELECT g.id, (SELECT min(id) FROM grid_category), '东门', '基准事件', '', a.user_id, r,
                   CASE WHEN n %% 20 = 0 THEN 'rectifying' ELSE 'closed' END, %s, r + interval '3 days', '',
                   CASE WHEN n %% 20 = 0 THEN NULL ELSE r + (n %% 5) * interval '1 day' END, 0, n %% 7 = 0
            FROM grid_grid g JOIN grid_assignment a ON a.grid_id = g.id AND a.role = 'grid_worker'
            CROSS JOIN generate_series(1, 400) AS n
            CROSS JOIN LATERAL (SELECT timestamptz '2025-11-26 08:00+08' + (n * 22 + g.id) * interval '1 hour') AS t(r)
            WHERE g.community_id = %s
        ''', [unit.pk, community.pk])
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
for name in ("基准网格社区50", "基准网格社区10"):
    c = Community.objects.get(name=name)
    print(name, Grid.objects.filter(community=c).count(), "grids,",
          DutyShift.objects.filter(grid__community=c).count(), "duty shifts,",
          Incident.objects.filter(grid__community=c).count(), "incidents")
"""

MEASURE = """
import json, statistics, time, django
django.setup()
from datetime import date, timedelta
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from grid.selectors import daily_report
from property.models import Community
out = {}
for name in ("基准网格社区50", "基准网格社区10"):
    community = Community.objects.get(name=name)
    days = [date(2026, 11, 24) - timedelta(days=7 * k) for k in range(20)]
    daily_report(community, days[0])  # warm the connection
    times, queries = [], set()
    for day in days:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            report = daily_report(community, day)
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(ctx.captured_queries))
    out[name] = {"grids": len(report["grids"]), "median_ms": round(statistics.median(times), 1),
                 "max_ms": round(max(times), 1), "queries": sorted(queries),
                 "shifts_that_day": sum(sum(f["planned"] for f in g["duty"].values()) for g in report["grids"])}
print("RESULT " + json.dumps(out))
"""


def run(seconds: float = 10.0) -> None:
    env = bench_env(DATABASE_URL=DB)
    create_database(DB)
    manage(env, "migrate", "--noinput")
    setup = subprocess.run(
        [PYTHON, "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    result = subprocess.run(
        [PYTHON, "-c", MEASURE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    figures = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))[7:])
    print("daily report: a community's 社区每日巡查报告 on PostgreSQL, a year of records, 20 different days")
    for line in setup.stdout.splitlines():  # community, grids, duty shifts, incidents
        print("  data:", line)
    for f in figures.values():
        print(
            f"  {f['grids']} grids: median {f['median_ms']} ms, max {f['max_ms']} ms, queries {f['queries']}"
            f" ({f['shifts_that_day']} duty shifts that day)"
        )
    print("  goal: under 300 ms, queries not growing with the grids")
