"""Red/yellow/green (红黄绿灯) rules of targets, as data (domain spec §4.12).

No single official standard exists, so every target stores its rule; these are the proposal
defaults of the spec, one per kind of target:

=========  ====================================  ===========================  ===========================
form       green                                 yellow                       red
=========  ====================================  ===========================  ===========================
amount     完成率 ≥ 时序进度                       within ``yellow_pp`` (10 pp)  more than 10 pp behind
count      as amount, the actual credited with   as amount                    as amount
           ``tolerance`` units (−1 for small
           targets: 3 新增规上 a year, 1 by June)
growth     增速 ≥ 目标                              ≥ 目标 − ``yellow_pp`` (2 pp) more than 2 pp below, or
                                                 or ≥ ``benchmark`` (州均)     negative growth
rank       排位 within the target                 ≤ ``places`` (3) below       > 3 places below, or in
                                                                              the last ``bottom`` (3)
ratio      进度比 = 完成率 / 时序进度 ≥ 100 %        ≥ ``ratio_yellow`` (90 %)     below 90 %
=========  ====================================  ===========================  ===========================

Boundaries belong to the better colour: exactly 10 pp behind is yellow, exactly 2 pp below the
growth target is yellow.
Rules are validated here, at the boundary; the engine trusts the frame columns they fill.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.targets.columns import (
    BAND,
    BENCHMARK,
    BOTTOM,
    NEGATIVE_RED,
    RANK_BY,
    RULE,
    TOLERANCE,
)

Kind = Literal["absolute", "growth", "count", "rank"]
Form = Literal["amount", "count", "growth", "rank", "ratio"]

KINDS: tuple[Kind, ...] = ("absolute", "growth", "count", "rank")
FORMS_OF_KIND: dict[str, tuple[Form, ...]] = {
    "absolute": ("amount", "ratio"),
    "count": ("count", "ratio", "amount"),
    "growth": ("growth",),
    "rank": ("rank",),
}
DEFAULT_FORM: dict[str, Form] = {
    "absolute": "amount",
    "count": "count",
    "growth": "growth",
    "rank": "rank",
}


class RagRule(BaseModel):
    """One target's rule. ``form`` must suit the target's kind (``FORMS_OF_KIND``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    form: Form
    yellow_pp: float = Field(default=10.0, ge=0, description="amount/count: 10 pp; growth: 2 pp")
    tolerance: float = Field(default=1.0, ge=0, description="count: units forgiven")
    places: int = Field(default=3, ge=0, description="rank: places below the target still yellow")
    bottom: int = Field(default=3, ge=0, description="rank: the last N places are red")
    ratio_yellow: float = Field(default=0.9, gt=0, le=1, description="ratio form: yellow from")
    benchmark: float | None = Field(default=None, description="growth: 州/省 average in %")
    negative_growth_red: bool = True
    rank_by: Literal["value", "growth"] = "value"

    @property
    def band(self) -> float:
        """The yellow band in the rule's own measure (pp, places or a ratio)."""
        if self.form == "rank":
            return float(self.places)
        if self.form == "ratio":
            return self.ratio_yellow
        return self.yellow_pp


def rag_rule(kind: str, data: dict[str, Any] | None = None) -> RagRule:
    """The rule of a target of ``kind``: the defaults of its kind overridden by ``data`` (stored JSON).

    Raises ValueError (pydantic's ValidationError is one) for unknown keys, bad values or a form
    that does not suit the kind (a growth target cannot use the ratio form).
    """
    if kind not in DEFAULT_FORM:
        raise ValueError(f"unknown target kind {kind!r}; use one of {', '.join(KINDS)}")
    values: dict[str, Any] = {"form": DEFAULT_FORM[kind]}
    if kind == "growth":
        values["yellow_pp"] = 2.0
    values.update(data or {})
    rule = RagRule.model_validate(values)
    if rule.form not in FORMS_OF_KIND[kind]:
        allowed = ", ".join(FORMS_OF_KIND[kind])
        raise ValueError(f"a {kind} target cannot use the {rule.form} rule; use {allowed}")
    return rule


def rule_columns(rule: RagRule) -> dict[str, Any]:
    """The frame columns (engine.targets.columns) that carry ``rule`` into ``target_progress``."""
    return {
        RULE: rule.form,
        BAND: rule.band,
        TOLERANCE: rule.tolerance,
        BOTTOM: rule.bottom,
        BENCHMARK: rule.benchmark,
        NEGATIVE_RED: rule.negative_growth_red,
        RANK_BY: rule.rank_by,
    }
