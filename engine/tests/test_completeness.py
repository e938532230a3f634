# Naive datetimes on purpose: the engine compares local wall-clock times (the caller converts).
# ruff: noqa: DTZ001
import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from engine import completeness as cmp
from engine.columns import COUNTY_ID, UNIT_ID

EXPECTED = pl.LazyFrame({UNIT_ID: [1, 2, 3, 4, 5], COUNTY_ID: [10, 10, 10, 20, 20]})
REPORTS = pl.LazyFrame(
    {
        UNIT_ID: [1, 2, 3, 4, 99],
        cmp.STATUS: ["approved", "submitted", "returned", "submitted", "submitted"],
        cmp.SUBMITTED_AT: [
            dt.datetime(2025, 9, 5),
            dt.datetime(2025, 9, 12),  # after the due day: late
            dt.datetime(2025, 9, 1),
            dt.datetime(2025, 9, 10, 23),
            dt.datetime(2025, 9, 1),
        ],
        cmp.IS_LATE: [False, False, False, False, False],
    }
)
DUE_AT = dt.datetime(2025, 9, 11)  # the end of the due day (10 Sept)


def test_unit_status_marks_missing_reports_as_not_submitted_and_late_ones():
    # when
    units = cmp.unit_status(EXPECTED, REPORTS, due_at=DUE_AT).collect().sort(UNIT_ID)
    # then
    assert units[cmp.STATUS].to_list() == [
        "approved",
        "submitted",
        "returned",
        "submitted",
        "not_submitted",
    ]
    assert units[cmp.IS_LATE].to_list() == [False, True, False, False, False]
    assert units[cmp.REPORTED].to_list() == [True, True, False, True, False]
    assert units[cmp.NEEDS_CHASING].to_list() == [False, True, True, False, True]
    assert 99 not in units[UNIT_ID].to_list()  # reports of units not expected are ignored


def test_rates_per_county_and_in_total():
    # given
    units = cmp.unit_status(EXPECTED, REPORTS, due_at=DUE_AT)
    # when
    by_county = cmp.completeness_rates(units, by=COUNTY_ID).collect()
    totals = cmp.completeness_rates(units).collect()
    # then
    expected = pl.DataFrame(
        {
            COUNTY_ID: [10, 20],
            cmp.EXPECTED_N: [3, 2],
            cmp.REPORTED_N: [2, 1],
            cmp.APPROVED_N: [1, 0],
            cmp.RETURNED_N: [1, 0],
            cmp.NOT_SUBMITTED_N: [0, 1],
            cmp.LATE_N: [1, 0],
            cmp.RATE: [2 / 3, 1 / 2],
            cmp.ON_TIME_RATE: [1 / 3, 1 / 2],
        }
    )
    assert_frame_equal(by_county, expected, check_dtypes=False)
    assert totals.row(0, named=True)[cmp.RATE] == 3 / 5


def test_stored_late_flag_counts_without_a_due_date():
    reports = REPORTS.with_columns(pl.lit(True).alias(cmp.IS_LATE))
    units = cmp.unit_status(EXPECTED, reports).collect()
    assert units.filter(pl.col(cmp.STATUS) == "not_submitted")[cmp.IS_LATE].to_list() == [False]
    assert units[cmp.IS_LATE].sum() == 4


def test_latest_open_period():
    assert cmp.latest_open_period(dt.date(2026, 1, 5), annual=False) == (2025, 12)
    assert cmp.latest_open_period(dt.date(2026, 3, 20), annual=False) == (2026, 2)
    assert cmp.latest_open_period(dt.date(2026, 3, 20), annual=True) == (2025, 0)
