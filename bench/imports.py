"""Ledger imports and the households export on PostgreSQL (issue 12).

- the dry run and the import of a households ledger (.xlsx, about 1.5 people a unit) of 2,000 and
  20,000 rows, through the service and the task's own code, as a community worker; then the same
  file again (which changes nothing). Time and peak memory; the 20,000-row figures per row against
  the 2,000-row ones (goal: each under 60 s and 300 MB at 20,000 rows, growing no faster than rows);
- the same at both sizes for a ledger as an office keeps it (issue 23): a merged title, 序号, the
  office's headers (门牌号/房号, 户主姓名, 联系电话, 建筑面积(㎡) ...), areas written with ㎡, dates in
  four forms, full-width digits, no 楼层 (read from the room number) and no 关系 (answered: the
  first of each unit the owner), a totals row and the signatures: first-try check and import;
- the export of 100,000 households with their people (CSV and .xlsx): rows per second and peak
  memory (goal: under 150 MB).

Each measurement runs in its own process, whose peak resident memory (ru_maxrss, Django included)
is reported. The database is made anew each time, so that every run imports into an empty register.
"""

import tempfile
from pathlib import Path

from bench.common import MEASURE, bench_env, create_database, manage, run_python

DB = "postgres://postgres@127.0.0.1:5432/gongzhi_bench_imports"
SIZES = (2_000, 20_000)
EXPORT_HOUSEHOLDS = 100_000

PRELUDE = (
    MEASURE
    + """
import json, resource, time, django
django.setup()
from datetime import date
from io import BytesIO
from config.celery import app
app.conf.task_always_eager = True  # the task runs here, in this process, as soon as it is asked for
from accounts.models import Post, Role, User
from property.models import *
from property.imports import runs as import_runs
worker = User.objects.get(username="bench-worker")
"""
)

SETUP = """
import django
django.setup()
from datetime import date
from decimal import Decimal
from accounts.models import Post, Role, User
from property.models import *
subdistrict = Subdistrict.objects.create(name="基准街道")
community = Community.objects.create(subdistrict=subdistrict, name="基准社区")
worker = User.objects.create_user(username="bench-worker", password="x" * 20)
Post.objects.create(user=worker, role=Role.COMMUNITY_WORKER, community=community, started_on=date(2020, 1, 1))
for size in SIZES:
    for prefix in ("导入", "办公"):
        compound = Compound.objects.create(community=community, name=f"{prefix}{size}")
        Building.objects.bulk_create([Building(compound=compound, name=f"{b}号楼", floors=18) for b in range(1, 81)])
# The export's 100,000 households, each with a person, in another community (bulk: not what is measured).
other = Community.objects.create(subdistrict=subdistrict, name="导出社区")
for c in range(50):
    compound = Compound.objects.create(community=other, name=f"导出{c:02d}")
    buildings = Building.objects.bulk_create([Building(compound=compound, name=f"{b}号楼", floors=6) for b in range(20)])
    households = Household.objects.bulk_create([
        Household(building=bl, unit_label=f"{n // 12 + 1}-{n % 6 + 1}{n % 2 + 1:02d}-{n}", floor=n % 6 + 1,
                  building_area=Decimal(4500 + (n * 37 + c) % 7000) / 100)
        for bl in buildings for n in range(100)
    ])
    residents = Resident.objects.bulk_create([
        Resident(name=f"居民{c}-{i}", phone=f"139{c:02d}{i:06d}") for i in range(len(households))
    ])
    Residency.objects.bulk_create([
        Residency(resident=r, household=h, relation="owner", started_on=date(2015, 6, 1))
        for r, h in zip(residents, households)
    ])
print(Household.objects.filter(building__compound__community=other).count())
""".replace("SIZES", repr(SIZES))

# A households ledger as a community office keeps it: one row a person, about 1.5 people a unit.
LEDGER = """
from openpyxl import Workbook
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
def id_number(n):
    body = f"110105{n:011d}"  # the check digit is right; the date in it is not checked
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, W)) % 11]
def ledger(size, seed):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("房屋与居民")
    sheet.append(["楼栋", "单元", "房号", "楼层", "建筑面积", "套内面积", "面积来源", "姓名", "关系", "手机",
                  "身份证号", "党员", "入住日期", "开发商持有"])
    row = unit = 0
    while row < size:
        k = unit % 216  # 18 floors, 4 entrances, 3 doors a landing
        building, floor = unit // 216 + 1, k // 12 + 1
        label = f"{k % 12 // 3 + 1}-{floor}{k % 3 + 1:02d}"
        people = 2 if unit % 2 else 1
        for p in range(min(people, size - row)):
            n = seed + row
            sheet.append([f"{building}号楼", "", label, floor, 60 + unit % 50, None, "登记",
                          f"居民{n}", "业主" if p == 0 else "家属", f"13{n:09d}",
                          id_number(n) if p == 0 else "", "是" if n % 9 == 0 else "否", date(2010 + unit % 15, 6, 1), ""])
            row += 1
        unit += 1
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
def office_ledger(size, seed):
    from openpyxl.utils import get_column_letter
    book = Workbook()  # merged cells need a workbook open in full, as an office's is
    sheet = book.active
    headers = ["序号", "楼栋", "单元", "门牌号/房号", "户主姓名", "身份证号", "联系电话", "建筑面积(㎡)", "入住时间",
               "是否党员", "备注"]
    sheet.append(["基准社区住户信息台账"])
    sheet.merge_cells(f"A1:{get_column_letter(len(headers))}1")
    sheet.append(headers)
    row = unit = 0
    while row < size:
        k = unit % 216
        building, floor = unit // 216 + 1, k // 12 + 1
        label = f"{k % 12 // 3 + 1}-{floor}{k % 3 + 1:02d}"
        people = 2 if unit % 2 else 1
        for p in range(min(people, size - row)):
            n = seed + row
            moved = (f"{2010 + unit % 15}.6.1", f"{2010 + unit % 15}年6月1日", f"{2010 + unit % 15}-06-01",
                     date(2010 + unit % 15, 6, 1))[n % 4]
            phone = f"13{n:09d}"
            sheet.append([row + 1, f"{building}号楼", "", label, f"居民{n}", id_number(n) if p == 0 else "",
                          phone.translate(FULL) if n % 5 == 0 else phone, f"{60 + unit % 50}㎡", moved,
                          "是" if n % 9 == 0 else "否", "自住" if p == 0 else ""])
            row += 1
        unit += 1
    sheet.append(["合计", None, None, None, f"{row}人"])
    sheet.append(["制表人：王芳", None, None, None, "审核人：李强"])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
"""

IMPORT = (
    PRELUDE
    + LEDGER
    + """
size, dry_run, office = SIZE, DRY_RUN, OFFICE
compound = Compound.objects.get(name=f"{'办公' if office else '导入'}{size}")
if office:  # made beforehand in a process of its own: openpyxl holds a whole workbook to merge cells
    data = open(OFFICE_FILE.format(size=size), "rb").read()
else:
    data = ledger(size, seed=size * 10)
started = time.perf_counter()
record = import_runs.import_request(actor=worker, kind="households", compound=compound, file_name="台账.xlsx",
                                    data=data, dry_run=dry_run,
                                    options={"relation": "first_owner"} if office else None)
seconds = time.perf_counter() - started
record.refresh_from_db()
assert record.status == ("checked" if dry_run else "done"), (record.status, record.errors[:3], record.failure)
report(seconds=seconds, rows=record.rows, created=record.created, unchanged=record.unchanged,
       megabytes=round(len(data) / 2**20, 2))
"""
)

EXPORT = (
    PRELUDE
    + """
from property import ledgers
from property.register import ledgers as register_ledgers
from property.register import permissions
households = permissions.households_visible(worker).model.objects.filter(building__compound__community__name="导出社区")
render = ledgers.csv_response if FORMAT == "csv" else ledgers.xlsx_response
started = time.perf_counter()
response = render("households", register_ledgers.household_columns(), register_ledgers.household_rows(households, worker))
size = 0
for chunk in response.streaming_content:
    size += len(chunk)
seconds = time.perf_counter() - started
report(seconds=seconds, rows=households.count(), megabytes=round(size / 2**20, 1))
"""
)


OFFICE_FILE = str(Path(tempfile.gettempdir()) / "gongzhi-bench-office-{size}.xlsx")
MAKE_OFFICE = (
    """
from datetime import date
from io import BytesIO
"""
    + LEDGER
    + """
# people of their own (the plain ledger's names and mobiles would be found as registered people)
open(OFFICE_FILE.format(size=SIZE), "wb").write(office_ledger(SIZE, seed=SIZE * 10 + 5_000_000))
print("made")
"""
)


def fresh(env) -> None:
    import psycopg

    name = DB.rsplit("/", 1)[1]
    with psycopg.connect(DB.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    create_database(DB)
    manage(env, "migrate", "--noinput")
    households = int(run_python(env, SETUP, "setup"))
    assert households == EXPORT_HOUSEHOLDS, households
    with psycopg.connect(DB, autocommit=True) as conn:
        conn.execute("ANALYZE")


def run(seconds: float = 0, **_ignored) -> dict:
    env = bench_env(DATABASE_URL=DB)
    fresh(env)
    figures = {}
    for size in SIZES:
        for step, dry_run in (("dry run", True), ("import", False), ("again", False)):
            code = IMPORT.replace("SIZE", str(size)).replace("DRY_RUN", str(dry_run))
            code = code.replace("OFFICE_FILE", "''").replace("OFFICE", "False")
            figures[(size, step)] = run_python(env, code, f"{step} of {size}")
        made = MAKE_OFFICE.replace("OFFICE_FILE", repr(OFFICE_FILE)).replace("SIZE", str(size))
        run_python(env, made, f"office ledger of {size}")
        for step, dry_run in (("office check", True), ("office import", False)):
            code = IMPORT.replace("SIZE", str(size)).replace("DRY_RUN", str(dry_run))
            code = code.replace("OFFICE_FILE", repr(OFFICE_FILE)).replace("OFFICE", "True")
            figures[(size, step)] = run_python(env, code, f"{step} of {size}")
    exports = {f: run_python(env, EXPORT.replace("FORMAT", repr(f)), f"export {f}") for f in ("csv", "xlsx")}

    print("households ledger import on PostgreSQL (.xlsx, one row a person, as a community worker)")
    small, large = SIZES
    for step in ("dry run", "import", "again", "office check", "office import"):
        a, b = figures[(small, step)], figures[(large, step)]
        growth = (b["seconds"] / b["rows"]) / (a["seconds"] / a["rows"])
        print(
            f"  {step:13s} {small:>6,} rows {a['seconds']:6.2f} s {a['peak_mb']:5.0f} MB | "
            f"{large:>6,} rows {b['seconds']:6.2f} s {b['peak_mb']:5.0f} MB (goal < 60 s, < 300 MB) | "
            f"time per row x{growth:.2f} at 10x the rows (goal <= 1)"
        )
    print(
        f"  (the {large:,}-row file: {figures[(large, 'import')]['megabytes']} MB, "
        f"{figures[(large, 'import')]['created']:,} rows created; again: "
        f"{figures[(large, 'again')]['unchanged']:,} unchanged)"
    )
    print(f"households export of {EXPORT_HOUSEHOLDS:,} households with their people on PostgreSQL")
    for name, f in exports.items():
        print(
            f"  {name:4s} {f['rows'] / f['seconds']:9,.0f} rows/s  ({f['seconds']:.2f} s, {f['megabytes']} MB)"
            f"   peak {f['peak_mb']:.0f} MB (goal < 150)"
        )
    return {"imports": {f"{k[0]} {k[1]}": v for k, v in figures.items()}, "exports": exports}
