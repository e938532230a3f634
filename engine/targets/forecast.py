"""Year-end forecast of a target and the probability of meeting it, from the year so far and past
seasonality — so a target can turn amber (``OUTLOOK``) before its numbers do.

Method (cumulative series: amounts and counts)
----------------------------------------------
In each of the last ``years`` years y (default 4) the share of the year done by month m is
``s_y = 1-m月_y ÷ 全年_y``. Their mean ``s̄`` and sample standard deviation ``σ`` describe how much
of a year is usually done by now, and how much that varies.

* Forecast: ``全年 ≈ 1-m月 ÷ s̄`` (with no past year: ``s̄`` = the target's time progress).
* The target is met when the year's total reaches the threshold ``T`` (the annual target; for a
  growth target, the comparable base × (1 + target %)). With ``1-m月`` known, that happens when
  this year's share ``s ≤ 1-m月 ÷ T``. Taking ``s ~ Normal(s̄, σ)`` (a normal approximation over
  the past years' shares): ``P = Φ((1-m月 ÷ T − s̄) ÷ σ)``.
* ``σ`` is floored, because four years rarely show the full spread: at least
  ``SD_FLOOR × (1 − s̄)`` (5 % of the part of the year still to come), and ``SD_FEW × (1 − s̄)``
  (15 %) when fewer than two past years are known. In December ``s̄ = 1`` and ``σ = 0``: the
  probability is 1 or 0. A target already reached (``1-m月 ≥ T``) has probability 1.
* Growth targets work on the comparable units (可比口径): 1-m月 is theirs (``COMPARABLE``), the
  base is their 上年同期 ÷ last year's share ``s_{Y−1}`` (their full last year), else the book's
  base value; the forecast growth is ``forecast ÷ base − 1`` in %, and ``T`` = base × (1 + target).

Method (reported growth rates, e.g. 规模工业增加值增速)
---------------------------------------------------
The year-end rate is the rate now plus the mean past change from month m to December,
``d_y = rate_{y,12} − rate_{y,m}``; ``σ`` = the spread of ``d_y`` (floored at 0.5 pp × the share of
the year to come; 2 pp × that share with fewer than two past years); ``P = Φ((forecast − target) ÷ σ)``.

Rank targets have no forecast. ``OUTLOOK``: green when P ≥ 0.7, yellow when P ≥ 0.4, red below.
Φ is the standard normal CDF, computed from the Abramowitz–Stegun 7.1.26 approximation of erf
(absolute error < 1.5 × 10⁻⁷) as Polars expressions.
"""

from __future__ import annotations

import math

import polars as pl

from engine.columns import MONTH, YEAR, YTD_VALUE
from engine.periods import Month
from engine.targets.columns import (
    AMOUNT,
    BASE,
    COMPARABLE,
    FORECAST,
    GREEN,
    KIND,
    OUTLOOK,
    PREVIOUS,
    PROBABILITY,
    RED,
    SERIES,
    SHARE_MEAN,
    SHARE_SD,
    TARGET,
    TARGET_ID,
    THRESHOLD,
    TIME_PROGRESS,
    YEARS_USED,
    YELLOW,
)

YEARS = 4
SD_FLOOR = 0.05
SD_FEW = 0.15
RATE_SD_FLOOR = 0.5  # pp
RATE_SD_FEW = 2.0  # pp
OUTLOOK_GREEN = 0.7
OUTLOOK_YELLOW = 0.4

_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
_P = 0.3275911
_LAST_SHARE = "__last_share"
_CHANGE_MEAN, _CHANGE_SD, _CHANGES = "__change_mean", "__change_sd", "__changes"


def erf(x: pl.Expr) -> pl.Expr:
    """erf(x), Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), odd-symmetric."""
    ax = x.abs()
    t = 1 / (1 + _P * ax)
    poly = t * (_A[0] + t * (_A[1] + t * (_A[2] + t * (_A[3] + t * _A[4]))))
    value = 1 - poly * (-(ax * ax)).exp()
    return pl.when(x < 0).then(-value).otherwise(value)


def normal_cdf(z: pl.Expr) -> pl.Expr:
    """Φ(z), the standard normal CDF."""
    return 0.5 * (1 + erf(z / math.sqrt(2)))


def past_shares(series: pl.LazyFrame, *, period: Month, years: int = YEARS) -> pl.LazyFrame:
    """Per target, over the ``years`` years before ``period.year``: ``YEARS_USED``, the mean and
    spread of the share done by ``period.month`` (``"__mean"``, ``"__sd"``), last year's share,
    and the mean and spread of the December − month-m change (for rate series).

    Requires ``TARGET_ID``, ``YEAR``, ``MONTH``, ``YTD_VALUE``.
    """
    y, m = period.year, period.month
    past = series.filter((pl.col(YEAR) >= y - years) & (pl.col(YEAR) < y))
    at_m = past.filter(pl.col(MONTH) == m).select(TARGET_ID, YEAR, pl.col(YTD_VALUE).alias("__m"))
    at_dec = past.filter(pl.col(MONTH) == 12).select(
        TARGET_ID, YEAR, pl.col(YTD_VALUE).alias("__dec")
    )
    pairs = at_m.join(at_dec, on=[TARGET_ID, YEAR], how="inner").filter(
        pl.col("__m").is_not_null() & pl.col("__dec").is_not_null()
    )
    share = pl.when(pl.col("__dec") > 0).then(pl.col("__m") / pl.col("__dec")).otherwise(None)
    return (
        pairs.with_columns(share.alias("__share"), (pl.col("__dec") - pl.col("__m")).alias("__d"))
        .group_by(TARGET_ID)
        .agg(
            pl.col("__share").drop_nulls().len().cast(pl.Int64).alias(YEARS_USED),
            pl.col("__share").drop_nulls().mean().alias("__mean"),
            pl.col("__share").drop_nulls().std().alias("__sd"),
            pl.col("__share").filter(pl.col(YEAR) == y - 1).first().alias(_LAST_SHARE),
            pl.col("__d").mean().alias(_CHANGE_MEAN),
            pl.col("__d").std().alias(_CHANGE_SD),
            pl.col("__d").len().cast(pl.Int64).alias(_CHANGES),
        )
    )


def add_forecast(
    frame: pl.LazyFrame, series: pl.LazyFrame, *, period: Month, years: int = YEARS
) -> pl.LazyFrame:
    """Add ``SHARE_MEAN``, ``SHARE_SD``, ``YEARS_USED``, ``THRESHOLD``, ``FORECAST``, ``PROBABILITY``
    and ``OUTLOOK`` (method: module docstring).

    ``frame`` requires ``TARGET_ID``, ``KIND``, ``SERIES``, ``TARGET``, ``BASE``, ``AMOUNT``
    (1-m月, or the rate), ``COMPARABLE`` and ``PREVIOUS`` (1-m月 and 上年同期 of the comparable
    units) and ``TIME_PROGRESS``;
    ``series`` the targets' 本年累计 series (after any divisor).
    """
    m = period.month
    to_come = 1 - pl.col(SHARE_MEAN)
    stats = past_shares(series, period=period, years=years)
    joined = frame.join(stats, on=TARGET_ID, how="left").with_columns(
        pl.col(YEARS_USED).fill_null(0)
    )
    fallback_share = pl.coalesce(pl.col(TIME_PROGRESS), pl.lit(m / 12))
    mean = (
        pl.when(pl.lit(m == 12))
        .then(pl.lit(1.0))
        .when(pl.col(YEARS_USED) >= 1)
        .then(pl.col("__mean"))
        .otherwise(fallback_share)
    )
    sd = (
        pl.when(pl.lit(m == 12))
        .then(pl.lit(0.0))
        .when(pl.col(YEARS_USED) >= 2)
        .then(pl.max_horizontal(pl.col("__sd").fill_null(0.0), SD_FLOOR * to_come))
        .otherwise(SD_FEW * to_come)
    )
    rate_left = (12 - m) / 12
    rate_sd = (
        pl.when(pl.col(_CHANGES) >= 2)
        .then(
            pl.max_horizontal(pl.col(_CHANGE_SD).fill_null(0.0), pl.lit(RATE_SD_FLOOR * rate_left))
        )
        .otherwise(pl.lit(RATE_SD_FEW * rate_left))
    )
    base = (
        pl.when((pl.col(_LAST_SHARE) > 0) & (pl.col(PREVIOUS) > 0))
        .then(pl.col(PREVIOUS) / pl.col(_LAST_SHARE))
        .otherwise(pl.col(BASE))
    )
    cumulative = pl.col(SERIES) == "ytd"
    is_growth = pl.col(KIND) == "growth"
    current = pl.when(is_growth & cumulative).then(pl.col(COMPARABLE)).otherwise(pl.col(AMOUNT))
    threshold = (
        pl.when(pl.col(KIND).is_in(["absolute", "count"]) & cumulative)
        .then(pl.col(TARGET))
        .when(is_growth & cumulative)
        .then(base * (1 + pl.col(TARGET) / 100))
        .when(is_growth & (pl.col(SERIES) == "rate"))
        .then(pl.col(TARGET))
        .otherwise(None)
        .cast(pl.Float64)
    )
    full_year = pl.when(pl.col(SHARE_MEAN) > 0).then(current / pl.col(SHARE_MEAN))
    forecast = (
        pl.when(pl.col(THRESHOLD).is_null())
        .then(None)
        .when(cumulative & is_growth)
        .then(pl.when(base > 0).then((full_year / base - 1) * 100))
        .when(cumulative)
        .then(full_year)
        .otherwise(pl.col(AMOUNT) + pl.col(_CHANGE_MEAN).fill_null(0.0))  # rate series
        .cast(pl.Float64)
    )
    reached = current / pl.col(THRESHOLD)
    cumulative_p = (
        pl.when(pl.col(THRESHOLD) <= 0)
        .then(pl.lit(1.0))
        .when(current >= pl.col(THRESHOLD))
        .then(pl.lit(1.0))
        .when(pl.col(SHARE_SD) == 0)
        .then((reached >= pl.col(SHARE_MEAN)).cast(pl.Float64))
        .otherwise(normal_cdf((reached - pl.col(SHARE_MEAN)) / pl.col(SHARE_SD)))
    )
    rate_p = (
        pl.when(pl.lit(rate_left == 0))
        .then((pl.col(FORECAST) >= pl.col(TARGET)).cast(pl.Float64))
        .otherwise(normal_cdf((pl.col(FORECAST) - pl.col(TARGET)) / rate_sd))
    )
    probability = (
        pl.when(pl.col(FORECAST).is_null() | current.is_null())
        .then(None)
        .when(cumulative)
        .then(cumulative_p)
        .otherwise(rate_p)
        .cast(pl.Float64)
    )
    outlook = (
        pl.when(pl.col(PROBABILITY).is_null())
        .then(None)
        .when(pl.col(PROBABILITY) >= OUTLOOK_GREEN)
        .then(pl.lit(GREEN))
        .when(pl.col(PROBABILITY) >= OUTLOOK_YELLOW)
        .then(pl.lit(YELLOW))
        .otherwise(pl.lit(RED))
    )
    return (
        joined.with_columns(
            pl.when(cumulative).then(mean).otherwise(None).cast(pl.Float64).alias(SHARE_MEAN)
        )
        .with_columns(
            pl.when(cumulative).then(sd).otherwise(rate_sd).cast(pl.Float64).alias(SHARE_SD),
            threshold.alias(THRESHOLD),
        )
        .with_columns(forecast.alias(FORECAST))
        .with_columns(probability.alias(PROBABILITY))
        .with_columns(outlook.alias(OUTLOOK))
        .drop("__mean", "__sd", _LAST_SHARE, _CHANGE_MEAN, _CHANGE_SD, _CHANGES)
    )
