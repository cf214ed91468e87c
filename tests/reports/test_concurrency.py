"""An officer's recompute of a month racing the beat's fill of it: needs PostgreSQL and real threads
(issue 22)."""

import threading

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services import token_issue
from core.periods import last_full_month
from property.models import Compound
from reports import tasks
from reports.models import Fill, Level, Snapshot
from tests.factories import BuildingFactory, CompoundFactory, HouseholdFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="concurrency is tested on PostgreSQL"),
]


def at_once(jobs):
    """Run the jobs in threads released together; return what each returned or raised."""
    barrier, results = threading.Barrier(len(jobs)), [None] * len(jobs)

    def run(i):
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except Exception as exc:  # noqa: BLE001 - the test reports it as the job's outcome
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("run", range(10))
def test_a_recompute_racing_the_fill_of_the_same_month_answers_200_and_the_month_is_kept_once(
    run, estate, officer, settings
):
    """The beat fills the last month compound by compound while an officer recomputes it on the API and
    on the page: both recomputes succeed, the fill finishes, and each place has one row of the month."""
    settings.FIVE_CO_FILL_CHUNK = 1  # a transaction per compound: the fill is long and interleaves
    for n in range(8):
        compound = CompoundFactory(community=estate.community_a, name=f"小区{n}")
        HouseholdFactory(building=BuildingFactory(compound=compound, name="1号楼"), unit_label="1-101")
    month = last_full_month(timezone.localdate())
    body = {"subdistrict": estate.subdistrict.pk, "period": f"{month:%Y-%m}", "reason": "补录"}
    raw = token_issue(user=officer, name="race")[1]
    page = Client(raise_request_exception=False)
    page.force_login(officer)

    def on_the_api():
        client = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
        return client.post("/api/v1/governance/five-co/recompute", body, content_type="application/json")

    def on_the_page():
        answer = page.post("/reports/recompute/", body)
        return answer.status_code, [(m.level_tag, str(m)) for m in get_messages(answer.wsgi_request)]

    filled, api, shown = at_once([tasks.snapshots_fill_due, on_the_api, on_the_page])
    assert filled == [f"{month:%Y-%m}"]
    assert (api.status_code, api.json()["period"]) == (200, f"{month:%Y-%m}"), api.content.decode()
    assert shown == (302, [("success", "已按现有记录重新计算该月指数。")])
    assert Fill.objects.get(period=month).state == "done"
    kept = Snapshot.objects.filter(period=month)
    assert sorted(kept.filter(level=Level.COMPOUND).values_list("place_id", flat=True)) == sorted(
        Compound.objects.values_list("pk", flat=True)
    )
    assert kept.filter(level=Level.COMMUNITY).count() == 2
    assert kept.filter(level=Level.SUBDISTRICT).count() == 1
    assert AuditEvent.objects.filter(action="five_co.recompute").count() == 2
