"""Reporting completeness (DHIS2 reporting rates): who was expected to report, who did, who was late.

Pure: frames in, frames out; no clock (callers pass ``today`` and due dates).

Statuses (``STATUS``) are the Submission statuses; a unit with no report is ``not_submitted``:

* 已报 ``reported``: submitted or approved (a returned report must be sent again, so it is not);
* 已审核 ``approved`` ⊂ reported; 退回 ``returned``; 未报 ``not_submitted``;
* 迟报 ``late``: reported or returned after the due date (the stored flag, or ``submitted_at`` after
  ``due_at`` when the caller passes one).

Rates: ``rate`` = reported / expected (DHIS2 ``REPORTING_RATE``), ``on_time_rate`` = reported on
time / expected (``REPORTING_RATE_ON_TIME``); both are ratios (0.875 = 87.5 %), null when nothing
was expected.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from engine.columns import UNIT_ID

STATUS = "status"
SUBMITTED_AT = "submitted_at"  # naive local datetime
IS_LATE = "is_late"

NOT_SUBMITTED = "not_submitted"
SUBMITTED = "submitted"
RETURNED = "returned"
APPROVED = "approved"

EXPECTED_N = "expected"
REPORTED_N = "reported"
APPROVED_N = "approved"
RETURNED_N = "returned"
NOT_SUBMITTED_N = "not_submitted"
LATE_N = "late"
RATE = "rate"
ON_TIME_RATE = "on_time_rate"
REPORTED = "is_reported"  # per-unit flag
NEEDS_CHASING = "needs_chasing"  # per-unit flag: 未报, 退回 or 迟报

REPORTS = (UNIT_ID, STATUS, SUBMITTED_AT, IS_LATE)
"""One row per unit that has a Submission row for the form and period."""

COUNTS = (
    EXPECTED_N,
    REPORTED_N,
    APPROVED_N,
    RETURNED_N,
    NOT_SUBMITTED_N,
    LATE_N,
    RATE,
    ON_TIME_RATE,
)


def unit_status(
    expected: pl.LazyFrame, reports: pl.LazyFrame, *, due_at: dt.datetime | None = None
) -> pl.LazyFrame:
    """Per expected unit: its status (未报 when it has no report), ``is_reported``, ``is_late``, ``needs_chasing``.

    ``expected`` needs ``UNIT_ID``; its other columns (name, park, county, contact…) pass through.
    ``reports`` needs the ``REPORTS`` columns. Reports of units not expected are ignored.
    """
    joined = expected.join(reports.select(REPORTS), on=UNIT_ID, how="left")
    status = pl.col(STATUS).fill_null(NOT_SUBMITTED)
    answered = status.is_in([SUBMITTED, APPROVED, RETURNED])
    late = pl.col(IS_LATE).fill_null(False)
    if due_at is not None:
        late = late | (pl.col(SUBMITTED_AT).is_not_null() & (pl.col(SUBMITTED_AT) > due_at))
    return (
        joined.with_columns(status.alias(STATUS))
        .with_columns(
            pl.col(STATUS).is_in([SUBMITTED, APPROVED]).alias(REPORTED),
            (answered & late).alias(IS_LATE),
        )
        .with_columns(
            (pl.col(STATUS).is_in([NOT_SUBMITTED, RETURNED]) | pl.col(IS_LATE)).alias(NEEDS_CHASING)
        )
    )


def completeness_rates(units: pl.LazyFrame, *, by: str | None = None) -> pl.LazyFrame:
    """Counts and rates over ``unit_status`` rows, per value of ``by`` (e.g. ``county_id``) or in total.

    Output: ``by`` (when given) and the ``COUNTS`` columns; per group, sorted by ``by``.
    """
    counts = [
        pl.len().alias(EXPECTED_N),
        pl.col(REPORTED).sum().alias(REPORTED_N),
        (pl.col(STATUS) == APPROVED).sum().alias(APPROVED_N),
        (pl.col(STATUS) == RETURNED).sum().alias(RETURNED_N),
        (pl.col(STATUS) == NOT_SUBMITTED).sum().alias(NOT_SUBMITTED_N),
        pl.col(IS_LATE).sum().alias(LATE_N),
        (pl.col(REPORTED) & ~pl.col(IS_LATE)).sum().alias("__on_time"),
    ]
    grouped = units.group_by(by).agg(counts).sort(by) if by else units.select(counts)
    expected = pl.col(EXPECTED_N)
    return grouped.with_columns(
        pl.when(expected > 0).then(pl.col(REPORTED_N) / expected).alias(RATE),
        pl.when(expected > 0).then(pl.col("__on_time") / expected).alias(ON_TIME_RATE),
    ).drop("__on_time")


def empty_totals() -> dict[str, int | float | None]:
    """The totals of a period nobody was expected to report for."""
    return {name: (None if name in (RATE, ON_TIME_RATE) else 0) for name in COUNTS}


def latest_open_period(today: dt.date, *, annual: bool) -> tuple[int, int]:
    """The period whose reporting window opened most recently: last month (last year for annual forms).

    A window opens on the 1st of the month after the period (the January after, for annual forms);
    this is the period being chased, whether its due date has passed or not.
    """
    if annual:
        return today.year - 1, 0
    if today.month == 1:
        return today.year - 1, 12
    return today.year, today.month - 1
