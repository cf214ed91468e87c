import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from accounts.models import AuditEvent
from accounts.services import audit_record

pytestmark = pytest.mark.django_db


def test_health_queries_the_database_and_reports_the_broker(settings):
    body = Client().get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == ("embedded" if settings.BROKER_IS_EMBEDDED else "ok")


def test_health_reports_a_broken_broker_as_503(settings, monkeypatch):
    monkeypatch.setattr("config.health.broker_status", lambda: "error")
    response = Client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_history_cannot_be_edited(worker):
    event = audit_record(actor=worker, action="test.thing", obj=worker, data={"a": 1})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


def test_docs_and_schema_are_served(db):
    assert Client().get("/api/v1/docs").status_code == 200
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/property/households" in schema["paths"]


def test_task_round_trip(db):
    from accounts.tasks import probe

    assert probe.delay().get(timeout=10) == {"database": "ok"}


def test_every_beat_entry_names_a_registered_task_that_runs(db):
    """A misspelt task name in CELERY_BEAT_SCHEDULE would fail only in production: run each one."""
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        if entry["task"] == "property.tasks.billing_runs_monthly":
            continue  # enqueues billing runs; tested in tests/property/test_billing.py
        result = app.tasks[entry["task"]].apply()
        assert result.successful(), (name, result.traceback)


def test_the_favicon_is_served_not_a_404(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith(".svg")
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg")  # served with the other static files
