"""ECharts options of the evaluation pages (pure: values in, a JSON-able dict out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from parkchain.core.charts import FONT_FAMILY, Option

GRADE_COLOURS = {"A": "#2fb344", "B": "#206bc4", "C": "#f59f00", "D": "#d63939"}


def grade_distribution_option(rows: Sequence[Any]) -> Option:
    """Stacked horizontal bars: A/B/C/D counts per county (park, chain), largest unit on top."""
    ordered = sorted(rows, key=lambda r: r.n_graded)
    names = [r.name or _("Outside parks") for r in ordered]
    return {
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": names},
        "series": [
            {
                "name": _("Class %(grade)s") % {"grade": grade},
                "type": "bar",
                "stack": "grades",
                "color": GRADE_COLOURS[grade],
                "barMaxWidth": 22,
                "data": [getattr(r, f"n_{grade.lower()}") for r in ordered],
            }
            for grade in "ABCD"
        ],
    }


def league_option(
    names: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> Option:
    """Stacked horizontal bars of a league table (first row on top)."""
    return {
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": list(reversed(names))},
        "series": [
            {
                "name": name,
                "type": "bar",
                "stack": "total",
                "barMaxWidth": 22,
                "data": [None if v is None else round(v, 2) for v in reversed(values)],
            }
            for name, values in series
        ],
    }


def contribution_option(components: Sequence[Any]) -> Option:
    """Per indicator: the score earned next to the weight (what an average enterprise earns)."""
    labels = [c.label for c in components]
    return {
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": list(reversed(labels))},
        "series": [
            {
                "name": _("Score"),
                "type": "bar",
                "color": "#206bc4",
                "barMaxWidth": 18,
                "data": [
                    None if c.score is None else round(c.score, 2) for c in reversed(components)
                ],
            },
            {
                "name": _("Weight (score at the benchmark)"),
                "type": "bar",
                "color": "#c8d3e1",
                "barMaxWidth": 18,
                "data": [c.weight for c in reversed(components)],
            },
        ],
    }
