"""engine.evaluation.parks: county 亩均 league table, grade distribution, park 亩均. No database."""

# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, check-untyped-defs=False
# (the pyproject override for "engine.tests.*" does not reach engine/evaluation/tests)

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from engine.evaluation.parks import (
    KM2_TO_MU,
    CountyScheme,
    evaluate_counties,
    grade_distribution,
    km2_to_mu,
    load_county_preset,
    park_per_mu,
)

TWO_INDICATORS = {
    "code": "two",
    "name": "两项",
    "indicators": [
        {
            "key": "tax_per_mu",
            "label": "亩均税收",
            "numerator": "tax_annual",
            "per_mu": True,
            "weight": 60,
        },
        {
            "key": "labour_productivity",
            "label": "全员劳动生产率",
            "numerator": "value_added_annual",
            "denominator": "employees_avg",
            "weight": 40,
        },
    ],
}


def scheme(**changes) -> CountyScheme:
    return CountyScheme.model_validate({**TWO_INDICATORS, **changes})


def enterprises() -> pl.DataFrame:
    # county A: a small rich firm and a big poor one; county B: one middling firm; county C: one
    return pl.DataFrame(
        {
            "enterprise_id": [1, 2, 3, 4],
            "county": ["A", "A", "B", "C"],
            "above_scale": [True, False, True, True],
            "land_mu": [10.0, 90.0, 100.0, 50.0],
            "tax_annual": [100.0, 10.0, 200.0, 25.0],
            "value_added_annual": [500.0, 100.0, 300.0, 400.0],
            "employees_avg": [10.0, 40.0, 30.0, 20.0],
        }
    )


# ---------------------------------------------------------------------------------------------
# evaluate_counties
# ---------------------------------------------------------------------------------------------
def test_county_value_is_sum_over_sum_not_the_mean_of_ratios():
    # given: A = (100 + 10) / (10 + 90) = 1.1 亩均税收 (the mean of ratios would be 5.06)
    # when
    result = evaluate_counties(enterprises(), scheme())
    # then
    tax = result.components.filter(pl.col("indicator") == "tax_per_mu").sort("county")
    assert tax["value"].to_list() == pytest.approx([1.1, 2.0, 0.5])
    assert tax["numerator_sum"].to_list() == [110, 200, 25]
    assert tax["denominator_sum"].to_list() == [100, 100, 50]
    assert tax["denominator"].to_list() == ["land_mu"] * 3


def test_counties_scored_by_method_e_by_hand():
    # given: 亩均税收 A 1.1, B 2.0, C 0.5 (w 60); 劳动生产率 A 600/50 = 12, B 10, C 20 (w 40)
    # when
    result = evaluate_counties(enterprises(), scheme())
    # then
    # A: 60 × (0.6 + 0.4 × 0.6/1.5) = 45.6, 40 × (0.6 + 0.4 × 2/10) = 27.2 → 72.8
    # B: 60 + 40 × 0.6 = 84; C: 60 × 0.6 + 40 = 76
    table = result.counties.sort("county")
    assert table["total"].to_list() == pytest.approx([72.8, 84, 76])
    assert table["rank"].to_list() == [3, 1, 2]
    assert table["enterprises"].to_list() == [2, 1, 1]
    assert table["land_mu"].to_list() == [100, 100, 50]
    assert result.counties["county"].to_list() == ["B", "C", "A"]


def test_rows_without_a_denominator_count_on_neither_side():
    # given: a firm in B with tax but no land
    frame = pl.concat(
        [
            enterprises(),
            pl.DataFrame(
                {
                    "enterprise_id": [5],
                    "county": ["B"],
                    "above_scale": [True],
                    "land_mu": [None],
                    "tax_annual": [999.0],
                    "value_added_annual": [None],
                    "employees_avg": [5.0],
                }
            ),
        ]
    )
    # when
    result = evaluate_counties(frame, scheme())
    # then
    b = result.components.filter(pl.col("county") == "B").sort("indicator")
    assert b["value"].to_list() == pytest.approx([10, 2.0])  # labour productivity, tax per mu
    assert b["enterprises"].to_list() == [1, 1]


def test_row_filter_keeps_only_flagged_rows():
    # when: 规上 only — A keeps firm 1 only (100 / 10 = 10)
    result = evaluate_counties(enterprises(), scheme(row_filter="above_scale"))
    # then
    tax = result.components.filter(pl.col("indicator") == "tax_per_mu").sort("county")
    assert tax["value"].to_list() == pytest.approx([10, 2, 0.5])


def test_a_county_without_data_for_an_indicator_gets_the_base_flagged():
    # given: county C has no employees figure
    frame = enterprises().with_columns(
        pl.when(pl.col("county") == "C")
        .then(None)
        .otherwise(pl.col("employees_avg"))
        .alias("employees_avg")
    )
    # when
    result = evaluate_counties(frame, scheme())
    # then
    c = result.components.filter(
        (pl.col("county") == "C") & (pl.col("indicator") == "labour_productivity")
    )
    assert c["score"].item() == pytest.approx(24)
    assert c["flag"].item() == "missing"
    assert c["enterprises"].item() == 0


def test_components_add_up_to_the_county_total():
    # when
    result = evaluate_counties(enterprises(), scheme())
    # then
    sums = result.components.group_by("county").agg(pl.col("score").sum())
    joined = result.counties.join(sums, on="county")
    assert (joined["score"] - joined["total"]).abs().max() < 1e-9


def test_the_unit_column_is_configurable_so_parks_can_be_ranked_too():
    # given
    frame = enterprises().with_columns(pl.Series("park", ["P1", "P2", "P2", "P1"]))
    # when
    result = evaluate_counties(frame, scheme(by="park"))
    # then: P1 = (100 + 25) / 60, P2 = 210 / 190
    tax = result.components.filter(pl.col("indicator") == "tax_per_mu").sort("park")
    assert tax["value"].to_list() == pytest.approx([125 / 60, 210 / 190])
    assert result.counties.columns[0] == "park"


def test_county_preset_has_six_indicators_and_names_its_land():
    # when
    preset = load_county_preset("county_mu")
    # then
    assert [i.key for i in preset.indicators] == [
        "tax_per_mu",
        "value_added_per_mu",
        "revenue_per_mu",
        "labour_productivity",
        "value_added_per_energy",
        "rnd_intensity",
    ]
    assert sum(i.weight for i in preset.indicators) == 100
    assert preset.land_denominator == "land_mu"
    assert preset.input_columns == (
        "county",
        "land_mu",
        "tax_annual",
        "value_added_annual",
        "revenue_annual",
        "employees_avg",
        "energy_tce",
        "rnd_annual",
    )


def test_county_preset_runs_on_the_enterprise_input_frame():
    # given
    frame = enterprises().with_columns(
        revenue_annual=pl.lit(1000.0),
        energy_tce=pl.lit(50.0),
        rnd_annual=pl.Series([30.0, 0.0, 10.0, 5.0]),
    )
    # when
    result = evaluate_counties(frame, load_county_preset("county_mu"))
    # then: R&D intensity of A = 30 / 2000 × 100 = 1.5 %
    rnd = result.components.filter(
        (pl.col("indicator") == "rnd_intensity") & (pl.col("county") == "A")
    )
    assert rnd["value"].item() == pytest.approx(1.5)
    assert result.counties.height == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"total": 90}, "weights sum to 100"),
        (
            {
                "indicators": [
                    {
                        "key": "x",
                        "label": "x",
                        "numerator": "a",
                        "denominator": "b",
                        "per_mu": True,
                        "weight": 100,
                    }
                ]
            },
            "either denominator or per_mu",
        ),
        (
            {"indicators": [{"key": "x", "label": "x", "numerator": "a", "weight": 100}]},
            "either denominator or per_mu",
        ),
    ],
)
def test_invalid_county_schemes_are_rejected(change, message):
    # when / then
    with pytest.raises(ValidationError, match=message):
        scheme(**change)


def test_missing_enterprise_columns_are_named():
    # when / then
    with pytest.raises(ValueError, match="employees_avg"):
        evaluate_counties(enterprises().drop("employees_avg"), scheme())


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_county_results_do_not_depend_on_row_order(data):
    # given
    n = data.draw(st.integers(1, 12))
    numbers = st.one_of(st.none(), st.floats(0, 1e5, allow_nan=False))
    frame = pl.DataFrame(
        {
            "enterprise_id": list(range(n)),
            "county": data.draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=n, max_size=n)),
            "land_mu": data.draw(st.lists(numbers, min_size=n, max_size=n)),
            "tax_annual": data.draw(st.lists(numbers, min_size=n, max_size=n)),
            "value_added_annual": data.draw(st.lists(numbers, min_size=n, max_size=n)),
            "employees_avg": data.draw(st.lists(numbers, min_size=n, max_size=n)),
        },
        schema_overrides=dict.fromkeys(
            ["land_mu", "tax_annual", "value_added_annual", "employees_avg"], pl.Float64
        ),
    )
    # when
    first = evaluate_counties(frame, scheme())
    second = evaluate_counties(frame.reverse(), scheme())
    # then
    assert first.counties.equals(second.counties)
    assert (first.components["score"] - second.components["score"]).abs().max() < 1e-9


@dataclass(frozen=True)
class Result:
    """Stands in for the enterprise 亩均 result: anything with an ``enterprises`` frame."""

    enterprises: pl.DataFrame


# ---------------------------------------------------------------------------------------------
# grade_distribution
# ---------------------------------------------------------------------------------------------
def graded() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "enterprise_id": [1, 2, 3, 4, 5, 6, 7],
            "status": ["graded", "graded", "graded", "graded", "exempt", "deferred", "graded"],
            "grade": ["A", "D", "D", "B", None, None, "C"],
        }
    )


def places() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "enterprise_id": [1, 2, 3, 4, 5, 6, 7],
            "county": ["A", "A", "A", "B", "B", "B", "B"],
            "park": ["P1", "P1", None, "P2", "P2", None, "P2"],
            "land_mu": [10.0, 30.0, 5.5, 20.0, 8.0, 3.0, None],
        }
    )


def test_grade_distribution_counts_shares_and_d_land_per_county():
    # when
    table = grade_distribution(graded(), places(), by="county")
    # then
    a, b = table.sort("county").rows(named=True)
    assert (a["n_total"], a["n_graded"], a["n_a"], a["n_d"]) == (3, 3, 1, 2)
    assert a["share_a"] == pytest.approx(1 / 3)
    assert a["share_d"] == pytest.approx(2 / 3)
    assert a["land_d_mu"] == pytest.approx(35.5)
    assert a["land_graded_mu"] == pytest.approx(45.5)
    assert a["land_d_share"] == pytest.approx(35.5 / 45.5)
    assert (b["n_graded"], b["n_b"], b["n_c"], b["n_exempt"], b["n_deferred"]) == (2, 1, 1, 1, 1)
    assert b["share_b"] == pytest.approx(0.5)
    assert b["land_d_mu"] == 0


def test_grade_distribution_by_park_keeps_enterprises_outside_parks_as_a_null_row():
    # when
    table = grade_distribution(graded(), places(), by="park")
    # then
    assert table["park"].to_list() == ["P1", "P2", None]
    assert table["n_total"].to_list() == [2, 3, 2]


def test_grade_distribution_accepts_the_result_object_and_gives_null_shares_when_none_graded():
    # given
    results = Result(
        graded().with_columns(
            pl.lit("exempt").alias("status"), pl.lit(None, pl.Utf8).alias("grade")
        )
    )
    # when
    table = grade_distribution(results, places())
    # then
    assert table["n_graded"].to_list() == [0, 0]
    assert table["share_a"].to_list() == [None, None]
    assert table["n_exempt"].to_list() == [3, 4]


# ---------------------------------------------------------------------------------------------
# park_per_mu
# ---------------------------------------------------------------------------------------------
def parks() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "park_id": [1, 2],
            "park_tax": [30_000.0, 5_000.0],
            "planned_mu": [15_000.0, 3_000.0],
            "built_industrial_mu": [3_000.0, 0.0],
        }
    )


def test_park_per_mu_uses_the_named_denominator():
    # when
    planned = park_per_mu(parks(), "park_tax", "planned_mu")
    built = park_per_mu(parks(), "park_tax", "built_industrial_mu")
    # then: the same park is 2 or 10 万元/亩 depending on the land chosen
    assert planned["value"].to_list() == pytest.approx([2.0, 5_000 / 3_000])
    assert built["value"].to_list() == [10.0, None]  # no built land: no ratio
    assert built["denominator"].to_list() == ["built_industrial_mu"] * 2
    assert built["numerator"].to_list() == ["park_tax"] * 2


def test_park_per_mu_refuses_an_unknown_denominator():
    # when / then
    with pytest.raises(ValueError, match="denominator must be one of"):
        park_per_mu(parks(), "park_tax", "area")


def test_square_kilometres_convert_to_1500_mu():
    # given
    frame = pl.DataFrame({"planned_area_km2": [2.5]})
    # when
    mu = frame.select(km2_to_mu("planned_area_km2")).item()
    # then
    assert KM2_TO_MU == 1500
    assert mu == 3750
