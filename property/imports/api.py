"""The imports' API: a kind's template, an import asked for, its progress and its marked file
(mounted under /property/)."""

import json
from typing import Literal

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from core.errors import Invalid, visible_or_invalid
from core.openapi import errors
from property import ledgers
from property.imports import permissions, runs
from property.imports.ledgers import marked_response
from property.imports.schemas import ImportOut
from property.models import ImportKind
from property.register import permissions as register_permissions

router = Router(tags=["property"])
WRITE_ERRORS = errors(401, 403, 409, 422)
# The kinds of ledger a file may be (the stored choices; each kind's module is named in IMPORT_KINDS).
Kinds = Literal[tuple(ImportKind.values)]


class TemplateFilter(Schema):
    kind: Kinds


@router.get(
    "/imports/template",
    response={**errors(401, 422)},
    openapi_extra={
        "responses": {200: {"description": "The .xlsx template of the kind", "content": {ledgers.XLSX: {}}}}
    },
)
def import_template(request, filters: Query[TemplateFilter]):
    """The template of a ledger to import: Chinese headers (synonyms are matched too) and a notes row."""
    response = HttpResponse(runs.template(filters.kind), content_type=ledgers.XLSX)
    response["Content-Disposition"] = f'attachment; filename="gongzhi-{filters.kind}.xlsx"'
    return response


@router.post("/imports", response={202: ImportOut, **WRITE_ERRORS})
def import_create(
    request,
    file: File[UploadedFile],
    kind: Form[Kinds],
    compound: Form[int | None] = None,
    community: Form[int | None] = None,
    dry_run: Form[bool] = True,
    relation: Form[str | None] = None,
    accept: Form[str | None] = None,
    end: Form[str | None] = None,
    columns: Form[str | None] = None,
):
    """Bring in a ledger (.xlsx or .csv): the worker checks every row and, if this is no dry run
    and every row is good, writes them all in one transaction; poll the import for its progress.
    `relation`: what the ledger's people are where it does not say (owner, first_owner, family,
    tenant); a check without it lists "relation" in its options' asks, and a write is refused.
    `accept`: the changes of registered areas and owners to write, "all" or their keys (a check's
    `changes` list them, each with a key), comma-separated; none is written unless accepted.
    `end`: the keys (end:<id>) of relations to end, of people registered in a unit the ledger lists
    but does not name (the check lists them as "absent"), comma-separated.
    `columns`: a JSON object mapping headers the check could not read (its options' "unknown") to
    a column's key ("" for none); remembered for the community's next files of the kind."""
    scope = {}
    if compound is not None:
        scope["compound"] = visible_or_invalid(
            register_permissions.compounds_visible(request.user), compound, "compound", _("compound")
        )
    if community is not None:
        scope["community"] = visible_or_invalid(
            register_permissions.communities_visible(request.user), community, "community", _("community")
        )
    record = runs.import_request(
        actor=request.user,
        kind=kind,
        file_name=file.name,
        data=file.read(settings.IMPORT_MAX_BYTES + 1),
        dry_run=dry_run,
        options=_options(relation, accept, end, columns),
        **scope,
    )
    return Status(202, record)


def _options(relation: str | None, accept: str | None, end: str | None, columns: str | None) -> dict:
    options: dict = {"relation": relation} if relation else {}
    if columns:
        try:
            options["columns"] = json.loads(columns)
        except ValueError:
            raise Invalid(
                _("Give the columns as a JSON object of header to column."), field="columns"
            ) from None
    if end:
        options["end"] = [k.strip() for k in end.split(",") if k.strip()]
    if accept is not None:
        options["accept"] = "all" if accept.strip() == "all" else [k.strip() for k in accept.split(",") if k.strip()]
    return options


@router.get("/imports/{import_id}", response={200: ImportOut, **errors(401, 404, 422)})
def import_detail(request, import_id: int):
    return get_object_or_404(permissions.imports_visible(request.user), pk=import_id)


@router.get(
    "/imports/{import_id}/marked",
    response={**errors(401, 404, 422)},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file as uploaded, with a column 错误 giving each bad row its reasons",
                "content": {ledgers.XLSX: {}, "text/csv": {}},
            }
        }
    },
)
def import_marked(request, import_id: int):
    record = get_object_or_404(permissions.imports_visible(request.user), pk=import_id)
    return marked_response(record)
