"""ECharts options built in Python (pure: values in, a JSON-able dict out), mounted by static/src/js/app.js."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FONT_FAMILY = '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif'
PALETTE = ["#206bc4", "#2fb344", "#f59f00", "#d63939", "#ae3ec9", "#17a2b8", "#74b816"]

Option = dict[str, Any]


def bar_option(
    categories: Sequence[str], series: Sequence[tuple[str, Sequence[int | float]]]
) -> Option:
    """Grouped vertical bars, one series per (name, values); labels slant when categories are many."""
    return {
        "color": PALETTE,
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": list(categories),
            "axisLabel": {"interval": 0, "rotate": 30 if len(categories) > 6 else 0},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": name, "type": "bar", "data": list(values), "barMaxWidth": 28}
            for name, values in series
        ],
    }


def ranking_bar_option(
    categories: Sequence[str],
    values: Sequence[int | float | None],
    *,
    name: str,
    unit: str = "",
    decimals: int = 0,
) -> Option:
    """Horizontal bars of a ranking, first item on top (the order given); ``unit`` follows values."""
    suffix = f" {unit}" if unit else ""
    return {
        "color": PALETTE,
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 48, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "name": unit, "axisLabel": {"hideOverlap": True}},
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": list(categories),
            "axisLabel": {"width": 168, "overflow": "truncate"},
        },
        "series": [
            {
                "name": name,
                "type": "bar",
                "data": [round(v, decimals) if v is not None else None for v in values],
                "barMaxWidth": 18,
                "label": {"show": True, "position": "right", "formatter": "{c}" + suffix},
            }
        ],
    }
