"""亩均效益综合评价 (亩均论英雄): indicator scores, totals, ranks and classes A/B/C/D per enterprise.

``evaluate(frame, scheme)`` runs a ``MuScheme`` (``engine.evaluation.scheme``) over one row per
enterprise and returns a ``MuResult``; the rules are in ``shared/spec/domain.md`` §1 and the
column contract in ``docs/evaluation.md`` §1. Pure Polars, vectorised: no loop over rows, per-pool
statistics by one group-by per stage, ranks by one window. Independent parts (the id check, the
input hash, industry codes, flags, each group) run side by side on a small thread pool; Polars
releases the GIL, and the result does not depend on the order they finish in.

The steps, in order:

1. **Status.** Outside ``scope.industry_prefixes`` (or no industry code) → ``excluded``; an exempt
   industry or flag → ``exempt`` (免评); no land, or 规下 with land below
   ``scope.min_land_mu_below_scale`` → ``excluded``; younger than ``scope.grace_years`` →
   ``deferred`` (暂缓评价); no group matches → ``excluded``; the rest are ``graded``.
2. **Group and pool.** The first matching ``GroupDef``; the pool is the group split by its
   ``partition_by`` columns, written ``"above/433101"`` (small land in its own pool
   ``…/small_land`` when ``small_land`` is "separate_group").
3. **Values.** x = scale · numerator / denominator with land raised to ``land_floor_mu``
   (guard ``land_floor``). A null numerator or a null / non-positive denominator is *missing*.
4. **Benchmarks per pool** over graded enterprises with a value: Σnumerator/Σdenominator
   (``aggregate``), the mean (``mean``) or a fixed value, × ``benchmark_multiplier``.
5. **Scores.** R/R2: w·x/B; M: w·(20 + 80·norm)/100; E: w·(0.6 + 0.4·norm) with
   norm = (x − min)/(max − min) over the pool's positive values after winsorising (norm = 1 when
   max = min). Guards: x ≤ 0 scores 0 (``non_positive``); a score above cap_mult·w is cut there
   (``cap``); a non-positive benchmark scores 0 (``no_benchmark``); a missing value gets the
   pool's average score of the indicator (``missing_group_average``), 0 (``missing_zero``), or 0
   with the enterprise's other scores scaled by W / W_available (``renormalised``).
6. **Total** = Σ scores (``base_score``) + bonus − penalty (``Adjustment`` items over ``flags``).
7. **Classes.** An enterprise with a ``force_d_flags`` flag is D (``forced_d:<flag>``) and is not
   ranked. The others are ranked per pool by total, best first; totals equal to
   ``scheme.tie_decimals`` decimals share the better (smaller) rank. p = rank / n (n = ranked
   enterprises in the pool): A if p ≤ cuts.A, B if p ≤ cuts.B, C if p ≤ cuts.C, else D
   (``percentile``); so tied enterprises always share the better class. Then a value of the
   ``abs_floor_d`` indicator below the floor → D (``floor_d``; a missing value is not judged), and
   an A whose ``a_min`` indicator is below the threshold, or missing, → B (``a_min``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from engine.columns import ENTERPRISE_ID, INDICATOR, INDUSTRY_CODE, LAND_MU, VALUE
from engine.evaluation.scheme import (
    GRADES,
    Adjustment,
    Grade,
    GroupDef,
    IndicatorDef,
    MuScheme,
    scheme_hash,
)

# input columns (besides ENTERPRISE_ID, INDUSTRY_CODE, LAND_MU and the scheme's numerators) ------
COUNTY = "county"  # county org-unit code, the usual partition key
PARK = "park"
ABOVE_SCALE = "above_scale"  # 规上 in the evaluation year; null counts as 规下
YEARS_OPERATING = "years_operating"  # years since registration / production, at 31 December
FLAGS = "flags"  # List(Utf8): "hitech", "major_accident", "sublet" (repeated per item) …

REQUIRED = (ENTERPRISE_ID, ABOVE_SCALE, INDUSTRY_CODE, LAND_MU, YEARS_OPERATING, FLAGS)

# output columns ---------------------------------------------------------------------------------
GROUP = "group"
POOL = "pool"
STATUS = "status"
STATUS_REASON = "status_reason"
BASE_SCORE = "base_score"
BONUS = "bonus"
PENALTY = "penalty"
TOTAL = "total"
RANK = "rank"
POOL_SIZE = "pool_size"
RANK_PCT = "rank_pct"
GRADE = "grade"
GRADE_REASON = "grade_reason"
WEIGHT_FACTOR = "weight_factor"  # renormalisation factor W / W_available (1.0 normally)
LABEL = "label"
NUMERATOR = "numerator"
DENOMINATOR = "denominator"
BENCHMARK = "benchmark"
WEIGHT = "weight"
SCORE_RAW = "score_raw"
SCORE = "score"
GUARD = "guard"
MIN = "min"
MAX = "max"
N = "n"

GRADED = "graded"
EXEMPT = "exempt"
DEFERRED = "deferred"
EXCLUDED = "excluded"
STATUSES = (GRADED, EXEMPT, DEFERRED, EXCLUDED)

PERCENTILE = "percentile"
FLOOR_D = "floor_d"
A_MIN = "a_min"
_FIXED_GRADE_REASONS = (PERCENTILE, FLOOR_D, A_MIN)  # then forced_d:<flag>, in force_d_flags order

GUARDS = (
    "non_positive",
    "cap",
    "winsorised",
    "land_floor",
    "missing_group_average",
    "missing_zero",
    "renormalised",
    "no_benchmark",
)
"""Guard names, in the order they appear in the comma-joined ``guard`` column."""

_BIT = {name: 1 << index for index, name in enumerate(GUARDS)}
GUARD_DTYPE = pl.Enum(
    [
        ",".join(name for index, name in enumerate(GUARDS) if mask & (1 << index))
        for mask in range(1 << len(GUARDS))
    ]
)
"""Every combination of guards, comma-joined; a combination's code is its bit mask."""
GRADE_DTYPE = pl.Enum(list(GRADES))
STATUS_DTYPE = pl.Enum(list(STATUSES))

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_RANK_EPSILON = 1e-12  # p = rank / n compared with a cut: rank/n is exact up to one rounding
_GROUP_INDEX = "__group_index"
_LAND_USED = "__land_used"
_LAND_FLOORED = "__land_floored"
_FORCED = "__forced"  # index of the first force_d_flags flag the enterprise has, or null
_EXEMPT_FLAG = "__exempt_flag"
_FLOOR_HIT = "__floor_hit"
_A_FAIL = "__a_fail"


@dataclass(frozen=True)
class MuResult:
    """The outcome of ``evaluate``; frames as in ``docs/evaluation.md`` §1.

    * ``enterprises``: one row per input row (graded groups first, then the others):
      ``enterprise_id, group, pool, status, status_reason, base_score, bonus, penalty, total,
      rank, pool_size, rank_pct, grade, grade_reason, weight_factor``.
    * ``components``: one row per graded enterprise × indicator of its group: ``enterprise_id,
      indicator, label, numerator, denominator, value, benchmark, weight, score_raw, score,
      guard``; Σ score per enterprise = ``base_score``.
    * ``benchmarks``: ``group, pool, indicator, benchmark, min, max, n`` (min/max: the range M and
      E normalise over, after winsorising; the observed range for R).
    * ``input_hash``: ``frame_hash`` of the input's columns that the scheme reads
      (``input_columns``), so the same data in any row order gives the same hash.
    * ``scheme_hash``: ``engine.evaluation.scheme.scheme_hash`` of the scheme used.

    Dtypes: ``group``, ``status``, ``status_reason``, ``grade``, ``grade_reason``, ``indicator``,
    ``label`` and ``guard`` are ``pl.Enum`` (their values are the strings named here), ``pool``
    is ``pl.Categorical``; ``guard`` is "" when no guard applied.
    """

    enterprises: pl.DataFrame
    components: pl.DataFrame
    benchmarks: pl.DataFrame
    input_hash: str
    scheme_hash: str


@dataclass(frozen=True)
class LiftAnswer:
    """What one enterprise needs on one indicator to reach a class (see ``lift_to_grade``)."""

    enterprise_id: int
    target: Grade
    indicator: str
    numerator: str  # the input column, e.g. "tax_annual" (万元)
    current_value: float | None
    required_value: float
    current_numerator: float | None
    required_numerator: float
    current_total: float
    target_total: float  # the lowest total holding the target class in the pool

    @property
    def numerator_increase(self) -> float:
        """How much more of the numerator is needed (e.g. 万元 of tax)."""
        return self.required_numerator - (self.current_numerator or 0.0)


# -------------------------------------------------------------------------------------------------
# public API
# -------------------------------------------------------------------------------------------------
def evaluate(frame: pl.DataFrame | pl.LazyFrame, scheme: MuScheme) -> MuResult:
    """Run the 亩均 scheme over one row per enterprise (columns: ``input_columns(scheme)``:
    ``REQUIRED``, the groups' ``partition_by`` columns and every numerator/denominator the scheme
    reads, Float64 or integer, nullable; other columns are ignored). Raise ValueError naming
    missing columns, or on null or repeated enterprise ids."""
    data = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    _check_input(data, scheme)
    data = data.select(input_columns(scheme))
    with ThreadPoolExecutor(max_workers=max(4, len(scheme.groups))) as pool:
        # Polars releases the GIL: check ids and hash the input while classifying, and score
        # the groups side by side
        unique = pool.submit(_check_unique, data)
        hashing = pool.submit(frame_hash, data)
        classified = _classify(data, scheme, pool)
        scoring = [
            pool.submit(_score_group, classified, scheme, index, group)
            for index, group in enumerate(scheme.groups)
        ]
        unique.result()  # raises on repeated enterprise ids
        groups = [future.result() for future in scoring]
        input_hash = hashing.result()
    scored = [scored_group for scored_group, _stats in groups]
    stats = [stats_group for _scored, stats_group in groups]
    indicator_dtype = pl.Enum(_unique(i.key for g in scheme.groups for i in g.indicators))
    label_dtype = pl.Enum(_unique(i.label for g in scheme.groups for i in g.indicators))
    group_dtype = pl.Enum([group.key for group in scheme.groups])
    reason_dtype = _status_reason_dtype(scheme)
    grade_reason_dtype = _grade_reason_dtype(scheme)

    enterprise_parts = [
        _enterprise_rows(frame_g, group, group_dtype, reason_dtype, grade_reason_dtype)
        for frame_g, group in zip(scored, scheme.groups, strict=True)
    ]
    enterprise_parts.append(
        _ungraded_rows(classified, group_dtype, reason_dtype, grade_reason_dtype)
    )
    component_parts = [
        _component_rows(frame_g, group, indicator_dtype, label_dtype)
        for frame_g, group in zip(scored, scheme.groups, strict=True)
    ]
    benchmark_parts = [
        _benchmark_rows(stats_g, group, group_dtype, indicator_dtype)
        for stats_g, group in zip(stats, scheme.groups, strict=True)
    ]
    enterprises, components, benchmarks = pl.collect_all(
        [
            pl.concat(enterprise_parts, how="vertical"),
            pl.concat(component_parts, how="vertical"),
            pl.concat(benchmark_parts, how="vertical"),
        ]
    )
    return MuResult(
        enterprises=enterprises,
        components=components,
        benchmarks=benchmarks,
        input_hash=input_hash,
        scheme_hash=scheme_hash(scheme),
    )


def frame_hash(frame: pl.DataFrame) -> str:
    """Order-independent sha256 of a frame: the same rows in any order (and columns in any
    order) give the same hash. Each row is hashed by Polars; the row hashes are combined by
    order-free reductions (the sums of their low and high 32 bits and their XOR, a multiset
    hash) and digested with the schema and the row count. Polars' row hash is stable for a
    given Polars version, not across versions: after an upgrade, equal data may hash differently.
    """
    columns = sorted(frame.columns)
    digest = hashlib.sha256()
    schema = [(name, str(frame.schema[name])) for name in columns]
    digest.update(json.dumps(schema, ensure_ascii=False).encode("utf-8"))
    digest.update(str(frame.height).encode())
    if frame.height:
        plain = frame.select(
            pl.col(name).cast(pl.String)
            if isinstance(frame.schema[name], pl.Categorical | pl.Enum)
            else pl.col(name)
            for name in columns
        )
        rows = pl.DataFrame([plain.hash_rows(seed=0).alias("h")])
        low, high, xor = rows.select(
            (pl.col("h") & 0xFFFFFFFF).sum().alias("low"),  # < 2**32 rows × 2**32: no overflow
            (pl.col("h") // 2**32).sum().alias("high"),
            pl.col("h").bitwise_xor().alias("xor"),
        ).row(0)
        digest.update(f"{low}:{high}:{xor}".encode())
    return digest.hexdigest()


def lift_to_grade(
    result: MuResult,
    scheme: MuScheme,
    enterprise_id: int,
    target: Grade = "A",
    indicator: str = "tax_per_mu",
) -> LiftAnswer | None:
    """The value of ``indicator`` (and of its numerator, e.g. 税收 in 万元) that would lift the
    enterprise to ``target``: its total reaching the lowest total now holding ``target`` in its
    pool, and the ``a_min`` / ``abs_floor_d`` thresholds when they bind on this indicator.

    First-order: the benchmark, the other enterprises and the pool's threshold are held fixed
    (raising one enterprise's tax also moves an aggregate benchmark a little). The cap is honoured:
    when the capped score cannot close the gap the answer is None. None as well when the
    enterprise is not graded, is forced to D, already holds ``target`` or better, the pool has no
    ``target`` now, or the indicator is not scored for it.
    """
    row = result.enterprises.filter(pl.col(ENTERPRISE_ID) == enterprise_id)
    if row.height != 1 or row[STATUS][0] != GRADED or row[RANK][0] is None:
        return None
    current_grade = row[GRADE][0]
    if GRADES.index(current_grade) <= GRADES.index(target):
        return None
    pool = row[POOL][0]
    holders = result.enterprises.filter((pl.col(POOL) == pool) & (pl.col(GRADE) == target))
    if holders.height == 0:
        return None
    target_total = float(holders[TOTAL].min())  # type: ignore[arg-type]
    component = result.components.filter(
        (pl.col(ENTERPRISE_ID) == enterprise_id) & (pl.col(INDICATOR) == indicator)
    )
    if component.height != 1:
        return None
    group = scheme.group(row[GROUP][0])
    definition = next(i for i in group.indicators if i.key == indicator)
    current_total = float(row[TOTAL][0])
    factor = float(row[WEIGHT_FACTOR][0])
    score = float(component[SCORE][0])
    needed_score = (target_total - (current_total - score)) / factor
    bounds = result.benchmarks.filter((pl.col(POOL) == pool) & (pl.col(INDICATOR) == indicator))
    value = _value_for_score(
        definition,
        needed_score,
        benchmark=component[BENCHMARK][0],
        low=bounds[MIN][0],
        high=bounds[MAX][0],
    )
    if value is None:
        return None
    thresholds = [value]
    if target == "A" and scheme.a_min is not None and scheme.a_min.indicator == indicator:
        thresholds += _a_min_thresholds(scheme, component[BENCHMARK][0])
    if scheme.abs_floor_d is not None and scheme.abs_floor_d.indicator == indicator:
        thresholds.append(scheme.abs_floor_d.value)
    required = max(thresholds)
    current_value = component[VALUE][0]
    if current_value is not None and required <= current_value:
        return None  # the obstacle is not this indicator
    denominator = component[DENOMINATOR][0]
    per_unit = 1.0 if definition.denominator is None else denominator
    if per_unit is None:
        return None
    return LiftAnswer(
        enterprise_id=enterprise_id,
        target=target,
        indicator=indicator,
        numerator=definition.numerator,
        current_value=current_value,
        required_value=required,
        current_numerator=component[NUMERATOR][0],
        required_numerator=required / definition.scale * per_unit,
        current_total=current_total,
        target_total=target_total,
    )


# -------------------------------------------------------------------------------------------------
# 1–2. status, group, land
# -------------------------------------------------------------------------------------------------
def input_columns(scheme: MuScheme) -> list[str]:
    """The columns ``evaluate`` reads for this scheme (and hashes into ``input_hash``)."""
    needed = list(REQUIRED)
    for group in scheme.groups:
        needed += group.partition_by
        for indicator in group.indicators:
            needed.append(indicator.numerator)
            if indicator.denominator not in (None, LAND_MU):
                needed.append(indicator.denominator)
    return _unique(needed)


def _check_input(frame: pl.DataFrame, scheme: MuScheme) -> None:
    missing = [name for name in input_columns(scheme) if name not in frame.columns]
    if missing:
        raise ValueError(f"evaluate: the frame lacks columns: {', '.join(missing)}")
    if frame[ENTERPRISE_ID].null_count():
        raise ValueError("evaluate: enterprise_id may not be null")


def _check_unique(frame: pl.DataFrame) -> None:
    if frame[ENTERPRISE_ID].n_unique() != frame.height:
        repeated = frame.filter(pl.col(ENTERPRISE_ID).is_duplicated())[ENTERPRISE_ID].unique()
        raise ValueError(
            f"evaluate: enterprise ids repeat: {', '.join(map(str, repeated.head(5).to_list()))}"
        )


def _cases(scheme: MuScheme) -> list[tuple[str, str]]:
    """(status, reason) of each non-graded case, in the order they are tested (first one wins)."""
    scope = scheme.scope
    cases: list[tuple[str, str]] = []
    if scope.industry_prefixes:
        cases += [(EXCLUDED, "industry_unknown"), (EXCLUDED, "industry_out_of_scope")]
    cases += [(EXEMPT, f"exempt_industry:{prefix}") for prefix in scope.exempt_industries]
    cases += [(EXEMPT, f"exempt_flag:{flag}") for flag in scope.exempt_flags]
    cases.append((EXCLUDED, "no_land"))
    if scope.min_land_mu_below_scale is not None:
        cases.append((EXCLUDED, "below_scale_small_land"))
    if scope.grace_years is not None:
        cases.append((DEFERRED, "new_entity"))
    cases.append((EXCLUDED, "no_group"))
    return cases


def _status_reason_dtype(scheme: MuScheme) -> pl.Enum:
    """Status reasons in test order, so a case's index is its physical code."""
    return pl.Enum([reason for _status, reason in _cases(scheme)])


def _grade_reason_dtype(scheme: MuScheme) -> pl.Enum:
    """percentile, floor_d, a_min, then forced_d:<flag> in force_d_flags order."""
    return pl.Enum([*_FIXED_GRADE_REASONS, *(f"forced_d:{f}" for f in scheme.force_d_flags)])


def _industry_cases(codes: pl.Series, scheme: MuScheme) -> pl.Series:
    """Per row: the index (in ``_cases``) of the industry case that applies, or null.

    Worked out once per distinct code (a few thousand GB/T 4754 classes), then mapped back.
    A leading 门类 letter ("C3011") is ignored."""
    scope = scheme.scope
    categorical = codes.cast(pl.String).cast(pl.Categorical)
    distinct = categorical.drop_nulls().unique()
    digits = distinct.cast(pl.String).str.strip_chars_start(_LETTERS)
    case = pl.repeat(None, distinct.len(), dtype=pl.UInt8, eager=True)
    first_exempt = 2 if scope.industry_prefixes else 0
    for index in reversed(range(len(scope.exempt_industries))):
        prefix = scope.exempt_industries[index]
        case = pl.select(
            pl.when(digits.str.starts_with(prefix))
            .then(pl.lit(first_exempt + index, dtype=pl.UInt8))
            .otherwise(case)
        ).to_series()
    if scope.industry_prefixes:
        in_scope = pl.select(pl.any_horizontal(_prefix_tests(digits, scope.industry_prefixes)))
        case = pl.select(
            pl.when(in_scope.to_series()).then(case).otherwise(pl.lit(1, dtype=pl.UInt8))
        ).to_series()
    # a lookup table indexed by the categorical's physical code
    physical = categorical.to_physical()
    top = physical.max()
    size = top + 1 if isinstance(top, int) else 0
    table = pl.repeat(None, size, dtype=pl.UInt8, eager=True).scatter(distinct.to_physical(), case)
    mapped = table.gather(physical)
    if scope.industry_prefixes:
        mapped = mapped.set(codes.is_null(), 0)
    return mapped


def _prefix_tests(digits: pl.Series, prefixes: Sequence[str]) -> list[pl.Series]:
    by_length: dict[int, list[str]] = {}
    for prefix in prefixes:
        by_length.setdefault(len(prefix), []).append(prefix)
    return [digits.str.slice(0, n).is_in(group) for n, group in sorted(by_length.items())]


def _flag_effects(frame: pl.DataFrame, group_index: pl.Series, scheme: MuScheme) -> pl.DataFrame:
    """Per row, from ``flags``: the first exempt flag (its index in ``scope.exempt_flags``), the
    first force-D flag (index in ``force_d_flags``), and the bonus and penalty points.

    Flags are sparse, so they are counted only on the rows that have any, then scattered back."""
    scope = scheme.scope
    has_flags = (frame[FLAGS].list.len() > 0).fill_null(False)
    rows = has_flags.arg_true()
    flagged = pl.DataFrame([frame[FLAGS], group_index]).filter(has_flags)
    used = _unique(
        [
            *scope.exempt_flags,
            *scheme.force_d_flags,
            *(item.flag for item in (*scheme.bonus, *scheme.penalty)),
        ]
    )
    counts = flagged.select(
        pl.col(_GROUP_INDEX),
        *(
            pl.col(FLAGS).list.count_matches(flag).cast(pl.Float64).alias(f"__n{index}")
            for index, flag in enumerate(used)
        ),
    )

    def count(flag: str) -> pl.Expr:
        return pl.col(f"__n{used.index(flag)}")

    def first_of(flags: Sequence[str]) -> pl.Expr:
        position: pl.Expr = pl.lit(None, dtype=pl.UInt8)
        for index in reversed(range(len(flags))):
            position = (
                pl.when(count(flags[index]) > 0)
                .then(pl.lit(index, dtype=pl.UInt8))
                .otherwise(position)
            )
        return position

    def points(items: Sequence[Adjustment]) -> pl.Expr:
        terms: list[pl.Expr] = []
        for item in items:
            n = count(item.flag)
            applies = n > 0
            if item.groups:
                indices = [i for i, g in enumerate(scheme.groups) if g.key in item.groups]
                applies = applies & pl.col(_GROUP_INDEX).is_in(indices).fill_null(False)
            if item.per_item:
                first = item.points if item.first_points is None else item.first_points
                earned = first + (n - 1) * item.points
            else:
                earned = pl.lit(item.points)
            if item.max_points is not None:
                earned = earned.clip(upper_bound=item.max_points)
            terms.append(pl.when(applies).then(earned).otherwise(0.0))
        return pl.sum_horizontal(terms) if terms else pl.lit(0.0, dtype=pl.Float64)

    effects = counts.select(
        first_of(scope.exempt_flags).alias(_EXEMPT_FLAG),
        first_of(scheme.force_d_flags).alias(_FORCED),
        points(scheme.bonus).alias(BONUS),
        points(scheme.penalty).alias(PENALTY),
    )
    height = frame.height
    return pl.DataFrame(
        [  # scatter writes in place: a fresh series each
            pl.repeat(None, height, dtype=pl.UInt8, eager=True)
            .scatter(rows, effects[name])
            .alias(name)
            for name in (_EXEMPT_FLAG, _FORCED)
        ]
        + [
            pl.zeros(height, dtype=pl.Float64, eager=True).scatter(rows, effects[name]).alias(name)
            for name in (BONUS, PENALTY)
        ]
    )


def _classify(frame: pl.DataFrame, scheme: MuScheme, pool: Executor) -> pl.DataFrame:
    """Adds status, status reason, group index, the flags' effects (exempt, forced D, bonus,
    penalty) and the land used in per-mu denominators. Industry codes and flags are worked out
    on ``pool`` side by side."""
    scope = scheme.scope
    land = pl.col(LAND_MU).cast(pl.Float64)
    above = pl.col(ABOVE_SCALE).fill_null(False)

    group_index: pl.Expr = pl.lit(None, dtype=pl.Int32)
    for index, group in reversed(list(enumerate(scheme.groups))):
        condition = pl.lit(True)
        if group.above_scale is not None:
            condition = condition & (above == group.above_scale)
        if group.min_land_mu is not None:
            condition = condition & (land >= group.min_land_mu)
        if group.max_land_mu is not None:
            condition = condition & (land < group.max_land_mu)
        group_index = pl.when(condition).then(pl.lit(index, dtype=pl.Int32)).otherwise(group_index)

    groups = frame.select(ENTERPRISE_ID, group_index.alias(_GROUP_INDEX))[_GROUP_INDEX]
    flags_future = pool.submit(_flag_effects, frame, groups, scheme)
    industry_future = pool.submit(_industry_cases, frame[INDUSTRY_CODE], scheme)

    # one condition per case of _cases, same order
    conditions: list[pl.Expr] = []
    if scope.industry_prefixes or scope.exempt_industries:
        industry = pl.lit(industry_future.result())
        count = (2 if scope.industry_prefixes else 0) + len(scope.exempt_industries)
        conditions += [(industry == index).fill_null(False) for index in range(count)]
    conditions += [pl.col(_EXEMPT_FLAG) == index for index in range(len(scope.exempt_flags))]
    conditions.append(land.is_null() | (land <= 0))
    if scope.min_land_mu_below_scale is not None:
        conditions.append(~above & (land < scope.min_land_mu_below_scale))
    if scope.grace_years is not None:
        conditions.append((pl.col(YEARS_OPERATING) < scope.grace_years).fill_null(False))
    conditions.append(pl.col(_GROUP_INDEX).is_null())

    case: pl.Expr = pl.lit(None, dtype=pl.UInt8)
    for index in reversed(range(len(conditions))):
        case = pl.when(conditions[index]).then(pl.lit(index, dtype=pl.UInt8)).otherwise(case)
    statuses = [STATUSES.index(status) for status, _reason in _cases(scheme)]
    status = pl.lit(pl.Series(statuses, dtype=pl.UInt8)).gather(pl.col(STATUS_REASON))

    floor = scheme.land_floor_mu
    if floor is not None and scheme.small_land == "floor":
        land_used = pl.max_horizontal(land, pl.lit(floor))
        floored = (land < floor).fill_null(False)
    else:
        land_used = land
        floored = pl.lit(False)

    return (
        frame.lazy()
        .with_columns(groups, *flags_future.result())
        .with_columns(
            case.alias(STATUS_REASON),
            land_used.alias(_LAND_USED),
            floored.alias(_LAND_FLOORED),
        )
        .with_columns(
            status.fill_null(STATUSES.index(GRADED)).cat.to(STATUS_DTYPE).alias(STATUS),
            pl.col(STATUS_REASON).cat.to(_status_reason_dtype(scheme)),
        )
        .collect()
    )


# -------------------------------------------------------------------------------------------------
# 3–7. one group: values, pool statistics, scores, totals, ranks, classes
# -------------------------------------------------------------------------------------------------
def _col(index: int, name: str) -> str:
    return f"__k{index}_{name}"


def _numerator(indicator: IndicatorDef) -> pl.Expr:
    return pl.col(indicator.numerator).cast(pl.Float64)


def _denominator(indicator: IndicatorDef) -> pl.Expr | None:
    if indicator.denominator is None:
        return None
    if indicator.denominator == LAND_MU:
        return pl.col(_LAND_USED)
    return pl.col(indicator.denominator).cast(pl.Float64)


def _value(indicator: IndicatorDef) -> pl.Expr:
    """x = numerator / denominator · scale; null when missing (a null numerator, or a null or
    non-positive denominator)."""
    numerator = _numerator(indicator)
    denominator = _denominator(indicator)
    if denominator is None:
        present = numerator.is_not_null()
        ratio = numerator
    else:
        present = numerator.is_not_null() & (denominator > 0).fill_null(False)
        ratio = numerator / denominator
    if indicator.scale != 1:
        ratio = ratio * indicator.scale
    return pl.when(present).then(ratio)


def _uses_range(indicator: IndicatorDef) -> bool:
    return indicator.method in ("M", "E") or indicator.winsorise is not None


def _score_group(
    classified: pl.DataFrame, scheme: MuScheme, group_index: int, group: GroupDef
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One group's graded enterprises, wide (one column per indicator and stage), scored, ranked
    and classed; and the group's pool statistics (one row per pool)."""
    base = _group_values(classified, scheme, group_index, group)
    stats = _pool_statistics(base, group)
    needed = [POOL, POOL_SIZE]
    for index, indicator in enumerate(group.indicators):
        needed.append(_col(index, BENCHMARK))
        if _uses_range(indicator):
            needed += [_col(index, "low"), _col(index, "high")]
    scored = base.join(stats.select(needed), on=POOL, how="left").with_columns(
        expr
        for index, indicator in enumerate(group.indicators)
        for expr in _score_exprs(index, indicator)
    )
    return _classes(_totals(_missing_rule(scored, group), scheme, group), scheme, group), stats


def _group_values(
    classified: pl.DataFrame, scheme: MuScheme, group_index: int, group: GroupDef
) -> pl.DataFrame:
    """The group's graded rows, narrowed to what scoring reads, with their pool and values."""
    columns = [ENTERPRISE_ID, LAND_MU, _LAND_USED, _LAND_FLOORED, _FORCED, BONUS, PENALTY]
    columns += group.partition_by
    for indicator in group.indicators:
        columns.append(indicator.numerator)
        if indicator.denominator not in (None, LAND_MU):
            columns.append(indicator.denominator)
    graded = classified.select(_unique(columns)).filter(
        (classified[_GROUP_INDEX] == group_index) & (classified[STATUS] == GRADED)
    )
    pool = pl.concat_str(
        [
            pl.lit(group.key),
            *(pl.col(c).cast(pl.String).fill_null("-") for c in group.partition_by),
        ],
        separator="/",
    )
    if scheme.small_land == "separate_group" and scheme.land_floor_mu is not None:
        small = (pl.col(LAND_MU) < scheme.land_floor_mu).fill_null(False)
        pool = (
            pl.when(small)
            .then(pl.concat_str([pool, pl.lit("small_land")], separator="/"))
            .otherwise(pool)
        )
    return graded.with_columns(
        pool.cast(pl.Categorical).alias(POOL),
        *(
            _value(indicator).alias(_col(index, VALUE))
            for index, indicator in enumerate(group.indicators)
        ),
    )


def _pool_statistics(base: pl.DataFrame, group: GroupDef) -> pl.DataFrame:
    """Per pool: ranked size, and per indicator the benchmark, the scoring range (low/high),
    the observed range (min/max) and the number of values.

    The inputs of each statistic are masked column-wise first, so the group-by only runs plain
    sums, counts, extremes and quantiles (its fast path)."""
    inputs: list[pl.Expr] = [
        pl.col(POOL),
        pl.col(_FORCED).is_null().cast(pl.Int64).alias(POOL_SIZE),
    ]
    aggregations: list[pl.Expr] = [pl.col(POOL_SIZE).sum()]
    for index, indicator in enumerate(group.indicators):
        value = pl.col(_col(index, VALUE))
        present = value.is_not_null()
        inputs += [value, present.cast(pl.Int64).alias(_col(index, N))]
        aggregations += [
            pl.col(_col(index, N)).sum(),
            value.min().alias(_col(index, MIN)),
            value.max().alias(_col(index, MAX)),
        ]
        if indicator.benchmark == "aggregate":
            denominator = _denominator(indicator)
            inputs += [
                pl.when(present).then(_numerator(indicator)).alias(_col(index, "sum_num")),
                (
                    present.cast(pl.Float64)
                    if denominator is None
                    else pl.when(present).then(denominator)
                ).alias(_col(index, "sum_den")),
            ]
            aggregations += [pl.col(_col(index, name)).sum() for name in ("sum_num", "sum_den")]
        elif indicator.benchmark == "mean":
            aggregations.append(value.mean().alias(_col(index, "mean")))
        if _uses_range(indicator):
            positive = pl.col(_col(index, "positive"))
            inputs.append(pl.when(value > 0).then(value).alias(_col(index, "positive")))
            if indicator.winsorise is not None:
                low_q, high_q = indicator.winsorise
                low = positive.quantile(low_q, interpolation="linear")
                high = positive.quantile(high_q, interpolation="linear")
            else:
                low, high = positive.min(), positive.max()
            aggregations += [low.alias(_col(index, "low")), high.alias(_col(index, "high"))]
    return (
        base.select(inputs)
        .group_by(POOL)
        .agg(aggregations)
        .with_columns(
            _benchmark_expr(index, indicator).cast(pl.Float64).alias(_col(index, BENCHMARK))
            for index, indicator in enumerate(group.indicators)
        )
        .sort(pl.col(POOL).cast(pl.String))
    )


def _missing_rule(scored: pl.DataFrame, group: GroupDef) -> pl.DataFrame:
    """Final indicator scores: missing values by the indicator's rule, then renormalisation."""
    indicators = group.indicators
    averaged = [i for i, indicator in enumerate(indicators) if indicator.missing == "group_average"]
    if averaged:
        averages = scored.group_by(POOL).agg(
            pl.col(_col(index, "pre")).mean().alias(_col(index, "average")) for index in averaged
        )
        scored = scored.join(averages, on=POOL, how="left")
    renormalised = [
        i for i, indicator in enumerate(indicators) if indicator.missing == "renormalise"
    ]
    total_weight = group.weight_total
    if renormalised:
        available = total_weight - pl.sum_horizontal(
            pl.when(pl.col(_col(index, VALUE)).is_null())
            .then(indicators[index].weight)
            .otherwise(0.0)
            for index in renormalised
        )
        factor = pl.when(available > 0).then(total_weight / available).otherwise(1.0)
    else:
        factor = pl.lit(1.0)
    scored = scored.with_columns(factor.alias(WEIGHT_FACTOR))
    finals = []
    for index, indicator in enumerate(indicators):
        missing = pl.col(_col(index, VALUE)).is_null()
        if indicator.missing == "group_average":
            fill = pl.col(_col(index, "average")).fill_null(0.0)
        else:
            fill = pl.lit(0.0)
        final = pl.when(missing).then(fill).otherwise(pl.col(_col(index, "pre")))
        if renormalised:
            final = final * pl.col(WEIGHT_FACTOR)
        finals.append(final.alias(_col(index, SCORE)))
    return scored.with_columns(finals)


def _totals(scored: pl.DataFrame, scheme: MuScheme, group: GroupDef) -> pl.DataFrame:
    """Guards per indicator, base score (Σ scores), bonus, penalty and total."""
    renormalised = any(indicator.missing == "renormalise" for indicator in group.indicators)
    return scored.with_columns(
        *(
            _guard_expr(index, indicator, renormalised=renormalised).alias(_col(index, GUARD))
            for index, indicator in enumerate(group.indicators)
        ),
        pl.sum_horizontal(
            pl.col(_col(index, SCORE)) for index in range(len(group.indicators))
        ).alias(BASE_SCORE),
    ).with_columns((pl.col(BASE_SCORE) + pl.col(BONUS) - pl.col(PENALTY)).alias(TOTAL))


def _classes(scored: pl.DataFrame, scheme: MuScheme, group: GroupDef) -> pl.DataFrame:
    """Rank per pool (forced-D enterprises unranked), rank percentile, class and its reason."""
    # totals equal to tie_decimals decimals tie; as integers when they fit (sorting is faster)
    scale = 10**scheme.tie_decimals
    largest = scored[TOTAL].abs().max()
    if isinstance(largest, float) and largest * scale < 2**62:
        rounded = (pl.col(TOTAL) * scale).round().cast(pl.Int64)
    else:
        rounded = pl.col(TOTAL).round(scheme.tie_decimals)
    key = pl.when(pl.col(_FORCED).is_null()).then(rounded)
    grade, reason = _grade_exprs(group, _grade_reason_dtype(scheme))
    return (
        scored.with_columns(
            key.rank("min", descending=True).over(POOL).cast(pl.Int64).alias(RANK),
            _floor_hit(scheme, group).alias(_FLOOR_HIT),
            _a_fail(scheme, group).alias(_A_FAIL),
        )
        .with_columns((pl.col(RANK) / pl.col(POOL_SIZE)).alias(RANK_PCT))
        .with_columns(grade.alias(GRADE), reason.alias(GRADE_REASON))
    )


def _benchmark_expr(index: int, indicator: IndicatorDef) -> pl.Expr:
    multiplier = indicator.benchmark_multiplier
    fixed = indicator.benchmark_fixed  # set exactly when benchmark == "fixed" (IndicatorDef)
    if fixed is not None:
        return pl.lit(fixed * multiplier, dtype=pl.Float64)
    if indicator.benchmark == "mean":
        benchmark = pl.col(_col(index, "mean"))
    else:
        sum_den = pl.col(_col(index, "sum_den"))
        benchmark = pl.when(sum_den > 0).then(pl.col(_col(index, "sum_num")) / sum_den)
        if indicator.scale != 1:
            benchmark = benchmark * indicator.scale
    return benchmark * multiplier if multiplier != 1 else benchmark


def _score_exprs(index: int, indicator: IndicatorDef) -> list[pl.Expr]:
    """score_raw (the formula), pre (after the value guards, null when missing), capped flag."""
    value = pl.col(_col(index, VALUE))
    weight = indicator.weight
    if indicator.winsorise is not None:
        x = value.clip(pl.col(_col(index, "low")), pl.col(_col(index, "high")))
    else:
        x = value
    benchmark = pl.col(_col(index, BENCHMARK))
    if indicator.method in ("R", "R2"):
        raw = x / benchmark * weight
        bench_ok = (benchmark > 0).fill_null(False)
    else:
        low, high = pl.col(_col(index, "low")), pl.col(_col(index, "high"))
        norm = pl.when(high > low).then((x - low) / (high - low)).otherwise(1.0)
        raw = (
            weight * (20 + 80 * norm) / 100
            if indicator.method == "M"
            else weight * (0.6 + 0.4 * norm)
        )
        bench_ok = pl.lit(True)
    non_positive = value <= 0
    capped = pl.lit(False)
    guarded = raw
    if indicator.cap_mult is not None:
        cap = indicator.cap_mult * weight
        capped = raw > cap
        guarded = pl.when(capped).then(pl.lit(cap)).otherwise(raw)
    pre = (
        pl.when(value.is_null())
        .then(None)
        .when(non_positive | ~bench_ok)
        .then(0.0)
        .otherwise(guarded)
    )
    return [
        pl.when(bench_ok).then(raw).alias(_col(index, SCORE_RAW)),
        pre.alias(_col(index, "pre")),
        (capped & ~non_positive & bench_ok).fill_null(False).alias(_col(index, "capped")),
    ]


def _guard_expr(index: int, indicator: IndicatorDef, *, renormalised: bool) -> pl.Expr:
    """The guards applied to one score, as a bit mask over ``GUARDS``."""
    value = pl.col(_col(index, VALUE))
    present = value.is_not_null()
    conditions: dict[str, list[pl.Expr]] = {
        "non_positive": [present & (value <= 0)],
        "cap": [pl.col(_col(index, "capped"))],
    }
    if indicator.winsorise is not None:
        clipped = (value < pl.col(_col(index, "low"))) | (value > pl.col(_col(index, "high")))
        conditions["winsorised"] = [present & (value > 0) & clipped]
    if indicator.denominator == LAND_MU:
        conditions["land_floor"] = [present & pl.col(_LAND_FLOORED)]
    missing_guard = {
        "group_average": "missing_group_average",
        "zero": "missing_zero",
        "renormalise": "renormalised",
    }[indicator.missing]
    conditions.setdefault(missing_guard, []).append(~present)
    if renormalised:
        conditions.setdefault("renormalised", []).append(pl.col(WEIGHT_FACTOR) != 1.0)
    if indicator.method in ("R", "R2"):
        benchmark_ok = (pl.col(_col(index, BENCHMARK)) > 0).fill_null(False)
        conditions["no_benchmark"] = [present & ~benchmark_ok]
    return pl.sum_horizontal(
        pl.when(pl.any_horizontal(exprs).fill_null(False)).then(_BIT[name]).otherwise(0)
        for name, exprs in conditions.items()
    ).cast(pl.UInt32)


def _indicator_index(group: GroupDef, key: str) -> int | None:
    for index, indicator in enumerate(group.indicators):
        if indicator.key == key:
            return index
    return None


def _floor_hit(scheme: MuScheme, group: GroupDef) -> pl.Expr:
    rule = scheme.abs_floor_d
    index = None if rule is None else _indicator_index(group, rule.indicator)
    if rule is None or index is None:
        return pl.lit(False)
    return (pl.col(_col(index, VALUE)) < rule.value).fill_null(False)


def _a_min_thresholds(scheme: MuScheme, benchmark: float | None) -> list[float]:
    rule = scheme.a_min
    if rule is None:
        return []
    thresholds = [] if rule.value is None else [rule.value]
    if rule.use_benchmark and benchmark is not None:
        thresholds.append(benchmark)
    return thresholds


def _a_fail(scheme: MuScheme, group: GroupDef) -> pl.Expr:
    rule = scheme.a_min
    index = None if rule is None else _indicator_index(group, rule.indicator)
    if rule is None or index is None:
        return pl.lit(False)
    value = pl.col(_col(index, VALUE))
    fails = value.is_null()
    if rule.value is not None:
        fails = fails | (value < rule.value)
    if rule.use_benchmark:
        fails = fails | (value < pl.col(_col(index, BENCHMARK))).fill_null(False)
    return fails


# -------------------------------------------------------------------------------------------------
# outputs
# -------------------------------------------------------------------------------------------------
def _grade_exprs(group: GroupDef, grade_reason_dtype: pl.Enum) -> tuple[pl.Expr, pl.Expr]:
    """Class and its reason, computed as small integer codes (the Enums' physical codes)."""
    cuts = group.cuts
    pct = pl.col(RANK_PCT)
    by_rank = (
        pl.when(pct <= cuts.A + _RANK_EPSILON)
        .then(pl.lit(0, dtype=pl.UInt8))
        .when(pct <= cuts.B + _RANK_EPSILON)
        .then(pl.lit(1, dtype=pl.UInt8))
        .when(pct <= cuts.C + _RANK_EPSILON)
        .then(pl.lit(2, dtype=pl.UInt8))
        .otherwise(pl.lit(3, dtype=pl.UInt8))
    )
    forced = pl.col(_FORCED).is_not_null()
    floor_hit = pl.col(_FLOOR_HIT)
    demoted = (by_rank == 0) & pl.col(_A_FAIL)
    grade = (
        pl.when(forced | floor_hit)
        .then(pl.lit(3, dtype=pl.UInt8))
        .when(demoted)
        .then(pl.lit(1, dtype=pl.UInt8))
        .otherwise(by_rank)
    )
    reasons = grade_reason_dtype.categories.to_list()
    reason = (
        pl.when(forced)
        .then(pl.col(_FORCED) + len(_FIXED_GRADE_REASONS))
        .when(floor_hit)
        .then(pl.lit(reasons.index(FLOOR_D), dtype=pl.UInt8))
        .when(demoted)
        .then(pl.lit(reasons.index(A_MIN), dtype=pl.UInt8))
        .otherwise(pl.lit(reasons.index(PERCENTILE), dtype=pl.UInt8))
    )
    return grade.cat.to(GRADE_DTYPE), reason.cast(pl.UInt8).cat.to(grade_reason_dtype)


def _enterprise_rows(
    scored: pl.DataFrame,
    group: GroupDef,
    group_dtype: pl.Enum,
    reason_dtype: pl.Enum,
    grade_reason_dtype: pl.Enum,
) -> pl.LazyFrame:
    return scored.lazy().select(
        pl.col(ENTERPRISE_ID),
        pl.lit(group.key, dtype=group_dtype).alias(GROUP),
        pl.col(POOL),
        pl.lit(GRADED, dtype=STATUS_DTYPE).alias(STATUS),
        pl.lit(None, dtype=reason_dtype).alias(STATUS_REASON),
        pl.col(BASE_SCORE),
        pl.col(BONUS),
        pl.col(PENALTY),
        pl.col(TOTAL),
        pl.col(RANK),
        pl.col(POOL_SIZE),
        pl.col(RANK_PCT),
        pl.col(GRADE),
        pl.col(GRADE_REASON),
        pl.col(WEIGHT_FACTOR),
    )


def _ungraded_rows(
    classified: pl.DataFrame,
    group_dtype: pl.Enum,
    reason_dtype: pl.Enum,
    grade_reason_dtype: pl.Enum,
) -> pl.LazyFrame:
    return (
        classified.lazy()
        .filter(pl.col(STATUS) != GRADED)
        .select(
            pl.col(ENTERPRISE_ID),
            pl.col(_GROUP_INDEX).cast(pl.UInt32).cat.to(group_dtype).alias(GROUP),
            pl.lit(None, dtype=pl.Categorical).alias(POOL),
            pl.col(STATUS),
            pl.col(STATUS_REASON).cast(reason_dtype),
            *(pl.lit(None, dtype=pl.Float64).alias(c) for c in (BASE_SCORE, BONUS, PENALTY, TOTAL)),
            pl.lit(None, dtype=pl.Int64).alias(RANK),
            pl.lit(None, dtype=pl.Int64).alias(POOL_SIZE),
            pl.lit(None, dtype=pl.Float64).alias(RANK_PCT),
            pl.lit(None, dtype=GRADE_DTYPE).alias(GRADE),
            pl.lit(None, dtype=grade_reason_dtype).alias(GRADE_REASON),
            pl.lit(None, dtype=pl.Float64).alias(WEIGHT_FACTOR),
        )
    )


def _component_rows(
    scored: pl.DataFrame, group: GroupDef, indicator_dtype: pl.Enum, label_dtype: pl.Enum
) -> pl.LazyFrame:
    lazy = scored.lazy()
    parts = []
    for index, indicator in enumerate(group.indicators):
        denominator = _denominator(indicator)
        parts.append(
            lazy.select(
                pl.col(ENTERPRISE_ID),
                pl.lit(indicator.key, dtype=indicator_dtype).alias(INDICATOR),
                pl.lit(indicator.label, dtype=label_dtype).alias(LABEL),
                _numerator(indicator).alias(NUMERATOR),
                (denominator if denominator is not None else pl.lit(None, dtype=pl.Float64)).alias(
                    DENOMINATOR
                ),
                pl.col(_col(index, VALUE)).alias(VALUE),
                pl.col(_col(index, BENCHMARK)).cast(pl.Float64).alias(BENCHMARK),
                pl.lit(indicator.weight, dtype=pl.Float64).alias(WEIGHT),
                pl.col(_col(index, SCORE_RAW)).alias(SCORE_RAW),
                pl.col(_col(index, SCORE)).alias(SCORE),
                pl.col(_col(index, GUARD)).cat.to(GUARD_DTYPE).alias(GUARD),  # mask = code
            )
        )
    return pl.concat(parts, how="vertical")


def _benchmark_rows(
    stats: pl.DataFrame, group: GroupDef, group_dtype: pl.Enum, indicator_dtype: pl.Enum
) -> pl.LazyFrame:
    lazy = stats.lazy()
    return pl.concat(
        [
            lazy.select(
                pl.lit(group.key, dtype=group_dtype).alias(GROUP),
                pl.col(POOL),
                pl.lit(indicator.key, dtype=indicator_dtype).alias(INDICATOR),
                pl.col(_col(index, BENCHMARK)).alias(BENCHMARK),
                pl.col(_col(index, "low" if _uses_range(indicator) else MIN)).alias(MIN),
                pl.col(_col(index, "high" if _uses_range(indicator) else MAX)).alias(MAX),
                pl.col(_col(index, N)).alias(N),
            )
            for index, indicator in enumerate(group.indicators)
        ],
        how="vertical",
    )


def _value_for_score(
    indicator: IndicatorDef,
    score: float,
    *,
    benchmark: float | None,
    low: float | None,
    high: float | None,
) -> float | None:
    """The smallest value whose (capped) score is ``score``; None when no value reaches it."""
    weight = indicator.weight
    if weight <= 0:
        return None
    if indicator.cap_mult is not None and score > indicator.cap_mult * weight + 1e-12:
        return None
    if indicator.method in ("R", "R2"):
        if benchmark is None or benchmark <= 0:
            return None
        return max(score, 0.0) / weight * benchmark
    if low is None or high is None:
        return None
    share = score / weight
    norm = (share * 100 - 20) / 80 if indicator.method == "M" else (share - 0.6) / 0.4
    if norm > 1 + 1e-12:
        return None
    if high <= low:
        return low if norm <= 1 else None
    return low + max(norm, 0.0) * (high - low)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


__all__ = [
    "GUARDS",
    "REQUIRED",
    "LiftAnswer",
    "MuResult",
    "evaluate",
    "frame_hash",
    "lift_to_grade",
]
