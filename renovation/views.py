"""Pages of renovation projects: as thin as the API, calling the same services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can_manage_community
from core.errors import DomainError, add_to_form
from core.files import photo_response
from property.selectors import communities_visible
from renovation import conditions, selectors, services
from renovation.forms import PlanningForm, ProgressForm, ProjectForm
from renovation.models import ProgressPhoto, Stage
from renovation.permissions import can_run_project, progress_items


def progress_photo(request, photo_id: int):
    """A photo of the works from site: public, as the compound's page shows progress to anyone."""
    return photo_response(get_object_or_404(ProgressPhoto, pk=photo_id).image)


@login_required
def project_list(request):
    """The projects the user works on, with their stage and percent done; a new one for a community."""
    projects = selectors.projects_detailed(selectors.projects_visible(request.user)).order_by("-year", "name")
    today = timezone.localdate()
    rows = [
        {
            "project": p,
            "totals": selectors.project_totals(p),
            "overdue": selectors.milestones_overdue(p, today),
        }
        for p in projects
    ]
    communities = [c for c in communities_visible(request.user) if can_manage_community(request.user, c)]
    return render(request, "renovation/list.html", {"rows": rows, "communities": communities})


@login_required
def project_new(request, community_id: int):
    community = get_object_or_404(communities_visible(request.user), pk=community_id)
    if not can_manage_community(request.user, community):
        return render(request, "403.html", status=403)
    form = ProjectForm(request.POST or None, compounds=community.compounds.order_by("name"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.project_create(
                actor=request.user,
                name=d["name"],
                compounds=list(d["compounds"]),
                year=d["year"],
                batch=d["batch"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The project is created: choose its items next."))
            return redirect("renovation:planning", project.pk)
    return render(request, "renovation/project_form.html", {"form": form, "community": community})


def _project(request, project_id: int):
    return get_object_or_404(
        selectors.projects_detailed(selectors.projects_visible(request.user)), pk=project_id
    )


@login_required
def project_detail(request, project_id: int):
    """Where the project stands; the next step offered only when it can be taken, else what it lacks."""
    project = _project(request, project_id)
    runs = can_run_project(request.user, project)
    target = conditions.next_stage(project.stage)
    allowed = progress_items(request.user, project, list(project.contracts.all()))
    recordable = project.stage == Stage.CONSTRUCTION and allowed != set()
    return render(
        request,
        "renovation/project.html",
        {
            "project": project,
            "totals": selectors.project_totals(project),
            "overdue": selectors.milestones_overdue(project, timezone.localdate()),
            "runs": runs,
            "target": Stage(target).label if target else None,
            "missing": conditions.missing_for(project, target) if runs and target else [],
            "recordable": {
                pi.pk for pi in project.items.all() if recordable and (allowed is None or pi.pk in allowed)
            },
        },
    )


@login_required
@require_POST
def project_advance(request, project_id: int):
    project = _project(request, project_id)
    try:
        project = services.project_advance(actor=request.user, project=project)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The project is now at: %(stage)s.") % {"stage": project.get_stage_display()}
        )
    return redirect("renovation:project", project_id)


@login_required
def project_planning(request, project_id: int):
    """The items with their budgets and the funding by source."""
    project = _project(request, project_id)
    if not can_run_project(request.user, project):
        return render(request, "403.html", status=403)
    catalogue = selectors.catalogue_for(project.community_id)
    form = PlanningForm(request.POST or None, catalogue=catalogue, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user, project=project, items=form.items(), funding=form.funding()
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Items, budgets and funding saved."))
            return redirect("renovation:project", project.pk)
    return render(request, "renovation/planning.html", {"project": project, "form": form})


@login_required
def progress_new(request, project_id: int, item_id: int):
    """On site, on a phone: how far an item is, a note and photos."""
    project = _project(request, project_id)
    item = get_object_or_404(project.items.select_related("item"), pk=item_id)
    form = ProgressForm(request.POST or None, request.FILES or None, initial={"percent": item.percent})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.progress_record(
                actor=request.user,
                project=project,
                item=item.pk,
                percent=d["percent"],
                note=d["note"],
                photos=d["photos"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Progress recorded: %(item)s %(n)s%%.") % {"item": item.item.name, "n": d["percent"]},
            )
            return redirect("renovation:project", project.pk)
    return render(request, "renovation/progress_form.html", {"project": project, "item": item, "form": form})


def blacklist(request):
    """The published blacklist: no sign-in, as the report says (公开曝光)."""
    today = timezone.localdate()
    return render(request, "renovation/blacklist.html", {"entries": selectors.blacklist_published(today)})
