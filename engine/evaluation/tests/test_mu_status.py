"""Who is evaluated (domain.md §1.2): graded, exempt (免评), deferred (暂缓评价), excluded; groups."""

from __future__ import annotations

import polars as pl
import pytest

from engine.evaluation.mu import evaluate, frame_hash
from engine.evaluation.scheme import load_preset
from engine.evaluation.tests.test_mu_support import firm, frame, row, tax_only_scheme


def xiangxi_firm(enterprise_id: int, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "tax_annual": 100.0,
        "value_added_annual": 800.0,
        "revenue_annual": 3000.0,
        "energy_tce": 300.0,
        "emissions": 0.2,
        "employees_avg": 50.0,
        "rnd_annual": 60.0,
        "electricity_annual": 200.0,
    }
    values.update(overrides)
    return firm(enterprise_id, **values)  # type: ignore[arg-type]


def statuses(rows: list[dict[str, object]]) -> dict[int, tuple[str, str | None]]:
    result = evaluate(frame(*rows), load_preset("xiangxi"))
    return {
        r["enterprise_id"]: (r["status"], r["status_reason"])
        for r in result.enterprises.iter_rows(named=True)
    }


def test_industries_outside_06_to_46_are_excluded_and_utilities_exempt():
    rows = [
        xiangxi_firm(1, industry_code="1311"),  # 谷物磨制: manufacturing
        xiangxi_firm(2, industry_code="C3011"),  # with its 门类 letter
        xiangxi_firm(3, industry_code="5211"),  # 批发业
        xiangxi_firm(4, industry_code=None),
        xiangxi_firm(5, industry_code="4411"),  # 火力发电
        xiangxi_firm(6, industry_code="4620"),  # 污水处理
        xiangxi_firm(7, industry_code="0610"),  # 煤炭开采
    ]
    assert statuses(rows) == {
        1: ("graded", None),
        2: ("graded", None),
        3: ("excluded", "industry_out_of_scope"),
        4: ("excluded", "industry_unknown"),
        5: ("exempt", "exempt_industry:44"),
        6: ("exempt", "exempt_industry:46"),
        7: ("graded", None),
    }


def test_tobacco_military_and_tax_programme_firms_are_exempt():
    rows = [
        xiangxi_firm(1, flags=["tobacco"]),
        xiangxi_firm(2, flags=["hitech", "military"]),
        xiangxi_firm(3, flags=["tax_programme"]),
    ]
    assert statuses(rows) == {
        1: ("exempt", "exempt_flag:tobacco"),
        2: ("exempt", "exempt_flag:military"),
        3: ("exempt", "exempt_flag:tax_programme"),
    }


def test_land_scope_below_scale_needs_three_mu_and_everyone_needs_land():
    rows = [
        xiangxi_firm(1, above_scale=False, land_mu=2.9),
        xiangxi_firm(2, above_scale=False, land_mu=3.0),
        xiangxi_firm(3, above_scale=True, land_mu=2.0),  # 规上: no threshold
        xiangxi_firm(4, land_mu=None),
        xiangxi_firm(5, land_mu=0.0),
        xiangxi_firm(6, above_scale=None, land_mu=2.0),  # unknown scale counts as 规下
    ]
    assert statuses(rows) == {
        1: ("excluded", "below_scale_small_land"),
        2: ("graded", None),
        3: ("graded", None),
        4: ("excluded", "no_land"),
        5: ("excluded", "no_land"),
        6: ("excluded", "below_scale_small_land"),
    }


def test_firms_younger_than_two_years_are_deferred():
    rows = [
        xiangxi_firm(1, years_operating=1.9),
        xiangxi_firm(2, years_operating=2.0),
        xiangxi_firm(3, years_operating=None),  # unknown: treated as established
    ]
    assert statuses(rows) == {
        1: ("deferred", "new_entity"),
        2: ("graded", None),
        3: ("graded", None),
    }


def test_exemption_comes_before_land_and_age():
    rows = [xiangxi_firm(1, industry_code="4411", land_mu=None, years_operating=0.5)]
    assert statuses(rows) == {1: ("exempt", "exempt_industry:44")}


def test_ungraded_firms_have_no_score_rank_or_grade_and_do_not_move_benchmarks():
    # given: one graded firm and a deferred one with a huge tax
    rows = [
        xiangxi_firm(1),
        xiangxi_firm(2, tax_annual=1e6, years_operating=1.0),
    ]
    # when
    result = evaluate(frame(*rows), load_preset("xiangxi"))
    # then
    deferred = row(result, 2)
    assert deferred["group"] == "above"
    assert [deferred[c] for c in ("pool", "total", "rank", "grade", "grade_reason")] == [None] * 5
    assert result.components.filter(pl.col("enterprise_id") == 2).height == 0
    tax = result.benchmarks.filter(pl.col("indicator") == "tax_per_mu")
    assert tax["benchmark"].to_list() == [10.0]
    assert tax["n"].to_list() == [1]


def test_groups_split_above_and_below_scale_and_pools_split_by_county():
    rows = [
        xiangxi_firm(1, county="433101"),
        xiangxi_firm(2, county="433122"),
        xiangxi_firm(3, county="433101", above_scale=False),
        xiangxi_firm(4, county=None),
    ]
    result = evaluate(frame(*rows), load_preset("xiangxi"))
    assert [(row(result, i)["group"], row(result, i)["pool"]) for i in (1, 2, 3, 4)] == [
        ("above", "above/433101"),
        ("above", "above/433122"),
        ("below", "below/433101"),
        ("above", "above/-"),
    ]
    below = result.components.filter(pl.col("enterprise_id") == 3)
    assert below["indicator"].to_list() == ["tax_per_mu", "revenue_per_mu"]
    assert below["weight"].to_list() == [70.0, 30.0]


def test_a_firm_no_group_accepts_is_excluded():
    scheme = tax_only_scheme(group={"above_scale": True})
    result = evaluate(frame(firm(1, above_scale=False, tax_annual=1.0)), scheme)
    assert (row(result, 1)["status"], row(result, 1)["status_reason"]) == ("excluded", "no_group")


def test_the_frame_must_have_the_columns_the_scheme_reads():
    missing = frame(firm(1, tax_annual=1.0)).drop("emissions", "county")
    with pytest.raises(ValueError, match="lacks columns: county, emissions"):
        evaluate(missing, load_preset("xiangxi"))


def test_enterprise_ids_must_be_unique():
    with pytest.raises(ValueError, match="enterprise ids repeat: 1"):
        evaluate(frame(firm(1, tax_annual=1.0), firm(1, tax_annual=2.0)), tax_only_scheme())


def test_a_lazy_frame_and_integer_columns_are_accepted():
    data = frame(firm(1, tax_annual=3.0)).with_columns(pl.col("tax_annual").cast(pl.Int64))
    result = evaluate(data.lazy(), tax_only_scheme())
    assert row(result, 1)["total"] == pytest.approx(30.0)  # 3 万元 on 10 亩 × 100


def test_an_empty_frame_gives_empty_results():
    result = evaluate(frame(), load_preset("xiangxi"))
    assert (result.enterprises.height, result.components.height, result.benchmarks.height) == (
        0,
        0,
        0,
    )


def test_the_input_hash_ignores_row_and_column_order_but_not_values():
    data = frame(firm(1, tax_annual=1.0), firm(2, tax_annual=2.0, flags=["hitech"]))
    scheme = tax_only_scheme()
    reference = evaluate(data, scheme).input_hash
    assert evaluate(data.reverse(), scheme).input_hash == reference
    assert evaluate(data.select(reversed(data.columns)), scheme).input_hash == reference
    changed = data.with_columns(pl.col("tax_annual") * 2)
    assert evaluate(changed, scheme).input_hash != reference
    # columns the scheme does not read do not count
    assert evaluate(data.with_columns(pl.lit("x").alias("name")), scheme).input_hash == reference
    assert frame_hash(data) != reference  # frame_hash itself hashes every column given
