"""Pages of renovation projects: as thin as the API, calling the same services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can_manage_community
from core.errors import DomainError, add_to_form
from core.files import photo_response
from grid import selectors as grid_selectors
from property.register.permissions import communities_visible
from renovation import conditions, selectors, services
from renovation.forms import (
    AcceptanceForm,
    ContractForm,
    FindingForm,
    InspectionForm,
    PlanForm,
    PlanningForm,
    ProgressForm,
    ProjectForm,
    WorksNoticeForm,
)
from renovation.models import Acceptance, ProgressPhoto, Stage
from renovation.permissions import (
    can_inspect_site,
    can_publish_works,
    can_run_project,
    findings_visible,
    inspections_visible,
    progress_items,
    projects_visible,
)


def progress_photo(request, photo_id: int):
    """A photo of the works from site: public, as the compound's page shows progress to anyone."""
    return photo_response(get_object_or_404(ProgressPhoto, pk=photo_id).image)


@login_required
def project_list(request):
    """Every project the user works on (an officer: the subdistrict's), with its stage, percent done,
    milestones overdue, defects open and units on the blacklist; a count by stage; filters."""
    visible = projects_visible(request.user)
    stage = request.GET.get("stage", "")
    community = request.GET.get("community", "")
    shown = visible
    if stage in Stage.values:
        shown = shown.filter(stage=stage)
    if community.isdigit():
        shown = shown.filter(community_id=int(community))
    projects = list(selectors.projects_detailed(shown).order_by("-year", "name"))
    today = timezone.localdate()
    open_findings = selectors.open_findings_by_project([p.pk for p in projects], request.user)
    listed = selectors.blacklisted_units()
    rows = [
        {
            "project": p,
            "totals": selectors.project_totals(p),
            "overdue": selectors.milestones_overdue(p, today),
            "findings": open_findings.get(p.pk, 0),
            "blacklisted": sorted({c.unit.name for c in p.contracts.all() if c.unit_id in listed}),
        }
        for p in projects
    ]
    by_stage = selectors.projects_by_stage(visible)
    communities = communities_visible(request.user).order_by("name", "pk")
    return render(
        request,
        "renovation/list.html",
        {
            "rows": rows,
            "communities": [c for c in communities if can_manage_community(request.user, c)],
            "filter_communities": communities,
            "stages": [(s, label, by_stage.get(s, 0)) for s, label in Stage.choices],
            "stage": stage,
            "community": community,
            "behind": sum(1 for r in rows if r["overdue"]["stages"] or r["overdue"]["contracts"]),
        },
    )


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
        selectors.projects_detailed(projects_visible(request.user)), pk=project_id
    )


@login_required
def project_detail(request, project_id: int):
    """Where the project stands; the next step offered only when it can be taken, else what it lacks."""
    project = _project(request, project_id)
    runs = can_run_project(request.user, project)
    target = conditions.next_stage(project.stage)
    allowed = progress_items(request.user, project, list(project.contracts.all()))
    recordable = project.stage == Stage.CONSTRUCTION and allowed != set()
    on_site = project.stage in services.ON_SITE
    return render(
        request,
        "renovation/project.html",
        {
            "project": project,
            "totals": selectors.project_totals(project),
            "overdue": selectors.milestones_overdue(project, timezone.localdate()),
            "runs": runs,
            "target": Stage(target) if target else None,
            "missing": conditions.missing_for(project, target) if runs and target else [],
            "recordable": {
                pi.pk for pi in project.items.all() if recordable and (allowed is None or pi.pk in allowed)
            },
            "may_inspect": on_site and can_inspect_site(request.user, project),
            "may_publish": project.stage != Stage.HANDED_OVER and can_publish_works(request.user, project),
            "may_plan": runs and project.stage in (Stage.CONSULTATION, Stage.FEASIBILITY, Stage.DESIGN),
            "acceptance": Acceptance.objects.filter(project=project)
            .prefetch_related("representatives")
            .first(),
            "may_accept": runs and project.stage == Stage.ACCEPTANCE,
            "findings": selectors.findings_of(project, request.user),
            "works": selectors.upcoming_works_of_project(project),
        },
    )


@login_required
@require_POST
def project_advance(request, project_id: int):
    project = _project(request, project_id)
    try:
        project = services.project_advance(actor=request.user, project=project, to=request.POST.get("to", ""))
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
            form.add_domain_error(exc)
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
    """The published blacklist: no sign-in, as the report says (公开曝光). One page for both lists: the
    units of works late on their contracts or rectifications, and grid's units of any kind with
    repeated overdue incidents."""
    today = timezone.localdate()
    return render(
        request,
        "renovation/blacklist.html",
        {"entries": selectors.blacklist_published(today), "overdue_units": grid_selectors.overdue_units()},
    )


def _on_form(form, exc: DomainError) -> None:
    """A service's error on the page's form: `findings.0.text` and `punch_list.0.text` show on `text`."""
    for name in list(exc.fields):
        short = name.rsplit(".", 1)[-1]
        if name not in form.fields and short in form.fields:
            exc.fields.setdefault(short, []).extend(exc.fields.pop(name))
    add_to_form(form, exc)


def _runner_only(request, project):
    return None if can_run_project(request.user, project) else render(request, "403.html", status=403)


@login_required
def plan_adopt(request, project_id: int):
    """The plan (一院一策) recorded as adopted by an owners' vote or the consultation's result."""
    project = _project(request, project_id)
    if refused := _runner_only(request, project):
        return refused
    form = PlanForm(
        request.POST or None,
        initial={
            "adopted_on": project.plan_adopted_on,
            "basis": project.plan_basis,
            "text": project.plan_text,
        },
    )
    missing = []
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_adopt(actor=request.user, project=project, **form.cleaned_data)
        except services.StageRefused as exc:
            missing = exc.missing
            form.add_error(None, exc.message)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The plan is on record."))
            return redirect("renovation:project", project.pk)
    return render(
        request, "renovation/plan_form.html", {"project": project, "form": form, "missing": missing}
    )


@login_required
def contract_new(request, project_id: int):
    """A responsible unit's contract: the unit, its items, value, period and contact."""
    project = _project(request, project_id)
    if refused := _runner_only(request, project):
        return refused
    form = ContractForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.contract_create(
                actor=request.user,
                project=project,
                unit=d["unit"],
                unit_name=d["unit_name"],
                role=d["role"],
                items=[pi.pk for pi in d["items"]],
                value=d["value"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                contact_name=d["contact_name"],
                contact_phone=d["contact_phone"],
                contact_username=d["contact_username"] or None,
            )
        except DomainError as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("The contract is on record."))
            return redirect("renovation:project", project.pk)
    return render(request, "renovation/contract_form.html", {"project": project, "form": form})


@login_required
def works_notice_new(request, project_id: int):
    """An outage or works for given buildings, published and sent to the people living in them."""
    project = _project(request, project_id)
    if not can_publish_works(request.user, project):
        return render(request, "403.html", status=403)
    form = WorksNoticeForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        buildings = list(d.pop("buildings"))
        try:
            services.works_notice_publish(actor=request.user, project=project, buildings=buildings, **d)
        except DomainError as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("The notice is published and being sent to the residents."))
            return redirect("renovation:project", project.pk)
    return render(request, "renovation/works_form.html", {"project": project, "form": form})


@login_required
def inspection_new(request, project_id: int):
    """On site, on a phone: the round of a compound, and the first defect found with its photo."""
    project = _project(request, project_id)
    if not can_inspect_site(request.user, project):
        return render(request, "403.html", status=403)
    form = InspectionForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inspection = services.site_inspection_record(
                actor=request.user,
                project=project,
                compound=d["compound"].pk,
                note=d["note"],
                findings=[form.finding()] if d["found"] else [],
            )
        except DomainError as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("The inspection is recorded; what was found is sent to the unit."))
            return redirect("renovation:inspection", inspection.pk)
    return render(request, "renovation/inspection_form.html", {"project": project, "form": form})


@login_required
def inspection_detail(request, inspection_id: int):
    """An inspection's findings, and one more defect with its photo."""
    inspection = get_object_or_404(
        inspections_visible(request.user).select_related("project", "compound"), pk=inspection_id
    )
    project = inspection.project
    may_add = can_inspect_site(request.user, project) and project.stage in services.ON_SITE
    form = FindingForm(request.POST or None, request.FILES or None, project=project) if may_add else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.site_finding_add(actor=request.user, inspection=inspection, **form.finding())
        except DomainError as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("The defect is sent to the unit."))
            return redirect("renovation:inspection", inspection.pk)
    findings = findings_visible(request.user).filter(inspection=inspection).order_by("id")
    return render(
        request,
        "renovation/inspection.html",
        {"inspection": inspection, "project": project, "findings": findings, "form": form},
    )


@login_required
def acceptance_new(request, project_id: int):
    """The acceptance held with the residents' representatives; the punch list follows as findings."""
    project = _project(request, project_id)
    if refused := _runner_only(request, project):
        return refused
    form = AcceptanceForm(request.POST or None, project=project, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.acceptance_record(
                actor=request.user,
                project=project,
                held_on=d["held_on"],
                representatives=d["resident_ids"],
                note=d["note"],
            )
        except DomainError as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("The acceptance is recorded. Add each defect to the punch list."))
            return redirect("renovation:inspect", project.pk)
    least = settings.RENOVATION_ACCEPTANCE_REPRESENTATIVES
    return render(
        request, "renovation/acceptance_form.html", {"project": project, "form": form, "least": least}
    )
