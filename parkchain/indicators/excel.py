"""Excel for report forms: the template (填报模板), reading uploads, and the error workbook.

Reading is python-calamine (fast, .xlsx and .xls) or the csv module (utf-8-sig, then GB 18030 —
a superset of GBK, what Excel on Chinese Windows writes). openpyxl is used only for what calamine
cannot tell — whether a cell holds a formula — and for writing templates and error workbooks.

Headers match tolerantly: full-width characters become half-width (NFKC), spaces go, the unit
may be declared in any bracket （）()【】[] or after a slash, and a declared unit other than the
registry's converts (元 → 万元 divides by 10,000), which the preview states.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parkchain.indicators.models import ANNUAL, FormItem, Level, MeasureUnit, ReportForm
from parkchain.indicators.validation import Issue

DATA_SHEET = "数据"
INSTRUCTIONS_SHEET = "说明"
CREDIT_HEADER = "统一社会信用代码"
NAME_HEADER = "企业名称"
PARK_HEADER = "园区名称"
PERIOD_HEADER = "报告期"
ERROR_HEADER = "错误说明"
KEYWORDS_PREFIX = "parkchain"

CREDIT_ALIASES = ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "credit_code")
NAME_ALIASES = ("企业名称", "单位名称", "企业", "名称", "name")
PARK_ALIASES = ("园区名称", "园区", "park")
PERIOD_ALIASES = ("报告期", "月份", "年月", "期间", "period")
IGNORED_HEADERS = ("备注", "说明", "错误说明", "序号", "note")

UNIT_LABELS: dict[str, str] = {
    MeasureUnit.WAN_YUAN: "万元",
    MeasureUnit.YI_YUAN: "亿元",
    MeasureUnit.WAN_USD: "万美元",
    MeasureUnit.PERSON: "人",
    MeasureUnit.WAN_KWH: "万千瓦时",
    MeasureUnit.TCE: "吨标准煤",
    MeasureUnit.TONNE: "吨",
    MeasureUnit.COUNT: "个",
    MeasureUnit.PERCENT: "%",
    MeasureUnit.MU: "亩",
    MeasureUnit.SCORE: "分",
}

# Declared unit → (multiply, divide) to reach the registry unit. Keys are normalised (lower case).
CONVERSIONS: dict[str, dict[str, tuple[float, float]]] = {
    MeasureUnit.WAN_YUAN: {
        "万元": (1, 1),
        "元": (1, 10_000),
        "千元": (1, 10),
        "百万元": (100, 1),
        "亿元": (10_000, 1),
    },
    MeasureUnit.YI_YUAN: {"亿元": (1, 1), "万元": (1, 10_000), "元": (1, 100_000_000)},
    MeasureUnit.WAN_USD: {"万美元": (1, 1), "美元": (1, 10_000)},
    MeasureUnit.PERSON: {"人": (1, 1), "人数": (1, 1)},
    MeasureUnit.WAN_KWH: {
        "万千瓦时": (1, 1),
        "万kwh": (1, 1),
        "万度": (1, 1),
        "千瓦时": (1, 10_000),
        "kwh": (1, 10_000),
        "度": (1, 10_000),
    },
    MeasureUnit.TCE: {
        "吨标准煤": (1, 1),
        "吨标煤": (1, 1),
        "tce": (1, 1),
        "万吨标准煤": (10_000, 1),
    },
    MeasureUnit.TONNE: {"吨": (1, 1), "万吨": (10_000, 1)},
    MeasureUnit.COUNT: {"个": (1, 1), "项": (1, 1), "家": (1, 1), "件": (1, 1)},
    MeasureUnit.PERCENT: {"%": (1, 1)},
    MeasureUnit.MU: {"亩": (1, 1)},
    MeasureUnit.SCORE: {"分": (1, 1)},
}

EMPTY_MARKERS = frozenset({"", "-", "—", "--", "/", "无"})
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")
_BRACKETS = re.compile(r"^(.*?)\s*[(\[【〔]\s*(.*?)\s*[)\]】〕]\s*$")
_SLASH = re.compile(r"^(.*?)\s*/\s*(.+)$")
_PERIOD_TEXT = re.compile(r"^\s*(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月)?\s*$")
_KEYWORDS = re.compile(r"<cp:keywords>([^<]*)</cp:keywords>")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def normalise_header(text: object) -> str:
    """Half-width (NFKC), no spaces, lower case: "营业收入（万元）" → "营业收入(万元)"."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", value).lower()


def split_unit(header: str) -> tuple[str, str | None]:
    """("营业收入", "万元") from a normalised header with the unit in brackets or after a slash."""
    match = _BRACKETS.match(header) or _SLASH.match(header)
    if match:
        return match.group(1), match.group(2) or None
    return header, None


def unit_label(unit: str) -> str:
    return UNIT_LABELS.get(unit, unit)


def indicator_header(item: FormItem) -> str:
    indicator = item.indicator
    return f"{indicator.name}（{unit_label(indicator.unit)}）"


def period_text(year: int, month: int) -> str:
    return f"{year}年" if month == ANNUAL else f"{year}年{month}月"


# -------------------------------------------------------------------------------------------------
# Template
# -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateRow:
    key: str  # credit code (enterprise forms) or park name (park forms)
    name: str


def template_build(
    *,
    form: ReportForm,
    items: Sequence[FormItem],
    rows: Sequence[TemplateRow],
    year: int,
    month: int,
    due_on: dt.date,
    rules: Sequence[str] = (),
) -> bytes:
    """The .xlsx template of ``form`` for a period: a 数据 sheet prefilled with ``rows`` and a 说明 sheet.

    The period travels in the workbook keywords (``parkchain form=<code> period=<y>-<m>``) and in
    the instructions, so an upload of the wrong month is caught.
    """
    workbook = Workbook()
    ws = workbook.worksheets[0]
    ws.title = DATA_SHEET
    is_park = form.level == Level.PARK
    keys = [PARK_HEADER] if is_park else [CREDIT_HEADER, NAME_HEADER]
    headers = keys + [indicator_header(item) for item in items]
    ws.append(headers)
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = max(14, len(header) * 2 + 2)
    if not is_park:
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 32
    for row in rows:
        ws.append([row.key] if is_park else [row.key, row.name])
    ws.freeze_panes = f"{get_column_letter(len(keys) + 1)}2"
    last_row = max(len(rows) + 1, 1000)
    # credit codes are text: leading zeros and 18 characters must survive Excel
    if not is_park:
        for (cell,) in ws.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=1, max_col=1):
            cell.number_format = "@"
    for offset, item in enumerate(items):
        letter = get_column_letter(len(keys) + 1 + offset)
        indicator = item.indicator
        if indicator.non_negative:
            validation = DataValidation(
                type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
            )
            validation.error = _("Enter a number of zero or more, in %(unit)s.") % {
                "unit": unit_label(indicator.unit)
            }
        else:
            validation = DataValidation(
                type="decimal",
                operator="between",
                formula1="-1E+15",
                formula2="1E+15",
                allow_blank=True,
            )
            validation.error = _("Enter a number, in %(unit)s.") % {
                "unit": unit_label(indicator.unit)
            }
        validation.errorTitle = indicator.name
        validation.showErrorMessage = True
        ws.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last_row}")
        if indicator.description:
            ws[f"{letter}1"].comment = Comment(indicator.description, "parkchain")

    notes = workbook.create_sheet(INSTRUCTIONS_SHEET)
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 90
    lines: list[tuple[str, str]] = [
        (_("Form"), f"{form.name}（{form.code}）"),
        (_("Period"), period_text(year, month)),
        (_("Due"), due_on.isoformat()),
        (
            _("How to fill"),
            _(
                "Fill the sheet “%(sheet)s” only: one row per unit, keep the header row as it is, "
                "no merged cells, numbers only (no formulas, no text). Leave a cell empty when "
                "there is nothing to report."
            )
            % {"sheet": DATA_SHEET},
        ),
        (
            _("Units"),
            _(
                "Amounts in the unit in brackets. You may write 元 in the header instead of 万元: "
                "the values are then divided by 10,000."
            ),
        ),
    ]
    if form.instructions:
        lines.append((_("Notes"), form.instructions))
    for item in items:
        ind = item.indicator
        text = f"{unit_label(ind.unit)}；" + ("本年累计；" if ind.is_ytd else "")
        text += _("required") if item.required else _("optional")
        if ind.description:
            text += f"；{ind.description}"
        lines.append((ind.name, text))
    for rule in rules:
        lines.append((_("Rule"), rule))
    for row_index, (label, text) in enumerate(lines, start=1):
        notes.cell(row=row_index, column=1, value=label).font = Font(bold=True)
        notes.cell(row=row_index, column=2, value=text).alignment = Alignment(wrap_text=True)
    workbook.properties.keywords = f"{KEYWORDS_PREFIX} form={form.code} period={year}-{month:02d}"
    workbook.properties.title = f"{form.name} {period_text(year, month)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -------------------------------------------------------------------------------------------------
# Reading
# -------------------------------------------------------------------------------------------------
class FileProblem(Exception):  # noqa: N818  # not an error of ours: the file cannot be read
    """The upload cannot be read at all; ``issue`` says why and how to fix it."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def _file_issue(message: str, fix: str, sheet: str | None = None) -> FileProblem:
    return FileProblem(Issue(sheet, None, None, None, message, fix))


@dataclass
class Table:
    """One sheet as rows of Python values ("" for empty cells), with what calamine cannot say."""

    kind: str  # "xlsx", "xls" or "csv"
    sheet: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r0,c0,r1,c1
    formulas: set[tuple[int, int]] = field(default_factory=set)  # 0-based (row, column)
    keywords: str = ""


def detect_kind(content: bytes, filename: str) -> str:
    """ "xlsx", "xls", "csv" or raise FileProblem (empty, encrypted, not a spreadsheet)."""
    if not content:
        raise _file_issue(
            _("The file is empty."), _("Fill in the template and save it before uploading.")
        )
    if content.startswith(OLE_MAGIC):
        # an encrypted .xlsx is an OLE compound file holding EncryptionInfo + EncryptedPackage
        if "EncryptionInfo".encode("utf-16-le") in content or b"EncryptedPackage" in content:
            raise _password_problem()
        return "xls"
    if content.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise _not_a_spreadsheet(filename)
    if filename.lower().endswith((".csv", ".txt")) and b"\x00" not in content[:4096]:
        return "csv"
    raise _not_a_spreadsheet(filename)


def _password_problem() -> FileProblem:
    return _file_issue(
        _("The workbook is password-protected."),
        _("Remove the password (文件→信息→保护工作簿) and upload again."),
    )


def _not_a_spreadsheet(filename: str) -> FileProblem:
    return _file_issue(
        _("“%(name)s” is not a spreadsheet.") % {"name": filename},
        _("Upload the filled-in template as .xlsx (or .xls or .csv)."),
    )


def read_table(content: bytes, filename: str, *, key_aliases: Sequence[str]) -> Table:
    """The sheet to import: the one named 数据, else the first whose first rows carry a key header."""
    kind = detect_kind(content, filename)
    if kind == "csv":
        return Table(kind="csv", sheet=filename.rsplit("/", 1)[-1], rows=_read_csv(content))
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except python_calamine.PasswordError as err:
        raise _password_problem() from err
    except Exception as err:  # calamine raises several types for unreadable files
        raise _not_a_spreadsheet(filename) from err
    names = list(workbook.sheet_names)
    chosen: str | None = DATA_SHEET if DATA_SHEET in names else None
    sheets: dict[str, Any] = {}
    if chosen is None:
        wanted = {normalise_header(a) for a in key_aliases}
        for name in names:
            if name in (INSTRUCTIONS_SHEET, ERROR_HEADER):
                continue
            sheet = workbook.get_sheet_by_name(name)
            head = sheet.to_python(skip_empty_area=False, nrows=10)
            if any(split_unit(normalise_header(v))[0] in wanted for row in head for v in row):
                chosen = name
                sheets[name] = sheet
                break
        chosen = chosen or (names[0] if names else None)
    if chosen is None:
        raise _file_issue(_("The workbook has no sheets."), _("Upload the filled-in template."))
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the formula scan inflates the sheet's XML a second time: zlib lets go of the GIL, so
        # it runs beside calamine's parse instead of after it (a third of a second at 100k rows)
        extras = (
            pool.submit(_xlsx_extras, content, chosen, names.index(chosen))
            if kind == "xlsx"
            else None
        )
        sheet = sheets.get(chosen) or workbook.get_sheet_by_name(chosen)
        rows = sheet.to_python(skip_empty_area=False)
        merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
        table = Table(kind=kind, sheet=chosen, rows=rows, merged=merged)
        if extras is not None:
            table.formulas, table.keywords = extras.result()
    return table


def _xlsx_extras(content: bytes, sheet_name: str, index: int) -> tuple[set[tuple[int, int]], str]:
    """Formula cells of the sheet (openpyxl, only when the XML has any) and the workbook keywords."""
    keywords = ""
    has_formulas = False
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        if "docProps/core.xml" in names:
            match = _KEYWORDS.search(archive.read("docProps/core.xml").decode("utf-8", "replace"))
            keywords = match.group(1) if match else ""
        for name in names:
            # <f>, <f t="shared" …/>: a formula; <formula1> of data validations does not count
            is_sheet = name.startswith("xl/worksheets/sheet") and name.endswith(".xml")
            if is_sheet and re.search(rb"<f[ >/]", archive.read(name)):
                has_formulas = True
                break
    if not has_formulas:
        return set(), keywords
    formulas: set[tuple[int, int]] = set()
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        ws = workbook[sheet_name]
        for r, row in enumerate(ws.iter_rows()):
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    formulas.add((r, (cell.column or 1) - 1))
    finally:
        workbook.close()
    return formulas, keywords


def _read_csv(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise _not_a_spreadsheet("csv")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def keywords_period(keywords: str) -> tuple[str, int, int] | None:
    """(form code, year, month) from a template's keywords, or None for other workbooks."""
    match = re.match(
        rf"^{KEYWORDS_PREFIX} form=(\S+) period=(\d{{4}})-(\d{{2}})$", keywords.strip()
    )
    if not match:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


# -------------------------------------------------------------------------------------------------
# Cells
# -------------------------------------------------------------------------------------------------
class CellError(ValueError):
    """A cell cannot be read as a number: ``kind`` is "text", "date" or "bool"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def parse_number(value: Any) -> float | None:
    """A cell as a number (None when empty); numbers stored as text ("1,234.5") are accepted."""
    if value is None:
        return None
    kind = type(value)
    if kind is float or kind is int:
        number = float(value)
        if math.isfinite(number):
            return number
        raise CellError("text")
    if kind is str:
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
        if text in EMPTY_MARKERS:
            return None
        try:
            number = float(text)
        except ValueError:
            raise CellError("text") from None
        if not math.isfinite(number):
            raise CellError("text")
        return number
    if kind is bool:
        raise CellError("bool")
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        raise CellError("date")
    raise CellError("text")


def parse_period(value: Any) -> tuple[int, int] | None:
    """(year, month) from "2026-03", "2026年3月", "2026/3", a date cell or 202603; None if unreadable."""
    if isinstance(value, dt.datetime | dt.date):
        return value.year, value.month
    if isinstance(value, float | int) and not isinstance(value, bool):
        number = int(value)
        if 190001 <= number <= 210012:
            return number // 100, number % 100
        return None
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    match = _PERIOD_TEXT.match(text)
    if match:
        return int(match.group(1)), int(match.group(2))
    return None


def cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def cell_ref(row0: int, col0: int) -> str:
    return f"{get_column_letter(col0 + 1)}{row0 + 1}"


# -------------------------------------------------------------------------------------------------
# Error workbook
# -------------------------------------------------------------------------------------------------
def error_workbook(
    *, content: bytes, filename: str, kind: str, sheet: str | None, issues: Sequence[Issue]
) -> bytes:
    """The user's own workbook (or an .xlsx copy of a .csv/.xls) with an 错误说明 column and
    highlighted cells: red for errors, yellow for warnings. File-level issues go on row 1."""
    if kind == "xlsx":
        workbook = load_workbook(io.BytesIO(content))
        ws = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
    else:
        table = read_table(content, filename, key_aliases=CREDIT_ALIASES + PARK_ALIASES)
        workbook = Workbook()
        ws = workbook.worksheets[0]
        ws.title = (table.sheet or DATA_SHEET)[:31]
        for row in table.rows:
            ws.append([None if v == "" else v for v in row])
    error_col = ws.max_column + 1
    for col in range(1, ws.max_column + 1):
        if normalise_header(ws.cell(row=1, column=col).value) == normalise_header(ERROR_HEADER):
            error_col = col  # a re-upload of an error workbook: reuse its column
            break
    header = ws.cell(row=1, column=error_col, value=ERROR_HEADER)
    header.font = Font(bold=True, color="9C0006")
    ws.column_dimensions[get_column_letter(error_col)].width = 60
    by_row: dict[int, list[Issue]] = {}
    for issue in issues:
        by_row.setdefault(issue.row or 1, []).append(issue)
    for row_number, row_issues in by_row.items():
        texts = []
        for issue in row_issues:
            prefix = f"{issue.column}: " if issue.column else ""
            texts.append(f"{prefix}{issue.message} {issue.fix}".strip())
            if issue.column:
                cell = ws[f"{issue.column}{row_number}"]
                if not isinstance(cell, tuple):
                    cell.fill = ERROR_FILL if issue.is_error else WARNING_FILL
        target = ws.cell(row=row_number, column=error_col)
        target.value = "\n".join(texts)
        target.alignment = Alignment(wrap_text=True, vertical="top")
        target.fill = ERROR_FILL if any(i.is_error for i in row_issues) else WARNING_FILL
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
