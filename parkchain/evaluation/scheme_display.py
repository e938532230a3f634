"""A scheme definition as people read it: formulas, methods, rules and levers in words.

Presentation only (the engine's pydantic objects in, plain rows out); the words follow the
办法 documents: 权重, 封顶, 基准值, 缺失处理, 分档比例, 底线, 加减分, 一票否决.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parkchain.enterprises.models import QualificationKind
from parkchain.evaluation.inputs import QUALIFICATION_FLAGS
from parkchain.evaluation.models import FlagKind

LAND = "land_mu"

METHODS: dict[str, str | Promise] = {
    "R": _("ratio to the benchmark"),
    "R2": _("ratio to a raised benchmark"),
    "M": _("min–max with a floor"),
    "E": _("efficacy coefficient"),
}
BENCHMARKS: dict[str, str | Promise] = {
    "aggregate": _("pool aggregate (Σ numerator ÷ Σ denominator)"),
    "mean": _("pool mean"),
    "fixed": _("fixed"),
}
MISSING: dict[str, str | Promise] = {
    "group_average": _("the group's average score"),
    "zero": _("0 points"),
    "renormalise": _("weight spread over the other indicators"),
    "base": _("the base score"),
}
SMALL_LAND: dict[str, str | Promise] = {
    "floor": _("counted as the floor"),
    "separate_group": _("ranked in a pool of their own"),
}
LEVERS: tuple[tuple[str, str | Promise], ...] = (
    ("land", _("Land")),
    ("power", _("Power")),
    ("energy_quota", _("Energy quota")),
    ("emission_rights", _("Emission rights")),
    ("subsidies", _("Subsidies")),
)
LEVER_EFFECTS: dict[str, tuple[str | Promise, str]] = {
    "priority": (_("priority"), "bg-green-lt"),
    "normal": (_("normal"), "bg-secondary-lt"),
    "restricted": (_("restricted"), "bg-orange-lt"),
    "excluded": (_("excluded"), "bg-red-lt"),
}


def flag_label(flag: str) -> str:
    """A scheme flag in words: an evaluation flag (事故, 转租…) or a qualification (hitech…)."""
    qualifications = {f: QualificationKind(k).label for k, f in QUALIFICATION_FLAGS.items()}
    labels: dict[str, Any] = {**dict(FlagKind.choices), **qualifications}
    return str(labels.get(flag, flag))


def column_label(code: str | None, names: dict[str, str]) -> str:
    if not code:
        return ""
    if code == LAND:
        return gettext("land (mu, after the floor)")
    return names.get(code, code)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@dataclass(frozen=True)
class IndicatorLine:
    key: str
    label: str
    unit: str
    formula: str
    weight: float
    method: str
    cap: str
    benchmark: str
    winsorise: str
    missing: str


def mu_indicator_lines(group: Any, names: dict[str, str]) -> list[IndicatorLine]:
    """The indicators of a ``GroupDef`` in words."""
    lines = []
    for ind in group.indicators:
        formula = column_label(ind.numerator, names)
        if ind.denominator:
            formula += " ÷ " + column_label(ind.denominator, names)
        if ind.scale != 1:
            formula += f" × {ind.scale:g}"
        benchmark = str(BENCHMARKS.get(ind.benchmark, ind.benchmark))
        if ind.benchmark == "fixed":
            benchmark += f" {_number(ind.benchmark_fixed)}"
        if ind.benchmark_multiplier != 1:
            benchmark += f" × {ind.benchmark_multiplier:g}"
        cap = (
            gettext("%(mult)s × weight = %(points)s points")
            % {"mult": f"{ind.cap_mult:g}", "points": f"{ind.cap_mult * ind.weight:g}"}
            if ind.cap_mult is not None
            else gettext("no cap")
        )
        winsorise = (
            gettext("P%(low)s–P%(high)s")
            % {"low": f"{ind.winsorise[0] * 100:g}", "high": f"{ind.winsorise[1] * 100:g}"}
            if ind.winsorise
            else ""
        )
        lines.append(
            IndicatorLine(
                key=ind.key,
                label=ind.label,
                unit=ind.unit,
                formula=formula,
                weight=ind.weight,
                method=f"{ind.method} · {METHODS.get(ind.method, '')}",
                cap=cap,
                benchmark=benchmark,
                winsorise=winsorise,
                missing=str(MISSING.get(ind.missing, ind.missing)),
            )
        )
    return lines


def cut_percentages(cuts: Any) -> list[tuple[str, str]]:
    """Cut-offs as the share of the pool each class takes: A top 20 %, B 20–60 %, …, D the rest."""
    a, b, c = cuts.A * 100, cuts.B * 100, cuts.C * 100
    rows = [
        ("A", gettext("top %(to)s%%") % {"to": f"{a:g}"}),
        ("B", gettext("%(from)s–%(to)s%%") % {"from": f"{a:g}", "to": f"{b:g}"}),
        ("C", gettext("%(from)s–%(to)s%%") % {"from": f"{b:g}", "to": f"{c:g}"}),
    ]
    rows.append(
        ("D", gettext("bottom %(share)s%%") % {"share": f"{100 - c:g}"})
        if c < 100
        else ("D", gettext("only by the rules below"))
    )
    return rows


def lever_table(levers: dict[str, dict[str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grade → [(effect label, badge class) per lever of LEVERS]."""
    rows = []
    for grade in ("A", "B", "C", "D"):
        effects = levers.get(grade) or {}
        cells = []
        for lever, _label in LEVERS:
            effect = effects.get(lever)
            label, badge = LEVER_EFFECTS.get(effect or "", ("—", ""))
            cells.append((str(label), badge))
        rows.append((grade, cells))
    return rows


def adjustment_points(item: Any) -> str:
    """How many points a bonus or penalty item gives, in words."""
    if item.per_item:
        text = gettext("%(points)s per case") % {"points": f"{item.points:g}"}
        if item.first_points is not None:
            text = gettext("first case %(first)s, then %(points)s each") % {
                "first": f"{item.first_points:g}",
                "points": f"{item.points:g}",
            }
    else:
        text = f"{item.points:g}"
    if item.max_points is not None:
        text += gettext(", at most %(max)s") % {"max": f"{item.max_points:g}"}
    return text


def deduction_points(item: Any) -> str:
    text = (
        gettext("%(points)s per case") % {"points": f"{item.points:g}"}
        if item.per_count
        else f"{item.points:g}"
    )
    if item.max_points is not None:
        text += gettext(", at most %(max)s") % {"max": f"{item.max_points:g}"}
    return text


@dataclass(frozen=True)
class ParkIndicatorLine:
    dimension: str
    label: str
    unit: str
    part: str
    measure: str
    halves: bool
    weight: float
    direction: str
    note: str


def park_indicator_lines(scheme: Any, names: dict[str, str]) -> list[ParkIndicatorLine]:
    lines = []
    for dimension, ind in scheme.indicator_items():
        measure = " + ".join(column_label(c, names) for c in (ind.column, *ind.plus_columns))
        lines.append(
            ParkIndicatorLine(
                dimension=dimension.label,
                label=ind.label,
                unit=ind.unit,
                part=ind.part,
                measure=measure,
                halves=ind.halves,
                weight=ind.weight,
                direction=ind.direction,
                note=ind.note,
            )
        )
    return lines


def county_formula(scheme: Any, ind: Any, names: dict[str, str]) -> str:
    denominator = scheme.land_label if ind.per_mu else column_label(ind.denominator, names)
    text = f"Σ {column_label(ind.numerator, names)} ÷ Σ {denominator}"
    return text + (f" × {ind.scale:g}" if ind.scale != 1 else "")
