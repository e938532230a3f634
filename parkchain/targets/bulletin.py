"""The monthly dispatch bulletin (调度通报) and the quarterly supervision list (督办清单) as .docx.

Layout after GB/T 9704 (党政机关公文格式): A4, margins 3.7 / 3.5 / 2.8 / 2.6 cm; a red 版头 (the
bulletin's title in red 方正小标宋简体), the issue number (第N期), the issuer and the date over a
red rule; the body in 仿宋_GB2312 三号 (16 pt) on a fixed 28 pt line, first-level headings in 黑体,
second-level in 楷体_GB2312, tables in 仿宋 小四; a 版记 (抄送, 印发) at the end; page numbers
"— 1 —". Chinese fonts are set through ``w:eastAsia`` so Word uses them for CJK text.

Every number comes from ``DispatchFigures`` (selectors.dispatch_figures), so the bulletin shows
the pages' numbers; the text helpers below are the only formatting. No charts: tables carry the
lights as coloured cells (rendering charts would need a plotting library or a browser).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from engine.targets import columns as c
from parkchain.organisations.models import OrgUnitKind
from parkchain.targets.figures import CHAIN, DispatchFigures, RankingRow, TargetFigure
from parkchain.targets.models import SupervisionTask, TargetBook, TargetKind

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
RED = RGBColor(0xE6, 0x00, 0x12)
BODY_PT = 16  # 三号
TABLE_PT = 10.5  # 五号
LINE_PT = 28
CELL_FILL = {c.GREEN: "C6EFCE", c.YELLOW: "FFEB9C", c.RED: "FFC7CE"}
CHINESE_NUMERALS = "一二三四五六七八九十"


# ---------------------------------------------------------------------------------------------
# Numbers as the bulletin prints them (the same figures as the pages)
# ---------------------------------------------------------------------------------------------
def amount_text(value: float | None, unit: str) -> str:
    """An amount with its unit; 万元 from 1亿 up in 亿元 ("123.45亿元"), counts as integers."""
    if value is None:
        return "—"
    if unit == "万元" and abs(value) >= 10_000:
        return f"{value / 10_000:,.2f}亿元"
    if unit == "万元":
        return f"{value:,.1f}万元"
    if unit in ("个", "人"):
        return f"{value:,.0f}{unit}"
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.2f}{unit}"


def percent_text(ratio: float | None) -> str:
    """A ratio as a percentage with one decimal: 0.853 → "85.3%"."""
    return "—" if ratio is None else f"{ratio * 100:.1f}%"


def pp_text(gap: float | None) -> str:
    """A gap in percentage points, signed: "+2.0" / "−3.5"."""
    if gap is None:
        return "—"
    rounded = round(gap, 1)
    if rounded == 0:
        return "0.0"
    return f"+{rounded:.1f}" if rounded > 0 else f"−{abs(rounded):.1f}"


def rag_label(rag: str | None) -> str:
    return {
        c.GREEN: _("green"),
        c.YELLOW: _("yellow"),
        c.RED: _("red"),
    }.get(rag or "", _("no data"))


def measure_text(figure: TargetFigure) -> str:
    """The target's main measure: 完成率 (amounts, counts), growth (%), or the place (rank)."""
    if figure.kind == TargetKind.GROWTH:
        return amount_text(figure.actual, "%")
    if figure.kind == TargetKind.RANK:
        if figure.actual is None:
            return "—"
        return _("%(place)d of %(of)d") % {"place": int(figure.actual), "of": figure.rank_of or 0}
    return percent_text(figure.completion)


def actual_text(figure: TargetFigure) -> str:
    if figure.kind == TargetKind.GROWTH:
        return amount_text(figure.actual, "%")
    if figure.kind == TargetKind.RANK:
        return measure_text(figure)
    return amount_text(figure.actual, figure.unit)


def annual_text(figure: TargetFigure) -> str:
    if figure.kind == TargetKind.GROWTH:
        return f"{figure.annual:g}%"
    if figure.kind == TargetKind.RANK:
        return _("top %(place)d") % {"place": int(figure.annual)}
    return amount_text(figure.annual, figure.unit)


def headline_sentence(figure: TargetFigure) -> str:
    """One sentence of 总体情况 for a city target, with its light, forecast and probability."""
    values = {
        "name": figure.name,
        "actual": actual_text(figure),
        "annual": annual_text(figure),
        "completion": percent_text(figure.completion),
        "gap": pp_text(figure.gap_pp),
        "light": rag_label(figure.rag),
        "forecast": amount_text(figure.forecast, "%" if figure.kind == "growth" else figure.unit),
        "probability": percent_text(figure.probability),
    }
    if figure.actual is None:
        return _("%(name)s: no figures yet (target %(annual)s).") % values
    if figure.kind == TargetKind.GROWTH:
        text = (
            _("%(name)s grew %(actual)s (target %(annual)s, %(gap)s pp; %(light)s light)") % values
        )
    elif figure.kind == TargetKind.RANK:
        text = _("%(name)s: ranked %(actual)s (target %(annual)s; %(light)s light)") % values
    else:
        text = (
            _(
                "%(name)s: %(actual)s done, %(completion)s of the annual target of %(annual)s, "
                "%(gap)s pp against time progress (%(light)s light)"
            )
            % values
        )
    if figure.probability is not None and figure.kind == TargetKind.GROWTH:
        text += (
            _(
                "; year-end forecast growth %(forecast)s, "
                "probability of meeting the target %(probability)s"
            )
            % values
        )
    elif figure.probability is not None:
        text += (
            _("; year-end forecast %(forecast)s, probability of meeting the target %(probability)s")
            % values
        )
    return text + "。"


# ---------------------------------------------------------------------------------------------
# python-docx helpers
# ---------------------------------------------------------------------------------------------
def _font(
    run: Run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None
) -> Run:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)
    return run


def _paragraph(
    doc: DocumentObject | _Cell,
    text: str = "",
    *,
    font: str = FANGSONG,
    size: float = BODY_PT,
    bold: bool = False,
    color: RGBColor | None = None,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    line: float | None = LINE_PT,
    space_after: float = 0,
) -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    if text:
        _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _rule(paragraph: Paragraph, *, color: str = "E60012", size: int = 12) -> None:
    """A horizontal rule under ``paragraph`` (the red line of the 版头; size in 1/8 pt)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    # schema order: pBdr comes before shd, tabs, spacing, ind, jc … (Word rejects it after them)
    p_pr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )


def _shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.insert_element_before(shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:vAlign")


def _cell(
    cell: _Cell, text: str, *, bold: bool = False, fill: str | None = None, center: bool = True
) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _font(paragraph.add_run(text), FANGSONG, TABLE_PT, bold=bold)
    if fill:
        _shade(cell, fill)


def _table(
    doc: DocumentObject, header: Sequence[str], rows: Iterable[Sequence[tuple[str, str | None]]]
) -> None:
    """A bordered table: a bold header row, then rows of (text, fill colour or None)."""
    body = list(rows)
    table = doc.add_table(rows=1 + len(body), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, title in enumerate(header):
        _cell(table.rows[0].cells[i], title, bold=True, fill="D9D9D9")
    for r, row in enumerate(body, start=1):
        for i, (text, fill) in enumerate(row):
            _cell(table.rows[r].cells[i], text, fill=fill, center=i > 0)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def _page_numbers(doc: DocumentObject) -> None:
    """ "— 1 —" centred in the footer (a PAGE field)."""
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("— "), FANGSONG, 14)
    field = OxmlElement("w:fldSimple")  # a child of the paragraph, holding the number's run
    field.set(qn("w:instr"), "PAGE")
    number = _font(footer.add_run("1"), FANGSONG, 14)
    field.append(number._element)  # moves the run into the field
    footer._p.append(field)
    _font(footer.add_run(" —"), FANGSONG, 14)


def _new_document(*, landscape: bool = False) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = FANGSONG
    normal.font.size = Pt(BODY_PT)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), FANGSONG)
    _page_numbers(doc)
    return doc


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _heading(doc: DocumentObject, number: int, text: str) -> None:
    _paragraph(doc, f"{CHINESE_NUMERALS[number - 1]}、{text}", font=HEITI)


def _subheading(doc: DocumentObject, number: int, text: str) -> None:
    _paragraph(doc, f"（{CHINESE_NUMERALS[number - 1]}）{text}", font=KAITI)


def _red_header(doc: DocumentObject, *, title: str, issue: str, issuer: str, day: dt.date) -> None:
    _paragraph(
        doc,
        title,
        font=XIAOBIAOSONG,
        size=26,
        color=RED,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        line=None,
        space_after=12,
    )
    _paragraph(doc, issue, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    issued = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _font(issued.add_run(issuer), FANGSONG, BODY_PT)
    issued.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), alignment=WD_TAB_ALIGNMENT.RIGHT)
    _font(issued.add_run("\t" + _date_text(day)), FANGSONG, BODY_PT)
    _rule(issued)


# ---------------------------------------------------------------------------------------------
# The bulletin
# ---------------------------------------------------------------------------------------------
def _wide_rows(
    figures: Sequence[TargetFigure], ranking: Sequence[RankingRow]
) -> tuple[list[str], list[list[tuple[str, str | None]]]]:
    """One row per unit (in ranking order), one column per target name: the measure, coloured."""
    names: list[str] = []
    for figure in figures:
        if figure.name not in names:
            names.append(figure.name)
    cells = {(f.scope_id, f.name): f for f in figures}
    header = [_("Unit"), *names, _("Red"), _("Place")]
    rows = []
    for rank in ranking:
        row: list[tuple[str, str | None]] = [(rank.name, None)]
        for name in names:
            cell = cells.get((rank.scope_id, name))
            if cell is None:
                row.append(("", None))
            else:
                row.append((measure_text(cell), CELL_FILL.get(cell.rag)))
        row.append((str(rank.red), None))
        row.append((f"{rank.rank}/{rank.of}", None))
        rows.append(row)
    return header, rows


def _overview(doc: DocumentObject, figures: DispatchFigures) -> None:
    counts = figures.rag_counts
    total = len(figures.targets)
    _paragraph(
        doc,
        _(
            "By %(period)s, of the %(total)d targets, %(green)d are green, %(yellow)d yellow and "
            "%(red)d red; %(none)d have no figures yet."
        )
        % {
            "period": figures.period_label,
            "total": total,
            "green": counts.get(c.GREEN, 0),
            "yellow": counts.get(c.YELLOW, 0),
            "red": counts.get(c.RED, 0),
            "none": counts.get(c.NONE, 0),
        },
    )
    for number, figure in enumerate(figures.headline, start=1):
        _paragraph(doc, f"{number}. {headline_sentence(figure)}")
    states = figures.milestones
    if states:
        done = sum(1 for s in states if s.status == "done")
        late = sum(1 for s in states if s.is_overdue)
        _paragraph(
            doc,
            _("Milestone tasks: %(total)d in all, %(done)d done, %(late)d overdue.")
            % {"total": len(states), "done": done, "late": late},
        )
    if figures.source == "snapshot" and figures.snapshot is not None:
        note = _("(Dispatch figures frozen on %(date)s.)") % {
            "date": _date_text(figures.snapshot.frozen_at.date())
        }
    else:
        note = _(
            "(Live figures; %(estimated)d reports not yet in are estimated from last year's progress.)"
        ) % {"estimated": figures.estimated_units}
    _paragraph(doc, note, size=14)


def _units(
    doc: DocumentObject, figures: DispatchFigures, kind: str, ranking: list[RankingRow]
) -> None:
    targets = figures.of_scope(kind)
    if not targets:
        _paragraph(doc, _("No targets at this level."))
        return
    best = ranking[0].name if ranking else ""
    worst = ranking[-1].name if ranking else ""
    if ranking:
        _paragraph(
            doc,
            _(
                "Ranked by their lights (fewer red first, then more green, then the mean gap to "
                "time progress): %(best)s leads, %(worst)s is last."
            )
            % {"best": best, "worst": worst},
        )
    header, rows = _wide_rows(targets, ranking)
    _table(doc, header, rows)
    _paragraph(
        doc,
        _(
            "Cells: completion rate (amounts, counts), growth (growth targets) or place; green, yellow, red: the light."
        ),
        size=12,
        line=None,
    )


def _chains(doc: DocumentObject, figures: DispatchFigures) -> None:
    targets = figures.of_scope(CHAIN)
    if not targets:
        _paragraph(doc, _("No chain targets."))
        return
    header = [
        _("Chain"),
        _("Target"),
        _("Annual target"),
        figures.period_label,
        _("Completion / growth"),
        _("Gap (pp)"),
        _("Light"),
    ]
    rows = [
        [
            (f.scope_name, None),
            (f.name, None),
            (annual_text(f), None),
            (actual_text(f), None),
            (measure_text(f), None),
            (pp_text(f.gap_pp), None),
            (rag_label(f.rag), CELL_FILL.get(f.rag)),
        ]
        for f in targets
    ]
    _table(doc, header, rows)


def _problems(doc: DocumentObject, figures: DispatchFigures) -> None:
    if not figures.red_items:
        _paragraph(doc, _("No target is red and no milestone is overdue."))
        return
    for number, item in enumerate(figures.red_items, start=1):
        owner = _("Responsible: %(owner)s.") % {"owner": item.owner} if item.owner else ""
        _paragraph(doc, f"{number}. {item.title}：{item.detail}。{owner}")


NEXT_STEPS = (
    gettext_noop(
        "Red items are put on the quarterly supervision list (督办) with owners and due dates; the units concerned report their measures to catch up within ten working days."
    ),
    gettext_noop(
        "Yellow items are reminded; counties and parks analyse the causes and keep to time progress next month."
    ),
    gettext_noop(
        "Reports not yet in must be submitted before the dispatch closes; the figures are frozen as dispatched."
    ),
)


def _chart(doc: DocumentObject, rows: Sequence[Any], title: str) -> None:
    """The ranking above as a bar chart (mean gap, coloured by the worst light), if any figures."""
    from parkchain.targets.bulletin_charts import gap_chart_png

    png = gap_chart_png(rows, title=title)
    if png is None:
        return
    doc.add_picture(io.BytesIO(png), width=Cm(15))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def bulletin_docx(
    figures: DispatchFigures,
    *,
    issue: int | None = None,
    issued_on: dt.date,
    language: str = "zh-hans",
) -> bytes:
    """The 调度通报 of ``figures`` as a .docx (bytes): 版头, 一、总体情况 … 六、下步工作, 版记."""
    book = figures.book
    if book is None:
        raise ValueError("no target book: nothing to report")
    with translation.override(language):
        doc = _new_document()
        _red_header(
            doc,
            title=book.bulletin_title or book.title,
            issue=_("No. %(issue)d") % {"issue": issue or figures.period.month},
            issuer=book.issuer,
            day=issued_on,
        )
        _paragraph(
            doc,
            _("Dispatch of %(period)s") % {"period": figures.period_label},
            font=XIAOBIAOSONG,
            size=22,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=False,
            line=None,
            space_after=12,
        )
        _heading(doc, 1, pgettext("bulletin section", "Overall situation"))
        _overview(doc, figures)
        _heading(doc, 2, pgettext("bulletin section", "Counties"))
        _units(doc, figures, OrgUnitKind.COUNTY, figures.counties)
        _chart(doc, figures.counties, _("Counties: mean gap to time progress (pp)"))
        _heading(doc, 3, pgettext("bulletin section", "Parks"))
        _units(doc, figures, OrgUnitKind.PARK, figures.parks)
        _chart(doc, figures.parks, _("Parks: mean gap to time progress (pp)"))
        _heading(doc, 4, pgettext("bulletin section", "Industrial chains"))
        _chains(doc, figures)
        _chart(doc, figures.chains, _("Chains: mean gap to time progress (pp)"))
        _heading(doc, 5, pgettext("bulletin section", "Problems"))
        _problems(doc, figures)
        _heading(doc, 6, pgettext("bulletin section", "Next steps"))
        for number, step in enumerate(NEXT_STEPS, start=1):
            _subheading(doc, number, _(step))
        _record(doc, book, issued_on)
        buffer = io.BytesIO()
        doc.save(buffer)
    return buffer.getvalue()


def _record(doc: DocumentObject, book: TargetBook, day: dt.date) -> None:
    """版记: 抄送 and the printing line, between rules."""
    doc.add_paragraph()
    copy = _paragraph(
        doc,
        _("Copy to: the city's leaders, member units of the task force."),
        size=14,
        indent=False,
    )
    _rule(copy, color="000000", size=6)
    printed = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=14)
    _font(printed.add_run(book.issuer), FANGSONG, 14)
    printed.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), alignment=WD_TAB_ALIGNMENT.RIGHT)
    _font(printed.add_run("\t" + _("%(date)s printed") % {"date": _date_text(day)}), FANGSONG, 14)
    _rule(printed, color="000000", size=6)


# ---------------------------------------------------------------------------------------------
# The quarterly supervision list (督办清单)
# ---------------------------------------------------------------------------------------------
def supervision_list_docx(
    *,
    book: TargetBook,
    tasks: Sequence[SupervisionTask],
    year: int,
    quarter: int,
    issued_on: dt.date,
    language: str = "zh-hans",
    progress: Callable[[SupervisionTask], str] | None = None,
) -> bytes:
    """The 督办清单 of a quarter (landscape): one row per task with its owner, due date and status."""
    with translation.override(language):
        doc = _new_document(landscape=True)
        _paragraph(
            doc,
            _("%(year)d Q%(quarter)d supervision list") % {"year": year, "quarter": quarter},
            font=XIAOBIAOSONG,
            size=22,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=False,
            line=None,
            space_after=6,
        )
        _paragraph(
            doc,
            f"{book.issuer}　{_date_text(issued_on)}",
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=False,
            size=14,
            space_after=6,
        )
        header = [
            _("No."),
            _("Item"),
            _("Problem"),
            _("Requirement"),
            _("Responsible unit"),
            _("Responsible person"),
            _("Due on"),
            _("Status"),
        ]
        rows = []
        for number, task in enumerate(tasks, start=1):
            latest = progress(task) if progress else task.get_status_display()
            scope = task.owner_unit or task.chain
            rows.append(
                [
                    (str(number), None),
                    (task.title, None),
                    (task.issue, None),
                    (task.requirement, None),
                    (" ".join(p for p in (str(scope or ""), task.owner_department) if p), None),
                    (task.owner_person, None),
                    (_date_text(task.due_on), None),
                    (str(latest), None),
                ]
            )
        _table(doc, header, rows)
        buffer = io.BytesIO()
        doc.save(buffer)
    return buffer.getvalue()
