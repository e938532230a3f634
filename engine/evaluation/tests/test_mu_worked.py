"""Worked examples computed by hand from domain.md §1.6: 黄岩 2022 (Method R), 淮安 (R2), M and E."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from engine.evaluation.mu import evaluate
from engine.evaluation.scheme import MuScheme, load_preset
from engine.evaluation.tests.test_mu_support import component, firm, frame, row, tax_only_scheme

# 黄岩 2022 规上 benchmarks (domain.md §1.6, [S1][S2])
TAX_B, VA_B, ENERGY_B, EMISSION_B, LABOUR_B, RND_B = 24.097, 136.16, 2.694, 4929.81, 18.14, 0.0302


def at_benchmarks(enterprise_id: int, land: float = 20.0) -> dict[str, object]:
    """A firm exactly at every 黄岩 2022 benchmark (value added 136.16 万元/亩 × land …)."""
    value_added = VA_B * land
    return firm(
        enterprise_id,
        land_mu=land,
        tax_annual=TAX_B * land,
        value_added_annual=value_added,
        energy_tce=value_added / ENERGY_B,
        emissions=value_added / EMISSION_B,
        employees_avg=value_added / LABOUR_B,
        revenue_annual=10_000.0,
        rnd_annual=RND_B * 10_000.0,
    )


# The hand-computed firm: 8 亩, tax 500 万元, value added 1,200 万元, 400 tce, 0.3 t of emissions,
# 60 employees, revenue 5,000 万元 of which R&D 100 万元.
STRONG: dict[str, Any] = {
    "land_mu": 8.0,
    "tax_annual": 500.0,
    "value_added_annual": 1_200.0,
    "energy_tce": 400.0,
    "emissions": 0.3,
    "employees_avg": 60.0,
    "revenue_annual": 5_000.0,
    "rnd_annual": 100.0,
}


def huangyan_pool() -> pl.DataFrame:
    """Three 规上 firms whose aggregates (Σnumerator / Σdenominator) are the 黄岩 2022 benchmarks:
    firm 1 at the benchmarks, firm 2 = STRONG, firm 3 = 2 × firm 1 − firm 2 (so Σ = 3 × firm 1)."""
    average = at_benchmarks(1)
    weak = {
        column: 2 * average[column] - STRONG[column]  # type: ignore[operator]
        for column in STRONG
    }
    return frame(average, firm(2, **STRONG), firm(3, **weak))


def test_huangyan_2022_benchmarks_are_the_pool_aggregates():
    # when
    result = evaluate(huangyan_pool(), load_preset("zj6"))
    # then
    benchmarks = dict(
        result.benchmarks.filter(pl.col("group") == "above")
        .select("indicator", "benchmark")
        .iter_rows()
    )
    assert benchmarks == {
        "tax_per_mu": pytest.approx(24.097, rel=1e-12),
        "value_added_per_mu": pytest.approx(136.16, rel=1e-12),
        "value_added_per_energy": pytest.approx(2.694, rel=1e-12),
        "value_added_per_emission": pytest.approx(4929.81, rel=1e-12),
        "labour_productivity": pytest.approx(18.14, rel=1e-12),
        "rnd_intensity": pytest.approx(0.0302, rel=1e-12),
    }
    assert result.benchmarks["n"].to_list() == [3] * 6


def test_an_enterprise_at_every_benchmark_scores_100():
    # when
    result = evaluate(huangyan_pool(), load_preset("zj6"))
    # then: each indicator scores its weight, 30 + 20 + 20 + 10 + 10 + 10
    scores = dict(
        result.components.filter(pl.col("enterprise_id") == 1)
        .select("indicator", "score")
        .iter_rows()
    )
    assert scores == {
        "tax_per_mu": pytest.approx(30),
        "value_added_per_mu": pytest.approx(20),
        "value_added_per_energy": pytest.approx(20),
        "value_added_per_emission": pytest.approx(10),
        "labour_productivity": pytest.approx(10),
        "rnd_intensity": pytest.approx(10),
    }
    assert row(result, 1)["total"] == pytest.approx(100.0, abs=1e-9)


def test_an_enterprise_alone_in_its_pool_is_its_own_benchmark_and_scores_exactly_100():
    result = evaluate(frame(firm(7, **STRONG)), load_preset("zj6"))
    assert row(result, 7)["base_score"] == 100.0


def test_hand_computed_enterprise_with_its_tax_score_capped_at_twice_the_weight():
    # when
    result = evaluate(huangyan_pool(), load_preset("zj6"))
    # then: 亩均税收 500/8 = 62.5 万元/亩; 30 × 62.5 / 24.097 = 77.81 > 2 × 30, so 60
    tax = component(result, 2, "tax_per_mu")
    assert tax["value"] == 62.5
    assert tax["score_raw"] == pytest.approx(30 * 62.5 / 24.097)  # 77.8105
    assert tax["score"] == 60.0
    assert tax["guard"] == "cap"
    # 亩均增加值 1200/8 = 150: 20 × 150 / 136.16 = 22.0329
    assert component(result, 2, "value_added_per_mu")["score"] == pytest.approx(20 * 150 / 136.16)
    # 单位能耗增加值 1200/400 = 3: 20 × 3 / 2.694 = 22.2717
    assert component(result, 2, "value_added_per_energy")["score"] == pytest.approx(20 * 3 / 2.694)
    # 单位排放增加值 1200/0.3 = 4000: 10 × 4000 / 4929.81 = 8.1139
    emission = component(result, 2, "value_added_per_emission")
    assert emission["value"] == pytest.approx(4000)
    assert emission["score"] == pytest.approx(10 * 4000 / 4929.81)
    # 全员劳动生产率 1200/60 = 20: 10 × 20 / 18.14 = 11.0254
    assert component(result, 2, "labour_productivity")["score"] == pytest.approx(10 * 20 / 18.14)
    # R&D 100/5000 = 0.02: 10 × 0.02 / 0.0302 = 6.6225
    assert component(result, 2, "rnd_intensity")["score"] == pytest.approx(10 * 0.02 / 0.0302)
    # total 60 + 22.0329 + 22.2717 + 8.1139 + 11.0254 + 6.6225 = 130.0664
    assert row(result, 2)["total"] == pytest.approx(130.0664, abs=1e-4)
    # ranks 1–3 of 3: p = 1/3, 2/3, 1 → B, C, D with cuts 0.20 / 0.60 / 0.95
    assert [row(result, i)["rank"] for i in (2, 1, 3)] == [1, 2, 3]
    assert [row(result, i)["grade"] for i in (2, 1, 3)] == ["B", "C", "D"]


def test_fixed_huangyan_benchmarks_give_the_same_scores_without_a_pool():
    # given: the 黄岩 2022 figures frozen as fixed benchmarks (domain.md §1.6 guard 6)
    definition = load_preset("zj6").model_dump(mode="json")
    fixed = [TAX_B, VA_B, ENERGY_B, EMISSION_B, LABOUR_B, RND_B]
    for indicator, benchmark in zip(definition["groups"][0]["indicators"], fixed, strict=True):
        indicator.update(benchmark="fixed", benchmark_fixed=benchmark)
    scheme = MuScheme.model_validate(definition)
    # when: the strong firm alone
    result = evaluate(frame(firm(2, **STRONG)), scheme)
    # then
    assert row(result, 2)["total"] == pytest.approx(130.0664, abs=1e-4)


def test_huangyan_2022_below_scale_benchmarks():
    # given: 规下 benchmarks 11.5932 万元/亩 and 0.2352 万元/万kWh; one firm at both, one at double
    at = firm(
        1,
        above_scale=False,
        land_mu=5.0,
        tax_annual=5 * 11.5932,
        electricity_annual=5 * 11.5932 / 0.2352,
    )
    double = firm(
        2,
        above_scale=False,
        land_mu=5.0,
        tax_annual=2 * 5 * 11.5932,
        electricity_annual=5 * 11.5932 / 0.2352,
    )
    low = firm(
        3, above_scale=False, land_mu=5.0, tax_annual=0.0, electricity_annual=5 * 11.5932 / 0.2352
    )
    # when
    result = evaluate(frame(at, double, low), load_preset("zj6"))
    # then: Σtax / Σland = 3 × 57.966 / 15 = 11.5932, Σtax / Σelectricity = 0.2352
    benchmarks = dict(result.benchmarks.select("indicator", "benchmark").iter_rows())
    assert benchmarks == {
        "tax_per_mu": pytest.approx(11.5932),
        "tax_per_electricity": pytest.approx(0.2352),
    }
    assert row(result, 1)["total"] == pytest.approx(100)  # 50 + 50
    assert row(result, 2)["total"] == pytest.approx(200)  # 2 × 50 each, exactly at the cap
    assert row(result, 3)["total"] == 0.0  # no tax: both indicators non-positive


def test_huaian_r2_benchmark_is_twice_the_average_so_an_average_firm_scores_50():
    # given: 淮安 scores against 2 × the county average (domain.md §1.6 Method R2)
    scheme = load_preset("huaian")
    rows = [
        firm(i, land_mu=10.0, tax_annual=t, revenue_annual=10 * t, electricity_annual=t / 0.5)
        for i, t in ((1, 200.0), (2, 100.0), (3, 300.0))
    ]
    # when
    result = evaluate(frame(*rows), scheme)
    # then: B = 2 × 20 万元/亩, 2 × 200 万元/亩, 2 × 0.5
    benchmarks = dict(result.benchmarks.select("indicator", "benchmark").iter_rows())
    assert benchmarks == {
        "tax_per_mu": pytest.approx(40),
        "revenue_per_mu": pytest.approx(400),
        "tax_per_electricity": pytest.approx(1.0),
    }
    assert row(result, 1)["total"] == pytest.approx(45 / 2 + 35 / 2 + 20 / 2)  # 50
    # firm 3: 30/40 × 45 + 300/400 × 35 + 0.5/1 × 20 = 33.75 + 26.25 + 10 = 70; no cap in 淮安
    assert row(result, 3)["total"] == pytest.approx(70)


def method_scheme(method: str, winsorise: tuple[float, float] | None = None) -> MuScheme:
    return tax_only_scheme(
        indicator={
            "method": method,
            "benchmark": "aggregate",
            "benchmark_fixed": None,
            "winsorise": winsorise,
        }
    )


def test_method_m_scores_between_20_and_100_percent_of_the_weight():
    # given: 亩均税收 10, 20, 40 (1 亩 each), weight 100, no winsorising
    rows = [firm(i, land_mu=1.0, tax_annual=t) for i, t in ((1, 10.0), (2, 20.0), (3, 40.0))]
    # when
    result = evaluate(frame(*rows), method_scheme("M"))
    # then: s = w × (20 + 80 × (x − 10) / (40 − 10)) / 100
    assert component(result, 1, "tax_per_mu")["score"] == pytest.approx(20)
    assert component(result, 2, "tax_per_mu")["score"] == pytest.approx(20 + 80 / 3)  # 46.667
    assert component(result, 3, "tax_per_mu")["score"] == pytest.approx(100)
    bench = result.benchmarks.row(0, named=True)
    assert (bench["min"], bench["max"], bench["n"]) == (10.0, 40.0, 3)


def test_method_e_scores_between_60_and_100_percent_of_the_weight():
    rows = [firm(i, land_mu=1.0, tax_annual=t) for i, t in ((1, 10.0), (2, 20.0), (3, 40.0))]
    result = evaluate(frame(*rows), method_scheme("E"))
    # s = w × (0.6 + 0.4 × (x − 10) / 30)
    assert component(result, 1, "tax_per_mu")["score"] == pytest.approx(60)
    assert component(result, 2, "tax_per_mu")["score"] == pytest.approx(100 * (0.6 + 0.4 / 3))
    assert component(result, 3, "tax_per_mu")["score"] == pytest.approx(100)


def test_methods_m_and_e_winsorise_at_p1_p99_by_default():
    # given: 亩均税收 1, 2, …, 101; P1 = 2 and P99 = 100 (linear interpolation)
    rows = [firm(i, land_mu=1.0, tax_annual=float(i)) for i in range(1, 102)]
    scheme = tax_only_scheme(
        indicator={"method": "E", "benchmark": "aggregate", "benchmark_fixed": None}
    )
    assert scheme.groups[0].indicators[0].winsorise == (0.01, 0.99)
    # when
    result = evaluate(frame(*rows), scheme)
    # then: 1 is raised to 2 (score 60), 101 cut to 100 (score 100), 51 is halfway
    lowest, middle, highest = (component(result, i, "tax_per_mu") for i in (1, 51, 101))
    assert (lowest["score"], lowest["guard"]) == (pytest.approx(60), "winsorised")
    assert (highest["score"], highest["guard"]) == (pytest.approx(100), "winsorised")
    assert middle["score"] == pytest.approx(100 * (0.6 + 0.4 * (51 - 2) / 98))
    assert middle["guard"] == ""
    bench = result.benchmarks.row(0, named=True)
    assert (bench["min"], bench["max"]) == (pytest.approx(2), pytest.approx(100))


def test_method_m_with_all_values_equal_scores_the_full_weight():
    rows = [firm(i, land_mu=1.0, tax_annual=5.0) for i in (1, 2)]
    result = evaluate(frame(*rows), method_scheme("M"))
    assert result.components["score"].to_list() == [100.0, 100.0]
