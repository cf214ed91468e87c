"""core.locks: a transaction the database rolls back for a deadlock runs again, and one that outlasts
its retries is a readable refusal on the API, the pages and an import, never the raw OperationalError
(issue 22). The deadlock itself is PostgreSQL's; here it is raised as psycopg raises it, so that these
run on SQLite too (the real races are in tests/*/test_concurrency.py)."""

import ast
from pathlib import Path

import psycopg.errors
import pytest
from django.conf import settings
from django.db import OperationalError, transaction
from django.test import Client

from core.errors import Busy
from core.locks import retried
from property.models import Household
from renovation.models import Project

pytestmark = pytest.mark.django_db(transaction=True)
BUSY = "其他人正在修改同样的记录，本次未写入任何内容，请重试。"


def deadlock() -> OperationalError:
    """What Django raises for PostgreSQL's deadlock_detected (40P01)."""
    try:
        raise OperationalError("deadlock detected") from psycopg.errors.DeadlockDetected("deadlock detected")
    except OperationalError as exc:
        return exc


@pytest.fixture(autouse=True)
def _no_pause(settings):
    settings.LOCK_RETRIES, settings.LOCK_RETRY_PAUSE_MS = 3, 0


def test_a_deadlocked_transaction_runs_again_and_what_it_wrote_the_second_time_stands(estate):
    calls = []

    @retried
    @transaction.atomic
    def write():
        calls.append(1)
        Household.objects.filter(pk=estate.household_a.pk).update(unit_label="9-901")
        if len(calls) == 1:
            raise deadlock()
        return len(calls)

    assert write() == 2
    assert Household.objects.get(pk=estate.household_a.pk).unit_label == "9-901"


def test_a_deadlock_past_the_retries_is_busy_and_other_errors_pass_unchanged(estate):
    calls = []

    @retried
    @transaction.atomic
    def always():
        calls.append(1)
        raise deadlock()

    with pytest.raises(Busy):
        always()
    assert len(calls) == 4  # the first run and three retries

    @retried
    @transaction.atomic
    def broken():
        calls.append(1)
        raise OperationalError("no such table")

    with pytest.raises(OperationalError, match="no such table"):
        broken()
    assert len(calls) == 5


def test_inside_an_outer_transaction_it_runs_once_for_the_outer_one_to_retry(estate):
    calls = []

    @retried
    @transaction.atomic
    def inner():
        calls.append(1)
        raise deadlock()

    with pytest.raises(OperationalError), transaction.atomic():
        inner()
    assert calls == [1]


def test_a_household_patch_that_stays_deadlocked_answers_409_busy_in_words(api, worker, estate, monkeypatch):
    from property.register import services

    def deadlocked(*_a, **_kw):
        raise deadlock()

    monkeypatch.setattr(services, "_save_changes", deadlocked)
    answer = api(worker).patch(
        f"/api/v1/property/households/{estate.household_a.pk}",
        {"held_by_developer": True},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert (answer.json()["code"], answer.json()["detail"]) == ("busy", BUSY)
    assert Household.objects.get(pk=estate.household_a.pk).held_by_developer is False


def test_a_deadlock_escaping_a_service_on_the_api_is_409_busy_not_500(worker, estate, monkeypatch):
    from accounts.services import token_issue
    from property.register import api as property_api

    def deadlocked(*_a, **_kw):
        raise deadlock()

    monkeypatch.setattr(property_api.services, "household_update", deadlocked)
    raw = token_issue(user=worker, name="test")[1]
    answer = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"}).patch(
        f"/api/v1/property/households/{estate.household_a.pk}",
        {"held_by_developer": True},
        content_type="application/json",
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "busy")


def test_a_payment_deadlocked_once_runs_again_with_its_idempotency_key_and_is_written_once(
    collector, estate, monkeypatch
):
    """The payment's own `retried` runs inside the idempotency key's transaction and so cannot run it
    again: the key's transaction is the one retried (accounts.idempotency), key row and payment both."""
    from accounts.models import IdempotencyKey
    from accounts.services import token_issue
    from property.fees import services as fees
    from property.models import Payment
    from tests.property.test_concurrency import _bills

    _bills(estate.household_a, 1)
    real, calls = fees.payment_record, []

    def first_deadlocks(**kwargs):
        calls.append(1)
        payment = real(**kwargs)
        if len(calls) == 1:
            raise deadlock()
        return payment

    monkeypatch.setattr(fees, "payment_record", first_deadlocks)
    raw = token_issue(user=collector, name="test")[1]
    answer = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"}).post(
        "/api/v1/property/payments",
        {"household": estate.household_a.pk, "amount": "10.00", "method": "cash"},
        content_type="application/json",
        headers={"Idempotency-Key": "pay-1"},
    )
    assert answer.status_code == 201, answer.json()
    assert len(calls) == 2
    assert Payment.objects.count() == 1 and IdempotencyKey.objects.filter(key="pay-1").count() == 1


def test_a_page_whose_write_stays_deadlocked_shows_a_refusal(worker, estate, monkeypatch):
    from renovation import services, views
    from renovation.services import project_create

    project = project_create(actor=worker, name="改造", compounds=[estate.compound_a], year=2026)
    client = Client(raise_request_exception=False)
    client.force_login(worker)
    page = f"/renovation/projects/{project.pk}/"

    def deadlocked(*_a, **_kw):
        raise deadlock()

    # through the service's retries: Busy, shown as any refusal is
    monkeypatch.setattr(services.conditions, "missing_for", deadlocked)
    shown = client.post(f"{page}advance/", {"to": "consultation"}, HTTP_REFERER=page, follow=True)
    assert f'<p class="flash error" role="alert">{BUSY}</p>' in shown.content.decode()
    # escaping the view (no retries on its way): the middleware says the same, on the page it came from
    monkeypatch.setattr(views.services, "project_advance", deadlocked)
    answer = client.post(f"{page}advance/", {"to": "consultation"}, HTTP_REFERER=f"http://testserver{page}")
    assert (answer.status_code, answer["Location"]) == (302, f"http://testserver{page}")
    shown = client.get(page).content.decode()
    assert f'<p class="flash error" role="alert">{BUSY}</p>' in shown
    assert Project.objects.get(pk=project.pk).stage == "planned"


def test_an_import_whose_write_stays_deadlocked_fails_in_words_and_writes_nothing(
    worker, estate, monkeypatch
):
    from property import tasks
    from property.imports import runs as import_runs
    from property.models import ImportStatus, LedgerImport

    record = LedgerImport.objects.create(
        kind="households",
        community=estate.community_a,
        compound=estate.compound_a,
        file_name="台账.csv",
        data="楼栋,房号,楼层,建筑面积,姓名,关系,手机\n1号楼,6-601,6,70,住户,业主,13700000001\n".encode(),
        dry_run=False,
        rows=1,
        requested_by=worker,
    )
    from dataclasses import replace

    kinds = import_runs.kinds()
    spec = kinds["households"]

    def deadlocked(*args):
        spec.write(*args)
        raise deadlock()

    monkeypatch.setattr(import_runs, "kinds", lambda: {**kinds, "households": replace(spec, write=deadlocked)})
    assert tasks.import_execute(record.pk)["status"] == ImportStatus.FAILED
    record.refresh_from_db()
    assert record.failure == BUSY
    assert record.errors == [{"row": 0, "column": "", "message": BUSY}]
    assert not Household.objects.filter(unit_label="6-601").exists()


APPS = (
    *("accounts", "core", "property", "notifications", "volunteers"),
    *("grid", "renovation", "governance", "funds", "reports"),
)


def _chain(node, parents) -> list[ast.AST]:
    """The calls and attributes of the method chain `node` is part of, outermost first."""
    while isinstance(parents.get(node), (ast.Attribute, ast.Call)):
        parent = parents[node]
        if isinstance(parent, ast.Call) and parent.func is not node:
            break  # an argument of another call, not a link of this chain
        node = parent
    found = []
    while isinstance(node, (ast.Attribute, ast.Call)):
        found.append(node)
        node = node.func if isinstance(node, ast.Call) else node.value
    return found


def test_no_lock_that_joins_locks_the_joined_rows_too():
    """select_for_update with select_related in one chain names of=("self",) (core.locks): without OF
    PostgreSQL locks the joined rows as well, against the documented order."""
    root = Path(settings.BASE_DIR)
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "select_for_update"):
                    continue
                if any(k.arg == "of" for k in node.keywords):
                    continue
                chain = _chain(node, parents)
                names = {n.attr for n in chain if isinstance(n, ast.Attribute)}
                if "select_related" in names:
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []
