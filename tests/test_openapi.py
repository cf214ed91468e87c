"""Typed answers: every operation's responses are schemas (no bare dict), and no two schemas share a
name (else OpenAPI documents one under the other's shape, as governance's and grid's GapOut were)."""

import typing

import pydantic
import pytest

from config.api import api

pytestmark = pytest.mark.django_db


def operations():
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield f"{prefix}{path}".replace("//", "/"), operation


def models_in(annotation, seen):
    """Every pydantic model reached from an annotation; `dict` / `Any` without types are reported."""
    if (
        annotation in (dict, typing.Any)
        or typing.get_origin(annotation) is dict
        and not typing.get_args(annotation)
    ):
        yield None
        return
    for arg in typing.get_args(annotation):
        yield from models_in(arg, seen)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel) and annotation not in seen:
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from models_in(field.annotation, seen)


def test_every_response_is_a_schema_and_schema_names_are_unique():
    untyped, by_name, seen = [], {}, set()
    for path, operation in operations():
        # Request bodies are components too (query parameters are flattened, not named).
        for params in operation.models:
            if "Body" not in params.__name__:
                continue
            for field in params.model_fields.values():
                for model in models_in(field.annotation, seen):
                    if model is not None:
                        by_name.setdefault(model.__name__, set()).add(
                            f"{model.__module__}.{model.__qualname__}"
                        )
        for status, wrapper in operation.response_models.items():
            if wrapper is None:
                continue
            for model in models_in(wrapper.model_fields["response"].annotation, seen):
                if model is None:
                    untyped.append(f"{operation.methods} {path} {status}")
                else:
                    by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    assert untyped == []
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_the_schema_documents_the_daily_report_and_the_gaps_by_their_own_shapes(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert set(components["DailyReportOut"]["properties"]) == {
        "community",
        "community_name",
        "date",
        "grids",
        "totals",
        "sections",
    }
    assert set(components["DailySectionOut"]["properties"]) == {"key", "title", "columns", "rows"}
    assert "missing" in components["GridGapOut"]["properties"]
    assert "community" in components["CompoundGapOut"]["properties"]
    assert "GapOut" not in components


def test_every_write_that_takes_a_session_documents_401_and_403(client):
    # A session write without its CSRF token answers 403, whatever the operation.
    schema = client.get("/api/v1/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in {"post", "patch", "put", "delete"}
        and operation.get("security")
        and not {"401", "403"} <= set(operation["responses"])
    ]
    assert missing == []


def test_an_operation_id_names_its_app_and_function_wherever_its_api_module_sits(client):
    # property's routers sit in property/register, property/fees and property/imports: the ids stay
    # those of one property/api.py, so that clients generated from the schema keep their names.
    schema = client.get("/api/v1/openapi.json").json()
    ids = {
        (path, method): op["operationId"] for path, ops in schema["paths"].items() for method, op in ops.items()
    }
    assert ids[("/api/v1/property/bills", "get")] == "property_api_bill_list"
    assert ids[("/api/v1/property/households", "post")] == "property_api_household_create"
    assert ids[("/api/v1/property/imports", "post")] == "property_api_import_create"
    assert len(set(ids.values())) == len(ids)
