"""The evaluation report of a run (.docx): method, overview, distribution, league tables, lists.

Built from the same selectors as the pages, for the user asking (a county's report holds its own
enterprises only), so the document and the screen always agree.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from parkchain.evaluation.models import EvaluationRun, ResultStatus, SchemeKind
from parkchain.evaluation.selectors import (
    county_result_list,
    enterprise_result_list,
    grade_distribution,
    park_result_list,
)

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
TOP_N = 20


def docx_response(content: bytes, *, name: str) -> HttpResponse:
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"{name}_{stamp}.docx"
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"report_{stamp}.docx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(
    doc: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 14,
    bold: bool = False,
    align: Any = None,
) -> Any:
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _heading(doc: Any, text: str) -> None:
    _para(doc, text, font=HEADING_FONT, size=15)


def _table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, 10.5)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(_text(value)), BODY_FONT, 10.5)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _share(count: int, total: int) -> str:
    return f"{count / total * 100:.1f}%" if total else "—"


def run_report_docx(*, user: AbstractBaseUser | AnonymousUser, run: EvaluationRun) -> bytes:
    doc = Document()
    _para(doc, run.title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    version = run.scheme_version
    subtitle = _("%(region)s · %(year)s · %(status)s · %(source)s") % {
        "region": run.region.name,
        "year": run.year,
        "status": run.get_status_display(),
        "source": run.get_source_display(),
    }
    _para(doc, subtitle, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _heading(doc, _("1. Method"))
    _para(
        doc,
        _(
            "Scheme “%(scheme)s”, version %(version)s (definition hash %(hash)s). The results "
            "are computed from the stored input data (hash %(input)s) and reproduce exactly."
        )
        % {
            "scheme": version.scheme.name,
            "version": version.version,
            "hash": version.definition_hash[:12],
            "input": (run.input_hash or "—")[:12],
        },
    )
    definition = version.definition or {}
    if run.kind == SchemeKind.ENTERPRISE_MU:
        for group in definition.get("groups", []):
            cuts = group.get("cuts") or {}
            _para(
                doc,
                _(
                    "%(group)s: classes by rank within the pool — A up to %(a)s, B up to %(b)s, C up to %(c)s, D the rest."
                )
                % {
                    "group": group.get("label", group.get("key")),
                    "a": _pct(cuts.get("A")),
                    "b": _pct(cuts.get("B")),
                    "c": _pct(cuts.get("C")),
                },
                size=12,
            )
            _table(
                doc,
                [_("Indicator"), _("Unit"), _("Weight"), _("Method"), _("Cap (× weight)")],
                [
                    [
                        i.get("label"),
                        i.get("unit"),
                        i.get("weight"),
                        i.get("method"),
                        i.get("cap_mult"),
                    ]
                    for i in group.get("indicators", [])
                ],
            )
        _enterprise_sections(doc, user, run)
    elif run.kind == SchemeKind.PARK_FIVE_GOOD:
        _park_sections(doc, user, run)
    else:
        _county_sections(doc, user, run)
    _para(
        doc,
        _("Generated by parkchain on %(date)s.") % {"date": timezone.localdate().isoformat()},
        size=10,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    ).runs[0].font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _pct(value: Any) -> str:
    return f"{float(value) * 100:.0f}%" if value is not None else "—"


def _enterprise_sections(doc: Any, user: Any, run: EvaluationRun) -> None:
    rows = grade_distribution(user=user, run=run, by="county")
    graded = sum(r.n_graded for r in rows)
    counts = {g: sum(getattr(r, f"n_{g.lower()}") for r in rows) for g in "ABCD"}
    _heading(doc, _("2. Overview"))
    _para(
        doc,
        _(
            "%(total)s enterprises in scope, %(graded)s graded: A %(a)s (%(sa)s), B %(b)s (%(sb)s), "
            "C %(c)s (%(sc)s), D %(d)s (%(sd)s); %(exempt)s exempt, %(deferred)s deferred. Class D "
            "enterprises hold %(land).1f mu of land."
        )
        % {
            "total": sum(r.n_total for r in rows),
            "graded": graded,
            "a": counts["A"],
            "b": counts["B"],
            "c": counts["C"],
            "d": counts["D"],
            "sa": _share(counts["A"], graded),
            "sb": _share(counts["B"], graded),
            "sc": _share(counts["C"], graded),
            "sd": _share(counts["D"], graded),
            "exempt": sum(r.n_exempt for r in rows),
            "deferred": sum(r.n_deferred for r in rows),
            "land": sum(r.land_d_mu or 0 for r in rows),
        },
    )
    _heading(doc, _("3. Classes by county"))
    _table(
        doc,
        [
            _("County"),
            _("Graded"),
            "A",
            "B",
            "C",
            "D",
            _("Share of A"),
            _("Land held by class D (mu)"),
        ],
        [
            [r.name, r.n_graded, r.n_a, r.n_b, r.n_c, r.n_d, _share(r.n_a, r.n_graded), r.land_d_mu]
            for r in rows
        ],
    )
    _heading(doc, _("4. Highest scores"))
    top = enterprise_result_list(user=user, run=run, status=ResultStatus.GRADED, order="-total")[
        :TOP_N
    ]
    _table(
        doc,
        [_("Rank in pool"), _("Enterprise"), _("County"), _("Total score"), _("Class")],
        [
            [r.rank, r.enterprise.name, r.county.name if r.county_id else "", r.total, r.grade]
            for r in top
        ],
    )
    _heading(doc, _("5. Class D enterprises"))
    bottom = enterprise_result_list(user=user, run=run, grade="D", order="total")[: TOP_N * 5]
    if bottom:
        _table(
            doc,
            [_("Enterprise"), _("County"), _("Total score"), _("Class reason"), _("Land (mu)")],
            [
                [
                    r.enterprise.name,
                    r.county.name if r.county_id else "",
                    r.total,
                    r.grade_reason,
                    r.land_mu,
                ]
                for r in bottom
            ],
        )
    else:
        _para(doc, _("None."))


def _park_sections(doc: Any, user: Any, run: EvaluationRun) -> None:
    parks = list(park_result_list(user=user, run=run))
    _heading(doc, _("2. League table"))
    _table(
        doc,
        [
            _("Rank"),
            _("Park"),
            _("Peer group"),
            _("Part I (five goods)"),
            _("Part II (park economy)"),
            _("Deductions"),
            _("Vetoed"),
            _("Total score"),
        ],
        [
            [
                p.rank,
                p.park.name,
                p.peer_group,
                p.part1,
                p.part2,
                p.deductions,
                _("yes") if p.veto else "",
                p.total,
            ]
            for p in parks
        ],
    )


def _county_sections(doc: Any, user: Any, run: EvaluationRun) -> None:
    counties = list(county_result_list(user=user, run=run))
    _heading(doc, _("2. League table"))
    _table(
        doc,
        [
            _("Rank"),
            _("County"),
            _("Total score"),
            "A",
            "B",
            "C",
            "D",
            _("Land held by class D (mu)"),
        ],
        [
            [
                c.rank,
                c.county.name,
                c.total,
                *[(c.distribution or {}).get(f"n_{g}") for g in "abcd"],
                (c.distribution or {}).get("land_d_mu"),
            ]
            for c in counties
        ],
    )
