"""What web-form entry, the API and Excel imports share: the Issue shape, ReportInvalid, the rules.

Validation rules are rows (ValidationRule, DHIS2-style); ``form_rules`` turns the rows that apply
to a form into ``engine.validation.Rule`` objects, and ``issues_from_frame`` turns the engine's
issues frame back into user-facing ``Issue`` objects with a message and a fix.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Q
from django.utils.translation import gettext as _

from engine.columns import COMPARED_TO, INDICATOR, MONTH, ROW, RULE, SEVERITY, UNIT_ID, VALUE, YEAR
from engine.validation import CONFIRM, ERROR, NON_NEGATIVE_RULE, Rule, rule_codes
from parkchain.core.errors import ApplicationError
from parkchain.indicators.models import FormItem, Indicator, ReportForm, ValidationRule


@dataclass(frozen=True)
class Issue:
    """One problem with one cell (or row, or file): where, what is wrong and how to fix it.

    ``sheet``/``row``/``column`` locate it in a spreadsheet (row as Excel numbers it, column as
    a letter); all three are None for web-form entry. ``severity``: "error" blocks saving,
    "confirm" needs the user's confirmation.
    """

    sheet: str | None
    row: int | None
    column: str | None
    indicator: str | None
    message: str
    fix: str
    severity: str = ERROR
    unit_id: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("sheet “%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            parts.append(_("column %(column)s") % {"column": self.column})
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location
        text = f"{self.message} {self.fix}".strip()
        return f"{where}: {text}" if where else text

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


class ReportInvalid(ApplicationError):  # noqa: N818  # the name the callers use
    """The values break rules: ``issues`` lists every error and every unconfirmed warning."""

    def __init__(self, issues: list[Issue]) -> None:
        errors = sum(1 for i in issues if i.is_error)
        warnings = len(issues) - errors
        super().__init__(
            _("%(errors)s error(s) and %(warnings)s warning(s) to look at; nothing was saved.")
            % {"errors": errors, "warnings": warnings}
        )
        self.issues = issues

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]


def form_items(form: ReportForm) -> list[FormItem]:
    return list(
        FormItem.objects.filter(form=form, indicator__is_active=True)
        .select_related("indicator")
        .order_by("order", "id")
    )


def form_rules(form: ReportForm) -> list[Rule]:
    """Active rules of ``form`` and form-less rules, as engine rules (the engine skips rules whose
    indicators the form lacks)."""
    rows = ValidationRule.objects.filter(Q(form=form) | Q(form__isnull=True), is_active=True)
    return [rule_from_row(row) for row in rows]


def rule_from_row(row: ValidationRule) -> Rule:
    rule = Rule(
        code=row.code,
        kind=row.kind,  # RuleKind values are the engine's literals
        left=row.left,
        operator=row.operator or None,
        right=row.right,
        threshold=float(row.threshold) if row.threshold is not None else None,
        severity=row.severity,
        message=row.message,
    )
    rule_codes(rule)  # raises ExpressionError on a malformed expression
    return rule


def _number(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def issues_from_frame(
    frame: pl.DataFrame,
    *,
    rules: list[Rule],
    indicators: dict[str, Indicator],
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    factor: dict[str, float] | None = None,
) -> list[Issue]:
    """User-facing issues from ``engine.validation.validation_issues`` output.

    ``columns`` maps an indicator code to its spreadsheet column letter; ``factor`` the unit
    conversion applied on reading, so messages quote the numbers as the user typed them.
    """
    by_code = {r.code: r for r in rules}
    columns = columns or {}
    factor = factor or {}
    issues: list[Issue] = []
    for rec in frame.select(
        ROW, UNIT_ID, YEAR, MONTH, INDICATOR, RULE, SEVERITY, VALUE, COMPARED_TO
    ).iter_rows(named=True):
        code = rec[INDICATOR]
        indicator = indicators.get(code)
        name = indicator.name if indicator else code
        scale = factor.get(code, 1.0) or 1.0
        value = rec[VALUE] / scale if rec[VALUE] is not None else None
        other = rec[COMPARED_TO] / scale if rec[COMPARED_TO] is not None else None
        rule = by_code.get(rec[RULE])
        params = {"indicator": name, "value": _number(value), "other": _number(other)}
        if rec[RULE] == NON_NEGATIVE_RULE:
            message = _("%(indicator)s cannot be negative (%(value)s).") % params
            fix = _("Enter zero or a positive number.")
        elif rule is None:  # pragma: no cover - every issue comes from a rule given
            continue
        elif rule.kind == "compare":
            detail = _("%(left)s is %(value)s, %(right)s is %(other)s.") % {
                **params,
                "left": rule.left,
                "right": rule.right,
            }
            message = f"{rule.message} ({detail})" if rule.message else detail
            fix = _("Check the values of %(codes)s and correct the wrong one.") % {
                "codes": ", ".join(
                    indicators[c].name if c in indicators else c for c in rule_codes(rule)
                )
            }
        elif rule.kind == "ytd_monotonic":
            detail = (
                _("%(indicator)s year-to-date is %(value)s, below last month's %(other)s.") % params
            )
            message = f"{rule.message} ({detail})" if rule.message else detail
            fix = _(
                "本年累计 never decreases within a year: report the total from January to this month, "
                "not this month's figure alone."
            )
        else:
            detail = _(
                "%(indicator)s is %(value)s, over %(threshold)s× last month's %(other)s."
            ) % {
                **params,
                "threshold": _number(rule.threshold, 0),
            }
            message = f"{rule.message} ({detail})" if rule.message else detail
            fix = (
                _("Check the unit (万元, not 元); if the value is right, confirm the warnings.")
                if rule.severity == CONFIRM
                else _("Check the unit (万元, not 元) and the value.")
            )
        issues.append(
            Issue(
                sheet=sheet,
                row=rec[ROW],
                column=columns.get(code),
                indicator=code,
                message=message,
                fix=fix,
                severity=rec[SEVERITY],
                unit_id=rec[UNIT_ID],
            )
        )
    return issues


def to_float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
