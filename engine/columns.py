"""Names of the columns that cross the Django ↔ engine boundary.

Selectors build frames with these names; engine functions read and write them. A docstring
that says "requires FIRM columns" means the names in ``FIRM`` with the units given here.
"""

from __future__ import annotations

from typing import Final

# identities -------------------------------------------------------------------------------------
ENTERPRISE_ID: Final = "enterprise_id"
PARK_ID: Final = "park_id"
COUNTY_ID: Final = "county_id"
CITY_ID: Final = "city_id"
CHAIN_ID: Final = "chain_id"
NODE_ID: Final = "node_id"
UNIT_ID: Final = "unit_id"  # any OrgUnit (city, county, park or enterprise)
INDICATOR: Final = "indicator"  # indicator code, e.g. "output_value"
NAME: Final = "name"
CREDIT_CODE: Final = "credit_code"  # 统一社会信用代码
INDUSTRY_CODE: Final = "industry_code"  # GB/T 4754, four characters
IS_ABOVE_SCALE: Final = "is_above_scale"  # 规上, bool, for the statistical year

# periods ----------------------------------------------------------------------------------------
YEAR: Final = "year"  # int, e.g. 2026
MONTH: Final = "month"  # int 1–12
PERIOD: Final = "period"  # "2026-10" (Month.parse reads it)

# values -----------------------------------------------------------------------------------------
VALUE: Final = "value"  # an indicator's value in its registry unit (万元, 亩, 人, 吨标准煤…)
YTD_VALUE: Final = "ytd_value"  # 本年累计: January to the month, as reported
MONTHLY_VALUE: Final = "monthly_value"  # 当月: derived from consecutive YTD values
PREVIOUS_YEAR_VALUE: Final = "previous_year_value"  # 上年同期
YOY_GROWTH: Final = "yoy_growth"  # 同比增长, a ratio (0.125 = 12.5 %)
TARGET: Final = "target"

# land and money ---------------------------------------------------------------------------------
LAND_MU: Final = "land_mu"  # 用地面积, 亩
OUTPUT_VALUE: Final = "output_value"  # 产值, 万元
REVENUE: Final = "revenue"  # 营业收入, 万元
TAX: Final = "tax"  # 税收, 万元
VALUE_ADDED: Final = "value_added"  # 增加值, 万元
PROFIT: Final = "profit"  # 利润总额, 万元
ENERGY_TCE: Final = "energy_tce"  # 综合能耗, 吨标准煤
RD_EXPENSE: Final = "rd_expense"  # 研发经费, 万元
EMPLOYEES: Final = "employees"  # 从业人员, 人

# contracts --------------------------------------------------------------------------------------
FIRM: Final = (
    ENTERPRISE_ID,
    PARK_ID,
    COUNTY_ID,
    INDUSTRY_CODE,
    IS_ABOVE_SCALE,
    LAND_MU,
)
"""One row per enterprise: the inputs 亩均 evaluation joins its indicator totals onto."""

YTD_SERIES: Final = (UNIT_ID, YEAR, MONTH, YTD_VALUE)
"""Reported 本年累计 values: one row per unit, year and month (engine.periods.ytd_to_monthly)."""

# validation issues (engine.validation) ----------------------------------------------------------
ROW: Final = "row"  # source spreadsheet row number (1-based, as Excel shows it); null for web forms
RULE: Final = "rule"  # validation rule code, or "non_negative"
SEVERITY: Final = "severity"  # "error" (blocks saving) | "confirm" (needs confirmation)
MESSAGE: Final = "message"
COMPARED_TO: Final = "compared_to"  # the other side of a comparison, or last month's value
