"""engine.targets.actuals and the whole month (dispatch.target_progress): units added up, late
reports estimated, 同比 on comparable units, divisors, places of rank targets."""

from __future__ import annotations

import polars as pl
import pytest

from engine.periods import Month
from engine.targets.actuals import fill_unreported
from engine.targets.columns import (
    ACTUAL,
    AMOUNT,
    COMPARABLE,
    ESTIMATED,
    ESTIMATED_UNITS,
    GROWTH,
    PREVIOUS,
    RAG,
    RANK_OF,
    REPORTED,
)
from engine.targets.dispatch import target_progress, targets_frame
from engine.targets.rules import rag_rule, rule_columns

OCTOBER = Month(2026, 10)


def leaves(rows):
    """(source, leaf, year, month, ytd)."""
    return pl.DataFrame(
        [
            {"source": s, "leaf_id": leaf, "year": y, "month": m, "ytd_value": v}
            for s, leaf, y, m, v in rows
        ],
        schema={
            "source": pl.String,
            "leaf_id": pl.Int64,
            "year": pl.Int64,
            "month": pl.Int64,
            "ytd_value": pl.Float64,
        },
    ).lazy()


def target(target_id, kind="absolute", value=100.0, source="x", **extra):
    return {
        "target_id": target_id,
        "kind": kind,
        "target": value,
        "source": source,
        **rule_columns(rag_rule(kind, extra.pop("rule", None))),
        **extra,
    }


def members(pairs):
    return pl.DataFrame(
        [{"target_id": t, "leaf_id": leaf} for t, leaf in pairs],
        schema={"target_id": pl.Int64, "leaf_id": pl.Int64},
    ).lazy()


def run(targets, data, pairs, *, period=OCTOBER, peers=None):
    frame = target_progress(
        targets_frame(targets).lazy(), data, members(pairs), period=period, peers=peers
    ).collect()
    return {row["target_id"]: row for row in frame.to_dicts()}


def test_a_unit_late_with_october_is_carried_forward_with_its_own_last_year_progress():
    # given: reported up to September; last year September 90, October 100
    data = leaves([("x", 1, 2025, 9, 90.0), ("x", 1, 2025, 10, 100.0), ("x", 1, 2026, 9, 99.0)])
    # when
    filled = fill_unreported(data, period=OCTOBER).collect()
    # then: 99 × 100 / 90 = 110
    october = filled.filter((pl.col("year") == 2026) & (pl.col("month") == 10)).row(0, named=True)
    assert october["ytd_value"] == pytest.approx(110.0)
    assert october[ESTIMATED] is True


def test_a_unit_late_without_last_year_is_carried_with_its_run_rate():
    data = leaves([("x", 1, 2026, 8, 80.0)])
    filled = fill_unreported(data, period=OCTOBER).collect()
    assert filled.filter(pl.col(ESTIMATED))["ytd_value"].to_list() == [pytest.approx(100.0)]


def test_a_unit_silent_for_more_than_two_months_is_not_estimated():
    data = leaves([("x", 1, 2026, 7, 70.0)])
    filled = fill_unreported(data, period=OCTOBER).collect()
    assert filled.filter(pl.col(ESTIMATED)).height == 0


def test_amounts_add_up_the_members_and_count_the_estimated_ones():
    # given: two parks of one county; park 2 is late with October
    data = leaves(
        [
            ("x", 1, 2026, 10, 60.0),
            ("x", 2, 2026, 9, 27.0),
        ]
    )
    # when
    rows = run([target(1)], data, [(1, 1), (1, 2)])
    # then: 60 + 27 × 10/9
    assert rows[1][AMOUNT] == pytest.approx(90.0)
    assert rows[1][REPORTED] == 1
    assert rows[1][ESTIMATED_UNITS] == 1


def test_growth_compares_the_same_units_only():
    # given: firm 2 entered the 规上 list this year (no figures last year)
    data = leaves(
        [
            ("x", 1, 2025, 10, 100.0),
            ("x", 1, 2026, 10, 110.0),
            ("x", 2, 2026, 10, 50.0),
        ]
    )
    # when
    rows = run([target(1, kind="growth", value=8.0)], data, [(1, 1), (1, 2)])
    # then: 完成值 counts both firms; 同比 only firm 1's 110 against 100
    assert rows[1][AMOUNT] == pytest.approx(160.0)
    assert rows[1][COMPARABLE] == pytest.approx(110.0)
    assert rows[1][PREVIOUS] == pytest.approx(100.0)
    assert rows[1][GROWTH] == pytest.approx(10.0)


def test_divisor_turns_tax_into_tax_per_mu_without_changing_growth():
    # given: 亩均税收 of a park of 200 亩
    data = leaves([("tax", 1, 2025, 10, 400.0), ("tax", 1, 2026, 10, 440.0)])
    # when
    rows = run([target(1, kind="growth", value=10.0, source="tax", divisor=200.0)], data, [(1, 1)])
    # then
    assert rows[1][AMOUNT] == pytest.approx(2.2)
    assert rows[1][PREVIOUS] == pytest.approx(2.0)
    assert rows[1][ACTUAL] == pytest.approx(10.0)
    assert rows[1][RAG] == "green"


def test_a_reported_growth_rate_is_taken_as_it_is():
    data = leaves([("rate", 1, 2026, 10, 6.5)])
    rows = run([target(1, kind="growth", value=7.0, source="rate", series="rate")], data, [(1, 1)])
    assert rows[1][ACTUAL] == pytest.approx(6.5)
    assert rows[1][RAG] == "yellow"


def test_rank_target_takes_its_place_among_the_peers():
    # given: three parks' taxes; the target is about park 2, "前1"
    data = leaves([("x", 1, 2026, 10, 300.0), ("x", 2, 2026, 10, 200.0), ("x", 3, 2026, 10, 100.0)])
    peers = pl.DataFrame(
        {"target_id": [9, 9, 9], "peer_id": [1, 2, 3], "leaf_id": [1, 2, 3], "divisor": [1.0] * 3}
    ).lazy()
    # when
    rows = run([target(9, kind="rank", value=1.0, self_peer=2)], data, [], peers=peers)
    # then: second of three, one place below the target
    assert rows[9][ACTUAL] == 2
    assert rows[9][RANK_OF] == 3
    assert rows[9][RAG] == "red"  # 2nd of 3 is among the bottom three


def test_rank_by_value_per_mu_uses_each_peers_divisor():
    # given: park 1 pays more tax, park 2 on far less land
    data = leaves([("x", 1, 2026, 10, 300.0), ("x", 2, 2026, 10, 200.0)])
    peers = pl.DataFrame(
        {"target_id": [9, 9], "peer_id": [1, 2], "leaf_id": [1, 2], "divisor": [300.0, 100.0]}
    ).lazy()
    # when
    rows = run(
        [target(9, kind="rank", value=1.0, self_peer=2, rule={"bottom": 0})], data, [], peers=peers
    )
    # then: 2 万元/亩 beats 1 万元/亩
    assert rows[9][ACTUAL] == 1
    assert rows[9][RAG] == "green"
