"""The numbers the home page of an officer, a community worker or a committee member opens with:
their place's five scores, its gap alerts and this week's open and overdue incidents."""

from django.urls import reverse
from django.utils import timezone

from core.periods import days_bounds, week_start
from grid import selectors as grids
from grid.models import Grid
from reports import selectors
from reports.charts import band
from reports.models import Co, Level
from reports.permissions import home_place


def _grid_ids(level: str, place) -> list[int]:
    if level == Level.COMPOUND:
        return sorted(grids.grids_covering([place.pk]).get(place.pk, set()))
    if level == Level.COMMUNITY:
        return list(Grid.objects.filter(community=place).values_list("pk", flat=True))
    return list(Grid.objects.filter(community__subdistrict=place).values_list("pk", flat=True))


def home_panel(user) -> list[dict]:
    home = home_place(user)
    if home is None:
        return []
    level, place = home
    period = selectors.default_period()
    scores = selectors.scores_for(level, [place.pk], period)[place.pk]
    now = timezone.now()
    since = days_bounds(week_start(timezone.localdate()), timezone.localdate())[0]
    grid_ids = _grid_ids(level, place)
    incidents = grids.incidents_now(grid_ids, since, now)
    query = f"?{level}={place.pk}"
    alerts = None if level == Level.COMPOUND else len(selectors.alert_list(level, place))
    board = reverse("grid:board")
    return [
        {
            "template": "reports/_home_panel.html",
            "place": place,
            "level": level,
            "period": period,
            "overall": scores.overall,
            "overall_band": band(scores.overall),
            "scores": [
                (Co(co).label, scores.scores.get(co), band(scores.scores.get(co))) for co in Co.values
            ],
            "alerts": alerts,
            "incidents": incidents,
            "dashboard": f"{reverse('reports:dashboard')}{query}",
            "alerts_url": f"{reverse('reports:alerts')}{query}" if alerts is not None else None,
            "bulletin_url": reverse("reports:bulletin") if level != Level.COMPOUND else None,
            "overdue_url": f"{board}?overdue=on" + (f"&grid={grid_ids[0]}" if len(grid_ids) == 1 else ""),
        }
    ]
