"""engine.evaluation.lists: the 六个清单 — inclusion and exclusion at the boundaries. No database."""

# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, check-untyped-defs=False
# (the pyproject override for "engine.tests.*" does not reach engine/evaluation/tests)

from __future__ import annotations

import itertools
import json
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from engine.evaluation.lists import (
    COMMON,
    ListRules,
    chain_masters,
    growth,
    load_list_rules,
    new_above_scale,
    relief,
    relief_exit,
    top_output,
    top_tax,
)
from engine.periods import Month

Row = dict[str, Any]
RULES = load_list_rules()
JUNE = Month(2026, 6)
COLUMNS = ("output_value", "revenue", "tax", "profit", "electricity")


def ytd_rows(
    enterprise_id: int, year: int, months: int, **monthly: float | list[float] | None
) -> list[Row]:
    """本年累计 rows for months 1..months from 当月 values (a number repeats every month; None: not reported)."""
    series = {c: v if isinstance(v, list) else [v] * months for c, v in monthly.items()}
    totals = {
        c: list(itertools.accumulate(series[c][:months]))
        if series[c][0] is not None
        else [None] * months
        for c in series
    }
    return [
        {
            "enterprise_id": enterprise_id,
            "year": year,
            "month": m + 1,
            **{c: totals[c][m] for c in totals},
        }
        for m in range(months)
    ]


def monthly_frame(rows: list[Row]) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {
        "enterprise_id": pl.Int64(),
        "year": pl.Int64(),
        "month": pl.Int64(),
    }
    schema |= dict.fromkeys(COLUMNS, pl.Float64())
    schema |= {k: pl.Float64() for row in rows for k in row if k not in schema}
    return pl.DataFrame(rows, schema=schema)


def attrs_frame(rows: list[Row]) -> pl.DataFrame:
    defaults: Row = {
        "county": "C1",
        "park": None,
        "above_scale": True,
        "above_scale_prev": True,
        "industry_code": "1310",
        "land_mu": None,
        "qualifications": [],
        "grade": "B",
        "flags": [],
    }
    return pl.DataFrame(
        [defaults | row for row in rows],
        schema_overrides={
            "park": pl.Utf8,
            "land_mu": pl.Float64,
            "grade": pl.Utf8,
            "qualifications": pl.List(pl.Utf8),
            "flags": pl.List(pl.Utf8),
        },
    )


def ids(frame: pl.DataFrame) -> list[int]:
    return frame["enterprise_id"].to_list()


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------
def test_preset_rules_are_the_documented_defaults():
    # then
    assert RULES.n_city == 20
    assert RULES.n_per_partition == 10
    assert RULES.relief.revenue_yoy_max == -0.15
    assert RULES.new_above_scale.r12_min == 1500
    assert RULES.rule_version.startswith("lists@2026.1+")
    assert ListRules.model_validate(RULES.model_dump(mode="json")) == RULES


def test_editing_a_threshold_changes_the_rule_version():
    # when
    edited = RULES.model_copy(update={"n_city": 30})
    # then
    assert edited.rule_version != RULES.rule_version


def test_tiers_must_be_highest_first():
    # when / then
    with pytest.raises(ValidationError, match="highest first"):
        ListRules.model_validate(
            {"top_tax": {"tiers": [{"label": "a", "min": 1}, {"label": "b", "min": 2}]}}
        )


# ---------------------------------------------------------------------------------------------
# 产值清单
# ---------------------------------------------------------------------------------------------
def output_case() -> tuple[pl.DataFrame, pl.DataFrame]:
    # June YTD 产值: 1 = 100,000 (十亿级 exactly), 2 = 99,999.6 (五亿级), 3 = 10,000 (亿元级),
    # 4 = 9,000 (no tier), 5 = 规下 with 200,000 (not listed), 6 = no 产值, 营收 60,000
    june = {1: 100_000 / 6, 2: 99_999.6 / 6, 3: 10_000 / 6, 4: 1_500.0, 5: 200_000 / 6}
    rows = []
    for eid, per_month in june.items():
        rows += ytd_rows(
            eid, 2026, 6, output_value=per_month, revenue=per_month, tax=1, profit=1, electricity=1
        )
        rows += ytd_rows(
            eid,
            2025,
            6,
            output_value=per_month / 2,
            revenue=per_month / 2,
            tax=1,
            profit=1,
            electricity=1,
        )
    rows += ytd_rows(
        6, 2026, 6, output_value=None, revenue=10_000.0, tax=1, profit=1, electricity=1
    )
    attrs = attrs_frame(
        [
            {"enterprise_id": 1, "county": "C1"},
            {"enterprise_id": 2, "county": "C2"},
            {"enterprise_id": 3, "county": "C1"},
            {"enterprise_id": 4, "county": "C2"},
            {"enterprise_id": 5, "county": "C1", "above_scale": False},
            {"enterprise_id": 6, "county": "C1"},
        ]
    )
    return monthly_frame(rows), attrs


def test_top_output_lists_above_scale_firms_with_tiers_yoy_and_share():
    # given
    monthly, attrs = output_case()
    # when
    table = top_output(monthly, attrs, as_of=JUNE, rules=RULES)
    # then
    assert ids(table) == [1, 2, 6, 3, 4]  # 5 is 规下
    assert table["tier"].to_list() == ["十亿级", "五亿级", "五亿级", "亿元级", None]
    assert table["yoy"][0] == pytest.approx(1.0)
    total = 100_000 + 99_999.6 + 60_000 + 10_000 + 9_000
    assert table["share"][0] == pytest.approx(100_000 / total)
    assert table["value_source"].to_list() == [
        "output_value",
        "output_value",
        "revenue",
        "output_value",
        "output_value",
    ]
    assert table.columns[: len(COMMON)] == list(COMMON)
    evidence = json.loads(table["evidence"][0])
    assert evidence["period"] == "2026年1-6月"
    assert evidence["ytd"] == pytest.approx(100_000)


def test_top_output_cuts_to_n_per_county():
    # given
    monthly, attrs = output_case()
    # when
    table = top_output(monthly, attrs, as_of=JUNE, rules=RULES, partition_by="county", n=1)
    # then
    assert table.select("county", "enterprise_id", "rank").rows() == [("C1", 1, 1), ("C2", 2, 1)]
    assert table["share_in_partition"][0] == pytest.approx(100_000 / (100_000 + 60_000 + 10_000))


def test_top_output_without_revenue_fallback_skips_firms_without_output():
    # given
    monthly, attrs = output_case()
    rules = RULES.model_copy(
        update={"top_output": RULES.top_output.model_copy(update={"revenue_fallback": False})}
    )
    # when
    table = top_output(monthly, attrs, as_of=JUNE, rules=rules)
    # then
    assert 6 not in ids(table)


def test_equal_values_share_the_better_rank_and_both_stay_at_the_cut():
    # given: three firms, two tied for second, N = 2
    rows = []
    for eid, value in ((1, 300.0), (2, 200.0), (3, 200.0)):
        rows += ytd_rows(
            eid, 2026, 6, output_value=value, revenue=value, tax=1, profit=1, electricity=1
        )
    attrs = attrs_frame([{"enterprise_id": e} for e in (1, 2, 3)])
    # when
    table = top_output(monthly_frame(rows), attrs, as_of=JUNE, rules=RULES, n=2)
    # then
    assert table.select("enterprise_id", "rank").rows() == [(1, 1), (2, 2), (3, 2)]


# ---------------------------------------------------------------------------------------------
# 税收清单
# ---------------------------------------------------------------------------------------------
def test_top_tax_covers_every_enterprise_with_tiers_and_tax_per_mu():
    # given: June YTD tax 10,000 (亿元级), 5,000 (五千万级), 999.99 (none); firm 2 is 规下
    rows = []
    for eid, tax in ((1, 10_000.0), (2, 5_000.0), (3, 999.99)):
        rows += ytd_rows(
            eid, 2026, 6, output_value=1, revenue=1, tax=tax / 6, profit=1, electricity=1
        )
        rows += ytd_rows(
            eid, 2025, 6, output_value=1, revenue=1, tax=tax / 12, profit=1, electricity=1
        )
    monthly = monthly_frame(rows).with_columns(pl.lit(12.5).alias("tax_refund"))
    attrs = attrs_frame(
        [
            {"enterprise_id": 1, "land_mu": 50.0},
            {"enterprise_id": 2, "above_scale": False},
            {"enterprise_id": 3, "land_mu": 0.0},
        ]
    )
    # when
    table = top_tax(monthly, attrs, as_of=JUNE, rules=RULES)
    # then
    assert ids(table) == [1, 2, 3]
    assert table["tier"].to_list() == ["亿元级", "五千万级", None]
    assert table["tax_per_mu"].to_list()[0] == pytest.approx(200)
    assert table["tax_per_mu"].to_list()[1:] == [None, None]
    assert table["yoy"].to_list() == pytest.approx([1.0, 1.0, 1.0])
    assert table["tax_refund"].to_list() == [12.5] * 3


# ---------------------------------------------------------------------------------------------
# 纾困增效清单
# ---------------------------------------------------------------------------------------------
BASE = {"output_value": 100.0, "revenue": 100.0, "tax": 5.0, "profit": 10.0, "electricity": 10.0}


def firm(eid: int, **year_2026: float | list[float]) -> list[Row]:
    """A firm flat at BASE through 2025, then BASE overridden by ``year_2026`` for January–June."""
    return ytd_rows(eid, 2025, 12, **BASE) + ytd_rows(eid, 2026, 6, **(BASE | year_2026))


def relief_case() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = (
        firm(1, revenue=85.0)  # revenue −15 % exactly → in
        + firm(2, revenue=85.1)  # −14.9 % → out
        + firm(3, profit=-1.0)  # loss → in
        + firm(4, output_value=[100, 100, 100, 100, 30, 30])  # 30 % in May and June → in
        + firm(5, output_value=[100, 100, 100, 100, 100, 20])  # only June → out
        + firm(6, electricity=8.0)  # electricity −20 % exactly → in
        + firm(7, revenue=85.0)  # grade D → excluded
        + firm(8, revenue=85.0)  # eliminated → excluded
        + firm(9, revenue=85.0)  # 规下 → excluded
        + firm(10)  # debt ratio 80 % → in
        + firm(11)  # healthy → out
        + firm(12, revenue=50.0, profit=-2.0)  # −50 % and a loss → in, hardest case
    )
    attrs = attrs_frame(
        [
            {"enterprise_id": 1},
            {"enterprise_id": 2},
            {"enterprise_id": 3},
            {"enterprise_id": 4},
            {"enterprise_id": 5},
            {"enterprise_id": 6},
            {"enterprise_id": 7, "grade": "D"},
            {"enterprise_id": 8, "flags": ["eliminated"]},
            {"enterprise_id": 9, "above_scale": False},
            {"enterprise_id": 10, "debt_ratio": 0.8},
            {"enterprise_id": 11},
            {"enterprise_id": 12, "county": "C2"},
        ]
    )
    return monthly_frame(rows), attrs


def test_relief_entry_boundaries_are_inclusive():
    # given
    monthly, attrs = relief_case()
    # when
    table = relief(monthly, attrs, as_of=JUNE, rules=RULES)
    # then
    assert sorted(ids(table)) == [1, 3, 4, 6, 10, 12]
    reasons = dict(zip(table["enterprise_id"], table["reasons"].to_list(), strict=True))
    assert reasons[1] == ["revenue_decline"]
    assert reasons[3] == ["loss"]
    assert reasons[4] == ["stoppage"]
    assert reasons[6] == ["electricity_decline"]
    assert reasons[10] == ["debt"]
    assert reasons[12] == ["revenue_decline", "loss"]


def test_relief_difficulty_weights_decline_depth_and_loss():
    # given
    monthly, attrs = relief_case()
    # when
    table = relief(monthly, attrs, as_of=JUNE, rules=RULES)
    # then
    by_id = {row["enterprise_id"]: row for row in table.rows(named=True)}
    # 12: 40 × min(1, 0.5 / 0.5) + 25 = 65 → 重点帮扶; 1: 40 × 0.15 / 0.5 = 12
    assert by_id[12]["value"] == pytest.approx(65)
    assert by_id[12]["tier"] == "重点帮扶"
    assert by_id[12]["rank"] == 1
    assert by_id[1]["value"] == pytest.approx(12)
    assert by_id[1]["tier"] == "一般帮扶"
    assert by_id[3]["value"] == pytest.approx(25)
    assert by_id[4]["value"] == pytest.approx(20)
    assert by_id[4]["stoppage_months"] == 2
    assert by_id[10]["value"] == pytest.approx(15)
    assert by_id[6]["value"] == pytest.approx(40 * 0.2 / 0.5)
    assert by_id[1]["revenue_yoy"] == pytest.approx(-0.15)
    assert by_id[12]["reason_labels"] == "营业收入累计同比下降；亏损"


def test_relief_lists_every_entrant_and_can_partition():
    # when
    table = relief(*relief_case(), as_of=JUNE, rules=RULES, partition_by="county")
    # then
    assert table.filter(pl.col("county") == "C2")["enterprise_id"].to_list() == [12]
    assert table.filter(pl.col("county") == "C1").height == 5


def test_a_missing_month_breaks_a_stoppage_run():
    # given: firm 4 without its May report
    monthly, attrs = relief_case()
    gap = monthly.filter(
        ~((pl.col("enterprise_id") == 4) & (pl.col("year") == 2026) & (pl.col("month") == 5))
    )
    # when
    table = relief(gap, attrs, as_of=JUNE, rules=RULES)
    # then
    assert 4 not in ids(table)


def test_relief_exit_needs_three_months_of_growth_and_profit():
    # given: firm 1 recovered from April (YTD 同比 ≥ 0 and profit ≥ 0 in April–June); firm 2 from May
    rows = ytd_rows(1, 2025, 12, **BASE) + ytd_rows(2, 2025, 12, **BASE)
    rows += ytd_rows(1, 2026, 6, **(BASE | {"revenue": [70.0, 70.0, 70.0, 190.0, 100.0, 100.0]}))
    rows += ytd_rows(2, 2026, 6, **(BASE | {"revenue": [70.0, 70.0, 70.0, 100.0, 190.0, 100.0]}))
    # when
    table = relief_exit(monthly_frame(rows), as_of=JUNE, rules=RULES)
    # then
    assert table["recovered_months"].to_list() == [3, 2]
    assert table["exited"].to_list() == [True, False]
    assert table["exit_reason"].to_list() == ["recovered", None]


def test_relief_exit_when_back_to_the_baseline_level():
    # given: firm 2 is back to 100/month over April–June, its pre-difficulty level
    rows = ytd_rows(2, 2025, 12, **BASE)
    rows += ytd_rows(2, 2026, 6, **(BASE | {"revenue": [10.0, 10.0, 10.0, 100.0, 100.0, 100.0]}))
    baseline = pl.DataFrame({"enterprise_id": [2], "baseline_monthly_revenue": [100.0]})
    # when
    table = relief_exit(monthly_frame(rows), as_of=JUNE, rules=RULES, baseline=baseline)
    # then
    row = table.row(0, named=True)
    assert row["recent_monthly_revenue"] == pytest.approx(100)
    assert row["back_to_baseline"] is True
    assert row["exit_reason"] == "back_to_baseline"


# ---------------------------------------------------------------------------------------------
# 新增入规清单
# ---------------------------------------------------------------------------------------------
def test_new_above_scale_lists_entrants_and_the_pipeline_with_da_biao_dai_ru():
    # given (June 2026; 当月 revenue per firm)
    rows = (
        ytd_rows(1, 2026, 6, **(BASE | {"revenue": 200.0}))  # entered this year
        + ytd_rows(2, 2026, 6, **(BASE | {"revenue": 900.0}))  # 规上 both years
        # 3: R12 = 700 + 1800 − 900 = 1600 ≥ 1500 → 入规培育
        + ytd_rows(3, 2025, 12, **(BASE | {"revenue": 150.0}))
        + ytd_rows(3, 2026, 6, **(BASE | {"revenue": 700 / 6}))
        # 4: annualised 1000 × 12/6 = 2000 exactly → 达标待入
        + ytd_rows(4, 2026, 6, **(BASE | {"revenue": 1000 / 6}))
        # 5: R12 = 600 + 1799.9 − 900 = 1499.9 → out
        + ytd_rows(5, 2025, 12, **(BASE | {"revenue": [150.0] * 11 + [149.9]}))
        + ytd_rows(5, 2026, 6, **(BASE | {"revenue": 100.0}))
        # 6: a service firm over the threshold → not industrial, out
        + ytd_rows(6, 2026, 6, **(BASE | {"revenue": 500.0}))
    )
    attrs = attrs_frame(
        [
            {
                "enterprise_id": 1,
                "above_scale_prev": False,
                "entry_month": 3,
                "entry_path": "小升规",
            },
            {"enterprise_id": 2},
            {"enterprise_id": 3, "above_scale": False, "above_scale_prev": False},
            {"enterprise_id": 4, "above_scale": False, "above_scale_prev": False},
            {"enterprise_id": 5, "above_scale": False, "above_scale_prev": False},
            {
                "enterprise_id": 6,
                "above_scale": False,
                "above_scale_prev": False,
                "industry_code": "7010",
            },
            # 7: no figures yet, a project expected to bring 2500万
            {
                "enterprise_id": 7,
                "above_scale": False,
                "above_scale_prev": False,
                "projected_revenue": 2500.0,
            },
        ]
    )
    # when
    table = new_above_scale(monthly_frame(rows), attrs, as_of=JUNE, rules=RULES)
    # then
    assert table.select("kind", "enterprise_id", "tier", "rank").rows() == [
        ("entered", 1, "新增入规", 1),
        ("pipeline", 3, "入规培育", 1),
        ("pipeline", 7, "入规培育", 2),
        ("pipeline", 4, "达标待入", 3),
    ]
    by_id = {row["enterprise_id"]: row for row in table.rows(named=True)}
    assert by_id[1]["value"] == pytest.approx(1200)
    assert by_id[1]["entry_path"] == "小升规"
    assert by_id[3]["r12_revenue"] == pytest.approx(1600)
    assert (by_id[3]["basis"], by_id[3]["priority"], by_id[3]["value"]) == (
        "r12",
        pytest.approx(0.8),
        pytest.approx(1600),
    )
    assert (by_id[7]["basis"], by_id[7]["priority"]) == ("project", pytest.approx(0.625))
    assert by_id[4]["annualised_revenue"] == pytest.approx(2000)
    assert by_id[4]["meets_threshold"] is True
    assert (by_id[4]["basis"], by_id[4]["priority"]) == ("annualised", pytest.approx(0.5))


def test_new_above_scale_needs_last_years_status():
    # given
    attrs = attrs_frame([{"enterprise_id": 1}]).drop("above_scale_prev")
    monthly = monthly_frame(ytd_rows(1, 2026, 6, **BASE))
    # when / then
    with pytest.raises(ValueError, match="above_scale_prev"):
        new_above_scale(monthly, attrs, as_of=JUNE, rules=RULES)


# ---------------------------------------------------------------------------------------------
# 最具成长性清单
# ---------------------------------------------------------------------------------------------
def annual(
    eid: int, revenue: list[float | None], tax: list[float], profit: list[float], rnd: list[float]
) -> list[Row]:
    """December 本年累计 rows for 2022–2025."""
    return [
        {
            "enterprise_id": eid,
            "year": 2022 + k,
            "month": 12,
            "output_value": revenue[k],
            "revenue": revenue[k],
            "tax": tax[k],
            "profit": profit[k],
            "electricity": 1.0,
            "rnd": rnd[k],
        }
        for k in range(4)
        if revenue[k] is not None
    ]


def growth_case() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = (
        annual(1, [1000, 2000, 4000, 8000], [10, 20, 40, 80], [100, 200, 400, 800], [0, 0, 40, 240])
        + annual(2, [2000, 2200, 2420, 2662], [10, 10, 10, 10], [100, 100, 100, 100], [0, 0, 0, 0])
        + annual(
            3, [999, 2000, 4000, 8000], [10, 20, 40, 80], [100, 200, 400, 800], [0] * 4
        )  # low base
        + annual(
            4, [1000, 2000, 4000, 8000], [10, 20, 40, 80], [0, 0, -10, -20], [0] * 4
        )  # loss deepened
        + annual(
            5, [1000, 2000, 4000, 8000], [10, 20, 40, 80], [0, 0, -20, -10], [0] * 4
        )  # loss shrank
        + annual(6, [1000, 2000, 4000, 8000], [10, 20, 40, 80], [1] * 4, [0] * 4)  # grade D
        + annual(7, [1000, 2000, 4000, 8000], [10, 20, 40, 80], [1] * 4, [0] * 4)  # violation
        + annual(8, [1000, None, 4000, 8000], [10, 20, 40, 80], [1] * 4, [0] * 4)  # a year missing
    )
    attrs = attrs_frame(
        [
            {"enterprise_id": 1, "land_mu": 10.0, "qualifications": ["little_giant", "high_tech"]},
            {"enterprise_id": 2, "land_mu": 10.0, "above_scale": False},
            {"enterprise_id": 3},
            {"enterprise_id": 4},
            {"enterprise_id": 5, "land_mu": 10.0},
            {"enterprise_id": 6, "grade": "D"},
            {"enterprise_id": 7, "flags": ["major_violation"]},
            {"enterprise_id": 8},
        ]
    )
    return monthly_frame(rows), attrs


def test_growth_universe_and_gates():
    # when
    table = growth(*growth_case(), year=2025, rules=RULES)
    # then: 3 low base, 4 deeper loss, 6 grade D, 7 violation, 8 a missing year
    assert sorted(ids(table)) == [1, 2, 5]


def test_growth_measures_by_hand():
    # when
    table = growth(*growth_case(), year=2025, rules=RULES)
    # then
    one = table.filter(pl.col("enterprise_id") == 1).row(0, named=True)
    assert one["revenue_cagr"] == pytest.approx(1.0)  # (8000 / 1000)^(1/3) − 1
    assert one["tax_growth"] == pytest.approx(1.0)  # mean of 80/40 − 1 and 40/20 − 1
    assert one["profit_measure"] == pytest.approx(0.0)  # 10 % margin both years
    assert one["rnd_intensity"] == pytest.approx(0.03)
    assert one["rnd_intensity_change"] == pytest.approx(0.02)
    assert one["tax_per_mu_change"] == pytest.approx(4.0)  # (80 − 40) / 10
    assert one["score_status"] == 5  # 小巨人 4 + 高企 2, capped at 5
    two = table.filter(pl.col("enterprise_id") == 2).row(0, named=True)
    assert two["revenue_cagr"] == pytest.approx(0.1)


def test_growth_score_by_method_e_over_three_firms():
    # when
    table = growth(*growth_case(), year=2025, rules=RULES)
    # then: firm 1 leads CAGR (1.0 vs 0.1 and 1.0 for firm 5) …
    by_id = {row["enterprise_id"]: row for row in table.rows(named=True)}
    assert by_id[1]["score_revenue_cagr"] == pytest.approx(35)
    assert by_id[2]["score_revenue_cagr"] == pytest.approx(35 * 0.6)
    assert by_id[5]["score_rnd_level"] == pytest.approx(7.5 * 0.6)
    # … and firm 5's 亩均税收 gain, (80 − 40) / 10 = 4, ties firm 1 for the top
    assert by_id[5]["score_tax_per_mu"] == pytest.approx(10)
    parts = [c for c in table.columns if c.startswith("score_")]
    sums = table.select(pl.sum_horizontal(parts)).to_series()
    assert (sums - table["value"]).abs().max() < 1e-9
    assert by_id[1]["rank"] == 1


# ---------------------------------------------------------------------------------------------
# 产业链链主清单
# ---------------------------------------------------------------------------------------------
def chain_case() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    chains = pl.DataFrame(
        {"chain_id": [1, 2, 3], "category": ["advantage", "emerging", "cultivating"]}
    )
    links = pl.DataFrame(
        {
            "chain_id": [1, 1, 1, 1, 2, 2],
            "enterprise_id": [10, 11, 12, 13, 20, 21],
            "principal": [True, True, True, True, True, True],
            "revenue": [80_000.0, 50_000.0, 30_000.0, 20_000.0, 9_000.0, 8_000.0],
            "rnd": [100.0, 1_500.0, 0.0, 0.0, 0.0, 300.0],
            "local_suppliers": [2, 5, 9, 0, 1, 0],
            "local_purchase": [None, None, None, None, None, None],
            "market_leader": [False, False, True, False, False, False],
            "signed": [False, False, True, False, False, False],
            "designated": [True, False, False, False, False, False],
        },
        schema_overrides={"local_purchase": pl.Float64},
    )
    attrs = attrs_frame(
        [
            {"enterprise_id": 10},
            {"enterprise_id": 11, "grade": "A"},  # (b) 5亿 exactly, (c) 5 suppliers, (d) 3 % R&D
            {"enterprise_id": 12, "grade": "C"},  # meets b–f but grade C fails (a)
            {"enterprise_id": 13},
            {"enterprise_id": 20},
            {"enterprise_id": 21, "flags": ["major_violation"]},
        ]
    )
    return chains, links, attrs


def test_chain_masters_designated_candidates_cultivation_and_gaps():
    # when
    table = chain_masters(*chain_case(), rules=RULES)
    # then: every chain shows a 链主 or a gap
    assert table.select("chain_id", "rank", "enterprise_id", "status", "tier").rows() == [
        (1, 1, 10, "designated", "链主"),
        (1, 2, 11, "candidate", "候选链主"),
        (2, 1, 20, "cultivation", "准链主"),
        (3, 1, None, "gap", "缺链主"),
    ]


def test_chain_master_criteria_are_shown():
    # when
    table = chain_masters(*chain_case(), rules=RULES)
    # then
    candidate = table.filter(pl.col("enterprise_id") == 11).row(0, named=True)
    assert [candidate[f"crit_{c}"] for c in "abcdef"] == [True, True, True, True, False, False]
    assert candidate["criteria_met"] == 3
    assert candidate["chain_rank"] == 2
    assert candidate["rnd_intensity"] == pytest.approx(0.03)
    designated = table.filter(pl.col("enterprise_id") == 10).row(0, named=True)
    assert designated["meets_criteria"] is False  # still listed: designation is the 链长's call
    assert json.loads(designated["evidence"])["status"] == "designated"


def test_a_chain_with_only_violators_shows_a_gap():
    # given
    chains, links, attrs = chain_case()
    attrs = attrs.with_columns(pl.lit(["major_violation"]).alias("flags"))
    # when
    table = chain_masters(chains, links.filter(pl.col("chain_id") == 2), attrs, rules=RULES)
    # then
    assert table.select("chain_id", "status").rows() == [(1, "gap"), (2, "gap"), (3, "gap")]


# ---------------------------------------------------------------------------------------------
# Inputs and properties
# ---------------------------------------------------------------------------------------------
def test_missing_required_columns_are_named():
    # given
    monthly, attrs = output_case()
    # when / then
    with pytest.raises(ValueError, match="electricity"):
        top_output(monthly.drop("electricity"), attrs, as_of=JUNE, rules=RULES)
    with pytest.raises(ValueError, match="county"):
        top_output(monthly, attrs.drop("county"), as_of=JUNE, rules=RULES)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_lists_do_not_depend_on_row_order(seed):
    # given
    monthly, attrs = relief_case()
    shuffled_monthly = monthly.sample(fraction=1.0, shuffle=True, seed=seed)
    shuffled_attrs = attrs.sample(fraction=1.0, shuffle=True, seed=seed + 1)
    # when / then
    for build in (relief, top_output, top_tax, new_above_scale):
        first = build(monthly, attrs, as_of=JUNE, rules=RULES)
        second = build(shuffled_monthly, shuffled_attrs, as_of=JUNE, rules=RULES)
        assert first.equals(second), build.__name__


@settings(max_examples=40, deadline=None)
@given(deeper=st.floats(0, 0.5, allow_nan=False))
def test_a_deeper_revenue_fall_never_lowers_difficulty(deeper):
    # given: firm 1 falls a further ``deeper`` share of last year's revenue
    monthly, attrs = relief_case()
    worse = monthly.with_columns(
        pl.when((pl.col("enterprise_id") == 1) & (pl.col("year") == 2026))
        .then(pl.col("revenue") - pl.col("month") * 100 * deeper)
        .otherwise(pl.col("revenue"))
        .alias("revenue")
    )
    # when
    before = relief(monthly, attrs, as_of=JUNE, rules=RULES).filter(pl.col("enterprise_id") == 1)
    after = relief(worse, attrs, as_of=JUNE, rules=RULES).filter(pl.col("enterprise_id") == 1)
    # then
    assert after["value"].item() >= before["value"].item() - 1e-9
