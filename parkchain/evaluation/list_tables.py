"""How each of the 六个清单 is shown: its columns, one line per row, the top-10 chart and the .xlsx.

Presentation only: the rows come from ``selectors.list_snapshot_rows`` (already scoped, amounts
already hidden where the role may not see them); nothing here reads the database.
Ratios of the engine (0.125) are shown as percentages (12.5 %); money stays in 万元 (the page
shows 亿元 from 1亿 up, the workbook keeps 万元 with the unit in the header).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parkchain.chains.models import Chain
from parkchain.core.charts import PALETTE, Option, ranking_bar_option
from parkchain.core.xlsx import DECIMAL_1, DECIMAL_2, INTEGER, Column
from parkchain.evaluation.models import ListKind
from parkchain.evaluation.selectors import ListEntry

# cell kinds (how the template renders a value; the workbook writes the raw value)
MONEY = "money"  # 万元 → "1.23 亿元" / "4,567 万元"
PERCENT = "percent"  # already ×100, signed colours for growth
SHARE = "share"  # already ×100
SCORE = "score"  # one decimal
DECIMAL = "decimal"  # two decimals
COUNT = "count"
TEXT = "text"
LABELS = "labels"  # list of strings, shown as badges
CRITERIA = "criteria"  # list of (code, label, met)
COMPONENTS = "components"  # list of (label, score, colour): a stacked bar of 100 points

CHART_TOP = 10


@dataclass(frozen=True)
class ListColumn:
    key: str
    header: str | Promise
    kind: str = TEXT
    width: float = 14
    export_format: str | None = None


@dataclass(frozen=True)
class ListLine:
    """One row of a list as shown: the entry and its column values by key."""

    entry: ListEntry | None  # None: a chain without a 链主 (缺链主)
    chain: Chain | None
    county: str
    cells: dict[str, Any]
    status: str = ""  # chain lists: designated / candidate / cultivation / gap
    group: str = ""  # 新增入规: entered / pipeline
    shown: tuple[tuple[ListColumn, Any], ...] = ()  # (column, value) in the table's column order

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "bg-secondary-lt")

    @property
    def tier_badge(self) -> str:
        """Entrants and those ready to enter stand out from the cultivation pool; relief is amber."""
        if self.group == "entered":
            return "bg-green-lt"
        if self.group == "pipeline":
            meets = self.entry is not None and self.entry.extra.get("meets_threshold")
            return "bg-blue-lt" if meets else "bg-yellow-lt"
        if self.entry is not None and self.entry.row.kind == ListKind.RELIEF:
            return "bg-orange-lt"
        return "bg-azure-lt"


@dataclass(frozen=True)
class ListSpec:
    kind: str
    value_header: str | Promise
    value_kind: str
    columns: tuple[ListColumn, ...]
    chart: bool
    cells: Callable[[ListEntry], dict[str, Any]]
    explanation: str | Promise = ""
    show_tier: bool = True


def _ratio(value: Any) -> float | None:
    return None if value is None else float(value) * 100


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


# -- 产值清单 --------------------------------------------------------------------------------------
def _top_output(entry: ListEntry) -> dict[str, Any]:
    extra = entry.extra
    return {
        "previous": _number(extra.get("previous")),
        "yoy": _ratio(extra.get("yoy")),
        "share": _ratio(extra.get("share")),
        "by_revenue": extra.get("value_source") == "revenue",
    }


# -- 税收清单 --------------------------------------------------------------------------------------
def _top_tax(entry: ListEntry) -> dict[str, Any]:
    extra = entry.extra
    return {
        "previous": _number(extra.get("previous")),
        "yoy": _ratio(extra.get("yoy")),
        "tax_per_mu": _number(extra.get("tax_per_mu")),
        "tax_refund": _number(extra.get("tax_refund")),
    }


# -- 纾困增效清单 ------------------------------------------------------------------------------------
def _relief(entry: ListEntry) -> dict[str, Any]:
    extra = entry.extra
    labels = str(extra.get("reason_labels") or "")
    return {
        "reasons": [label for label in labels.split("；") if label],
        "revenue_yoy": _ratio(extra.get("revenue_yoy")),
        "profit": _number(extra.get("profit")),
        "electricity_yoy": _ratio(extra.get("electricity_yoy")),
        "stoppage_months": extra.get("stoppage_months") or None,
        "debt_ratio": _ratio(extra.get("debt_ratio")),
    }


# -- 新增入规清单 ------------------------------------------------------------------------------------
BASIS_LABELS: dict[str, str | Promise] = {
    "r12": _("Rolling 12 months"),
    "annualised": _("Year to date, annualised"),
    "project": _("New projects"),
}


def _new_above_scale(entry: ListEntry) -> dict[str, Any]:
    extra = entry.extra
    entered = extra.get("kind") == "entered"
    basis = extra.get("basis")
    return {
        "basis": str(_("Year to date")) if entered else str(BASIS_LABELS.get(basis or "", "")),
        "revenue_ytd": _number(extra.get("revenue_ytd")),
        "r12_revenue": _number(extra.get("r12_revenue")),
        "annualised_revenue": _number(extra.get("annualised_revenue")),
        "priority": _ratio(extra.get("priority")),
    }


# -- 最具成长性清单 ----------------------------------------------------------------------------------
GROWTH_PARTS: tuple[tuple[str, str | Promise], ...] = (
    ("score_revenue_cagr", _("revenue growth")),
    ("score_tax_growth", _("tax growth")),
    ("score_profit", _("profitability")),
    ("score_rnd_level", _("R&D intensity")),
    ("score_rnd_change", _("R&D change")),
    ("score_tax_per_mu", _("tax per mu change")),
    ("score_status", _("qualifications")),
)


def _growth(entry: ListEntry) -> dict[str, Any]:
    extra = entry.extra
    parts = [
        (str(label), float(extra[key]), PALETTE[i % len(PALETTE)])
        for i, (key, label) in enumerate(GROWTH_PARTS)
        if extra.get(key) is not None
    ]
    return {
        "revenue_cagr": _ratio(extra.get("revenue_cagr")),
        "tax_growth": _ratio(extra.get("tax_growth")),
        "rnd_intensity": _ratio(extra.get("rnd_intensity")),
        "components": parts,
    }


# -- 产业链链主清单 ----------------------------------------------------------------------------------
STATUS_LABELS: dict[str, str | Promise] = {
    "designated": _("Chain master"),
    "candidate": _("Candidate chain master"),
    "cultivation": _("Chain master in cultivation"),
    "gap": _("No chain master"),
}
STATUS_BADGES = {
    "designated": "bg-green-lt",
    "candidate": "bg-blue-lt",
    "cultivation": "bg-yellow-lt",
    "gap": "bg-red-lt",
}
CHAIN_CRITERIA: tuple[tuple[str, str | Promise], ...] = (
    ("crit_a", _("a. principal business on the chain, above scale, grade A/B, no violation")),
    ("crit_b", _("b. revenue among the chain's top or above the category minimum")),
    ("crit_c", _("c. local suppliers or local purchases")),
    ("crit_d", _("d. R&D intensity or an innovation qualification")),
    ("crit_e", _("e. market leader")),
    ("crit_f", _("f. signed the chain master's responsibilities")),
)


def _chain_masters(entry: ListEntry) -> dict[str, Any]:
    extra = entry.extra
    return {
        "status": str(STATUS_LABELS.get(str(extra.get("status") or ""), entry.tier)),
        "chain_rank": extra.get("chain_rank"),
        "criteria": [
            (code[-1], str(label), bool(extra.get(code))) for code, label in CHAIN_CRITERIA
        ],
        "criteria_met": extra.get("criteria_met"),
    }


_COUNTY = ListColumn("county", _("County"), TEXT, 12)
_PREVIOUS = ListColumn("previous", _("Same period last year"), MONEY, 16, DECIMAL_1)
_YOY = ListColumn("yoy", _("Year on year"), PERCENT, 10, DECIMAL_1)

SPECS: dict[str, ListSpec] = {
    ListKind.TOP_OUTPUT: ListSpec(
        kind=ListKind.TOP_OUTPUT,
        value_header=_("Output value, year to date"),
        value_kind=MONEY,
        columns=(
            _PREVIOUS,
            _YOY,
            ListColumn("share", _("Share of the total"), SHARE, 10, DECIMAL_2),
        ),
        chart=True,
        cells=_top_output,
        explanation=_(
            "Above-scale enterprises by gross industrial output value (current prices), year to "
            "date; revenue stands in where no output value was reported."
        ),
    ),
    ListKind.TOP_TAX: ListSpec(
        kind=ListKind.TOP_TAX,
        value_header=_("Tax paid, year to date"),
        value_kind=MONEY,
        columns=(
            _PREVIOUS,
            _YOY,
            ListColumn("tax_per_mu", _("Tax per mu (10k yuan/mu)"), DECIMAL, 12, DECIMAL_2),
            ListColumn("tax_refund", _("VAT credit refund"), MONEY, 14, DECIMAL_1),
        ),
        chart=True,
        cells=_top_tax,
        explanation=_(
            "Enterprises by tax actually paid, year to date, net of refunds; VAT credit refunds "
            "are shown apart."
        ),
    ),
    ListKind.RELIEF: ListSpec(
        kind=ListKind.RELIEF,
        value_header=_("Difficulty (0–100)"),
        value_kind=SCORE,
        columns=(
            ListColumn("reasons", _("Reasons"), LABELS, 36),
            ListColumn("revenue_yoy", _("Revenue year on year"), PERCENT, 12, DECIMAL_1),
            ListColumn("profit", _("Profit, year to date"), MONEY, 14, DECIMAL_1),
            ListColumn("electricity_yoy", _("Electricity year on year"), PERCENT, 12, DECIMAL_1),
            ListColumn("stoppage_months", _("Months stopped"), COUNT, 10, INTEGER),
        ),
        chart=True,
        cells=_relief,
        explanation=_(
            "Above-scale enterprises in difficulty (falling revenue or electricity, losses, "
            "stoppage, debt, unresolved requests), by a difficulty score; grade D and enterprises "
            "listed for elimination are left out."
        ),
    ),
    ListKind.NEW_ABOVE_SCALE: ListSpec(
        kind=ListKind.NEW_ABOVE_SCALE,
        value_header=_("Revenue"),
        value_kind=MONEY,
        columns=(
            ListColumn("basis", _("Basis"), TEXT, 16),
            ListColumn("r12_revenue", _("Revenue, last 12 months"), MONEY, 16, DECIMAL_1),
            ListColumn(
                "annualised_revenue",
                _("Revenue, annualised"),
                MONEY,
                16,
                DECIMAL_1,
            ),
            ListColumn("priority", _("Of the threshold"), SHARE, 10, DECIMAL_1),
        ),
        chart=False,
        cells=_new_above_scale,
        explanation=_(
            "Enterprises that entered the above-scale directory this year, then the pipeline: "
            "below-scale industrial enterprises whose revenue reaches or approaches the threshold "
            "(ready to enter, or in cultivation)."
        ),
    ),
    ListKind.GROWTH: ListSpec(
        kind=ListKind.GROWTH,
        value_header=_("Growth score"),
        value_kind=SCORE,
        columns=(
            ListColumn("revenue_cagr", _("Revenue growth, 3-year annual"), PERCENT, 14, DECIMAL_1),
            ListColumn("tax_growth", _("Tax growth"), PERCENT, 12, DECIMAL_1),
            ListColumn("rnd_intensity", _("R&D intensity"), SHARE, 10, DECIMAL_2),
            ListColumn("components", _("Score components (of 100)"), COMPONENTS, 48),
        ),
        chart=True,
        cells=_growth,
        explanation=_(
            "Enterprises by a growth score over the last completed year: three-year revenue "
            "growth, tax growth, profitability, R&D, tax per mu and qualifications."
        ),
    ),
    ListKind.CHAIN_MASTERS: ListSpec(
        kind=ListKind.CHAIN_MASTERS,
        value_header=_("Revenue"),
        value_kind=MONEY,
        columns=(
            ListColumn("status", _("Status"), TEXT, 14),
            ListColumn("chain_rank", _("Revenue rank on the chain"), COUNT, 10, INTEGER),
            ListColumn("criteria", _("Criteria met"), CRITERIA, 30),
        ),
        chart=False,
        show_tier=False,  # the status column says it (链主/候选链主/准链主), translated
        cells=_chain_masters,
        explanation=_(
            "Per industrial chain: the designated chain master, candidates that meet the criteria, "
            "or the best enterprise to cultivate; a chain with none of them has a gap."
        ),
    ),
}


@dataclass(frozen=True)
class ListTable:
    """A list ready for the page and the workbook."""

    spec: ListSpec
    lines: list[ListLine]
    amount_hidden: bool
    show_county: bool
    columns: list[ListColumn] = field(default_factory=list)
    show_tier: bool = True

    @property
    def has_chains(self) -> bool:
        return self.spec.kind == ListKind.CHAIN_MASTERS

    @property
    def width(self) -> int:
        """Columns of the page's table: rank, enterprise, value, (tier) and ``columns``."""
        return 3 + int(self.show_tier) + len(self.columns)


def list_table(
    kind: str,
    entries: Sequence[ListEntry],
    *,
    county_names: dict[int, str],
    show_county: bool,
    chains: Sequence[Chain] = (),
    gaps: bool = False,
) -> ListTable:
    """The lines of list ``kind``. The 链主 list keeps the rows of ``chains`` (the chains the user
    may read, in their order) and, with ``gaps``, adds a 缺链主 line for each of them without a row."""
    spec = SPECS[kind]
    if kind == ListKind.CHAIN_MASTERS:
        readable = {c.pk for c in chains}
        entries = [e for e in entries if e.row.chain_id in readable]
    # a county column says nothing when every row is in one county (a county user's view)
    counties = {county_names.get(e.enterprise.county_id, "") for e in entries}
    show_county = show_county and len(counties) > 1
    columns = [*(() if not show_county else (_COUNTY,)), *spec.columns]

    def line(entry: ListEntry) -> ListLine:
        county = county_names.get(entry.enterprise.county_id, "")
        cells = {"county": county, **(spec.cells(entry) if not entry.amount_hidden else {})}
        return ListLine(
            entry=entry,
            chain=entry.row.chain,
            county=county,
            cells=cells,
            status=str(entry.extra.get("status") or ""),
            group=str(entry.extra.get("kind") or ""),
            shown=tuple((c, cells.get(c.key)) for c in columns),
        )

    lines = [line(e) for e in entries]
    if kind == ListKind.CHAIN_MASTERS:
        by_chain: dict[int | None, list[ListLine]] = {}
        for one in lines:
            by_chain.setdefault(one.chain.pk if one.chain else None, []).append(one)
        ordered: list[ListLine] = []
        for chain in chains:
            if chain.pk in by_chain:
                ordered += by_chain[chain.pk]
                continue
            if not gaps:
                continue
            gap = ListLine(
                entry=None,
                chain=chain,
                county="",
                cells={"status": str(STATUS_LABELS["gap"])},
                status="gap",
                shown=tuple(
                    (c, str(STATUS_LABELS["gap"]) if c.key == "status" else None) for c in columns
                ),
            )
            ordered.append(gap)
        lines = ordered
    hidden = any(e.amount_hidden for e in entries)
    return ListTable(
        spec=spec,
        lines=lines,
        amount_hidden=hidden,
        show_county=show_county,
        columns=columns,
        show_tier=spec.show_tier and any(e.tier for e in entries),  # growth has no tiers
    )


def growth_legend() -> list[tuple[str, str]]:
    """(label, colour) of the growth score's parts, as the stacked bars colour them."""
    return [(str(label), PALETTE[i % len(PALETTE)]) for i, (_k, label) in enumerate(GROWTH_PARTS)]


def chart_option(table: ListTable) -> Option | None:
    """Top 10 by value as horizontal bars (money in 亿元 when the first reaches 1亿), or None."""
    if not table.spec.chart or table.amount_hidden:
        return None
    top = [ln for ln in table.lines if ln.entry is not None and ln.entry.value is not None]
    top = top[:CHART_TOP]
    if len(top) < 2:
        return None
    values = [float(ln.entry.value) for ln in top if ln.entry is not None and ln.entry.value]
    names = [ln.entry.enterprise.name for ln in top if ln.entry is not None and ln.entry.value]
    if table.spec.value_kind == MONEY:
        if max(values) >= 10_000:
            unit, decimals, values = gettext("100m yuan"), 2, [v / 10_000 for v in values]
        else:
            unit, decimals = gettext("10k yuan"), 0
    else:
        unit, decimals = "", 1
    return ranking_bar_option(
        names, values, name=str(table.spec.value_header), unit=unit, decimals=decimals
    )


# -- the workbook ---------------------------------------------------------------------------------
def _export_value(column: ListColumn, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == LABELS:
        return "；".join(value)
    if column.kind == CRITERIA:
        return " ".join(f"{code}{'✓' if met else '✗'}" for code, _label, met in value)
    if column.kind == COMPONENTS:
        return "；".join(f"{label} {score:.1f}" for label, score, _colour in value)
    return value


def _export_header(header: str | Promise, kind: str) -> str:
    """Money stays in 万元 in the workbook: the unit goes into the header."""
    if kind == MONEY:
        return gettext("%(header)s (10k yuan)") % {"header": header}
    return str(header)


def export_columns(table: ListTable) -> list[Column]:
    """Rank, (chain), enterprise, credit code, (county), value, (tier), the list's own columns."""
    spec = table.spec
    value_format = DECIMAL_1 if spec.value_kind == MONEY else DECIMAL_2
    return [
        Column(gettext("Rank"), 8, INTEGER),
        *((Column(gettext("Industrial chain"), 18),) if table.has_chains else ()),
        Column(gettext("Enterprise"), 36),
        Column(gettext("Unified social credit code"), 22),
        *((Column(_COUNTY.header, _COUNTY.width),) if table.show_county else ()),
        Column(_export_header(spec.value_header, spec.value_kind), 16, value_format),
        *((Column(gettext("Tier"), 12),) if table.show_tier else ()),
        *(Column(_export_header(c.header, c.kind), c.width, c.export_format) for c in spec.columns),
    ]


def export_rows(table: ListTable) -> Iterable[list[Any]]:
    spec_columns = table.spec.columns
    for line in table.lines:
        entry = line.entry
        row: list[Any] = [entry.rank if entry else None]
        if table.has_chains:
            row.append(line.chain.name if line.chain else "")
        row += [
            entry.enterprise.name if entry else str(STATUS_LABELS["gap"]),
            entry.enterprise.credit_code if entry else "",
        ]
        if table.show_county:
            row.append(line.county)
        hidden = entry is not None and entry.amount_hidden
        row.append("—" if hidden else (entry.value if entry else None))
        if table.show_tier:
            row.append((entry.tier if entry else "") or "")
        row += [_export_value(c, line.cells.get(c.key)) for c in spec_columns]
        yield row
