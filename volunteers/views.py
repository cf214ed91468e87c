from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import DomainError
from property.models import Household
from property.selectors import own_households
from volunteers import selectors, services
from volunteers.forms import RegistrationForm
from volunteers.models import Signup, SignupStatus


@login_required
def shift_list(request):
    """Open shifts, those of my compound first, each with my place in it."""
    volunteer = selectors.volunteer_of(request.user)
    my_compounds = list(
        Household.objects.filter(id__in=own_households(request.user)).values_list(
            "building__compound_id", flat=True
        )
    )
    shifts = list(
        selectors.shifts_visible(request.user)
        .filter(status="scheduled", starts_at__gt=timezone.now())
        .annotate(
            mine_first=Case(
                When(compound_id__in=my_compounds, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("mine_first", "starts_at", "id")[:50]
    )
    mine = {}
    if volunteer:
        mine = dict(
            Signup.objects.filter(volunteer=volunteer, status__in=services.ACTIVE).values_list(
                "shift_id", "status"
            )
        )
    for shift in shifts:
        shift.my_status = mine.get(shift.pk, "")
    return render(request, "volunteers/shift_list.html", {"shifts": shifts, "volunteer": volunteer})


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
    return render(request, "volunteers/my_shifts.html", {"signups": signups, "volunteer": volunteer})


@login_required
@require_POST
def signup(request, shift_id: int):
    return _act(request, shift_id, services.signup_create)


@login_required
@require_POST
def cancel(request, shift_id: int):
    return _act(request, shift_id, services.signup_cancel)


def _act(request, shift_id, action):
    volunteer = selectors.volunteer_of(request.user)
    shift = get_object_or_404(selectors.shifts_visible(request.user), pk=shift_id)
    if volunteer is None:
        return redirect("volunteers:register")
    try:
        result = action(volunteer=volunteer, shift=shift)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if result.status == SignupStatus.CONFIRMED:
            messages.success(request, _("Signed up: see you at %(place)s.") % {"place": shift.meeting_point})
        elif result.status == SignupStatus.WAITLISTED:
            messages.success(request, _("The shift is full: you are on the waitlist."))
        else:
            messages.success(request, _("Cancelled."))
    return redirect(request.POST.get("next") or "volunteers:shifts")


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
            services.registration_create(resident=resident, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Registered: a community worker will confirm it soon."))
            return redirect("volunteers:shifts")
    return render(request, "volunteers/register.html", {"form": form, "existing": existing})
