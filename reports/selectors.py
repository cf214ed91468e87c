"""Reads of the five-co index: the figures and scores of compounds for a month."""

from datetime import date

from reports import scoring
from reports.indicators import FIGURES, Month
from reports.models import Co, Indicator


def compound_scores(compound_ids, first: date) -> dict[int, dict]:
    """Per compound: each indicator's figure and score, each co-'s score and the overall score.

    Only the active indicators whose figures are built count; a fixed number of queries (one per
    indicator and one for the indicators), whatever the number of compounds.
    """
    month = Month(compound_ids, first)
    ids = month.ids
    indicators = [i for i in Indicator.objects.filter(active=True) if i.code in FIGURES]
    figures = {i.code: FIGURES[i.code](month) for i in indicators}
    result = {}
    for cid in ids:
        rows, by_co = [], {co: [] for co in Co.values}
        for indicator in indicators:
            figure = figures[indicator.code][cid]
            score = scoring.indicator_score(
                figure,
                target=indicator.target,
                minimum_data=indicator.minimum_data,
                lower_is_better=indicator.lower_is_better,
            )
            rows.append({"indicator": indicator, "figure": figure, "score": score})
            by_co[indicator.co].append((score, indicator.weight))
        scores = {co: scoring.weighted_mean(pairs) for co, pairs in by_co.items()}
        result[cid] = {"indicators": rows, "scores": scores, "overall": scoring.overall(scores.values())}
    return result
