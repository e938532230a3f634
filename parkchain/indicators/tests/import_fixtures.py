"""A small registry of our own (not the default one of migration 0003) and workbook builders.

Form ``t_monthly`` (enterprise, monthly, due on the 10th, locks 5 days later): 工业总产值, 营业收入,
实缴税金 (本年累计, never negative), 利润总额 (may be negative, optional), 从业人员. Rules: tax ≤
revenue (error), revenue YTD never decreases (error), revenue over 5× last month (confirm).
The period used is 2026-03: open from 2026-04-01, due 2026-04-10, locked from 2026-04-15.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from parkchain.indicators.models import (
    FormItem,
    Indicator,
    Level,
    MeasureUnit,
    Periodicity,
    ReportForm,
    RuleKind,
    Severity,
    ValidationRule,
)

YEAR, MONTH = 2026, 3
TODAY = dt.date(2026, 4, 5)  # inside the window of 2026-03
HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "工业总产值（万元）",
    "营业收入（万元）",
    "实缴税金（万元）",
    "利润总额（万元）",
    "从业人员（人）",
]


@dataclass
class Registry:
    form: ReportForm
    park_form: ReportForm
    indicators: dict[str, Indicator]


def registry_create() -> Registry:
    specs = [
        ("t_output", "工业总产值", MeasureUnit.WAN_YUAN, True, True),
        ("t_revenue", "营业收入", MeasureUnit.WAN_YUAN, True, True),
        ("t_tax", "实缴税金", MeasureUnit.WAN_YUAN, True, True),
        ("t_profit", "利润总额", MeasureUnit.WAN_YUAN, True, False),
        ("t_employees", "从业人员", MeasureUnit.PERSON, False, True),
    ]
    indicators = {
        code: Indicator.objects.create(
            code=code,
            name=name,
            unit=unit,
            level=Level.ENTERPRISE,
            periodicity=Periodicity.MONTHLY,
            is_ytd=ytd,
            non_negative=non_negative,
        )
        for code, name, unit, ytd, non_negative in specs
    }
    form = ReportForm.objects.create(
        code="t_monthly",
        name="测试企业月报",
        level=Level.ENTERPRISE,
        periodicity=Periodicity.MONTHLY,
        due_day=10,
        lock_after_days=5,
    )
    for order, code in enumerate(indicators):
        FormItem.objects.create(
            form=form, indicator=indicators[code], order=order, required=code != "t_profit"
        )
    ValidationRule.objects.create(
        code="t_tax_le_revenue",
        name="tax ≤ revenue",
        form=form,
        kind=RuleKind.COMPARE,
        left="t_tax",
        operator="<=",
        right="t_revenue",
        message="Tax cannot exceed revenue.",
    )
    ValidationRule.objects.create(
        code="t_revenue_ytd",
        name="revenue YTD",
        form=form,
        kind=RuleKind.YTD_NOT_DECREASING,
        left="t_revenue",
        message="Revenue YTD fell.",
    )
    ValidationRule.objects.create(
        code="t_revenue_jump",
        name="revenue jump",
        form=form,
        kind=RuleKind.JUMP,
        left="t_revenue",
        threshold=5,
        severity=Severity.CONFIRM,
        message="Revenue jumped.",
    )
    park_indicator = Indicator.objects.create(
        code="t_park_income",
        name="技工贸总收入",
        unit=MeasureUnit.YI_YUAN,
        level=Level.PARK,
        periodicity=Periodicity.MONTHLY,
        is_ytd=True,
    )
    park_form = ReportForm.objects.create(
        code="t_park_monthly",
        name="测试园区月报",
        level=Level.PARK,
        periodicity=Periodicity.MONTHLY,
        due_day=15,
        lock_after_days=5,
    )
    FormItem.objects.create(form=park_form, indicator=park_indicator, order=0)
    indicators["t_park_income"] = park_indicator
    return Registry(form=form, park_form=park_form, indicators=indicators)


def row_for(enterprise: Any, *values: Any) -> list[Any]:
    """A data row: credit code, name, then output, revenue, tax, profit, employees."""
    defaults = [100.0, 80.0, 5.0, 3.0, 20]
    cells = list(values) + defaults[len(values) :]
    return [enterprise.credit_code, enterprise.name, *cells]


def xlsx_bytes(
    rows: list[list[Any]],
    *,
    headers: list[str] | None = None,
    sheet: str = "数据",
    merge: str | None = None,
    formulas: dict[str, str] | None = None,
    text_codes: bool = True,
) -> bytes:
    workbook = Workbook()
    ws = workbook.worksheets[0]
    ws.title = sheet
    ws.append(headers if headers is not None else HEADERS)
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    for ref, formula in (formulas or {}).items():
        ws[ref] = formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: list[list[Any]], *, headers: list[str] | None = None, encoding: str = "utf-8-sig"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers if headers is not None else HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)
