"""The cockpit's lines of the scope-leak matrix (organisations/tests/test_scope_matrix.py).

Data: the targets world (``parkchain/targets/tests/world.py``: October 2026 revenue of three of
the city's firms), 工业总产值 of every enterprise added here, and the 亩均 runs of
``parkchain/evaluation/tests/world.py``. Every focus is tried, in scope or not (``cockpit_focus``
answers 404 outside the scope; the other selectors must not widen a focus they are handed).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

from django.http import Http404

from parkchain.cockpit.selectors import Focus
from parkchain.evaluation.tests import scope_cases as evaluation
from parkchain.evaluation.tests import world as ew
from parkchain.indicators.models import Indicator, Observation, Source
from parkchain.organisations.tests.visibility import (
    CHAIN_ENTERPRISES,
    ENTERPRISE_COUNTY,
    ENTERPRISE_PARK,
    PARK_COUNTY,
    Visible,
)
from parkchain.targets.tests import world as tw

# 工业总产值 (万元, 1-10月) of each enterprise in October 2026 and October 2025
OUTPUT = {
    "湘泉酿酒有限公司": (300, 250),
    "峒河新材料有限公司": (200, 160),
    "乾州食品有限公司": (150, 100),
    "边城供应链有限公司": (250, 200),
    "矮寨锌业有限公司": (100, 80),
    "天门山莓茶有限公司": (400, 320),
}
# 营业收入 of October 2026 (targets world)
REVENUE = {
    "湘泉酿酒有限公司": tw.FIRM_REVENUE["enterprise_a1"][3],
    "边城供应链有限公司": tw.FIRM_REVENUE["enterprise_b1"][3],
    "矮寨锌业有限公司": tw.FIRM_REVENUE["enterprise_moved"][3],
}


def with_output(w: Any) -> None:
    """The targets world plus every enterprise's 工业总产值 of October 2026 and 2025."""
    tw.build(w)
    output = Indicator.objects.get(code="output_value")
    rows = [
        Observation(
            indicator=output, org_unit=e.org_unit, year=year, month=tw.LIVE.month,
            value=Decimal(OUTPUT[e.name][i]), source=Source.SEED,
        )
        for e in w.enterprises
        for i, year in enumerate((tw.YEAR, tw.YEAR - 1))
    ]  # fmt: skip
    Observation.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["org_unit", "indicator", "year", "month"],
        update_fields=["value"],
    )


def foci(w: Any) -> list[tuple[str, Focus]]:
    """(label, focus): the city, every county, park and chain of the world."""
    found: list[tuple[str, Focus]] = [("city", Focus("city"))]
    found += [
        (f"county={c.name}", Focus("county", unit=c))
        for c in (w.county_a, w.county_b, w.other_county)
    ]
    found += [(f"park={p.name}", Focus("park", unit=p.org_unit, park=p)) for p in w.parks]
    found += [(f"chain={c.name}", Focus("chain", chain=c)) for c in w.chains]
    return found  # fmt: skip


# -- cockpit_focus ------------------------------------------------------------------------------------
def focus_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    asked: list[dict[str, int]] = [{}]
    asked += [{"county_id": c.pk} for c in (w.county_a, w.county_b, w.other_county)]
    asked += [{"park_id": p.org_unit_id} for p in w.parks]
    asked += [{"chain_id": c.pk} for c in w.chains]
    rows: list[Hashable] = []
    for kwargs in asked:
        try:
            focus = f(user=u, **kwargs)
        except Http404:
            continue
        rows.append((focus.kind, focus.name))
    return rows


def focus_expected(w: Any, v: Visible) -> set[Hashable]:
    return (
        {("city", "")}
        | {("county", c) for c in v.counties}
        | {("park", p) for p in v.parks}
        | {("chain", c) for c in v.chains}
    )


# -- cockpit_enterprises ------------------------------------------------------------------------------
def enterprise_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    with_output(w)
    return [
        (label, e.name, e.output, round(e.output_growth, 1), e.revenue, e.tax)
        for label, focus in foci(w)
        for e in f(user=u, period=tw.LIVE, focus=focus, run=None)
    ]


def _figures(name: str) -> tuple[Hashable, ...]:
    now, before = OUTPUT[name]
    return (float(now), round((now / before - 1) * 100, 1), REVENUE.get(name), None)


def enterprise_expected(w: Any, v: Visible) -> set[Hashable]:
    """The city as a whole: none; a unit: the enterprises under it today; a chain: its
    enterprises — each only when the user sees it (and, for a chain, its link)."""
    rows: set[Hashable] = set()
    for e in v.enterprises:
        places = {f"county={ENTERPRISE_COUNTY[e]}"}
        if ENTERPRISE_PARK[e] is not None:
            places.add(f"park={ENTERPRISE_PARK[e]}")
        places |= {
            f"chain={c}"
            for c, members in CHAIN_ENTERPRISES.items()
            if e in members and c in v.chains
        }
        rows |= {(place, e, *_figures(e)) for place in places}
    return rows  # fmt: skip


# -- latest_mu_run and cockpit_grades -----------------------------------------------------------------
def latest_run_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    ew.enterprise_runs(w)
    run = f(user=u)
    return [run.title if run is not None else None]


def latest_run_expected(w: Any, v: Visible) -> set[Hashable]:
    # the county A run is the one final; else the city's (publicised); the other city's: superuser
    if evaluation.county_a_run_visible(v):
        return {"matrix-mu-county-a"}
    if evaluation.run_visible("湘西州", v):
        return {"matrix-mu-city"}
    return {None}


def grade_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    run = ew.enterprise_runs(w).city
    return [
        (label, row.name, row.n_total)
        for label, focus in foci(w)
        for row in f(user=u, run=run, focus=focus)
    ]


def grade_expected(w: Any, v: Visible) -> set[Hashable]:
    """The city run's distribution (``evaluation.grade_distribution``'s expectation): by county
    for the city, a park's own row, a county's parks the user reads, a chain's own row."""
    rows: set[Hashable] = set()
    distribution: set[Any] = evaluation.distribution_expected(w, v)
    for by, name, n in distribution:
        if by == "county":
            rows.add(("city", name, n))
        elif by == "chain":
            rows.add((f"chain={name}", name, n))
        elif name:  # by park (enterprises outside parks are no park's)
            rows.add((f"park={name}", name, n))
            if name in v.parks:
                rows.add((f"county={PARK_COUNTY[name]}", name, n))
    return rows


# -- indicators.enterprise_values (what cockpit_enterprises reads) ---------------------------------
def values_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    with_output(w)
    found = f(user=u, year=tw.YEAR, month=tw.LIVE.month, codes=["output_value", "revenue"])
    return [(o.org_unit.name, o.indicator.code, float(o.value)) for o in found.select_related("org_unit", "indicator")]  # fmt: skip


def values_expected(w: Any, v: Visible) -> set[Hashable]:
    """Enterprises the user sees today (a firm that moved: with its current park)."""
    rows: set[Hashable] = {(e, "output_value", float(OUTPUT[e][0])) for e in v.enterprises}
    return rows | {(e, "revenue", float(REVENUE[e])) for e in v.enterprises & REVENUE.keys()}
