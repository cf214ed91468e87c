"""The one NinjaAPI at /api/v1/: auth, error shape and the routers of every app."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.db import DataError, IntegrityError, OperationalError, connection
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api import BearerAuth, SignedInSession
from accounts.api import router as accounts_router
from core.errors import DomainError, constraint_refusal, error_body
from core.locks import busy, is_busy
from core.validation import message_for
from governance.api import router as governance_router
from grid.api import router as grid_router
from property.fees.api import router as fees_router
from property.imports.api import router as imports_router
from property.register.api import router as register_router
from renovation.api import router as renovation_router
from reports.api import router as reports_router
from volunteers.api import router as volunteers_router


class GongzhiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """An operation's id is its app's and its function's name (property_api_bill_list), wherever
        in the app its api.py sits (property/fees/api.py): ids stay when an app is split in packages."""
        view = operation.view_func
        return f"{view.__module__.split('.')[0]}_api_{view.__name__}"


api = GongzhiAPI(
    title="Gongzhi API",
    version="1",
    description="Long-term property management and self-governance of renovated compounds.",
    auth=[BearerAuth(), SignedInSession()],
    urls_namespace="api",
    # Swagger UI sets inline styles on its elements; its scripts are ninja's own static files.
    docs_decorator=csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]}),
)


def error(
    request, status: int, detail: str, code: str, fields: dict | None = None, extra: dict | None = None
):
    return api.create_response(request, error_body(detail, code, fields, extra), status=status)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body" and len(parts) > 2:
        parts = parts[2:]  # drop "body" and the name of the payload parameter
    elif parts and parts[0] in {"body", "query", "path", "header", "form", "file", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        fields.setdefault(_field_name(err.get("loc", ())), []).append(message_for(err))
    return error(request, 422, _("Invalid input."), "invalid", fields)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    fields = {k: [str(m) for m in v] for k, v in exc.fields.items()}
    return error(request, exc.status, str(exc.message), exc.code, fields or None, exc.extra)


@api.exception_handler(IntegrityError)
def on_integrity_error(request, exc):
    refused = constraint_refusal(exc)  # a check on a field: bad input, named
    if refused is not None:
        return on_domain_error(request, refused)
    # A concurrent write won the race for a unique value; the service's own check saw none.
    return error(request, 409, _("This conflicts with a record that already exists."), "conflict")


@api.exception_handler(OperationalError)
def on_operational_error(request, exc):
    # A deadlock outside any `retried` transaction (or past its retries): a refusal of the moment.
    if not is_busy(exc):
        raise exc
    return on_domain_error(request, busy())


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def on_out_of_range(request, exc):
    # An id or number beyond what the database stores (PostgreSQL: DataError, SQLite: OverflowError).
    return error(request, 422, _("A number in the request is out of range."), "invalid")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, _("Not found."), "not_found")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(
        request, 401, _("Sign in first: send a Bearer token or a session cookie."), "unauthenticated"
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400:  # the body could not be parsed at all: still invalid input, 422
        return error(
            request, 422, _("Invalid input."), "invalid", {"body": [_("The body is not valid JSON.")]}
        )
    codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 429: "throttled"}
    return error(request, exc.status_code, str(exc), codes.get(exc.status_code, "error"))


class HealthOut(Schema):
    status: str
    database: str
    broker: str


@api.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["system"])
def health(request):
    """Liveness with the real dependencies: a database query and a broker ping."""
    from config.health import broker_status

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure of the database is reported, not raised
        database = "error"
    broker = broker_status()
    ok = database == "ok" and broker in {"ok", "embedded"}
    return Status(
        200 if ok else 503, {"status": "ok" if ok else "error", "database": database, "broker": broker}
    )


api.add_router("/", accounts_router)
api.add_router("/property/", register_router)  # property's three packages under one prefix
api.add_router("/property/", fees_router)
api.add_router("/property/", imports_router)
api.add_router("/volunteers/", volunteers_router)
api.add_router("/governance/", governance_router)
api.add_router("/governance/", reports_router)  # the five-co paths API.md lists under governance/
api.add_router("/grid/", grid_router)
api.add_router("/renovation/", renovation_router)
