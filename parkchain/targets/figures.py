"""The shapes ``dispatch_figures`` returns: one month's figures per target, rankings, red items.

Built from one frame (``engine.targets.dispatch.target_progress``, live or frozen) by
``figures_from_frame``; the bulletin, the cockpit and the pages all read these, so they show the
same numbers (style rule 15).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl
from django.utils.translation import gettext as _

from engine.periods import Month
from engine.targets import columns as c
from engine.targets.ranking import unit_ranking
from parkchain.organisations.models import OrgUnitKind
from parkchain.targets.data import value_unit
from parkchain.targets.models import (
    DispatchSnapshot,
    MilestoneStatus,
    MilestoneTask,
    Target,
    TargetBook,
    TargetKind,
)

SCOPE_KIND = "scope_kind"  # city | county | park | chain
SCOPE_ID = "scope_id"  # org unit id, or chain id for chain targets
CHAIN = "chain"

Source = Literal["live", "snapshot", "none"]


@dataclass(frozen=True)
class TargetFigure:
    """One target's figures for the month. Ratios are fractions (0.5 = 50 %), gaps in pp."""

    target: Target
    scope_kind: str  # city | county | park | chain
    scope_id: int
    scope_name: str
    unit: str  # of ``annual``/``actual``: 万元, 个, %, 万元/亩, 位
    annual: float  # the annual target (as frozen, for a snapshot)
    base: float | None
    actual: float | None  # 1-N月 amount or count; growth % (growth targets); place (rank)
    amount: float | None  # 1-N月 amount (growth targets too)
    previous: float | None  # 上年同期 of the comparable units
    growth: float | None  # 同比 %, comparable units
    completion: float | None  # 完成率
    time_progress: float | None  # 时序进度
    profile_used: str | None
    gap_pp: float | None  # 进度差 (pp); growth − target (pp); places (rank)
    progress_ratio: float | None  # 进度比
    rag: str  # green | yellow | red | none
    rank_of: int | None
    forecast: float | None  # year-end: amount / count; growth % for growth targets
    probability: float | None  # of meeting the target, 0–1
    outlook: str | None  # green | yellow | red from the probability
    reported: int  # units that reported the month
    estimated_units: int  # units not reported yet, estimated (engine.targets.actuals)

    @property
    def pk(self) -> int:
        return self.target.pk

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def group(self) -> str:
        return self.target.group

    @property
    def kind(self) -> str:
        return self.target.kind

    @property
    def owner(self) -> str:
        return self.target.owner


@dataclass(frozen=True)
class RankingRow:
    """A county, park or chain ranked by its targets' lights (engine.targets.ranking)."""

    scope_kind: str
    scope_id: int
    name: str
    rank: int  # among every unit of its kind in the book, not only those the user sees
    of: int
    targets: int
    green: int
    yellow: int
    red: int
    none: int
    mean_gap_pp: float | None


@dataclass(frozen=True)
class RedItem:
    """A problem the bulletin lists under 存在问题 and the supervision office follows up."""

    kind: Literal["target", "milestone"]
    scope_name: str
    title: str
    detail: str
    owner: str
    target_id: int | None = None
    milestone_id: int | None = None
    gap_pp: float | None = None


@dataclass(frozen=True)
class MilestoneState:
    task: MilestoneTask
    status: str  # the stored status, or "overdue" when past the deadline at the month's end
    status_label: str
    is_overdue: bool


@dataclass(frozen=True)
class DispatchFigures:
    """One month of dispatch for one book, as one user may see it (see ``dispatch_figures``)."""

    period: Month
    book: TargetBook | None
    source: Source  # "snapshot": the frozen 调度口径; "live": computed now from the observations
    snapshot: DispatchSnapshot | None
    targets: list[TargetFigure]
    counties: list[RankingRow]
    parks: list[RankingRow]
    chains: list[RankingRow]
    red_items: list[RedItem]
    milestones: list[MilestoneState]
    frame: pl.DataFrame  # the engine's rows of ``targets`` plus SCOPE_KIND / SCOPE_ID
    rag_counts: dict[str, int] = field(default_factory=dict)

    @property
    def period_label(self) -> str:
        """本年累计 label: "2026年1-10月"."""
        return self.period.ytd_label

    @property
    def as_of(self) -> dt.date:
        """The last day of the month (milestones are judged overdue on it)."""
        return month_end(self.period)

    @property
    def estimated_units(self) -> int:
        return sum(f.estimated_units for f in self.targets if f.scope_kind != CHAIN)

    def of_scope(self, kind: str) -> list[TargetFigure]:
        """The targets of one level (city, county, park, chain), in book order."""
        return [f for f in self.targets if f.scope_kind == kind]

    @property
    def headline(self) -> list[TargetFigure]:
        """The city's own targets (总体情况)."""
        return self.of_scope(OrgUnitKind.CITY)

    @property
    def top_level(self) -> list[TargetFigure]:
        """The highest level of targets the user sees: the city's (the city roles), else his
        county's or park's (their users), else the chains' (a chain office)."""
        for level in (OrgUnitKind.CITY, OrgUnitKind.COUNTY, OrgUnitKind.PARK, CHAIN):
            found = self.of_scope(level)
            if found:
                return found
        return []

    def row(self, target_id: int) -> dict[str, Any] | None:
        """The engine's row of one visible target (every column of engine.targets.columns: the
        forecast's past shares and threshold too), or None."""
        if self.frame.is_empty():
            return None
        rows = self.frame.filter(pl.col(c.TARGET_ID) == target_id).to_dicts()
        return rows[0] if rows else None


@dataclass(frozen=True)
class ProgressPoint:
    """One month of a target's curve (``target_progress_series``): its figures that month, frozen
    (调度口径) when the month was frozen, else live."""

    month: int
    actual: float | None
    amount: float | None
    completion: float | None
    time_progress: float | None
    gap_pp: float | None
    rag: str
    forecast: float | None
    probability: float | None
    frozen: bool


def progress_point(month: int, row: dict[str, Any], *, frozen: bool) -> ProgressPoint:
    return ProgressPoint(
        month=month,
        actual=_float(row.get(c.ACTUAL)),
        amount=_float(row.get(c.AMOUNT)),
        completion=_float(row.get(c.COMPLETION)),
        time_progress=_float(row.get(c.TIME_PROGRESS)),
        gap_pp=_float(row.get(c.GAP_PP)),
        rag=row.get(c.RAG) or c.NONE,
        forecast=_float(row.get(c.FORECAST)),
        probability=_float(row.get(c.PROBABILITY)),
        frozen=frozen,
    )


def figures_filtered(
    figures: Sequence[TargetFigure],
    *,
    scope_kind: str | None = None,
    under_path: str | None = None,
    rag: str | None = None,
) -> list[TargetFigure]:
    """The figures of one level (city, county, park, chain), of the units at or under a unit's
    path (a county: itself and its parks; chains have no place in the tree), of one light."""
    return [
        f
        for f in figures
        if (not scope_kind or f.scope_kind == scope_kind)
        and (not rag or f.rag == rag)
        and (
            not under_path
            or (f.target.org_unit is not None and f.target.org_unit.path.startswith(under_path))
        )
    ]


def month_end(period: Month) -> dt.date:
    return dt.date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])


def _scope_kind(target: Target) -> str:
    if target.chain_id:
        return CHAIN
    return target.org_unit.kind if target.org_unit else ""


def scope_columns(targets: Iterable[Target]) -> pl.DataFrame:
    rows = [
        {
            c.TARGET_ID: t.pk,
            SCOPE_KIND: _scope_kind(t),
            SCOPE_ID: t.chain_id or t.org_unit_id,
        }
        for t in targets
    ]
    return pl.DataFrame(
        rows, schema={c.TARGET_ID: pl.Int64, SCOPE_KIND: pl.String, SCOPE_ID: pl.Int64}
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _figure(target: Target, row: dict[str, Any]) -> TargetFigure:
    return TargetFigure(
        target=target,
        scope_kind=_scope_kind(target),
        scope_id=int(target.chain_id or target.org_unit_id or 0),
        scope_name=target.scope_name,
        unit=value_unit(target),
        annual=float(row[c.TARGET]),
        base=_float(row.get(c.BASE)),
        actual=_float(row.get(c.ACTUAL)),
        amount=_float(row.get(c.AMOUNT)),
        previous=_float(row.get(c.PREVIOUS)),
        growth=_float(row.get(c.GROWTH)),
        completion=_float(row.get(c.COMPLETION)),
        time_progress=_float(row.get(c.TIME_PROGRESS)),
        profile_used=row.get(c.PROFILE_USED),
        gap_pp=_float(row.get(c.GAP_PP)),
        progress_ratio=_float(row.get(c.PROGRESS_RATIO)),
        rag=row.get(c.RAG) or c.NONE,
        rank_of=row.get(c.RANK_OF),
        forecast=_float(row.get(c.FORECAST)),
        probability=_float(row.get(c.PROBABILITY)),
        outlook=row.get(c.OUTLOOK),
        reported=int(row.get(c.REPORTED) or 0),
        estimated_units=int(row.get(c.ESTIMATED_UNITS) or 0),
    )


def _rankings(
    frame: pl.DataFrame, kind: str, names: dict[tuple[str, int], str], visible: set[tuple[str, int]]
) -> list[RankingRow]:
    of_kind = frame.filter(pl.col(SCOPE_KIND) == kind)
    if of_kind.height == 0:
        return []
    ranked = unit_ranking(of_kind.lazy(), by=SCOPE_ID).collect()
    total = ranked.height
    return [
        RankingRow(
            scope_kind=kind,
            scope_id=row[SCOPE_ID],
            name=names.get((kind, row[SCOPE_ID]), ""),
            rank=row[c.RANK],
            of=total,
            targets=row[c.TARGETS],
            green=row[c.GREEN],
            yellow=row[c.YELLOW],
            red=row[c.RED],
            none=row[c.NONE],
            mean_gap_pp=row[c.MEAN_GAP_PP],
        )
        for row in ranked.iter_rows(named=True)
        if (kind, row[SCOPE_ID]) in visible
    ]


def red_detail(figure: TargetFigure) -> str:
    """Why a target is red, in words: 完成率 and the gap, or the growth against the target."""
    if figure.kind == TargetKind.GROWTH and figure.actual is not None:
        return _("growth %(growth)s%% against a target of %(target)s%%, %(gap)s pp short") % {
            "growth": f"{figure.actual:.1f}",
            "target": f"{figure.annual:g}",
            "gap": f"{-(figure.gap_pp or 0):.1f}",
        }
    if figure.kind == TargetKind.RANK and figure.actual is not None:
        return _("ranked %(place)d of %(of)d against a target of %(target)d") % {
            "place": int(figure.actual),
            "of": figure.rank_of or 0,
            "target": int(figure.annual),
        }
    return _("%(completion)s%% of the annual target done, %(gap)s pp behind time progress") % {
        "completion": f"{(figure.completion or 0) * 100:.1f}",
        "gap": f"{-(figure.gap_pp or 0):.1f}",
    }


def milestone_states(tasks: Sequence[MilestoneTask], *, on: dt.date) -> list[MilestoneState]:
    states = []
    for task in tasks:
        overdue = task.is_overdue(on)
        status = MilestoneStatus.OVERDUE if overdue else MilestoneStatus(task.status)
        states.append(MilestoneState(task, status, str(status.label), overdue))
    return states


def figures_from_frame(
    *,
    period: Month,
    book: TargetBook,
    source: Source,
    snapshot: DispatchSnapshot | None,
    frame: pl.DataFrame,
    all_targets: Sequence[Target],
    visible_ids: set[int],
    milestones: Sequence[MilestoneTask],
) -> DispatchFigures:
    """The figures of the targets in ``visible_ids``; rankings over every target of the book."""
    by_id = {t.pk: t for t in all_targets}
    full = frame.join(scope_columns(all_targets), on=c.TARGET_ID, how="inner")
    rows = {row[c.TARGET_ID]: row for row in full.iter_rows(named=True)}
    figures = [
        _figure(by_id[pk], rows[pk])
        for pk in (t.pk for t in all_targets)
        if pk in visible_ids and pk in rows
    ]
    names = {
        (_scope_kind(t), int(t.chain_id or t.org_unit_id or 0)): t.scope_name for t in all_targets
    }
    visible_scopes = {(f.scope_kind, f.scope_id) for f in figures}
    red_items = [
        RedItem(
            kind="target",
            scope_name=f.scope_name,
            title=f"{f.scope_name}{f.name}",
            detail=red_detail(f),
            owner=f.owner,
            target_id=f.pk,
            gap_pp=f.gap_pp,
        )
        for f in sorted((f for f in figures if f.rag == c.RED), key=lambda f: (f.gap_pp or 0, f.pk))
    ]
    states = milestone_states(milestones, on=month_end(period))
    for state in states:
        if state.is_overdue:
            task = state.task
            red_items.append(
                RedItem(
                    kind="milestone",
                    scope_name=str(task.owner_unit or task.chain or ""),
                    title=task.title,
                    detail=_("deadline %(deadline)s passed, not done")
                    % {"deadline": task.deadline.isoformat()},
                    owner=task.owner,
                    milestone_id=task.pk,
                )
            )
    counts = dict.fromkeys(c.RAG_ORDER, 0)
    for f in figures:
        counts[f.rag] = counts.get(f.rag, 0) + 1
    return DispatchFigures(
        period=period,
        book=book,
        source=source,
        snapshot=snapshot,
        targets=figures,
        counties=_rankings(full, OrgUnitKind.COUNTY, names, visible_scopes),
        parks=_rankings(full, OrgUnitKind.PARK, names, visible_scopes),
        chains=_rankings(full, CHAIN, names, visible_scopes),
        red_items=red_items,
        milestones=states,
        frame=full.filter(pl.col(c.TARGET_ID).is_in(sorted(visible_ids))),
        rag_counts=counts,
    )


def empty_figures(period: Month) -> DispatchFigures:
    return DispatchFigures(
        period=period,
        book=None,
        source="none",
        snapshot=None,
        targets=[],
        counties=[],
        parks=[],
        chains=[],
        red_items=[],
        milestones=[],
        frame=pl.DataFrame(),
        rag_counts=dict.fromkeys(c.RAG_ORDER, 0),
    )
