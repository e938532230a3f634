"""Validation rules over reported values (DHIS2-style rules configured as data), pure Polars.

A *wide* frame holds one row per unit × period, one column per indicator code::

    unit_id  year  month  row   tax     revenue   output_value …
    Int64    Int64 Int64  Int64 Float64 Float64   Float64

``row`` is the source row number (spreadsheet row) or null for web-form entry. Values are in the
indicator's registry unit; a null value is "not reported" and is never checked by a rule.

Rule kinds (``parkchain.indicators.models.RuleKind``):

* ``compare``: ``left <op> right``, both sides expressions over indicator codes with ``+ - * /``,
  brackets and numbers (``tax <= revenue``, ``profit <= revenue * 0.9``). Parsed by a small
  recursive-descent parser into Polars expressions; nothing is ever ``eval``-ed. A rule whose codes
  are not all columns of the frame does not apply to that frame (DHIS2: the form lacks them).
* ``ytd_monotonic``: a 本年累计 value may not fall below the previous month's 本年累计 of the same
  unit and year (January has no previous month).
* ``jump``: a value over ``threshold`` × the previous month's value (previous > 0) needs
  confirmation (e.g. 5×: a 万元/元 mix-up).

The previous month's values come from the frame itself (an import of several months) and else
from ``previous``: the stored values of the units, same wide shape. Rows of the frame win.

Non-negative indicators (``Indicator.non_negative``) give a ``non_negative`` error below zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict

from engine.columns import (
    COMPARED_TO,
    INDICATOR,
    MESSAGE,
    MONTH,
    ROW,
    RULE,
    SEVERITY,
    UNIT_ID,
    VALUE,
    YEAR,
)

ERROR: Literal["error"] = "error"
CONFIRM: Literal["confirm"] = "confirm"
NON_NEGATIVE_RULE = "non_negative"

Operator = Literal["<=", "<", ">=", ">", "=="]
RuleKindName = Literal["compare", "ytd_monotonic", "jump"]

ISSUE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    ROW: pl.Int64,
    UNIT_ID: pl.Int64,
    YEAR: pl.Int64,
    MONTH: pl.Int64,
    INDICATOR: pl.String,
    RULE: pl.String,
    SEVERITY: pl.String,
    MESSAGE: pl.String,
    VALUE: pl.Float64,
    COMPARED_TO: pl.Float64,
}
"""The issues frame: one row per (source row, unit, period, indicator, rule) that fails.

``indicator`` is the cell to point at (the first code of a comparison's left side); ``value`` is
that side's value and ``compared_to`` the other side (or the previous month's value)."""

_KEYS = (UNIT_ID, YEAR, MONTH)
_PREV = "__previous"
_EPSILON = 1e-9


class Rule(BaseModel):
    """One validation rule, already validated at the boundary (``parkchain.indicators.validation``).

    ``message`` is shown to the user as is (the caller translates it); ``threshold`` only for JUMP.
    """

    model_config = ConfigDict(frozen=True)

    code: str
    kind: RuleKindName
    left: str
    operator: Operator | None = None
    right: str = ""
    threshold: float | None = None
    severity: Literal["error", "confirm"] = ERROR
    message: str = ""


# -------------------------------------------------------------------------------------------------
# Expressions: + - * / ( ) numbers and indicator codes. Grammar:
#   expr := term (("+" | "-") term)*      term := factor (("*" | "/") factor)*
#   factor := "-" factor | number | code | "(" expr ")"
# -------------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(.))")


class ExpressionError(ValueError):
    """The expression cannot be parsed; the message says where."""


@dataclass(frozen=True)
class Expression:
    """A parsed expression: the Polars expression and the indicator codes it reads."""

    expr: pl.Expr
    codes: tuple[str, ...]


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None:  # pragma: no cover - the pattern matches any character
            raise ExpressionError(f"cannot read {stripped[position:]!r}")
        number, name, other = match.groups()
        if number is not None:
            tokens.append(("num", number))
        elif name is not None:
            tokens.append(("code", name))
        elif other in "+-*/()":
            tokens.append(("op", other))
        else:
            raise ExpressionError(f"unexpected {other!r} in {text!r}")
        position = match.end()
    return tokens


def parse_expression(text: str) -> Expression:
    """Parse ``text`` into a Polars expression over indicator codes; raise ExpressionError."""
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError("empty expression")
    codes: list[str] = []
    position = 0

    def peek() -> tuple[str, str] | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal position
        if position >= len(tokens):
            raise ExpressionError(f"{text!r} ends too early")
        token = tokens[position]
        position += 1
        return token

    def expr() -> pl.Expr:
        result = term()
        while (token := peek()) is not None and token in (("op", "+"), ("op", "-")):
            take()
            right = term()
            result = result + right if token[1] == "+" else result - right
        return result

    def term() -> pl.Expr:
        result = factor()
        while (token := peek()) is not None and token in (("op", "*"), ("op", "/")):
            take()
            right = factor()
            if token[1] == "*":
                result = result * right
            else:  # x / 0 is unknown (null), not infinity: no rule fires on it
                result = pl.when(right == 0).then(None).otherwise(result / right)
        return result

    def factor() -> pl.Expr:
        kind, value = take()
        if (kind, value) == ("op", "-"):
            return -factor()
        if kind == "num":
            return pl.lit(float(value), dtype=pl.Float64)
        if kind == "code":
            if value not in codes:
                codes.append(value)
            return pl.col(value).cast(pl.Float64)
        if (kind, value) == ("op", "("):
            inner = expr()
            if take() != ("op", ")"):
                raise ExpressionError(f"missing ')' in {text!r}")
            return inner
        raise ExpressionError(f"unexpected {value!r} in {text!r}")

    result = expr()
    if position != len(tokens):
        raise ExpressionError(f"unexpected {tokens[position][1]!r} in {text!r}")
    return Expression(expr=result, codes=tuple(codes))


def rule_codes(rule: Rule) -> tuple[str, ...]:
    """The indicator codes a rule reads (left side first)."""
    left = parse_expression(rule.left).codes
    right = parse_expression(rule.right).codes if rule.kind == "compare" and rule.right else ()
    return tuple(dict.fromkeys((*left, *right)))


def _compare(left: pl.Expr, operator: Operator, right: pl.Expr) -> pl.Expr:
    """True when the comparison *holds*. Tolerates float noise at the boundary."""
    if operator == "<=":
        return left <= right + _EPSILON
    if operator == "<":
        return left < right
    if operator == ">=":
        return left >= right - _EPSILON
    if operator == ">":
        return left > right
    return (left - right).abs() <= _EPSILON


# -------------------------------------------------------------------------------------------------
# Issues
# -------------------------------------------------------------------------------------------------
def _issue_rows(
    frame: pl.LazyFrame,
    failing: pl.Expr,
    *,
    indicator: str,
    rule: str,
    severity: str,
    message: str,
    value: pl.Expr,
    compared_to: pl.Expr,
) -> pl.LazyFrame:
    return frame.filter(failing.fill_null(False)).select(
        pl.col(ROW).cast(pl.Int64),
        pl.col(UNIT_ID).cast(pl.Int64),
        pl.col(YEAR).cast(pl.Int64),
        pl.col(MONTH).cast(pl.Int64),
        pl.lit(indicator, dtype=pl.String).alias(INDICATOR),
        pl.lit(rule, dtype=pl.String).alias(RULE),
        pl.lit(severity, dtype=pl.String).alias(SEVERITY),
        pl.lit(message, dtype=pl.String).alias(MESSAGE),
        value.cast(pl.Float64).alias(VALUE),
        compared_to.cast(pl.Float64).alias(COMPARED_TO),
    )


def _with_previous(
    frame: pl.LazyFrame, previous: pl.LazyFrame | None, code: str, prev_name: str
) -> pl.LazyFrame:
    """Add the previous month's value of ``code`` (same unit and year) as ``prev_name``."""
    sources = [frame.select(*_KEYS, pl.col(code).cast(pl.Float64))]
    if previous is not None:
        # the frame's own rows come last so that unique(keep="last") prefers them
        sources.insert(0, previous.select(*_KEYS, pl.col(code).cast(pl.Float64)))
    baseline = (
        pl.concat(sources, how="vertical_relaxed")
        .filter(pl.col(MONTH).is_between(1, 11))
        .unique(subset=list(_KEYS), keep="last", maintain_order=True)
        .select(
            pl.col(UNIT_ID),
            pl.col(YEAR),
            (pl.col(MONTH) + 1).alias(MONTH),
            pl.col(code).alias(prev_name),
        )
    )
    return frame.join(baseline, on=list(_KEYS), how="left")


def _normalise_keys(frame: pl.LazyFrame) -> pl.LazyFrame:
    columns = frame.collect_schema().names()
    row = pl.col(ROW).cast(pl.Int64) if ROW in columns else pl.lit(None, dtype=pl.Int64).alias(ROW)
    return frame.with_columns(
        pl.col(UNIT_ID).cast(pl.Int64),
        pl.col(YEAR).cast(pl.Int64),
        pl.col(MONTH).cast(pl.Int64),
        row,
    )


def validation_issues(
    frame: pl.DataFrame | pl.LazyFrame,
    rules: Sequence[Rule],
    *,
    previous: pl.DataFrame | pl.LazyFrame | None = None,
    non_negative: Iterable[str] = (),
) -> pl.DataFrame:
    """The issues (``ISSUE_SCHEMA``) the ``rules`` and non-negative checks find in ``frame``.

    Requires ``UNIT_ID``, ``YEAR``, ``MONTH`` (0 = annual; YTD and jump rules skip it), optionally
    ``ROW``, and one numeric column per indicator code. ``previous`` has the same shape and holds
    stored values of earlier months. Rules over codes that are not columns of ``frame`` are skipped.
    Sorted by row, unit, period, rule and indicator, so the order of input rows does not matter.
    """
    lazy = _normalise_keys(frame.lazy())
    columns = set(lazy.collect_schema().names())
    prev_lazy = _normalise_keys(previous.lazy()) if previous is not None else None
    prev_columns = set(prev_lazy.collect_schema().names()) if prev_lazy is not None else set()
    parts: list[pl.LazyFrame] = []

    for code in dict.fromkeys(non_negative):
        if code not in columns:
            continue
        parts.append(
            _issue_rows(
                lazy,
                pl.col(code) < 0,
                indicator=code,
                rule=NON_NEGATIVE_RULE,
                severity=ERROR,
                message="",
                value=pl.col(code),
                compared_to=pl.lit(0.0),
            )
        )

    for rule in rules:
        codes = rule_codes(rule)
        if not codes or not set(codes) <= columns:
            continue
        if rule.kind == "compare":
            if rule.operator is None or not rule.right:
                raise ExpressionError(
                    f"rule {rule.code}: a comparison needs an operator and a right side"
                )
            left = parse_expression(rule.left).expr
            right = parse_expression(rule.right).expr
            parts.append(
                _issue_rows(
                    lazy,
                    ~_compare(left, rule.operator, right),
                    indicator=codes[0],
                    rule=rule.code,
                    severity=rule.severity,
                    message=rule.message,
                    value=left,
                    compared_to=right,
                )
            )
            continue
        # ytd_monotonic and jump read one indicator against its previous month
        code = codes[0]
        previous_source = prev_lazy if prev_lazy is not None and code in prev_columns else None
        joined = _with_previous(lazy.filter(pl.col(MONTH) >= 1), previous_source, code, _PREV)
        if rule.kind == "ytd_monotonic":
            failing = pl.col(code) < pl.col(_PREV) - _EPSILON
        else:
            threshold = rule.threshold if rule.threshold is not None else 5.0
            failing = (pl.col(_PREV) > 0) & (pl.col(code) > pl.col(_PREV) * threshold)
        parts.append(
            _issue_rows(
                joined,
                failing,
                indicator=code,
                rule=rule.code,
                severity=rule.severity,
                message=rule.message,
                value=pl.col(code),
                compared_to=pl.col(_PREV),
            )
        )

    if not parts:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    return (
        pl.concat(parts, how="vertical")
        .sort([ROW, UNIT_ID, YEAR, MONTH, RULE, INDICATOR], nulls_last=True)
        .collect()
    )


def has_errors(issues: pl.DataFrame) -> bool:
    return issues.filter(pl.col(SEVERITY) == ERROR).height > 0
