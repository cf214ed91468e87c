from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import periods
from core.errors import DomainError, add_to_form
from core.redirects import redirect_next
from property.models import Compound, Household
from property.register.permissions import communities_visible, own_households
from volunteers import calendar, selectors, services
from volunteers.forms import DecisionForm, RegistrationForm, ShiftForm
from volunteers.models import RegistrationStatus, Signup, SignupStatus, Volunteer
from volunteers.permissions import (
    can_organise,
    organised_communities,
    shifts_scoped,
    shifts_visible,
    volunteers_visible_to_leader,
)


@login_required
def shift_list(request):
    """Open shifts, those of my compound first, each with my place in it."""
    volunteer = selectors.volunteer_of(request.user)
    my_compounds = list(
        Household.objects.filter(id__in=own_households(request.user)).values_list(
            "building__compound_id", flat=True
        )
    )
    upcoming = shifts_visible(request.user).filter(selectors.upcoming(timezone.now()))
    service_types = list(selectors.service_types_for(upcoming.values("community_id")).order_by("name"))
    compounds = list(Compound.objects.filter(id__in=upcoming.values("compound_id")).order_by("name"))
    chosen = {
        "service_type": request.GET.get("service_type", ""),
        "compound": request.GET.get("compound", ""),
    }
    if chosen["service_type"].isdigit():
        upcoming = upcoming.filter(service_type_id=int(chosen["service_type"]))
    if chosen["compound"].isdigit():
        upcoming = upcoming.filter(compound_id=int(chosen["compound"]))
    ordered = upcoming.annotate(
        mine_first=Case(
            When(compound_id__in=my_compounds, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("mine_first", "starts_at", "id")
    page = Paginator(ordered, 20).get_page(request.GET.get("page"))  # every shift can be reached
    shifts = list(page.object_list)
    mine = {}
    if volunteer:
        mine = dict(
            Signup.objects.filter(volunteer=volunteer, status__in=services.ACTIVE).values_list(
                "shift_id", "status"
            )
        )
    for shift in shifts:
        shift.my_status = mine.get(shift.pk, "")
    query = {k: v for k, v in chosen.items() if v}
    context = {
        "shifts": shifts,
        "page": page,
        "volunteer": volunteer,
        "service_types": service_types,
        "compounds": compounds,
        "chosen": chosen,
        "query": urlencode(query),
    }
    return render(request, "volunteers/shift_list.html", context)


@login_required
def my_shifts(request):
    volunteer = selectors.volunteer_of(request.user)
    signups = []
    if volunteer:
        signups = (
            Signup.objects.filter(
                volunteer=volunteer, status__in=services.ACTIVE, shift__ends_at__gt=timezone.now()
            )
            .select_related("shift__service_type", "shift__compound")
            .order_by("shift__starts_at")
        )
    now = timezone.now()
    context = {"signups": signups, "volunteer": volunteer, "now": now, "soon": now + services.CHECK_IN_EARLY}
    if volunteer:
        context["calendar_url"] = request.build_absolute_uri(
            f"/volunteers/calendar/{calendar.calendar_token(volunteer)}.ics"
        )
    return render(request, "volunteers/my_shifts.html", context)


@login_required
@require_POST
def signup(request, shift_id: int):
    return _act(request, shift_id, services.signup_create)


@login_required
def cancel(request, shift_id: int):
    """Cancelling a place is asked first (a tap too many costs less than a place lost)."""
    if request.method == "POST" and request.POST.get("confirm"):
        return _act(request, shift_id, services.signup_cancel)
    shift = get_object_or_404(shifts_visible(request.user), pk=shift_id)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "volunteers/cancel_confirm.html", {"shift": shift, "next": next_url})


def _act(request, shift_id, action):
    volunteer = selectors.volunteer_of(request.user)
    shift = get_object_or_404(shifts_visible(request.user), pk=shift_id)
    if volunteer is None:
        return redirect("volunteers:register")
    try:
        result = action(volunteer=volunteer, shift=shift, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if result.status == SignupStatus.CONFIRMED:
            messages.success(request, _("Signed up: see you at %(place)s.") % {"place": shift.meeting_point})
        elif result.status == SignupStatus.WAITLISTED:
            messages.success(request, _("The shift is full: you are on the waitlist."))
        else:
            messages.success(request, _("Cancelled."))
    return redirect_next(request, "volunteers:shifts")


@login_required
def register(request):
    resident = getattr(request.user, "resident", None)
    if resident is None:
        return render(request, "403.html", status=403)
    existing = selectors.volunteer_of(request.user)
    communities = selectors.home_communities(request.user)
    form = RegistrationForm(request.POST or None, communities=communities)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.registration_create(actor=request.user, resident=resident, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Registered: a community worker will confirm it soon."))
            return redirect("volunteers:shifts")
    return render(request, "volunteers/register.html", {"form": form, "existing": existing})


@login_required
@require_POST
def check(request, shift_id: int, action: str):
    """Check in or out on the spot (the leader may do it for someone in the group)."""
    if action not in ("in", "out"):
        raise Http404
    volunteer = selectors.volunteer_of(request.user)
    shift = get_object_or_404(shifts_scoped(request.user), pk=shift_id)
    member = None
    if request.POST.get("volunteer"):
        member = get_object_or_404(
            volunteers_visible_to_leader(shift), pk=request.POST["volunteer"]
        )
    stamp = services.signup_check_in if action == "in" else services.signup_check_out
    try:
        if volunteer is None:
            raise DomainError(_("Register as a volunteer first."))
        stamp(actor=request.user, by=volunteer, shift=shift, volunteer=member)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Checked in.") if action == "in" else _("Checked out: thank you!"))
    return redirect_next(request, "volunteers:mine")


@login_required
def shift_detail(request, shift_id: int):
    """The organiser's (and the leader's) view: who signed up, who is waiting, who came."""
    shift = get_object_or_404(shifts_visible(request.user), pk=shift_id)
    volunteer = selectors.volunteer_of(request.user)
    may_see = can_organise(request.user, shift.community) or (volunteer and shift.leader_id == volunteer.pk)
    if not may_see:
        return render(request, "403.html", status=403)
    signups = (
        shift.signups.exclude(status=SignupStatus.CANCELLED)
        .select_related("volunteer__resident")
        .order_by("status", "queued_at", "id")
    )
    for signup in signups:
        signup.hours = selectors.credited_hours(signup)
    return render(
        request,
        "volunteers/shift_detail.html",
        {"shift": shift, "signups": signups, "is_leader": volunteer and shift.leader_id == volunteer.pk},
    )


def _month(request):
    today = timezone.localdate()
    value = request.GET.get("month", f"{today:%Y-%m}")
    try:
        first = periods.period_parse(value, field="month")
    except DomainError:
        first = periods.month_start(today)
    return periods.month_bounds(first)


@login_required
def leaderboard(request):
    """A community's volunteers by hours in a month; `?compound=` narrows it to one compound."""
    volunteer = selectors.volunteer_of(request.user)
    communities = selectors.home_communities(request.user) or list(
        communities_visible(request.user).values_list("id", flat=True)
    )
    community_id = volunteer.community_id if volunteer else (communities[0] if communities else None)
    compounds = list(Compound.objects.filter(community_id=community_id).order_by("name"))
    compound = next((c for c in compounds if str(c.pk) == request.GET.get("compound")), None)
    first, end = _month(request)
    rows = []
    if community_id:
        start, stop = periods.days_bounds(first, end)
        rows = selectors.leaderboard_rows(
            selectors.leaderboard(community_id, start, stop, compound_id=compound and compound.pk)
        )
    context = {"rows": rows, "month": first, "compounds": compounds, "compound": compound}
    return render(request, "volunteers/leaderboard.html", context)


@login_required
def certificate(request):
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    served = [(s, selectors.credited_hours(s)) for s in selectors.served(volunteer)]
    total = sum((h for _s, h in served), Decimal(0))
    return render(
        request,
        "volunteers/certificate.html",
        {
            "volunteer": volunteer,
            "served": served,
            "total": total,
            "points": selectors.points_for(total),
            "today": timezone.localdate(),
        },
    )


def calendar_feed(request, token: str):
    """No sign-in: the secret token in the URL is the key (phone calendars cannot sign in)."""
    volunteer = get_object_or_404(Volunteer.objects.select_related("resident"), calendar_token=token)
    response = HttpResponse(
        calendar.feed(volunteer, request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="shifts.ics"'
    return response


@login_required
def shift_new(request):
    """An organiser puts a shift out for volunteers."""
    communities = list(organised_communities(request.user))
    if not communities:
        return render(request, "403.html", status=403)
    form = ShiftForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            shift = services.shift_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The shift is open for sign-ups."))
            return redirect("volunteers:shift", shift.pk)
    return render(request, "volunteers/shift_new.html", {"form": form})


@login_required
def registrations(request):
    """Registrations waiting for a decision, and approved volunteers who may be suspended."""
    communities = organised_communities(request.user)
    volunteers = (
        Volunteer.objects.filter(community__in=communities)
        .exclude(status=RegistrationStatus.DECLINED)
        .select_related("resident", "community")
        .prefetch_related("service_types")
        .order_by(
            Case(When(status=RegistrationStatus.PENDING, then=Value(0)), default=Value(1)),
            "-registered_at",
            "-id",
        )
    )
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if query:  # a name, or the phone number's digits
        volunteers = volunteers.filter(Q(resident__name__contains=query) | Q(resident__phone__contains=query))
    if status in RegistrationStatus.values:
        volunteers = volunteers.filter(status=status)
    page = Paginator(volunteers, 30).get_page(request.GET.get("page"))  # a page, not 13,948 px
    context = {
        "volunteers": page.object_list,
        "page": page,
        "q": query,
        "status": status,
        "statuses": [
            (v, label) for v, label in RegistrationStatus.choices if v != RegistrationStatus.DECLINED
        ],
        "query": urlencode({k: v for k, v in (("q", query), ("status", status)) if v}),
    }
    return render(request, "volunteers/registrations.html", context)


@login_required
@require_POST
def registration_decide(request, volunteer_id: int, decision: str):
    if decision not in RegistrationStatus.values or decision == RegistrationStatus.PENDING:
        raise Http404
    volunteer = get_object_or_404(
        Volunteer.objects.filter(community__in=organised_communities(request.user)), pk=volunteer_id
    )
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.registration_decide(
            actor=request.user,
            volunteer=volunteer,
            status=decision,
            reason=form.cleaned_data.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s")
            % {"name": volunteer.resident.name, "status": RegistrationStatus(decision).label},
        )
    return redirect("volunteers:registrations")
