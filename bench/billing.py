"""A billing run for 100,000 households on PostgreSQL, next to a plain create() loop and COPY;
and the CSV export of 1,000,000 bills. Each measurement runs in its own process, whose peak
resident memory (ru_maxrss, Django included) is reported.

Goals (issue 3): the run >= 10x faster than the create() loop, within 2x of COPY, under 300 MB;
the export under 150 MB.
"""

from bench.common import MEASURE, bench_env, create_database, manage, run_python

DB = "postgres://postgres@127.0.0.1:5432/gongzhi_bench_billing"
HOUSEHOLDS = 100_000

PRELUDE = (
    MEASURE
    + """
import json, resource, time, django
django.setup()
from datetime import date
from decimal import Decimal
from django.db import connection, transaction
from property.models import *
from property.fees import services as billing
def clean(period):
    # Raw SQL, so that the cleanup neither loads the rows (Django's delete() collects them) nor
    # counts in this process's peak memory; VACUUM keeps repeated runs on a table of one size.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM property_bill WHERE period_start = %s", [period])
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE property_bill")
community = Community.objects.get(name="基准社区")
"""
)

SETUP = """
import django
django.setup()
from datetime import date
from decimal import Decimal
from property.models import *
subdistrict, _ = Subdistrict.objects.get_or_create(name="基准街道")
community, _ = Community.objects.get_or_create(subdistrict=subdistrict, name="基准社区")
if not Household.objects.filter(building__compound__community=community).exists():
    for c in range(100):
        compound = Compound.objects.create(community=community, name=f"基准小区{c:03d}")
        FeeItem.objects.create(compound=compound, name="物业服务费", kind="per_area", unit_price=Decimal("0.50"),
                               effective_from=date(2025, 1, 1), vacancy_discount=Decimal("50"))
        buildings = Building.objects.bulk_create([Building(compound=compound, name=f"{b}号楼", floors=6) for b in range(10)])
        Household.objects.bulk_create([
            Household(building=bl, unit_label=f"{n // 10 + 1}-{n:03d}", floor=n % 6 + 1,
                      building_area=Decimal(4500 + (n * 37 + c) % 7000) / 100, is_vacant=(n % 23 == 0))
            for bl in buildings for n in range(100)
        ])
print(Household.objects.filter(building__compound__community=community).count())
"""

RUN = (
    PRELUDE
    + """
clean(date(2026, 1, 1))
run = BillingRun.objects.create(community=community, period_start=date(2026, 1, 1))
started = time.perf_counter()
billing.billing_run_execute(run.pk)
seconds = time.perf_counter() - started
run.refresh_from_db()
report(seconds=seconds, issued=run.issued)
"""
)

CREATE_LOOP = (
    PRELUDE
    + """
clean(date(2026, 2, 1))
items = {i.compound_id: i for i in FeeItem.objects.filter(compound__community=community)}
rows = list(Household.objects.filter(building__compound__community=community)
            .values_list("id", "building__compound_id", "building_area", "is_vacant")[:10_000])
started = time.perf_counter()
with transaction.atomic():
    for household_id, compound_id, area, vacant in rows:
        item = items[compound_id]
        charge = billing.charge_for(item, area=area, vacant=vacant, spaces=0)
        Bill.objects.create(household_id=household_id, fee_item=item, period_start=date(2026, 2, 1), months=1,
                            amount=charge.amount, basis=charge.basis, due_on=date(2026, 3, 3))
seconds = time.perf_counter() - started
clean(date(2026, 2, 1))
report(seconds=seconds, rows=len(rows))
"""
)

COPY = (
    PRELUDE
    + """
clean(date(2026, 3, 1))
items = {i.compound_id: i for i in FeeItem.objects.filter(compound__community=community)}
rows = []
for household_id, compound_id, area, vacant in Household.objects.filter(
        building__compound__community=community).values_list("id", "building__compound_id", "building_area", "is_vacant"):
    item = items[compound_id]
    charge = billing.charge_for(item, area=area, vacant=vacant, spaces=0)
    rows.append((household_id, item.pk, date(2026, 3, 1), 1, charge.amount, charge.basis, date(2026, 3, 31), "open"))
started = time.perf_counter()
with transaction.atomic(), connection.cursor() as cursor:
    with cursor.connection.cursor().copy(
        "COPY property_bill (household_id, fee_item_id, period_start, months, amount, basis, due_on, status, issued_at)"
        " FROM STDIN"
    ) as copy:
        now = __import__("django.utils.timezone", fromlist=["now"]).now()
        for row in rows:
            copy.write_row((*row, now))
seconds = time.perf_counter() - started
clean(date(2026, 3, 1))
report(seconds=seconds, rows=len(rows))
"""
)

MILLION = """
import django
django.setup()
from django.db import connection
from property.models import Bill
if Bill.objects.filter(basis="bench-million").count() < 1_000_000:
    Bill.objects.filter(basis="bench-million").delete()
    with connection.cursor() as cursor:
        cursor.execute('''
            INSERT INTO property_bill (household_id, fee_item_id, period_start, months, amount, basis, due_on,
                                       status, issued_at)
            SELECT h.id, fi.id, make_date(2024, m, 1), 1, round(h.building_area * 0.5, 2), 'bench-million',
                   make_date(2024, m, 28), 'open', now()
            FROM property_household h
            JOIN property_building b ON b.id = h.building_id
            JOIN property_feeitem fi ON fi.compound_id = b.compound_id
            JOIN property_compound c ON c.id = b.compound_id
            JOIN property_community cm ON cm.id = c.community_id AND cm.name = '基准社区'
            CROSS JOIN generate_series(1, 10) AS m
        ''')
print(Bill.objects.filter(basis="bench-million").count())
"""

EXPORT = (
    PRELUDE
    + """
from property import ledgers
from property.fees import ledgers as fee_ledgers
bills = Bill.objects.filter(basis="bench-million")
response = ledgers.csv_response("bills", fee_ledgers.bill_columns(), fee_ledgers.bill_rows(bills))
started = time.perf_counter()
size = lines = 0
for chunk in response.streaming_content:
    size += len(chunk)
    lines += chunk.count(b"\\n")
seconds = time.perf_counter() - started
report(seconds=seconds, rows=lines - 1, megabytes=round(size / 2**20, 1))
"""
)


def ensure(env) -> None:
    import psycopg

    create_database(DB)
    manage(env, "migrate", "--noinput")
    households = int(run_python(env, SETUP, "setup"))
    assert households == HOUSEHOLDS, households
    with psycopg.connect(DB, autocommit=True) as conn:
        conn.execute("ANALYZE")


def run(seconds: float = 0, **_ignored) -> dict:
    env = bench_env(DATABASE_URL=DB)
    ensure(env)
    count = int(run_python(env, MILLION, "million bills"))  # first: every measurement sees the same table
    billing_run = run_python(env, RUN, "billing run")
    loop = run_python(env, CREATE_LOOP, "create loop")
    copy = run_python(env, COPY, "copy")
    loop_100k = loop["seconds"] * HOUSEHOLDS / loop["rows"]
    print(f"billing run for {HOUSEHOLDS:,} households on PostgreSQL (one community, 100 compounds)")
    print(
        f"  billing run (task code):      {billing_run['seconds']:7.2f} s   {billing_run['issued']:,} bills"
        f"   peak {billing_run['peak_mb']:.0f} MB (goal < 300)"
    )
    print(
        f"  (a) Model.objects.create loop: {loop_100k:7.2f} s   (measured {loop['seconds']:.2f} s on "
        f"{loop['rows']:,} rows, scaled)   run is {loop_100k / billing_run['seconds']:.1f}x faster (goal >= 10x)"
    )
    print(
        f"  (b) COPY of the same rows:     {copy['seconds']:7.2f} s   run takes "
        f"{billing_run['seconds'] / copy['seconds']:.2f}x COPY's time (goal <= 2x)"
    )
    export = run_python(env, EXPORT, "export")
    print(
        f"export of {count:,} bills as CSV: {export['rows'] / export['seconds']:,.0f} rows/s "
        f"({export['seconds']:.1f} s, {export['megabytes']} MB of CSV), peak {export['peak_mb']:.0f} MB (goal < 150)"
    )
    return {"run": billing_run, "loop": loop, "copy": copy, "export": export}
