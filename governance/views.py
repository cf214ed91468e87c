"""Pages of self-governance: as thin as the API, calling the same services."""

from io import BytesIO

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can_manage_community
from core.errors import DomainError, add_to_form
from core.redirects import redirect_next
from governance import selectors, services
from governance.forms import AnswersForm, BallotForm, MeetingForm, NoticeForm, RatingForm, VoteForm
from governance.models import Evaluation, Rating, Response, RollUnit, Solicitation, Vote, VoteStatus
from governance.permissions import (
    bodies_visible,
    can_govern_compound,
    can_manage_body,
    home_compounds,
    meetings_visible,
    seats,
    votes_visible,
)
from property.models import Compound, Household
from property.register.permissions import communities_visible, compounds_visible, own_households


@login_required
def index(request):
    """My bodies and what is open in my compounds; for workers, the gaps of their community."""
    homes = home_compounds(request.user)
    today = timezone.localdate()
    context = {
        "seats": seats(request.user).select_related("body__compound", "body__community"),
        "votes": votes_visible(request.user)
        .filter(status=VoteStatus.OPEN)
        .order_by("closes_at")[:20],
        "solicitations": Solicitation.objects.filter(
            compound__in=compounds_visible(request.user), opens_on__lte=today, closes_on__gte=today
        ).select_related("compound")[:20],
        "evaluations": Evaluation.objects.filter(
            community__in=communities_visible(request.user), opens_on__lte=today, closes_on__gte=today
        )[:20],
        "homes": Compound.objects.filter(id__in=homes),
    }
    ungoverned, ending = selectors.governance_gaps(request.user)
    context |= {
        "ungoverned": ungoverned[:50],
        "ending": ending,
        "bodies": bodies_visible(request.user)[:100],
    }
    return render(request, "governance/index.html", context)


@login_required
def body_detail(request, body_id: int):
    body = get_object_or_404(bodies_visible(request.user), pk=body_id)
    members = list(selectors.current_members(body))
    return render(
        request,
        "governance/body.html",
        {
            "body": body,
            "members": members,
            "problems": selectors.body_problems(body, len(members)),
            "meetings": meetings_visible(request.user).filter(body=body)[:30],
            "actions": selectors.actions_open(request.user).filter(meeting__body=body),
            "may_manage": can_manage_body(request.user, body),
            "today": timezone.localdate(),
        },
    )


@login_required
def meeting_new(request, body_id: int):
    body = get_object_or_404(bodies_visible(request.user), pk=body_id)
    if not can_manage_body(request.user, body):
        return render(request, "403.html", status=403)
    form = MeetingForm(request.POST or None, members=selectors.current_members(body))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_record(actor=request.user, body=body, **form.service_arguments())
        except DomainError as exc:
            for field, errs in exc.fields.items() or [(None, [exc.message])]:
                for err in errs:
                    form.add_error(form.field_for_error(field) if field else None, err)
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("governance:meeting", meeting.pk)
    return render(request, "governance/meeting_form.html", {"body": body, "form": form})


@login_required
def meeting_detail(request, meeting_id: int):
    meeting = get_object_or_404(
        selectors.meeting_detailed(meetings_visible(request.user)), pk=meeting_id
    )
    present, members, met = selectors.quorum(meeting.attendance.all())
    return render(
        request,
        "governance/meeting.html",
        {
            "meeting": meeting,
            "quorum": {"present": present, "members": members, "met": met},
            "may_manage": can_manage_body(request.user, meeting.body),
        },
    )


@login_required
@require_POST
def action_close(request, action_id: int):
    action = get_object_or_404(selectors.actions_open(request.user), pk=action_id)
    try:
        services.action_close(actor=request.user, action=action, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Action closed."))
    return redirect_next(request, "governance:meeting", action.meeting_id)


@login_required
def vote_new(request, compound_id: int):
    compound = get_object_or_404(compounds_visible(request.user), pk=compound_id)
    if not can_govern_compound(request.user, compound):
        return render(request, "403.html", status=403)
    # A gap alert links here with the matter that fixes it (?matter=elect_committee).
    form = VoteForm(request.POST or None, initial={"matter": request.GET.get("matter")})
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in VoteForm.Meta.fields}
        try:
            vote = services.vote_create(actor=request.user, compound=compound, **fields)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The vote is set up."))
            return redirect("governance:vote", vote.pk)
    return render(request, "governance/vote_form.html", {"compound": compound, "form": form})


def _sign_in_first(request, place, what: str):
    """A signed-out visitor who followed a vote's or solicitation's link (from the gate's QR page):
    why signing in is needed and how to get an account, instead of a bare sign-in form. The title is
    shown only where the public page lists it too (open ones)."""
    return render(
        request,
        "governance/sign_in_first.html",
        {"place": place, "compound": place.compound if place else None, "what": what},
    )


def vote_detail(request, vote_id: int):
    """The owner votes for their units; a worker enters paper ballots; everyone sees the count."""
    if not request.user.is_authenticated:
        vote = Vote.objects.filter(pk=vote_id, status=VoteStatus.OPEN).select_related("compound__community")
        return _sign_in_first(request, vote.first(), "vote")
    vote = get_object_or_404(votes_visible(request.user), pk=vote_id)
    units = RollUnit.objects.filter(vote=vote).select_related("household__building", "owner")
    paper = can_manage_community(request.user, vote.compound.community)
    if not paper:
        units = units.filter(owner__residents__user=request.user)
    units = list(units.order_by("household__building__name", "household__unit_label"))
    form = BallotForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        household = Household.objects.get(pk=form.cleaned_data["household"])
        try:
            services.ballot_cast(
                actor=request.user, vote=vote, household=household, choice=form.cleaned_data["choice"]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Paper ballot entered.") if paper else _("Your ballot is in."))
            return redirect("governance:vote", vote.pk)
    mine = []
    if units and not paper:
        mine = vote.ballots.filter(owner__in={u.owner_id for u in units}, replaced_at__isnull=True)
    return render(
        request,
        "governance/vote.html",
        {
            "vote": vote,
            "result": selectors.vote_result(vote) if vote.status != VoteStatus.SCHEDULED else None,
            "form": form if units and vote.status == VoteStatus.OPEN else None,
            "paper": paper,
            "mine": mine,
        },
    )


@login_required
def notice_new(request, compound_id: int):
    compound = get_object_or_404(compounds_visible(request.user), pk=compound_id)
    if not can_govern_compound(request.user, compound):
        return render(request, "403.html", status=403)
    form = NoticeForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_publish(
                actor=request.user,
                compound=compound,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                lines=form.lines(),
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The notice is published."))
            return redirect("public_compound", compound.pk)
    return render(request, "governance/notice_form.html", {"compound": compound, "form": form})


def solicitation_detail(request, solicitation_id: int):
    """The resident answers for their household; a worker answers door to door for any household."""
    if not request.user.is_authenticated:
        today = timezone.localdate()
        solicitation = Solicitation.objects.filter(
            pk=solicitation_id, opens_on__lte=today, closes_on__gte=today
        ).select_related("compound__community")
        return _sign_in_first(request, solicitation.first(), "solicitation")
    solicitation = get_object_or_404(
        Solicitation.objects.filter(compound__in=compounds_visible(request.user)).select_related("compound"),
        pk=solicitation_id,
    )
    door = can_manage_community(request.user, solicitation.compound.community)
    households = None
    mine = Household.objects.filter(
        id__in=own_households(request.user), building__compound=solicitation.compound
    )
    if door:
        households = Household.objects.filter(building__compound=solicitation.compound).select_related(
            "building"
        )
    form = AnswersForm(request.POST or None, questions=solicitation.questions.all(), households=households)
    household = mine.first()
    if request.method == "POST" and form.is_valid():
        if door:
            household = Household.objects.get(pk=form.cleaned_data["household"])
        try:
            if household is None:
                raise DomainError(_("You have no household in this compound."))
            services.response_record(
                actor=request.user, solicitation=solicitation, household=household, answers=form.answers()
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Thank you: the answers are recorded."))
            return redirect("governance:solicitation", solicitation.pk)
    answered = (
        household is not None
        and Response.objects.filter(solicitation=solicitation, household=household).exists()
    )
    return render(
        request,
        "governance/solicitation.html",
        {
            "solicitation": solicitation,
            "form": form,
            "door": door,
            "answered": answered and not door,
            "summary": selectors.solicitation_summary(solicitation) if door else None,
        },
    )


@login_required
def evaluation_detail(request, evaluation_id: int):
    """A household rates once per round; the community's workers see the figures per compound."""
    evaluation = get_object_or_404(
        Evaluation.objects.filter(community__in=communities_visible(request.user)).select_related(
            "community"
        ),
        pk=evaluation_id,
    )
    household = (
        Household.objects.filter(
            id__in=own_households(request.user), building__compound__community=evaluation.community
        )
        .select_related("building__compound")
        .first()
    )
    rated = (
        household is not None and Rating.objects.filter(evaluation=evaluation, household=household).exists()
    )
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if household is None:
                raise DomainError(_("You have no household in this community."))
            services.rating_record(
                actor=request.user,
                evaluation=evaluation,
                household=household,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for rating."))
            return redirect("governance:evaluation", evaluation.pk)
    staff = can_manage_community(request.user, evaluation.community)
    return render(
        request,
        "governance/evaluation.html",
        {
            "evaluation": evaluation,
            "form": form if household and not rated else None,
            "rated": rated,
            "summary": selectors.evaluation_summary(evaluation) if staff else None,
        },
    )


def public_compound(request, compound_id: int):
    """No sign-in: what the compound publishes. The QR poster points here."""
    compound = get_object_or_404(Compound.objects.select_related("community"), pk=compound_id)
    data = selectors.public_compound(compound)
    return render(
        request,
        "governance/public.html",
        {
            "compound": compound,
            **data,
            "may_publish": request.user.is_authenticated and can_govern_compound(request.user, compound),
        },
    )


def public_qr(request, compound_id: int, fmt: str):
    """The public page's address as a QR code, SVG or PNG (segno), for posters."""
    if fmt not in ("svg", "png"):
        raise Http404
    compound = get_object_or_404(Compound, pk=compound_id)
    qr = segno.make(request.build_absolute_uri(reverse("public_compound", args=[compound.pk])), error="m")
    out = BytesIO()
    if fmt == "svg":
        qr.save(out, kind="svg", scale=8, border=2, xmldecl=True)
        return HttpResponse(out.getvalue(), content_type="image/svg+xml")
    qr.save(out, kind="png", scale=10, border=2)
    return HttpResponse(out.getvalue(), content_type="image/png")


@login_required
def poster(request, compound_id: int):
    """A printable poster with the QR code, for the compound's notice board."""
    compound = get_object_or_404(compounds_visible(request.user), pk=compound_id)
    if not can_manage_community(request.user, compound.community) and not can_govern_compound(
        request.user, compound
    ):
        return render(request, "403.html", status=403)
    address = request.build_absolute_uri(reverse("public_compound", args=[compound.pk]))
    return render(request, "governance/poster.html", {"compound": compound, "address": address})
