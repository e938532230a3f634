"""Statistical periods: months, 本年累计 (year-to-date) ↔ 当月 (monthly) values, 同比 (year on year).

Pure: no clock, no I/O. Callers pass the period they show (``Month(2026, 10)``), never "today".

Chinese statistical conventions used here:

* Reports are cumulative from January: "2026年1-10月" is the YTD up to October.
* The 国家统计局 (NBS) does not publish January on its own: January and February come out
  together as "1-2月" (the Spring Festival moves between them). So a February YTD often exists
  without a January one, and the February *monthly* value cannot be derived (see
  ``ytd_to_monthly``); ``Month.nbs_release`` gives the release that first carries a month.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import polars as pl

from engine.columns import (
    MONTH,
    MONTHLY_VALUE,
    PREVIOUS_YEAR_VALUE,
    UNIT_ID,
    VALUE,
    YEAR,
    YOY_GROWTH,
    YTD_VALUE,
)

_PERIOD = re.compile(r"^\s*(\d{4})\s*-\s*(\d{1,2})\s*$")
_PREVIOUS = "__previous"

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month of a statistical year. Orders chronologically; ``str()`` gives "2026-10"."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1–12, got {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1–9999, got {self.year}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read "2026-10" (or "2026-1"); raise ValueError naming the expected form otherwise."""
        match = _PERIOD.match(text)
        if match is None:
            raise ValueError(f"expected a month like 2026-10, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """当月 label: "2026年10月"."""
        return f"{self.year}年{self.month}月"

    @property
    def ytd_label(self) -> str:
        """本年累计 label: "2026年1-10月"; February is the combined "2026年1-2月"; January alone "2026年1月"."""
        if self.month == 1:
            return f"{self.year}年1月"
        return f"{self.year}年1-{self.month}月"

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    @property
    def quarter_label(self) -> str:
        """季度 label: "2026年第4季度"."""
        return f"{self.year}年第{self.quarter}季度"

    @property
    def time_progress(self) -> float:
        """时序进度: the share of the year elapsed at the end of this month (October → 10/12)."""
        return self.month / 12

    def previous(self) -> Month:
        """The month before (January → December of the previous year)."""
        if self.month == 1:
            return Month(self.year - 1, 12)
        return Month(self.year, self.month - 1)

    def next(self) -> Month:
        if self.month == 12:
            return Month(self.year + 1, 1)
        return Month(self.year, self.month + 1)

    def same_month_last_year(self) -> Month:
        """上年同期."""
        return Month(self.year - 1, self.month)

    def nbs_release(self) -> Month:
        """The NBS release that first carries this month: January's data comes out with February (1-2月)."""
        return Month(self.year, 2) if self.month == 1 else self


def _as_input_type(original: FrameT, result: pl.LazyFrame) -> FrameT:
    if isinstance(original, pl.DataFrame):
        return result.collect()
    return result


def ytd_to_monthly(
    frame: FrameT,
    *,
    by: Sequence[str] = (UNIT_ID,),
    ytd: str = YTD_VALUE,
    out: str = MONTHLY_VALUE,
) -> FrameT:
    """当月 values from 本年累计 values.

    Requires the columns ``by`` (default ``UNIT_ID``), ``YEAR``, ``MONTH`` (1–12) and ``ytd``
    (numeric), one row per ``by`` × year × month. Adds ``out``:

    * January: the January YTD itself;
    * later months: this month's YTD minus the previous month's YTD of the same unit and year;
    * null when the previous month's row is missing or either YTD is null. This is the case
      for February when only the combined 1-2月 figure was reported: the split of 1-2月 between
      January and February is unknown, so no number is invented.

    Rows keep their order; a DataFrame in gives a DataFrame out, a LazyFrame a LazyFrame.
    Duplicate keys raise (the join is validated many-to-one).
    """
    keys = [*by, YEAR, MONTH]
    lazy = frame.lazy()
    previous = lazy.select(
        *by,
        pl.col(YEAR),
        (pl.col(MONTH) + 1).alias(MONTH),
        pl.col(ytd).alias(_PREVIOUS),
    )
    result = (
        lazy.join(previous, on=keys, how="left", validate="m:1", maintain_order="left")
        .with_columns(
            pl.when(pl.col(MONTH) == 1)
            .then(pl.col(ytd))
            .otherwise(pl.col(ytd) - pl.col(_PREVIOUS))
            .alias(out)
        )
        .drop(_PREVIOUS)
    )
    return _as_input_type(frame, result)


def yoy_growth(
    frame: FrameT,
    *,
    by: Sequence[str] = (UNIT_ID,),
    value: str = VALUE,
    previous: str = PREVIOUS_YEAR_VALUE,
    out: str = YOY_GROWTH,
) -> FrameT:
    """同比增长: value ÷ value of the same month last year − 1, as a ratio (0.125 = 12.5 %).

    Requires ``by``, ``YEAR``, ``MONTH`` and ``value``, one row per key (works for YTD and
    monthly values alike: pass the column). Adds ``previous`` (上年同期, so the growth explains
    itself) and ``out``. The growth is null when last year's row is missing or its value is null,
    zero or negative: a growth rate over a non-positive base has no meaning (NBS prints "—" or
    扭亏/减亏 in words instead).
    """
    keys = [*by, YEAR, MONTH]
    lazy = frame.lazy()
    last_year = lazy.select(
        *by,
        (pl.col(YEAR) + 1).alias(YEAR),
        pl.col(MONTH),
        pl.col(value).alias(previous),
    )
    result = lazy.join(
        last_year, on=keys, how="left", validate="m:1", maintain_order="left"
    ).with_columns(
        pl.when(pl.col(previous) > 0)
        .then(pl.col(value) / pl.col(previous) - 1)
        .otherwise(None)
        .cast(pl.Float64)
        .alias(out)
    )
    return _as_input_type(frame, result)
