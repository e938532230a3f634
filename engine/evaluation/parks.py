"""Park and county evaluation: "五好" scoring, county 亩均 league tables, grade distribution, park 亩均.

Pure: frames and a scheme in, frames out; no clock, no I/O beyond reading the bundled presets.
Domain rules: shared spec §1.9 (park/county 亩均) and §2 (五好); contract: docs/evaluation.md §2.

Method E (功效系数法) is used throughout, within a peer group (a park's level, optionally its
regional block; the whole set of counties)::

    score = weight × (base + span × (x − min) / (max − min))      # "+" indicators
    score = weight × (base + span × (max − x) / (max − min))      # "−" indicators

with ``base = 0.6`` and ``span = 0.4`` by default (``base + span`` must be 1, so the best unit gets
the full weight). Rules at the edges, applied identically everywhere:

* **missing value** (null or NaN): scored ``base × weight`` (``missing="base"``, default) or 0
  (``missing="zero"``); flagged ``missing``. The unit neither wins nor loses the indicator outright.
* **out-of-range value**: values are held to ±1e300 (``VALUE_LIMIT``), so ±inf (e.g. a growth
  over a near-zero base) is the largest or smallest value, never missing — raising a figure can
  never lower its score — and max − min stays finite.
* **no spread** (a peer group of one unit, or every unit with the same value): full weight,
  flagged ``no_spread``. Nobody in the group is behind anybody else.
* **winsorising** (optional, ``winsorise=(q_lo, q_hi)``): values are clipped to the group's
  quantiles (linear interpolation) before min/max; a changed value is flagged ``winsorised``.

Ranks: 1 = best; equal totals (rounded to 9 decimals, so float noise cannot split a tie) share
the better rank ("1, 1, 3").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.columns import ENTERPRISE_ID, INDICATOR, PARK_ID, VALUE

PRESET_DIR = Path(__file__).parent / "presets"
PARK_PRESETS: tuple[str, ...] = ("five_good",)
COUNTY_PRESETS: tuple[str, ...] = ("county_mu",)

KM2_TO_MU = 1500.0
"""1 km² = 1,000,000 m² and 1 亩 = 666.67 m², so 1 km² = 1500 亩 (1 公顷 = 15 亩)."""

# output columns ---------------------------------------------------------------------------------
PEER_GROUP = "peer_group"  # "national", "provincial/daxiangxi"… (peer columns joined with "/")
PEER_GROUP_SIZE = "peer_group_size"
PART = "part"  # "I" (五好评价) | "II" (园区经济评价)
PART1 = "part1"
PART2 = "part2"
DIMENSION = "dimension"
VALUE_LIMIT = 1e300  # |values| are held below this: max − min of any two stays finite
HALF = "half"  # "level" | "growth" | null (Part II indicators score ½ level + ½ growth)
LABEL = "label"
UNIT = "unit"
VALUE_USED = "value_used"  # the value after winsorising (= value when not clipped)
MIN = "min"
MAX = "max"
WEIGHT = "weight"
SCORE = "score"
FLAG = "flag"  # "missing" | "no_spread" | "winsorised" | null
DIRECTION = "direction"
DEDUCTIONS = "deductions"
VETO = "veto"
VETO_ITEMS = "veto_items"
COMMENDABLE = "commendable"  # False when vetoed: 取消评优, cannot rank in the top tier
TOTAL = "total"
RANK = "rank"
RANK_IN_GROUP = "rank_in_group"
ITEM = "item"
COUNT = "count"
POINTS = "points"
EFFECT = "effect"  # "deduct" | "veto"
NUMERATOR = "numerator"
DENOMINATOR = "denominator"
NUMERATOR_SUM = "numerator_sum"
DENOMINATOR_SUM = "denominator_sum"
N_ENTERPRISES = "enterprises"
LAND_MU = "land_mu"

MISSING = "missing"
NO_SPREAD = "no_spread"
WINSORISED = "winsorised"

_ORDER = "__order"
_TOLERANCE = 1e-6
_RANK_DECIMALS = 9


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------
# Method E
# ---------------------------------------------------------------------------------------------
class MethodE(_Frozen):
    """功效系数法 parameters: ``score = weight × (base + span × normalised)``; base + span = 1."""

    base: float = Field(default=0.6, ge=0, lt=1)
    span: float = Field(default=0.4, gt=0, le=1)

    @model_validator(mode="after")
    def _top_unit_gets_full_weight(self) -> MethodE:
        if abs(self.base + self.span - 1) > _TOLERANCE:
            raise ValueError(f"base + span must be 1 (got {self.base} + {self.span})")
        return self


Winsorise = tuple[float, float]
MissingRule = Literal["base", "zero"]


def _check_winsorise(bounds: Winsorise | None) -> None:
    if bounds is not None and not 0 <= bounds[0] < bounds[1] <= 1:
        raise ValueError(f"winsorise needs 0 ≤ low < high ≤ 1, got {bounds}")


def efficacy_scores(
    long: pl.LazyFrame,
    *,
    by: Sequence[str],
    method: MethodE,
    winsorise: Winsorise | None = None,
    missing: MissingRule = "base",
) -> pl.LazyFrame:
    """Method E over a long frame, one row per unit × scored item.

    ``long`` needs ``VALUE`` (numeric), ``WEIGHT`` (float), ``DIRECTION`` ("+" | "-") and the
    ``by`` keys, which name the pool min and max are taken over (e.g. indicator, half and peer
    group). Adds ``VALUE_USED``, ``MIN``, ``MAX``, ``SCORE`` and ``FLAG`` with the rules in the
    module docstring. NaN counts as missing; ±inf (e.g. growth over a denormal base) and any
    value beyond ±``VALUE_LIMIT`` are held to the limit.
    """
    keys = list(by)
    value = pl.col(VALUE).cast(pl.Float64)
    long = long.with_columns(
        pl.when(value.is_nan())
        .then(None)
        .otherwise(value.clip(-VALUE_LIMIT, VALUE_LIMIT))
        .alias(VALUE)
    )
    if winsorise is not None:
        low = pl.col(VALUE).quantile(winsorise[0], interpolation="linear").over(keys)
        high = pl.col(VALUE).quantile(winsorise[1], interpolation="linear").over(keys)
        long = long.with_columns(pl.col(VALUE).clip(low, high).alias(VALUE_USED))
    else:
        long = long.with_columns(pl.col(VALUE).alias(VALUE_USED))
    used = pl.col(VALUE_USED)
    long = long.with_columns(used.min().over(keys).alias(MIN), used.max().over(keys).alias(MAX))
    spread = pl.col(MAX) - pl.col(MIN)
    normalised = (
        pl.when(pl.col(DIRECTION) == "-")
        .then((pl.col(MAX) - used) / spread)
        .otherwise((used - pl.col(MIN)) / spread)
    )
    weight = pl.col(WEIGHT)
    missing_score = weight * method.base if missing == "base" else pl.lit(0.0)
    return long.with_columns(
        pl.when(used.is_null())
        .then(missing_score)
        .when(spread <= 0)
        .then(weight)
        .otherwise(weight * (method.base + method.span * normalised))
        .alias(SCORE),
        pl.when(used.is_null())
        .then(pl.lit(MISSING))
        .when(spread <= 0)
        .then(pl.lit(NO_SPREAD))
        .when(used != pl.col(VALUE))
        .then(pl.lit(WINSORISED))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
        .alias(FLAG),
    )


def rank_desc(column: str | pl.Expr, *, over: Sequence[str] = ()) -> pl.Expr:
    """Rank 1 = largest; equal values (to 9 decimals) share the better rank; nulls stay null."""
    expr = pl.col(column) if isinstance(column, str) else column
    ranked = expr.round(_RANK_DECIMALS).rank("min", descending=True)
    return (ranked.over(list(over)) if over else ranked).cast(pl.Int64)


def _require(frame: pl.LazyFrame, columns: Iterable[str], what: str) -> pl.Schema:
    schema = frame.collect_schema()
    absent = sorted({c for c in columns if c not in schema})
    if absent:
        raise ValueError(f"{what} lacks the column(s) {', '.join(absent)}")
    return schema


# ---------------------------------------------------------------------------------------------
# 五好 park scheme
# ---------------------------------------------------------------------------------------------
class ParkIndicator(_Frozen):
    """One scored indicator.

    ``column`` (plus any ``plus_columns``, added: e.g. 高新技术企业数 + 研发平台数) is the level.
    With ``halves`` (Part II) the weight splits ½ level + ½ growth, growth = column ÷
    ``column_prev`` − 1 in percent, null (→ missing rule) when the previous value is ≤ 0 or null.
    """

    key: str = Field(min_length=1)
    label: str
    unit: str = ""
    part: Literal["I", "II"]
    column: str
    plus_columns: tuple[str, ...] = ()
    column_prev: str | None = None
    halves: bool = False
    weight: float = Field(gt=0)
    direction: Literal["+", "-"] = "+"
    note: str = ""

    @model_validator(mode="after")
    def _growth_needs_previous_year(self) -> ParkIndicator:
        if self.halves and self.column_prev is None:
            raise ValueError(f"indicator {self.key}: halves (level + growth) need column_prev")
        if self.halves and self.plus_columns:
            raise ValueError(f"indicator {self.key}: halves cannot be combined with plus_columns")
        return self

    @property
    def columns(self) -> tuple[str, ...]:
        prev = (self.column_prev,) if self.column_prev else ()
        return (self.column, *self.plus_columns, *prev)


class ParkDimension(_Frozen):
    """A 五好 dimension (规划定位好…) or the 园区经济 block, holding its indicators."""

    key: str = Field(min_length=1)
    label: str
    indicators: tuple[ParkIndicator, ...] = Field(min_length=1)


class ParkPart(_Frozen):
    key: Literal["I", "II"]
    label: str
    total: float = Field(gt=0)


class Condition(_Frozen):
    """Restricts a rule to parks where a Boolean park column holds (``only_if``) or not (``unless``).

    A null in the column counts as False: ``only_if`` does not apply, ``unless`` does.
    """

    only_if: str | None = None
    unless: str | None = None

    def applies(self) -> pl.Expr:
        expr = pl.lit(True)
        if self.only_if:
            expr = expr & pl.col(self.only_if).fill_null(False)
        if self.unless:
            expr = expr & ~pl.col(self.unless).fill_null(False)
        return expr

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.only_if, self.unless) if c)


class Deduction(Condition):
    """扣分: ``points`` per counted case (or once when ``per_count`` is False), capped at ``max_points``."""

    item: str = Field(min_length=1)
    label: str
    points: float = Field(gt=0)
    per_count: bool = True
    max_points: float | None = Field(default=None, gt=0)


class Veto(Condition):
    """一票否决: any case (count > 0) vetoes the park."""

    item: str = Field(min_length=1)
    label: str


class ParkScheme(_Frozen):
    """A park evaluation scheme ("五好" by default). Data, validated here; the engine trusts it."""

    code: str = Field(min_length=1)
    name: str
    kind: Literal["park_five_good"] = "park_five_good"
    version: str = "1"
    parts: tuple[ParkPart, ...] = (
        ParkPart(key="I", label="五好评价", total=60),
        ParkPart(key="II", label="园区经济评价", total=40),
    )
    dimensions: tuple[ParkDimension, ...] = Field(min_length=1)
    method: MethodE = MethodE()
    peer_groups: tuple[str, ...] = ("level",)
    winsorise: Winsorise | None = None
    missing: MissingRule = "base"
    deductions: tuple[Deduction, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> ParkScheme:
        _unique("dimension", [d.key for d in self.dimensions])
        _unique("indicator", [i.key for _, i in self.indicator_items()])
        _unique("part", [p.key for p in self.parts])
        _unique("deduction item", [d.item for d in self.deductions])
        _unique("veto item", [v.item for v in self.vetoes])
        _unique("peer group column", list(self.peer_groups))
        _check_winsorise(self.winsorise)
        totals = {p.key: p.total for p in self.parts}
        sums: dict[str, float] = dict.fromkeys(totals, 0.0)
        for _, indicator in self.indicator_items():
            if indicator.part not in totals:
                raise ValueError(
                    f"indicator {indicator.key}: part {indicator.part} is not declared"
                )
            sums[indicator.part] += indicator.weight
        for part, total in totals.items():
            if not math.isclose(sums[part], total, abs_tol=_TOLERANCE):
                raise ValueError(f"Part {part} weights sum to {sums[part]:g}, declared {total:g}")
        return self

    def indicator_items(self) -> list[tuple[ParkDimension, ParkIndicator]]:
        return [(d, i) for d in self.dimensions for i in d.indicators]

    @property
    def input_columns(self) -> tuple[str, ...]:
        """Park-frame columns the scheme reads (indicators, peer groups, rule conditions)."""
        seen: dict[str, None] = dict.fromkeys(self.peer_groups)
        for _, indicator in self.indicator_items():
            seen.update(dict.fromkeys(indicator.columns))
        for rule in (*self.deductions, *self.vetoes):
            seen.update(dict.fromkeys(rule.columns))
        return tuple(seen)


def _unique(what: str, keys: list[str]) -> None:
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"duplicate {what} key(s): {', '.join(duplicates)}")


def load_park_preset(code: str) -> ParkScheme:
    """A bundled park scheme by code (``PARK_PRESETS``), e.g. ``load_park_preset("five_good")``."""
    if code not in PARK_PRESETS:
        raise ValueError(f"unknown park preset {code!r}; known: {', '.join(PARK_PRESETS)}")
    return ParkScheme.model_validate_json((PRESET_DIR / f"{code}.json").read_text("utf-8"))


# ---------------------------------------------------------------------------------------------
# evaluate_parks
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParkResult:
    """Output of ``evaluate_parks``.

    * ``parks``: ``park_id, peer_group, peer_group_size, part1, part2, deductions, veto,
      veto_items (List[Utf8], sorted), commendable, total, rank, rank_in_group``; sorted by rank.
    * ``components``: ``park_id, peer_group, part, dimension, indicator, label, half, unit, value,
      value_used, min, max, weight, score, flag``; Σ score per park == part1 + part2.
    * ``deductions``: the events that took effect: ``park_id, item, label, effect ("deduct" |
      "veto"), count, points`` (points 0 for vetoes); Σ points per park == parks.deductions.
    * ``ignored_events``: ``park_id, item, count`` rows naming an item the scheme does not know
      or a park not in the frame (shown to the user, never silently dropped).
    """

    parks: pl.DataFrame
    components: pl.DataFrame
    deductions: pl.DataFrame
    ignored_events: pl.DataFrame


def _peer_group(columns: Sequence[str]) -> pl.Expr:
    if not columns:
        return pl.lit("all")
    return pl.concat_str([pl.col(c).cast(pl.Utf8).fill_null("—") for c in columns], separator="/")


def _number(columns: Sequence[str]) -> pl.Expr:
    total = pl.col(columns[0]).cast(pl.Float64)
    for column in columns[1:]:
        total = total + pl.col(column).cast(pl.Float64)
    return total


def _component_rows(
    parks: pl.LazyFrame,
    dimension: ParkDimension,
    indicator: ParkIndicator,
    *,
    half: str | None,
    value: pl.Expr,
    weight: float,
    unit: str,
    position: int,
) -> pl.LazyFrame:
    return parks.select(
        pl.col(PARK_ID),
        pl.col(PEER_GROUP),
        pl.lit(indicator.part).alias(PART),
        pl.lit(dimension.key).alias(DIMENSION),
        pl.lit(indicator.key).alias(INDICATOR),
        pl.lit(indicator.label).alias(LABEL),
        pl.lit(half, dtype=pl.Utf8).alias(HALF),
        pl.lit(unit).alias(UNIT),
        value.alias(VALUE),
        pl.lit(weight, dtype=pl.Float64).alias(WEIGHT),
        pl.lit(indicator.direction).alias(DIRECTION),
        pl.lit(position).alias(_ORDER),
    )


def _park_components(parks: pl.LazyFrame, scheme: ParkScheme) -> pl.LazyFrame:
    rows: list[pl.LazyFrame] = []
    for order, (dimension, indicator) in enumerate(scheme.indicator_items()):
        level = _number((indicator.column, *indicator.plus_columns))
        if indicator.halves and indicator.column_prev is not None:
            previous = pl.col(indicator.column_prev).cast(pl.Float64)
            growth = pl.when(previous > 0).then((level / previous - 1) * 100)
            half = indicator.weight / 2
            rows += [
                _component_rows(
                    parks,
                    dimension,
                    indicator,
                    half="level",
                    value=level,
                    weight=half,
                    unit=indicator.unit,
                    position=2 * order,
                ),
                _component_rows(
                    parks,
                    dimension,
                    indicator,
                    half="growth",
                    value=growth,
                    weight=half,
                    unit="%",
                    position=2 * order + 1,
                ),
            ]
        else:
            rows.append(
                _component_rows(
                    parks,
                    dimension,
                    indicator,
                    half=None,
                    value=level,
                    weight=indicator.weight,
                    unit=indicator.unit,
                    position=2 * order,
                )
            )
    return pl.concat(rows, how="vertical")


def _empty_events() -> pl.LazyFrame:
    return pl.LazyFrame(schema={PARK_ID: pl.Int64, ITEM: pl.Utf8, COUNT: pl.Float64})


def _applied_rules(
    events: pl.LazyFrame, parks: pl.LazyFrame, scheme: ParkScheme
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """(applied, ignored): which events deduct or veto, and which name nothing the scheme knows."""
    known = pl.LazyFrame(
        {ITEM: [d.item for d in scheme.deductions] + [v.item for v in scheme.vetoes]},
        schema={ITEM: pl.Utf8},
    ).unique()
    ignored = pl.concat(
        [
            events.join(known, on=ITEM, how="anti"),
            events.join(known, on=ITEM, how="semi").join(parks, on=PARK_ID, how="anti"),
        ]
    )
    present = events.join(parks, on=PARK_ID, how="inner").filter(pl.col(COUNT) > 0)
    applied: list[pl.LazyFrame] = []
    for deduction in scheme.deductions:
        raw = pl.col(COUNT) * deduction.points if deduction.per_count else pl.lit(deduction.points)
        points = raw if deduction.max_points is None else raw.clip(upper_bound=deduction.max_points)
        applied.append(
            present.filter((pl.col(ITEM) == deduction.item) & deduction.applies()).select(
                PARK_ID,
                ITEM,
                pl.lit(deduction.label).alias(LABEL),
                pl.lit("deduct").alias(EFFECT),
                COUNT,
                points.cast(pl.Float64).alias(POINTS),
            )
        )
    for veto in scheme.vetoes:
        applied.append(
            present.filter((pl.col(ITEM) == veto.item) & veto.applies()).select(
                PARK_ID,
                ITEM,
                pl.lit(veto.label).alias(LABEL),
                pl.lit("veto").alias(EFFECT),
                COUNT,
                pl.lit(0.0).alias(POINTS),
            )
        )
    empty = pl.LazyFrame(
        schema={
            PARK_ID: pl.Int64,
            ITEM: pl.Utf8,
            LABEL: pl.Utf8,
            EFFECT: pl.Utf8,
            COUNT: pl.Float64,
            POINTS: pl.Float64,
        }
    )
    return pl.concat([empty, *applied]), ignored


def evaluate_parks(
    frame: pl.DataFrame | pl.LazyFrame,
    scheme: ParkScheme,
    events: pl.DataFrame | pl.LazyFrame | None = None,
) -> ParkResult:
    """五好园区 evaluation: Part I (五好) + Part II (园区经济) by Method E within peer groups, then
    deductions and vetoes (domain spec §2.2–§2.3).

    ``frame``: one row per park; ``park_id`` (Int64, unique), the ``scheme.peer_groups`` columns
    (e.g. ``level`` = "national" | "provincial"), every indicator column and ``column_prev``
    (annual values: December 本年累计 of the park monthly form; ``*_prev`` = the previous year),
    and the Boolean columns rule conditions name (e.g. ``is_chemical``). Extra columns are ignored.

    ``events``: ``park_id, item, count`` (repeated rows add up), e.g. ("larger_accident", 2).

    * total = part1 + part2 − deductions; deductions = Σ per item of min(points × count, max).
    * A veto (any vetoing item with count > 0, subject to its condition) sets ``veto``, lists the
      items and ranks the park **below every non-vetoed park** of the same ranking (overall and in
      its peer group); vetoed parks are ordered among themselves by total. Scores are kept, so
      the published table still shows them, but the park is never commendable (取消评优).
    """
    base = frame.lazy().collect()
    if events is not None:
        _require(events.lazy(), (PARK_ID, ITEM, COUNT), "events frame")
    _require(base.lazy(), (PARK_ID, *scheme.input_columns), "park frame")
    if base[PARK_ID].is_duplicated().any():
        raise ValueError("park frame has duplicate park_id rows")

    parks = base.lazy().with_columns(
        pl.col(PARK_ID).cast(pl.Int64), _peer_group(scheme.peer_groups).alias(PEER_GROUP)
    )
    components = (
        efficacy_scores(
            _park_components(parks, scheme),
            by=(INDICATOR, HALF, PEER_GROUP),
            method=scheme.method,
            winsorise=scheme.winsorise,
            missing=scheme.missing,
        )
        .sort(PARK_ID, _ORDER)
        .collect()
        .lazy()
    )
    parts = components.group_by(PARK_ID).agg(
        pl.col(SCORE).filter(pl.col(PART) == "I").sum().alias(PART1),
        pl.col(SCORE).filter(pl.col(PART) == "II").sum().alias(PART2),
    )

    event_frame = _empty_events() if events is None else events.lazy()
    event_frame = event_frame.group_by(
        pl.col(PARK_ID).cast(pl.Int64), pl.col(ITEM).cast(pl.Utf8)
    ).agg(pl.col(COUNT).cast(pl.Float64).fill_null(0).sum())
    condition_columns = [c for r in (*scheme.deductions, *scheme.vetoes) for c in r.columns]
    applied, ignored = _applied_rules(
        event_frame, parks.select(PARK_ID, *dict.fromkeys(condition_columns)), scheme
    )
    applied = applied.sort(PARK_ID, ITEM, EFFECT).collect().lazy()
    per_park = applied.group_by(PARK_ID).agg(
        pl.col(POINTS).sum().alias(DEDUCTIONS),
        (pl.col(EFFECT) == "veto").any().alias(VETO),
        pl.col(ITEM).filter(pl.col(EFFECT) == "veto").unique().sort().alias(VETO_ITEMS),
    )

    result = (
        parks.select(PARK_ID, PEER_GROUP)
        .join(parts, on=PARK_ID, how="left")
        .join(per_park, on=PARK_ID, how="left")
        .with_columns(
            pl.col(DEDUCTIONS).fill_null(0.0),
            pl.col(VETO).fill_null(False),
            pl.col(VETO_ITEMS).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
            pl.len().over(PEER_GROUP).cast(pl.Int64).alias(PEER_GROUP_SIZE),
        )
        .with_columns(
            (pl.col(PART1) + pl.col(PART2) - pl.col(DEDUCTIONS)).alias(TOTAL),
            (~pl.col(VETO)).alias(COMMENDABLE),
        )
    )
    # Vetoed parks sort after every non-vetoed park: rank on (veto, −total) ascending.
    order_key = pl.struct(pl.col(VETO), -pl.col(TOTAL).round(_RANK_DECIMALS))
    result = result.with_columns(
        order_key.rank("min").cast(pl.Int64).alias(RANK),
        order_key.rank("min").over(PEER_GROUP).cast(pl.Int64).alias(RANK_IN_GROUP),
    ).select(
        PARK_ID,
        PEER_GROUP,
        PEER_GROUP_SIZE,
        PART1,
        PART2,
        DEDUCTIONS,
        VETO,
        VETO_ITEMS,
        COMMENDABLE,
        TOTAL,
        RANK,
        RANK_IN_GROUP,
    )
    return ParkResult(
        parks=result.sort(RANK, PARK_ID).collect(),
        components=components.select(
            PARK_ID,
            PEER_GROUP,
            PART,
            DIMENSION,
            INDICATOR,
            LABEL,
            HALF,
            UNIT,
            VALUE,
            VALUE_USED,
            MIN,
            MAX,
            WEIGHT,
            SCORE,
            FLAG,
        ).collect(),
        deductions=applied.collect(),
        ignored_events=ignored.sort(PARK_ID, ITEM).collect(),
    )


# ---------------------------------------------------------------------------------------------
# County (县市区) 亩均 league table
# ---------------------------------------------------------------------------------------------
class CountyIndicator(_Frozen):
    """Σ numerator ÷ Σ denominator over a county's enterprises, × ``scale``.

    Exactly one of ``denominator`` (a column) and ``per_mu`` (the scheme's land denominator).
    """

    key: str = Field(min_length=1)
    label: str
    unit: str = ""
    numerator: str
    denominator: str | None = None
    per_mu: bool = False
    scale: float = Field(default=1.0, gt=0)
    weight: float = Field(gt=0)
    direction: Literal["+", "-"] = "+"

    @model_validator(mode="after")
    def _one_denominator(self) -> CountyIndicator:
        if (self.denominator is None) == (not self.per_mu):
            raise ValueError(f"indicator {self.key}: give either denominator or per_mu, not both")
        return self


class CountyScheme(_Frozen):
    """County (or park) 亩均 league table over aggregated enterprise rows (domain spec §1.9)."""

    code: str = Field(min_length=1)
    name: str
    kind: Literal["county_mu"] = "county_mu"
    version: str = "1"
    by: str = "county"
    land_denominator: str = Field(default="land_mu", min_length=1)
    land_label: str = "评价企业用地面积"
    row_filter: str | None = None
    total: float = Field(default=100.0, gt=0)
    method: MethodE = MethodE()
    winsorise: Winsorise | None = None
    missing: MissingRule = "base"
    indicators: tuple[CountyIndicator, ...] = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> CountyScheme:
        _unique("indicator", [i.key for i in self.indicators])
        _check_winsorise(self.winsorise)
        weights = sum(i.weight for i in self.indicators)
        if not math.isclose(weights, self.total, abs_tol=_TOLERANCE):
            raise ValueError(f"weights sum to {weights:g}, declared total {self.total:g}")
        return self

    def denominator_of(self, indicator: CountyIndicator) -> str:
        return self.land_denominator if indicator.per_mu else str(indicator.denominator)

    @property
    def input_columns(self) -> tuple[str, ...]:
        columns = [self.by, self.land_denominator]
        if self.row_filter:
            columns.append(self.row_filter)
        for indicator in self.indicators:
            columns += [indicator.numerator, self.denominator_of(indicator)]
        return tuple(dict.fromkeys(columns))


def load_county_preset(code: str) -> CountyScheme:
    """A bundled county scheme by code (``COUNTY_PRESETS``), e.g. ``load_county_preset("county_mu")``."""
    if code not in COUNTY_PRESETS:
        raise ValueError(f"unknown county preset {code!r}; known: {', '.join(COUNTY_PRESETS)}")
    return CountyScheme.model_validate_json((PRESET_DIR / f"{code}.json").read_text("utf-8"))


@dataclass(frozen=True)
class CountyResult:
    """Output of ``evaluate_counties`` (``<by>`` is the scheme's unit column, "county" by default).

    * ``counties``: ``<by>, enterprises, land_mu (Σ of the land denominator), total, rank``.
    * ``components``: ``<by>, indicator, label, unit, numerator, denominator (column names),
      numerator_sum, denominator_sum, enterprises (rows used), value, value_used, min, max,
      weight, score, flag``; Σ score per unit == total.
    """

    counties: pl.DataFrame
    components: pl.DataFrame


def evaluate_counties(frame: pl.DataFrame | pl.LazyFrame, scheme: CountyScheme) -> CountyResult:
    """县市区亩均效益 league table: aggregate enterprises per county, score by Method E, rank.

    ``frame``: one row per enterprise (the enterprise 亩均 input frame, docs/evaluation.md §1):
    ``scheme.by`` (e.g. ``county``), the land denominator (e.g. ``land_mu``), the numerator and
    denominator columns of each indicator and ``scheme.row_filter`` (Boolean) if set.

    Each indicator is **Σ numerator ÷ Σ denominator** over the enterprises that have both values
    with a denominator > 0 (an enterprise with tax but no land adds to neither side) — a county
    ratio, not the mean of enterprise ratios. A county with no usable row for an indicator gets
    the missing rule. All counties form one Method E pool.
    """
    lf = frame.lazy()
    schema = _require(lf, scheme.input_columns, "enterprise frame")
    if ENTERPRISE_ID in schema:  # sums then add up in the same order whatever the input order
        lf = lf.sort(ENTERPRISE_ID)
    by = scheme.by
    if scheme.row_filter:
        lf = lf.filter(pl.col(scheme.row_filter).fill_null(False))
    lf = lf.collect().lazy()
    land = pl.col(scheme.land_denominator).cast(pl.Float64)
    units = lf.group_by(by).agg(
        pl.len().cast(pl.Int64).alias(N_ENTERPRISES),
        land.filter(land > 0).sum().alias(LAND_MU),
    )
    rows: list[pl.LazyFrame] = []
    for order, indicator in enumerate(scheme.indicators):
        denominator_column = scheme.denominator_of(indicator)
        numerator = pl.col(indicator.numerator).cast(pl.Float64).fill_nan(None)
        denominator = pl.col(denominator_column).cast(pl.Float64).fill_nan(None)
        usable = numerator.is_not_null() & denominator.is_not_null() & (denominator > 0)
        sums = (
            lf.filter(usable)
            .group_by(by)
            .agg(
                numerator.sum().alias(NUMERATOR_SUM),
                denominator.sum().alias(DENOMINATOR_SUM),
                pl.len().cast(pl.Int64).alias(N_ENTERPRISES),
            )
        )
        rows.append(
            units.select(by)
            .join(sums, on=by, how="left", nulls_equal=True)
            .with_columns(
                pl.lit(indicator.key).alias(INDICATOR),
                pl.lit(indicator.label).alias(LABEL),
                pl.lit(indicator.unit).alias(UNIT),
                pl.lit(indicator.numerator).alias(NUMERATOR),
                pl.lit(denominator_column).alias(DENOMINATOR),
                pl.col(N_ENTERPRISES).fill_null(0),
                (pl.col(NUMERATOR_SUM) / pl.col(DENOMINATOR_SUM) * indicator.scale).alias(VALUE),
                pl.lit(indicator.weight, dtype=pl.Float64).alias(WEIGHT),
                pl.lit(indicator.direction).alias(DIRECTION),
                pl.lit(order).alias(_ORDER),
            )
        )
    components = (
        efficacy_scores(
            pl.concat(rows, how="vertical"),
            by=(INDICATOR,),
            method=scheme.method,
            winsorise=scheme.winsorise,
            missing=scheme.missing,
        )
        .sort(by, _ORDER, nulls_last=True)
        .collect()
        .lazy()
    )
    totals = components.group_by(by).agg(pl.col(SCORE).sum().alias(TOTAL))
    counties = (
        units.join(totals, on=by, how="left", nulls_equal=True)
        .with_columns(rank_desc(TOTAL).alias(RANK))
        .select(by, N_ENTERPRISES, LAND_MU, TOTAL, RANK)
        .sort(RANK, by, nulls_last=True)
    )
    return CountyResult(
        counties=counties.collect(),
        components=components.select(
            by,
            INDICATOR,
            LABEL,
            UNIT,
            NUMERATOR,
            DENOMINATOR,
            NUMERATOR_SUM,
            DENOMINATOR_SUM,
            N_ENTERPRISES,
            VALUE,
            VALUE_USED,
            MIN,
            MAX,
            WEIGHT,
            SCORE,
            FLAG,
        ).collect(),
    )


# ---------------------------------------------------------------------------------------------
# Grade distribution per county or park
# ---------------------------------------------------------------------------------------------
class HasEnterprises(Protocol):
    """Anything with an ``enterprises`` frame, e.g. ``engine.evaluation.mu.MuResult``."""

    @property
    def enterprises(self) -> pl.DataFrame: ...


GRADES = ("A", "B", "C", "D")
STATUS = "status"
GRADE = "grade"


def grade_distribution(
    enterprise_results: pl.DataFrame | pl.LazyFrame | HasEnterprises,
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    by: Literal["county", "park"] = "county",
    land: str = LAND_MU,
) -> pl.DataFrame:
    """A/B/C/D distribution and 低效用地面积 (land held by D-class) per county or park.

    ``enterprise_results``: ``enterprise_id, status, grade`` (the ``enterprises`` frame of the
    enterprise 亩均 result, or the result itself). ``frame``: ``enterprise_id``, ``by`` and
    ``land`` (亩). Enterprises without a unit (no park) form a null row, sorted last.

    Output, one row per unit: ``<by>, n_total, n_graded, n_a … n_d, share_a … share_d`` (of
    graded; null when none graded), ``n_exempt, n_deferred, n_excluded, land_graded_mu,
    land_d_mu, land_d_share`` (D land ÷ graded land).
    """
    results = (
        enterprise_results.enterprises
        if not isinstance(enterprise_results, pl.DataFrame | pl.LazyFrame)
        else enterprise_results
    ).lazy()
    _require(results, (ENTERPRISE_ID, STATUS, GRADE), "enterprise results")
    units = frame.lazy()
    _require(units, (ENTERPRISE_ID, by, land), "enterprise frame")
    joined = results.select(ENTERPRISE_ID, STATUS, GRADE).join(
        units.select(ENTERPRISE_ID, by, pl.col(land).cast(pl.Float64).alias("__land")),
        on=ENTERPRISE_ID,
        how="left",
    )
    graded = pl.col(STATUS) == "graded"
    land_mu = pl.col("__land").fill_null(0.0)
    counts = [
        pl.len().cast(pl.Int64).alias("n_total"),
        graded.sum().cast(pl.Int64).alias("n_graded"),
        *[
            (graded & (pl.col(GRADE) == g)).sum().cast(pl.Int64).alias(f"n_{g.lower()}")
            for g in GRADES
        ],
        *[
            (pl.col(STATUS) == s).sum().cast(pl.Int64).alias(f"n_{s}")
            for s in ("exempt", "deferred", "excluded")
        ],
        land_mu.filter(graded).sum().alias("land_graded_mu"),
        land_mu.filter(graded & (pl.col(GRADE) == "D")).sum().alias("land_d_mu"),
    ]
    n_graded = pl.col("n_graded")
    return (
        joined.group_by(by)
        .agg(counts)
        .with_columns(
            *[
                pl.when(n_graded > 0)
                .then(pl.col(f"n_{g.lower()}") / n_graded)
                .alias(f"share_{g.lower()}")
                for g in GRADES
            ],
            pl.when(pl.col("land_graded_mu") > 0)
            .then(pl.col("land_d_mu") / pl.col("land_graded_mu"))
            .alias("land_d_share"),
        )
        .select(
            by,
            "n_total",
            "n_graded",
            *[f"n_{g.lower()}" for g in GRADES],
            *[f"share_{g.lower()}" for g in GRADES],
            "n_exempt",
            "n_deferred",
            "n_excluded",
            "land_graded_mu",
            "land_d_mu",
            "land_d_share",
        )
        .sort(by, nulls_last=True)
        .collect()
    )


# ---------------------------------------------------------------------------------------------
# Park 亩均 with an explicit denominator
# ---------------------------------------------------------------------------------------------
LandBasis = Literal[
    "planned_mu",
    "developed_mu",
    "built_industrial_mu",
    "supplied_industrial_mu",
    "evaluated_land_mu",
]
LAND_BASES: tuple[LandBasis, ...] = (
    "planned_mu",
    "developed_mu",
    "built_industrial_mu",
    "supplied_industrial_mu",
    "evaluated_land_mu",
)


def km2_to_mu(column: str) -> pl.Expr:
    """km² → 亩 (× 1500): the Park model stores planned/developed area in km²."""
    return pl.col(column).cast(pl.Float64) * KM2_TO_MU


def park_per_mu(
    frame: pl.DataFrame | pl.LazyFrame,
    numerator: str,
    denominator: LandBasis,
    *,
    key: str = PARK_ID,
) -> pl.DataFrame:
    """园区亩均 (e.g. 亩均税收 = park_tax ÷ 亩) with the land denominator chosen explicitly.

    The same park can differ 2–3× by denominator (domain spec §1.9), so there is no default:
    ``planned_mu`` 规划面积, ``developed_mu`` 已开发/建成区面积, ``built_industrial_mu`` 已建成工业用地,
    ``supplied_industrial_mu`` 已供工业用地, ``evaluated_land_mu`` Σ 用地 of evaluated enterprises.
    All in 亩: convert km² with ``km2_to_mu`` (× 1500) before calling.

    ``frame``: ``key`` (default ``park_id``), ``numerator`` (e.g. 万元) and the ``denominator`` column.
    Output: ``key, numerator, denominator`` (the column names, so a table can say which basis it
    used), ``numerator_value, land_mu, value``; ``value`` is null when the land is null or ≤ 0.
    """
    if denominator not in LAND_BASES:
        raise ValueError(f"denominator must be one of {', '.join(LAND_BASES)}, got {denominator!r}")
    lf = frame.lazy()
    _require(lf, (key, numerator, denominator), "park frame")
    land = pl.col(denominator).cast(pl.Float64)
    return (
        lf.select(
            pl.col(key),
            pl.lit(numerator).alias(NUMERATOR),
            pl.lit(denominator).alias(DENOMINATOR),
            pl.col(numerator).cast(pl.Float64).alias("numerator_value"),
            land.alias(LAND_MU),
        )
        .with_columns(
            pl.when(pl.col(LAND_MU) > 0)
            .then(pl.col("numerator_value") / pl.col(LAND_MU))
            .alias(VALUE)
        )
        .collect()
    )
