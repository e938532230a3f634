"""Totals, ranks and classes A/B/C/D (domain.md §1.6 total, §1.7), and lift_to_grade.

The tax-only scheme scores 100 × 亩均税收 (fixed benchmark 1 万元/亩), so with 1 亩 each a firm's
total is 100 × its tax and totals can be written down directly.
"""

from __future__ import annotations

import polars as pl
import pytest

from engine.evaluation.mu import evaluate, lift_to_grade
from engine.evaluation.scheme import load_preset
from engine.evaluation.tests.test_mu_support import firm, frame, grades, row, tax_only_scheme


def on_one_mu(*taxes: float, flags: dict[int, list[str]] | None = None) -> pl.DataFrame:
    flags = flags or {}
    return frame(
        *(
            firm(i, land_mu=1.0, tax_annual=t, flags=flags.get(i, []))
            for i, t in enumerate(taxes, start=1)
        )
    )


def test_classes_follow_the_rank_percentile_cuts():
    # given: ten firms, totals 1000, 900, …, 100; cuts A 0.20, B 0.60, C 0.95
    result = evaluate(on_one_mu(*range(10, 0, -1)), tax_only_scheme())
    # then: p = rank / 10 → A for p ≤ 0.2, B ≤ 0.6, C ≤ 0.95, D above
    assert [row(result, i)["rank"] for i in range(1, 11)] == list(range(1, 11))
    assert [row(result, i)["rank_pct"] for i in (1, 10)] == [0.1, 1.0]
    assert "".join(grades(result)[i] for i in range(1, 11)) == "AABBBBCCCD"
    assert set(result.enterprises["grade_reason"]) == {"percentile"}
    assert set(result.enterprises["pool_size"]) == {10}


def test_equal_totals_share_the_better_rank_and_class():
    # given: totals 500, 400, 400, 300, 100
    result = evaluate(on_one_mu(5, 4, 4, 3, 1), tax_only_scheme())
    # then: ranks 1, 2, 2, 4, 5 → p 0.2, 0.4, 0.4, 0.8, 1.0
    assert [row(result, i)["rank"] for i in range(1, 6)] == [1, 2, 2, 4, 5]
    assert "".join(grades(result)[i] for i in range(1, 6)) == "ABBCD"


def test_a_tie_across_a_cut_goes_to_the_better_class_for_all_of_it():
    # given: two firms share the top total of five; only one fits in the top 20 %
    result = evaluate(on_one_mu(5, 5, 3, 2, 1), tax_only_scheme())
    # then: both rank 1 (p = 0.2) and both are A
    assert [row(result, i)["rank"] for i in (1, 2)] == [1, 1]
    assert "".join(grades(result)[i] for i in range(1, 6)) == "AABCD"


def test_float_noise_does_not_split_a_tie():
    # 0.1 + 0.2 is 0.30000000000000004 in floating point
    result = evaluate(on_one_mu(0.1 + 0.2, 0.3, 0.1), tax_only_scheme())
    assert row(result, 1)["total"] != row(result, 2)["total"]
    assert [row(result, i)["rank"] for i in (1, 2, 3)] == [1, 1, 3]


def test_a_major_accident_forces_d_and_leaves_the_ranking():
    # given: the best firm had a major accident (force_d_flags)
    scheme = tax_only_scheme(force_d_flags=["major_accident", "illegal_land"])
    data = on_one_mu(10, 5, 4, 3, 2, 1, flags={1: ["illegal_land", "major_accident"]})
    # when
    result = evaluate(data, scheme)
    # then: D with the first listed flag as the reason; the other five are ranked among themselves
    best = row(result, 1)
    assert (best["grade"], best["grade_reason"]) == ("D", "forced_d:major_accident")
    assert (best["rank"], best["rank_pct"], best["pool_size"]) == (None, None, 5)
    assert best["total"] == pytest.approx(1000)  # the score is still shown
    assert [row(result, i)["rank"] for i in range(2, 7)] == [1, 2, 3, 4, 5]
    assert "".join(grades(result)[i] for i in range(2, 7)) == "ABBCD"


def test_tax_per_mu_below_the_absolute_floor_is_d_whatever_the_rank():
    # given: a 高企 bonus of 1000 puts firm 1 on top, but it pays 0.5 万元/亩 (< 1)
    scheme = tax_only_scheme(
        abs_floor_d={"indicator": "tax_per_mu", "value": 1.0},
        bonus=[{"flag": "hitech", "points": 1000, "label": "高新技术企业"}],
    )
    result = evaluate(on_one_mu(0.5, 5, 4, 3, 2, flags={1: ["hitech"]}), scheme)
    top = row(result, 1)
    assert (top["rank"], top["grade"], top["grade_reason"]) == (1, "D", "floor_d")
    # the floor-D firm stays in the ranking: firm 2 is second of five, p = 0.4
    assert (row(result, 2)["rank"], row(result, 2)["grade"]) == (2, "B")


def test_class_a_needs_tax_per_mu_at_least_the_benchmark():
    # given: aggregate benchmark Σtax / Σland = 15 / 5 = 3; the bonus puts firm 1 (2 万元/亩) on top
    scheme = tax_only_scheme(
        indicator={"benchmark": "aggregate", "benchmark_fixed": None},
        a_min={"indicator": "tax_per_mu", "use_benchmark": True},
        bonus=[{"flag": "listed", "points": 1000}],
    )
    result = evaluate(on_one_mu(2, 5, 4, 3, 1, flags={1: ["listed"]}), scheme)
    top = row(result, 1)
    assert (top["rank"], top["grade"], top["grade_reason"]) == (1, "B", "a_min")


def test_class_a_can_need_a_fixed_minimum():
    scheme = tax_only_scheme(a_min={"indicator": "tax_per_mu", "value": 6.0})
    result = evaluate(on_one_mu(5, 4, 3, 2, 1), scheme)
    assert (row(result, 1)["grade"], row(result, 1)["grade_reason"]) == ("B", "a_min")


def test_bonus_and_penalty_items():
    # given
    scheme = tax_only_scheme(
        bonus=[
            {"flag": "hitech", "points": 3, "label": "高新技术企业"},
            {"flag": "brand_standard", "points": 1, "per_item": True, "max_points": 3},
        ],
        penalty=[
            # 温岭: 规上 renting to one firm loses 0, then 5 per further tenant; 规下 10, then 5
            {"flag": "sublet", "points": 5, "per_item": True, "first_points": 0, "groups": ["all"]},
            {"flag": "tax_arrears", "points": 5},
        ],
    )
    data = frame(
        firm(1, land_mu=1.0, tax_annual=1.0, flags=["hitech", "brand_standard"] * 4),
        firm(2, land_mu=1.0, tax_annual=1.0, flags=["sublet", "sublet", "sublet", "tax_arrears"]),
        firm(3, land_mu=1.0, tax_annual=1.0, flags=["sublet"]),
    )
    # when
    result = evaluate(data, scheme)
    # then: 3 + min(4 × 1, 3); 0 + 5 + 5 for three tenants, + 5 arrears; the first tenant is free
    assert [row(result, 1)[c] for c in ("bonus", "penalty", "total")] == [6.0, 0.0, 106.0]
    assert [row(result, 2)[c] for c in ("bonus", "penalty", "total")] == [0.0, 15.0, 85.0]
    assert row(result, 3)["penalty"] == 0.0


def test_an_adjustment_limited_to_another_group_does_not_apply():
    scheme = tax_only_scheme(
        groups=[
            {
                "key": "above",
                "label": "规上",
                "above_scale": True,
                "indicators": [tax_only_scheme().groups[0].indicators[0].model_dump()],
                "cuts": {"A": 0.2, "B": 0.6, "C": 0.95},
            },
            {
                "key": "below",
                "label": "规下",
                "above_scale": False,
                "indicators": [tax_only_scheme().groups[0].indicators[0].model_dump()],
                "cuts": {"A": 0.2, "B": 0.6, "C": 0.95},
            },
        ],
        penalty=[
            {
                "flag": "sublet",
                "points": 5,
                "per_item": True,
                "first_points": 10,
                "groups": ["below"],
            }
        ],
    )
    data = frame(
        firm(1, above_scale=True, land_mu=1.0, tax_annual=1.0, flags=["sublet"] * 3),
        firm(2, above_scale=False, land_mu=1.0, tax_annual=1.0, flags=["sublet"] * 3),
    )
    result = evaluate(data, scheme)
    assert (row(result, 1)["penalty"], row(result, 2)["penalty"]) == (0.0, 20.0)


# lift_to_grade --------------------------------------------------------------------------------
def test_lift_gives_the_tax_needed_to_reach_the_lowest_a():
    # given: totals 500, 400, 300, 200, 100 on 1 亩 each; class A is held by firm 1 alone
    scheme = tax_only_scheme(indicator={"cap_mult": 10.0})
    data = frame(
        *(
            firm(i, land_mu=1.0 if i != 5 else 2.0, tax_annual=t)
            for i, t in ((1, 5.0), (2, 4.0), (3, 3.0), (4, 2.0), (5, 2.0))
        )
    )
    result = evaluate(data, scheme)
    assert grades(result)[5] == "D"  # 2 万元 on 2 亩: 1 万元/亩 → 100
    # when
    answer = lift_to_grade(result, scheme, 5)
    # then: it needs 500 points = 5 万元/亩, i.e. 10 万元 of tax on its 2 亩
    assert answer is not None
    assert (answer.indicator, answer.numerator) == ("tax_per_mu", "tax_annual")
    assert (answer.current_value, answer.required_value) == (1.0, pytest.approx(5.0))
    assert (answer.current_numerator, answer.required_numerator) == (2.0, pytest.approx(10.0))
    assert answer.numerator_increase == pytest.approx(8.0)
    assert (answer.current_total, answer.target_total) == (pytest.approx(100), pytest.approx(500))
    # and B: the lowest B total is 300
    answer_b = lift_to_grade(result, scheme, 5, target="B")
    assert answer_b is not None
    assert answer_b.required_numerator == pytest.approx(6.0)


def test_lift_honours_the_cap():
    # given: a cap of 3 × 100; firm 1 tops the pool with 300 + a bonus of 200
    scheme = tax_only_scheme(indicator={"cap_mult": 3.0}, bonus=[{"flag": "hitech", "points": 200}])
    result = evaluate(on_one_mu(3, 2, 1.5, 1.2, 1, flags={1: ["hitech"]}), scheme)
    assert grades(result) == {1: "A", 2: "B", 3: "B", 4: "C", 5: "D"}
    # then: 500 points are out of reach through tax (at most 300); the lowest B (150) is not
    assert lift_to_grade(result, scheme, 5) is None
    answer = lift_to_grade(result, scheme, 5, target="B")
    assert answer is not None
    assert answer.required_value == pytest.approx(1.5)


def test_lift_is_none_when_already_there_or_not_graded():
    scheme = tax_only_scheme(force_d_flags=["major_accident"])
    result = evaluate(on_one_mu(5, 4, 3, 2, 1, flags={4: ["major_accident"]}), scheme)
    assert lift_to_grade(result, scheme, 1) is None  # already A
    assert lift_to_grade(result, scheme, 2, target="C") is None  # B is better than C
    assert lift_to_grade(result, scheme, 4) is None  # forced to D
    assert lift_to_grade(result, scheme, 99) is None  # not in the result
    assert lift_to_grade(result, scheme, 3, indicator="revenue_per_mu") is None  # not scored


def test_lift_accounts_for_the_other_indicators_and_the_a_minimum():
    # given: xiangxi 规上 (six indicators); firm 3 is C
    scheme = load_preset("xiangxi")
    base = {
        "value_added_annual": 800.0,
        "revenue_annual": 3000.0,
        "energy_tce": 300.0,
        "emissions": 0.2,
        "employees_avg": 50.0,
        "rnd_annual": 60.0,
    }
    data = frame(
        *(
            firm(i, land_mu=10.0, tax_annual=t, **base)
            for i, t in ((1, 300.0), (2, 200.0), (3, 100.0), (4, 90.0), (5, 80.0))
        )
    )
    result = evaluate(data, scheme)
    assert grades(result) == {1: "A", 2: "B", 3: "B", 4: "C", 5: "D"}
    # when
    answer = lift_to_grade(result, scheme, 4)
    # then: the other five indicators are equal, so it needs firm 1's 亩均税收 score: 30 万元/亩
    assert answer is not None
    assert answer.required_value == pytest.approx(30.0)
    assert answer.required_numerator == pytest.approx(300.0)


def test_levers_are_policy_flags_per_class():
    scheme = load_preset("xiangxi")
    assert scheme.levers_for("A")["land"] == "priority"
    assert scheme.levers_for("D") == {
        "land": "excluded",
        "power": "restricted",
        "energy_quota": "restricted",
        "emission_rights": "excluded",
        "subsidies": "excluded",
    }
    assert load_preset("zj6").levers_for("A") == {}


def test_each_firms_flags_count_for_that_firm_only():
    # given: four firms, each with a different kind of flag
    scheme = tax_only_scheme(
        scope={"industry_prefixes": [], "exempt_flags": ["tobacco"], "grace_years": None},
        force_d_flags=["major_accident"],
        bonus=[{"flag": "hitech", "points": 3}],
        penalty=[{"flag": "sublet", "points": 5, "per_item": True}],
    )
    flags = {1: ["hitech"], 2: ["sublet", "sublet"], 3: ["major_accident"], 4: ["tobacco"]}
    # when
    result = evaluate(on_one_mu(1, 1, 1, 1, 1, flags=flags), scheme)
    # then
    summary = {
        r["enterprise_id"]: (r["status"], r["bonus"], r["penalty"], r["grade_reason"])
        for r in result.enterprises.iter_rows(named=True)
    }
    assert summary == {
        1: ("graded", 3.0, 0.0, "percentile"),
        2: ("graded", 0.0, 10.0, "percentile"),
        3: ("graded", 0.0, 0.0, "forced_d:major_accident"),
        4: ("exempt", None, None, None),
        5: ("graded", 0.0, 0.0, "percentile"),
    }
