"""Schemathesis against the live test server: every operation of the OpenAPI schema, at least 25
generated requests each (valid and invalid bodies, parameters, ids), as a community worker holding a
token, over the world of tests/world.py with one of everything in it. No answer may be a server
error, none may break the schema the API documents for it (body shape and status code), and every
answer says what it is.

Random integers almost never name a real object, so a request would stop at "no such compound"
before reaching any rule. Each generated id (in the path, the query or the body) is therefore
either kept or replaced by the id of a real object of its kind, in scope or not.

Runs on whichever database the suite runs on: CI runs it on the embedded default and on PostgreSQL.
(One test per operation, driven through Hypothesis directly: schemathesis' own pytest loader does not
run under pytest 9.)
"""

import pytest
import schemathesis
from django.apps import apps
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import token_issue
from config.api import api

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db(transaction=True)]
EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
OPERATIONS = [
    (method.upper(), path)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for method in methods
    if method in {"get", "post", "put", "patch", "delete"}
]
# What an id names, by the parameter's or field's name.
KINDS = {
    "action": "governance.Action",
    "adjustment": "property.Adjustment",
    "assignee": "governance.Member",
    "assignment": "grid.Assignment",
    "bill": "property.Bill",
    "body": "governance.Body",
    "building": "property.Building",
    "category": "grid.Category",
    "community": "property.Community",
    "compound": "property.Compound",
    "evaluation": "governance.Evaluation",
    "finding": "grid.Finding",
    "grid": "grid.Grid",
    "household": "property.Household",
    "incident": "grid.Incident",
    "item": "grid.ChecklistItem",
    "led_by": "governance.Body",
    "meeting": "governance.Meeting",
    "member": "governance.Member",
    "payment": "property.Payment",
    "project": "renovation.Project",
    "registration": "volunteers.Volunteer",
    "residency": "property.Residency",
    "resident": "property.Resident",
    "run": "property.BillingRun",
    "service_type": "volunteers.ServiceType",
    "solicitation": "governance.Solicitation",
    "staff": "accounts.User",
    "subdistrict": "property.Subdistrict",
    "swap": "grid.Swap",
    "to": "grid.Assignment",
    "token": "accounts.ApiToken",
    "unit": "grid.Unit",
    "user": "accounts.User",
    "volunteer": "volunteers.Volunteer",
    "vote": "governance.Vote",
}


def kind_of(name: str, path: str) -> str | None:
    base = name.removesuffix("_id")
    if base == "shift":
        return "grid.DutyShift" if path.startswith("/api/v1/grid/") else "volunteers.Shift"
    if base == "item" and path.startswith("/api/v1/renovation/"):
        return "renovation.ProjectItem"
    return KINDS.get(base)


def real_ids(path: str) -> dict:
    ids = {}
    for name in set(KINDS) | {"shift"}:
        label = kind_of(name, path)
        ids[name] = list(apps.get_model(label).objects.values_list("pk", flat=True)[:20])
    return ids


def with_real_ids(case, ids, path):
    """The case with each id kept or replaced by a real one of its kind."""
    choices = {}
    for where in ("path_parameters", "query", "body"):
        container = getattr(case, where)
        if not isinstance(container, dict):
            continue
        for key, value in container.items():
            known = ids.get(key.removesuffix("_id"))
            if known and (
                isinstance(value, int) and not isinstance(value, bool) or where == "path_parameters"
            ):
                choices[(where, key)] = st.one_of(st.just(value), st.sampled_from(known))
    if not choices:
        return st.just(case)

    def apply(picked):
        for (where, key), value in picked.items():
            getattr(case, where)[key] = value
        return case

    return st.fixed_dictionaries(choices).map(apply)


@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_operation_answers_a_server_error_or_breaks_its_schema(method, path, live_server, world, settings):
    settings.DEBUG = False
    world.populate()
    _token, raw = token_issue(user=world.users["worker"], name="schemathesis")
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    ids = real_ids(path)
    strategy = schema[path][method].as_strategy().flatmap(lambda case: with_real_ids(case, ids, path))
    headers = {"Authorization": f"Bearer {raw}"}

    @given(case=strategy)
    @hypothesis_settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def call(case):
        case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

    call()
