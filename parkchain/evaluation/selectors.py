"""Reads of the evaluation module, always through the scope door.

A run is visible to users of its region, of units under it (a county user opens the city's run and
sees his own enterprises' rows only) and above it; a result, objection or list row is visible
exactly when its enterprise (park, county) is, *as of 31 December of the year evaluated*.
Tax amounts on the 税收清单 are shown only to ``TAX_AMOUNT_ROLES`` (domain spec §5.2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from parkchain.chains.models import Chain
from parkchain.enterprises.models import Enterprise
from parkchain.evaluation.inputs import ENTERPRISE_ID, LAND_MU, year_end
from parkchain.evaluation.models import (
    CountyResult,
    EnterpriseResult,
    EvaluationRun,
    ListKind,
    ListRow,
    ListSnapshot,
    Objection,
    ParkResult,
    ResultStatus,
    RunInput,
    RunSource,
    RunStatus,
    Scheme,
    SchemeKind,
    SchemeVersion,
)
from parkchain.organisations.models import Role
from parkchain.organisations.scopes import Scope, get_in_scope, scope_for

User = AbstractBaseUser | AnonymousUser

TAX_AMOUNT_ROLES = frozenset({Role.CITY_ADMIN, Role.LEADER, Role.COUNTY, Role.ENTERPRISE})
"""Roles that see tax amounts (税收清单 values): the task force, city leaders, counties, and an
enterprise its own row (the only row it sees). Data-supplying departments (税务) see them too."""

RESULT_ORDERS: dict[str, tuple[Any, ...]] = {
    "rank": ("pool", F("rank").asc(nulls_last=True), "enterprise__name"),
    "-total": (F("total").desc(nulls_last=True), "enterprise__name"),
    "total": (F("total").asc(nulls_last=True), "enterprise__name"),
    "grade": (F("grade").asc(nulls_last=True), "pool", "rank", "enterprise__name"),
    "name": ("enterprise__name", "enterprise_id"),
    "county": ("county__path", "pool", "rank", "enterprise__name"),
    "park": (F("park__name").asc(nulls_last=True), "pool", "rank", "enterprise__name"),
}


def _can_see_tax_amounts(scope: Scope) -> bool:
    """True for the roles of TAX_AMOUNT_ROLES and for a department that supplies enterprise data."""
    if scope.everything:
        return True
    if scope.roles.intersection(TAX_AMOUNT_ROLES):
        return True
    return Role.DEPARTMENT in scope.roles and bool(scope.read_paths)


# -- schemes and runs ---------------------------------------------------------------------------
def scheme_list(*, user: User, kind: str | None = None) -> QuerySet[Scheme]:
    """Schemes the user may read (presets and his city's), with their versions newest first."""
    versions = SchemeVersion.objects.order_by("-version")
    qs = scope_for(user).filter(
        Scheme.objects.prefetch_related(Prefetch("versions", queryset=versions))
    )
    return qs.filter(kind=kind) if kind else qs


def run_list(
    *,
    user: User,
    kind: str | None = None,
    year: int | None = None,
    status: str | None = None,
    source: str | None = None,
) -> QuerySet[EvaluationRun]:
    """Runs the user may read, newest year first, with scheme and region."""
    qs = scope_for(user).filter(
        EvaluationRun.objects.select_related("scheme_version__scheme", "region", "created_by")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("-year", "-created_at", "-pk")


def run_get(*, user: User, pk: int) -> EvaluationRun:
    """404 when the run is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(run_list(user=user), pk=pk)


# -- enterprise results -------------------------------------------------------------------------
def _results(user: User, run: EvaluationRun) -> QuerySet[EnterpriseResult]:
    return scope_for(user).filter(
        EnterpriseResult.objects.filter(run=run).select_related(
            "enterprise", "county", "park", "run"
        ),
        as_of=year_end(run.year),
    )


def enterprise_result_list(
    *,
    user: User,
    run: EvaluationRun,
    county_id: int | None = None,
    park_id: int | None = None,
    chain_id: int | None = None,
    grade: str | None = None,
    group: str | None = None,
    status: str | None = None,
    q: str | None = None,
    order: str = "rank",
) -> QuerySet[EnterpriseResult]:
    """The run's enterprise results the user may see, filtered; ``order`` is a key of RESULT_ORDERS.

    ``county_id``/``park_id`` are where the enterprise was at the end of the year evaluated;
    ``chain_id`` its current chain links; ``q`` matches the name or the credit code.
    """
    qs = _results(user, run)
    if county_id:
        qs = qs.filter(county_id=county_id)
    if park_id:
        qs = qs.filter(park_id=park_id)
    if chain_id:
        from parkchain.chains.models import ChainLink

        qs = qs.filter(
            Exists(
                ChainLink.objects.filter(enterprise=OuterRef("enterprise"), node__chain_id=chain_id)
            )
        )
    if grade:
        qs = qs.filter(grade=grade)
    if group:
        qs = qs.filter(group=group)
    if status:
        qs = qs.filter(status=status)
    if q:
        term = q.strip()
        qs = qs.filter(
            Q(enterprise__name__icontains=term) | Q(enterprise__credit_code__icontains=term.upper())
        )
    return qs.order_by(*RESULT_ORDERS.get(order, RESULT_ORDERS["rank"]))


def enterprise_result_get(
    *,
    user: User,
    pk: int | None = None,
    run: EvaluationRun | None = None,
    enterprise_pk: int | None = None,
) -> EnterpriseResult:
    """One result by its id, or by (run, enterprise); 404 when missing *or* outside the scope."""
    if pk is None and (run is None or enterprise_pk is None):
        raise TypeError("enterprise_result_get needs pk, or run and enterprise_pk")
    if pk is not None:
        year = EnterpriseResult.objects.filter(pk=pk).values_list("run__year", flat=True).first()
        if year is None:
            return get_in_scope(EnterpriseResult.objects.none(), pk=pk)
        qs = scope_for(user).filter(
            EnterpriseResult.objects.select_related("enterprise", "county", "park", "run"),
            as_of=year_end(year),
        )
        return get_in_scope(qs, pk=pk)
    assert run is not None  # noqa: S101  # narrowed by the check above
    return get_in_scope(_results(user, run), enterprise_id=enterprise_pk)


@dataclass(frozen=True)
class Component:
    """One scored indicator of a result (the explanation of its base score)."""

    indicator: str
    label: str
    value: float | None
    benchmark: float | None
    weight: float | None
    score_raw: float | None
    score: float | None
    guards: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """Why an enterprise got its grade: components, its pool's benchmarks, what A would take, levers."""

    result: EnterpriseResult
    components: list[Component]
    benchmarks: list[dict[str, Any]]
    lift: Any | None  # engine.evaluation.mu.LiftAnswer, or None (unreachable / already there)
    lift_target: str
    levers: dict[str, str] = field(default_factory=dict)
    adjustments: dict[str, float | None] = field(default_factory=dict)


def _components(result: EnterpriseResult) -> list[Component]:
    found = []
    for item in result.components or []:
        guard = item.get("guard") or ""
        found.append(
            Component(
                indicator=str(item.get("indicator", "")),
                label=str(item.get("label") or item.get("indicator", "")),
                value=item.get("value"),
                benchmark=item.get("benchmark"),
                weight=item.get("weight"),
                score_raw=item.get("score_raw"),
                score=item.get("score"),
                guards=tuple(g for g in str(guard).split(",") if g),
            )
        )
    return found


def _scheme_levers(run: EvaluationRun, grade: str) -> dict[str, str]:
    levers = (run.scheme_version.definition or {}).get("levers") or {}
    return dict(levers.get(grade) or {}) if grade else {}


def enterprise_result_explain(
    *,
    user: User,
    result: EnterpriseResult,
    target: str = "A",
    indicator: str = "tax_per_mu",
) -> Explanation:
    """The explanation card of a result the user may see (404 otherwise).

    ``lift`` is the engine's answer to "what value of ``indicator`` (and of its numerator, e.g.
    税收 in 万元) would reach the lowest total holding ``target`` in the pool": computed on the
    run's stored inputs, so it explains the result as published.
    """
    result = enterprise_result_get(user=user, pk=result.pk)
    run = EvaluationRun.objects.select_related("scheme_version__scheme").get(pk=result.run_id)
    benchmarks = [
        row
        for row in run.benchmarks or []
        if row.get("group") == result.group and row.get("pool") == result.pool
    ]
    lift = None
    if (
        run.kind == SchemeKind.ENTERPRISE_MU
        and run.source == RunSource.PLATFORM
        and result.status == ResultStatus.GRADED
        and result.computed_grade != target
    ):
        lift = _lift(run, result.enterprise_id, target, indicator)
    return Explanation(
        result=result,
        components=_components(result),
        benchmarks=benchmarks,
        lift=lift,
        lift_target=target,
        levers=_scheme_levers(run, result.grade),
        adjustments={
            "base_score": result.base_score,
            "bonus": result.bonus,
            "penalty": result.penalty,
            "total": result.total,
        },
    )


def _lift(run: EvaluationRun, enterprise_id: int, target: str, indicator: str) -> Any | None:
    from engine.evaluation.mu import evaluate, lift_to_grade
    from engine.evaluation.scheme import MuScheme
    from parkchain.evaluation.inputs import frame_from_parquet

    # the stored input frame (RunInput is never shown; only this derived answer is)
    data = RunInput.objects.filter(run=run, name="enterprises").values_list("data", flat=True)
    stored = data.first()
    if stored is None:
        return None
    scheme = MuScheme.model_validate(run.scheme_version.definition)
    result = evaluate(frame_from_parquet(stored), scheme)
    try:
        return lift_to_grade(result, scheme, enterprise_id, target=target, indicator=indicator)  # type: ignore[arg-type]
    except (KeyError, ValueError):
        return None


@dataclass(frozen=True)
class DistributionRow:
    """A/B/C/D counts and shares of one county, park or chain, and the land held by class D."""

    key: int | None
    name: str
    n_total: int
    n_graded: int
    n_a: int
    n_b: int
    n_c: int
    n_d: int
    share_a: float | None
    share_b: float | None
    share_c: float | None
    share_d: float | None
    n_exempt: int
    n_deferred: int
    n_excluded: int
    land_graded_mu: float
    land_d_mu: float
    land_d_share: float | None


def grade_distribution(
    *, user: User, run: EvaluationRun, by: Literal["county", "park", "chain"] = "county"
) -> list[DistributionRow]:
    """Grade distribution of the results the user may see, per county, park or chain.

    Counted by ``engine.evaluation.parks.grade_distribution`` (the county run stores the same
    figures). Enterprises outside parks form the park row with key None; an enterprise on two
    chains counts in both.
    """
    from engine.evaluation.parks import grade_distribution as engine_distribution

    results = list(
        _results(user, run).values_list(
            "enterprise_id", "status", "grade", "county_id", "park_id", "land_mu"
        )
    )
    names: dict[int | None, str] = {}
    if by == "chain":
        from parkchain.chains.selectors import chain_link_list

        links = (
            chain_link_list(user=user)
            .filter(enterprise_id__in=_results(user, run).values("enterprise_id"))
            .values_list("enterprise_id", "node__chain_id", "node__chain__name")
            .distinct()
        )
        units: list[tuple[int, int | None]] = [(e, chain) for e, chain, _n in links]
        names = {chain: name for _e, chain, name in links}
    else:
        units = [(r[0], r[3] if by == "county" else r[4]) for r in results]
        if by == "county":
            from parkchain.organisations.models import OrgUnit

            names = dict(
                OrgUnit.objects.filter(pk__in={u for _e, u in units}).values_list("pk", "name")
            )
        else:
            from parkchain.organisations.models import Park

            names = dict(
                Park.objects.filter(pk__in={u for _e, u in units if u}).values_list("pk", "name")
            )
    if not results:
        return []
    by_id = {r[0]: r for r in results}
    # one row per (enterprise, unit): an enterprise on two chains counts in both
    members = [(i, e, u) for i, (e, u) in enumerate(units) if e in by_id]
    graded = pl.DataFrame(
        [(i, by_id[e][1], by_id[e][2] or None) for i, e, _u in members],
        schema={ENTERPRISE_ID: pl.Int64, "status": pl.Utf8, "grade": pl.Utf8},
        orient="row",
    )
    frame = pl.DataFrame(
        [(i, u, by_id[e][5]) for i, e, u in members],
        schema={ENTERPRISE_ID: pl.Int64, "county": pl.Int64, LAND_MU: pl.Float64},
        orient="row",
    )
    table = engine_distribution(graded, frame, by="county", land=LAND_MU)
    return [
        DistributionRow(
            key=row["county"],
            name=names.get(row["county"], ""),
            **{k: v for k, v in row.items() if k != "county"},
        )
        for row in table.to_dicts()
    ]


# -- park and county results ------------------------------------------------------------------
def park_result_list(*, user: User, run: EvaluationRun) -> QuerySet[ParkResult]:
    """The run's park results the user may see (a park's own row, a county's parks…), by rank."""
    return (
        scope_for(user)
        .filter(
            ParkResult.objects.filter(run=run).select_related("park__org_unit__parent"),
            as_of=year_end(run.year),
        )
        .order_by(F("rank").asc(nulls_last=True), "park__name")
    )


def county_result_list(*, user: User, run: EvaluationRun) -> QuerySet[CountyResult]:
    """The run's county rows the user may see (city users all, a county its own), by rank."""
    return (
        scope_for(user)
        .filter(CountyResult.objects.filter(run=run).select_related("county"))
        .order_by(F("rank").asc(nulls_last=True), "county__path")
    )


# -- the enterprise page ------------------------------------------------------------------------
@dataclass(frozen=True)
class LatestGrade:
    """An enterprise's latest final grade (official results win over platform ones of the same year)."""

    result: EnterpriseResult
    run: EvaluationRun
    grade: str
    year: int
    source: str
    levers: dict[str, str]


def enterprise_latest_grade(*, user: User, enterprise: Enterprise) -> LatestGrade | None:
    """The latest final 亩均 grade of ``enterprise`` the user may see, with its 差别化政策 levers."""
    candidates = (
        scope_for(user)
        .filter(
            EnterpriseResult.objects.filter(
                enterprise=enterprise,
                run__kind=SchemeKind.ENTERPRISE_MU,
                run__status=RunStatus.FINAL,
            )
            .exclude(grade="")
            .select_related("run__scheme_version", "run__region")
        )
        .order_by("-run__year", "run__source", "-run__finalised_at")
    )
    for result in candidates[:5]:
        # the row must be visible as of its own year (a firm that moved keeps its old park's rows)
        visible = scope_for(user).filter(
            EnterpriseResult.objects.filter(pk=result.pk), as_of=year_end(result.run.year)
        )
        if visible.exists():
            run = result.run
            return LatestGrade(
                result=result,
                run=run,
                grade=result.grade,
                year=run.year,
                source=run.source,
                levers=_scheme_levers(run, result.grade),
            )
    return None


# -- objections ---------------------------------------------------------------------------------
def objection_list(
    *, user: User, run: EvaluationRun | None = None, status: str | None = None
) -> QuerySet[Objection]:
    """Objections the user may see (those of enterprises in his scope), newest first."""
    qs = Objection.objects.select_related("enterprise", "run", "submitted_by", "decided_by")
    if run is not None:
        qs = scope_for(user).filter(qs.filter(run=run), as_of=year_end(run.year))
    else:
        qs = scope_for(user).filter(qs)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at", "-pk")


# -- 六个清单 -------------------------------------------------------------------------------------
def list_snapshot_list(*, user: User, year: int | None = None) -> QuerySet[ListSnapshot]:
    """List snapshots of units the user belongs to, is under or above, newest first."""
    qs = scope_for(user).filter(ListSnapshot.objects.select_related("scope_unit", "built_by"))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-month", "-created_at", "-pk")


def list_snapshot_get(*, user: User, pk: int) -> ListSnapshot:
    """404 when the snapshot is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(list_snapshot_list(user=user), pk=pk)


@dataclass(frozen=True)
class ListEntry:
    """One row of a list as the user may see it: the 税收清单 hides amounts from other roles."""

    row: ListRow
    enterprise: Enterprise
    rank: int
    value: float | None
    tier: str
    evidence: str
    extra: dict[str, Any]
    amount_hidden: bool


def list_snapshot_rows(*, user: User, snapshot: ListSnapshot, kind: str) -> list[ListEntry]:
    """The rows of one list of a snapshot whose enterprises — and, for 链主, whose chains — the
    user may see, by chain and rank."""
    scope = scope_for(user)
    rows = scope.filter(
        ListRow.objects.filter(snapshot=snapshot, kind=kind).select_related("enterprise", "chain"),
        as_of=_snapshot_day(snapshot),
    )
    if not scope.everything:
        readable_chains = scope.filter(Chain.objects.all()).values("pk")
        rows = rows.filter(Q(chain__isnull=True) | Q(chain__in=readable_chains))
    rows = rows.order_by("chain__sort_order", "chain_id", "rank", "pk")
    hide = kind == ListKind.TOP_TAX and not _can_see_tax_amounts(scope)
    return [
        ListEntry(
            row=row,
            enterprise=row.enterprise,
            rank=row.rank,
            value=None if hide else row.value,
            tier=row.tier,
            evidence="" if hide else row.evidence,
            extra={} if hide else dict(row.extra or {}),
            amount_hidden=hide,
        )
        for row in rows
    ]


def _snapshot_day(snapshot: ListSnapshot) -> dt.date:
    if snapshot.month == 0:
        return year_end(snapshot.year)
    return dt.date(snapshot.year, snapshot.month, 1)
