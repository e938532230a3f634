"""ECharts options for reporting pages (pure: values in, a JSON-able dict out)."""

from __future__ import annotations

from collections.abc import Sequence

from parkchain.core.charts import FONT_FAMILY, PALETTE, Option


def completeness_bar_option(
    names: Sequence[str],
    rates: Sequence[float | None],
    on_time_rates: Sequence[float | None],
    *,
    rate_label: str,
    on_time_label: str,
) -> Option:
    """Reporting rate and on-time rate (ratios, shown as %) per county or park, as grouped bars."""

    def percent(values: Sequence[float | None]) -> list[float | None]:
        return [round(v * 100, 1) if v is not None else None for v in values]

    return {
        "color": [PALETTE[0], PALETTE[1]],
        "textStyle": {"fontFamily": FONT_FAMILY},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": list(names),
            "axisLabel": {"interval": 0, "rotate": 30 if len(names) > 6 else 0},
        },
        "yAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "name": rate_label,
                "type": "bar",
                "data": percent(rates),
                "barMaxWidth": 28,
                "label": {"show": len(names) <= 12, "position": "top", "formatter": "{c}%"},
            },
            {
                "name": on_time_label,
                "type": "bar",
                "data": percent(on_time_rates),
                "barMaxWidth": 28,
            },
        ],
    }
