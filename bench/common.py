"""Shared pieces of the benchmarks: a production-like server on PostgreSQL and a load loop."""

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/gongzhi_bench"


def bench_env(**extra) -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DB)
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
        GONGZHI_VAR_DIR=env.get("GONGZHI_VAR_DIR", tempfile.mkdtemp(prefix="gongzhi-bench-")),
    )
    env.update(extra)
    return env


# Code for a measurement's own process (run_python): its peak resident memory (ru_maxrss, Django
# included) and the line that hands its figures back.
MEASURE = """
import json, resource
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def report(**figures):
    print("RESULT " + json.dumps({**figures, "peak_mb": round(peak_mb(), 1)}))
"""


def run_python(env, code: str, label: str) -> dict | str:
    """Run `code` in a process of its own: the figures it report()ed, else its last line printed."""
    result = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{label} failed:\n{result.stderr[-3000:]}")
    for line in result.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return result.stdout.strip().splitlines()[-1]


def manage(env, *args) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def ensure_database(env) -> None:
    """Create the benchmark database if missing, migrate it and load the demo data."""
    url = env["DATABASE_URL"]
    if url.startswith("postgres"):
        create_database(url)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")  # what autovacuum does in a live database after the bulk load


def create_database(url: str) -> None:
    """Create the PostgreSQL database the URL names, if it is missing."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def gunicorn(env, workers: int = 2, port: int = 8791):
    proc = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer /api/v1/health")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def _client(args):
    port, path, headers, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies, errors = [], 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        if response.status != 200:
            errors += 1
    conn.close()
    return latencies, errors


def load(port: int, path: str, headers: dict, *, clients: int = 4, seconds: float = 10.0) -> dict:
    """`clients` processes on keep-alive connections for `seconds`: throughput and latency."""
    _client((port, path, headers, 1.0))  # warm up
    started = time.perf_counter()
    with ProcessPoolExecutor(clients) as pool:
        results = list(pool.map(_client, [(port, path, headers, seconds)] * clients))
    elapsed = time.perf_counter() - started
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def token_for(port: int, username: str, password: str = "gongzhi-demo") -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST",
        "/api/v1/auth/token",
        body=json.dumps({"username": username, "password": password}),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    body = json.loads(response.read())
    if response.status != 200:
        raise SystemExit(f"token for {username}: {response.status} {body}")
    return body["token"]
