"""Demo reported data: five years of monthly 本年累计 figures, annual 亩均 data and submissions.

Called by the demo builder after the enterprises are written. What the data keeps (tests check it):

* Deterministic: every enterprise draws from its own ``random.Random`` seeded with the seed and
  its credit code, every park from the seed and its name; no clock, no global generator.
* Enterprise monthly data (form ``ent_monthly``, 2022-01 … 2026-10) exist only for enterprises
  that are 规上 that year (AboveScaleYear), from the month they were founded. Flows are 本年累计
  and never fall within a year (monthly values are ≥ 0 and cumulated); a quarter of the
  enterprise-years report January and February together (no January row, "1-2月").
  利润总额 may fall (losses); 从业人员 is the period-end stock.
* tax ≤ revenue, value added ≤ output value, profit ≤ revenue in every row, so the default
  validation rules pass on the seeded data; annual revenue of 规上 years equals the December
  本年累计, and is ≥ 2,000万元 in 规上 years and below it otherwise.
* Plausible shape: revenue by size and land (most small; a few large, 酒鬼酒 about 30亿元 a
  year), Spring Festival dip in January–February, 白酒 peaks before the festival and at
  mid-autumn, building materials follow the construction season, trends per industry, a few
  enterprises in difficulty (falling revenue, losses), tax 3–8 % of revenue (白酒 with 消费税
  more), value added 25–35 % of output (白酒 and pharmacy more, 锰 less), electricity by
  industry (电解锰 very power-intensive).
* Park monthly data (``park_monthly``) add up the members' monthly values in the park the
  enterprise was in that month (moves respected) plus the 规下 and trade share.
* Park annual data (``park_annual``, 2021–2025): the 五好 Part I inputs a park reports once a
  year (主导产业集聚度, 土地处置率, 研发平台, 亿元以上项目, 营商环境 and 安全环保 scores, 改革完成率,
  三类500强项目), a level of the park's own drifting year to year, rates and scores within 0–100.
* Submissions: one per unit, form and period; old periods approved (a few late), 2026-10 a mix
  of not submitted / submitted / returned / approved. A not-submitted period has no values.

Rows are written with ``executemany`` (no model instances): ~350,000 rows at city scale take a
few seconds on SQLite.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Model

from parkchain.indicators.models import (
    Indicator,
    Observation,
    ReportForm,
    Source,
    Submission,
    SubmissionStatus,
)

FIRST_MONTHLY_YEAR = 2022
LAST_PERIOD = (2026, 10)  # the open reporting period of the demo: 2026年1-10月
ANNUAL_YEARS = (2021, 2025)  # first and last year of annual data
ABOVE_SCALE_THRESHOLD = 2000.0  # 万元 of revenue (§4.1)
SEEDED_AT = dt.datetime(2026, 11, 12, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
CST = dt.timezone(dt.timedelta(hours=8))
CHUNK = 50_000

Log = Callable[[str], Any]

MONTHLY_CODES = (
    "output_value",
    "revenue",
    "tax",
    "value_added",
    "profit",
    "electricity",
    "employees",
    "rnd",
    "fixed_investment",
)
ANNUAL_CODES = (
    "revenue_annual",
    "value_added_annual",
    "tax_annual",
    "electricity_annual",
    "energy_tce",
    "emissions",
    "employees_avg",
    "rnd_annual",
    "land_used",
)
PARK_CODES = (
    "total_income",
    "industrial_va_growth",
    "park_tax",
    "industrial_investment",
    "fdi",
    "domestic_capital",
    "import_export",
    "hitech_revenue",
    "new_above_scale",
)
PARK_ANNUAL_CODES = (  # the park annual form (园区年报, indicators 0009): 五好 Part I inputs
    "leading_industry_share",
    "land_disposal_rate",
    "platforms",
    "big_projects",
    "business_env_score",
    "reform_completion",
    "safety_env_score",
    "top500_projects",
)


# ---------------------------------------------------------------------------------------------
# Inputs (built by the generator from its in-memory firms)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FirmFacts:
    org_unit_id: int
    name: str
    credit_code: str
    size: str
    land_mu: float
    industry_code: str
    established: dt.date
    above: dict[int, bool]
    high_tech: bool
    is_master: bool
    # (from, to exclusive or None, park org unit id): where the firm was when
    parks: tuple[tuple[dt.date, dt.date | None, int], ...] = ()

    def park_on(self, day: dt.date) -> int | None:
        for start, end, unit_id in self.parks:
            if start <= day and (end is None or day < end):
                return unit_id
        return None


@dataclass(frozen=True)
class ParkFacts:
    org_unit_id: int
    name: str
    built_mu: float
    is_high_tech: bool


@dataclass
class ObservationSummary:
    monthly_rows: int = 0
    annual_rows: int = 0
    park_rows: int = 0
    submissions: int = 0
    first_year: int = FIRST_MONTHLY_YEAR
    seconds: float = 0.0
    skipped: str = ""

    @property
    def rows(self) -> int:
        return self.monthly_rows + self.annual_rows + self.park_rows

    def line(self) -> str:
        if self.skipped:
            return f"reported data: {self.skipped}"
        return (
            f"{self.rows} observations ({self.monthly_rows} enterprise monthly "
            f"{self.first_year}-01…{LAST_PERIOD[0]}-{LAST_PERIOD[1]:02d}, {self.annual_rows} annual "
            f"{max(ANNUAL_YEARS[0], self.first_year - 1)}–{ANNUAL_YEARS[1]}, {self.park_rows} park monthly and annual), "
            f"{self.submissions} submissions; {self.seconds:.1f} s"
        )


# ---------------------------------------------------------------------------------------------
# Industry profiles (GB/T 4754 division → shape of the figures)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Profile:
    season: tuple[float, ...]  # 12 monthly weights, mean 1
    trend: dict[int, float]  # growth by year
    tax: tuple[float, float]  # share of revenue
    value_added: tuple[float, float]  # share of output
    margin: tuple[float, float]  # profit / revenue
    electricity: tuple[float, float]  # 万kWh per 万元 of revenue
    fuel: float  # 综合能耗 / electricity-equivalent energy
    emissions: float  # t per tce (order of magnitude)
    productivity: float  # 万元 of revenue per person and year


def _season(*weights: float) -> tuple[float, ...]:
    mean = sum(weights) / 12
    return tuple(w / mean for w in weights)


GENERAL_SEASON = _season(0.85, 0.65, 1.0, 1.0, 1.02, 1.05, 1.0, 1.0, 1.05, 1.05, 1.08, 1.25)
STEADY = {2021: 0.06, 2022: 0.05, 2023: 0.04, 2024: 0.05, 2025: 0.05, 2026: 0.05}

PROFILES: dict[str, Profile] = {
    # 白酒: pre-festival (Dec–Jan) and mid-autumn (Sep) peaks; 消费税 makes tax heavy
    "baijiu": Profile(
        season=_season(1.45, 0.75, 0.8, 0.8, 0.8, 0.8, 0.75, 0.95, 1.35, 1.05, 0.95, 1.55),
        trend={2021: 0.12, 2022: 0.06, 2023: -0.06, 2024: -0.12, 2025: -0.02, 2026: 0.03},
        tax=(0.12, 0.20),
        value_added=(0.40, 0.55),
        margin=(0.12, 0.28),
        electricity=(0.004, 0.01),
        fuel=1.6,
        emissions=0.004,
        productivity=150,
    ),
    # 电解锰/锌: very power-intensive, environmental rectification years
    "manganese": Profile(
        season=_season(0.9, 0.7, 1.0, 1.05, 1.05, 1.0, 0.95, 1.0, 1.05, 1.1, 1.1, 1.1),
        trend={2021: 0.15, 2022: -0.04, 2023: -0.08, 2024: 0.02, 2025: 0.04, 2026: 0.03},
        tax=(0.025, 0.045),
        value_added=(0.18, 0.25),
        margin=(-0.01, 0.06),
        electricity=(0.30, 0.45),
        fuel=1.05,
        emissions=0.003,
        productivity=200,
    ),
    # 建材: construction season (spring, autumn), rain and heat in summer, nothing at the festival
    "building": Profile(
        season=_season(0.6, 0.45, 1.05, 1.15, 1.15, 1.05, 0.9, 0.9, 1.1, 1.2, 1.25, 1.2),
        trend={2021: 0.04, 2022: -0.06, 2023: -0.08, 2024: -0.05, 2025: -0.02, 2026: 0.0},
        tax=(0.03, 0.06),
        value_added=(0.25, 0.32),
        margin=(0.0, 0.07),
        electricity=(0.06, 0.12),
        fuel=2.5,
        emissions=0.006,
        productivity=90,
    ),
    # 食品 (腊肉, 预制菜, 茶): festival demand in December–January
    "food": Profile(
        season=_season(1.3, 0.8, 0.85, 0.9, 0.9, 0.9, 0.9, 0.95, 1.05, 1.0, 1.05, 1.4),
        trend={2021: 0.08, 2022: 0.07, 2023: 0.09, 2024: 0.10, 2025: 0.10, 2026: 0.08},
        tax=(0.025, 0.05),
        value_added=(0.25, 0.33),
        margin=(0.03, 0.09),
        electricity=(0.01, 0.03),
        fuel=1.3,
        emissions=0.003,
        productivity=55,
    ),
    "pharma": Profile(
        season=GENERAL_SEASON,
        trend={2021: 0.10, 2022: 0.08, 2023: 0.06, 2024: 0.07, 2025: 0.08, 2026: 0.08},
        tax=(0.05, 0.08),
        value_added=(0.33, 0.42),
        margin=(0.08, 0.16),
        electricity=(0.01, 0.02),
        fuel=1.4,
        emissions=0.003,
        productivity=110,
    ),
    # 电子, 储能: fast growth, R&D heavy
    "electronics": Profile(
        season=GENERAL_SEASON,
        trend={2021: 0.18, 2022: 0.15, 2023: 0.10, 2024: 0.14, 2025: 0.16, 2026: 0.14},
        tax=(0.03, 0.06),
        value_added=(0.24, 0.31),
        margin=(0.04, 0.10),
        electricity=(0.02, 0.04),
        fuel=1.1,
        emissions=0.001,
        productivity=95,
    ),
    "chemicals": Profile(
        season=GENERAL_SEASON,
        trend=STEADY,
        tax=(0.03, 0.06),
        value_added=(0.24, 0.32),
        margin=(0.03, 0.08),
        electricity=(0.05, 0.10),
        fuel=1.8,
        emissions=0.005,
        productivity=120,
    ),
    "general": Profile(
        season=GENERAL_SEASON,
        trend=STEADY,
        tax=(0.03, 0.08),
        value_added=(0.25, 0.35),
        margin=(0.02, 0.09),
        electricity=(0.015, 0.04),
        fuel=1.2,
        emissions=0.002,
        productivity=70,
    ),
    "service": Profile(
        season=GENERAL_SEASON,
        trend=STEADY,
        tax=(0.03, 0.07),
        value_added=(0.30, 0.45),
        margin=(0.03, 0.10),
        electricity=(0.003, 0.01),
        fuel=1.0,
        emissions=0.0005,
        productivity=50,
    ),
}


def profile_of(industry_code: str) -> Profile:
    division = int(industry_code[:2])
    if industry_code.startswith("15"):
        return PROFILES["baijiu" if industry_code.startswith("151") else "food"]
    if division in (8, 9, 31, 32):  # 有色/黑色矿采选与冶炼: 锰锌钒铝
        return PROFILES["manganese"]
    if division == 30:
        return PROFILES["building"]
    if division in (13, 14, 1, 2, 3, 5):
        return PROFILES["food"]
    if division == 27:
        return PROFILES["pharma"]
    if division in (38, 39, 40):
        return PROFILES["electronics"]
    if division in (25, 26, 28, 29):
        return PROFILES["chemicals"]
    if division <= 46:
        return PROFILES["general"]
    return PROFILES["service"]


# Hand-set annual revenue (万元, 2022) of the anchors; every other firm is drawn by size and land.
ANCHOR_REVENUE = {
    "酒鬼酒股份有限公司": 300_000.0,
    "湖南武陵锰锌新材料股份有限公司": 160_000.0,
    "湘西苗岭药业股份有限公司": 85_000.0,
    "湘西钒谷储能科技有限公司": 40_000.0,
    "湘西华芯电子科技有限公司": 55_000.0,
    "湘西峒河新型建材有限公司": 48_000.0,
    "湘西土家坊食品股份有限公司": 16_000.0,
    "湘西云雾茶业股份有限公司": 12_000.0,
    "凤凰苗银民族工艺品有限公司": 5_500.0,
}
# (median revenue 万元, typical land 亩) by size, for 规上 and 规下 firms
ABOVE_SCALE_LEVEL = {
    "large": (60_000, 260),
    "medium": (15_000, 70),
    "small": (4_500, 22),
    "micro": (2_600, 9),
}
BELOW_SCALE_LEVEL = {
    "large": (1_800, 260),
    "medium": (1_500, 70),
    "small": (700, 22),
    "micro": (150, 9),
}


# ---------------------------------------------------------------------------------------------
# Per-firm series
# ---------------------------------------------------------------------------------------------
@dataclass
class _FirmYear:
    """A firm's figures for one year: monthly values (index 0 = January) or annual only."""

    revenue: float
    monthly: dict[str, list[float]] = field(default_factory=dict)
    first_month: int = 1
    combined_jan_feb: bool = False


@dataclass
class _FirmPlan:
    facts: FirmFacts
    profile: Profile
    rng: random.Random
    revenue_by_year: dict[int, float]
    tax_rate: float
    va_rate: float
    output_ratio: float
    margin: float
    distress_from: int | None
    electricity: float
    rnd_rate: float
    productivity: float


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median), sigma)


def _plan(facts: FirmFacts, seed: int) -> _FirmPlan:
    rng = random.Random(f"parkchain-demo-data:{seed}:{facts.credit_code}")
    profile = profile_of(facts.industry_code)
    ever_above = any(facts.above.values())
    levels = ABOVE_SCALE_LEVEL if ever_above else BELOW_SCALE_LEVEL
    median, typical_land = levels.get(facts.size, levels["small"])
    land_factor = min(max((max(facts.land_mu, 1.0) / typical_land) ** 0.4, 0.5), 2.5)
    base = ANCHOR_REVENUE.get(facts.name) or _lognormal(rng, median, 0.5) * land_factor
    distress_from = None
    if ever_above and facts.name not in ANCHOR_REVENUE and rng.random() < 0.07:
        distress_from = rng.randint(2023, 2026)
    drift = rng.gauss(0.0, 0.04)
    revenue_by_year: dict[int, float] = {}
    level = base
    for year in range(2021, 2027):
        if year > 2021:
            growth = profile.trend.get(year, 0.05) + drift + rng.gauss(0.0, 0.05)
            if distress_from is not None and year >= distress_from:
                growth = -rng.uniform(0.15, 0.35)
            level *= 1 + growth
        revenue = level
        above = facts.above.get(year)
        if above:  # 规上 that year: at least the threshold
            revenue = max(revenue, ABOVE_SCALE_THRESHOLD * rng.uniform(1.05, 1.6))
        else:  # not on that year's 规上 list: below the threshold
            revenue = min(revenue, ABOVE_SCALE_THRESHOLD * rng.uniform(0.55, 0.95))
        revenue_by_year[year] = revenue
    rnd_rate = 0.0
    if facts.high_tech:
        rnd_rate = rng.uniform(0.02, 0.05)
    elif rng.random() < 0.4:
        rnd_rate = rng.uniform(0.003, 0.015)
    return _FirmPlan(
        facts=facts,
        profile=profile,
        rng=rng,
        revenue_by_year=revenue_by_year,
        tax_rate=rng.uniform(*profile.tax),
        va_rate=rng.uniform(*profile.value_added),
        output_ratio=rng.uniform(0.96, 1.08),
        margin=rng.uniform(*profile.margin),
        distress_from=distress_from,
        electricity=rng.uniform(*profile.electricity),
        rnd_rate=rnd_rate,
        productivity=profile.productivity * rng.uniform(0.7, 1.4),
    )


def _monthly_year(plan: _FirmPlan, year: int) -> _FirmYear:
    """Monthly (当月) values of every ent_monthly indicator for one year, all ≥ 0 but profit."""
    rng, profile = plan.rng, plan.profile
    annual = plan.revenue_by_year[year]
    growth = profile.trend.get(year, 0.05)
    distressed = plan.distress_from is not None and year >= plan.distress_from
    margin = -rng.uniform(0.03, 0.12) if distressed else plan.margin
    tax_rate = plan.tax_rate * (0.4 if distressed else 1.0)
    invests = rng.random() < (0.6 if plan.facts.size in ("large", "medium") else 0.3)
    investment = annual * rng.uniform(0.03, 0.25) if invests else 0.0
    invest_months = set(rng.sample(range(12), rng.randint(2, 6))) if invests else set()
    invest_weights = {m: rng.uniform(0.5, 1.5) for m in sorted(invest_months)}
    invest_total = sum(invest_weights.values()) or 1.0
    staff = max(8.0, annual / plan.productivity)
    series: dict[str, list[float]] = {code: [] for code in MONTHLY_CODES}
    for m in range(12):
        in_year = (1 + growth) ** ((m - 5.5) / 12)
        revenue = annual / 12 * profile.season[m] * in_year * rng.lognormvariate(0.0, 0.05)
        output = revenue * plan.output_ratio * rng.uniform(0.97, 1.03)
        quarterly = 1.3 if m in (0, 3, 6, 9) else 0.9  # 企业所得税 prepaid after each quarter
        tax = min(revenue * tax_rate * quarterly * rng.uniform(0.85, 1.15), revenue * 0.5)
        series["revenue"].append(revenue)
        series["output_value"].append(output)
        series["tax"].append(tax)
        series["value_added"].append(output * plan.va_rate * rng.uniform(0.97, 1.03))
        series["profit"].append(revenue * (margin + rng.gauss(0.0, 0.015)))
        series["electricity"].append(revenue * plan.electricity * rng.uniform(0.95, 1.05))
        series["rnd"].append(revenue * plan.rnd_rate * rng.uniform(0.6, 1.4))
        series["fixed_investment"].append(
            investment * invest_weights[m] / invest_total if m in invest_weights else 0.0
        )
        festival = 0.95 if m == 1 else 1.0  # migrant workers home for the Spring Festival
        series["employees"].append(staff * festival * rng.uniform(0.99, 1.01))
    first = plan.facts.established.month if plan.facts.established.year == year else 1
    for values in series.values():
        for m in range(first - 1):
            values[m] = 0.0
    return _FirmYear(
        revenue=sum(series["revenue"]),
        monthly=series,
        first_month=first,
        combined_jan_feb=first == 1 and rng.random() < 0.25,
    )


def _annual_values(plan: _FirmPlan, year: int, figures: _FirmYear) -> dict[str, float]:
    rng = plan.rng
    if figures.monthly:
        totals = {code: sum(values) for code, values in figures.monthly.items()}
        staff_months = [v for v in figures.monthly["employees"] if v > 0]
        staff = sum(staff_months) / len(staff_months)
    else:
        revenue = figures.revenue
        totals = {
            "revenue": revenue,
            "value_added": revenue * plan.output_ratio * plan.va_rate,
            "tax": revenue * plan.tax_rate,
            "electricity": revenue * plan.electricity,
            "rnd": revenue * plan.rnd_rate,
        }
        staff = max(3.0, revenue / plan.productivity)
    # 等价值: about 3 tce per 万kWh of electricity, plus coal, gas and oil by industry
    energy = totals["electricity"] * rng.uniform(2.9, 3.1) * plan.profile.fuel
    return {
        "revenue_annual": totals["revenue"],
        "value_added_annual": totals["value_added"],
        "tax_annual": totals["tax"],
        "electricity_annual": totals["electricity"],
        "energy_tce": energy,
        "emissions": max(0.01, energy * plan.profile.emissions * rng.uniform(0.5, 1.5)),
        "employees_avg": round(staff),
        "rnd_annual": totals["rnd"],
        "land_used": plan.facts.land_mu,
    }


# ---------------------------------------------------------------------------------------------
# Submissions
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Calendar:
    """The window of a form's period (the rule of ``ReportForm``; see indicators.calendar)."""

    due_day: int
    due_month_offset: int
    lock_after_days: int

    def window(self, year: int, month: int) -> tuple[dt.date, dt.date, dt.date]:
        end_year, end_month = (year, 12) if month == 0 else (year, month)
        opens = dt.date(end_year + (end_month == 12), end_month % 12 + 1, 1)
        index = end_year * 12 + end_month - 1 + self.due_month_offset
        due = dt.date(index // 12, index % 12 + 1, self.due_day)
        return opens, due, due + dt.timedelta(days=self.lock_after_days)


def _status_odds(year: int, month: int) -> tuple[tuple[str, float], ...]:
    """(status, weight) for a period: old periods approved, the open one a realistic mix."""
    if (year, month) == LAST_PERIOD or (month == 0 and year == ANNUAL_YEARS[1]):
        if month == 0:
            return (
                ("approved", 0.86),
                ("submitted", 0.07),
                ("returned", 0.02),
                ("not_submitted", 0.05),
            )
        return (
            ("approved", 0.34),
            ("submitted", 0.38),
            ("returned", 0.08),
            ("not_submitted", 0.20),
        )
    if year == LAST_PERIOD[0] and month >= LAST_PERIOD[1] - 2:
        return (("approved", 0.93), ("submitted", 0.06), ("returned", 0.01))
    return (("approved", 1.0),)


def _submission(
    rng: random.Random, cal: _Calendar, year: int, month: int
) -> tuple[str, dt.datetime | None, bool, dt.datetime | None, str]:
    """(status, submitted_at, is_late, reviewed_at, return_reason) for one unit and period."""
    odds = _status_odds(year, month)
    status = rng.choices([s for s, _ in odds], weights=[w for _, w in odds])[0]
    if status == SubmissionStatus.NOT_SUBMITTED:
        return status, None, False, None, ""
    opens, due, locks = cal.window(year, month)
    late = rng.random() < 0.06
    if late:
        day = due + dt.timedelta(days=rng.randint(1, max(1, (locks - due).days)))
    else:
        day = opens + dt.timedelta(days=rng.randint(0, max(0, (due - opens).days)))
    submitted = dt.datetime(
        day.year, day.month, day.day, rng.randint(8, 21), rng.randint(0, 59), tzinfo=CST
    )
    reviewed = None
    reason = ""
    if status in (SubmissionStatus.APPROVED, SubmissionStatus.RETURNED):
        reviewed = submitted + dt.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 6))
    if status == SubmissionStatus.RETURNED:
        reason = rng.choice(RETURN_REASONS)
    return status, submitted, late, reviewed, reason


RETURN_REASONS = (
    "营业收入与税务申报数差异较大，请核实后重报。",
    "用电量与供电公司数据不一致，请核对电费单。",
    "从业人员人数与社保参保人数差异较大，请说明原因。",
    "工业增加值率明显偏离往年，请核对中间投入。",
)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{model.__name__}.{name} is not a concrete column")
    return column


class _Writer:
    """executemany into a table: no model instances, a handful of statements for 100,000s of rows."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        meta = model._meta
        qn = connection.ops.quote_name
        names = [_column(model, c) for c in columns]
        placeholders = ", ".join(["%s"] * len(names))
        self.sql = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(n) for n in names)}) VALUES ({placeholders})"  # noqa: S608 - names from model meta
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows = []


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _periods(first_year: int) -> list[tuple[int, int]]:
    last_year, last_month = LAST_PERIOD
    return [
        (y, m)
        for y in range(first_year, last_year + 1)
        for m in range(1, 13)
        if (y, m) <= (last_year, last_month)
    ]


def observations_seed(
    *,
    firms: Iterable[FirmFacts],
    parks: Iterable[ParkFacts],
    seed: int,
    first_year: int = FIRST_MONTHLY_YEAR,
    log: Log | None = None,
) -> ObservationSummary:
    """Write observations and submissions for ``firms`` and ``parks`` (empty tables expected)."""
    started = time.perf_counter()
    summary = ObservationSummary(first_year=first_year)
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    forms = {
        form.code: form
        for form in ReportForm.objects.filter(
            code__in=["ent_monthly", "ent_annual", "park_monthly", "park_annual"]
        )
    }
    missing = [c for c in (*MONTHLY_CODES, *ANNUAL_CODES, *PARK_CODES) if c not in indicators]
    if missing or {"ent_monthly", "ent_annual", "park_monthly"} - set(forms):
        summary.skipped = (
            "the default indicator registry is missing (migration indicators 0003); nothing seeded"
        )
        return summary
    now = connection.ops.adapt_datetimefield_value(SEEDED_AT)
    seed_source = Source.SEED.value
    obs = _Writer(
        Observation,
        ["indicator", "org_unit", "year", "month", "value", "source", "updated_at", "created_at"],
    )
    subs = _Writer(
        Submission,
        [
            "form", "org_unit", "year", "month", "status", "submitted_at", "is_late", "reviewed_at",
            "return_reason", "created_at", "updated_at",
        ],
    )  # fmt: skip
    calendars = {
        code: _Calendar(form.due_day, form.due_month_offset, form.lock_after_days)
        for code, form in forms.items()
    }
    adapt = connection.ops.adapt_datetimefield_value

    def submit(form: str, unit_id: int, year: int, month: int, rng: random.Random) -> bool:
        status, at, late, reviewed, reason = _submission(rng, calendars[form], year, month)
        subs.add(
            (
                forms[form].pk,
                unit_id,
                year,
                month,
                status,
                adapt(at),
                late,
                adapt(reviewed),
                reason,
                now,
                now,
            )
        )
        return status != SubmissionStatus.NOT_SUBMITTED

    monthly_ids = [indicators[c] for c in MONTHLY_CODES]
    annual_ids = [indicators[c] for c in ANNUAL_CODES]
    periods = _periods(first_year)
    # park totals of the members' monthly values: (park unit, year, month) → code → value
    park_flows: dict[tuple[int, int, int], list[float]] = {}
    park_entrants: dict[tuple[int, int], int] = {}
    first_annual = max(ANNUAL_YEARS[0], first_year - 1)

    for facts in firms:
        plan = _plan(facts, seed)
        for year in range(2021, LAST_PERIOD[0] + 1):
            above = facts.above.get(year, False)
            if facts.established > dt.date(year, 12, 31):
                continue
            figures = (
                _monthly_year(plan, year)
                if above
                else _FirmYear(revenue=plan.revenue_by_year[year])
            )
            if above and year >= first_year:
                if facts.above.get(year - 1) is False:
                    home = facts.park_on(dt.date(year, 1, 1)) or facts.park_on(_month_end(year, 12))
                    if home is not None:
                        park_entrants[(home, year)] = park_entrants.get((home, year), 0) + 1
                last_month = LAST_PERIOD[1] if year == LAST_PERIOD[0] else 12
                totals = [0.0] * len(MONTHLY_CODES)
                for m in range(1, last_month + 1):
                    values = [figures.monthly[code][m - 1] for code in MONTHLY_CODES]
                    for i, code in enumerate(MONTHLY_CODES):
                        totals[i] = values[i] if code == "employees" else totals[i] + values[i]
                    home = facts.park_on(_month_end(year, m))
                    if home is not None:
                        flows = park_flows.setdefault((home, year, m), [0.0, 0.0])
                        flows[0] += values[1]  # revenue
                        flows[1] += values[2]  # tax
                    if m < figures.first_month or (m == 1 and figures.combined_jan_feb):
                        continue
                    if not submit("ent_monthly", facts.org_unit_id, year, m, plan.rng):
                        continue
                    for i, indicator_id in enumerate(monthly_ids):
                        value = round(totals[i]) if i == 6 else round(totals[i], 1)
                        obs.add(
                            (indicator_id, facts.org_unit_id, year, m, value, seed_source, now, now)
                        )
                    summary.monthly_rows += len(monthly_ids)
            if first_annual <= year <= ANNUAL_YEARS[1]:
                if not submit("ent_annual", facts.org_unit_id, year, 0, plan.rng):
                    continue
                annual = _annual_values(plan, year, figures)
                for code, indicator_id in zip(ANNUAL_CODES, annual_ids, strict=True):
                    value = annual[code]
                    rounded = (
                        round(value)
                        if code == "employees_avg"
                        else round(value, 2 if code in ("emissions", "land_used") else 1)
                    )
                    obs.add(
                        (indicator_id, facts.org_unit_id, year, 0, rounded, seed_source, now, now)
                    )
                summary.annual_rows += len(annual_ids)

    park_ids = [indicators[c] for c in PARK_CODES]
    for park in parks:
        summary.park_rows += _park_series(
            park, seed, periods, park_flows, park_entrants, park_ids, obs, submit, now, seed_source
        )
    if "park_annual" in forms and all(c in indicators for c in PARK_ANNUAL_CODES):
        annual_park_ids = [indicators[c] for c in PARK_ANNUAL_CODES]
        years = range(first_annual, ANNUAL_YEARS[1] + 1)
        for park in parks:
            summary.park_rows += _park_annual(
                park, seed, years, annual_park_ids, obs, submit, now, seed_source
            )
    obs.flush()
    subs.flush()
    summary.submissions = subs.count
    summary.seconds = time.perf_counter() - started
    if log:
        log(f"  {summary.line()}")
    return summary


def _park_series(
    park: ParkFacts,
    seed: int,
    periods: list[tuple[int, int]],
    flows: dict[tuple[int, int, int], list[float]],
    entrants: dict[tuple[int, int], int],
    indicator_ids: list[int],
    obs: _Writer,
    submit: Callable[[str, int, int, int, random.Random], bool],
    now: Any,
    source: str,
) -> int:
    """A park's monthly 本年累计 figures; money flows add up its members' monthly values."""
    rng = random.Random(f"parkchain-demo-data:{seed}:park:{park.name}")
    uplift = rng.uniform(0.12, 0.30)  # 规下 enterprises, trade and technical income
    hitech_share = rng.uniform(0.45, 0.70) if park.is_high_tech else rng.uniform(0.15, 0.40)
    land = max(park.built_mu, 300.0)
    floor_income = land * rng.uniform(8, 20) / 12  # 万元 a month when the park has few 规上 firms
    has_fdi = rng.random() < 0.6
    rows = 0
    totals: list[float] = []
    year_growth = 0.0
    for year, month in periods:
        if month == 1:
            totals = [0.0] * 9
            year_growth = rng.gauss(6.5, 3.0)
            invest_year = land * rng.uniform(15, 40)
            capital_year = land * rng.uniform(10, 30)
            fdi_year = rng.uniform(50, 1500) if has_fdi else 0.0
            trade_share = rng.uniform(0.01, 0.08)
        revenue, tax = flows.get((park.org_unit_id, year, month), (0.0, 0.0))
        season = GENERAL_SEASON[month - 1]
        income = revenue * (1 + uplift) + floor_income * season * rng.uniform(0.9, 1.1)
        monthly = [
            income,
            0.0,  # growth rate: not a flow
            tax * 1.25 + income * 0.004,
            invest_year / 12 * season * rng.uniform(0.6, 1.4),
            fdi_year / 12 * rng.uniform(0.0, 2.0) if has_fdi and rng.random() < 0.5 else 0.0,
            capital_year / 12 * season * rng.uniform(0.5, 1.5),
            income * trade_share * rng.uniform(0.8, 1.2),
            income * hitech_share * rng.uniform(0.95, 1.0),
            0.0,
        ]
        for i in range(9):
            totals[i] += monthly[i]
        if not submit("park_monthly", park.org_unit_id, year, month, rng):
            continue
        values: list[float | None] = [round(v, 1) for v in totals]
        values[1] = (
            None if month == 1 else round(year_growth + rng.gauss(0.0, 0.6), 1)
        )  # 1-2月 first
        values[8] = entrants.get((park.org_unit_id, year), 0)
        for indicator_id, value in zip(indicator_ids, values, strict=True):
            if value is None:
                continue
            obs.add((indicator_id, park.org_unit_id, year, month, value, source, now, now))
            rows += 1
    return rows


def _park_annual(
    park: ParkFacts,
    seed: int,
    years: Iterable[int],
    indicator_ids: list[int],
    obs: _Writer,
    submit: Callable[[str, int, int, int, random.Random], bool],
    now: Any,
    source: str,
) -> int:
    """A park's annual 五好 Part I figures (``PARK_ANNUAL_CODES``): a level of its own that drifts
    from year to year — bigger parks run more big projects, high-tech parks score a little
    better — rates and scores kept within 0–100."""
    rng = random.Random(f"parkchain-demo-data:{seed}:park-annual:{park.name}")
    size = max(park.built_mu, 300.0) / 1500.0  # ≈ km² built
    quality = rng.gauss(0.0, 1.0) + (0.4 if park.is_high_tech else 0.0)
    share = min(92.0, max(35.0, 62.0 + 9.0 * quality))
    disposal = rng.uniform(45.0, 85.0)
    environment = 82.0 + 4.0 * quality
    reform = rng.uniform(70.0, 95.0)
    safety = rng.uniform(70.0, 92.0)
    rows = 0
    for year in years:
        share = min(95.0, max(30.0, share + rng.gauss(0.8, 2.0)))
        disposal = min(100.0, max(20.0, disposal + rng.gauss(3.0, 8.0)))
        environment = min(98.0, max(60.0, environment + rng.gauss(0.8, 1.5)))
        reform = min(100.0, max(40.0, reform + rng.gauss(2.0, 5.0)))
        safety = min(100.0, max(50.0, safety + rng.gauss(1.0, 4.0)))
        platforms = max(
            0, round(rng.gauss(2.0 + 2.5 * size + (2.0 if park.is_high_tech else 0.0), 1.0))
        )
        big = max(0, round(rng.gauss(2.0 + 3.0 * size, 1.5)))
        top500 = max(0, round(rng.gauss(0.5 + 1.2 * size, 1.0)))
        if not submit("park_annual", park.org_unit_id, year, 0, rng):
            continue
        values = (share, disposal, platforms, big, environment, reform, safety, top500)
        for indicator_id, value in zip(indicator_ids, values, strict=True):
            rounded = value if isinstance(value, int) else round(value, 1)
            obs.add((indicator_id, park.org_unit_id, year, 0, rounded, source, now, now))
            rows += 1
    return rows
