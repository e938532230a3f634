"""engine.targets.cascade (parts add up) and engine.targets.ranking (units ranked by their lights)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.targets.cascade import aggregate_targets, cascade_check
from engine.targets.columns import (
    CHILDREN,
    DIFFERENCE,
    GREEN,
    MEAN_GAP_PP,
    OK,
    PARTS,
    RANK,
    RED,
    YELLOW,
)
from engine.targets.ranking import unit_ranking

SCHEMA = {
    "target_id": pl.Int64,
    "parent_id": pl.Int64,
    "kind": pl.String,
    "target": pl.Float64,
    "base": pl.Float64,
}


def book(rows):
    return pl.DataFrame(rows, schema=SCHEMA, orient="row").lazy()


def checked(rows, **kw):
    return {r["target_id"]: r for r in cascade_check(book(rows), **kw).collect().to_dicts()}


def test_county_amounts_that_add_up_to_the_city_pass():
    # given: city 100, counties 60 + 40
    rows = [
        (1, None, "absolute", 100.0, None),
        (2, 1, "absolute", 60.0, None),
        (3, 1, "absolute", 40.0, None),
    ]
    # when
    result = checked(rows)
    # then
    assert result[1][OK] is True
    assert result[1][CHILDREN] == 2
    assert result[1][PARTS] == 100.0


def test_parts_short_of_the_whole_fail_and_say_by_how_much():
    rows = [(1, None, "count", 20.0, None), (2, 1, "count", 8.0, None), (3, 1, "count", 9.0, None)]
    result = checked(rows)
    assert result[1][OK] is False
    assert result[1][DIFFERENCE] == -3.0


def test_over_allocation_passes_unless_exact_is_asked():
    rows = [
        (1, None, "absolute", 100.0, None),
        (2, 1, "absolute", 70.0, None),
        (3, 1, "absolute", 40.0, None),
    ]
    assert checked(rows)[1][OK] is True
    assert checked(rows, exact=True)[1][OK] is False


def test_growth_targets_are_checked_weighted_by_base():
    # given: city +10 %; county A (base 300) +12 %, county B (base 100) +5 %
    rows = [
        (1, None, "growth", 10.0, 400.0),
        (2, 1, "growth", 12.0, 300.0),
        (3, 1, "growth", 5.0, 100.0),
    ]
    # when
    result = checked(rows)
    # then: (300 × 1.12 + 100 × 1.05) / 400 − 1 = 10.25 %
    assert result[1][PARTS] == pytest.approx(10.25)
    assert result[1][OK] is True


def test_growth_weighted_below_the_parent_fails():
    rows = [
        (1, None, "growth", 10.0, 400.0),
        (2, 1, "growth", 8.0, 300.0),
        (3, 1, "growth", 15.0, 100.0),
    ]
    result = checked(rows)
    assert result[1][PARTS] == pytest.approx(9.75)
    assert result[1][OK] is False


def test_growth_without_every_childs_base_cannot_be_checked():
    rows = [
        (1, None, "growth", 10.0, 400.0),
        (2, 1, "growth", 12.0, None),
        (3, 1, "growth", 9.0, 100.0),
    ]
    assert checked(rows)[1][OK] is None


def test_children_of_another_kind_fail():
    rows = [(1, None, "absolute", 100.0, None), (2, 1, "growth", 100.0, 50.0)]
    assert checked(rows)[1][OK] is False


def test_aggregate_of_amounts_is_their_sum():
    rows = [(2, 1, "absolute", 60.0, 50.0), (3, 1, "absolute", 40.0, 30.0)]
    agg = aggregate_targets(book(rows)).collect().row(0, named=True)
    assert agg[PARTS] == 100.0
    assert agg["children_base"] == 80.0


def test_units_are_ranked_by_fewer_reds_then_more_greens_then_the_mean_gap():
    # given
    progress = pl.DataFrame(
        {
            "unit": ["A", "A", "B", "B", "C", "C", "D", "D"],
            "kind": ["absolute"] * 8,
            "rag": ["green", "red", "green", "yellow", "green", "green", "green", "green"],
            "gap_pp": [5.0, -20.0, 1.0, -3.0, 2.0, 1.0, 4.0, 3.0],
        }
    ).lazy()
    # when
    ranking = {r["unit"]: r for r in unit_ranking(progress, by="unit").collect().to_dicts()}
    # then: D (2 green, mean +3.5) > C (2 green, +1.5) > B (1 yellow) > A (1 red)
    assert [u for u, _ in sorted(ranking.items(), key=lambda kv: kv[1][RANK])] == [
        "D",
        "C",
        "B",
        "A",
    ]
    assert ranking["A"][RED] == 1
    assert ranking["B"][YELLOW] == 1
    assert ranking["D"][GREEN] == 2
    assert ranking["D"][MEAN_GAP_PP] == pytest.approx(3.5)


@given(
    st.lists(
        st.tuples(st.floats(min_value=-20, max_value=50), st.floats(min_value=1, max_value=1e6)),
        min_size=1,
        max_size=8,
    )
)
def test_weighted_growth_of_the_parts_lies_between_the_slowest_and_the_fastest(children):
    # given: growth targets with their bases under one parent
    rows = [(i + 2, 1, "growth", g, b) for i, (g, b) in enumerate(children)]
    # when
    parts = aggregate_targets(book(rows)).collect()[PARTS].item()
    # then
    growths = [g for g, _b in children]
    assert min(growths) - 1e-6 <= parts <= max(growths) + 1e-6
