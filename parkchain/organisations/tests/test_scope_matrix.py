"""Scope-leak matrix: every selector × every persona returns exactly the rows the persona may see.

Adding a selector is one line in ``SELECTOR_CASES`` (``MENTION_CASES`` for one that returns text,
such as a history; plus one in ``GET_CASES`` for a ``*_get``): ``test_every_selector_is_in_the_matrix``
discovers the public functions of ``parkchain/*/selectors.py`` and fails until each has its line.
Expected rows come from ``visibility.VISIBLE``, written out by hand per persona; rows are compared
as multisets, so a missing row, an extra row and a row duplicated by a join all fail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import inspect
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.http import Http404
from django.utils.translation import gettext

import parkchain
from parkchain.chains.models import ChainLink, ChainNode
from parkchain.chains.selectors import NodeView
from parkchain.cockpit.tests import scope_cases as cockpit
from parkchain.enterprises.models import ParkMembership
from parkchain.evaluation.tests import scope_cases as evaluation
from parkchain.evaluation.tests import world as evaluation_world
from parkchain.indicators.tests import completeness_world as reporting
from parkchain.indicators.tests import reporting_cases as desk
from parkchain.indicators.tests.scope_cases import (
    batch_expected,
    batch_get_rows,
    batch_list_rows,
    world_batches,
)
from parkchain.organisations.models import OrgUnit
from parkchain.organisations.tests.visibility import (
    AS_OF_AFTER_MOVE,
    AS_OF_BEFORE_MOVE,
    CHAIN_ENTERPRISES,
    CHAIN_KEY_PARKS,
    CHAINS,
    COUNTY_B,
    E_MOVED,
    ENTERPRISE_COUNTY,
    ENTERPRISE_PARK,
    ENTERPRISE_PARKS_EVER,
    ENTERPRISES,
    PARK_A1,
    PARK_B1,
    PARK_COUNTY,
    PARK_SHORT_NAME,
    PARKS,
    PERSONAS,
    VISIBLE,
    Visible,
    allowed_parks,
)
from parkchain.targets.tests import scope_cases as targets
from parkchain.targets.tests import world as targets_world

# ---------------------------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------------------------
Rows = Callable[[Callable[..., Any], Any, Any], Iterable[Hashable]]
Expected = Callable[[Any, Visible], Iterable[Hashable]]


@dataclass(frozen=True)
class SelectorCase:
    selector: str  # "<app>.<function>" in parkchain/<app>/selectors.py
    rows: Rows  # (selector, world, user) -> row keys
    expected: Expected  # (world, visible) -> row keys
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.selector}[{self.variant}]" if self.variant else self.selector


def selector(dotted: str) -> Callable[..., Any]:
    app, name = dotted.split(".")
    function: Callable[..., Any] = getattr(
        importlib.import_module(f"parkchain.{app}.selectors"), name
    )
    return function


def names(rows: Iterable[Any]) -> list[str]:
    return [row.name for row in rows]


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _got(get: Callable[..., Any], user: Any, objects: Iterable[Any]) -> list[str]:
    """Names of the objects ``get`` returns; out-of-scope objects raise Http404 and are left out."""
    found = []
    for obj in objects:
        with contextlib.suppress(Http404):
            found.append(get(user=user, pk=obj.pk).name)
    return found


def link_key(link: ChainLink) -> tuple[str, str]:
    return (link.enterprise.name, link.node.name)


def visible_links(world: Any, v: Visible) -> set[tuple[str, str]]:
    """A link is visible when both its chain and its enterprise are."""
    return {
        link_key(link)
        for link in world.links
        if link.node.chain.name in v.chains and link.enterprise.name in v.enterprises
    }


def visible_nodes(v: Visible) -> set[tuple[str, str | None]]:
    return {
        (node.name, node.parent.name if node.parent else None)
        for node in ChainNode.objects.select_related("chain", "parent")
        if node.chain.name in v.chains
    }


def flatten(views: list[NodeView], parent: str | None = None) -> Iterable[Hashable]:
    for view in views:
        yield ("node", view.node.name, parent)
        for link in view.links:
            yield ("link", *link_key(link))
        yield from flatten(view.children, view.node.name)


def tree_expected(world: Any, v: Visible) -> set[Hashable]:
    nodes = {("node", name, parent) for name, parent in visible_nodes(v)}
    return nodes | {("link", *key) for key in visible_links(world, v)}


def positions_expected(world: Any, v: Visible) -> set[Hashable]:
    per_position: dict[tuple[str, str], set[str]] = {}
    for link in world.links:
        if link.node.chain.name in v.chains and link.enterprise.name in v.enterprises:
            key = (link.node.chain.name, link.node.position)
            per_position.setdefault(key, set()).add(link.enterprise.name)
    return {(chain, position, len(found)) for (chain, position), found in per_position.items()}


def history_expected(world: Any, v: Visible) -> set[Hashable]:
    return {
        (m.enterprise.name, m.park.name, m.valid_from)
        for m in ParkMembership.objects.select_related("enterprise", "park")
        if m.enterprise.name in v.enterprises
    }


def fetch(get: str, user: Any, objects: Iterable[Any]) -> list[Any]:
    """The objects ``get`` (a *_get selector) returns for ``user``: what a page would pass on."""
    found = []
    for obj in objects:
        with contextlib.suppress(Http404):
            found.append(selector(get)(user=user, pk=obj.pk))
    return found


def unit_name(pk: int) -> str:
    return OrgUnit.objects.get(pk=pk).name


def per_group(names: Iterable[str | None]) -> set[tuple[str, int]]:
    return {(name, n) for name, n in Counter(names).items() if name is not None}


def tree_by_position_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    rows: list[Hashable] = []
    for chain in w.chains:
        for position, roots in f(user=u, chain=chain).items():
            rows.extend(("group", position, root.node.name) for root in roots)
            rows.extend(flatten(roots))
    return rows


def tree_by_position_expected(w: Any, v: Visible) -> set[Hashable]:
    roots = {
        ("group", node.position, node.name)
        for node in ChainNode.objects.select_related("chain").filter(parent__isnull=True)
        if node.chain.name in v.chains
    }
    return roots | tree_expected(w, v)


def home_keys(summary: Any) -> list[Hashable]:
    own = summary.own
    return [
        ("has_scope", summary.has_scope),
        ("parks", summary.park_count),
        ("enterprises", summary.enterprise_count),
        ("above_scale", summary.above_scale_count, summary.above_scale_year),
        ("chains", summary.chain_count, frozenset(c.name for c in summary.chains)),
        ("qualified", frozenset((q.kind, q.count) for q in summary.qualifications if q.count)),
        (
            "breakdown",
            summary.breakdown_level,
            frozenset((row.name, row.enterprise_count) for row in summary.breakdown),
        ),
        (
            "own",
            own.enterprise.name if own else None,
            len(own.qualifications) if own else 0,
            frozenset(link.node.chain.name for link in own.chain_links) if own else frozenset(),
        ),
    ]


CITY_WIDE_ROLES = {"city_admin", "leader", "supervisor", "chain_office", "department"}


def home_expected(w: Any, v: Visible) -> list[Hashable]:
    if not v.roles and not v.everything:
        return [
            ("has_scope", False),
            ("parks", 0),
            ("enterprises", 0),
            ("above_scale", 0, None),
            ("chains", 0, frozenset()),
            ("qualified", frozenset()),
            ("breakdown", "county", frozenset()),
            ("own", None, 0, frozenset()),
        ]
    if v.roles == {"enterprise"}:
        (own,) = v.enterprises
        linked = frozenset(c for c, names in CHAIN_ENTERPRISES.items() if own in names)
        return [
            ("has_scope", True),
            ("parks", 0),
            ("enterprises", 0),
            ("above_scale", 0, None),
            ("chains", 0, frozenset()),
            ("qualified", frozenset()),
            ("breakdown", "county", frozenset()),
            ("own", own, 1, linked & v.chains),
        ]
    n = len(v.enterprises)
    if v.everything or v.roles & CITY_WIDE_ROLES:
        counties = set(v.counties) | {ENTERPRISE_COUNTY[e] for e in v.enterprises}
        by_county = Counter(ENTERPRISE_COUNTY[e] for e in v.enterprises)
        breakdown = ("breakdown", "county", frozenset((c, by_county.get(c, 0)) for c in counties))
    else:
        by_park = Counter(ENTERPRISE_PARK[e] for e in v.enterprises)
        rows = {(PARK_SHORT_NAME[p], by_park.get(p, 0)) for p in v.parks}
        outside = n - sum(by_park.get(p, 0) for p in v.parks)
        if outside:
            rows.add((str(gettext("Outside parks")), outside))
        breakdown = ("breakdown", "park", frozenset(rows))
    return [
        ("has_scope", True),
        ("parks", len(v.parks)),
        ("enterprises", n),
        ("above_scale", n, 2025 if n else None),
        ("chains", len(v.chains), frozenset(v.chains)),
        ("qualified", frozenset({("high_tech", n)} if n else set())),
        breakdown,
        ("own", None, 0, frozenset()),
    ]


def search_queries(w: Any) -> list[str]:
    return (
        [e.name for e in w.enterprises]
        + [e.credit_code.lower() for e in w.enterprises]
        + [p.short_name for p in w.parks]
        + [c.name for c in w.chains]
    )


def search_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    rows: list[Hashable] = []
    for query in search_queries(w):
        results = f(user=u, query=query)
        rows += [(query, "park", p.name) for p in results.parks]
        rows += [(query, "enterprise", e.name) for e in results.enterprises]
        rows += [(query, "chain", c.name) for c in results.chains]
        rows.append((query, "totals", results.park_total, results.enterprise_total))
    return rows


def search_expected(w: Any, v: Visible) -> set[Hashable]:
    rows: set[Hashable] = set()
    for e in w.enterprises:
        for query in (e.name, e.credit_code.lower()):
            found = e.name in v.enterprises
            rows.add((query, "totals", 0, int(found)))
            if found:
                rows.add((query, "enterprise", e.name))
    for p in w.parks:
        found = p.name in v.parks
        rows.add((p.short_name, "totals", int(found), 0))
        if found:
            rows.add((p.short_name, "park", p.name))
    for c in w.chains:
        rows.add((c.name, "totals", 0, 0))
        if c.name in v.chains:
            rows.add((c.name, "chain", c.name))
    return rows


REPORT_FORMS = {"ent_monthly", "ent_annual", "park_monthly"}


def _by_code(get: Callable[..., Any], user: Any, codes: Iterable[str]) -> list[Any]:
    found = []
    for code in codes:
        with contextlib.suppress(Http404):
            found.append(get(user=user, code=code))
    return found


def _by_credit_code(get: Callable[..., Any], user: Any, enterprises: Iterable[Any]) -> list[str]:
    found = []
    for enterprise in enterprises:
        with contextlib.suppress(Http404):
            found.append(get(user=user, credit_code=f" {enterprise.credit_code.lower()} ").name)
    return found


def monthly(world: Any) -> Any:
    """The enterprise monthly form, with the reports of completeness_world in place."""
    reporting.ensure_reports(world)
    return reporting.form("ent_monthly")


def names_of(frame: Any) -> list[str]:
    return [row["name"] for row in frame.to_dicts()]


def completeness_rows(report: Any) -> list[Hashable]:
    units = [(r["name"], r["status"], r["is_late"]) for r in report.units.to_dicts()]
    totals = report.totals
    return [*units, ("totals", totals["expected"], totals["reported"], totals["late"])]


def completeness_expected_rows(v: Visible, *, before: bool = False) -> set[Hashable]:
    units = reporting.expected_status(v, before=before)
    reported = sum(1 for _n, status, _late in units if status in ("submitted", "approved"))
    late = sum(1 for _n, status, is_late in units if is_late and status != "not_submitted")
    return {*units, ("totals", len(units), reported, late)}


def token_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    from parkchain.api.services import api_token_create
    from parkchain.organisations.tests.factories import UserFactory

    api_token_create(actor=u, name="mine")
    api_token_create(actor=UserFactory.create(), name="theirs")
    return [t.name for t in f(user=u)]


ON = dt.date(2026, 1, 1)


SELECTOR_CASES: list[SelectorCase] = [
    # organisations
    SelectorCase("organisations.park_list", lambda f, w, u: names(f(user=u)), lambda w, v: v.parks),
    SelectorCase("organisations.park_get", lambda f, w, u: _got(f, u, w.parks), lambda w, v: v.parks),
    SelectorCase("organisations.county_list", lambda f, w, u: names(f(user=u)), lambda w, v: v.counties),
    SelectorCase("organisations.region_list", lambda f, w, u: [r.code for r in f(user=u)], lambda w, v: v.regions),
    SelectorCase("organisations.department_list", lambda f, w, u: names(f(user=u)), lambda w, v: v.departments),
    SelectorCase("organisations.org_unit_list", lambda f, w, u: names(f(user=u)), lambda w, v: v.org_units),
    SelectorCase("organisations.org_unit_list", lambda f, w, u: names(f(user=u, kind="park")), lambda w, v: v.org_units & PARKS, "kind=park"),
    SelectorCase("organisations.park_options", lambda f, w, u: names(f(user=u)), lambda w, v: v.parks),
    SelectorCase("organisations.park_options", lambda f, w, u: names(f(user=u, county_id=w.county_b.pk)), lambda w, v: v.parks & {PARK_B1}, "county=B"),
    SelectorCase("organisations.park_counts_by_county", lambda f, w, u: [(unit_name(pk), n) for pk, n in f(user=u).items()], lambda w, v: per_group(PARK_COUNTY[p] for p in v.parks)),
    SelectorCase("organisations.park_is_visible", lambda f, w, u: [p.name for p in w.parks if f(user=u, pk=p.pk)], lambda w, v: v.parks),
    SelectorCase("organisations.membership_list", lambda f, w, u: [m.role for m in f(user=u)], lambda w, v: v.roles),
    # enterprises
    SelectorCase("enterprises.enterprise_list", lambda f, w, u: names(f(user=u)), lambda w, v: v.enterprises),
    SelectorCase("enterprises.enterprise_list", lambda f, w, u: names(f(user=u, as_of=_date(AS_OF_BEFORE_MOVE))), lambda w, v: v.enterprises_before_move, f"as_of={AS_OF_BEFORE_MOVE}"),
    SelectorCase("enterprises.enterprise_list", lambda f, w, u: names(f(user=u, as_of=_date(AS_OF_AFTER_MOVE))), lambda w, v: v.enterprises, f"as_of={AS_OF_AFTER_MOVE}"),
    SelectorCase("enterprises.enterprise_get", lambda f, w, u: _got(f, u, w.enterprises), lambda w, v: v.enterprises),
    SelectorCase("enterprises.enterprise_qualifications", lambda f, w, u: [(q.enterprise.name, q.kind) for e in w.enterprises for q in f(user=u, enterprise=e)], lambda w, v: {(e, "high_tech") for e in v.enterprises}),
    SelectorCase("enterprises.enterprise_park_history", lambda f, w, u: [(m.enterprise.name, m.park.name, m.valid_from) for e in w.enterprises for m in f(user=u, enterprise=e)], history_expected),
    SelectorCase("enterprises.above_scale_years", lambda f, w, u: f(user=u), lambda w, v: {2025} if v.enterprises else set()),
    SelectorCase("enterprises.above_scale_latest_year", lambda f, w, u: [f(user=u)], lambda w, v: {2025 if v.enterprises else None}),
    SelectorCase("enterprises.enterprise_table", lambda f, w, u: [(e.name, e.above_scale_flag, tuple(q.kind for q in e.valid_qualifications)) for e in f(user=u, year=2025, on=ON)], lambda w, v: {(e, True, ("high_tech",)) for e in v.enterprises}),
    SelectorCase("enterprises.enterprise_table", lambda f, w, u: names(f(user=u, year=2025, county_id=w.county_b.pk)), lambda w, v: {e for e in v.enterprises if ENTERPRISE_COUNTY[e] == COUNTY_B}, "county=B"),
    SelectorCase("enterprises.enterprise_counts_by", lambda f, w, u: [(g.name, g.total, g.above_scale) for g in f(user=u, group="county", year=2025).values()], lambda w, v: {(c, n, n) for c, n in per_group(ENTERPRISE_COUNTY[e] for e in v.enterprises)}, "county"),
    SelectorCase("enterprises.enterprise_counts_by", lambda f, w, u: [(g.name, g.total, g.above_scale) for g in f(user=u, group="park", year=2025).values()], lambda w, v: {(p, n, n) for p, n in per_group(ENTERPRISE_PARK[e] for e in v.enterprises)}, "park"),
    SelectorCase("enterprises.qualification_counts", lambda f, w, u: list(f(user=u, on=ON).items()), lambda w, v: {("high_tech", len(v.enterprises))} if v.enterprises else set()),
    SelectorCase("enterprises.enterprise_by_credit_code", lambda f, w, u: _by_credit_code(f, u, w.enterprises), lambda w, v: v.enterprises),
    SelectorCase("enterprises.enterprise_above_scale_years", lambda f, w, u: [(a.enterprise.name, a.year) for e in w.enterprises for a in f(user=u, enterprise=e)], lambda w, v: {(e, 2025) for e in v.enterprises}),
    # chains
    SelectorCase("chains.chain_list", lambda f, w, u: names(f(user=u)), lambda w, v: v.chains),
    SelectorCase("chains.chain_get", lambda f, w, u: _got(f, u, w.chains), lambda w, v: v.chains),
    SelectorCase("chains.chain_link_list", lambda f, w, u: [link_key(x) for x in f(user=u)], visible_links),
    SelectorCase("chains.chain_node_tree", lambda f, w, u: [row for c in w.chains for row in flatten(f(user=u, chain=c))], tree_expected),
    SelectorCase("chains.chain_position_summary", lambda f, w, u: [(c.name, pos, n) for c in w.chains for pos, n in f(user=u, chain=c).items()], positions_expected),
    SelectorCase("chains.chain_options", lambda f, w, u: names(f(user=u)), lambda w, v: v.chains),
    SelectorCase("chains.chain_count", lambda f, w, u: [f(user=u)], lambda w, v: {len(v.chains)}),
    SelectorCase("chains.chain_table", lambda f, w, u: [(c.name, frozenset(p.name for p in c.visible_key_parks)) for c in f(user=u)], lambda w, v: {(c, frozenset(CHAIN_KEY_PARKS[c] & v.parks)) for c in v.chains}),
    SelectorCase("chains.chain_key_parks", lambda f, w, u: [(c.name, p.name) for c in fetch("chains.chain_get", u, w.chains) for p in f(user=u, chain=c)], lambda w, v: {(c, p) for c in v.chains for p in CHAIN_KEY_PARKS[c] & v.parks}),
    SelectorCase("chains.chains_of_park", lambda f, w, u: [(c.name, p.name) for p in fetch("organisations.park_get", u, w.parks) for c in f(user=u, park=p)], lambda w, v: {(c, p) for c in v.chains for p in CHAIN_KEY_PARKS[c] & v.parks}),
    SelectorCase("chains.chain_tree_by_position", tree_by_position_rows, tree_by_position_expected),
    SelectorCase("chains.chain_export_links", lambda f, w, u: [link_key(x) for c in w.chains for x in f(user=u, chain=c)], visible_links),
    SelectorCase("chains.chains_of_enterprise", lambda f, w, u: [link_key(x) for e in w.enterprises for x in f(user=u, enterprise_id=e.pk)], visible_links),
    # indicators: import batches
    SelectorCase("indicators.import_batch_list", batch_list_rows, batch_expected),
    SelectorCase("indicators.import_batch_get", batch_get_rows, batch_expected),
    # indicators and reporting (data: parkchain/indicators/tests/completeness_world.py)
    SelectorCase("indicators.indicator_list", lambda f, w, u: [f(user=u).filter(code="output_value").exists()], lambda w, v: {bool(v.roles or v.everything)}),
    SelectorCase("indicators.report_form_list", lambda f, w, u: [x.code for x in f(user=u) if x.code in REPORT_FORMS], lambda w, v: REPORT_FORMS if v.roles or v.everything else set()),
    SelectorCase("indicators.report_form_by_code", lambda f, w, u: [x.code for x in _by_code(f, u, REPORT_FORMS)], lambda w, v: REPORT_FORMS if v.roles or v.everything else set()),
    SelectorCase("indicators.observation_list", lambda f, w, u: [(o.org_unit.name, o.month) for m in (3, 8) for o in f(user=u, year=2025, month=m, form=monthly(w))], lambda w, v: {(e, 8) for e in v.enterprises} | {(e, 3) for e in v.enterprises_before_move}),
    SelectorCase("indicators.submission_list", lambda f, w, u: [(s.org_unit.name, s.status, s.month) for m in (3, 8) for s in f(user=u, year=2025, month=m, form=monthly(w))], lambda w, v: {(e, reporting.STATUS[e][0], 8) for e in v.enterprises if e in reporting.STATUS} | {(e, reporting.STATUS[e][0], 3) for e in v.enterprises_before_move if e in reporting.STATUS}),
    SelectorCase("indicators.completeness_expected", lambda f, w, u: [(r["name"], m) for m in (3, 8) for r in f(user=u, form=reporting.form(), year=2025, month=m).to_dicts()], lambda w, v: {(e, 8) for e in v.enterprises} | {(e, 3) for e in v.enterprises_before_move}),
    SelectorCase("indicators.completeness_expected", lambda f, w, u: [(r["name"], r["park_name"]) for r in f(user=u, form=reporting.form("ent_monthly"), year=2025, month=3).to_dicts()], lambda w, v: {(e, PARK_A1 if e == E_MOVED else ENTERPRISE_PARK[e]) for e in v.enterprises_before_move}, "park as of"),
    SelectorCase("indicators.completeness_expected", lambda f, w, u: names_of(f(user=u, form=reporting.form("park_monthly"), year=2025, month=8)), lambda w, v: v.parks, "parks"),
    SelectorCase("indicators.completeness_report", lambda f, w, u: completeness_rows(f(user=u, form=monthly(w), year=2025, month=8)), lambda w, v: completeness_expected_rows(v)),
    SelectorCase("indicators.completeness_report", lambda f, w, u: completeness_rows(f(user=u, form=monthly(w), year=2025, month=3)), lambda w, v: completeness_expected_rows(v, before=True), "before move"),
    SelectorCase("indicators.enterprise_values", cockpit.values_rows, cockpit.values_expected),
    # indicators: reporting pages (desk, web entry, reported card, review, unlocks)
    SelectorCase("indicators.reporting_desk", desk.desk_rows, desk.desk_expected),
    SelectorCase("indicators.report_entry", desk.entry_rows, desk.entry_expected),
    SelectorCase("indicators.enterprise_reported_data", desk.reported_rows, desk.reported_expected),
    SelectorCase("indicators.submission_for_review", desk.review_rows, desk.review_expected),
    SelectorCase("indicators.submission_history", desk.history_rows, desk.review_expected),
    SelectorCase("indicators.period_unlock_list", desk.unlock_rows, desk.unlock_expected),
    # api tokens: a user's own only
    SelectorCase("api.api_token_list", token_rows, lambda w, v: {"mine"}),
    # core (home page and global search)
    SelectorCase("core.home_summary", lambda f, w, u: home_keys(f(user=u)), home_expected),
    SelectorCase("core.global_search", search_rows, search_expected),
    # evaluation (data: parkchain/evaluation/tests/world.py; expectations: evaluation/tests/scope_cases.py)
    SelectorCase("evaluation.scheme_list", evaluation.scheme_rows, evaluation.scheme_expected),
    SelectorCase("evaluation.run_list", evaluation.run_list_rows, evaluation.run_names_expected),
    SelectorCase("evaluation.run_get", lambda f, w, u: evaluation.got_names(f, u, evaluation_world.all_runs(w)), lambda w, v: evaluation.run_get_visible(v)),
    SelectorCase("evaluation.enterprise_result_list", evaluation.result_rows, evaluation.result_expected),
    SelectorCase("evaluation.enterprise_result_get", evaluation.result_get_rows, evaluation.result_get_expected),
    SelectorCase("evaluation.enterprise_result_explain", evaluation.explain_rows, evaluation.explain_expected),
    SelectorCase("evaluation.grade_distribution", evaluation.distribution_rows, evaluation.distribution_expected),
    SelectorCase("evaluation.park_result_list", evaluation.park_rows, evaluation.park_expected),
    SelectorCase("evaluation.county_result_list", evaluation.county_rows, evaluation.county_expected),
    SelectorCase("evaluation.enterprise_latest_grade", evaluation.latest_grade_rows, evaluation.latest_grade_expected),
    SelectorCase("evaluation.objection_list", evaluation.objection_rows, evaluation.objection_expected),
    SelectorCase("evaluation.list_snapshot_list", evaluation.snapshot_list_rows, evaluation.snapshot_list_expected),
    SelectorCase("evaluation.list_snapshot_get", lambda f, w, u: evaluation.got_names(f, u, evaluation_world.snapshots(w)), lambda w, v: evaluation.snapshot_visible(v)),
    SelectorCase("evaluation.list_snapshot_rows", evaluation.snapshot_row_rows, evaluation.snapshot_row_expected),
    # targets and dispatch (data: parkchain/targets/tests/world.py; expectations: targets/tests/scope_cases.py)
    SelectorCase("targets.target_book_list", targets.book_rows, lambda w, v: targets.books(v)),
    SelectorCase("targets.target_book_get", targets.book_get_rows, lambda w, v: targets.books(v)),
    SelectorCase("targets.target_book_for_year", targets.book_for_year_rows, targets.book_for_year_expected),
    SelectorCase("targets.target_list", targets.target_rows, lambda w, v: targets.visible_rows(v)),
    SelectorCase("targets.target_get", targets.target_get_rows, lambda w, v: targets.visible_rows(v)),
    SelectorCase("targets.target_cascade_issues", targets.cascade_rows, lambda w, v: targets.visible_rows(v) & targets_world.CASCADE_ISSUES),
    SelectorCase("targets.milestone_task_list", targets.milestone_rows, targets.milestones_expected),
    SelectorCase("targets.milestone_task_get", targets.milestone_get_rows, targets.milestones_expected),
    SelectorCase("targets.dispatch_snapshot_list", targets.snapshot_rows, targets.snapshot_expected),
    SelectorCase("targets.dispatch_figures", targets.dispatch_rows, targets.dispatch_expected, "live"),
    SelectorCase("targets.dispatch_figures", targets.dispatch_frozen_rows, targets.dispatch_frozen_expected, "frozen"),
    SelectorCase("targets.supervision_task_list", targets.supervision_rows, targets.supervision_expected),
    SelectorCase("targets.supervision_task_get", targets.supervision_get_rows, lambda w, v: targets.supervision_names(v)),
    SelectorCase("targets.accountability_record_list", targets.record_rows, targets.records_expected),
    SelectorCase("targets.target_book_years", targets.book_years_rows, targets.book_years_expected),
    SelectorCase("targets.target_unit_options", targets.unit_option_rows, targets.unit_option_expected),
    SelectorCase("targets.target_chain_options", targets.chain_option_rows, targets.chain_option_expected),
    SelectorCase("targets.dispatch_latest_month", targets.latest_month_rows, targets.latest_month_expected),
    SelectorCase("targets.dispatch_choice", targets.choice_rows, targets.choice_expected),
    SelectorCase("targets.target_progress_series", targets.series_rows, targets.series_expected),
    # cockpit (data: the targets world, output values and the evaluation runs; cockpit/tests/scope_cases.py)
    SelectorCase("cockpit.cockpit_focus", cockpit.focus_rows, cockpit.focus_expected),
    SelectorCase("cockpit.cockpit_enterprises", cockpit.enterprise_rows, cockpit.enterprise_expected),
    SelectorCase("cockpit.latest_mu_run", cockpit.latest_run_rows, cockpit.latest_run_expected),
    SelectorCase("cockpit.cockpit_grades", cockpit.grade_rows, cockpit.grade_expected),
]  # fmt: skip


@dataclass(frozen=True)
class MentionCase:
    """A selector returning text (history): it may name only enterprises, parks and chains in scope.

    ``texts`` gives (object name, text) for each object the user may open; ``allowed`` the names
    that text may contain besides the object's own.
    """

    selector: str
    texts: Callable[[Callable[..., Any], Any, Any], list[tuple[str, str]]]
    allowed: Callable[[Visible, str], Iterable[str]]
    names: frozenset[str] | None = None  # the names looked for in the text (None: NAMED)


def history_text(entries: Iterable[Any]) -> str:
    parts = []
    for entry in entries:
        parts.append(f"{entry.action} {entry.subject}")
        parts.extend(f"{c.label}: {c.old} → {c.new}" for c in entry.changes)
    return "\n".join(parts)


MENTION_CASES: list[MentionCase] = [
    MentionCase("organisations.park_history", lambda f, w, u: [(p.name, history_text(f(user=u, park=p))) for p in fetch("organisations.park_get", u, w.parks)], lambda v, name: v.parks),
    MentionCase("enterprises.enterprise_history", lambda f, w, u: [(e.name, history_text(f(user=u, enterprise=e))) for e in fetch("enterprises.enterprise_get", u, w.enterprises)], lambda v, name: v.enterprises | v.chains | allowed_parks(v) | ENTERPRISE_PARKS_EVER[name]),
    MentionCase("chains.chain_history", lambda f, w, u: [(c.name, history_text(f(user=u, chain=c))) for c in fetch("chains.chain_get", u, w.chains)], lambda v, name: v.chains | v.parks),
    MentionCase("targets.target_history", targets.history_texts, targets.history_allowed, targets.HISTORY_NAMES),
    MentionCase("evaluation.list_snapshot_rows", evaluation.chain_master_texts, evaluation.chain_master_allowed, CHAINS | ENTERPRISES),
]  # fmt: skip

NAMED = ENTERPRISES | PARKS | CHAINS | set(PARK_SHORT_NAME.values())
SHORT_TO_PARK = {short: park for park, short in PARK_SHORT_NAME.items()}


@dataclass(frozen=True)
class GetCase:
    selector: str
    objects: Callable[[Any], Iterable[Any]]  # world -> every object of the kind
    visible: Callable[[Visible], frozenset[str]]


GET_CASES: list[GetCase] = [
    GetCase("organisations.park_get", lambda w: w.parks, lambda v: v.parks),
    GetCase("enterprises.enterprise_get", lambda w: w.enterprises, lambda v: v.enterprises),
    GetCase("chains.chain_get", lambda w: w.chains, lambda v: v.chains),
    GetCase("indicators.import_batch_get", lambda w: world_batches(w), lambda v: v.org_units),
    GetCase("evaluation.run_get", lambda w: evaluation_world.all_runs(w), evaluation.run_get_visible),
    GetCase("evaluation.enterprise_result_get", lambda w: evaluation.gettable_results(w), lambda v: v.enterprises),
    GetCase("evaluation.list_snapshot_get", lambda w: evaluation_world.snapshots(w), evaluation.snapshot_visible),
    GetCase("targets.target_book_get", lambda w: targets_world.books(w), targets.books),
    GetCase("targets.target_get", lambda w: targets_world.build(w).targets, targets.visible_rows),
    GetCase("targets.milestone_task_get", lambda w: targets_world.build(w).milestones, targets.milestone_names),
    GetCase("targets.supervision_task_get", lambda w: targets_world.build(w).supervision, targets.supervision_names),
]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Coverage: a selector someone adds shows up here until it has a line above
# ---------------------------------------------------------------------------------------------
def public_selector_functions() -> dict[str, Callable[..., Any]]:
    """Public functions defined in parkchain/*/selectors.py, by "<app>.<name>"."""
    found: dict[str, Callable[..., Any]] = {}
    for path in sorted(Path(parkchain.__file__).parent.glob("*/selectors.py")):
        app = path.parent.name
        module = importlib.import_module(f"parkchain.{app}.selectors")
        for name, obj in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(obj):
                continue
            if obj.__module__ == module.__name__:
                found[f"{app}.{name}"] = obj
    return found


def discovered_selectors() -> set[str]:
    return set(public_selector_functions())


def test_every_selector_takes_the_acting_user():
    # given
    functions = public_selector_functions()
    # when
    without_user = {
        name
        for name, function in functions.items()
        if inspect.signature(function).parameters.get("user", None) is None
        or inspect.signature(function).parameters["user"].kind is not inspect.Parameter.KEYWORD_ONLY
    }
    # then (style 8.2: selectors always take the acting user, keyword-only, and apply the scope)
    assert without_user == set()


def test_every_selector_is_in_the_matrix():
    # given
    selectors = discovered_selectors()
    # when
    covered = {case.selector for case in SELECTOR_CASES} | {c.selector for c in MENTION_CASES}
    # then
    assert selectors - covered == set(), "add a SelectorCase line for each new selector"
    assert covered - selectors == set(), "a case names a selector that no longer exists"


def test_every_get_selector_has_a_not_found_case():
    # given
    gets = {name for name in discovered_selectors() if name.endswith("_get")}
    # when
    covered = {case.selector for case in GET_CASES}
    # then
    assert gets == covered, "add a GetCase line for each new *_get selector"


# ---------------------------------------------------------------------------------------------
# The leak tests
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", SELECTOR_CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_selector_returns_exactly_the_rows_in_scope(request, world, persona, case):
    # given
    user = request.getfixturevalue(persona)
    # when
    rows = Counter(case.rows(selector(case.selector), world, user))
    # then (a multiset: duplicated rows from a bad join fail too)
    expected = Counter(set(case.expected(world, VISIBLE[persona])))
    assert rows == expected


@pytest.mark.parametrize("case", GET_CASES, ids=lambda c: c.selector)
@pytest.mark.parametrize("persona", PERSONAS)
def test_get_selector_answers_out_of_scope_exactly_like_missing(request, world, persona, case):
    # given
    user = request.getfixturevalue(persona)
    get = selector(case.selector)
    objects = list(case.objects(world))
    missing_pk = max(obj.pk for obj in objects) + 10_000
    with pytest.raises(Http404) as missing:
        get(user=user, pk=missing_pk)
    visible = case.visible(VISIBLE[persona])

    for obj in objects:
        if obj.name in visible:
            # when / then: in scope, the row comes back
            assert get(user=user, pk=obj.pk) == obj
        else:
            # when / then: out of scope, the same 404 as a missing row
            with pytest.raises(Http404) as hidden:
                get(user=user, pk=obj.pk)
            assert type(hidden.value) is type(missing.value)
            assert str(hidden.value) == str(missing.value)


@pytest.mark.parametrize("case", MENTION_CASES, ids=lambda c: c.selector)
@pytest.mark.parametrize("persona", PERSONAS)
def test_history_names_nothing_outside_the_scope(request, world, persona, case):
    # given
    user = request.getfixturevalue(persona)
    v = VISIBLE[persona]
    # when
    texts = case.texts(selector(case.selector), world, user)
    # then
    for name, text in texts:
        assert text, f"{name}: no history at all (at least its creation is expected)"
        allowed = set(case.allowed(v, name)) | {name}
        named = {SHORT_TO_PARK.get(n, n) for n in (case.names or NAMED) if n in text}
        assert named - allowed == set(), name


# ---------------------------------------------------------------------------------------------
# Filters and counts never widen the scope
# ---------------------------------------------------------------------------------------------
def _enterprise_filters(world):
    """(label, selector kwargs, which enterprises match the filter ignoring scope)."""
    on_chain = {
        chain.pk: {link.enterprise.pk for link in world.links if link.node.chain_id == chain.pk}
        for chain in world.chains
    }
    filters = []
    for county in (world.county_a, world.county_b, world.other_county):
        filters.append(
            (
                f"county={county.name}",
                {"county_id": county.pk},
                lambda e, c=county: e.county_id == c.pk,
            )
        )
    for park in world.parks:
        filters.append(
            (f"park={park.name}", {"park_id": park.pk}, lambda e, p=park: e.park_id == p.pk)
        )
    for chain in world.chains:
        filters.append(
            (
                f"chain={chain.name}",
                {"chain_id": chain.pk},
                lambda e, c=chain: e.pk in on_chain[c.pk],
            )
        )
    for enterprise in world.enterprises:
        filters.append(
            (
                f"q={enterprise.name}",
                {"search": enterprise.name[:4]},
                lambda e, x=enterprise: e.pk == x.pk,
            )
        )
        filters.append(
            (
                f"q={enterprise.credit_code}",
                {"search": enterprise.credit_code.lower()},
                lambda e, x=enterprise: e.pk == x.pk,
            )
        )
    return filters


@pytest.mark.parametrize("persona", PERSONAS)
def test_enterprise_filters_and_search_never_widen_the_scope(request, world, persona):
    # given
    user = request.getfixturevalue(persona)
    visible = VISIBLE[persona].enterprises
    enterprise_list = selector("enterprises.enterprise_list")
    for label, kwargs, matches in _enterprise_filters(world):
        # when
        found = names(enterprise_list(user=user, **kwargs))
        # then
        expected = {e.name for e in world.enterprises if matches(e) and e.name in visible}
        assert Counter(found) == Counter(expected), label


@pytest.mark.parametrize("persona", PERSONAS)
def test_park_filters_never_widen_the_scope(request, world, persona):
    # given
    user = request.getfixturevalue(persona)
    visible = VISIBLE[persona].parks
    park_list = selector("organisations.park_list")
    for county in (world.county_a, world.county_b, world.other_county):
        # when
        found = names(park_list(user=user, county_id=county.pk))
        # then
        expected = {p.name for p in world.parks if p.org_unit.parent_id == county.pk} & visible
        assert set(found) == expected, county.name
    for park in world.parks:
        # when
        found = names(park_list(user=user, search=park.short_name))
        # then
        assert set(found) == {park.name} & visible, park.name


@pytest.mark.parametrize("persona", PERSONAS)
def test_chain_enterprise_counts_only_count_enterprises_the_user_may_see(request, world, persona):
    # given
    user = request.getfixturevalue(persona)
    v = VISIBLE[persona]
    # when
    chains = {
        c.name: (c.node_count, c.enterprise_count) for c in selector("chains.chain_list")(user=user)
    }
    # then
    expected = {}
    for chain in world.chains:
        if chain.name in v.chains:
            on_chain = {
                link.enterprise.name for link in world.links if link.node.chain_id == chain.pk
            }
            expected[chain.name] = (chain.nodes.count(), len(on_chain & v.enterprises))
    assert chains == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_park_enterprise_counts_only_count_enterprises_the_user_may_see(request, world, persona):
    # given
    user = request.getfixturevalue(persona)
    v = VISIBLE[persona]
    # when
    parks = {p.name: p.enterprise_count for p in selector("organisations.park_list")(user=user)}
    # then
    expected = {
        park.name: len({e.name for e in world.enterprises if e.park_id == park.pk} & v.enterprises)
        for park in world.parks
        if park.name in v.parks
    }
    assert parks == expected
