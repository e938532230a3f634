"""engine.periods: Month labels and arithmetic, 本年累计 → 当月, 同比. No database."""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

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
from engine.periods import Month, yoy_growth, ytd_to_monthly

months = st.builds(Month, year=st.integers(1990, 2100), month=st.integers(1, 12))


# ---------------------------------------------------------------------------------------------
# Month
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-10", Month(2026, 10)), ("2026-1", Month(2026, 1)), (" 2026-03 ", Month(2026, 3))],
)
def test_month_parses_year_dash_month(text, expected):
    # when / then
    assert Month.parse(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "2026/10", "202610", "Oct 2026", ""])
def test_month_rejects_anything_else(text):
    # when / then
    with pytest.raises(ValueError, match=r"2026-10|month must be"):
        Month.parse(text)


def test_month_labels_in_chinese():
    # given
    october = Month(2026, 10)
    # when / then
    assert october.label == "2026年10月"
    assert october.ytd_label == "2026年1-10月"
    assert october.quarter_label == "2026年第4季度"
    assert str(october) == "2026-10"


def test_january_and_february_ytd_labels_follow_the_combined_release():
    # when / then
    assert Month(2026, 1).ytd_label == "2026年1月"
    assert Month(2026, 2).ytd_label == "2026年1-2月"
    assert Month(2026, 1).nbs_release() == Month(2026, 2)
    assert Month(2026, 7).nbs_release() == Month(2026, 7)


def test_previous_month_crosses_the_year():
    # when / then
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2026, 10).previous() == Month(2026, 9)
    assert Month(2025, 12).next() == Month(2026, 1)


def test_same_month_last_year_and_quarter():
    # given
    month = Month(2026, 10)
    # when / then
    assert month.same_month_last_year() == Month(2025, 10)
    assert [Month(2026, m).quarter for m in range(1, 13)] == [1] * 3 + [2] * 3 + [3] * 3 + [4] * 3


def test_time_progress_is_the_share_of_the_year_elapsed():
    # when / then
    assert Month(2026, 6).time_progress == 0.5
    assert Month(2026, 12).time_progress == 1


def test_month_of_a_date_and_ordering():
    # when / then
    assert Month.of(dt.date(2026, 11, 26)) == Month(2026, 11)
    assert sorted([Month(2026, 2), Month(2025, 12), Month(2026, 1)]) == [
        Month(2025, 12),
        Month(2026, 1),
        Month(2026, 2),
    ]


@pytest.mark.parametrize(("year", "month"), [(2026, 0), (2026, 13), (0, 5)])
def test_month_refuses_impossible_months(year, month):
    # when / then
    with pytest.raises(ValueError, match=r"must be 1"):
        Month(year, month)


@given(month=months)
def test_previous_and_next_are_inverse(month):
    # when / then
    assert month.previous().next() == month
    assert month.next().previous() == month
    assert month.previous() < month < month.next()


@given(month=months)
def test_parse_reads_what_str_writes(month):
    # when / then
    assert Month.parse(str(month)) == month


# ---------------------------------------------------------------------------------------------
# ytd_to_monthly
# ---------------------------------------------------------------------------------------------
def test_monthly_values_are_differences_of_consecutive_ytd_values():
    # given 本年累计 产值 of two parks, rows out of order
    frame = pl.DataFrame(
        {
            UNIT_ID: [1, 1, 1, 2, 2],
            YEAR: [2026, 2026, 2026, 2026, 2026],
            MONTH: [3, 1, 2, 1, 2],
            YTD_VALUE: [330.0, 100.0, 210.0, 50.0, 80.0],
        }
    )
    # when
    result = ytd_to_monthly(frame)
    # then: January is its YTD, later months the difference; row order kept
    expected = frame.with_columns(pl.Series(MONTHLY_VALUE, [120.0, 100.0, 110.0, 50.0, 30.0]))
    assert_frame_equal(result, expected)


def test_missing_previous_month_gives_null_not_a_guess():
    # given only the combined 1-2月 figure (no January row), and a gap in May
    frame = pl.DataFrame(
        {
            UNIT_ID: [7, 7, 7, 7],
            YEAR: [2026, 2026, 2026, 2026],
            MONTH: [2, 3, 4, 6],
            YTD_VALUE: [200, 320, 450, 700],
        }
    )
    # when
    result = ytd_to_monthly(frame)
    # then
    assert result[MONTHLY_VALUE].to_list() == [None, 120, 130, None]


def test_years_do_not_leak_into_each_other():
    # given December of one year and January of the next
    frame = pl.DataFrame(
        {UNIT_ID: [1, 1], YEAR: [2025, 2026], MONTH: [12, 1], YTD_VALUE: [1200.0, 90.0]}
    )
    # when
    result = ytd_to_monthly(frame)
    # then
    assert result[MONTHLY_VALUE].to_list() == [None, 90.0]


def test_null_ytd_gives_null_monthly_for_it_and_the_month_after():
    # given
    frame = pl.DataFrame(
        {UNIT_ID: [1, 1, 1], YEAR: [2026] * 3, MONTH: [1, 2, 3], YTD_VALUE: [10.0, None, 35.0]}
    )
    # when
    result = ytd_to_monthly(frame)
    # then
    assert result[MONTHLY_VALUE].to_list() == [10.0, None, None]


def test_lazy_in_lazy_out_and_custom_keys():
    # given an indicator column as an extra key
    frame = pl.LazyFrame(
        {
            "park": ["A", "A", "A", "A"],
            "indicator": ["tax", "tax", "output", "output"],
            YEAR: [2026] * 4,
            MONTH: [1, 2, 1, 2],
            "cum": [5, 9, 100, 150],
        }
    )
    # when
    result = ytd_to_monthly(frame, by=["park", "indicator"], ytd="cum", out="m")
    # then
    assert isinstance(result, pl.LazyFrame)
    assert result.collect()["m"].to_list() == [5, 4, 100, 50]


def test_duplicate_rows_are_refused():
    # given
    frame = pl.DataFrame({UNIT_ID: [1, 1], YEAR: [2026, 2026], MONTH: [1, 1], YTD_VALUE: [1, 2]})
    # when / then
    with pytest.raises(pl.exceptions.ComputeError):
        ytd_to_monthly(frame)


@st.composite
def complete_series(draw: st.DrawFn) -> tuple[pl.DataFrame, dict[tuple[int, int], list[int]]]:
    """YTD rows for a few units and years, every month from January to a last month."""
    units = draw(st.lists(st.integers(1, 50), min_size=1, max_size=4, unique=True))
    years = draw(st.lists(st.integers(2015, 2030), min_size=1, max_size=2, unique=True))
    rows = []
    monthly: dict[tuple[int, int], list[int]] = {}
    for unit, year in itertools.product(units, years):
        last = draw(st.integers(1, 12))
        values = draw(st.lists(st.integers(-10_000, 1_000_000), min_size=last, max_size=last))
        monthly[(unit, year)] = values
        for month, ytd in enumerate(itertools.accumulate(values), start=1):
            rows.append({UNIT_ID: unit, YEAR: year, MONTH: month, YTD_VALUE: ytd})
    order = draw(st.permutations(range(len(rows))))
    frame = pl.DataFrame(
        [rows[i] for i in order],
        schema={UNIT_ID: pl.Int64, YEAR: pl.Int64, MONTH: pl.Int64, YTD_VALUE: pl.Int64},
    )
    return frame, monthly


@given(series=complete_series())
def test_monthly_values_reaccumulate_to_the_ytd(series):
    # given
    frame, monthly = series
    # when
    result = ytd_to_monthly(frame)
    # then: per unit and year, the running sum of monthly values is the reported YTD
    assert result[MONTHLY_VALUE].null_count() == 0
    reaccumulated = result.sort(UNIT_ID, YEAR, MONTH).with_columns(
        pl.col(MONTHLY_VALUE).cum_sum().over(UNIT_ID, YEAR).alias("again")
    )
    assert reaccumulated["again"].to_list() == reaccumulated[YTD_VALUE].to_list()
    for (unit, year), values in monthly.items():
        got = reaccumulated.filter((pl.col(UNIT_ID) == unit) & (pl.col(YEAR) == year))
        assert got[MONTHLY_VALUE].to_list() == values


# ---------------------------------------------------------------------------------------------
# yoy_growth
# ---------------------------------------------------------------------------------------------
def test_yoy_growth_against_the_same_month_last_year():
    # given 税收 of one park: Oct 2025 = 80, Oct 2026 = 100; Sept 2026 has no base
    frame = pl.DataFrame(
        {
            UNIT_ID: [1, 1, 1],
            YEAR: [2026, 2025, 2026],
            MONTH: [10, 10, 9],
            VALUE: [100.0, 80.0, 70.0],
        }
    )
    # when
    result = yoy_growth(frame)
    # then
    expected = frame.with_columns(
        pl.Series(PREVIOUS_YEAR_VALUE, [80.0, None, None]),
        pl.Series(YOY_GROWTH, [0.25, None, None]),
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize("base", [0.0, -20.0, None])
def test_yoy_growth_over_a_non_positive_or_missing_base_is_null(base):
    # given a loss last year (利润 −20) or nothing at all
    frame = pl.DataFrame(
        {UNIT_ID: [1, 1], YEAR: [2025, 2026], MONTH: [6, 6], VALUE: [base, 15.0]},
        schema_overrides={VALUE: pl.Float64},
    )
    # when
    result = yoy_growth(frame)
    # then
    assert result[YOY_GROWTH].to_list() == [None, None]


def test_yoy_growth_keeps_units_apart():
    # given
    frame = pl.LazyFrame(
        {
            UNIT_ID: [1, 2, 1, 2],
            YEAR: [2025, 2025, 2026, 2026],
            MONTH: [3] * 4,
            VALUE: [10, 40, 11, 30],
        }
    )
    # when
    result = yoy_growth(frame).collect()
    # then
    assert result[YOY_GROWTH].to_list() == [None, None, pytest.approx(0.1), pytest.approx(-0.25)]
