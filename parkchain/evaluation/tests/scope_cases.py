"""Evaluation selectors in the scope-leak matrix (parkchain/organisations/tests/test_scope_matrix.py).

The data come from ``world.py``: enterprise runs of the city, of county A and of the other city,
a park run and a county run of the city, list snapshots of both cities, an objection per
enterprise of the city and other-city runs. Expected rows are derived from ``visibility.VISIBLE``:

* a run (or snapshot) of a unit is visible to users of that unit, of units under it and above it,
  and — for city units — to every user of that city (chain offices, departments);
* a result, objection or list row is visible when its enterprise is *and* its run (snapshot) is;
* park rows follow the park policy, county rows the org-unit policy.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.http import Http404

from parkchain.evaluation.tests import world as ew
from parkchain.organisations.tests.visibility import (
    CHAIN_ENTERPRISES,
    CITY,
    COUNTY_A,
    COUNTY_B,
    E_OTHER,
    ENTERPRISE_COUNTY,
    ENTERPRISE_PARK,
    OTHER_CITY,
    PARK_A1,
    PARK_B1,
    PARK_COUNTY,
    Visible,
)

PRESET_CODES = frozenset({"xiangxi", "zj6", "huaian", "city5", "five_good", "county_mu"})
COUNTY_A_ENTERPRISES = frozenset(e for e, c in ENTERPRISE_COUNTY.items() if c == COUNTY_A)


def _in_city(v: Visible) -> bool:
    """Every persona with a membership belongs to 湘西州 (the city of all personas)."""
    return bool(v.roles)


def county_a_run_visible(v: Visible) -> bool:
    if v.everything:
        return True
    under_a = (
        {COUNTY_A, PARK_A1}
        | {p for p, c in PARK_COUNTY.items() if c == COUNTY_A}
        | set(COUNTY_A_ENTERPRISES)
    )
    return bool(v.org_units & under_a)


def run_visible(region: str, v: Visible) -> bool:
    if v.everything:
        return True
    if region == CITY:
        return _in_city(v)
    if region == COUNTY_A:
        return county_a_run_visible(v)
    return False  # the other city


def run_names_expected(w: Any, v: Visible) -> set[Hashable]:
    return {(r.region.name, r.kind) for r in ew.all_runs(w) if run_visible(r.region.name, v)}


def run_list_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    ew.all_runs(w)
    return [(r.region.name, r.kind) for r in f(user=u) if r.title.startswith("matrix-")]


def run_get_visible(v: Visible) -> frozenset[str]:
    regions = [CITY, COUNTY_A, OTHER_CITY]
    kinds = {CITY: ("enterprise_mu", "park_five_good", "county_mu")}
    names = set()
    for region in regions:
        if run_visible(region, v):
            for kind in kinds.get(region, ("enterprise_mu",)):
                names.add(f"{region}:{kind}")
    return frozenset(names)


def _region_enterprises(region: str) -> frozenset[str]:
    if region == CITY:
        return frozenset(ENTERPRISE_COUNTY) - {E_OTHER}
    if region == COUNTY_A:
        return COUNTY_A_ENTERPRISES
    return frozenset({E_OTHER})


def result_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    return [
        (run.region.name, r.enterprise.name)
        for run in ew.enterprise_runs(w).all
        for r in f(user=u, run=run)
    ]


def result_expected(w: Any, v: Visible) -> set[Hashable]:
    rows: set[Hashable] = set()
    for region in (CITY, COUNTY_A, OTHER_CITY):
        if run_visible(region, v):
            rows |= {(region, e) for e in _region_enterprises(region) & v.enterprises}
    return rows


def gettable_results(w: Any) -> list[Any]:
    """The results of the city and other-city runs, named after their enterprise (GetCase)."""
    runs = ew.enterprise_runs(w)
    found = []
    for run in (runs.city, runs.other_city):
        for result in run.enterprise_results.select_related("enterprise"):
            result.name = result.enterprise.name  # type: ignore[attr-defined]
            found.append(result)
    return found


def result_get_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    found: list[Hashable] = []
    for result in gettable_results(w):
        with contextlib.suppress(Http404):
            found.append(("pk", f(user=u, pk=result.pk).enterprise.name))
        with contextlib.suppress(Http404):
            got = f(user=u, run=result.run, enterprise_pk=result.enterprise_id)
            found.append(("run+enterprise", got.enterprise.name))
    return found


def result_get_expected(w: Any, v: Visible) -> set[Hashable]:
    return {(how, e) for e in v.enterprises for how in ("pk", "run+enterprise")}


def explain_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    found: list[Hashable] = []
    for result in gettable_results(w):
        with contextlib.suppress(Http404):
            explanation = f(user=u, result=result)
            found.append((explanation.result.enterprise.name, bool(explanation.levers)))
    return found


def explain_expected(w: Any, v: Visible) -> set[Hashable]:
    # every graded enterprise has a grade and so levers; 边城供应链 (services) is not graded
    return {(e, e != "边城供应链有限公司") for e in v.enterprises}


def distribution_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    run = ew.enterprise_runs(w).city
    return [
        (by, row.name, row.n_total)
        for by in ("county", "park", "chain")
        for row in f(user=u, run=run, by=by)
    ]


def distribution_expected(w: Any, v: Visible) -> set[Hashable]:
    if not _in_city(v) and not v.everything:
        return set()
    city_enterprises = v.enterprises - {E_OTHER}
    rows: set[Hashable] = set()
    for county, n in Counter(ENTERPRISE_COUNTY[e] for e in city_enterprises).items():
        rows.add(("county", county, n))
    for park, n in Counter(ENTERPRISE_PARK[e] for e in city_enterprises).items():
        rows.add(("park", park or "", n))
    for chain, members in CHAIN_ENTERPRISES.items():
        seen = members & city_enterprises
        if chain in v.chains and seen:
            rows.add(("chain", chain, len(seen)))
    return rows


def park_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    return [r.park.name for r in f(user=u, run=ew.park_run(w))]


def park_expected(w: Any, v: Visible) -> set[Hashable]:
    return set(v.parks & {PARK_A1, PARK_B1})


def county_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    return [r.county.name for r in f(user=u, run=ew.county_run(w))]


def county_expected(w: Any, v: Visible) -> set[Hashable]:
    return set(v.org_units & {COUNTY_A, COUNTY_B})


def latest_grade_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    ew.enterprise_runs(w)
    found: list[Hashable] = []
    for enterprise in w.enterprises:
        latest = f(user=u, enterprise=enterprise)
        if latest is not None:
            found.append((enterprise.name, latest.year, latest.run.title))
    return found


def latest_grade_expected(w: Any, v: Visible) -> set[Hashable]:
    # only the county A run is final
    if not county_a_run_visible(v):
        return set()
    return {(e, ew.YEAR, "matrix-mu-county-a") for e in COUNTY_A_ENTERPRISES & v.enterprises}


def objection_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    ew.objections(w)
    found: list[Hashable] = [("all", o.enterprise.name) for o in f(user=u)]
    for run in ew.enterprise_runs(w).all:
        found += [(run.region.name, o.enterprise.name) for o in f(user=u, run=run)]
    return found


def objection_expected(w: Any, v: Visible) -> set[Hashable]:
    rows: set[Hashable] = set()
    for region in (CITY, OTHER_CITY):
        if run_visible(region, v):
            names = _region_enterprises(region) & v.enterprises
            rows |= {("all", e) for e in names} | {(region, e) for e in names}
    return rows


def snapshot_list_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    ew.snapshots(w)
    return [s.scope_unit.name for s in f(user=u) if s.title.startswith("matrix-lists")]


def snapshot_visible(v: Visible) -> frozenset[str]:
    found = set()
    if v.everything or _in_city(v):
        found.add(CITY)
    if v.everything:
        found.add(OTHER_CITY)
    return frozenset(found)


def snapshot_list_expected(w: Any, v: Visible) -> Iterable[Hashable]:
    return snapshot_visible(v)


def snapshot_row_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    return [
        (snapshot.scope_unit.name, kind, entry.enterprise.name)
        for snapshot in ew.snapshots(w)
        for kind in ("top_tax", "new_above_scale")
        for entry in f(user=u, snapshot=snapshot, kind=kind)
    ]


def snapshot_row_expected(w: Any, v: Visible) -> set[Hashable]:
    rows: set[Hashable] = set()
    for unit in snapshot_visible(v):
        names = v.enterprises & (
            frozenset({E_OTHER}) if unit == OTHER_CITY else _region_enterprises(CITY)
        )
        rows |= {(unit, kind, e) for e in names for kind in ("top_tax", "new_above_scale")}
    return rows


def chain_master_texts(f: Callable[..., Any], w: Any, u: Any) -> list[tuple[str, str]]:
    """Per snapshot whose 链主 list shows the user any row: the chains and enterprises it names."""
    texts = []
    for snapshot in ew.snapshots(w):
        text = "\n".join(
            f"{entry.row.chain.name if entry.row.chain else ''} {entry.enterprise.name}"
            for entry in f(user=u, snapshot=snapshot, kind="chain_masters")
        )
        if text:
            texts.append((snapshot.scope_unit.name, text))
    return texts


def chain_master_allowed(v: Visible, name: str) -> frozenset[str]:
    """A 链主 row names a chain and an enterprise the user both reads."""
    return v.chains | v.enterprises


def scheme_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    return [s.code for s in f(user=u)]


def scheme_expected(w: Any, v: Visible) -> set[Hashable]:
    return set(PRESET_CODES) if v.roles or v.everything else set()


def got_names(f: Callable[..., Any], u: Any, objects: Iterable[Any]) -> list[str]:
    """Names of the (named) objects a ``*_get`` selector returns for ``u`` (404s left out)."""
    found = []
    for obj in objects:
        with contextlib.suppress(Http404):
            if f(user=u, pk=obj.pk) == obj:
                found.append(obj.name)
    return found
