"""Dates and amounts have sane bounds (DESIGN.md): year 9999 or 1800 in any date of any write endpoint,
an area of 999,999.99 m², 999,999,999,999.99 yuan, funding received 1,000 times the plan, each answers
422 naming the field and writes nothing (issue 22). The date cases are generated from the OpenAPI
schema with the rightful actor's valid body of tests/test_write_matrix.py, so a new endpoint's date
is covered without being listed here."""

import copy
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from config.api import api as ninja_api
from tests.test_write_matrix import MATRIX, send, snapshot

pytestmark = pytest.mark.django_db

FAR = {
    "date": ["9999-12-31", "1800-01-01"],
    "date-time": ["9999-12-31T23:00:00+08:00", "1800-01-01T08:00:00+08:00"],
}


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _date_format(schema: dict, spec: dict) -> str | None:
    schema = _resolve(schema, spec)
    for option in [schema, *schema.get("anyOf", [])]:
        option = _resolve(option, spec)
        if option.get("format") in FAR:
            return option["format"]
    return None


def date_fields(schema: dict, spec: dict, body: dict, prefix=()):
    """(path in the body, format) of each date or date-time the body's schema holds: top-level, in a
    mapping (a planned date by stage) or in the first element of a list of objects the body has."""
    schema = _resolve(schema, spec)
    for name, prop in schema.get("properties", {}).items():
        kind = _date_format(prop, spec)
        if kind:
            yield (*prefix, name), kind
            continue
        for option in [_resolve(prop, spec), *_resolve(prop, spec).get("anyOf", [])]:
            option = _resolve(option, spec)
            extra = option.get("additionalProperties")
            if isinstance(extra, dict) and _date_format(extra, spec):
                yield (*prefix, name, "design"), _date_format(extra, spec)
            items = option.get("items")
            if items and isinstance(body.get(name), list) and body[name] and isinstance(body[name][0], dict):
                yield from date_fields(items, spec, body[name][0], (*prefix, name, 0))


def body_schema(operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {})
    for media in ("application/json", "multipart/form-data"):
        if media in content:
            return content[media]["schema"]
    return None


def cases():
    spec = ninja_api.get_openapi_schema()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            key = f"{method.upper()} {path.removeprefix('/api/v1')}"
            schema = body_schema(operation)
            if key not in MATRIX or schema is None:
                continue
            # The body is built per test (it needs the world); the schema walk needs only its keys,
            # which every list of objects in a matrix body has as its first element.
            for field, kind in date_fields(schema, spec, _LIST_SHAPES.get(key, {})):
                for value in FAR[kind]:
                    yield pytest.param(key, field, value, id=f"{key} {'.'.join(map(str, field))}={value[:4]}")


# The matrix bodies' lists of objects, by shape (to reach the dates inside them).
_LIST_SHAPES = {
    "POST /governance/meetings": {"actions": [{"title": "x"}]},
    "POST /renovation/projects/{project_id}/inspections": {"findings": [{"contract": 0}]},
}


def _set(body: dict, field: tuple, value):
    target = body
    for part in field[:-1]:
        if isinstance(target, dict) and part not in target:
            target[part] = {}
        target = target[part]
    target[field[-1]] = value


CASES = list(cases())

# Lists of objects a matrix body leaves empty, filled with one valid element so its dates are reached.
ENRICH = {
    "POST /governance/meetings": lambda w, body: body.setdefault(
        "actions",
        [
            {
                "title": "修门禁",
                "assignee": body["attendance"][0]["member"],
                "due_on": str(w.today + timedelta(days=7)),
            }
        ],
    ),
}


def test_the_dates_of_the_write_endpoints_are_all_covered():
    covered = {(c.values[0], c.values[1]) for c in CASES}
    # A sample that must be among them, so a broken schema walk cannot pass with nothing to test.
    for key, field in [
        ("POST /renovation/works-notices", ("starts_at",)),
        ("POST /property/residencies", ("started_on",)),
        ("POST /governance/votes", ("closes_at",)),
        ("PATCH /renovation/projects/{project_id}", ("planned", "design")),
        ("POST /grid/duty-shifts", ("ends_at",)),
        ("POST /governance/meetings", ("actions", 0, "due_on")),
        ("POST /renovation/projects/{project_id}/inspections", ("findings", 0, "due_on")),
    ]:
        assert (key, field) in covered
    assert len(covered) >= 40


@pytest.mark.parametrize("operation,field,value", CASES)
def test_a_far_date_is_422_naming_the_field_and_writes_nothing(
    operation, field, value, world, api, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call = MATRIX[operation](world)
    call.body = copy.copy(call.body)
    for key, item in list(call.body.items()):
        if isinstance(item, (list, dict)):
            call.body[key] = copy.deepcopy(item)
    ENRICH.get(operation, lambda w, body: None)(world, call.body)
    _set(call.body, field, value)
    client = api(world.users[call.actor])
    client.raise_request_exception = False
    before = snapshot()
    answer = send(client, operation.split(" ", 1)[0], call)
    assert answer.status_code == 422, (answer.status_code, answer.content[:300])
    name = ".".join(map(str, field))
    assert name in answer.json()["fields"], answer.json()
    assert str(value[:4]) not in " ".join(answer.json()["fields"][name])  # the limit is named, not echoed
    assert snapshot() == before


# --- a far date already stored is shown, not a 500 ------------------------------------------------------


@pytest.fixture
def far_notice(world):
    """A works notice of year 9999 written straight to the database (as one was before the bounds)."""
    from datetime import UTC, datetime

    from renovation.models import WorksNotice

    notice = WorksNotice.objects.create(
        project=world.project("construction"),
        compound=world.estate.compound_a,
        kind="water",
        title="停水到永远",
        starts_at=datetime(9999, 12, 31, 12, tzinfo=UTC),
        ends_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC),  # 10000-01-01 07:59 in Shanghai
        created_by=world.users["worker"],
    )
    notice.buildings.set([world.estate.building_a])
    return notice


def test_a_stored_far_date_leaves_the_public_page_and_apis_answering(far_notice, world, api):
    from datetime import UTC, datetime

    from django.test import Client

    from governance.models import Vote

    vote = world.vote()  # open now; its close moved to year 9999 behind the service's back
    Vote.objects.filter(pk=vote.pk).update(closes_at=datetime(9999, 12, 31, 23, tzinfo=UTC))
    client = Client(raise_request_exception=False)
    compound = world.estate.compound_a.pk
    page = client.get(f"/c/{compound}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "停水到永远" in text and "续聘物业" in text and text.count("12月31日 23:59") == 2
    for app in ("renovation", "governance"):
        path = f"/api/v1/{app}/public/compounds/{compound}"
        assert client.get(path).status_code == 200, path
    desk = Client(raise_request_exception=False)
    desk.force_login(world.users["worker"])
    assert desk.get(f"/renovation/projects/{far_notice.project_id}/").status_code == 200
    desk.force_login(world.users["committee"])
    assert desk.get(f"/governance/votes/{vote.pk}/").status_code == 200
    worker = api(world.users["worker"])
    worker.raise_request_exception = False
    assert worker.get("/api/v1/renovation/works-notices").status_code == 200


def test_the_sending_task_of_a_stored_far_notice_does_not_fail(far_notice, world):
    from accounts.models import Notification
    from renovation.tasks import works_notice_send
    from tests.factories import HouseholdFactory, ResidencyFactory, ResidentFactory, UserFactory

    user = UserFactory(username="far_reader")
    household = HouseholdFactory(building=world.estate.building_a, unit_label="1-909")
    ResidencyFactory(resident=ResidentFactory(user=user), household=household)
    assert works_notice_send.apply(args=[far_notice.pk]).get() >= 1
    sent = Notification.objects.get(user=user, dedupe_key=f"works-notice:{far_notice.pk}")
    assert "9999-12-31" in sent.body


# --- the pages' forms ------------------------------------------------------------------------------------

FAR_DATE, OLD_DATE = "9999-12-31", "1800-01-01"
FAR_TIME, OLD_TIME = "9999-12-31T23:00", "1800-01-01T08:00"
# Each page with the user who may open it and its address in the world of tests/world.py.
PAGE_OF = {
    "works notice": ("worker", lambda w: f"/renovation/projects/{w.project('construction').pk}/works/new/"),
    "residency": ("worker", lambda w: f"/property/households/{w.estate.household_a.pk}/residents/add/"),
    "household area": ("worker", lambda w: f"/property/households/{w.estate.household_a.pk}/edit/"),
    "payment": ("collector", lambda w: f"/property/households/{w.estate.household_a.pk}/fees/"),
    "management plan": ("worker", lambda w: f"/property/compounds/{w.estate.compound_a.pk}/plan/"),
    "funding": ("worker", lambda w: f"/renovation/projects/{w.project().pk}/planning/"),
    "contract": ("worker", lambda w: f"/renovation/projects/{w.project().pk}/contracts/new/"),
    "plan": ("worker", lambda w: f"/renovation/projects/{w.project('design').pk}/plan/"),
    "acceptance": ("worker", lambda w: f"/renovation/projects/{w.project('acceptance').pk}/acceptance/"),
    "shift": ("worker", lambda w: "/volunteers/shifts/new/"),
    "grid staff": ("worker", lambda w: f"/grid/grids/{w.grids.a.pk}/staff/"),
    "meeting": ("committee", lambda w: f"/governance/bodies/{w.committee.pk}/meetings/new/"),
    "vote": ("committee", lambda w: f"/governance/compounds/{w.estate.compound_a.pk}/votes/new/"),
    "notice": ("committee", lambda w: f"/governance/compounds/{w.estate.compound_a.pk}/notices/new/"),
}
# (page, the field, a value no real record can be)
PAGES = [
    ("works notice", "starts_at", FAR_TIME),
    ("works notice", "ends_at", OLD_TIME),
    ("residency", "started_on", FAR_DATE),
    ("residency", "started_on", OLD_DATE),
    ("household area", "building_area", "999999.99"),
    ("household area", "inner_area", "999999.99"),
    ("payment", "amount", "9999999999.99"),
    ("management plan", "adopted_on", FAR_DATE),
    ("funding", "central_subsidy_planned", "999999999999.99"),
    ("contract", "value", "999999999999.99"),
    ("contract", "ends_on", FAR_DATE),
    ("plan", "adopted_on", OLD_DATE),
    ("acceptance", "held_on", FAR_DATE),
    ("shift", "starts_at", FAR_TIME),
    ("shift", "ends_at", OLD_TIME),
    ("grid staff", "started_on", FAR_DATE),
    ("meeting", "held_at", FAR_TIME),
    ("meeting", "act_0_due", FAR_DATE),
    ("vote", "opens_at", OLD_TIME),
    ("vote", "closes_at", FAR_TIME),
    ("notice", "line_0_amount", "9999999999.99"),
]


@pytest.mark.parametrize("page,field,value", PAGES, ids=[f"{p} {f}={v[:6]}" for p, f, v in PAGES])
def test_a_page_form_refuses_an_absurd_value_on_its_field(page, field, value, world):
    from django.test import Client

    actor, url = PAGE_OF[page]
    client = Client(raise_request_exception=False)
    client.force_login(world.users[actor])
    path = url(world)
    before = snapshot()
    answer = client.post(path, {field: value})
    assert answer.status_code == 200, (answer.status_code, answer.get("Location"))
    form = answer.context["form"]
    assert field in form.errors, form.errors
    codes = [e.code for e in form.errors.as_data()[field]]
    assert "out_of_bounds" in codes, form.errors[field]
    assert snapshot() == before


# --- absurd amounts and areas on the API; unusual ones accepted and shown to check -----------------------


def _client(api, user):
    client = api(user)
    client.raise_request_exception = False
    return client


def _refused(answer, field: str):
    assert answer.status_code == 422, (answer.status_code, answer.content[:300])
    assert field in answer.json()["fields"], answer.json()


AMOUNTS = [
    # (operation of the matrix, field set, value)
    ("POST /property/households", ("building_area",), "999999.99"),
    ("POST /property/households", ("inner_area",), "999999.99"),
    ("PATCH /property/households/{household_id}", ("building_area",), "999999.99"),
    ("POST /property/payments", ("amount",), "9999999999.99"),
    ("POST /property/adjustments", ("amount",), "9999999999.99"),
    ("POST /property/fee-items", ("unit_price",), "999999.9999"),
    ("POST /renovation/projects/{project_id}/contracts", ("value",), "999999999999.99"),
    ("PATCH /renovation/projects/{project_id}", ("funding", 0, "planned"), "999999999999.99"),
    ("PATCH /renovation/projects/{project_id}", ("items", 0, "budget"), "999999999999.99"),
    ("POST /governance/notices", ("lines", 0, "amount"), "9999999999.99"),
]
# What the matrix body lacks for the field to be reached (by operation).
EXTRA_BODIES = {
    "PATCH /renovation/projects/{project_id}": {
        "funding": [{"source": "residents", "planned": "1", "received": "0"}]
    },
    "POST /governance/notices": {
        "kind": "finance",
        "lines": [{"flow": "income", "item": "物业费", "amount": "1"}],
    },
    "POST /property/payments": {"prepay": True},  # beyond the debt, kept as credit: only the bound refuses
    "POST /property/adjustments": {"kind": "credit"},
}


@pytest.mark.parametrize(
    "operation,field,value", AMOUNTS, ids=[f"{o} {'.'.join(map(str, f))}" for o, f, _v in AMOUNTS]
)
def test_an_absurd_amount_or_area_is_422_naming_the_field(
    operation, field, value, world, api, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call = MATRIX[operation](world)
    call.body = copy.deepcopy({k: v for k, v in call.body.items()})
    if field[0] == "items":
        from renovation.models import Project

        project = Project.objects.get(pk=int(call.path.split("/")[3]))
        call.body["items"] = [{"item": pi.item_id, "budget": "1"} for pi in project.items.all()]
    else:
        call.body.update(copy.deepcopy(EXTRA_BODIES.get(operation, {})))
    _set(call.body, field, value)
    client = _client(api, world.users[call.actor])
    before = snapshot()
    _refused(send(client, operation.split(" ", 1)[0], call), ".".join(map(str, field)))
    assert snapshot() == before


def test_funding_received_a_thousand_times_its_plan_is_refused_and_above_its_plan_is_to_check(world, api):
    from django.test import Client

    from renovation.models import Funding

    project = world.project()
    worker = _client(api, world.users["worker"])
    path = f"/api/v1/renovation/projects/{project.pk}"

    def funding(planned, received):
        body = {"funding": [{"source": "residents", "planned": planned, "received": received}]}
        return worker.patch(path, body, content_type="application/json")

    _refused(funding("1000.00", "1000000.00"), "funding.0.received")
    assert funding("1000.00", "1500.00").status_code == 200
    assert Funding.objects.get(project=project, source="residents").received == Decimal("1500.00")
    desk = Client()
    desk.force_login(world.users["worker"])
    page = desk.get(f"/renovation/projects/{project.pk}/").content.decode()
    assert page.count('data-testid="to-check"') == 1 and "请核对" in page
    # The page's form shows the service's refusal on the source's own field.
    answer = desk.post(
        f"/renovation/projects/{project.pk}/planning/",
        {"residents_planned": "1000", "residents_received": "1000000"},
    )
    assert answer.status_code == 200
    assert "residents_received" in answer.context["form"].errors
    assert Funding.objects.get(project=project, source="residents").received == Decimal("1500.00")


def test_a_large_unit_area_is_accepted_and_shown_to_check(world, api):
    from django.test import Client

    household = world.estate.household_a
    worker = _client(api, world.users["worker"])
    answer = worker.patch(
        f"/api/v1/property/households/{household.pk}",
        {"building_area": "820.00", "area_source": "survey"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content[:300]
    desk = Client()
    desk.force_login(world.users["worker"])
    page = desk.get(f"/property/households/{household.pk}/").content.decode()
    assert page.count('data-testid="to-check"') == 1 and "请核对" in page
    household.refresh_from_db()
    household.building_area = Decimal("95.20")
    household.save(update_fields=["building_area"])
    page = desk.get(f"/property/households/{household.pk}/").content.decode()
    assert 'data-testid="to-check"' not in page


# --- the ledger imports ------------------------------------------------------------------------------------


def test_an_imported_ledger_refuses_absurd_areas_and_dates_on_their_cells(world):
    from property.imports.households import households_dry_run
    from property.imports.reading import read_table

    text = "\n".join(
        [
            "楼栋,房号,楼层,建筑面积（㎡）,套内面积,户主姓名,关系,入住日期",
            "1号楼,1-701,3,999999.99,,周丽,业主,2015-06-01",  # row 2: the area
            "1号楼,1-702,3,72.5,999999.99,王强,业主,9999-12-31",  # row 3: inner area, the day moved in
            "1号楼,1-703,3,72.5,,李明,业主,1800-01-01",  # row 4: the day moved in
            "1号楼,1-704,3,820,,赵敏,业主,1958-03-01",  # row 5: large but real, and an old residency
        ]
    )
    _units, errors = households_dry_run(world.estate.compound_a, read_table("台账.csv", text.encode("gb18030")))
    assert {(e["row"], e["column"]) for e in errors} == {
        (2, "建筑面积（㎡）"),
        (3, "入住日期"),
        (3, "套内面积"),
        (4, "入住日期"),
    }


def test_imported_opening_arrears_refuse_an_absurd_amount(world):
    from property.imports.opening_arrears import opening_dry_run
    from property.imports.reading import read_table

    text = f"楼栋,房号,期初欠费,所属期间\n1号楼,{world.estate.household_a.unit_label},99999999.99,2025-01\n"
    _rows, errors = opening_dry_run(world.estate.compound_a, read_table("欠费.csv", text.encode("gb18030")))
    assert [(e["row"], e["column"]) for e in errors] == [(2, "期初欠费")]


@pytest.mark.parametrize(
    "model,field",
    [
        ("property.feeitem", "effective_from"),
        ("grid.dutyshift", "starts_at"),
        ("governance.vote", "closes_at"),
    ],
)
def test_the_back_office_refuses_a_far_date_on_its_field(model, field, db, rf):
    """Fee items and duty shifts have no page besides the admin: its forms hold to the same bounds."""
    from django.apps import apps
    from django.contrib import admin

    from tests.factories import UserFactory

    model_admin = admin.site._registry[apps.get_model(model)]
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form_class = model_admin.get_form(request)
    split = field.endswith("_at")  # the admin's date-time is a date and a time input
    data = {f"{field}_0": "9999-12-31", f"{field}_1": "23:00"} if split else {field: "9999-12-31"}
    form = form_class(data=data)
    assert field in form.errors
    assert any(e.code == "out_of_bounds" for e in form.errors.as_data()[field]), form.errors[field]


@pytest.mark.parametrize(
    "model,field,value",
    [
        ("property.household", "building_area", "999999.99"),
        ("property.feeitem", "unit_price", "99999.0000"),
        ("renovation.contract", "value", "999999999999.99"),
        ("property.bill", "amount", "9999999999.99"),
    ],
)
def test_the_back_office_refuses_an_absurd_amount_or_area_on_its_field(model, field, value, db, rf):
    """Amounts and areas entered in the admin are held to core.bounds as on the pages and the API."""
    from django.apps import apps
    from django.contrib import admin

    from tests.factories import UserFactory

    model_admin = admin.site._registry[apps.get_model(model)]
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form_class = model_admin.get_form(request)
    assert field in form_class(data={field: value}).errors
    assert field not in form_class(data={field: "60.50"}).errors


def test_the_back_office_keeps_the_registers_past(db, rf):
    """The back office corrects old records: a residency of 1985 in the admin is not refused (the
    register's floor, 1900), where a date of 1800 is."""
    from django.apps import apps
    from django.contrib import admin

    from tests.factories import UserFactory

    model_admin = admin.site._registry[apps.get_model("accounts.post")]
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form_class = model_admin.get_form(request)
    assert "started_on" not in form_class(data={"started_on": "1985-03-01"}).errors
    assert "started_on" in form_class(data={"started_on": "1800-03-01"}).errors


def _dates_without_bounds(schema, spec, where, seen):
    schema = _resolve(schema, spec) if isinstance(schema, dict) else schema
    if not isinstance(schema, dict) or id(schema) in seen:
        return
    seen.add(id(schema))
    if schema.get("format") in FAR and "x-earliest" not in schema:
        yield where
    for name, prop in schema.get("properties", {}).items():
        yield from _dates_without_bounds(prop, spec, f"{where}.{name}", seen)
    for key in ("anyOf", "allOf", "oneOf"):
        for option in schema.get(key, []):
            yield from _dates_without_bounds(option, spec, where, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _dates_without_bounds(schema[key], spec, f"{where}[]", seen)


def test_every_date_a_client_sends_is_bounded_in_the_openapi_schema():
    """Request bodies and query parameters of every operation, reads included: a date or date-time
    without core.validation's bounded type is listed (the OpenAPI schema marks it with x-earliest)."""
    spec = ninja_api.get_openapi_schema()
    unbounded = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} ?{parameter['name']}"
                unbounded += _dates_without_bounds(parameter.get("schema", {}), spec, where, set())
            schema = body_schema(operation)
            if schema is not None:
                unbounded += _dates_without_bounds(schema, spec, f"{method.upper()} {path} body", set())
    assert unbounded == []


def test_every_page_form_holds_its_dates_and_amounts_to_the_bounds():
    import importlib
    import inspect

    from django import forms

    from core.forms import AreaField, BoundedDates, MoneyField

    loose = []
    for app in ("accounts", "property", "volunteers", "grid", "renovation", "governance", "reports"):
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            if not issubclass(cls, BoundedDates):
                loose.append(name)
            loose += [
                f"{name}.{field}"
                for field, f in cls.base_fields.items()
                if isinstance(f, forms.DecimalField) and not isinstance(f, (MoneyField, AreaField))
            ]
    assert loose == []


def test_a_residency_starting_9999_12_31_is_refused_in_words_naming_the_horizon(world, api, settings):
    from core.bounds import horizon

    settings.DATE_HORIZON_YEARS = 10
    call = MATRIX["POST /property/residencies"](world)
    call.body = {**call.body, "started_on": "9999-12-31"}
    answer = send(_client(api, world.users[call.actor]), "POST", call)
    assert answer.status_code == 422
    assert answer.json()["fields"] == {"started_on": [f"请填写 {horizon().isoformat()} 或之前的日期。"]}
    assert horizon().year == timezone.localdate().year + 10


def test_a_billing_run_beyond_the_horizon_is_refused_on_its_period(world, api):
    from property.models import BillingRun

    call = MATRIX["POST /property/billing-runs"](world)
    call.body = {**call.body, "period": "2999-01"}
    answer = send(_client(api, world.users[call.actor]), "POST", call)
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["period"]
    assert BillingRun.objects.count() == 0


def test_a_moment_of_another_year_is_shown_with_its_year():
    """A works notice of 2035 must not read as one of this week (the short form has no year)."""
    from datetime import datetime

    from django.utils import timezone, translation

    from core.templatetags.bounds import moment

    with translation.override("zh-hans"):
        far = moment(timezone.make_aware(datetime(timezone.localdate().year + 9, 12, 10, 9, 0)))
        near = moment(timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time())))
    assert far == f"{timezone.localdate().year + 9}年12月10日 09:00"
    assert str(timezone.localdate().year) not in near and near.endswith("00:00")
