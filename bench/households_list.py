"""Households list next to health, one gunicorn server with 2 workers on PostgreSQL.

Goal: the list at >= 50% of the health endpoint's throughput, with a query count that does
not grow with the page size.
"""

import json
import subprocess

from bench.common import PYTHON, ROOT, bench_env, ensure_database, gunicorn, load, token_for

QUERY_COUNT = """
import django, json; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from accounts.services import token_issue
from property.models import Compound
_, raw = token_issue(user=User.objects.get(username="worker"))
client = Client(headers={"Authorization": "Bearer " + raw}, SERVER_NAME="127.0.0.1")
compound = Compound.objects.filter(community__name="幸福社区").order_by("id").first()
client.get("/api/v1/property/households?compound=%d" % compound.id)
counts = {}
for limit in (10, 50, 200):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/property/households?compound=%d&limit=%d" % (compound.id, limit)).status_code == 200
    counts[limit] = len(ctx)
print(json.dumps({"compound": compound.id, "counts": counts}))
"""


def _median_run(results: list[dict]) -> dict:
    """The round with the median throughput (rounds alternate between the endpoints)."""
    return sorted(results, key=lambda r: r["rps"])[len(results) // 2]


def run(seconds: float = 10.0, clients: int = 4, rounds: int = 3) -> dict:
    env = bench_env()
    ensure_database(env)
    probe = subprocess.run([PYTHON, "-c", QUERY_COUNT], cwd=ROOT, env=env, capture_output=True, text=True)
    if probe.returncode != 0:
        raise SystemExit(probe.stderr)
    info = json.loads(probe.stdout.strip().splitlines()[-1])
    with gunicorn(env, workers=2) as port:
        auth = {"Authorization": f"Bearer {token_for(port, 'worker')}"}
        list_url = f"/api/v1/property/households?compound={info['compound']}&limit=50"
        health_runs, list_runs = [], []
        for _ in range(rounds):
            health_runs.append(load(port, "/api/v1/health", {}, clients=clients, seconds=seconds))
            list_runs.append(load(port, list_url, auth, clients=clients, seconds=seconds))
    health, households = _median_run(health_runs), _median_run(list_runs)
    ratio = households["rps"] / health["rps"]
    print(
        "households list vs health — gunicorn, 2 workers, PostgreSQL, "
        f"{clients} client processes, {rounds} alternating rounds of {seconds:.0f} s, median round"
    )
    for name, r in (("GET /api/v1/health", health), ("GET /api/v1/property/households?limit=50", households)):
        print(
            f"  {name:<44} {r['rps']:8.1f} req/s   p50 {r['p50_ms']:6.1f} ms   p99 {r['p99_ms']:6.1f} ms"
            f"   ({r['requests']} requests, {r['errors']} errors)"
        )
    print(f"  throughput ratio list/health: {ratio:.0%} (goal >= 50%)")
    print(f"  queries per list request by page size: {info['counts']} (goal: constant)")
    return {"health": health, "households": households, "ratio": ratio, "queries": info["counts"]}
