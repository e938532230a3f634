"""engine.targets.forecast: the year-end forecast and the probability of meeting the target."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.periods import Month
from engine.targets.columns import (
    FORECAST,
    OUTLOOK,
    PROBABILITY,
    SHARE_MEAN,
    SHARE_SD,
    THRESHOLD,
    YEARS_USED,
)
from engine.targets.dispatch import target_progress, targets_frame
from engine.targets.forecast import normal_cdf
from engine.targets.rules import rag_rule, rule_columns

# A synthetic seasonal shape: the share of the year done by June in four past years.
JUNE_SHARES = {2022: 0.35, 2023: 0.40, 2024: 0.45, 2025: 0.40}
TOTALS = {2022: 800.0, 2023: 900.0, 2024: 1000.0, 2025: 1000.0}


def phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def _leaves(june_2026: float, shares=JUNE_SHARES, totals=TOTALS):
    rows = []
    for year, share in shares.items():
        rows.append(
            {
                "source": "x",
                "leaf_id": 7,
                "year": year,
                "month": 6,
                "ytd_value": totals[year] * share,
            }
        )
        rows.append(
            {"source": "x", "leaf_id": 7, "year": year, "month": 12, "ytd_value": totals[year]}
        )
    rows.append({"source": "x", "leaf_id": 7, "year": 2026, "month": 6, "ytd_value": june_2026})
    return pl.DataFrame(rows).lazy()


def forecast_of(kind, target, june_2026, **leaves_kw):
    targets = targets_frame(
        [
            {
                "target_id": 1,
                "kind": kind,
                "target": target,
                "source": "x",
                **rule_columns(rag_rule(kind)),
            }
        ]
    )
    members = pl.DataFrame({"target_id": [1], "leaf_id": [7]})
    frame = target_progress(
        targets.lazy(), _leaves(june_2026, **leaves_kw), members.lazy(), period=Month(2026, 6)
    ).collect()
    return frame.row(0, named=True)


def test_forecast_divides_the_year_so_far_by_the_usual_share():
    # given: 440 done by June; June usually holds 40 % of the year
    row = forecast_of("absolute", 1100.0, 440.0)
    # then
    assert row[YEARS_USED] == 4
    assert row[SHARE_MEAN] == pytest.approx(0.40)
    assert row[FORECAST] == pytest.approx(1100.0)


def test_probability_is_a_normal_approximation_over_past_shares():
    # given: shares 35/40/45/40 % → mean 40 %, sample sd √(0.005/3) = 4.08 pp
    sd = math.sqrt((0.05**2 + 0.05**2) / 3)
    # when: 440 done, target 1,210 (forecast 1,100: 10 % short)
    row = forecast_of("absolute", 1210.0, 440.0)
    # then: P(share ≤ 440/1210) = Φ((0.3636 − 0.40) / 0.0408) ≈ 19 %
    assert row[SHARE_SD] == pytest.approx(sd)
    assert row[THRESHOLD] == 1210.0
    assert row[PROBABILITY] == pytest.approx(phi((440 / 1210 - 0.40) / sd), abs=1e-6)
    assert row[PROBABILITY] == pytest.approx(0.187, abs=0.001)
    assert row[OUTLOOK] == "red"


def test_a_forecast_exactly_on_target_has_even_odds():
    row = forecast_of("absolute", 1100.0, 440.0)
    assert row[PROBABILITY] == pytest.approx(0.5, abs=1e-6)
    assert row[OUTLOOK] == "yellow"


def test_the_spread_is_floored_when_past_years_agree():
    # given: June held exactly 40 % every year
    same = dict.fromkeys(JUNE_SHARES, 0.40)
    # when
    row = forecast_of("absolute", 1210.0, 440.0, shares=same)
    # then: 5 % of the part of the year still to come (60 %) = 3 pp
    assert row[SHARE_SD] == pytest.approx(0.03)
    assert row[PROBABILITY] == pytest.approx(phi((440 / 1210 - 0.40) / 0.03), abs=1e-6)


def test_a_target_already_reached_is_certain():
    row = forecast_of("absolute", 400.0, 440.0)
    assert row[PROBABILITY] == 1.0
    assert row[OUTLOOK] == "green"


def test_growth_forecast_compares_with_last_years_comparable_total():
    # given: last June 400 (40 % of 1,000), this June 440: +10 % so far; target +10 %
    row = forecast_of("growth", 10.0, 440.0)
    # then: forecast 440 / 0.40 = 1,100 against the base 400 / 0.40 = 1,000 → +10 %
    assert row[FORECAST] == pytest.approx(10.0)
    assert row[THRESHOLD] == pytest.approx(1100.0)
    assert row[PROBABILITY] == pytest.approx(0.5, abs=1e-6)


def test_without_past_years_the_forecast_uses_time_progress_and_a_wide_spread():
    # given: nothing before this year
    row = forecast_of("absolute", 100.0, 40.0, shares={}, totals={})
    # then: 40 / 0.5 = 80; spread 15 % of the half year to come
    assert row[YEARS_USED] == 0
    assert row[FORECAST] == pytest.approx(80.0)
    assert row[SHARE_SD] == pytest.approx(0.075)


@given(st.floats(min_value=-6, max_value=6, allow_nan=False))
def test_normal_cdf_matches_the_error_function(z):
    # when
    value = pl.select(normal_cdf(pl.lit(z))).item()
    # then
    assert value == pytest.approx(phi(z), abs=2e-7)
