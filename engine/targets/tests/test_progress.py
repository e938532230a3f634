"""engine.targets.progress: 时序进度, 完成率, 进度差 and the red/yellow/green rule, worked by hand."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.periods import Month
from engine.targets.columns import (
    ACTUAL,
    COMPLETION,
    GAP_PP,
    PROFILE_USED,
    PROGRESS_RATIO,
    RAG,
    RANK_OF,
    TIME_PROGRESS,
)
from engine.targets.dispatch import targets_frame
from engine.targets.progress import add_measures, add_rag, add_time_progress
from engine.targets.rules import rag_rule, rule_columns


def _target(kind="absolute", target=100.0, rule=None, **extra):
    return {
        "target_id": 1,
        "kind": kind,
        "target": target,
        "source": "x",
        **rule_columns(rag_rule(kind, rule)),
        **extra,
    }


def _series(rows):
    """(year, month, ytd) of target 1."""
    return pl.DataFrame(
        [{"target_id": 1, "year": y, "month": m, "ytd_value": v} for y, m, v in rows],
        schema={
            "target_id": pl.Int64,
            "year": pl.Int64,
            "month": pl.Int64,
            "ytd_value": pl.Float64,
        },
    )


def progress_of(target, month, series=None):
    frame = add_time_progress(
        targets_frame([target]).lazy(),
        (series if series is not None else _series([])).lazy(),
        period=Month(2026, month),
    ).collect()
    return frame.row(0, named=True)


def judged(target, *, actual, time_progress, rank_of=None):
    frame = (
        targets_frame([target])
        .with_columns(
            pl.lit(actual, pl.Float64).alias(ACTUAL),
            pl.lit(time_progress, pl.Float64).alias(TIME_PROGRESS),
            pl.lit(rank_of, pl.Int64).alias(RANK_OF),
        )
        .lazy()
        .pipe(add_measures)
        .pipe(add_rag)
        .collect()
    )
    return frame.row(0, named=True)


# ---------------------------------------------------------------------------------------------
# 时序进度
# ---------------------------------------------------------------------------------------------
def test_linear_time_progress_in_june_is_half_the_year():
    # when
    row = progress_of(_target(profile="linear", jan_feb_combined=False), 6)
    # then: "时间过半"
    assert row[TIME_PROGRESS] == 0.5
    assert row[PROFILE_USED] == "linear"


def test_jan_feb_combined_has_no_january_and_counts_february_as_two_twelfths():
    # given
    combined = _target(profile="linear", jan_feb_combined=True)
    # when
    january, february = progress_of(combined, 1), progress_of(combined, 2)
    # then
    assert january[TIME_PROGRESS] is None
    assert february[TIME_PROGRESS] == pytest.approx(2 / 12)


def test_without_jan_feb_combination_january_is_one_twelfth():
    assert progress_of(_target(jan_feb_combined=False), 1)[TIME_PROGRESS] == pytest.approx(1 / 12)


def test_seasonal_time_progress_is_last_years_cumulative_share():
    # given: last year 40 of 100 were done by June (序时进度按上年同期完成占比)
    last_year = _series([(2025, 3, 15.0), (2025, 6, 40.0), (2025, 12, 100.0), (2026, 6, 1.0)])
    # when
    row = progress_of(_target(profile="seasonal"), 6, last_year)
    # then
    assert row[TIME_PROGRESS] == pytest.approx(0.40)
    assert row[PROFILE_USED] == "seasonal"


def test_seasonal_time_progress_falls_back_to_linear_without_last_years_figures():
    # given: nothing reported last year
    this_year_only = _series([(2026, 6, 30.0)])
    # when
    row = progress_of(_target(profile="seasonal"), 6, this_year_only)
    # then
    assert row[TIME_PROGRESS] == 0.5
    assert row[PROFILE_USED] == "linear"


def test_quarterly_time_progress_counts_whole_quarters():
    # when / then: October still shows Q3
    assert progress_of(_target(profile="quarterly"), 10)[TIME_PROGRESS] == 0.75
    assert progress_of(_target(profile="quarterly"), 3)[TIME_PROGRESS] == 0.25


def test_custom_time_progress_reads_the_given_month():
    # given: a profile front-loaded on the first half
    shares = [0.05, 0.12, 0.2, 0.3, 0.42, 0.55, 0.62, 0.7, 0.78, 0.86, 0.93, 1.0]
    # when
    row = progress_of(_target(profile="custom", shares=shares), 6)
    # then
    assert row[TIME_PROGRESS] == pytest.approx(0.55)


# ---------------------------------------------------------------------------------------------
# 完成率 and 进度差
# ---------------------------------------------------------------------------------------------
def test_completion_and_gap_of_an_amount_target():
    # given: 48 of 120 by June
    row = judged(_target(target=120.0), actual=48.0, time_progress=0.5)
    # then: 完成率 40 %, 10 pp behind, 进度比 80 %
    assert row[COMPLETION] == pytest.approx(0.40)
    assert row[GAP_PP] == pytest.approx(-10.0)
    assert row[PROGRESS_RATIO] == pytest.approx(0.8)


# ---------------------------------------------------------------------------------------------
# 红黄绿灯
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (50.0, "green"),  # 完成率 = 时序进度
        (49.99, "yellow"),
        (40.0, "yellow"),  # exactly 10 pp behind: still yellow
        (39.99, "red"),
    ],
)
def test_amount_rule_boundaries_at_zero_and_minus_ten_pp(actual, expected):
    # when: June (50 %), target 100
    row = judged(_target(target=100.0), actual=actual, time_progress=0.5)
    # then
    assert row[RAG] == expected


def test_amount_rule_yellow_band_is_configurable():
    # given: a stricter 5 pp band
    row = judged(_target(rule={"yellow_pp": 5}), actual=44.0, time_progress=0.5)
    # then
    assert row[RAG] == "red"


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (10.0, "green"),
        (8.0, "yellow"),  # exactly 2 pp below the target: yellow
        (7.99, "red"),
        (-0.5, "red"),
    ],
)
def test_growth_rule_boundaries_at_minus_two_pp(actual, expected):
    # when: target growth 10 %
    row = judged(_target(kind="growth", target=10.0), actual=actual, time_progress=0.5)
    # then
    assert row[RAG] == expected


def test_negative_growth_is_red_even_within_two_pp_of_a_small_target():
    # given: target 1 %, growth −0.5 % (within 2 pp, but negative)
    row = judged(_target(kind="growth", target=1.0), actual=-0.5, time_progress=0.5)
    # then
    assert row[RAG] == "red"


def test_growth_at_or_above_the_benchmark_average_is_yellow_not_red():
    # given: 6 % against a 10 % target, while the 州 average is 5.5 %
    rule = {"benchmark": 5.5}
    # when
    row = judged(_target(kind="growth", target=10.0, rule=rule), actual=6.0, time_progress=0.5)
    # then
    assert row[RAG] == "yellow"


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (6.0, "green"),  # 6 of 12 by June
        (5.0, "green"),  # one short: forgiven (−1 unit)
        (4.0, "yellow"),  # (4 + 1) / 12 = 41.7 % → 8.3 pp behind
        (3.0, "red"),  # (3 + 1) / 12 = 33.3 % → 16.7 pp behind
    ],
)
def test_count_rule_forgives_one_unit(actual, expected):
    # when: 12 新增规上企业 for the year, June
    row = judged(_target(kind="count", target=12.0), actual=actual, time_progress=0.5)
    # then
    assert row[RAG] == expected
    assert row[GAP_PP] == pytest.approx((actual / 12 - 0.5) * 100)  # the gap itself is not forgiven


def test_small_count_target_one_by_june_of_three_is_green():
    # given: 3 a year, 1 by June (expected 1.5)
    row = judged(_target(kind="count", target=3.0), actual=1.0, time_progress=0.5)
    # then
    assert row[RAG] == "green"


@pytest.mark.parametrize(
    ("place", "rank_of", "expected"),
    [
        (5, 12, "green"),  # within the target (5th)
        (8, 12, "yellow"),  # 3 places below
        (9, 12, "red"),  # 4 places below
        (7, 9, "red"),  # 2 places below, but among the last three of nine
        (3, 12, "green"),
    ],
)
def test_rank_rule_three_places_and_the_bottom_three(place, rank_of, expected):
    # when: target "州内前5"
    row = judged(_target(kind="rank", target=5.0), actual=place, time_progress=0.5, rank_of=rank_of)
    # then
    assert row[RAG] == expected
    assert row[GAP_PP] == 5 - place


@pytest.mark.parametrize(
    ("actual", "expected"),
    [(50.0, "green"), (45.0, "yellow"), (44.99, "red")],
)
def test_ratio_form_green_from_100_percent_yellow_from_90(actual, expected):
    # when: 进度比 = 完成率 / 时序进度, June
    row = judged(_target(rule={"form": "ratio"}), actual=actual, time_progress=0.5)
    # then
    assert row[RAG] == expected


def test_no_figure_or_no_time_progress_gives_no_light():
    assert judged(_target(), actual=None, time_progress=0.5)[RAG] == "none"
    assert judged(_target(), actual=10.0, time_progress=None)[RAG] == "none"


def test_a_growth_target_cannot_use_the_ratio_form():
    with pytest.raises(ValueError, match="cannot use the ratio rule"):
        rag_rule("growth", {"form": "ratio"})


def test_unknown_rule_keys_are_refused():
    with pytest.raises(ValueError, match="yelow_pp"):
        rag_rule("absolute", {"yelow_pp": 5})


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------
LIGHT_ORDER = {"red": 0, "yellow": 1, "green": 2}


@given(
    form=st.sampled_from(["amount", "count", "ratio"]),
    target=st.integers(min_value=1, max_value=500),
    month=st.integers(min_value=1, max_value=12),
    actuals=st.lists(
        st.floats(min_value=0, max_value=600, allow_nan=False), min_size=2, max_size=6
    ),
)
def test_doing_more_never_turns_a_light_worse(form, target, month, actuals):
    # given: the same target judged at several actuals
    kind = "count" if form == "count" else "absolute"
    rows = targets_frame(
        [
            {**_target(kind=kind, target=float(target), rule={"form": form}), "target_id": i}
            for i in range(len(actuals))
        ]
    ).with_columns(
        pl.Series(ACTUAL, sorted(actuals), dtype=pl.Float64),
        pl.lit(month / 12).alias(TIME_PROGRESS),
        pl.lit(None, pl.Int64).alias(RANK_OF),
    )
    # when
    lights = rows.lazy().pipe(add_measures).pipe(add_rag).collect()[RAG].to_list()
    # then
    ranks = [LIGHT_ORDER[light] for light in lights]
    assert ranks == sorted(ranks)
