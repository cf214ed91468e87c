"""200 concurrent sign-ups by distinct volunteers for 20 shifts of 10 places, over HTTP against
gunicorn (2 workers) on PostgreSQL, repeated 20 times: sign-ups per second, p50/p99 latency and
the number of overbooked shifts. Goal: 0 overbooked in every repetition, p99 under 250 ms.
"""

import http.client
import json
import random
import statistics
import subprocess
import threading
import time

from bench.common import PYTHON, ROOT, bench_env, ensure_database, gunicorn

VOLUNTEERS, SHIFTS, PLACES, REPETITIONS, THREADS = 200, 20, 10, 20, 50

SETUP = """
import json, django
django.setup()
from accounts.models import User
from accounts.services import token_issue
from property.models import Community, Household, Relation, Residency, Resident
from volunteers.models import Volunteer
from django.db import connection
community = Community.objects.order_by("id").first()
with connection.cursor() as cursor:  # forget the sign-ups and shifts of earlier runs
    cursor.execute("DELETE FROM volunteers_signup WHERE shift_id IN (SELECT id FROM volunteers_shift WHERE meeting_point = '基准')")
    cursor.execute("DELETE FROM volunteers_shift WHERE meeting_point = '基准'")
home = Household.objects.filter(building__compound__community=community).order_by("id").first()
tokens = []
for n in range(%(n)d):
    user, created = User.objects.get_or_create(username=f"benchvol{n:03d}")
    if created:
        resident = Resident.objects.create(name=f"基准志愿者{n}", user=user)
        Residency.objects.create(resident=resident, household=home, relation=Relation.FAMILY, started_on="2020-01-01")
        Volunteer.objects.create(resident=resident, community=community, status="approved")
    tokens.append(token_issue(user=user, name="bench")[1])
print(json.dumps({"community": community.id, "tokens": tokens}))
"""

SHIFTS_SQL = """
import json, django, sys
django.setup()
from datetime import timedelta
from django.utils import timezone
from volunteers.models import ServiceType, Shift
community, repetition = int(sys.argv[1]), int(sys.argv[2])
patrol = ServiceType.objects.get(code="patrol", community=None)
start = timezone.now() + timedelta(days=400 + repetition)
ids = [Shift.objects.create(community_id=community, service_type=patrol, starts_at=start, ends_at=start + timedelta(hours=2),
                            meeting_point="基准", capacity=%(places)d).pk for _ in range(%(shifts)d)]
print(json.dumps(ids))
"""

COUNT = """
import json, django, sys
django.setup()
from django.db.models import Count, Q
from volunteers.models import Shift
ids = json.loads(sys.argv[1])
rows = Shift.objects.filter(pk__in=ids).annotate(confirmed=Count("signups", filter=Q(signups__status="confirmed")))
print(json.dumps({"overbooked": sum(1 for s in rows if s.confirmed > s.capacity),
                  "confirmed": sum(s.confirmed for s in rows)}))
"""


def _python(env, code, *args):
    result = subprocess.run(
        [PYTHON, "-c", code, *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _sign_up_all(port, tokens, shift_ids, rng):
    jobs = [(token, rng.choice(shift_ids)) for token in tokens]
    latencies, statuses, lock = [], [], threading.Lock()
    barrier = threading.Barrier(THREADS)

    def worker(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        for token, shift in chunk:
            started = time.perf_counter()
            conn.request(
                "POST",
                f"/api/v1/volunteers/shifts/{shift}/signup",
                headers={"Authorization": f"Bearer {token}"},
            )
            response = conn.getresponse()
            response.read()
            with lock:
                latencies.append(time.perf_counter() - started)
                statuses.append(response.status)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    chunks = [jobs[i::THREADS] for i in range(THREADS)]
    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def run(seconds: float = 0, **_ignored) -> dict:
    env = bench_env()
    ensure_database(env)
    setup = _python(env, SETUP % {"n": VOLUNTEERS})
    rng = random.Random(7)
    results = []
    with gunicorn(env, workers=2) as port:
        for repetition in range(REPETITIONS):
            shift_ids = _python(
                env,
                SHIFTS_SQL % {"places": PLACES, "shifts": SHIFTS},
                setup["community"],
                repetition,
            )
            wall, latencies, statuses = _sign_up_all(port, setup["tokens"], shift_ids, rng)
            counts = _python(env, COUNT, json.dumps(shift_ids))
            latencies.sort()
            results.append(
                {
                    "rate": len(latencies) / wall,
                    "p50": statistics.median(latencies) * 1000,
                    "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
                    "overbooked": counts["overbooked"],
                    "confirmed": counts["confirmed"],
                    "errors": sum(1 for s in statuses if s >= 500),
                    "not_201": sum(1 for s in statuses if s != 201),
                }
            )
    print(
        f"sign-ups: {VOLUNTEERS} distinct volunteers at once for {SHIFTS} shifts of {PLACES} places, "
        f"gunicorn 2 workers, PostgreSQL, {THREADS} client threads, {REPETITIONS} repetitions"
    )
    rates = [r["rate"] for r in results]
    p99s = [r["p99"] for r in results]
    print(
        f"  sign-ups per second: median {statistics.median(rates):.0f} (min {min(rates):.0f}, max {max(rates):.0f})"
    )
    print(
        f"  latency p50 median {statistics.median(r['p50'] for r in results):.0f} ms; "
        f"p99 median {statistics.median(p99s):.0f} ms, worst {max(p99s):.0f} ms (goal < 250)"
    )
    print(f"  overbooked shifts per repetition: {[r['overbooked'] for r in results]} (goal: all 0)")
    print(
        f"  confirmed per repetition (at most 200): {[r['confirmed'] for r in results]}; "
        f"5xx answers: {sum(r['errors'] for r in results)}; non-201: {sum(r['not_201'] for r in results)}"
    )
    return {"repetitions": results}
