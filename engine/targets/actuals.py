"""What a target has achieved: its units' reports added up (1-N月, 上年同期 on the same units).

A target covers *leaves*: the units whose reports make up its figure (the parks of a county for
a park indicator, the enterprises of a park or on a chain for an enterprise indicator). The
caller passes them as ``members`` (``TARGET_ID``, ``LEAF_ID``); ``leaves`` holds what each leaf
reported (``SOURCE`` = the indicator or metric, ``LEAF_ID``, ``YEAR``, ``MONTH``, ``YTD_VALUE``).

Rules (and why):

* **Units that have not reported the month yet** (未报) are estimated, not left out — leaving a
  fifth of the firms out would make every county look 20 % behind. A unit that reported month k
  of this year (at most ``MAX_GAP`` months before) is carried to month m with its own last-year
  progress, YTD_k × YTD(last year, m) ÷ YTD(last year, k), else with the run rate m ÷ k.
  Estimated values are flagged (``ESTIMATED``) and counted (``ESTIMATED_UNITS``). Growth-rate
  series are carried unchanged.
* **同比 on comparable units** (可比口径): growth compares this year's and last year's values of
  the units that have both (``COMPARABLE`` ÷ ``PREVIOUS``), so a unit entering or leaving the 规上
  list does not count as growth; ``AMOUNT`` (完成值) adds up every unit.
* ``DIVISOR`` (亩均: the land in 亩) divides amounts, 上年同期 and the series, never the growth.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import polars as pl

from engine.columns import MONTH, YEAR, YTD_VALUE
from engine.periods import Month
from engine.targets.columns import (
    AMOUNT,
    COMPARABLE,
    DIVISOR,
    ESTIMATED,
    ESTIMATED_UNITS,
    GROWTH,
    LEAF_ID,
    PREVIOUS,
    REPORTED,
    SERIES,
    SOURCE,
    TARGET_ID,
)

MAX_GAP = 2  # months a unit may be late and still be estimated (beyond: treated as not reporting)

_K, _VK, _PM, _PK = "__k", "__value_k", "__prev_m", "__prev_k"


def fill_unreported(
    leaves: pl.LazyFrame, *, period: Month, rate_sources: Collection[str] = ()
) -> pl.LazyFrame:
    """``leaves`` plus ``ESTIMATED`` (bool), and an estimated row at ``period`` for each unit that
    reported an earlier month of the year (within ``MAX_GAP`` months) but not ``period`` itself.

    Requires ``SOURCE``, ``LEAF_ID``, ``YEAR``, ``MONTH``, ``YTD_VALUE``, one row per key.
    """
    y, m = period.year, period.month
    keys = [SOURCE, LEAF_ID]
    this_year = leaves.filter((pl.col(YEAR) == y) & (pl.col(MONTH) <= m))
    has_period = this_year.filter(pl.col(MONTH) == m).select(keys)
    latest = (
        this_year.filter(pl.col(MONTH) >= m - MAX_GAP)
        .join(has_period, on=keys, how="anti")
        .group_by(keys)
        .agg(pl.col(MONTH).max().alias(_K))
    )
    at_k = this_year.select(*keys, pl.col(MONTH).alias(_K), pl.col(YTD_VALUE).alias(_VK))
    last_year = leaves.filter(pl.col(YEAR) == y - 1)
    prev_m = last_year.filter(pl.col(MONTH) == m).select(*keys, pl.col(YTD_VALUE).alias(_PM))
    prev_k = last_year.select(*keys, pl.col(MONTH).alias(_K), pl.col(YTD_VALUE).alias(_PK))
    own_progress = (
        pl.when((pl.col(_PK) > 0) & pl.col(_PM).is_not_null())
        .then(pl.col(_PM) / pl.col(_PK))
        .otherwise(pl.lit(m) / pl.col(_K))
    )
    estimated = (
        latest.join(at_k, on=[*keys, _K], how="left")
        .join(prev_m, on=keys, how="left")
        .join(prev_k, on=[*keys, _K], how="left")
        .select(
            *keys,
            pl.lit(y).cast(pl.Int64).alias(YEAR),
            pl.lit(m).cast(pl.Int64).alias(MONTH),
            pl.when(pl.col(SOURCE).is_in(list(rate_sources)))
            .then(pl.col(_VK))
            .otherwise(pl.col(_VK) * own_progress)
            .cast(pl.Float64)
            .alias(YTD_VALUE),
            pl.lit(True).alias(ESTIMATED),
        )
    )
    reported = leaves.select(
        *keys,
        pl.col(YEAR).cast(pl.Int64),
        pl.col(MONTH).cast(pl.Int64),
        pl.col(YTD_VALUE).cast(pl.Float64),
        pl.lit(False).alias(ESTIMATED),
    )
    return pl.concat([reported, estimated], how="vertical")


def member_values(
    leaves: pl.LazyFrame, members: pl.LazyFrame, targets: pl.LazyFrame
) -> pl.LazyFrame:
    """Each member leaf's rows for its target's source: ``members`` (``TARGET_ID``, ``LEAF_ID``, and
    any grouping columns) joined to ``targets`` (``TARGET_ID``, ``SOURCE``) and ``leaves``."""
    return members.join(targets.select(TARGET_ID, SOURCE), on=TARGET_ID, how="inner").join(
        leaves, on=[SOURCE, LEAF_ID], how="inner"
    )


def target_series(values: pl.LazyFrame, *, by: Sequence[str] = (TARGET_ID,)) -> pl.LazyFrame:
    """本年累计 totals by ``by``, year and month (estimated rows included): the series that time
    progress (seasonal) and the forecast read. Requires the output of ``member_values``."""
    return values.group_by([*by, YEAR, MONTH]).agg(pl.col(YTD_VALUE).sum())


def period_amounts(
    values: pl.LazyFrame, *, period: Month, by: Sequence[str] = (TARGET_ID,)
) -> pl.LazyFrame:
    """``AMOUNT`` (1-m月, every unit), ``COMPARABLE`` and ``PREVIOUS`` (1-m月 and 上年同期 of the units
    that have both), ``REPORTED`` and ``ESTIMATED_UNITS`` by ``by``. Requires the output of
    ``member_values``."""
    keys = list(by)
    now = values.filter((pl.col(YEAR) == period.year) & (pl.col(MONTH) == period.month))
    before = values.filter(
        (pl.col(YEAR) == period.year - 1) & (pl.col(MONTH) == period.month)
    ).select(*keys, LEAF_ID, pl.col(YTD_VALUE).alias("__before"))
    return (
        now.join(before, on=[*keys, LEAF_ID], how="left")
        .group_by(keys)
        .agg(
            pl.col(YTD_VALUE).sum().alias(AMOUNT),
            pl.col("__before").sum().alias(PREVIOUS),
            pl.col(YTD_VALUE).filter(pl.col("__before").is_not_null()).sum().alias(COMPARABLE),
            pl.col("__before").is_not_null().sum().alias("__compared"),
            (~pl.col(ESTIMATED)).sum().cast(pl.Int64).alias(REPORTED),
            pl.col(ESTIMATED).sum().cast(pl.Int64).alias(ESTIMATED_UNITS),
        )
        .with_columns(
            *(
                pl.when(pl.col("__compared") > 0).then(pl.col(c)).otherwise(None).alias(c)
                for c in (PREVIOUS, COMPARABLE)
            )
        )
        .drop("__compared")
    )


def with_growth(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Divide ``AMOUNT``, ``COMPARABLE`` and ``PREVIOUS`` by ``DIVISOR`` and add ``GROWTH`` (%): the
    comparable units' 同比 for ytd series, the reported value itself for rate series. Requires
    ``SERIES`` and ``DIVISOR``."""
    divided = frame.with_columns(
        (pl.col(c) / pl.col(DIVISOR)).alias(c) for c in (AMOUNT, COMPARABLE, PREVIOUS)
    )
    growth = (
        pl.when(pl.col(SERIES) == "rate")
        .then(pl.col(AMOUNT))
        .when(pl.col(PREVIOUS) > 0)
        .then((pl.col(COMPARABLE) / pl.col(PREVIOUS) - 1) * 100)
        .otherwise(None)
        .cast(pl.Float64)
    )
    return divided.with_columns(
        growth.alias(GROWTH),
        *(
            pl.when(pl.col(SERIES) == "rate").then(None).otherwise(pl.col(c)).alias(c)
            for c in (PREVIOUS, COMPARABLE)
        ),
    )
