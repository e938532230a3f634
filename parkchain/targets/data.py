"""The inputs of ``engine.targets.dispatch.target_progress`` for a book's targets and one month.

Internal to the targets app: selectors call it *after* scoping (the figures of targets a user may
not see are computed for the city-wide rankings, and never returned), services call it to freeze a
month. Where a target's figure comes from:

* a **park indicator** (技工贸总收入, 产业投资, 新增规上企业…): the parks' reports, added up over
  the parks under the target's unit (a county: its parks; the city: every park); a chain: its
  key parks;
* an **enterprise indicator** (营业收入, 工业增加值…): the enterprises' reports, over the
  enterprises placed under the unit today (a firm that moved park counts with its new park in
  both years: 同口径 growth); a chain: the enterprises linked to its nodes;
* a **reported rate** (an indicator that does not aggregate, e.g. 规模工业增加值增速): the park's
  own report; not defined above a park (no figure);
* ``tax_per_mu`` (亩均税收): the parks' 税收 divided by their built industrial land (亩).

Rank targets rank their unit among the units of the same kind in the city (州内排位) by the
indicator's 1-N月 value (or growth, ``rank_by``).
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import polars as pl
from django.db.models import Count, FloatField, Max
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from engine.columns import MONTH, YEAR, YTD_VALUE
from engine.periods import Month
from engine.targets import columns as c
from engine.targets.dispatch import TARGETS_SCHEMA, target_progress, targets_frame
from engine.targets.forecast import YEARS
from engine.targets.rules import rag_rule, rule_columns
from parkchain.indicators.excel import UNIT_LABELS
from parkchain.indicators.models import Aggregation, Indicator, Level, Observation
from parkchain.organisations.models import OrgUnit, OrgUnitKind, Park
from parkchain.targets.models import (
    DispatchSnapshot,
    Metric,
    SnapshotFigure,
    Target,
    TargetBook,
    TargetKind,
)

TAX_PER_MU_SOURCE = "park_tax"

LEAVES_SCHEMA: dict[str, Any] = {
    c.SOURCE: pl.String,
    c.LEAF_ID: pl.Int64,
    YEAR: pl.Int64,
    MONTH: pl.Int64,
    YTD_VALUE: pl.Float64,
}
MEMBERS_SCHEMA: dict[str, Any] = {c.TARGET_ID: pl.Int64, c.LEAF_ID: pl.Int64}
PEERS_SCHEMA: dict[str, Any] = {
    c.TARGET_ID: pl.Int64,
    c.PEER_ID: pl.Int64,
    c.LEAF_ID: pl.Int64,
    c.DIVISOR: pl.Float64,
}


@dataclass(frozen=True)
class Source:
    """Where a target's figures come from: the indicator its leaves report, at which level."""

    code: str  # indicator code of the leaves' observations
    indicator_id: int
    level: str  # park | enterprise | county
    series: str  # ytd | rate
    per_mu: bool = False


def target_source(target: Target, *, tax_indicator_id: int | None) -> Source | None:
    """The source of ``target`` (None when its indicator or metric has no data behind it).

    ``tax_indicator_id``: the id of the park 税收 indicator (``TAX_PER_MU_SOURCE``), for 亩均税收.
    """
    if target.metric == Metric.TAX_PER_MU:
        if tax_indicator_id is None:
            return None
        return Source(TAX_PER_MU_SOURCE, tax_indicator_id, Level.PARK, "ytd", per_mu=True)
    indicator = target.indicator
    if indicator is None:
        return None
    series = "rate" if indicator.aggregation == Aggregation.NONE else "ytd"
    return Source(indicator.code, indicator.pk, indicator.level, series)


def value_unit(target: Target) -> str:
    """The unit of the target's annual value and actual, as a bulletin prints it."""
    if target.kind == TargetKind.GROWTH:
        return "%"
    if target.kind == TargetKind.RANK:
        return _("place")
    if target.metric == Metric.TAX_PER_MU:
        return "万元/亩"
    if target.indicator is not None:
        label = UNIT_LABELS.get(target.indicator.unit)
        return label if label is not None else str(target.indicator.get_unit_display())
    return ""


def amount_unit(target: Target) -> str:
    """The unit of the target's amounts (1-N月, 上年同期, the forecast's threshold), growth
    targets included: the indicator's unit, 万元/亩 for 亩均税收."""
    if target.metric == Metric.TAX_PER_MU:
        return "万元/亩"
    if target.indicator is not None:
        label = UNIT_LABELS.get(target.indicator.unit)
        return label if label is not None else str(target.indicator.get_unit_display())
    return ""


@cache
def progress_schema() -> dict[str, Any]:
    """The schema of ``target_progress``'s output (frozen snapshots are read back into it)."""
    empty = pl.LazyFrame(schema=TARGETS_SCHEMA)
    frame = target_progress(
        empty,
        pl.LazyFrame(schema=LEAVES_SCHEMA),
        pl.LazyFrame(schema=MEMBERS_SCHEMA),
        period=Month(2000, 6),
        peers=pl.LazyFrame(schema=PEERS_SCHEMA),
    )
    return dict(frame.collect_schema())


@dataclass
class _Units:
    """The city's reporting units, and for each unit id the leaves below it (by level)."""

    city: OrgUnit
    below: dict[str, dict[int, list[int]]]  # level → unit id → leaf ids under it (or itself)
    kind_of: dict[int, str]  # unit id → kind (parks and counties of the city)
    land: dict[int, float]  # park unit id → built industrial land, 亩
    chain_enterprises: dict[int, list[int]]
    chain_parks: dict[int, list[int]]

    def leaves(self, level: str, unit_id: int) -> list[int]:
        return self.below.get(level, {}).get(unit_id, [])


def _ancestors(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _units(city: OrgUnit, levels: set[str], chain_ids: set[int], leaf_ids: set[int]) -> _Units:
    from parkchain.chains.models import Chain, ChainLink

    below: dict[str, dict[int, list[int]]] = {}
    kind_of: dict[int, str] = {}
    land: dict[int, float] = {}
    parks = list(
        Park.objects.filter(org_unit__path__startswith=city.path).values_list(
            "org_unit_id", "org_unit__path", "built_industrial_area_mu"
        )
    )
    for unit_id, _path, area in parks:
        kind_of[unit_id] = OrgUnitKind.PARK
        land[unit_id] = float(area or 0)
    counties = list(
        OrgUnit.objects.filter(path__startswith=city.path, kind=OrgUnitKind.COUNTY).values_list(
            "id", "path"
        )
    )
    for unit_id, _path in counties:
        kind_of[unit_id] = OrgUnitKind.COUNTY
    for level in levels:
        if level == Level.PARK:
            rows: Iterable[tuple[int, str]] = [(u, p) for u, p, _a in parks]
        elif level == Level.COUNTY:
            rows = counties
        else:  # enterprises: only those that reported something in the window
            rows = [
                (unit_id, path)
                for unit_id, path in OrgUnit.objects.filter(
                    kind=OrgUnitKind.ENTERPRISE, path__startswith=city.path
                ).values_list("id", "path")
                if unit_id in leaf_ids
            ]
        tree: dict[int, list[int]] = defaultdict(list)
        for leaf_id, path in rows:
            for ancestor in _ancestors(path):
                tree[ancestor].append(leaf_id)
        below[level] = tree
    chain_enterprises: dict[int, list[int]] = defaultdict(list)
    chain_parks: dict[int, list[int]] = defaultdict(list)
    if chain_ids:
        links = (
            ChainLink.objects.filter(node__chain_id__in=sorted(chain_ids))
            .values_list("node__chain_id", "enterprise__org_unit_id")
            .distinct()
        )
        for chain_id, unit_id in links:
            chain_enterprises[chain_id].append(unit_id)
        key_parks = Chain.key_parks.through.objects.filter(chain_id__in=sorted(chain_ids))
        for chain_id, unit_id in key_parks.values_list("chain_id", "park__org_unit_id"):
            chain_parks[chain_id].append(unit_id)
    return _Units(city, below, kind_of, land, dict(chain_enterprises), dict(chain_parks))


def _months(period: Month) -> list[int]:
    """The months the engine reads: this month and the two before (late reports), and December."""
    return sorted({m for m in (period.month - 2, period.month - 1, period.month, 12) if m >= 1})


def _leaves(
    city: OrgUnit, sources: Iterable[Source], period: Month, months: Sequence[int] | None = None
) -> pl.DataFrame:
    months = _months(period) if months is None else sorted(months)
    frames = []
    for source in {(s.code, s.indicator_id, s.level) for s in sources}:
        code, indicator_id, level = source
        # year IN / month IN / indicator: the (year, month, indicator) index; floats, not Decimals
        rows = (
            Observation.objects.filter(
                indicator_id=indicator_id,
                year__in=list(range(period.year - YEARS, period.year + 1)),
                month__in=months,
                org_unit__path__startswith=city.path,
                org_unit__kind=level,
            )
            .order_by()
            .values_list("org_unit_id", "year", "month", Cast("value", FloatField()))
        )
        frame = pl.DataFrame(
            list(rows),
            schema={c.LEAF_ID: pl.Int64, YEAR: pl.Int64, MONTH: pl.Int64, YTD_VALUE: pl.Float64},
            orient="row",
        )
        frames.append(frame.with_columns(pl.lit(code).alias(c.SOURCE)).select(list(LEAVES_SCHEMA)))
    if not frames:
        return pl.DataFrame(schema=LEAVES_SCHEMA)
    return pl.concat(frames)


def _members_of(units: _Units, source: Source, target: Target, unit_id: int | None) -> list[int]:
    """The leaves a target (or one rank peer, ``unit_id``) adds up."""
    if target.chain_id is not None and unit_id is None:
        if source.level == Level.ENTERPRISE:
            return units.chain_enterprises.get(target.chain_id, [])
        if source.level == Level.PARK:
            return units.chain_parks.get(target.chain_id, [])
        return []
    scope_id = unit_id if unit_id is not None else target.org_unit_id
    if scope_id is None:
        return []
    leaves = units.leaves(source.level, scope_id)
    if source.series == "rate" and leaves != [scope_id]:
        return []  # a reported rate is a park's own; it is not added up
    return leaves


def _divisor(units: _Units, source: Source, leaves: Sequence[int]) -> float | None:
    if not source.per_mu:
        return 1.0
    land = sum(units.land.get(leaf, 0.0) for leaf in leaves)
    return land if land > 0 else None


def book_targets(book: TargetBook) -> list[Target]:
    """Every target of ``book`` (unscoped: callers scope what they return), with what the
    computation and the figures read loaded, in book order."""
    targets = list(
        Target.objects.filter(book=book)
        .select_related("indicator", "org_unit", "chain")
        .order_by("sort_order", "id")
    )
    for target in targets:
        target.book = book  # one book instance, not one per row
    return targets


# Live figures are cached per process, keyed by the book, the month and a stamp of everything
# they are computed from; a changed stamp (a new or revised report, a changed target, a moved
# firm, a new chain link, a park's land) recomputes them.
_CACHE: OrderedDict[tuple[Any, ...], pl.DataFrame] = OrderedDict()
_CACHE_SIZE = 64


def data_stamp(book: TargetBook) -> tuple[Any, ...]:
    """What live figures of ``book`` depend on, cheaply: highest ids of observations and of their
    revisions (every change or removal of a value leaves a revision), the targets' last change,
    and the last change of org units, parks and chain links."""
    from parkchain.chains.models import ChainLink
    from parkchain.indicators.models import ObservationRevision

    return (
        Observation.objects.aggregate(m=Max("pk"))["m"],
        ObservationRevision.objects.aggregate(m=Max("pk"))["m"],
        tuple(
            Target.objects.filter(book=book).aggregate(m=Max("updated_at"), n=Count("pk")).values()
        ),
        OrgUnit.objects.filter(path__startswith=book.region.path).aggregate(m=Max("updated_at"))[
            "m"
        ],
        Park.objects.aggregate(m=Max("updated_at"))["m"],
        tuple(ChainLink.objects.aggregate(m=Max("updated_at"), n=Count("pk")).values()),
    )


def book_progress_cached(
    book: TargetBook, targets: Sequence[Target], *, period: Month
) -> pl.DataFrame:
    """``book_progress`` of every target of ``book``, from the cache while the data are unchanged."""
    key = (book.pk, period, data_stamp(book))
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    frame = book_progress(targets, period=period)
    _remember(key, frame)
    return frame


def book_progress(targets: Sequence[Target], *, period: Month) -> pl.DataFrame:
    """``target_progress`` for ``targets`` (one book's, indicator and org units selected) in ``period``.

    One row per target, columns of ``progress_schema()``. Targets without a source get a row with
    no figures.
    """
    if not targets:
        return pl.DataFrame(schema=progress_schema())
    return _progress(_inputs(targets, period=period, months=None), period)


def book_progress_months(
    targets: Sequence[Target], *, year: int, through: int
) -> dict[int, pl.DataFrame]:
    """``book_progress`` of ``targets`` for each month 1…``through`` of ``year`` (a target's monthly
    curve), reading the reports once: ``{month: frame}``. Each month's frame is what
    ``book_progress`` gives for that month (later months of the year are left out of it)."""
    if not targets:
        return {m: pl.DataFrame(schema=progress_schema()) for m in range(1, through + 1)}
    inputs = _inputs(targets, period=Month(year, through), months=range(1, 13))
    result = {}
    for month in range(1, through + 1):
        leaves = inputs.leaves.filter(~((pl.col(YEAR) == year) & (pl.col(MONTH) > month)))
        result[month] = _progress(replace(inputs, leaves=leaves), Month(year, month))
    return result


_MONTHS_CACHE: OrderedDict[tuple[Any, ...], dict[int, pl.DataFrame]] = OrderedDict()


def book_progress_months_cached(
    book: TargetBook, targets: Sequence[Target], *, through: int
) -> dict[int, pl.DataFrame]:
    """``book_progress_months`` of some targets of ``book`` in its year, from the cache while the
    data are unchanged (the same stamp as the live figures)."""
    key = (book.pk, tuple(t.pk for t in targets), book.year, through, data_stamp(book))
    found = _MONTHS_CACHE.get(key)
    if found is not None:
        _MONTHS_CACHE.move_to_end(key)
        return found
    months = book_progress_months(targets, year=book.year, through=through)
    _MONTHS_CACHE[key] = months
    while len(_MONTHS_CACHE) > _CACHE_SIZE // 2:
        _MONTHS_CACHE.popitem(last=False)
    return months


@dataclass(frozen=True)
class _Inputs:
    """What ``target_progress`` reads for a set of targets (engine.targets.dispatch)."""

    targets: pl.DataFrame
    leaves: pl.DataFrame
    members: pl.DataFrame
    peers: pl.DataFrame
    rate_sources: set[str]


def _progress(inputs: _Inputs, period: Month) -> pl.DataFrame:
    result = target_progress(
        inputs.targets.lazy(),
        inputs.leaves.lazy(),
        inputs.members.lazy(),
        period=period,
        peers=inputs.peers.lazy(),
        rate_sources=inputs.rate_sources,
    ).collect()
    return result.select(list(progress_schema()))


def _inputs(targets: Sequence[Target], *, period: Month, months: Iterable[int] | None) -> _Inputs:
    city = targets[0].book.region
    tax_id = Indicator.objects.filter(code=TAX_PER_MU_SOURCE).values_list("pk", flat=True).first()
    sources = {t.pk: target_source(t, tax_indicator_id=tax_id) for t in targets}
    known = [s for s in sources.values() if s is not None]
    leaves = _leaves(city, known, period, None if months is None else list(months))
    leaf_ids = set(leaves[c.LEAF_ID].unique().to_list()) if leaves.height else set()
    chain_ids = {t.chain_id for t in targets if t.chain_id is not None}
    units = _units(city, {s.level for s in known}, chain_ids, leaf_ids)

    rows: list[dict[str, Any]] = []
    members: list[tuple[int, int]] = []
    peers: list[tuple[int, int, int, float | None]] = []
    for target in targets:
        source = sources[target.pk]
        rule = rag_rule(target.kind, target.rag_rule or {})
        own = _members_of(units, source, target, None) if source else []
        row: dict[str, Any] = {
            c.TARGET_ID: target.pk,
            c.KIND: target.kind,
            c.TARGET: float(target.annual_value),
            c.BASE: float(target.base_value) if target.base_value is not None else None,
            c.SOURCE: source.code if source else "",
            c.SERIES: source.series if source else "ytd",
            c.DIVISOR: _divisor(units, source, own) if source else 1.0,
            c.PROFILE: target.profile,
            c.SHARES: target.profile_shares,
            c.JAN_FEB: target.jan_feb_combined,
            **rule_columns(rule),
        }
        if target.kind == TargetKind.RANK and source and target.org_unit_id:
            row[c.SELF_PEER] = target.org_unit_id
            kind = units.kind_of.get(target.org_unit_id)
            for peer_id, peer_kind in units.kind_of.items():
                if peer_kind != kind:
                    continue
                peer_leaves = _members_of(units, source, target, peer_id)
                divisor = _divisor(units, source, peer_leaves)
                peers.extend((target.pk, peer_id, leaf, divisor) for leaf in peer_leaves)
        else:
            members.extend((target.pk, leaf) for leaf in own)
        rows.append(row)
    return _Inputs(
        targets=targets_frame(rows),
        leaves=leaves,
        members=pl.DataFrame(members, schema=MEMBERS_SCHEMA, orient="row"),
        peers=pl.DataFrame(peers, schema=PEERS_SCHEMA, orient="row"),
        rate_sources={s.code for s in known if s.series == "rate"},
    )


def latest_reported_month(book: TargetBook) -> int | None:
    """The latest month of the book's year in which any unit reported an indicator behind one of
    its targets (the 税收 of 亩均税收 targets included); None before the first report.

    Month by month from December down: each probe is a seek on the (year, month, indicator) index,
    where one MAX over the year would read every report of it."""
    ids = set(
        Target.objects.filter(book=book, indicator__isnull=False).values_list(
            "indicator_id", flat=True
        )
    )
    if Target.objects.filter(book=book, metric=Metric.TAX_PER_MU).exists():
        ids.update(Indicator.objects.filter(code=TAX_PER_MU_SOURCE).values_list("pk", flat=True))
    if not ids:
        return None
    for month in range(12, 0, -1):
        if Observation.objects.filter(
            year=book.year,
            month=month,
            indicator_id__in=sorted(ids),
            org_unit__path__startswith=book.region.path,
        ).exists():
            return month
    return None


def snapshot_frame(snapshot: DispatchSnapshot) -> pl.DataFrame:
    """The frozen rows of ``snapshot`` (every target's), in the live frame's schema.

    A snapshot never changes once written, so its frame is cached per process."""
    key = ("snapshot", snapshot.pk, snapshot.frozen_at)
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    schema = progress_schema()
    values = SnapshotFigure.objects.filter(snapshot=snapshot).order_by("target_id")
    rows = [
        {key: row.get(key) for key in schema} for row in values.values_list("values", flat=True)
    ]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    _remember(key, frame)
    return frame


def _remember(key: tuple[Any, ...], frame: pl.DataFrame) -> None:
    _CACHE[key] = frame
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
