"""亩均 evaluation speed: 1,000,000 enterprises, ours (engine.evaluation.mu, Polars) vs pandas.

    .venv/bin/python bench/evaluate_1m.py [--rows 1000000] [--counties 100] [--repeat 5]
                                          [--pandas-repeat 3] [--scheme xiangxi] [--ours-only]

1. Generates a synthetic city (seeded, deterministic): ``--rows`` enterprises in ``--counties``
   counties, about a quarter 规上; lognormal land, tax, value added, revenue, energy, emissions,
   employees, R&D and electricity correlated through firm size, with the awkward cases real data
   has: land under 1 亩 and missing land, negative tax (refunds), zero R&D, missing energy and
   emission data, industries outside 06–46 and exempt utilities (44–46), young firms, and flags
   (高企, 专精特新, 上市, 品牌标准, 转租, 环保违法, 重大事故, 淘汰产能 …, some repeated).
2. Times ``evaluate(frame, scheme)`` with the default preset (``xiangxi``: 规上 ZJ-6, 规下 two
   indicators, pools per county; everything: statuses, scores, guards, the long components frame,
   benchmarks, the input hash): one warm-up, then the median and best of ``--repeat`` runs.
   (pandas: one warm-up, then ``--pandas-repeat`` runs.)
3. Times a straightforward pandas implementation of the same scheme, written below the way a
   competent analyst would (vectorised columns, string work done once, pool keys factorised
   once per group, ``groupby(...).agg`` per indicator broadcast back by pool code,
   ``groupby(...).transform`` / ``rank``, flags counted by ``explode`` + ``value_counts()``,
   one frame per group and indicator joined by ``pd.concat``). Like for like: it produces the
   same four outputs as ours — the enterprise results, the long components frame (numerator,
   denominator, value, benchmark, weight, raw score, score, guards), the benchmarks per pool and
   indicator, and an order-independent input hash (pandas' own row hash, so the two hashes are
   computed by both but not comparable). Its input is the same frame converted to pandas
   beforehand (not timed).
4. Checks that both give the same results in this run: every column of the enterprise results
   (but ``weight_factor``: pandas has no renormalisation), of the components and of the
   benchmarks, row by row (numbers to 1e-9 relative, text exactly); prints both times, the ratio
   and the machine's load average (the figures are wall-clock on a shared machine: read them
   with the load).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.evaluation.mu import GUARDS, evaluate, input_columns
from engine.evaluation.scheme import MuScheme, load_preset

FLAG_RATES = {  # share of enterprises carrying the flag; (share, max repeats) for per-item flags
    "hitech": 0.08,
    "specialised": 0.05,
    "little_giant": 0.01,
    "listed": 0.005,
    "brand_standard": (0.03, 4),
    "sublet": (0.03, 3),
    "env_violation": (0.01, 2),
    "safety_violation": (0.005, 2),
    "tax_arrears": 0.01,
    "dishonest": 0.003,
    "major_accident": 0.003,
    "eliminated_capacity": 0.002,
    "illegal_land": 0.003,
    "zombie": 0.004,
    "tobacco": 0.0005,
    "military": 0.0005,
    "tax_programme": 0.003,
}


def synthetic_city(rows: int, counties: int, seed: int = 42) -> pl.DataFrame:
    """One row per enterprise with the columns ``evaluate`` reads (docs/evaluation.md §1)."""
    rng = np.random.default_rng(seed)
    ids = rng.permutation(np.arange(1, rows + 1, dtype=np.int64) * 7 + 1000)
    county_codes = np.array([f"43{3100 + c:04d}" for c in range(counties)])
    county_weights = rng.dirichlet(np.full(counties, 2.0))
    county = county_codes[rng.choice(counties, size=rows, p=county_weights)]
    above = rng.random(rows) < 0.25

    division = rng.integers(6, 47, size=rows)
    division = np.where(rng.random(rows) < 0.03, rng.choice([1, 51, 52, 72], size=rows), division)
    industry = np.char.add(
        np.char.zfill(division.astype(str), 2),
        np.char.zfill(rng.integers(0, 100, rows).astype(str), 2),
    )
    industry_code: Any = np.where(rng.random(rows) < 0.005, None, industry)

    land = np.where(
        above, rng.lognormal(np.log(40), 1.0, rows), rng.lognormal(np.log(8), 0.9, rows)
    )
    land = np.where(rng.random(rows) < 0.02, rng.uniform(0.1, 1.0, rows), land)  # under 1 亩
    size = land * rng.lognormal(0, 0.6, rows)  # a firm's scale, in 亩-equivalents
    tax = size * np.where(
        above, rng.lognormal(np.log(12), 1.1, rows), rng.lognormal(np.log(4), 1.2, rows)
    )
    tax = np.where(rng.random(rows) < 0.02, -tax * 0.1, tax)  # refunds exceed payments
    value_added = size * rng.lognormal(np.log(70), 0.9, rows)
    revenue = value_added * rng.lognormal(np.log(4), 0.4, rows)
    energy = value_added / rng.lognormal(np.log(2.5), 0.8, rows)
    emissions = value_added / rng.lognormal(np.log(4500), 1.0, rows)
    employees = np.maximum(
        1,
        np.round(
            np.where(
                above, rng.lognormal(np.log(90), 0.9, rows), rng.lognormal(np.log(15), 0.8, rows)
            )
        ),
    )
    rnd = revenue * rng.lognormal(np.log(0.02), 0.9, rows)
    rnd = np.where(rng.random(rows) < 0.15, 0.0, rnd)
    electricity = revenue / rng.lognormal(np.log(25), 0.7, rows)

    def with_gaps(values: np.ndarray, share: float) -> pl.Series:
        series = pl.Series(values, dtype=pl.Float64)
        return series.scatter(np.flatnonzero(rng.random(rows) < share), None)

    frame = pl.DataFrame(
        {
            "enterprise_id": ids,
            "county": county,
            "park": pl.Series(np.char.add("P", county), dtype=pl.String),
            "above_scale": above,
            "industry_code": pl.Series(industry_code, dtype=pl.String),
            "land_mu": with_gaps(land, 0.01),
            "years_operating": rng.uniform(0, 30, rows),
            "tax_annual": with_gaps(tax, 0.01),
            "value_added_annual": with_gaps(value_added, 0.02),
            "revenue_annual": with_gaps(revenue, 0.01),
            "energy_tce": with_gaps(energy, 0.05),
            "emissions": with_gaps(emissions, 0.15),
            "employees_avg": with_gaps(employees, 0.02),
            "rnd_annual": with_gaps(rnd, 0.05),
            "electricity_annual": with_gaps(electricity, 0.03),
        }
    )
    # flags as a long list of (row, flag), then one list per enterprise
    row_parts, flag_parts = [], []
    for flag, rate in FLAG_RATES.items():
        share, repeats = rate if isinstance(rate, tuple) else (rate, 1)
        carriers = np.flatnonzero(rng.random(rows) < share)
        times = rng.integers(1, repeats + 1, size=carriers.size)
        row_parts.append(np.repeat(carriers, times))
        flag_parts.append(np.full(int(times.sum()), flag))
    long = pl.DataFrame({"__row": np.concatenate(row_parts), "flag": np.concatenate(flag_parts)})
    lists = long.group_by("__row").agg(pl.col("flag").alias("flags"))
    return (
        frame.with_row_index("__row")
        .join(lists, on="__row", how="left")
        .sort("__row")
        .with_columns(pl.col("flags").fill_null(pl.lit([], dtype=pl.List(pl.String))))
        .drop("__row")
    )


# -------------------------------------------------------------------------------------------------
# pandas: the same scheme, written the way an analyst would
# -------------------------------------------------------------------------------------------------
GUARD_NAMES = [  # every combination of guards, comma-joined, indexed by its bit mask (as ours)
    ",".join(name for bit, name in enumerate(GUARDS) if mask & (1 << bit))
    for mask in range(1 << len(GUARDS))
]


@dataclass
class PandasResult:
    """What ``pandas_evaluate`` returns: the same four outputs as ``MuResult``."""

    enterprises: pd.DataFrame
    components: pd.DataFrame
    benchmarks: pd.DataFrame
    input_hash: str


def pandas_evaluate(df: pd.DataFrame, scheme: MuScheme) -> PandasResult:
    """The scheme in pandas only (same rules as engine.evaluation.mu; covers what the presets
    use: methods R/R2, aggregate benchmarks, missing → group average or zero, caps, land floor,
    bonus/penalty, forced D, floors). Returns the same outputs as ``evaluate``: the enterprise
    results (status and its reason, group, pool, scores, rank, class and its reason), the long
    components frame (one row per graded enterprise × indicator: numerator, denominator, value,
    benchmark, weight, raw and final score, guards), the benchmarks per pool and indicator, and
    an order-independent hash of the input columns the scheme reads.

    Written for speed the ordinary way: string work done once (the 2-digit division), pool keys
    factorised once per group and reused by every groupby, flags exploded only where present,
    pool statistics by one ``groupby(...).agg`` per indicator broadcast back by pool code, one
    frame per group and indicator concatenated at the end (``pd.concat``)."""
    scope = scheme.scope

    # input hash: pandas' row hash of the columns read, combined order-free (sum and xor)
    hashed = df[input_columns(scheme)].assign(flags=df["flags"].str.join("|"))
    row_hashes = pd.util.hash_pandas_object(hashed, index=False).to_numpy()
    input_hash = hashlib.sha256(
        f"{len(df)}:{row_hashes.sum()}:{np.bitwise_xor.reduce(row_hashes)}".encode()
    ).hexdigest()

    # flag counts: one column per flag the scheme reads
    used = [*scope.exempt_flags, *scheme.force_d_flags]
    used += [a.flag for a in (*scheme.bonus, *scheme.penalty)]
    used = list(dict.fromkeys(used))
    flags = df["flags"]
    exploded = flags[flags.str.len() > 0].explode()
    exploded = exploded[exploded.isin(used)]
    counts = (
        exploded.groupby(level=0)
        .value_counts()
        .unstack(fill_value=0)
        .reindex(index=df.index, columns=used, fill_value=0)
    )

    # status and its reason (first matching case wins)
    division = (
        df["industry_code"]
        .str.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        .str[:2]
    )
    land = df["land_mu"]
    above = df["above_scale"].fillna(False).astype(bool)
    conditions, statuses, reasons = [], [], []

    def case(condition: Any, status: str, reason: str) -> None:
        conditions.append(condition)
        statuses.append(status)
        reasons.append(reason)

    if scope.industry_prefixes:
        case(division.isna().to_numpy(), "excluded", "industry_unknown")
        case(
            (~division.isin(scope.industry_prefixes)).to_numpy(),
            "excluded",
            "industry_out_of_scope",
        )
    for prefix in scope.exempt_industries:  # the presets use 2-digit prefixes
        case(
            (division == prefix).to_numpy(dtype=bool, na_value=False),
            "exempt",
            f"exempt_industry:{prefix}",
        )
    for flag in scope.exempt_flags:
        case(counts[flag].to_numpy() > 0, "exempt", f"exempt_flag:{flag}")
    case((land.isna() | (land <= 0)).to_numpy(), "excluded", "no_land")
    if scope.min_land_mu_below_scale is not None:
        small = (~above & (land < scope.min_land_mu_below_scale)).to_numpy()
        case(small, "excluded", "below_scale_small_land")
    if scope.grace_years is not None:
        case((df["years_operating"] < scope.grace_years).to_numpy(), "deferred", "new_entity")
    group_index = np.select(
        [
            (above == g.above_scale).to_numpy()
            if g.above_scale is not None
            else np.ones(len(df), bool)
            for g in scheme.groups
        ],
        list(range(len(scheme.groups))),
        default=-1,
    )
    case(group_index < 0, "excluded", "no_group")
    status = np.select(conditions, statuses, default="graded")
    status_reason = np.select(conditions, reasons, default=None)
    floor = scheme.land_floor_mu
    land_used = land.clip(lower=floor) if floor is not None else land

    ungraded = status != "graded"
    parts = [
        pd.DataFrame(
            {
                "enterprise_id": df["enterprise_id"][ungraded],
                "group": pd.Series(
                    [g.key for g in scheme.groups] + [None], dtype=object
                ).to_numpy()[group_index[ungraded]],
                "status": status[ungraded],
                "status_reason": status_reason[ungraded],
            }
        )
    ]
    component_parts, benchmark_parts = [], []
    for gi, group in enumerate(scheme.groups):
        rows = (status == "graded") & (group_index == gi)
        g = df[rows]
        if group.partition_by:
            grouped = g.groupby(list(group.partition_by), dropna=False)
            pool = grouped.ngroup().to_numpy()
            keys = [k if isinstance(k, tuple) else (k,) for k in grouped.size().index]
        else:
            pool, keys = np.zeros(len(g), dtype=np.int64), [()]
        labels = ["/".join([group.key, *("-" if pd.isna(v) else str(v) for v in k)]) for k in keys]
        lu = land_used[rows]
        floored = (land[rows] < floor).to_numpy() if floor is not None else np.zeros(len(g), bool)
        part = pd.DataFrame(
            {"enterprise_id": g["enterprise_id"], "group": group.key, "status": "graded"},
            index=g.index,
        )
        scores, values, benches = [], {}, {}
        for ind in group.indicators:
            num = g[ind.numerator]
            den = lu if ind.denominator == "land_mu" else g[ind.denominator]
            present = num.notna() & (den > 0)
            value = (num / den).where(present) * ind.scale
            stats = (
                pd.DataFrame({"num": num.where(present), "den": den.where(present), "value": value})
                .groupby(pool)
                .agg(
                    sum_num=("num", "sum"),
                    sum_den=("den", "sum"),
                    min=("value", "min"),
                    max=("value", "max"),
                    n=("value", "count"),
                )
            )
            stats["benchmark"] = (
                (stats["sum_num"] / stats["sum_den"]).where(stats["sum_den"] > 0)
                * ind.scale
                * ind.benchmark_multiplier
            )
            bench = pd.Series(stats["benchmark"].to_numpy()[pool], index=g.index)
            bench_ok = bench > 0
            raw = (value / bench * ind.weight).where(bench_ok)
            capped = pd.Series(False, index=g.index)
            score = raw
            if ind.cap_mult is not None:
                capped = raw > ind.cap_mult * ind.weight
                score = raw.clip(upper=ind.cap_mult * ind.weight)
            non_positive = value <= 0
            score = score.where(~non_positive & bench_ok, 0.0).where(present)
            if ind.missing == "group_average":
                score = score.fillna(score.groupby(pool).transform("mean").fillna(0.0))
            else:
                score = score.fillna(0.0)
            # guards as a bit mask per row, named by the same combinations as ours
            bits = np.zeros(len(g), dtype=np.int64)
            for name, hit in (
                ("non_positive", present & non_positive),
                ("cap", capped & ~non_positive & bench_ok),
                ("land_floor", present & floored if ind.denominator == "land_mu" else None),
                (
                    "missing_" + ("group_average" if ind.missing == "group_average" else "zero"),
                    ~present,
                ),
                ("no_benchmark", present & ~bench_ok),
            ):
                if hit is not None:
                    bits |= np.where(hit, 1 << GUARDS.index(name), 0)
            component_parts.append(
                pd.DataFrame(
                    {
                        "enterprise_id": g["enterprise_id"],
                        "indicator": ind.key,
                        "label": ind.label,
                        "numerator": num,
                        "denominator": den,
                        "value": value,
                        "benchmark": bench,
                        "weight": float(ind.weight),
                        "score_raw": raw,
                        "score": score,
                        "guard": pd.Categorical.from_codes(bits, categories=GUARD_NAMES),
                    }
                )
            )
            benchmark_parts.append(
                stats[["benchmark", "min", "max", "n"]].assign(
                    group=group.key, pool=labels, indicator=ind.key
                )
            )
            values[ind.key], benches[ind.key] = value, bench
            scores.append(score)
        base = scores[0].copy()
        for score in scores[1:]:
            base = base + score
        flags_here = counts[rows]
        adjustments = []
        for items in (scheme.bonus, scheme.penalty):
            total = pd.Series(0.0, index=g.index)
            for item in items:
                if item.groups and group.key not in item.groups:
                    continue
                count = flags_here[item.flag].astype(float)
                if item.per_item:
                    first = item.points if item.first_points is None else item.first_points
                    points = (first + (count - 1) * item.points).where(count > 0, 0.0)
                else:
                    points = pd.Series(np.where(count > 0, item.points, 0.0), index=g.index)
                if item.max_points is not None:
                    points = points.clip(upper=item.max_points)
                total += points
            adjustments.append(total)
        bonus, penalty = adjustments
        totals = base + bonus - penalty
        forced = pd.Series(None, index=g.index, dtype=object)
        for flag in reversed(scheme.force_d_flags):
            forced = forced.mask(flags_here[flag] > 0, flag)
        ranked = forced.isna()
        key = (totals * 10**scheme.tie_decimals).round().where(ranked)
        rank = key.groupby(pool).rank(method="min", ascending=False)
        pool_size = ranked.groupby(pool).transform("sum")
        pct = rank / pool_size
        cuts, eps = group.cuts, 1e-12
        grade = np.select(
            [pct <= cuts.A + eps, pct <= cuts.B + eps, pct <= cuts.C + eps], ["A", "B", "C"], "D"
        )
        reason = np.full(len(g), "percentile", dtype=object)
        if scheme.a_min is not None and scheme.a_min.indicator in values:
            v = values[scheme.a_min.indicator]
            fail = v.isna()
            if scheme.a_min.value is not None:
                fail |= v < scheme.a_min.value
            if scheme.a_min.use_benchmark:
                fail |= v < benches[scheme.a_min.indicator]
            demote = (grade == "A") & fail.to_numpy()
            grade = np.where(demote, "B", grade)
            reason = np.where(demote, "a_min", reason)
        if scheme.abs_floor_d is not None and scheme.abs_floor_d.indicator in values:
            hit = (values[scheme.abs_floor_d.indicator] < scheme.abs_floor_d.value).to_numpy()
            grade = np.where(hit, "D", grade)
            reason = np.where(hit, "floor_d", reason)
        grade = np.where(ranked, grade, "D")
        reason = np.where(ranked, reason, "forced_d:" + forced.fillna("").astype(str))
        part["pool"] = pd.Categorical.from_codes(pool, categories=labels)
        part["base_score"] = base
        part["bonus"] = bonus
        part["penalty"] = penalty
        part["total"] = totals
        part["rank"] = rank
        part["pool_size"] = pool_size
        part["rank_pct"] = pct
        part["grade"] = grade
        part["grade_reason"] = reason
        parts.append(part)
    return PandasResult(
        enterprises=pd.concat(parts[1:] + parts[:1]),  # graded groups first, as ours
        components=pd.concat(component_parts, ignore_index=True),
        benchmarks=pd.concat(benchmark_parts, ignore_index=True),
        input_hash=input_hash,
    )


# -------------------------------------------------------------------------------------------------
def _to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """Column by column (no pyarrow here): numbers as float (NaN for null), text as str, flags as
    Python lists, which is what pandas users get from a list column."""
    columns: dict[str, Any] = {}
    for name, dtype in frame.schema.items():
        series = frame[name]
        if dtype == pl.List(pl.String):
            columns[name] = pd.Series(series.to_list(), dtype=object)
        elif dtype == pl.String:
            columns[name] = pd.Series(series.to_numpy(), dtype="str")
        else:
            columns[name] = series.to_numpy()
    return pd.DataFrame(columns)


def _timed(label: str, run: Any, repeat: int) -> tuple[list[float], Any]:
    result = run()  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - started)
    print(
        f"{label:7} median {statistics.median(timings):7.3f} s   best {min(timings):7.3f} s   "
        f"runs {', '.join(f'{t:.3f}' for t in timings)}"
    )
    return timings, result


def _from_pandas(frame: pd.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """A pandas result as Polars with the given dtypes (text as String, NaN as null)."""
    columns = {}
    for name, dtype in schema.items():
        series = frame[name]
        if dtype == pl.String:
            values = [v if isinstance(v, str) else None for v in series.astype(object).to_list()]
            columns[name] = pl.Series(name, values, dtype=pl.String)
        else:
            columns[name] = pl.Series(name, series.to_numpy(dtype=float), nan_to_null=True)
    return pl.DataFrame(columns).with_columns(
        pl.col(n).cast(t) for n, t in schema.items() if t != pl.String
    )


def _differences(
    label: str, ours: pl.DataFrame, theirs: pl.DataFrame, keys: list[str], tolerance: float
) -> tuple[bool, str]:
    """Compare two frames row by row on ``keys``: equal rows, equal text and integers, and numbers
    equal to ``tolerance`` relative (null where the other is null)."""
    ours = ours.select(
        pl.col(n).cast(pl.String) if ours.schema[n] != theirs.schema[n] else pl.col(n)
        for n in theirs.columns
    )
    both = ours.join(theirs, on=keys, how="full", suffix="_pd", validate="1:1", coalesce=True)
    problems = []
    if both.height != ours.height or both.height != theirs.height:
        problems.append(f"rows {ours.height:,} vs {theirs.height:,} (joined {both.height:,})")
    for name, dtype in theirs.schema.items():
        if name in keys:
            continue
        a, b = pl.col(name), pl.col(f"{name}_pd")
        if dtype == pl.Float64:
            scale = pl.max_horizontal(a.abs(), b.abs(), pl.lit(1.0))
            bad = a.is_null().ne(b.is_null()) | ((a - b).abs() > tolerance * scale).fill_null(False)
        else:
            bad = a.ne_missing(b)
        differing = both.filter(bad).height
        if differing:
            problems.append(f"{name} differs in {differing:,} rows")
    summary = "; ".join(problems) if problems else "identical"
    return (
        not problems,
        f"  {label:12} {both.height:>9,} rows × {len(theirs.columns)} columns: {summary}",
    )


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pandas-repeat", type=int, default=3)
    parser.add_argument("--scheme", default="xiangxi")
    parser.add_argument("--ours-only", action="store_true")
    args = parser.parse_args()

    scheme = load_preset(args.scheme)
    print(f"load average (1, 5, 15 min): {_load()}")
    started = time.perf_counter()
    frame = synthetic_city(args.rows, args.counties)
    print(
        f"generated {frame.height:,} enterprises × {frame.width} columns in "
        f"{time.perf_counter() - started:.1f} s; {args.counties} counties; scheme {scheme.code} "
        f"({', '.join(f'{g.key}: {len(g.indicators)} indicators' for g in scheme.groups)}); "
        f"Polars {pl.__version__}, pandas {pd.__version__}, threads {pl.thread_pool_size()}"
    )
    print(
        "both sides compute: status + reason, group, pool, base score, bonus, penalty, total, "
        "rank, pool size, rank percentile, class + reason per enterprise; the long components "
        "frame (per graded enterprise × indicator: numerator, denominator, value, benchmark, "
        "weight, raw score, score, guards); benchmarks per pool × indicator (benchmark, min, max, "
        "n); an order-independent hash of the input columns read"
    )
    ours_times, result = _timed("ours", lambda: evaluate(frame, scheme), args.repeat)
    ent = result.enterprises
    print(
        f"        {ent.height:,} enterprises, {result.components.height:,} component rows, "
        f"{result.benchmarks.height:,} benchmark rows; "
        + ", ".join(
            f"{k} {v:,}" for k, v in ent.group_by("status").len().sort("status").iter_rows()
        )
        + "; grades "
        + ", ".join(
            f"{k} {v:,}"
            for k, v in ent.drop_nulls("grade").group_by("grade").len().sort("grade").iter_rows()
        )
    )
    if args.ours_only:
        print(f"load average (1, 5, 15 min): {_load()}")
        return

    pdf = _to_pandas(frame)
    pandas_times, theirs = _timed(
        "pandas", lambda: pandas_evaluate(pdf, scheme), args.pandas_repeat
    )
    print(
        f"        {len(theirs.enterprises):,} enterprises, {len(theirs.components):,} component "
        f"rows, {len(theirs.benchmarks):,} benchmark rows"
    )

    text, number, integer = pl.String, pl.Float64, pl.Int64
    checks = [
        _differences(
            "enterprises",
            result.enterprises.drop("weight_factor"),  # pandas has no renormalisation (always 1)
            _from_pandas(
                theirs.enterprises,
                {
                    "enterprise_id": integer,
                    "group": text,
                    "pool": text,
                    "status": text,
                    "status_reason": text,
                    "base_score": number,
                    "bonus": number,
                    "penalty": number,
                    "total": number,
                    "rank": integer,
                    "pool_size": integer,
                    "rank_pct": number,
                    "grade": text,
                    "grade_reason": text,
                },
            ),
            ["enterprise_id"],
            1e-9,
        ),
        _differences(
            "components",
            result.components,
            _from_pandas(
                theirs.components,
                {
                    "enterprise_id": integer,
                    "indicator": text,
                    "label": text,
                    "numerator": number,
                    "denominator": number,
                    "value": number,
                    "benchmark": number,
                    "weight": number,
                    "score_raw": number,
                    "score": number,
                    "guard": text,
                },
            ),
            ["enterprise_id", "indicator"],
            1e-9,
        ),
        _differences(
            "benchmarks",
            result.benchmarks,
            _from_pandas(
                theirs.benchmarks,
                {
                    "group": text,
                    "pool": text,
                    "indicator": text,
                    "benchmark": number,
                    "min": number,
                    "max": number,
                    "n": integer,
                },
            ),
            ["group", "pool", "indicator"],
            1e-9,
        ),
    ]
    same = all(ok for ok, _line in checks)
    print(f"same results: {'yes' if same else 'NO'} (numbers to 1e-9 relative; text exactly)")
    for _ok, line in checks:
        print(line)
    print(
        f"  input hash   ours {result.input_hash[:12]}…, pandas {theirs.input_hash[:12]}… "
        "(each its own row hash: computed by both, not comparable)"
    )
    ours, theirs_t = statistics.median(ours_times), statistics.median(pandas_times)
    print(
        f"ratio: {theirs_t / ours:.1f}× faster (median ours {ours:.3f} s vs pandas {theirs_t:.3f} s)"
    )
    print(
        f"under 1 s: {'yes' if ours < 1 else 'NO'}; ≥ 10× pandas: {'yes' if theirs_t / ours >= 10 else 'NO'}"
    )
    print(f"load average (1, 5, 15 min): {_load()}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
