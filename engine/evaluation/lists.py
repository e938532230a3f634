"""六个清单: the six lists of key enterprises (domain spec §5, contract docs/evaluation.md §3).

Pure: frames and rules in, frames out. Callers pass the period (``as_of``, a ``Month``, or
``year``); nothing reads the clock. Money in 万元, electricity in 万kWh, growth as a ratio
(0.125 = 12.5 %, as ``engine.periods.yoy_growth``).

Input frames
------------
``monthly`` — 本年累计 (1–N月) values, one row per ``enterprise_id`` × ``year`` × ``month``:

=================  =======  =========================================================
``enterprise_id``  Int64
``year``           Int      e.g. 2026
``month``          Int      1–12 (December = the annual value)
``output_value``   Float64  工业总产值 (现价), 万元, nullable
``revenue``        Float64  营业收入, 万元, nullable
``tax``            Float64  实缴税金 (net of 即征即退/先征后退), 万元, nullable
``profit``         Float64  利润总额 (negative = loss), 万元, nullable
``electricity``    Float64  用电量, 万kWh, nullable
``rnd``            Float64  optional: R&D经费, 万元 (``growth``)
``tax_refund``     Float64  optional: 留抵退税, 万元 (shown beside ``top_tax``)
=================  =======  =========================================================

Pass the ``as_of`` year and the year before (同比, R12); ``relief`` looks back 12 months and
needs the year before that for January–February; ``growth`` needs December of ``year − 3``…``year``.

``attrs`` — one row per enterprise:

======================  ===========  =============================================================
``enterprise_id``       Int64
``county``              Utf8         county code (a usual ``partition_by``)
``park``                Utf8         park code, nullable
``above_scale``         Boolean      规上 in the ``as_of`` year
``above_scale_prev``    Boolean      规上 the year before (新增入规 = now and not before)
``industry_code``       Utf8         GB/T 4754, nullable (入规培育库: industrial codes only)
``land_mu``             Float64      用地面积 (亩), nullable
``qualifications``      List(Utf8)   "high_tech", "specialised", "little_giant", "champion",
                                     "listed", "listing_reserve", "rnd_platform"…
``grade``               Utf8         latest 亩均 grade "A"–"D", nullable
``flags``               List(Utf8)   "eliminated" (淘汰类/腾退), "major_violation", "tax_arrears",
                                     "wage_arrears", "litigation", "open_request"…
``debt_ratio``          Float64      optional: 资产负债率 (0.8 = 80 %)
``entry_month``         Int          optional: month of entering the 规上 名录 this year
``entry_path``          Utf8         optional: "新建投产" | "小升规"
``projected_revenue``   Float64      optional: revenue expected from new projects within 12 months
======================  ===========  =============================================================

Every list returns ``rank, enterprise_id, value, tier, evidence, rule_version`` (+ the partition
column when ``partition_by`` is given) followed by its own columns. ``rank`` 1 = first; equal
values share the better rank, so a tie at the cut can return more than N rows. ``evidence`` is a
JSON object (text) with the figures behind the entry; ``rule_version`` is ``code@version+hash``
of the rules, so an edited rule set never passes for the old one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.columns import ENTERPRISE_ID, INDICATOR, LAND_MU, MONTH, VALUE, YEAR
from engine.evaluation.parks import (
    DIRECTION,
    SCORE,
    WEIGHT,
    MethodE,
    MissingRule,
    efficacy_scores,
    rank_desc,
)
from engine.periods import Month, ytd_to_monthly

PRESET_DIR = Path(__file__).parent / "presets"
LIST_PRESETS: tuple[str, ...] = ("lists",)

# monthly columns
OUTPUT_VALUE = "output_value"
REVENUE = "revenue"
TAX = "tax"
PROFIT = "profit"
ELECTRICITY = "electricity"
RND = "rnd"
TAX_REFUND = "tax_refund"
MONTHLY_REQUIRED = (ENTERPRISE_ID, YEAR, MONTH, OUTPUT_VALUE, REVENUE, TAX, PROFIT, ELECTRICITY)

# attribute columns
COUNTY = "county"
PARK = "park"
ABOVE_SCALE = "above_scale"
ABOVE_SCALE_PREV = "above_scale_prev"
INDUSTRY_CODE = "industry_code"
QUALIFICATIONS = "qualifications"
GRADE = "grade"
FLAGS = "flags"
DEBT_RATIO = "debt_ratio"
ENTRY_MONTH = "entry_month"
ENTRY_PATH = "entry_path"
PROJECTED_REVENUE = "projected_revenue"
ATTRS_REQUIRED = (ENTERPRISE_ID, COUNTY, ABOVE_SCALE)

# output columns
RANK = "rank"
TIER = "tier"
EVIDENCE = "evidence"
RULE_VERSION = "rule_version"
COMMON = (RANK, ENTERPRISE_ID, VALUE, TIER, EVIDENCE, RULE_VERSION)

_LY = "_ly"  # suffix: same period last year
_EPS = 1e-9  # boundaries are inclusive; this keeps float noise (0.85 − 1) on the right side


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------
class Tier(_Frozen):
    """A tier tag for values ≥ ``min`` (the first matching tier, highest ``min`` first, wins)."""

    label: str
    min: float


class TopOutputRules(_Frozen):
    tiers: tuple[Tier, ...] = (
        Tier(label="十亿级", min=100_000),
        Tier(label="五亿级", min=50_000),
        Tier(label="亿元级", min=10_000),
    )
    revenue_fallback: bool = True  # no 产值 (service firms): use 营业收入, flagged


class TopTaxRules(_Frozen):
    tiers: tuple[Tier, ...] = (
        Tier(label="亿元级", min=10_000),
        Tier(label="五千万级", min=5_000),
        Tier(label="千万级", min=1_000),
    )


class ReliefWeights(_Frozen):
    decline: float = Field(default=40, ge=0)
    loss: float = Field(default=25, ge=0)
    stoppage: float = Field(default=20, ge=0)
    debt: float = Field(default=15, ge=0)


class ReliefRules(_Frozen):
    revenue_yoy_max: float = -0.15  # 1. 营业收入 (or 产值) 累计同比 ≤ −15 %
    stoppage_ratio: float = Field(default=0.30, gt=0)  # 3. 当月 产值/用电 ≤ 30 % of last year…
    stoppage_months: int = Field(default=2, ge=1, le=12)  # … for ≥ 2 consecutive months
    electricity_yoy_max: float = -0.20  # 4. 用电量 累计同比 ≤ −20 %
    debt_ratio_min: float = 0.80  # 5. 资产负债率 ≥ 80 % …
    distress_flags: tuple[str, ...] = ("tax_arrears", "wage_arrears", "litigation")  # … or these
    request_flag: str = "open_request"  # 6. unresolved 诉求
    exclude_grades: tuple[str, ...] = ("D",)
    exclude_flags: tuple[str, ...] = ("eliminated",)
    weights: ReliefWeights = ReliefWeights()
    decline_full: float = Field(default=0.5, gt=0)  # a fall of 50 % = full decline severity
    exit_months: int = Field(default=3, ge=1, le=12)
    limit_to_n: bool = False  # the relief list shows every entrant unless asked otherwise
    tiers: tuple[Tier, ...] = (Tier(label="重点帮扶", min=60), Tier(label="一般帮扶", min=0))
    reason_labels: dict[str, str] = {
        "revenue_decline": "营业收入累计同比下降",
        "loss": "亏损",
        "stoppage": "停产/半停产",
        "electricity_decline": "用电量累计同比下降",
        "debt": "高负债或欠税欠薪涉诉",
        "request": "诉求未解决",
    }


class NewAboveScaleRules(_Frozen):
    threshold: float = Field(default=2_000, gt=0)  # 规上工业: 年主营业务收入 2000万
    r12_min: float = 1_500  # 入规培育库: R12 营收 ≥ 1500万 (75 % of the threshold) …
    annualised_min: float = 2_000  # … or YTD × 12/m ≥ 2000万 …
    project_min: float = 2_000  # … or new projects producing ≥ 2000万 within 12 months
    project_reliability: float = Field(default=0.5, gt=0, le=1)
    industry_prefixes: tuple[str, ...] = tuple(f"{i:02d}" for i in range(6, 47))
    all_entered: bool = True  # 新增入规 rows are never cut to N


class GrowthWeights(_Frozen):
    revenue_cagr: float = Field(default=35, ge=0)
    tax_growth: float = Field(default=20, ge=0)
    profit: float = Field(default=15, ge=0)
    rnd: float = Field(default=15, ge=0)  # ½ R&D intensity level + ½ its change
    tax_per_mu: float = Field(default=10, ge=0)
    status: float = Field(default=5, ge=0)


class GrowthRules(_Frozen):
    universe_revenue_min: float = 2_000  # 规上, or 营收 ≥ 2000万
    base_revenue_min: float = 1_000  # base-year (t − 3) 营收 ≥ 1000万: no low-base distortion
    weights: GrowthWeights = GrowthWeights()
    status_points: dict[str, float] = {
        "champion": 5,
        "little_giant": 4,
        "specialised": 2,
        "high_tech": 2,
        "listing_reserve": 2,
    }
    profit_measure: Literal["margin_change", "growth"] = "margin_change"
    violation_flags: tuple[str, ...] = ("major_violation", "major_accident")
    exclude_grades: tuple[str, ...] = ("D",)
    method: MethodE = MethodE()
    missing: MissingRule = "base"
    tiers: tuple[Tier, ...] = ()


class ChainMasterRules(_Frozen):
    revenue_min: dict[str, float] = {"advantage": 50_000, "emerging": 10_000, "cultivating": 10_000}
    top_rank: int = Field(default=2, ge=1)
    local_suppliers_min: int = 5
    local_purchase_min: float = 5_000
    rnd_intensity_min: float = 0.03
    innovation_qualifications: tuple[str, ...] = (
        "high_tech",
        "specialised",
        "little_giant",
        "champion",
        "rnd_platform",
    )
    min_optional: int = Field(default=3, ge=0, le=5)  # of criteria (b)–(f)
    eligible_grades: tuple[str, ...] = ("A", "B")
    violation_flags: tuple[str, ...] = ("major_violation", "major_accident")
    cultivation_per_chain: int = Field(default=1, ge=1)


class ListRules(_Frozen):
    """Rules of the 六个清单 (preset ``lists.json``). Thresholds are [P] placeholders (spec §5)."""

    code: str = "lists"
    version: str = "1"
    name: str = "六个清单"
    note: str = ""
    n_city: int = Field(default=20, ge=1)
    n_per_partition: int = Field(default=10, ge=1)
    top_output: TopOutputRules = TopOutputRules()
    top_tax: TopTaxRules = TopTaxRules()
    relief: ReliefRules = ReliefRules()
    new_above_scale: NewAboveScaleRules = NewAboveScaleRules()
    growth: GrowthRules = GrowthRules()
    chain_masters: ChainMasterRules = ChainMasterRules()

    @model_validator(mode="after")
    def _sorted_tiers(self) -> ListRules:
        for name, tiers in (
            ("top_output", self.top_output.tiers),
            ("top_tax", self.top_tax.tiers),
            ("relief", self.relief.tiers),
            ("growth", self.growth.tiers),
        ):
            mins = [t.min for t in tiers]
            if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
                raise ValueError(f"{name} tiers must have distinct minimums, highest first")
        return self

    @property
    def rule_version(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()[:8]
        return f"{self.code}@{self.version}+{digest}"

    def size(self, n: int | None, partition_by: str | None) -> int:
        if n is not None:
            return n
        return self.n_per_partition if partition_by else self.n_city


def load_list_rules(code: str = "lists") -> ListRules:
    """The bundled list rules (``LIST_PRESETS``)."""
    if code not in LIST_PRESETS:
        raise ValueError(f"unknown list preset {code!r}; known: {', '.join(LIST_PRESETS)}")
    return ListRules.model_validate_json((PRESET_DIR / f"{code}.json").read_text("utf-8"))


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
Frame = pl.DataFrame | pl.LazyFrame

_OPTIONAL_MONTHLY: dict[str, pl.DataType] = {RND: pl.Float64(), TAX_REFUND: pl.Float64()}
_OPTIONAL_ATTRS: dict[str, pl.DataType] = {
    PARK: pl.Utf8(),
    ABOVE_SCALE_PREV: pl.Boolean(),
    INDUSTRY_CODE: pl.Utf8(),
    LAND_MU: pl.Float64(),
    QUALIFICATIONS: pl.List(pl.Utf8),
    GRADE: pl.Utf8(),
    FLAGS: pl.List(pl.Utf8),
    DEBT_RATIO: pl.Float64(),
    ENTRY_MONTH: pl.Int64(),
    ENTRY_PATH: pl.Utf8(),
    PROJECTED_REVENUE: pl.Float64(),
}


def _require(frame: pl.LazyFrame, columns: Iterable[str], what: str) -> pl.Schema:
    schema = frame.collect_schema()
    absent = sorted({c for c in columns if c not in schema})
    if absent:
        raise ValueError(f"{what} lacks the column(s) {', '.join(absent)}")
    return schema


def _monthly(frame: Frame) -> pl.LazyFrame:
    lf = frame.lazy()
    schema = _require(lf, MONTHLY_REQUIRED, "monthly frame")
    missing = [
        pl.lit(None, dtype=t).alias(c) for c, t in _OPTIONAL_MONTHLY.items() if c not in schema
    ]
    numbers = (OUTPUT_VALUE, REVENUE, TAX, PROFIT, ELECTRICITY, RND, TAX_REFUND)
    return lf.with_columns(missing).with_columns(
        pl.col(ENTERPRISE_ID).cast(pl.Int64),
        pl.col(YEAR).cast(pl.Int64),
        pl.col(MONTH).cast(pl.Int64),
        *[pl.col(c).cast(pl.Float64).fill_nan(None) for c in numbers],
    )


def _attrs(frame: Frame, partition_by: str | None) -> pl.LazyFrame:
    lf = frame.lazy()
    required = (*ATTRS_REQUIRED, *((partition_by,) if partition_by else ()))
    schema = _require(lf, required, "attribute frame")
    missing = [
        pl.lit(None, dtype=t).alias(c) for c, t in _OPTIONAL_ATTRS.items() if c not in schema
    ]
    # Sorted so that sums (shares, totals) add in the same order whatever the input order.
    return (
        lf.with_columns(missing)
        .with_columns(
            pl.col(ENTERPRISE_ID).cast(pl.Int64),
            pl.col(QUALIFICATIONS).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
            pl.col(FLAGS).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
        )
        .sort(ENTERPRISE_ID)
    )


def _with_last_year(monthly: pl.LazyFrame, columns: Sequence[str]) -> pl.LazyFrame:
    """Adds ``<column>_ly``: the same enterprise, month and column one year earlier."""
    keys = [ENTERPRISE_ID, YEAR, MONTH]
    last_year = monthly.select(
        ENTERPRISE_ID,
        (pl.col(YEAR) + 1).alias(YEAR),
        MONTH,
        *[pl.col(c).alias(c + _LY) for c in columns],
    )
    return monthly.join(last_year, on=keys, how="left", validate="m:1")


def _at(monthly: pl.LazyFrame, year: int, month: int) -> pl.LazyFrame:
    return monthly.filter((pl.col(YEAR) == year) & (pl.col(MONTH) == month))


def _growth(value: str | pl.Expr, previous: str | pl.Expr) -> pl.Expr:
    """value ÷ previous − 1; null over a non-positive or missing base (as engine.periods)."""
    now = pl.col(value) if isinstance(value, str) else value
    before = pl.col(previous) if isinstance(previous, str) else previous
    return pl.when(before > 0).then(now / before - 1).otherwise(None)


def _tier(value: pl.Expr, tiers: Sequence[Tier]) -> pl.Expr:
    if not tiers:
        return pl.lit(None, dtype=pl.Utf8)
    tag: pl.Expr = pl.lit(None, dtype=pl.Utf8)
    for tier in reversed(tiers):  # highest minimum checked first
        tag = pl.when(value >= tier.min - _EPS).then(pl.lit(tier.label)).otherwise(tag)
    return tag


def _has_any(column: str, values: Sequence[str]) -> pl.Expr:
    if not values:
        return pl.lit(False)
    return pl.col(column).list.eval(pl.element().is_in(list(values))).list.any().fill_null(False)


def _stable_sum(column: str) -> pl.Expr:
    """Σ in sorted order: float addition is not associative, and input order must not matter."""
    return pl.col(column).sort().sum()


def _share(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """part ÷ whole to 12 decimals: Polars may divide by a broadcast total as × (1/total), one
    ulp away from true division, and a share must not change with the input order."""
    return (part / whole).round(12)


def _evidence(*fields: str | pl.Expr) -> pl.Expr:
    return pl.struct(*fields).struct.json_encode().alias(EVIDENCE)


def _cut(
    lf: pl.LazyFrame,
    *,
    order: pl.Expr,
    partition_by: str | None,
    n: int | None,
    extra_partition: Sequence[str] = (),
) -> pl.LazyFrame:
    """Adds ``rank`` (by ``order`` descending, per partition) and keeps rank ≤ n (None: all)."""
    over = [*extra_partition, *((partition_by,) if partition_by else ())]
    ranked = lf.with_columns(rank_desc(order, over=over).alias(RANK))
    return ranked if n is None else ranked.filter(pl.col(RANK) <= n)


def _finish(
    lf: pl.LazyFrame,
    rules: ListRules,
    partition_by: str | None,
    specific: Sequence[str],
    *,
    sort_first: Sequence[str] = (),
) -> pl.DataFrame:
    partition = (partition_by,) if partition_by else ()
    columns = [*COMMON, *partition, *[c for c in specific if c not in partition]]
    return (
        lf.with_columns(pl.lit(rules.rule_version).alias(RULE_VERSION))
        .sort([*sort_first, *partition, RANK, ENTERPRISE_ID], nulls_last=True)
        .select(columns)
        .collect()
    )


# ---------------------------------------------------------------------------------------------
# 5.1 产值清单
# ---------------------------------------------------------------------------------------------
def top_output(
    monthly: Frame,
    attrs: Frame,
    *,
    as_of: Month,
    rules: ListRules,
    partition_by: str | None = None,
    n: int | None = None,
) -> pl.DataFrame:
    """产值清单: 规上 enterprises by 工业总产值 (现价) 本年累计 at ``as_of``.

    Universe: ``above_scale``. Where 产值 is null and ``revenue_fallback`` is on, 营业收入 stands in
    (``value_source`` = "revenue"). Tiers 十亿级/五亿级/亿元级 (≥ 10亿/5亿/1亿). Extra columns:
    ``value_source, previous`` (上年同期, same basis), ``yoy``, ``share`` (of the 州 total of the
    universe), ``share_in_partition`` (of the partition's total; = share without partition).
    Rows with no positive value are not listed.
    """
    r = rules.top_output
    a = _attrs(attrs, partition_by).filter(pl.col(ABOVE_SCALE).fill_null(False))
    now = _at(_with_last_year(_monthly(monthly), (OUTPUT_VALUE, REVENUE)), as_of.year, as_of.month)
    use_revenue = pl.col(OUTPUT_VALUE).is_null() & pl.lit(r.revenue_fallback)
    lf = (
        a.join(now, on=ENTERPRISE_ID, how="left")
        .with_columns(
            pl.when(use_revenue)
            .then(pl.lit(REVENUE))
            .otherwise(pl.lit(OUTPUT_VALUE))
            .alias("value_source"),
            pl.when(use_revenue).then(pl.col(REVENUE)).otherwise(pl.col(OUTPUT_VALUE)).alias(VALUE),
            pl.when(use_revenue)
            .then(pl.col(REVENUE + _LY))
            .otherwise(pl.col(OUTPUT_VALUE + _LY))
            .alias("previous"),
        )
        .filter(pl.col(VALUE) > 0)
        .with_columns(
            _growth(VALUE, "previous").alias("yoy"),
            _share(pl.col(VALUE), _stable_sum(VALUE)).alias("share"),
            _share(
                pl.col(VALUE),
                _stable_sum(VALUE).over(partition_by) if partition_by else _stable_sum(VALUE),
            ).alias("share_in_partition"),
            _tier(pl.col(VALUE), r.tiers).alias(TIER),
        )
    )
    lf = _cut(lf, order=pl.col(VALUE), partition_by=partition_by, n=rules.size(n, partition_by))
    lf = lf.with_columns(
        _evidence(
            pl.lit(as_of.ytd_label).alias("period"),
            pl.col("value_source").alias("source"),
            pl.col(VALUE).alias("ytd"),
            pl.col("previous"),
            pl.col("yoy"),
        )
    )
    specific = ("value_source", "previous", "yoy", "share", "share_in_partition")
    return _finish(lf, rules, partition_by, specific)


# ---------------------------------------------------------------------------------------------
# 5.2 税收清单
# ---------------------------------------------------------------------------------------------
def top_tax(
    monthly: Frame,
    attrs: Frame,
    *,
    as_of: Month,
    rules: ListRules,
    partition_by: str | None = None,
    n: int | None = None,
) -> pl.DataFrame:
    """税收清单: all enterprises by 实缴税收 本年累计 (net of refunds) at ``as_of``.

    Tiers ≥ 1亿 / 5000万 / 1000万. Extra columns: ``previous, yoy, tax_refund`` (留抵退税, kept
    apart so the business can choose), ``land_mu``, ``tax_per_mu`` (YTD tax ÷ 亩, null without
    land). Confidential: the caller restricts who sees the amounts.
    """
    r = rules.top_tax
    a = _attrs(attrs, partition_by)
    now = _at(_with_last_year(_monthly(monthly), (TAX,)), as_of.year, as_of.month)
    lf = (
        a.join(now, on=ENTERPRISE_ID, how="inner")
        .with_columns(pl.col(TAX).alias(VALUE), pl.col(TAX + _LY).alias("previous"))
        .filter(pl.col(VALUE) > 0)
        .with_columns(
            _growth(VALUE, "previous").alias("yoy"),
            pl.when(pl.col(LAND_MU) > 0).then(pl.col(VALUE) / pl.col(LAND_MU)).alias("tax_per_mu"),
            _tier(pl.col(VALUE), r.tiers).alias(TIER),
        )
    )
    lf = _cut(lf, order=pl.col(VALUE), partition_by=partition_by, n=rules.size(n, partition_by))
    lf = lf.with_columns(
        _evidence(
            pl.lit(as_of.ytd_label).alias("period"),
            pl.col(VALUE).alias("ytd"),
            pl.col("previous"),
            pl.col("yoy"),
            pl.col(TAX_REFUND),
            pl.col(LAND_MU),
        )
    )
    specific = ("previous", "yoy", TAX_REFUND, LAND_MU, "tax_per_mu")
    return _finish(lf, rules, partition_by, specific)


# ---------------------------------------------------------------------------------------------
# 5.3 纾困增效清单
# ---------------------------------------------------------------------------------------------
_WINDOW = 12  # months looked back for consecutive-month runs


def _month_index(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    return year * 12 + month - 1


def _run_ending_at(lf: pl.LazyFrame, condition: pl.Expr, as_of: Month, name: str) -> pl.LazyFrame:
    """Per enterprise: how many consecutive months ending at ``as_of`` satisfy ``condition``.

    A month with no row or a null condition breaks the run. Looks back ``_WINDOW`` months.
    """
    lag = as_of.year * 12 + as_of.month - 1 - _month_index(pl.col(YEAR), pl.col(MONTH))
    hits = lf.with_columns(lag.alias("__lag")).filter(
        (pl.col("__lag") >= 0) & (pl.col("__lag") < _WINDOW) & condition.fill_null(False)
    )
    return hits.group_by(ENTERPRISE_ID).agg(
        (pl.col("__lag").sort() == pl.int_range(pl.len()))
        .cast(pl.Int64)
        .cum_prod()
        .sum()
        .alias(name)
    )


def _monthly_values(monthly: pl.LazyFrame, columns: Sequence[str]) -> pl.LazyFrame:
    """当月 values (``<column>_m``) from 本年累计 via ``engine.periods.ytd_to_monthly``."""
    out = monthly
    for column in columns:
        out = ytd_to_monthly(out, by=(ENTERPRISE_ID,), ytd=column, out=f"{column}_m")
    return out


def _stopped(column: str, ratio: float) -> pl.Expr:
    """当月 value is 0, or ≤ ``ratio`` × the same month last year (which must be > 0)."""
    now, before = pl.col(f"{column}_m"), pl.col(f"{column}_m{_LY}")
    low = (before > 0) & (now / before <= ratio + _EPS)
    return (now == 0) | low


def relief(
    monthly: Frame,
    attrs: Frame,
    *,
    as_of: Month,
    rules: ListRules,
    partition_by: str | None = None,
    n: int | None = None,
) -> pl.DataFrame:
    """纾困增效清单: 规上 enterprises in difficulty at ``as_of`` (domain spec §5.3).

    Entry if any reason holds (thresholds inclusive):

    1. ``revenue_decline``: 营业收入 累计同比 ≤ −15 % (产值 when 营收 is missing on either side);
    2. ``loss``: 利润总额 本年累计 < 0 (``loss_widened`` also tells whether it is deeper than last year);
    3. ``stoppage``: 当月 产值 or 用电量 = 0 or ≤ 30 % of the same month last year, in each of the
       last ≥ 2 consecutive months ending at ``as_of`` (当月 values come from consecutive YTDs;
       a month that cannot be derived, e.g. February after a combined 1-2月 report, breaks the run);
    4. ``electricity_decline``: 用电量 累计同比 ≤ −20 %;
    5. ``debt``: ``debt_ratio`` ≥ 80 %, or a distress flag (欠税/欠薪/涉诉);
    6. ``request``: the ``open_request`` flag (诉求未解决).

    Excluded: grade D and ``eliminated`` (淘汰类/腾退) enterprises. Difficulty (0–100) = Σ weight ×
    severity: decline (40) × min(1, deeper of the revenue and electricity falls ÷ 50 %), loss (25),
    stoppage (20) and debt (15) as 0/1. Ranked by difficulty; every entrant is listed unless
    ``rules.relief.limit_to_n`` or ``n`` is passed. Extra columns: ``reasons`` (codes), ``reason_labels``,
    ``revenue_yoy, revenue_basis, profit, loss_widened, stoppage_months, electricity_yoy,
    debt_ratio, d_decline, d_loss, d_stoppage, d_debt``.
    """
    r = rules.relief
    w = r.weights
    m = _monthly(monthly)
    a = _attrs(attrs, partition_by).filter(
        pl.col(ABOVE_SCALE).fill_null(False)
        & ~pl.col(GRADE).is_in(list(r.exclude_grades)).fill_null(False)
        & ~_has_any(FLAGS, r.exclude_flags)
    )
    ytd = _at(
        _with_last_year(m, (REVENUE, OUTPUT_VALUE, PROFIT, ELECTRICITY)), as_of.year, as_of.month
    )
    per_month = _monthly_values(m, (OUTPUT_VALUE, ELECTRICITY))
    per_month = _with_last_year(per_month, (f"{OUTPUT_VALUE}_m", f"{ELECTRICITY}_m"))
    stopped = _stopped(OUTPUT_VALUE, r.stoppage_ratio) | _stopped(ELECTRICITY, r.stoppage_ratio)
    runs = _run_ending_at(per_month, stopped, as_of, "stoppage_months")

    revenue_growth = _growth(REVENUE, REVENUE + _LY)
    output_growth = _growth(OUTPUT_VALUE, OUTPUT_VALUE + _LY)
    reasons = {
        "revenue_decline": pl.col("revenue_yoy") <= r.revenue_yoy_max + _EPS,
        "loss": pl.col(PROFIT) < 0,
        "stoppage": pl.col("stoppage_months") >= r.stoppage_months,
        "electricity_decline": pl.col("electricity_yoy") <= r.electricity_yoy_max + _EPS,
        "debt": (pl.col(DEBT_RATIO) >= r.debt_ratio_min - _EPS) | _has_any(FLAGS, r.distress_flags),
        "request": _has_any(FLAGS, (r.request_flag,)),
    }
    held = {code: cond.fill_null(False) for code, cond in reasons.items()}
    lf = (
        a.join(ytd, on=ENTERPRISE_ID, how="left")
        .join(runs, on=ENTERPRISE_ID, how="left")
        .with_columns(
            pl.col("stoppage_months").fill_null(0),
            pl.when(revenue_growth.is_not_null())
            .then(pl.lit(REVENUE))
            .when(output_growth.is_not_null())
            .then(pl.lit(OUTPUT_VALUE))
            .alias("revenue_basis"),
            pl.coalesce(revenue_growth, output_growth).alias("revenue_yoy"),
            _growth(ELECTRICITY, ELECTRICITY + _LY).alias("electricity_yoy"),
            ((pl.col(PROFIT) < 0) & (pl.col(PROFIT) < pl.col(PROFIT + _LY))).alias("loss_widened"),
        )
        .with_columns(
            pl.concat_list([pl.when(c).then(pl.lit(code)) for code, c in held.items()])
            .list.drop_nulls()
            .alias("reasons"),
            pl.concat_list(
                [pl.when(c).then(pl.lit(r.reason_labels.get(k, k))) for k, c in held.items()]
            )
            .list.drop_nulls()
            .list.join("；")
            .alias("reason_labels"),
            (
                w.decline
                * (
                    pl.max_horizontal(
                        -pl.col("revenue_yoy"), -pl.col("electricity_yoy"), pl.lit(0.0)
                    )
                    / r.decline_full
                ).clip(0, 1)
            ).alias("d_decline"),
            (w.loss * held["loss"].cast(pl.Float64)).alias("d_loss"),
            (w.stoppage * held["stoppage"].cast(pl.Float64)).alias("d_stoppage"),
            (w.debt * held["debt"].cast(pl.Float64)).alias("d_debt"),
        )
        .filter(pl.col("reasons").list.len() > 0)
        .with_columns(pl.sum_horizontal("d_decline", "d_loss", "d_stoppage", "d_debt").alias(VALUE))
        .with_columns(_tier(pl.col(VALUE), r.tiers).alias(TIER))
    )
    size = rules.size(n, partition_by) if r.limit_to_n or n is not None else None
    lf = _cut(lf, order=pl.col(VALUE), partition_by=partition_by, n=size)
    lf = lf.with_columns(
        _evidence(
            pl.lit(as_of.ytd_label).alias("period"),
            pl.col("reasons"),
            pl.col(REVENUE).alias("revenue_ytd"),
            pl.col(REVENUE + _LY).alias("revenue_ytd_last_year"),
            pl.col("revenue_yoy"),
            pl.col(PROFIT),
            pl.col(PROFIT + _LY).alias("profit_last_year"),
            pl.col("stoppage_months"),
            pl.col("electricity_yoy"),
            pl.col(DEBT_RATIO),
        )
    )
    specific = (
        "reasons",
        "reason_labels",
        "revenue_yoy",
        "revenue_basis",
        PROFIT,
        "loss_widened",
        "stoppage_months",
        "electricity_yoy",
        DEBT_RATIO,
        "d_decline",
        "d_loss",
        "d_stoppage",
        "d_debt",
    )
    return _finish(lf, rules, partition_by, specific)


def relief_exit(
    monthly: Frame,
    *,
    as_of: Month,
    rules: ListRules,
    baseline: Frame | None = None,
) -> pl.DataFrame:
    """增效 (exit) check for enterprises on the relief list (domain spec §5.3).

    An enterprise exits when, for ``exit_months`` (3) consecutive months ending at ``as_of``,
    营业收入 累计同比 ≥ 0 **and** 利润总额 本年累计 ≥ 0; or when it is back to its pre-difficulty
    level: ``baseline`` (``enterprise_id, baseline_monthly_revenue``, 万元/月) ≤ the average 当月
    营收 of the last ``exit_months`` months (all of them derivable).

    Output, one row per enterprise in ``monthly``: ``enterprise_id, recovered_months,
    recent_monthly_revenue, baseline_monthly_revenue, back_to_baseline, exited, exit_reason``
    ("recovered" | "back_to_baseline" | null), ``rule_version``.
    """
    r = rules.relief
    m = _with_last_year(_monthly(monthly), (REVENUE,))
    ok = (_growth(REVENUE, REVENUE + _LY) >= -_EPS) & (pl.col(PROFIT) >= 0)
    runs = _run_ending_at(m, ok, as_of, "recovered_months")
    per_month = _monthly_values(m, (REVENUE,))
    lag = as_of.year * 12 + as_of.month - 1 - _month_index(pl.col(YEAR), pl.col(MONTH))
    recent = (
        per_month.filter((lag >= 0) & (lag < r.exit_months))
        .group_by(ENTERPRISE_ID)
        .agg(
            pl.when(pl.col(f"{REVENUE}_m").count() == r.exit_months)
            .then(pl.col(f"{REVENUE}_m").mean())
            .alias("recent_monthly_revenue")
        )
    )
    base = (
        pl.LazyFrame(schema={ENTERPRISE_ID: pl.Int64, "baseline_monthly_revenue": pl.Float64})
        if baseline is None
        else baseline.lazy().select(
            pl.col(ENTERPRISE_ID).cast(pl.Int64),
            pl.col("baseline_monthly_revenue").cast(pl.Float64),
        )
    )
    recovered = pl.col("recovered_months") >= r.exit_months
    back = pl.col("back_to_baseline").fill_null(False)
    return (
        m.select(ENTERPRISE_ID)
        .unique()
        .join(runs, on=ENTERPRISE_ID, how="left")
        .join(recent, on=ENTERPRISE_ID, how="left")
        .join(base, on=ENTERPRISE_ID, how="left")
        .with_columns(
            pl.col("recovered_months").fill_null(0),
            (pl.col("recent_monthly_revenue") >= pl.col("baseline_monthly_revenue") - _EPS).alias(
                "back_to_baseline"
            ),
        )
        .with_columns(
            (recovered | back).alias("exited"),
            pl.when(recovered)
            .then(pl.lit("recovered"))
            .when(back)
            .then(pl.lit("back_to_baseline"))
            .otherwise(pl.lit(None, dtype=pl.Utf8))
            .alias("exit_reason"),
            pl.lit(rules.rule_version).alias(RULE_VERSION),
        )
        .select(
            ENTERPRISE_ID,
            "recovered_months",
            "recent_monthly_revenue",
            "baseline_monthly_revenue",
            "back_to_baseline",
            "exited",
            "exit_reason",
            RULE_VERSION,
        )
        .sort(ENTERPRISE_ID)
        .collect()
    )


# ---------------------------------------------------------------------------------------------
# 5.4 新增入规清单
# ---------------------------------------------------------------------------------------------
ENTERED = "entered"
PIPELINE = "pipeline"


def new_above_scale(
    monthly: Frame,
    attrs: Frame,
    *,
    as_of: Month,
    rules: ListRules,
    partition_by: str | None = None,
    n: int | None = None,
) -> pl.DataFrame:
    """新增入规清单: this year's entrants and the 入规培育库 pipeline (domain spec §5.4).

    * ``kind = "entered"`` (tier 新增入规): ``above_scale`` and not ``above_scale_prev`` (required
      here; null counts as not 规上, e.g. a firm founded this year); value =
      营业收入 本年累计; ``entry_month``/``entry_path`` pass through. All are listed
      (``all_entered``), ranked by value.
    * ``kind = "pipeline"``: 规下 (``above_scale`` False) with an industrial ``industry_code``
      (06–46; null codes are kept) and any of R12 营收 ≥ 1500万, YTD × 12/m ≥ 2000万, or
      ``projected_revenue`` ≥ 2000万. R12 = YTD + (last December YTD − last year's same-month YTD).
      tier **达标待入** when R12 or the annualised YTD already reaches the 2000万 threshold, else
      入规培育. ``priority`` = max over bases of projection ÷ 2000万 × reliability (R12 1.0,
      annualised m/12, project 0.5); ``basis`` names the winning one; value = that projection.
      Ranked by priority, top N.

    Ranks run within ``kind`` (and partition); entered rows come first.
    """
    r = rules.new_above_scale
    # Without last year's 规上 status every 规上 firm would look new: the column is required here.
    _require(attrs.lazy(), (ABOVE_SCALE_PREV, INDUSTRY_CODE), "attribute frame")
    a = _attrs(attrs, partition_by)
    m = _monthly(monthly)
    now = _at(_with_last_year(m, (REVENUE,)), as_of.year, as_of.month)
    december = _at(m, as_of.year - 1, 12).select(
        ENTERPRISE_ID, pl.col(REVENUE).alias("__december_ly")
    )
    months = as_of.month
    revenue = pl.col(REVENUE)
    r12 = revenue if months == 12 else revenue + pl.col("__december_ly") - pl.col(REVENUE + _LY)
    joined = (
        a.join(now, on=ENTERPRISE_ID, how="left")
        .join(december, on=ENTERPRISE_ID, how="left")
        .with_columns(
            revenue.alias("revenue_ytd"),
            r12.alias("r12_revenue"),
            (revenue * 12 / months).alias("annualised_revenue"),
        )
    )
    entered = joined.filter(
        pl.col(ABOVE_SCALE).fill_null(False) & ~pl.col(ABOVE_SCALE_PREV).fill_null(False)
    ).with_columns(
        pl.lit(ENTERED).alias("kind"),
        pl.col("revenue_ytd").alias(VALUE),
        pl.lit("新增入规").alias(TIER),
        pl.lit(None, dtype=pl.Float64).alias("priority"),
        pl.lit(None, dtype=pl.Utf8).alias("basis"),
        pl.lit(None, dtype=pl.Boolean).alias("meets_threshold"),
    )
    industrial = pl.col(INDUSTRY_CODE).is_null() | pl.col(INDUSTRY_CODE).str.slice(0, 2).is_in(
        list(r.industry_prefixes)
    )
    scores = {
        "r12": pl.col("r12_revenue") / r.threshold,
        "annualised": pl.col("annualised_revenue") / r.threshold * (months / 12),
        "project": pl.col(PROJECTED_REVENUE) / r.threshold * r.project_reliability,
    }
    projections = {
        "r12": pl.col("r12_revenue"),
        "annualised": pl.col("annualised_revenue"),
        "project": pl.col(PROJECTED_REVENUE),
    }
    best = pl.max_horizontal(*scores.values())
    basis: pl.Expr = pl.lit(None, dtype=pl.Utf8)
    for name in ("project", "annualised", "r12"):  # on a tie the more reliable basis wins
        basis = pl.when(scores[name] == best).then(pl.lit(name)).otherwise(basis)
    meets = (pl.col("r12_revenue") >= r.threshold - _EPS) | (
        pl.col("annualised_revenue") >= r.threshold - _EPS
    )
    pipeline = (
        joined.filter(~pl.col(ABOVE_SCALE) & industrial)  # null 规上 status: unknown, not listed
        .filter(
            (pl.col("r12_revenue") >= r.r12_min - _EPS)
            | (pl.col("annualised_revenue") >= r.annualised_min - _EPS)
            | (pl.col(PROJECTED_REVENUE) >= r.project_min - _EPS)
        )
        .with_columns(
            pl.lit(PIPELINE).alias("kind"),
            best.alias("priority"),
            basis.alias("basis"),
            meets.fill_null(False).alias("meets_threshold"),
        )
        .with_columns(
            pl.when(pl.col("basis") == "r12")
            .then(projections["r12"])
            .when(pl.col("basis") == "annualised")
            .then(projections["annualised"])
            .otherwise(projections["project"])
            .alias(VALUE),
            pl.when(pl.col("meets_threshold"))
            .then(pl.lit("达标待入"))
            .otherwise(pl.lit("入规培育"))
            .alias(TIER),
        )
    )
    size = rules.size(n, partition_by)
    entered = _cut(
        entered,
        order=pl.col(VALUE),
        partition_by=partition_by,
        n=None if r.all_entered else size,
    )
    pipeline = _cut(pipeline, order=pl.col("priority"), partition_by=partition_by, n=size)
    lf = pl.concat([entered, pipeline], how="diagonal_relaxed").with_columns(
        _evidence(
            pl.lit(as_of.ytd_label).alias("period"),
            pl.col("kind"),
            pl.col("revenue_ytd"),
            pl.col("r12_revenue"),
            pl.col("annualised_revenue"),
            pl.col(PROJECTED_REVENUE),
            pl.col("basis"),
            pl.col(ENTRY_MONTH),
            pl.col(ENTRY_PATH),
        )
    )
    specific = (
        "kind",
        "revenue_ytd",
        "r12_revenue",
        "annualised_revenue",
        PROJECTED_REVENUE,
        "basis",
        "priority",
        "meets_threshold",
        ENTRY_MONTH,
        ENTRY_PATH,
    )
    return _finish(
        lf.with_columns((pl.col("kind") == PIPELINE).alias("__pipeline_last")),
        rules,
        partition_by,
        specific,
        sort_first=("__pipeline_last",),
    )


# ---------------------------------------------------------------------------------------------
# 5.5 最具成长性清单
# ---------------------------------------------------------------------------------------------
GROWTH_COMPONENTS = (
    "revenue_cagr",
    "tax_growth",
    "profit",
    "rnd_level",
    "rnd_change",
    "tax_per_mu",
)


def growth(
    monthly: Frame,
    attrs: Frame,
    *,
    year: int,
    rules: ListRules,
    partition_by: str | None = None,
    n: int | None = None,
) -> pl.DataFrame:
    """最具成长性清单 for the completed ``year`` (December 本年累计 = annual values; spec §5.5).

    Universe: ``above_scale`` or 营收 ≥ 2000万 in ``year``, revenue reported for each of ``year −
    3``…``year``, base-year (``year − 3``) 营收 ≥ 1000万. Gates: no violation flag, not loss-making
    in ``year`` unless the loss shrank, grade ≠ D. Growth score (0–100), each part by Method E
    over the gated universe (city-wide; ``partition_by`` only cuts the top N):

    * 35 ``revenue_cagr`` = (R_t / R_t−3)^(1/3) − 1;
    * 20 ``tax_growth`` = mean of the last two 税收 同比 (a non-positive base drops that year);
    * 15 ``profit``: 利润率 change (P_t/R_t − P_t−1/R_t−1) or, with ``profit_measure="growth"``,
      利润 同比;
    * 15 R&D: ½ ``rnd_intensity`` (R&D ÷ 营收) + ½ its change vs last year;
    * 10 ``tax_per_mu_change`` = (T_t − T_t−1) ÷ 亩 (missing without land);
    * 5 status points: Σ ``status_points`` of the qualifications held, capped at the weight.

    Missing parts follow ``missing`` (base × weight by default). Extra columns: the six raw
    measures and ``score_<part>`` for each, plus ``score_status``.
    """
    g = rules.growth
    weights = g.weights
    m = _monthly(monthly).filter(pl.col(MONTH) == 12)
    years = {k: _at(m, year - k, 12) for k in range(4)}
    wide = years[0].select(ENTERPRISE_ID, REVENUE, TAX, PROFIT, RND)
    for k in (1, 2, 3):
        wide = wide.join(
            years[k].select(
                ENTERPRISE_ID,
                *[pl.col(c).alias(f"{c}_{k}") for c in (REVENUE, TAX, PROFIT, RND)],
            ),
            on=ENTERPRISE_ID,
            how="left",
        )
    a = _attrs(attrs, partition_by)
    revenue = pl.col(REVENUE)
    profit_measure = (
        pl.when((revenue > 0) & (pl.col(f"{REVENUE}_1") > 0)).then(
            pl.col(PROFIT) / revenue - pl.col(f"{PROFIT}_1") / pl.col(f"{REVENUE}_1")
        )
        if g.profit_measure == "margin_change"
        else _growth(PROFIT, f"{PROFIT}_1")
    )
    intensity = pl.when(revenue > 0).then(pl.col(RND) / revenue)
    intensity_before = pl.when(pl.col(f"{REVENUE}_1") > 0).then(
        pl.col(f"{RND}_1") / pl.col(f"{REVENUE}_1")
    )
    universe = (
        a.join(wide, on=ENTERPRISE_ID, how="inner")
        .filter(
            (pl.col(ABOVE_SCALE).fill_null(False) | (revenue >= g.universe_revenue_min - _EPS))
            & pl.all_horizontal(
                [revenue.is_not_null()]
                + [pl.col(f"{REVENUE}_{k}").is_not_null() for k in (1, 2, 3)]
            )
            & (pl.col(f"{REVENUE}_3") >= g.base_revenue_min - _EPS)
            & ~_has_any(FLAGS, g.violation_flags)
            & ((pl.col(PROFIT) >= 0) | (pl.col(PROFIT) > pl.col(f"{PROFIT}_1"))).fill_null(False)
            & ~pl.col(GRADE).is_in(list(g.exclude_grades)).fill_null(False)
        )
        .with_columns(
            ((revenue / pl.col(f"{REVENUE}_3")) ** (1 / 3) - 1).alias("revenue_cagr"),
            pl.mean_horizontal(_growth(TAX, f"{TAX}_1"), _growth(f"{TAX}_1", f"{TAX}_2")).alias(
                "tax_growth"
            ),
            profit_measure.alias("profit_measure"),
            intensity.alias("rnd_intensity"),
            (intensity - intensity_before).alias("rnd_intensity_change"),
            pl.when(pl.col(LAND_MU) > 0)
            .then((pl.col(TAX) - pl.col(f"{TAX}_1")) / pl.col(LAND_MU))
            .alias("tax_per_mu_change"),
            pl.min_horizontal(
                pl.sum_horizontal(
                    [
                        pl.col(QUALIFICATIONS).list.contains(q).cast(pl.Float64) * points
                        for q, points in g.status_points.items()
                    ]
                    or [pl.lit(0.0)]
                ),
                pl.lit(weights.status),
            ).alias("score_status"),
        )
        .collect()
        .lazy()
    )
    parts = {
        "revenue_cagr": ("revenue_cagr", weights.revenue_cagr),
        "tax_growth": ("tax_growth", weights.tax_growth),
        "profit": ("profit_measure", weights.profit),
        "rnd_level": ("rnd_intensity", weights.rnd / 2),
        "rnd_change": ("rnd_intensity_change", weights.rnd / 2),
        "tax_per_mu": ("tax_per_mu_change", weights.tax_per_mu),
    }
    long = pl.concat(
        [
            universe.select(
                ENTERPRISE_ID,
                pl.lit(key).alias(INDICATOR),
                pl.col(column).cast(pl.Float64).alias(VALUE),
                pl.lit(weight, dtype=pl.Float64).alias(WEIGHT),
                pl.lit("+").alias(DIRECTION),
            )
            for key, (column, weight) in parts.items()
        ]
    )
    scored = efficacy_scores(long, by=(INDICATOR,), method=g.method, missing=g.missing)
    scores = scored.group_by(ENTERPRISE_ID).agg(
        pl.col(SCORE).filter(pl.col(INDICATOR) == key).first().alias(f"score_{key}")
        for key in parts
    )
    score_columns = [f"score_{key}" for key in parts]
    lf = (
        universe.join(scores, on=ENTERPRISE_ID, how="left")
        .with_columns(pl.sum_horizontal(*score_columns, "score_status").alias(VALUE))
        .with_columns(_tier(pl.col(VALUE), g.tiers).alias(TIER))
    )
    lf = _cut(lf, order=pl.col(VALUE), partition_by=partition_by, n=rules.size(n, partition_by))
    measures = (
        "revenue_cagr",
        "tax_growth",
        "profit_measure",
        "rnd_intensity",
        "rnd_intensity_change",
        "tax_per_mu_change",
    )
    lf = lf.with_columns(
        _evidence(
            pl.lit(year).alias("year"),
            *[pl.col(c) for c in measures],
            pl.col(REVENUE).alias("revenue"),
            pl.col(f"{REVENUE}_3").alias("revenue_base_year"),
            pl.col(QUALIFICATIONS),
        )
    )
    return _finish(lf, rules, partition_by, (*measures, *score_columns, "score_status"))


# ---------------------------------------------------------------------------------------------
# 5.6 产业链链主清单
# ---------------------------------------------------------------------------------------------
DESIGNATED = "designated"
CANDIDATE = "candidate"
CULTIVATION = "cultivation"
GAP = "gap"
_STATUS_TIER = {DESIGNATED: "链主", CANDIDATE: "候选链主", CULTIVATION: "准链主", GAP: "缺链主"}
_STATUS_ORDER = {DESIGNATED: 0, CANDIDATE: 1, CULTIVATION: 2, GAP: 3}

CHAIN_ID = "chain_id"
CATEGORY = "category"
LINKS_REQUIRED = (CHAIN_ID, ENTERPRISE_ID, REVENUE)
_OPTIONAL_LINKS: dict[str, pl.DataType] = {
    "principal": pl.Boolean(),
    RND: pl.Float64(),
    "local_suppliers": pl.Int64(),
    "local_purchase": pl.Float64(),
    "market_leader": pl.Boolean(),
    "signed": pl.Boolean(),
    "designated": pl.Boolean(),
}


def chain_masters(
    chains: Frame,
    links: Frame,
    attrs: Frame,
    *,
    rules: ListRules,
) -> pl.DataFrame:
    """产业链链主清单: per chain, designated 链主, candidates, or a 准链主/gap (spec §3.5, §5.6).

    ``chains``: ``chain_id`` (Int64), ``category`` ("advantage" | "emerging" | "cultivating").
    ``links``: one row per enterprise on a chain: ``chain_id, enterprise_id, revenue`` (营业收入,
    latest year, 万元) and, nullable/optional, ``principal`` (主营属于该链), ``rnd`` (万元),
    ``local_suppliers`` (本地规上配套企业数), ``local_purchase`` (本地采购额, 万元),
    ``market_leader`` (细分市场全国前十/知名品牌/地理标志龙头), ``signed`` (签署链主责任),
    ``designated`` (链长已认定). ``attrs``: ``above_scale, grade, qualifications, flags``.

    Criteria (a) principal business in the chain, 规上, no violation flag, grade A/B — required;
    then at least 3 of (b) revenue rank ≤ 2 in the chain or revenue ≥ the category minimum
    (5亿 优势 / 1亿 新兴·培育); (c) ≥ 5 local suppliers or local purchase ≥ 5000万; (d) R&D
    intensity ≥ 3 % or an innovation qualification; (e) ``market_leader``; (f) ``signed``.
    Unknown (null) counts as not met.

    Status: ``designated`` (链长's decision, shown whether or not the criteria still hold;
    ``meets_criteria`` says), ``candidate`` (meets, not designated). A chain with neither gets its
    best ``cultivation_per_chain`` enterprise(s) without a violation flag as ``cultivation``
    (准链主; most criteria met, then revenue), and a chain with no such enterprise one ``gap`` row
    (enterprise_id null). So every chain shows a 链主 or a gap. ``rank`` runs within the chain:
    designated, then candidates, then cultivation, each by revenue.

    Columns: ``rank, enterprise_id, value`` (revenue), ``tier`` (链主/候选链主/准链主/缺链主),
    ``evidence, rule_version, chain_id, category, status, chain_rank`` (revenue rank among the
    chain's enterprises), ``meets_criteria, criteria_met`` (count of b–f), ``crit_a … crit_f,
    local_suppliers, local_purchase, rnd_intensity, qualifications``.
    """
    r = rules.chain_masters
    chain_frame = chains.lazy()
    _require(chain_frame, (CHAIN_ID, CATEGORY), "chains frame")
    chain_frame = chain_frame.select(
        pl.col(CHAIN_ID).cast(pl.Int64), pl.col(CATEGORY).cast(pl.Utf8)
    )
    link_frame = links.lazy()
    schema = _require(link_frame, LINKS_REQUIRED, "links frame")
    link_frame = link_frame.with_columns(
        [pl.lit(None, dtype=t).alias(c) for c, t in _OPTIONAL_LINKS.items() if c not in schema]
    ).with_columns(
        pl.col(CHAIN_ID).cast(pl.Int64),
        pl.col(ENTERPRISE_ID).cast(pl.Int64),
        pl.col(REVENUE).cast(pl.Float64),
        pl.col(RND).cast(pl.Float64),
    )
    a = _attrs(attrs, None).select(ENTERPRISE_ID, ABOVE_SCALE, GRADE, QUALIFICATIONS, FLAGS)
    minimum = pl.col(CATEGORY).replace_strict(r.revenue_min, default=None, return_dtype=pl.Float64)
    violation = _has_any(FLAGS, r.violation_flags)
    crit = {
        "crit_a": pl.col("principal").fill_null(False)
        & pl.col(ABOVE_SCALE).fill_null(False)
        & ~violation
        & pl.col(GRADE).is_in(list(r.eligible_grades)).fill_null(False),
        "crit_b": (pl.col("chain_rank") <= r.top_rank) | (pl.col(REVENUE) >= minimum - _EPS),
        "crit_c": (pl.col("local_suppliers") >= r.local_suppliers_min)
        | (pl.col("local_purchase") >= r.local_purchase_min - _EPS),
        "crit_d": (pl.col("rnd_intensity") >= r.rnd_intensity_min - _EPS)
        | _has_any(QUALIFICATIONS, r.innovation_qualifications),
        "crit_e": pl.col("market_leader"),
        "crit_f": pl.col("signed"),
    }
    optional = ("crit_b", "crit_c", "crit_d", "crit_e", "crit_f")
    scored = (
        link_frame.join(chain_frame, on=CHAIN_ID, how="inner")
        .join(a, on=ENTERPRISE_ID, how="left")
        .with_columns(
            rank_desc(REVENUE, over=(CHAIN_ID,)).alias("chain_rank"),
            pl.when(pl.col(REVENUE) > 0).then(pl.col(RND) / pl.col(REVENUE)).alias("rnd_intensity"),
            pl.col(QUALIFICATIONS).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
            pl.col(FLAGS).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
        )
        .with_columns([c.fill_null(False).alias(k) for k, c in crit.items()])
        .with_columns(
            pl.sum_horizontal([pl.col(c).cast(pl.Int64) for c in optional]).alias("criteria_met")
        )
        .with_columns(
            (pl.col("crit_a") & (pl.col("criteria_met") >= r.min_optional)).alias("meets_criteria"),
            violation.alias("__violation"),
        )
        .with_columns(
            pl.when(pl.col("designated").fill_null(False))
            .then(pl.lit(DESIGNATED))
            .when(pl.col("meets_criteria"))
            .then(pl.lit(CANDIDATE))
            .alias("status")
        )
        .collect()
        .lazy()
    )
    masters = scored.filter(pl.col("status").is_not_null())
    without = chain_frame.join(masters.select(CHAIN_ID).unique(), on=CHAIN_ID, how="anti")
    cultivation = (
        scored.join(without.select(CHAIN_ID), on=CHAIN_ID, how="semi")
        .filter(~pl.col("__violation"))
        .with_columns(
            pl.struct(-pl.col("criteria_met"), -pl.col(REVENUE).fill_null(0.0), ENTERPRISE_ID)
            .rank("ordinal")
            .over(CHAIN_ID)
            .alias("__pick")
        )
        .filter(pl.col("__pick") <= r.cultivation_per_chain)
        .with_columns(pl.lit(CULTIVATION).alias("status"))
        .drop("__pick")
    )
    gaps = without.join(cultivation.select(CHAIN_ID).unique(), on=CHAIN_ID, how="anti")
    listed = pl.concat([masters, cultivation], how="vertical")
    listed = pl.concat([listed, gaps.with_columns(pl.lit(GAP).alias("status"))], how="diagonal")
    status_order = pl.col("status").replace_strict(_STATUS_ORDER, return_dtype=pl.Int64)
    lf = listed.with_columns(
        pl.struct(status_order, -pl.col(REVENUE).fill_null(0.0))
        .rank("min")
        .over(CHAIN_ID)
        .cast(pl.Int64)
        .alias(RANK),
        pl.col(REVENUE).alias(VALUE),
        pl.col("status").replace_strict(_STATUS_TIER, return_dtype=pl.Utf8).alias(TIER),
    ).with_columns(
        _evidence(
            pl.col("status"),
            pl.col(REVENUE).alias("revenue"),
            pl.col("chain_rank"),
            *[pl.col(c) for c in crit],
            pl.col("local_suppliers"),
            pl.col("local_purchase"),
            pl.col("rnd_intensity"),
            pl.col(QUALIFICATIONS),
        )
    )
    specific = (
        CATEGORY,
        "status",
        "chain_rank",
        "meets_criteria",
        "criteria_met",
        *crit,
        "local_suppliers",
        "local_purchase",
        "rnd_intensity",
        QUALIFICATIONS,
    )
    return _finish(lf, rules, CHAIN_ID, specific)
