"""按月调度: every target's progress for one month, in one frame — the figures the bulletin, the
cockpit and the pages all show (style rule 15: the same numbers everywhere).

``target_progress`` composes the steps of this package: actuals (``actuals``), time progress,
完成率, 进度差 and 红黄绿灯 (``progress``), places of rank targets (``ranking``) and the year-end
forecast (``forecast``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import polars as pl

from engine.columns import YTD_VALUE
from engine.periods import Month
from engine.targets.actuals import (
    fill_unreported,
    member_values,
    period_amounts,
    target_series,
    with_growth,
)
from engine.targets.columns import (
    ACTUAL,
    AMOUNT,
    BAND,
    BASE,
    BENCHMARK,
    BOTTOM,
    DIVISOR,
    ESTIMATED_UNITS,
    GROWTH,
    JAN_FEB,
    KIND,
    NEGATIVE_RED,
    PEER_ID,
    PROFILE,
    RANK_BY,
    RANK_OF,
    REPORTED,
    RULE,
    SELF_PEER,
    SERIES,
    SHARES,
    SOURCE,
    TARGET,
    TARGET_ID,
    TOLERANCE,
)
from engine.targets.forecast import YEARS, add_forecast
from engine.targets.progress import add_measures, add_rag, add_time_progress
from engine.targets.ranking import peer_places

TARGETS_SCHEMA: dict[str, Any] = {
    TARGET_ID: pl.Int64,
    KIND: pl.String,
    TARGET: pl.Float64,
    BASE: pl.Float64,
    SOURCE: pl.String,
    SERIES: pl.String,
    DIVISOR: pl.Float64,
    PROFILE: pl.String,
    SHARES: pl.List(pl.Float64),
    JAN_FEB: pl.Boolean,
    RULE: pl.String,
    BAND: pl.Float64,
    TOLERANCE: pl.Float64,
    BOTTOM: pl.Int64,
    BENCHMARK: pl.Float64,
    NEGATIVE_RED: pl.Boolean,
    SELF_PEER: pl.Int64,
    RANK_BY: pl.String,
}
"""The targets frame ``target_progress`` requires (one row per target)."""

TARGET_DEFAULTS: dict[str, Any] = {
    BASE: None,
    SERIES: "ytd",
    DIVISOR: 1.0,
    PROFILE: "linear",
    SHARES: None,
    JAN_FEB: True,
    BENCHMARK: None,
    NEGATIVE_RED: True,
    SELF_PEER: None,
    RANK_BY: "value",
    TOLERANCE: 1.0,
    BOTTOM: 3,
}


def targets_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A targets frame from dicts; keys left out take ``TARGET_DEFAULTS``."""
    full = [{**TARGET_DEFAULTS, **row} for row in rows]
    return pl.DataFrame(full, schema=TARGETS_SCHEMA, orient="row")


def target_progress(
    targets: pl.LazyFrame,
    leaves: pl.LazyFrame,
    members: pl.LazyFrame,
    *,
    period: Month,
    peers: pl.LazyFrame | None = None,
    rate_sources: Collection[str] = (),
    forecast_years: int = YEARS,
) -> pl.LazyFrame:
    """One row per target: the inputs plus ``AMOUNT``, ``COMPARABLE``, ``PREVIOUS``, ``GROWTH``, ``REPORTED``,
    ``ESTIMATED_UNITS``, ``ACTUAL``, ``RANK_OF``, ``TIME_PROGRESS``, ``PROFILE_USED``, ``COMPLETION``,
    ``GAP_PP``, ``PROGRESS_RATIO``, ``RAG``, ``SHARE_MEAN``, ``SHARE_SD``, ``YEARS_USED``,
    ``THRESHOLD``, ``FORECAST``, ``PROBABILITY`` and ``OUTLOOK`` (engine.targets.columns).

    * ``targets``: ``TARGETS_SCHEMA``.
    * ``leaves``: ``SOURCE``, ``LEAF_ID``, ``YEAR``, ``MONTH``, ``YTD_VALUE`` — what units reported,
      this year and the past ``forecast_years`` years (rate sources: the reported rate in %).
    * ``members``: ``TARGET_ID``, ``LEAF_ID`` — the leaves each target adds up (rank targets
      need none).
    * ``peers`` (rank targets): ``TARGET_ID``, ``PEER_ID``, ``LEAF_ID``, ``DIVISOR`` — the leaves
      of every peer ranked (a peer's divisor repeated on each of its rows).
    """
    filled = fill_unreported(leaves, period=period, rate_sources=rate_sources)
    values = member_values(filled, members, targets)
    divisors = targets.select(TARGET_ID, DIVISOR)
    series = (
        target_series(values)
        .join(divisors, on=TARGET_ID, how="inner")
        .with_columns(pl.col(YTD_VALUE) / pl.col(DIVISOR))
        .drop(DIVISOR)
    )
    amounts = period_amounts(values, period=period)
    frame = targets.join(amounts, on=TARGET_ID, how="left").pipe(with_growth)
    if peers is not None:
        peer_values = member_values(filled, peers.drop(DIVISOR), targets)
        peer_divisors = peers.group_by(TARGET_ID, PEER_ID).agg(pl.col(DIVISOR).first())
        peer_figures = (
            period_amounts(peer_values, period=period, by=(TARGET_ID, PEER_ID))
            .join(peer_divisors, on=[TARGET_ID, PEER_ID], how="left")
            .join(targets.select(TARGET_ID, SERIES), on=TARGET_ID, how="left")
            .pipe(with_growth)
        )
        places = peer_places(peer_figures, targets)
    else:
        places = pl.LazyFrame(schema={TARGET_ID: pl.Int64, ACTUAL: pl.Int64, RANK_OF: pl.Int64})
    frame = frame.join(places.rename({ACTUAL: "__place"}), on=TARGET_ID, how="left").with_columns(
        pl.when(pl.col(KIND) == "rank")
        .then(pl.col("__place").cast(pl.Float64))
        .when(pl.col(KIND) == "growth")
        .then(pl.col(GROWTH))
        .otherwise(pl.col(AMOUNT))
        .alias(ACTUAL),
        pl.col(REPORTED).fill_null(0),
        pl.col(ESTIMATED_UNITS).fill_null(0),
    )
    return (
        frame.drop("__place")
        .pipe(add_time_progress, series, period=period)
        .pipe(add_measures)
        .pipe(add_rag)
        .pipe(add_forecast, series, period=period, years=forecast_years)
    )
