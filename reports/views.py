"""Pages of the five-co view: the dashboard of a place and the records behind an indicator."""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_officer_of
from core import rates
from core.errors import DomainError, Forbidden, Invalid
from core.periods import add_months, last_full_week, period_label, period_parse, week_label
from property.register.permissions import subdistricts_visible
from reports import bulletin, bulletin_text, charts, docx, selectors, services
from reports.indicators import FLAGS, NAMES, SHARES, WINDOW_MONTHS
from reports.models import Co, Level
from reports.permissions import READABLE
from reports.records import RECORDS

CO_CSS = {co: f"co-{co}" for co in Co.values}


class PlaceForm(forms.Form):
    compound = forms.IntegerField(required=False, min_value=1)
    community = forms.IntegerField(required=False, min_value=1)
    subdistrict = forms.IntegerField(required=False, min_value=1)
    period = forms.CharField(required=False, max_length=7)


def _place(request):
    """(level, place, month) from the query string, as the API reads it; bad or hidden is 404."""
    form = PlaceForm(request.GET)
    if not form.is_valid():
        raise Http404
    d = form.cleaned_data
    try:
        level, place = selectors.place_for(
            request.user, compound=d["compound"], community=d["community"], subdistrict=d["subdistrict"]
        )
        return level, place, selectors.period_or_default(d["period"])
    except Forbidden as refused:
        raise PermissionDenied(refused.message) from refused
    except Invalid as bad:
        raise Http404 from bad


def _trend_charts(trend):
    labels = [f"{p:%m}" for p, _s in trend]
    months = [s for _p, s in trend]
    scores = charts.line_chart(
        labels,
        [("overall", "overall", [s.overall if s else None for s in months])]
        + [(Co(co).label, CO_CSS[co], [s.scores.get(co) if s else None for s in months]) for co in Co.values],
    )

    def rate(code):
        values = []
        for s in months:
            row = s.indicators.get(code) if s else None
            values.append(row["value"] * 100 if row and row["value"] is not None else None)
        return values

    rates = charts.line_chart(
        labels,
        [
            (NAMES["fee_collection_rate"], "rate-fees", rate("fee_collection_rate")),
            (NAMES["incidents_on_time"], "rate-incidents", rate("incidents_on_time")),
        ],
    )
    rows = [
        {
            "period": period_label(p),
            "overall": s.overall if s else None,
            "scores": [s.scores.get(co) if s else None for co in Co.values],
            "fees": rate_value(s, "fee_collection_rate"),
            "incidents": rate_value(s, "incidents_on_time"),
        }
        for p, s in trend
    ]
    return scores, rates, rows


def _exact(row):
    """The row's value exactly (from its parts); a row kept without parts: its value as kept."""
    exact = selectors.exact_value(row)
    return exact if exact is not None or row.get("value") is None else rates.exact(row["value"])


def shown(code, row: dict) -> str:
    """An indicator's value as a person reads it, rounded once from its parts: shares as
    percentages, flags as yes or no (a flag added up over compounds: the share where it holds)."""
    value = _exact(row)
    if value is None:
        return rates.NONE_SHOWN
    if code in FLAGS and value in (0, 1) and (row.get("whole") or 1) <= 1:
        return _("yes") if value == 1 else _("no")
    if code in SHARES or code in FLAGS:
        return rates.percent_of(value)
    return f"{rates.half_up(value, 2).normalize():f}"


def rate_value(scores, code):
    """The percentage of a share indicator of a month, rounded once from its parts (the trend table)."""
    row = scores.indicators.get(code) if scores else None
    return None if not row else rates.percent_number(_exact(row))


@login_required
def dashboard(request):
    """The five-co index of a place: its scores, the places below it shaded, 12 months of trend."""
    level, place, first = _place(request)
    index = selectors.place_index(level, place, first)
    trend = selectors.trend(level, place.pk, first, 12)
    scores_chart, rates_chart, trend_rows = _trend_charts(trend)
    here = reverse("reports:dashboard")
    for co in index["scores"]:
        co["bar"] = charts.bar(co["score"])
        co["band"] = charts.band(co["score"])
        for indicator in co["indicators"]:
            query = selectors.place_query(level, place.pk, first, indicator=indicator["code"])
            indicator["page"] = f"{reverse('reports:records')}?{query}"
            indicator["band"] = charts.band(indicator["score"])
            indicator["shown"] = shown(indicator["code"], indicator)
            indicator["target_shown"] = shown(indicator["code"], {"value": indicator["target"]})
    for child in index["children"]:
        query = selectors.place_query(index["child_level"], child["id"], first)
        child["cells"] = [
            {
                "co": co,
                "score": child["scores"].get(co),
                "band": charts.band(child["scores"].get(co)),
                "url": f"{here}?{query}#{co}",
            }
            for co in Co.values
        ]
        child["url"] = f"{here}?{query}"
        child["band"] = charts.band(child["overall"])
    context = {
        "index": index,
        "level": level,
        "place": place,
        "period": first,
        "in_progress": first == selectors.month_start_today(),
        "today": timezone.localdate(),
        "overall_band": charts.band(index["overall"]),
        "previous": f"{here}?{selectors.place_query(level, place.pk, add_months(first, -1))}",
        "next": f"{here}?{selectors.place_query(level, place.pk, add_months(first, 1))}"
        if add_months(first, 1) <= selectors.month_start_today()
        else None,
        "cos": [(co, Co(co).label) for co in Co.values],
        "scores_chart": scores_chart,
        "rates_chart": rates_chart,
        "trend_rows": trend_rows,
        "up": _up(request.user, level, place, first),
        "can_recompute": level == Level.SUBDISTRICT
        and selectors.is_filled(first)
        and is_officer_of(request.user, place),
    }
    return render(request, "reports/dashboard.html", context)


def _up(user, level, place, first):
    """The place one level up, when the user reads it."""
    if level == Level.COMPOUND:
        parent_level, parent_id = Level.COMMUNITY, place.community_id
    elif level == Level.COMMUNITY:
        parent_level, parent_id = Level.SUBDISTRICT, place.subdistrict_id
    else:
        return None
    if not READABLE[parent_level](user).filter(pk=parent_id).exists():
        return None  # a committee member reads their compound, not its community
    return (
        parent_level,
        parent_id,
        f"{reverse('reports:dashboard')}?{selectors.place_query(parent_level, parent_id, first)}",
    )


def _window(code: str, first) -> dict | None:
    """The days an indicator read over several months covers (indicators.WINDOW_MONTHS), for the
    records page to say: the month alone is not what they add up to."""
    months = WINDOW_MONTHS.get(code)
    if months is None:
        return None
    end = add_months(first, 1)
    return {
        "months": months,
        "first": add_months(end, -months),
        "last": min(end - timedelta(days=1), timezone.localdate()),
    }


@login_required
def records(request):
    """The records behind one indicator of a place's month, each linked to its page."""
    code = request.GET.get("indicator", "")
    if code not in RECORDS:
        raise Http404
    level, place, first = _place(request)
    queryset, row = selectors.place_records(request.user, level, place, first, code)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    context = {
        "name": NAMES[code],
        "code": code,
        "place": place,
        "period": first,
        "window": _window(code, first),
        "page": page,
        "rows": [row(obj) for obj in page.object_list],
        "back": f"{reverse('reports:dashboard')}?{selectors.place_query(level, place.pk, first)}",
        "query": selectors.place_query(level, place.pk, first, indicator=code),
    }
    return render(request, "reports/records.html", context)


@login_required
def alert_list(request):
    """The gap alerts of the worker's community or the officer's subdistrict, each with its fix."""
    form = PlaceForm(request.GET)
    if not form.is_valid():
        raise Http404
    try:
        level, place = selectors.alert_place(
            request.user,
            community=form.cleaned_data["community"],
            subdistrict=form.cleaned_data["subdistrict"],
        )
    except Forbidden as refused:
        raise PermissionDenied(refused.message) from refused
    except Invalid as bad:
        raise Http404 from bad
    items = selectors.alert_list(level, place)
    counts = {}
    for item in items:
        counts.setdefault(item["kind"], [item["label"], 0])[1] += 1
    kind = request.GET.get("kind", "")
    shown = [i for i in items if i["kind"] == kind] if kind in counts else items
    base = f"{reverse('reports:alerts')}?{urlencode({level: place.pk})}"
    context = {
        "place": place,
        "items": shown,
        "total": len(items),
        "kinds": [(k, label, n, f"{base}&kind={k}") for k, (label, n) in counts.items()],
        "kind": kind if kind in counts else "",
        "all_url": base,
    }
    return render(request, "reports/alerts.html", context)


def _bulletin(request):
    form = BulletinForm(request.GET)
    if not form.is_valid():
        raise Http404
    try:
        subdistrict, week = bulletin.place_and_week(
            request.user, form.cleaned_data["subdistrict"], form.cleaned_data["week"] or None
        )
    except Forbidden as refused:
        raise PermissionDenied(refused.message) from refused
    except Invalid as bad:
        raise Http404 from bad
    return subdistrict, week, bulletin.bulletin_for(subdistrict, week)


class BulletinForm(forms.Form):
    subdistrict = forms.IntegerField(required=False, min_value=1)
    week = forms.CharField(required=False, max_length=8)


@login_required
def bulletin_page(request):
    """街道每周情况通报: prints on A4; the same figures as the .docx and the API."""
    subdistrict, week, data = _bulletin(request)
    head, rows = bulletin_text.rows_for(data)
    query = urlencode({"subdistrict": subdistrict.pk, "week": data["week"]})
    here = reverse("reports:bulletin")
    context = {
        "data": data,
        "headline": bulletin_text.headline(data),
        "head": head,
        "rows": rows,
        "against": data["totals"]["against_last_week"],
        "docx": f"{reverse('reports:bulletin_docx')}?{query}",
        "previous": f"{here}?{urlencode({'subdistrict': subdistrict.pk, 'week': week_label(week - timedelta(days=7))})}",
        "next": f"{here}?{urlencode({'subdistrict': subdistrict.pk, 'week': week_label(week + timedelta(days=7))})}"
        if week + timedelta(days=7) <= last_full_week(timezone.localdate())
        else None,
    }
    return render(request, "reports/bulletin.html", context)


@login_required
def bulletin_download(request):
    subdistrict, _week, data = _bulletin(request)
    response = HttpResponse(
        docx.bulletin_docx(data),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="bulletin-{subdistrict.pk}-{data["week"]}.docx"'
    return response


class RecomputeForm(forms.Form):
    subdistrict = forms.IntegerField(min_value=1)
    period = forms.CharField(max_length=7)
    reason = forms.CharField(label=_("why"), max_length=500)


@login_required
@require_POST
def recompute(request):
    """An officer recomputes a kept month from the records as they are now, saying why (audited)."""
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the month is recomputed."))
        return redirect(request.META.get("HTTP_REFERER") or "reports:dashboard")
    d = form.cleaned_data
    subdistrict = subdistricts_visible(request.user).filter(pk=d["subdistrict"]).first()
    if subdistrict is None:
        raise Http404
    try:
        first = period_parse(d["period"])
        services.snapshot_recompute(
            actor=request.user, subdistrict=subdistrict, period=first, reason=d["reason"]
        )
    except Forbidden as refused:
        raise PermissionDenied(refused.message) from refused
    except DomainError as refused:  # a refusal reads as one, whatever rule refused it
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The month is recomputed from the records as they are now."))
    query = urlencode({"subdistrict": subdistrict.pk, "period": d["period"]})
    return redirect(f"{reverse('reports:dashboard')}?{query}")
