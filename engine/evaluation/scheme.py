"""亩均效益综合评价 schemes (亩均论英雄) as data: pydantic models, presets and a version hash.

A scheme says who is evaluated (``Scope``), in which groups and pools (``GroupDef``: 规上 / 规下,
partitioned e.g. by county), on which indicators with which weights and scoring method
(``IndicatorDef``), which bonus and penalty items apply (``Adjustment``), how ranks become
classes A/B/C/D (``Cuts``, ``force_d_flags``, ``abs_floor_d``, ``a_min``) and which
差别化政策 levers follow each class (``levers``). Rules: ``shared/spec/domain.md`` §1.

Every locality publishes its own 办法 and revises it yearly, so nothing here is hard-coded:
the presets in ``presets/*.json`` are starting points (``load_preset``), and a stored scheme is
identified by ``scheme_hash``. Schemes are validated here, at the boundary; the engine trusts them.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Method = Literal["R", "R2", "M", "E"]
"""R: w·x/B (浙江); R2: the same against a raised benchmark (淮安, B ≈ 2 × average);
M: w·(20 + 80·norm)/100 (旌德); E: w·(0.6 + 0.4·norm) (功效系数法)."""
BenchmarkKind = Literal["aggregate", "mean", "fixed"]
MissingRule = Literal["group_average", "zero", "renormalise"]
SmallLand = Literal["floor", "separate_group"]
Grade = Literal["A", "B", "C", "D"]
Lever = Literal["land", "power", "energy_quota", "emission_rights", "subsidies"]
LeverPolicy = Literal["priority", "normal", "restricted", "excluded"]

GRADES: tuple[Grade, ...] = ("A", "B", "C", "D")

INDUSTRY_06_46: tuple[str, ...] = tuple(f"{code:02d}" for code in range(6, 47))
"""GB/T 4754-2017 divisions 06–46: 采矿业, 制造业, 电力热力燃气及水生产和供应业."""

PRESETS: tuple[str, ...] = ("zj6", "huaian", "city5", "xiangxi")
"""Codes of the enterprise 亩均 presets in ``presets/``; ``xiangxi`` is our prefecture's default."""

_PRESET_DIR = Path(__file__).resolve().parent / "presets"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_INDUSTRY_PREFIX = re.compile(r"^\d{1,4}$")
_WEIGHT_TOLERANCE = 1e-6


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_key(value: str, what: str) -> str:
    if not _KEY.match(value):
        raise ValueError(f"{what} {value!r} must be lower-case letters, digits and _")
    return value


class Scope(_Frozen):
    """评价对象: which enterprises are graded, exempt (免评), deferred (暂缓评价) or excluded.

    * ``industry_prefixes``: GB/T 4754 code prefixes in scope (digits; a leading 门类 letter of
      the enterprise's code, "C3011", is ignored). Empty = every industry. Outside → ``excluded``.
    * ``min_land_mu_below_scale``: 规下 enterprises need at least this much land (亩), else
      ``excluded``. Null = no threshold.
    * ``grace_years``: enterprises operating fewer years than this are ``deferred``.
    * ``exempt_industries`` (code prefixes, e.g. 44/45/46 公用事业) and ``exempt_flags``
      (e.g. "tobacco", "military", "tax_programme") → ``exempt`` (不定等级, "managed as B").
    """

    industry_prefixes: tuple[str, ...] = INDUSTRY_06_46
    min_land_mu_below_scale: float | None = Field(default=3.0, ge=0)
    grace_years: float | None = Field(default=2.0, ge=0)
    exempt_industries: tuple[str, ...] = ()
    exempt_flags: tuple[str, ...] = ()

    @field_validator("industry_prefixes", "exempt_industries")
    @classmethod
    def _digits(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in value:
            if not _INDUSTRY_PREFIX.match(prefix):
                raise ValueError(
                    f"industry prefix {prefix!r} must be 1–4 digits of a GB/T 4754 code, e.g. '13'"
                )
        return value


class Cuts(_Frozen):
    """Rank-percentile cut-offs: p = rank / n; A if p ≤ A, B if p ≤ B, C if p ≤ C, else D.

    淮安 0.20/0.60/0.95; gu456 0.25/0.70/0.95. C = 1.0 means no D by rank (only by rules).
    """

    A: float
    B: float
    C: float

    @model_validator(mode="after")
    def _increasing(self) -> Cuts:
        if not 0 < self.A < self.B < self.C <= 1:
            raise ValueError(
                f"cuts must increase within (0, 1]: 0 < A < B < C ≤ 1, got "
                f"A={self.A}, B={self.B}, C={self.C}"
            )
        return self


class IndicatorDef(_Frozen):
    """One scored indicator: value x = scale · numerator / denominator, scored against a benchmark.

    ``numerator`` and ``denominator`` are input column names (registry codes, e.g. "tax_annual");
    the denominator ``"land_mu"`` is the land after the land floor; no denominator means x =
    scale · numerator. A null numerator, or a null or non-positive denominator, is *missing*
    (handled by ``missing``); a non-positive x scores 0.

    Benchmark B per pool: ``aggregate`` Σnumerator/Σdenominator (× scale) over the pool's graded
    enterprises with a value; ``mean`` the mean value; ``fixed`` ``benchmark_fixed``; then
    × ``benchmark_multiplier`` (R2 defaults to 2.0, the others to 1.0).

    ``cap_mult``: a score never exceeds cap_mult · weight (null: no cap). ``winsorise``: clip x to
    these quantiles of the pool's positive values before scoring (default P1/P99 for M and E,
    none for R/R2); M and E normalise over the clipped range.
    """

    key: str
    label: str
    unit: str = ""
    numerator: str
    denominator: str | None = None
    scale: float = Field(default=1.0, gt=0)
    weight: float = Field(ge=0)
    method: Method = "R"
    benchmark: BenchmarkKind = "aggregate"
    benchmark_fixed: float | None = None
    benchmark_multiplier: float = Field(default=1.0, gt=0)
    cap_mult: float | None = Field(default=2.0, gt=0)
    winsorise: tuple[float, float] | None = None
    missing: MissingRule = "group_average"

    @model_validator(mode="before")
    @classmethod
    def _method_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            method = data.get("method", "R")
            data = dict(data)
            data.setdefault("benchmark_multiplier", 2.0 if method == "R2" else 1.0)
            data.setdefault("winsorise", (0.01, 0.99) if method in ("M", "E") else None)
        return data

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        return _check_key(value, "indicator key")

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorDef:
        if self.benchmark == "fixed" and (
            self.benchmark_fixed is None or self.benchmark_fixed <= 0
        ):
            raise ValueError(
                f"indicator {self.key!r}: benchmark 'fixed' needs a positive benchmark_fixed"
            )
        if self.benchmark != "fixed" and self.benchmark_fixed is not None:
            raise ValueError(
                f"indicator {self.key!r}: benchmark_fixed is only used with benchmark 'fixed'"
            )
        if self.winsorise is not None:
            low, high = self.winsorise
            if not 0 <= low < high <= 1:
                raise ValueError(
                    f"indicator {self.key!r}: winsorise quantiles must satisfy 0 ≤ low < high ≤ 1, "
                    f"got {self.winsorise}"
                )
        return self


class GroupDef(_Frozen):
    """An evaluation group (规上, 规下 …): who belongs, how it is pooled, scored and cut.

    An in-scope enterprise belongs to the first group whose conditions all hold: ``above_scale``
    (null = either), land ≥ ``min_land_mu`` and land < ``max_land_mu`` (null = unbounded).
    Ranking pools are the group split by ``partition_by`` columns (e.g. ["county"]; [] = the
    whole region). Benchmarks, group averages and ranks are computed per pool.
    """

    key: str
    label: str
    above_scale: bool | None = None
    min_land_mu: float | None = Field(default=None, ge=0)
    max_land_mu: float | None = Field(default=None, gt=0)
    partition_by: tuple[str, ...] = ()
    indicators: tuple[IndicatorDef, ...] = Field(min_length=1)
    cuts: Cuts

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        return _check_key(value, "group key")

    @model_validator(mode="after")
    def _unique_indicators(self) -> GroupDef:
        keys = [indicator.key for indicator in self.indicators]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"group {self.key!r}: indicator keys repeat: {', '.join(duplicates)}")
        if (
            self.min_land_mu is not None
            and self.max_land_mu is not None
            and self.min_land_mu >= self.max_land_mu
        ):
            raise ValueError(f"group {self.key!r}: min_land_mu must be below max_land_mu")
        return self

    @property
    def weight_total(self) -> float:
        return sum(indicator.weight for indicator in self.indicators)


class Adjustment(_Frozen):
    """A bonus (加分) or penalty (减分) item triggered by an enterprise flag.

    Not ``per_item``: ``points`` once when the flag is present. ``per_item``: per occurrence of
    the flag (the flag repeats in the list), the first occurrence worth ``first_points`` when
    given (温岭 sub-letting: 规上 0 then 5 per further tenant; 规下 10 then 5). ``max_points``
    caps the item; ``groups`` limits it to those group keys (empty = all groups).
    """

    flag: str
    points: float = Field(ge=0)
    per_item: bool = False
    first_points: float | None = Field(default=None, ge=0)
    max_points: float | None = Field(default=None, ge=0)
    label: str = ""
    groups: tuple[str, ...] = ()


class AbsFloor(_Frozen):
    """Absolute floor: an indicator value below ``value`` means class D (温州: 亩均税收 < 1 万元/亩)."""

    indicator: str
    value: float


class AMin(_Frozen):
    """A-class eligibility: the indicator must reach ``value`` and/or the pool benchmark, else B."""

    indicator: str
    value: float | None = None
    use_benchmark: bool = False

    @model_validator(mode="after")
    def _something(self) -> AMin:
        if self.value is None and not self.use_benchmark:
            raise ValueError("a_min needs a value, use_benchmark, or both")
        return self


class MuScheme(_Frozen):
    """An enterprise 亩均效益综合评价 scheme (one version). See the module docstring.

    ``land_floor_mu`` with ``small_land``: "floor" treats land below it as the floor in per-mu
    denominators; "separate_group" keeps the real land and ranks those enterprises in a pool of
    their own within their group (慈溪). ``tie_decimals``: totals equal at this many decimals
    share a rank (float noise never splits a tie). Weights of each group must sum to 100 unless
    ``require_weights_100`` is false.
    """

    code: str
    name: str
    kind: Literal["enterprise_mu"] = "enterprise_mu"
    description: str = ""
    scope: Scope = Scope()
    land_floor_mu: float | None = Field(default=1.0, gt=0)
    small_land: SmallLand = "floor"
    groups: tuple[GroupDef, ...] = Field(min_length=1)
    bonus: tuple[Adjustment, ...] = ()
    penalty: tuple[Adjustment, ...] = ()
    force_d_flags: tuple[str, ...] = ()
    abs_floor_d: AbsFloor | None = None
    a_min: AMin | None = None
    levers: dict[Grade, dict[Lever, LeverPolicy]] = Field(default_factory=dict)
    require_weights_100: bool = True
    tie_decimals: int = Field(default=9, ge=0, le=12)

    @model_validator(mode="after")
    def _consistent(self) -> MuScheme:
        for name, values in (
            ("force_d_flags", self.force_d_flags),
            ("scope.exempt_flags", self.scope.exempt_flags),
            ("scope.exempt_industries", self.scope.exempt_industries),
        ):
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"{name} repeat: {', '.join(repeated)}")
        keys = [group.key for group in self.groups]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"group keys repeat: {', '.join(duplicates)}")
        if self.require_weights_100:
            for group in self.groups:
                if abs(group.weight_total - 100) > _WEIGHT_TOLERANCE:
                    raise ValueError(
                        f"group {group.key!r}: weights sum to {group.weight_total:g}, not 100 "
                        "(set require_weights_100 to false for another total)"
                    )
        indicator_keys = {i.key for group in self.groups for i in group.indicators}
        for name, rule in (("abs_floor_d", self.abs_floor_d), ("a_min", self.a_min)):
            if rule is not None and rule.indicator not in indicator_keys:
                raise ValueError(
                    f"{name} refers to indicator {rule.indicator!r}, which no group scores "
                    f"(known: {', '.join(sorted(indicator_keys))})"
                )
        for adjustment in (*self.bonus, *self.penalty):
            unknown = sorted(set(adjustment.groups) - set(keys))
            if unknown:
                raise ValueError(
                    f"adjustment {adjustment.flag!r} refers to unknown groups: {', '.join(unknown)}"
                )
        if self.small_land == "separate_group" and self.land_floor_mu is None:
            raise ValueError("small_land 'separate_group' needs land_floor_mu (the threshold)")
        return self

    def group(self, key: str) -> GroupDef:
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(key)

    def levers_for(self, grade: Grade) -> dict[Lever, LeverPolicy]:
        """差别化政策 flags for a class (empty when the scheme sets none)."""
        return dict(self.levers.get(grade, {}))


def scheme_hash(scheme: MuScheme) -> str:
    """sha256 of the scheme's canonical JSON (sorted keys): identifies a scheme version."""
    canonical = json.dumps(
        scheme.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_preset(code: str) -> MuScheme:
    """The preset ``code`` (one of ``PRESETS``), validated; raise ValueError for an unknown code."""
    if code not in PRESETS:
        raise ValueError(f"unknown 亩均 preset {code!r}; presets: {', '.join(PRESETS)}")
    text = (_PRESET_DIR / f"{code}.json").read_text(encoding="utf-8")
    return MuScheme.model_validate(json.loads(text))
