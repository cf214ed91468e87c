"""The import pages: a ledger sent, its check and its write followed."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError, add_to_form
from property.imports import ledgers, permissions, runs
from property.imports.forms import ImportForm
from property.models import ImportStatus
from property.register import permissions as register_permissions


@login_required
def import_new(request, compound_id: int | None = None, community_id: int | None = None):
    """Bring in an Excel ledger (a compound's households or opening arrears, a community's
    volunteers): it is checked first, and nothing is written until every row is good and the worker
    says to import it."""
    if compound_id is not None:
        place = get_object_or_404(register_permissions.compounds_visible(request.user), pk=compound_id)
    else:
        place = get_object_or_404(register_permissions.communities_visible(request.user), pk=community_id)
    kinds = runs.kinds_for(request.user, place)
    if not kinds:
        return render(request, "403.html", status=403)
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    scope = {"compound": place} if compound_id is not None else {"community": place}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = runs.import_request(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(settings.IMPORT_MAX_BYTES + 1),
                dry_run=True,
                **scope,
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("property:import", import_id=record.pk)
    recent = permissions.imports_visible(request.user).filter(**scope)
    if compound_id is None:
        recent = recent.filter(compound__isnull=True)
    context = {
        "place": place,
        "place_url": _place_url(place),
        "action": _import_url(place),
        "form": form,
        "recent": recent[:5],
        "kinds": form.fields["kind"].choices,
    }
    return render(request, "property/import_new.html", context)


def _import_url(place) -> str:
    if place._meta.model_name == "community":
        return reverse("property:community_import", args=[place.pk])
    return reverse("property:import_new", args=[place.pk])


def _place_url(place) -> str:
    name = "property:community" if place._meta.model_name == "community" else "property:compound"
    return reverse(name, args=[place.pk])


RELATION_POLICY_LABELS = [
    ("owner", gettext_lazy("all owners (业主)")),
    ("first_owner", gettext_lazy("the first of each unit the owner, the others family (家属)")),
    ("family", gettext_lazy("residents who are not owners (家属)")),
    ("tenant", gettext_lazy("tenants (租户)")),
]


@login_required
def import_detail(request, import_id: int):
    record = get_object_or_404(permissions.imports_visible(request.user), pk=import_id)
    place = record.compound or record.community
    running = record.status in (ImportStatus.PENDING, ImportStatus.CHECKING, ImportStatus.WRITING)
    kinds = runs.kinds_for(request.user, place)
    context = {
        "record": record,
        "place": place,
        "place_url": _place_url(place),
        "action": _import_url(place),
        "running": running,
        "written": runs.written_rows(record),
        "relation_policies": RELATION_POLICY_LABELS,
        "summary": record.summary,
        "column_choices": [(c.key, c.header) for c in runs.kinds()[record.kind].columns],
        "mappable": [
            (header, (record.options.get("columns") or {}).get(header, "")) for header in _mappable(record)
        ],
        # the file's own problems (row 0: a damaged file; its headers: a column missing or named
        # twice) are the alert itself; a row's problems are listed under it
        "file_problems": [e for e in record.errors or [] if not e.get("row") or e.get("header")],
        "row_errors": [e for e in record.errors or [] if e.get("row") and not e.get("header")],
        "form": ImportForm(initial={"kind": record.kind}, kinds=kinds) if kinds else None,
    }
    return render(request, "property/import_detail.html", context)


@login_required
@require_POST
def import_run(request, import_id: int):
    """Write a checked file: the same file, checked again and written in one transaction."""
    record = get_object_or_404(permissions.imports_visible(request.user), pk=import_id)
    if record.status != ImportStatus.CHECKED:
        messages.error(request, _("Only a file whose every row is good can be imported."))
        return redirect("property:import", import_id=record.pk)
    if record.redacted_at is not None:
        messages.error(request, _("The file is no longer kept with its ID numbers: send it again."))
        return (
            redirect("property:import_new", compound_id=record.compound_id)
            if record.compound_id
            else redirect("property:community_import", community_id=record.community_id)
        )
    return _send_again(request, record, dry_run=False, answers=_answers(request, record))


@login_required
@require_POST
def import_recheck(request, import_id: int):
    """Check the same file again with its unknown columns read as the worker mapped them (and
    remembered for the community's next files of the kind)."""
    record = get_object_or_404(permissions.imports_visible(request.user), pk=import_id)
    columns = {}  # the file's own headers the page offered, by their place in the list, never by text
    for index, header in enumerate(_mappable(record)):
        if f"key_{index}" in request.POST:
            columns[header] = request.POST[f"key_{index}"]
    return _send_again(request, record, dry_run=True, answers={"columns": columns})


def _send_again(request, record, *, dry_run: bool, answers: dict):
    """The kept file sent again, with the answers it had and the new ones; the page of the new import
    (or of this one, with the refusal)."""
    try:
        again = runs.import_request(
            actor=request.user,
            kind=record.kind,
            compound=record.compound,
            community=record.community,
            file_name=record.file_name,
            data=bytes(record.data),
            dry_run=dry_run,
            options={**runs.options_check(record.options, runs.kinds()[record.kind]), **answers},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("property:import", import_id=record.pk)
    return redirect("property:import", import_id=again.pk)


def _mappable(record) -> list[str]:
    """The headers the check page lets the worker map: those not read, and those read as mapped
    before (so that a mapping can be changed back)."""
    return [*record.options.get("unknown", []), *record.options.get("mapped", [])]


def _answers(request, record) -> dict:
    """The worker's answers on the check page, bound to what it showed: "accept all" accepts the
    changes listed, not whatever the file turns out to change when it is written (`seen`: a change
    not among them is shown first)."""
    answers = {"relation": request.POST["relation"]} if request.POST.get("relation") else {}
    listed = [c["key"] for c in record.changes or [] if c.get("key") and c["what"] != "absent"]
    answers["seen"] = listed
    answers["end"] = [k for k in request.POST.getlist("end") if k.startswith("end:")]
    if request.POST.get("accept_all"):
        answers["accept"] = listed
    else:
        answers["accept"] = [k for k in request.POST.getlist("accept") if k in listed]
    return answers



@login_required
def import_marked(request, import_id: int):
    """The file as it came, with a column 错误 giving each bad row its reasons."""
    record = get_object_or_404(permissions.imports_visible(request.user), pk=import_id)
    return ledgers.marked_response(record)
