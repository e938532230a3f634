"""Common guards (domain.md §1.6): non-positive values, caps, land floor, missing values, benchmarks."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from engine.evaluation.mu import evaluate
from engine.evaluation.scheme import MuScheme
from engine.evaluation.tests.test_mu_support import component, firm, frame, row, tax_only_scheme


def two_indicator_scheme(*, missing: str = "group_average", **scheme: Any) -> MuScheme:
    """亩均税收 60 + 单位电耗税收 40 (both Method R, aggregate benchmark, cap 2×)."""
    definition: dict[str, Any] = {
        "code": "test2",
        "name": "两指标",
        "scope": {"industry_prefixes": [], "min_land_mu_below_scale": None, "grace_years": None},
        "land_floor_mu": 1.0,
        "groups": [
            {
                "key": "all",
                "label": "全部",
                "indicators": [
                    {
                        "key": "tax_per_mu",
                        "label": "亩均税收",
                        "numerator": "tax_annual",
                        "denominator": "land_mu",
                        "weight": 60,
                        "missing": missing,
                    },
                    {
                        "key": "tax_per_electricity",
                        "label": "单位电耗税收",
                        "numerator": "tax_annual",
                        "denominator": "electricity_annual",
                        "weight": 40,
                        "missing": missing,
                    },
                ],
                "cuts": {"A": 0.2, "B": 0.6, "C": 0.95},
            }
        ],
    }
    definition.update(scheme)
    return MuScheme.model_validate(definition)


def test_negative_tax_scores_zero_not_a_negative_score():
    # given: firm 2's refunds exceed its payments
    rows = [
        firm(1, land_mu=10.0, tax_annual=300.0, electricity_annual=100.0),
        firm(2, land_mu=10.0, tax_annual=-100.0, electricity_annual=100.0),
    ]
    # when
    result = evaluate(frame(*rows), two_indicator_scheme())
    # then: the benchmark still counts it (Σtax 200 / Σland 20 = 10), but its score is 0
    tax = component(result, 2, "tax_per_mu")
    assert tax["benchmark"] == 10.0
    assert tax["score_raw"] == pytest.approx(60 * -10 / 10)
    assert (tax["score"], tax["guard"]) == (0.0, "non_positive")
    assert row(result, 2)["base_score"] == 0.0


def test_a_score_is_capped_at_cap_mult_times_the_weight():
    rows = [
        firm(1, land_mu=10.0, tax_annual=1000.0, electricity_annual=100.0),
        firm(2, land_mu=10.0, tax_annual=10.0, electricity_annual=100.0),
    ]
    result = evaluate(frame(*rows), two_indicator_scheme())
    tax = component(result, 1, "tax_per_mu")
    # x = 100, B = 1010 / 20 = 50.5: 60 × 100 / 50.5 = 118.8 ≤ 120, not capped
    assert tax["guard"] == ""
    result = evaluate(
        frame(*rows, firm(3, land_mu=10.0, tax_annual=0.0, electricity_annual=100.0)),
        two_indicator_scheme(),
    )
    # with a third, tax-less firm B = 1010 / 30 = 33.67 → 178.2, capped at 2 × 60
    tax = component(result, 1, "tax_per_mu")
    assert tax["score_raw"] == pytest.approx(60 * 100 / (1010 / 30))
    assert (tax["score"], tax["guard"]) == (120.0, "cap")


def test_land_below_one_mu_counts_as_one_mu_in_per_mu_indicators_only():
    # given: firm 1 on 0.25 亩 (domain.md §1.6 guard 4)
    rows = [
        firm(1, land_mu=0.25, tax_annual=10.0, electricity_annual=20.0),
        firm(2, land_mu=9.75, tax_annual=90.0, electricity_annual=180.0),
    ]
    # when
    result = evaluate(frame(*rows), two_indicator_scheme())
    # then: 亩均税收 = 10 / 1, not 10 / 0.25; 单位电耗税收 is untouched
    tax = component(result, 1, "tax_per_mu")
    assert (tax["value"], tax["denominator"], tax["guard"]) == (10.0, 1.0, "land_floor")
    assert component(result, 1, "tax_per_electricity")["guard"] == ""
    assert tax["benchmark"] == pytest.approx(100 / 10.75)  # Σ over the land used


def test_small_land_can_be_ranked_in_a_pool_of_its_own_instead():
    # given: 慈溪's way: enterprises under 1 亩 form their own pool (domain.md §1.2)
    rows = [
        firm(1, land_mu=0.5, tax_annual=10.0, electricity_annual=20.0),
        firm(2, land_mu=0.8, tax_annual=4.0, electricity_annual=20.0),
        firm(3, land_mu=20.0, tax_annual=100.0, electricity_annual=200.0),
    ]
    scheme = two_indicator_scheme(small_land="separate_group")
    # when
    result = evaluate(frame(*rows), scheme)
    # then: real land in the ratio, no land_floor guard, separate pools and benchmarks
    assert [row(result, i)["pool"] for i in (1, 2, 3)] == [
        "all/small_land",
        "all/small_land",
        "all",
    ]
    assert component(result, 1, "tax_per_mu")["value"] == 20.0
    assert component(result, 1, "tax_per_mu")["guard"] == ""
    assert row(result, 3)["pool_size"] == 1
    pools = result.benchmarks.filter(pl.col("indicator") == "tax_per_mu")
    assert dict(pools.select("pool", "benchmark").iter_rows()) == {
        "all": 5.0,
        "all/small_land": pytest.approx(14 / 1.3),
    }


def test_missing_emission_data_gets_the_pool_average_score():
    # given: the 黄岩 rule — no electricity data → the group's average score of that indicator
    rows = [
        firm(1, land_mu=10.0, tax_annual=100.0, electricity_annual=100.0),
        firm(2, land_mu=10.0, tax_annual=300.0, electricity_annual=100.0),
        firm(3, land_mu=10.0, tax_annual=200.0, electricity_annual=None),
    ]
    # when
    result = evaluate(frame(*rows), two_indicator_scheme())
    # then: B = 400 / 200 = 2; scores 40 × 1/2 = 20 and 40 × 3/2 = 60; firm 3 gets (20 + 60) / 2
    filled = component(result, 3, "tax_per_electricity")
    assert filled["value"] is None
    assert (filled["score"], filled["guard"]) == (pytest.approx(40), "missing_group_average")
    assert filled["benchmark"] == 2.0


def test_a_zero_denominator_is_missing_not_infinite():
    rows = [
        firm(1, land_mu=10.0, tax_annual=100.0, electricity_annual=100.0),
        firm(2, land_mu=10.0, tax_annual=100.0, electricity_annual=0.0),
    ]
    result = evaluate(frame(*rows), two_indicator_scheme())
    filled = component(result, 2, "tax_per_electricity")
    assert (filled["value"], filled["guard"]) == (None, "missing_group_average")
    assert filled["score"] == pytest.approx(40)  # firm 1's score, the only one


def test_missing_values_can_score_zero():
    rows = [
        firm(1, land_mu=10.0, tax_annual=100.0, electricity_annual=100.0),
        firm(2, land_mu=10.0, tax_annual=100.0, electricity_annual=None),
    ]
    result = evaluate(frame(*rows), two_indicator_scheme(missing="zero"))
    filled = component(result, 2, "tax_per_electricity")
    assert (filled["score"], filled["guard"]) == (0.0, "missing_zero")
    assert row(result, 2)["base_score"] == pytest.approx(60)


def test_missing_values_can_renormalise_the_other_weights():
    # given: firm 2 has no electricity data; weights re-normalised over what it has: 60 → 100
    rows = [
        firm(1, land_mu=10.0, tax_annual=100.0, electricity_annual=100.0),
        firm(2, land_mu=10.0, tax_annual=100.0, electricity_annual=None),
    ]
    # when
    result = evaluate(frame(*rows), two_indicator_scheme(missing="renormalise"))
    # then
    assert row(result, 2)["weight_factor"] == pytest.approx(100 / 60)
    tax = component(result, 2, "tax_per_mu")
    assert (tax["score"], tax["guard"]) == (pytest.approx(100), "renormalised")
    electricity = component(result, 2, "tax_per_electricity")
    assert (electricity["score"], electricity["guard"]) == (0.0, "renormalised")
    assert row(result, 2)["base_score"] == pytest.approx(100)
    assert row(result, 1)["weight_factor"] == 1.0
    assert component(result, 1, "tax_per_mu")["guard"] == ""


def test_a_pool_paying_no_tax_in_total_has_no_benchmark_and_scores_zero():
    rows = [
        firm(1, land_mu=10.0, tax_annual=-50.0, electricity_annual=100.0),
        firm(2, land_mu=10.0, tax_annual=20.0, electricity_annual=100.0),
    ]
    result = evaluate(frame(*rows), two_indicator_scheme())
    tax = component(result, 2, "tax_per_mu")
    assert tax["benchmark"] == -1.5  # Σtax −30 / Σland 20: reported, but nothing to divide by
    assert (tax["score"], tax["guard"]) == (0.0, "no_benchmark")


def test_several_guards_are_comma_joined_in_a_fixed_order():
    # given: a firm on 0.5 亩 whose floored 亩均税收 is still far above the benchmark
    rows = [
        firm(1, land_mu=0.5, tax_annual=100.0),
        firm(2, land_mu=100.0, tax_annual=10.0),
    ]
    # when
    result = evaluate(frame(*rows), tax_only_scheme(land_floor_mu=1.0, indicator={"cap_mult": 2.0}))
    # then
    assert component(result, 1, "tax_per_mu")["guard"] == "cap,land_floor"


def test_components_explain_the_value_from_numerator_and_denominator():
    result = evaluate(frame(firm(1, land_mu=4.0, tax_annual=10.0)), tax_only_scheme())
    tax = component(result, 1, "tax_per_mu")
    assert (tax["numerator"], tax["denominator"], tax["value"]) == (10.0, 4.0, 2.5)
    assert (tax["label"], tax["weight"], tax["benchmark"]) == ("亩均税收", 100.0, 1.0)
