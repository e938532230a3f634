"""ECharts options of the dispatch pages and the cockpit (pure: figures in, a JSON-able dict out).

Every value is a number of ``DispatchFigures`` (or of ``target_progress_series``), rounded as the
bulletin prints it, so a chart's tooltip says what the tables say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from engine.targets import columns as c
from parkchain.core.charts import FONT_FAMILY, Option
from parkchain.targets.bulletin import rag_label
from parkchain.targets.figures import ProgressPoint, RankingRow, TargetFigure
from parkchain.targets.models import TargetKind

RAG_COLOURS = {c.GREEN: "#2fb344", c.YELLOW: "#f59f00", c.RED: "#d63939", c.NONE: "#adb5bd"}
TARGET_COLOUR = "#206bc4"
PROGRESS_COLOUR = "#868e96"
LIGHTS = (c.RED, c.YELLOW, c.GREEN, c.NONE)


def _base() -> Option:
    return {
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
    }


def gap_bar_option(rows: Sequence[RankingRow]) -> Option:
    """Horizontal bars: each unit's mean gap to time progress (pp), in ranking order (first on
    top), green ahead and red behind."""
    values = [None if r.mean_gap_pp is None else round(r.mean_gap_pp, 1) for r in rows]
    return {
        **_base(),
        "grid": {"left": 8, "right": 40, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "name": _("pp"), "axisLabel": {"hideOverlap": True}},
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": [r.name for r in rows],
            "axisLabel": {"width": 150, "overflow": "truncate"},
        },
        "series": [
            {
                "name": _("Mean gap to time progress (pp)"),
                "type": "bar",
                "barMaxWidth": 16,
                "data": [
                    {
                        "value": v,
                        "itemStyle": {"color": RAG_COLOURS[c.GREEN if (v or 0) >= 0 else c.RED]},
                    }
                    for v in values
                ],
                "label": {"show": True, "position": "right", "formatter": "{c}"},
            }
        ],
    }


def rag_stack_option(rows: Sequence[RankingRow]) -> Option:
    """Stacked horizontal bars: each unit's targets by light, in ranking order (first on top)."""
    return {
        **_base(),
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": [r.name for r in rows],
            "axisLabel": {"width": 150, "overflow": "truncate"},
        },
        "series": [
            {
                "name": rag_label(light),
                "type": "bar",
                "stack": "lights",
                "barMaxWidth": 16,
                "color": RAG_COLOURS[light],
                "data": [getattr(r, light) for r in rows],
            }
            for light in LIGHTS
        ],
    }


def rag_pie_option(counts: Mapping[str, int]) -> Option:
    """A ring of the targets by light."""
    return {
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"bottom": 0},
        "series": [
            {
                "name": _("Targets by light"),
                "type": "pie",
                "radius": ["38%", "62%"],
                "center": ["50%", "45%"],
                "avoidLabelOverlap": True,
                "label": {"formatter": "{b}\n{c}", "overflow": "none"},
                "data": [
                    {
                        "name": rag_label(light),
                        "value": counts.get(light, 0),
                        "itemStyle": {"color": RAG_COLOURS[light]},
                    }
                    for light in LIGHTS
                    if counts.get(light, 0)
                ],
            }
        ],
    }


def completion_bar_option(figures: Sequence[TargetFigure], *, by_scope: bool = False) -> Option:
    """Grouped bars per target: completion (%) next to time progress (%), coloured by light;
    growth targets: growth next to the target (%). ``by_scope``: name the bars after the unit or
    chain (the targets of one name across chains) instead of the target."""
    names = [f.scope_name if by_scope else f.name for f in figures]

    def pct(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 1)

    done: list[dict[str, Any]] = []
    due: list[float | None] = []
    for f in figures:
        if f.kind == TargetKind.GROWTH:
            done.append(
                {
                    "value": None if f.actual is None else round(f.actual, 1),
                    "itemStyle": {"color": RAG_COLOURS.get(f.rag, RAG_COLOURS[c.NONE])},
                }
            )
            due.append(round(f.annual, 1))
        else:
            done.append(
                {
                    "value": pct(f.completion),
                    "itemStyle": {"color": RAG_COLOURS.get(f.rag, RAG_COLOURS[c.NONE])},
                }
            )
            due.append(pct(f.time_progress))
    return {
        **_base(),
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": names,
            "axisLabel": {"interval": 0, "rotate": 20 if len(names) > 4 else 0},
        },
        "yAxis": {"type": "value", "name": "%"},
        "series": [
            {
                "name": _("Completion (growth)"),
                "type": "bar",
                "barMaxWidth": 28,
                "data": done,
                "label": {"show": True, "position": "top", "formatter": "{c}"},
            },
            {
                "name": _("Time progress (growth target)"),
                "type": "bar",
                "barMaxWidth": 28,
                "color": PROGRESS_COLOUR,
                "data": due,
            },
        ],
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _month_labels() -> list[str]:
    return [_("Month %(m)s") % {"m": m} for m in range(1, 13)]


def progress_line_option(figure: TargetFigure, points: Sequence[ProgressPoint]) -> Option:
    """A target's year: the actual month by month against the time-progress curve and the annual
    target (amounts, counts), the growth against the target (growth), the place (rank); the
    year-end forecast as a dashed line from the last month."""
    by_month = {p.month: p for p in points}
    last = max(by_month) if by_month else 0
    kind = figure.kind
    series: list[dict[str, Any]] = []
    actual = [_rounded(by_month[m].actual if m in by_month else None) for m in range(1, 13)]
    series.append(
        {
            "name": _("Actual"),
            "type": "line",
            "data": actual,
            "connectNulls": True,
            "symbolSize": 7,
            "color": TARGET_COLOUR,
            "z": 3,
        }
    )
    if kind in (TargetKind.ABSOLUTE, TargetKind.COUNT):
        shares = [by_month[m].time_progress if m in by_month else None for m in range(1, 13)]
        due = [None if share is None else round(figure.annual * share, 2) for share in shares]
        series.append(
            {
                "name": _("Target by time progress"),
                "type": "line",
                "data": due,
                "connectNulls": True,
                "color": PROGRESS_COLOUR,
                "lineStyle": {"type": "dotted"},
                "symbol": "none",
            }
        )
    series.append(
        {
            "name": _("Annual target"),
            "type": "line",
            "data": [round(figure.annual, 2)] * 12,
            "color": RAG_COLOURS[c.RED],
            "lineStyle": {"type": "dashed", "width": 1},
            "symbol": "none",
        }
    )
    if kind != TargetKind.RANK and last and figure.forecast is not None and last < 12:
        series.append(
            {
                "name": _("Year-end forecast"),
                "type": "line",
                "data": [
                    actual[m - 1] if m == last else (round(figure.forecast, 2) if m == 12 else None)
                    for m in range(1, 13)
                ],
                "connectNulls": True,
                "color": RAG_COLOURS[c.YELLOW],
                "lineStyle": {"type": "dashed"},
            }
        )
    unit = (
        "%"
        if kind == TargetKind.GROWTH
        else (_("place") if kind == TargetKind.RANK else figure.unit)
    )
    return {
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 24, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": _month_labels(), "boundaryGap": False},
        "yAxis": {
            "type": "value",
            "name": unit,
            "inverse": kind == TargetKind.RANK,
            "minInterval": 1 if kind in (TargetKind.RANK, TargetKind.COUNT) else 0,
            "scale": kind == TargetKind.GROWTH,
        },
        "series": series,
    }
