"""The five-co index, gap alerts and the weekly bulletin, under the governance/ paths of API.md."""

from django.utils.translation import gettext as _
from ninja import Query, Router

from core.errors import Invalid, visible_or_invalid
from core.openapi import errors
from core.periods import period_label, period_parse
from property.register.permissions import subdistricts_visible
from reports import bulletin, selectors, services
from reports.indicators import NAMES
from reports.records import RECORDS
from reports.schemas import (
    AlertFilter,
    AlertsOut,
    BulletinFilter,
    BulletinOut,
    FiveCoOut,
    PlaceFilter,
    RecomputeIn,
    RecordsFilter,
    RecordsOut,
    TrendFilter,
    TrendOut,
)

router = Router(tags=["five-co"])
READ_ERRORS = errors(401, 403, 422)


def _place(request, filters: PlaceFilter):
    ids = filters.dict(include={"compound", "community", "subdistrict"})
    level, place = selectors.place_for(request.user, **ids)
    return level, place, selectors.period_or_default(filters.period)


@router.get("/five-co", response={200: FiveCoOut, **READ_ERRORS})
def five_co(request, filters: Query[PlaceFilter]):
    """The five-co index of a compound, community or subdistrict for a month (default: the last full month)."""
    level, place, first = _place(request, filters)
    return selectors.place_index(level, place, first)


@router.get("/five-co/trend", response={200: TrendOut, **READ_ERRORS})
def five_co_trend(request, filters: Query[TrendFilter]):
    """The monthly overall and per-co scores up to the month, oldest first."""
    level, place, first = _place(request, filters)
    months = [
        {
            "period": period_label(period),
            "filled": scores is not None,
            "overall": scores.overall if scores else None,
            "scores": scores.scores if scores else {},
        }
        for period, scores in selectors.trend(level, place.pk, first, filters.months)
    ]
    return {"level": level, "place": {"id": place.pk, "name": place.name}, "months": months}


@router.get("/five-co/records", response={200: RecordsOut, **READ_ERRORS}, url_name="five_co_records")
def five_co_records(request, filters: Query[RecordsFilter]):
    """The records behind one indicator's value for the place and month."""
    if filters.indicator not in RECORDS:
        raise Invalid(_("No such indicator."), field="indicator")
    level, place, first = _place(request, filters)
    queryset, row = selectors.place_records(request.user, level, place, first, filters.indicator)
    page = queryset[filters.offset : filters.offset + filters.limit]
    return {
        "indicator": filters.indicator,
        "name": str(NAMES[filters.indicator]),
        "count": queryset.count(),
        "items": [row(obj) for obj in page],
    }


@router.post("/five-co/recompute", response={200: FiveCoOut, **errors(401, 403, 404, 409, 422)})
def five_co_recompute(request, payload: RecomputeIn):
    """Recompute a past month of a subdistrict from the records as they are now (audited, with a reason)."""
    subdistrict = visible_or_invalid(subdistricts_visible(request.user), payload.subdistrict, "subdistrict")
    first = period_parse(payload.period)
    services.snapshot_recompute(
        actor=request.user, subdistrict=subdistrict, period=first, reason=payload.reason
    )
    return selectors.place_index("subdistrict", subdistrict, first)


@router.get("/alerts", response={200: AlertsOut, **READ_ERRORS})
def alert_list(request, filters: Query[AlertFilter]):
    """The gap alerts (改造一个、管好一个) of a community or the subdistrict, each with the page that fixes it."""
    level, place = selectors.alert_place(
        request.user, community=filters.community, subdistrict=filters.subdistrict
    )
    items = selectors.alert_list(level, place)
    return {"items": items, "count": len(items)}


@router.get("/bulletins", response={200: BulletinOut, **READ_ERRORS}, by_alias=True)
def bulletin_read(request, filters: Query[BulletinFilter]):
    """街道每周情况通报: the published bulletin of the week, or the week's figures computed now."""
    subdistrict, week = bulletin.place_and_week(request.user, filters.subdistrict, filters.week)
    return bulletin.bulletin_for(subdistrict, week)
