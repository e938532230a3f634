"""时序进度 (time progress), 完成率, 进度差 and 红黄绿灯 of targets (domain spec §4.12).

Time progress of month m (month-end reporting), by the target's profile:

* ``linear``: m / 12 (June → 50 %; "时间过半、任务过半").
* ``seasonal``: last year's cumulative share of the target's own series, "序时进度按上年同期完成占比":
  1-m月 of last year ÷ last year's total. Falls back to linear when last year's figures are
  missing (``PROFILE_USED`` says which was applied).
* ``custom``: 12 cumulative shares set by hand (December = 1).
* ``quarterly``: quarterly indicators count whole quarters, Q1 = 25 % … (October → Q3 → 75 %).
* ``jan_feb_combined`` (1-2月合并, as NBS publishes): January has no figure and no time progress;
  February's combined 1-2月 report counts as 2/12 (or last year's 1-2月 share).

Pure: frames in, frames out; the caller passes the month (no clock).
"""

from __future__ import annotations

import polars as pl

from engine.columns import MONTH, YEAR, YTD_VALUE
from engine.periods import Month
from engine.targets.columns import (
    ACTUAL,
    BAND,
    BENCHMARK,
    BOTTOM,
    COMPLETION,
    GAP_PP,
    GREEN,
    JAN_FEB,
    KIND,
    NEGATIVE_RED,
    NONE,
    PROFILE,
    PROFILE_USED,
    PROGRESS_RATIO,
    RAG,
    RANK_OF,
    RED,
    RULE,
    SHARES,
    TARGET,
    TARGET_ID,
    TIME_PROGRESS,
    TOLERANCE,
    YELLOW,
)

LINEAR = "linear"
SEASONAL = "seasonal"
CUSTOM = "custom"
QUARTERLY = "quarterly"
PROFILES = (LINEAR, SEASONAL, CUSTOM, QUARTERLY)

_LAST_YEAR_SHARE = "__last_year_share"
_DIGITS = 6  # boundaries are compared after rounding: 40 % − 50 % is exactly −10 pp


def linear_progress(month: int) -> float:
    """m / 12: the share of the year elapsed at the end of ``month``."""
    return month / 12


def quarterly_progress(month: int) -> float:
    """Whole quarters elapsed at the end of ``month``, as a share of the year (October → 0.75)."""
    return (month // 3) / 4


def cumulative_shares(series: pl.LazyFrame, *, year: int) -> pl.LazyFrame:
    """Each target's cumulative share of ``year`` by month: 1-m月 ÷ the year's total (December).

    Requires ``TARGET_ID``, ``YEAR``, ``MONTH``, ``YTD_VALUE`` (本年累计). Returns ``TARGET_ID``,
    ``MONTH``, ``"share"`` for the months present, only for targets whose December total is > 0.
    """
    of_year = series.filter(pl.col(YEAR) == year)
    totals = of_year.filter(pl.col(MONTH) == 12).select(TARGET_ID, pl.col(YTD_VALUE).alias("__dec"))
    return (
        of_year.join(totals, on=TARGET_ID, how="inner")
        .filter(pl.col("__dec") > 0)
        .select(TARGET_ID, MONTH, (pl.col(YTD_VALUE) / pl.col("__dec")).alias("share"))
    )


def add_time_progress(
    targets: pl.LazyFrame, series: pl.LazyFrame, *, period: Month
) -> pl.LazyFrame:
    """Add ``TIME_PROGRESS`` (a ratio) and ``PROFILE_USED`` to ``targets``.

    ``targets`` requires ``TARGET_ID``, ``PROFILE``, ``SHARES`` (list of 12 floats or null) and
    ``JAN_FEB``; ``series`` the targets' 本年累计 series (``TARGET_ID``, ``YEAR``, ``MONTH``,
    ``YTD_VALUE``), of which last year's is read for seasonal profiles.
    """
    m = period.month
    last_year = (
        cumulative_shares(series, year=period.year - 1)
        .filter(pl.col(MONTH) == m)
        .select(TARGET_ID, pl.col("share").alias(_LAST_YEAR_SHARE))
    )
    seasonal_ok = (pl.col(PROFILE) == SEASONAL) & pl.col(_LAST_YEAR_SHARE).is_not_null()
    used = (
        pl.when(seasonal_ok)
        .then(pl.lit(SEASONAL))
        .when(pl.col(PROFILE) == SEASONAL)
        .then(pl.lit(LINEAR))  # no figures last year: linear instead, and say so
        .when((pl.col(PROFILE) == CUSTOM) & pl.col(SHARES).is_null())
        .then(pl.lit(LINEAR))
        .otherwise(pl.col(PROFILE))
    )
    progress = (
        pl.when(pl.col(PROFILE_USED) == SEASONAL)
        .then(pl.col(_LAST_YEAR_SHARE))
        .when(pl.col(PROFILE_USED) == CUSTOM)
        .then(pl.col(SHARES).list.get(m - 1, null_on_oob=True))
        .when(pl.col(PROFILE_USED) == QUARTERLY)
        .then(pl.lit(quarterly_progress(m)))
        .otherwise(pl.lit(linear_progress(m)))
        .cast(pl.Float64)
    )
    if m == 1:  # 1-2月合并: no January report, so nothing to compare with yet
        progress = pl.when(pl.col(JAN_FEB)).then(None).otherwise(progress)
    return (
        targets.join(last_year, on=TARGET_ID, how="left")
        .with_columns(used.alias(PROFILE_USED))
        .with_columns(progress.alias(TIME_PROGRESS))
        .drop(_LAST_YEAR_SHARE)
    )


def add_measures(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Add ``COMPLETION``, ``GAP_PP`` and ``PROGRESS_RATIO`` from ``ACTUAL``, ``TARGET``, ``TIME_PROGRESS``.

    * absolute and count: 完成率 = actual ÷ annual target (null unless the target is > 0);
      进度差 = (完成率 − 时序进度) in pp; 进度比 = 完成率 ÷ 时序进度.
    * growth: no 完成率; the gap is growth − target growth, in pp.
    * rank: the gap is target place − actual place (negative: places behind).
    """
    cumulative = pl.col(KIND).is_in(["absolute", "count"])
    completion = (
        pl.when(cumulative & (pl.col(TARGET) > 0))
        .then(pl.col(ACTUAL) / pl.col(TARGET))
        .otherwise(None)
        .cast(pl.Float64)
    )
    gap = (
        pl.when(cumulative)
        .then((pl.col(COMPLETION) - pl.col(TIME_PROGRESS)) * 100)
        .when(pl.col(KIND) == "growth")
        .then(pl.col(ACTUAL) - pl.col(TARGET))
        .when(pl.col(KIND) == "rank")
        .then(pl.col(TARGET) - pl.col(ACTUAL))
        .otherwise(None)
        .cast(pl.Float64)
    )
    ratio = (
        pl.when(pl.col(TIME_PROGRESS) > 0)
        .then(pl.col(COMPLETION) / pl.col(TIME_PROGRESS))
        .otherwise(None)
        .cast(pl.Float64)
    )
    return frame.with_columns(completion.alias(COMPLETION)).with_columns(
        gap.alias(GAP_PP), ratio.alias(PROGRESS_RATIO)
    )


def rag_expr() -> pl.Expr:
    """红黄绿灯 of one target row by its rule (engine.targets.rules); ``NONE`` when it cannot be judged.

    Requires ``RULE``, ``BAND``, ``TOLERANCE``, ``BOTTOM``, ``BENCHMARK``, ``NEGATIVE_RED``,
    ``ACTUAL``, ``TARGET``, ``TIME_PROGRESS``, ``COMPLETION``, ``GAP_PP``, ``PROGRESS_RATIO`` and
    ``RANK_OF``.
    """
    rule, band = pl.col(RULE), pl.col(BAND)
    gap = pl.col(GAP_PP).round(_DIGITS)
    # count targets: the actual is credited with the tolerance (integer-aware, −1 unit)
    count_gap = (
        ((pl.col(ACTUAL) + pl.col(TOLERANCE)) / pl.col(TARGET) - pl.col(TIME_PROGRESS)) * 100
    ).round(_DIGITS)
    ratio = pl.col(PROGRESS_RATIO).round(_DIGITS)
    actual, target = pl.col(ACTUAL), pl.col(TARGET)
    in_bottom = pl.col(RANK_OF).is_not_null() & (actual > pl.col(RANK_OF) - pl.col(BOTTOM))
    return (
        pl.when(actual.is_null())
        .then(pl.lit(NONE))
        # amount: 完成率 against 时序进度
        .when((rule == "amount") & gap.is_null())
        .then(pl.lit(NONE))
        .when((rule == "amount") & (gap >= 0))
        .then(pl.lit(GREEN))
        .when((rule == "amount") & (gap >= -band))
        .then(pl.lit(YELLOW))
        .when(rule == "amount")
        .then(pl.lit(RED))
        # count: the same, integer-aware
        .when((rule == "count") & (count_gap.is_null() | (target <= 0)))
        .then(pl.lit(NONE))
        .when((rule == "count") & (count_gap >= 0))
        .then(pl.lit(GREEN))
        .when((rule == "count") & (count_gap >= -band))
        .then(pl.lit(YELLOW))
        .when(rule == "count")
        .then(pl.lit(RED))
        # ratio form: 进度比 = 完成率 ÷ 时序进度
        .when((rule == "ratio") & ratio.is_null())
        .then(pl.lit(NONE))
        .when((rule == "ratio") & (ratio >= 1))
        .then(pl.lit(GREEN))
        .when((rule == "ratio") & (ratio >= band))
        .then(pl.lit(YELLOW))
        .when(rule == "ratio")
        .then(pl.lit(RED))
        # growth: 增速 against the target growth; negative growth is red
        .when((rule == "growth") & pl.col(NEGATIVE_RED) & (actual < 0) & (target >= 0))
        .then(pl.lit(RED))
        .when((rule == "growth") & (gap >= 0))
        .then(pl.lit(GREEN))
        .when((rule == "growth") & (gap >= -band))
        .then(pl.lit(YELLOW))
        .when((rule == "growth") & pl.col(BENCHMARK).is_not_null() & (actual >= pl.col(BENCHMARK)))
        .then(pl.lit(YELLOW))
        .when(rule == "growth")
        .then(pl.lit(RED))
        # rank: within the target place, a few places below, or far below / in the bottom
        .when((rule == "rank") & (actual <= target))
        .then(pl.lit(GREEN))
        .when((rule == "rank") & ((actual > target + band) | in_bottom))
        .then(pl.lit(RED))
        .when(rule == "rank")
        .then(pl.lit(YELLOW))
        .otherwise(pl.lit(NONE))
    )


def add_rag(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Add ``RAG`` (see ``rag_expr``)."""
    return frame.with_columns(rag_expr().alias(RAG))
