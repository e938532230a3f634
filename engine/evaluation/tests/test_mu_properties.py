"""Properties of evaluate() over generated pools (hypothesis).

What is claimed, precisely:

* row order never matters (results, benchmarks and the input hash);
* Σ component scores = base_score, and base_score + bonus − penalty = total, per enterprise;
* raising one firm's tax never lowers its total nor worsens its rank or class — with fixed
  benchmarks always; with pool (aggregate) benchmarks when the rest of its pool pays positive tax
  in total (then the benchmark rises with the firm's tax, the firm's own ratio to it still rises,
  and everyone else's tax score can only fall). It is not claimed for a pool whose other members
  pay negative tax in total: there Σtax/Σland rises faster than the firm's own 亩均税收;
* with distinct totals the classes take exactly ⌊cut · n⌋ firms at or above each class; with ties,
  tied firms share a class and the count at or above a class is #{rank ≤ cut · n}.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from engine.evaluation.mu import evaluate
from engine.evaluation.scheme import GRADES, MuScheme, load_preset
from engine.evaluation.tests.test_mu_support import INDICATOR_COLUMNS, firm, frame, tax_only_scheme

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FLAGS = ["hitech", "brand_standard", "sublet", "tax_arrears", "major_accident", "tobacco"]

amounts = st.one_of(
    st.floats(min_value=0.01, max_value=1e5, allow_nan=False),
    st.floats(min_value=-1e3, max_value=0.0, allow_nan=False),
    st.none(),
)


@st.composite
def firm_rows(
    draw: st.DrawFn,
    *,
    min_size: int = 1,
    max_size: int = 25,
    tax: st.SearchStrategy[float | None] = amounts,
) -> list[dict[str, Any]]:
    ids = draw(st.lists(st.integers(1, 10_000), min_size=min_size, max_size=max_size, unique=True))
    rows = []
    for enterprise_id in ids:
        values = {column: draw(amounts) for column in INDICATOR_COLUMNS}
        values["tax_annual"] = draw(tax)
        rows.append(
            firm(
                enterprise_id,
                county=draw(st.sampled_from(["433101", "433122"])),
                above_scale=draw(st.booleans()),
                industry_code=draw(st.sampled_from(["1311", "3011", "C2710", "4411", "5211"])),
                land_mu=draw(st.one_of(st.floats(0.2, 500), st.none())),
                years_operating=draw(st.floats(0, 30)),
                flags=draw(st.lists(st.sampled_from(FLAGS), max_size=3)),
                **values,
            )
        )
    return rows


def by_id(result_frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return result_frame.sort("enterprise_id", *keys)


def mixed_methods_scheme() -> MuScheme:
    """xiangxi with every method and missing rule in play, and small land in its own pools."""
    data = load_preset("xiangxi").model_dump(mode="json")
    above = data["groups"][0]["indicators"]
    above[1].update(method="M", winsorise=[0.05, 0.95], missing="zero")
    above[2].update(method="E", winsorise=None, missing="renormalise")
    above[3].update(method="R2", benchmark_multiplier=2.0, missing="renormalise", cap_mult=None)
    above[4].update(benchmark="mean")
    data["groups"][1]["indicators"][1].update(method="E", missing="renormalise")
    data["small_land"] = "separate_group"
    return MuScheme.model_validate(data)


@SETTINGS
@given(rows=firm_rows(), seed=st.integers(0, 2**32 - 1), mixed=st.booleans())
def test_row_order_does_not_matter(rows, seed, mixed):
    # given
    scheme = mixed_methods_scheme() if mixed else load_preset("xiangxi")
    data = frame(*rows)
    shuffled = data.sample(fraction=1.0, shuffle=True, seed=seed)
    # when
    first, second = evaluate(data, scheme), evaluate(shuffled, scheme)
    # then
    assert first.input_hash == second.input_hash
    tolerance = {"rel_tol": 1e-9, "abs_tol": 1e-9, "categorical_as_str": True}
    assert_frame_equal(by_id(first.enterprises), by_id(second.enterprises), **tolerance)
    assert_frame_equal(
        by_id(first.components, "indicator"), by_id(second.components, "indicator"), **tolerance
    )
    assert_frame_equal(
        first.benchmarks.sort("pool", "indicator"),
        second.benchmarks.sort("pool", "indicator"),
        **tolerance,
    )


@SETTINGS
@given(rows=firm_rows(), mixed=st.booleans())
def test_components_add_up_to_the_base_score_and_the_total(rows, mixed):
    scheme = mixed_methods_scheme() if mixed else load_preset("xiangxi")
    result = evaluate(frame(*rows), scheme)
    graded = result.enterprises.filter(pl.col("status") == "graded")
    sums = result.components.group_by("enterprise_id").agg(pl.col("score").sum().alias("sum"))
    joined = graded.join(sums, on="enterprise_id", how="left")
    assert joined.height == graded.height
    for r in joined.iter_rows(named=True):
        assert abs(r["sum"] - r["base_score"]) <= 1e-9 * max(1.0, abs(r["base_score"]))
        assert r["total"] == r["base_score"] + r["bonus"] - r["penalty"]
    ungraded = result.enterprises.filter(pl.col("status") != "graded")
    assert ungraded["total"].null_count() == ungraded.height


def fixed_benchmark_scheme() -> MuScheme:
    """xiangxi with every benchmark frozen (黄岩 2022 figures for 规上, 11.59 / 40 for 规下)."""
    data = load_preset("xiangxi").model_dump(mode="json")
    fixed = [[24.097, 136.16, 2.694, 4929.81, 18.14, 0.0302], [11.5932, 40.0]]
    for group, benchmarks in zip(data["groups"], fixed, strict=True):
        for indicator, benchmark in zip(group["indicators"], benchmarks, strict=True):
            indicator.update(benchmark="fixed", benchmark_fixed=benchmark)
    return MuScheme.model_validate(data)


def assert_not_worse(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert after["total"] >= before["total"]
    if before["rank"] is not None:
        assert after["rank"] <= before["rank"]
    assert GRADES.index(after["grade"]) <= GRADES.index(before["grade"])


def raise_tax(
    rows: list[dict[str, Any]], pick: int, extra: float
) -> tuple[int, list[dict[str, Any]]]:
    target = rows[pick % len(rows)]
    raised = [dict(r) for r in rows]
    for r in raised:
        if r["enterprise_id"] == target["enterprise_id"]:
            r["tax_annual"] = (r["tax_annual"] or 0.0) + extra
    return target["enterprise_id"], raised


def graded_row(
    scheme: MuScheme, rows: list[dict[str, Any]], enterprise_id: int
) -> dict[str, Any] | None:
    result = evaluate(frame(*rows), scheme)
    found = result.enterprises.filter(pl.col("enterprise_id") == enterprise_id).row(0, named=True)
    return found if found["status"] == "graded" else None


@SETTINGS
@given(
    rows=firm_rows(tax=st.floats(-1e3, 1e5, allow_nan=False)),
    pick=st.integers(0, 100),
    extra=st.floats(0.01, 1e5),
)
def test_more_tax_never_hurts_with_fixed_benchmarks(rows, pick, extra):
    scheme = fixed_benchmark_scheme()
    enterprise_id, raised = raise_tax(rows, pick, extra)
    before = graded_row(scheme, rows, enterprise_id)
    after = graded_row(scheme, raised, enterprise_id)
    if before is not None:
        assert after is not None
        assert_not_worse(before, after)


@SETTINGS
@given(
    rows=firm_rows(tax=st.floats(0.01, 1e5)),
    pick=st.integers(0, 100),
    own_tax=st.floats(-1e3, 1e5, allow_nan=False),
    extra=st.floats(0.01, 1e5),
)
def test_more_tax_never_hurts_with_pool_benchmarks_when_the_rest_pays_tax(
    rows, pick, own_tax, extra
):
    # given: everyone else pays positive tax; the chosen firm any (even negative) amount
    scheme = load_preset("xiangxi")
    rows[pick % len(rows)]["tax_annual"] = own_tax
    enterprise_id, raised = raise_tax(rows, pick, extra)
    before = graded_row(scheme, rows, enterprise_id)
    after = graded_row(scheme, raised, enterprise_id)
    if before is not None:
        assert after is not None
        assert_not_worse(before, after)


cut_triples = st.lists(st.integers(1, 100), min_size=3, max_size=3, unique=True).map(sorted)


def at_or_above(result_grades: list[str], grade: str) -> int:
    return sum(GRADES.index(g) <= GRADES.index(grade) for g in result_grades)


@SETTINGS
@given(
    taxes=st.lists(st.integers(1, 10**6), min_size=1, max_size=60, unique=True),
    cuts=cut_triples,
)
def test_without_ties_class_shares_are_the_cuts_rounded_down(taxes, cuts):
    scheme = tax_only_scheme(group={"cuts": dict(zip("ABC", (c / 100 for c in cuts), strict=True))})
    data = frame(*(firm(i, land_mu=1.0, tax_annual=float(t)) for i, t in enumerate(taxes)))
    result_grades = evaluate(data, scheme).enterprises["grade"].to_list()
    n = len(taxes)
    for grade, cut in zip("ABC", cuts, strict=True):
        assert at_or_above(result_grades, grade) == int(Fraction(cut, 100) * n)


@SETTINGS
@given(
    taxes=st.lists(st.sampled_from([1.0, 2.0, 3.0, 5.0, 8.0]), min_size=1, max_size=40),
    cuts=cut_triples,
)
def test_with_ties_tied_firms_share_a_class_and_ranks_decide(taxes, cuts):
    scheme = tax_only_scheme(group={"cuts": dict(zip("ABC", (c / 100 for c in cuts), strict=True))})
    data = frame(*(firm(i, land_mu=1.0, tax_annual=t) for i, t in enumerate(taxes)))
    enterprises = evaluate(data, scheme).enterprises
    n = len(taxes)
    per_total = enterprises.group_by("total").agg(pl.col("grade").n_unique().alias("classes"))
    assert per_total["classes"].to_list() == [1] * per_total.height
    result_grades = enterprises["grade"].to_list()
    ranks = enterprises["rank"].to_list()
    for grade, cut in zip("ABC", cuts, strict=True):
        expected = sum(Fraction(rank, n) <= Fraction(cut, 100) for rank in ranks)
        assert at_or_above(result_grades, grade) == expected
        assert expected >= int(Fraction(cut, 100) * n)
