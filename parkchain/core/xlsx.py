"""Excel export: one styled sheet from column specs and rows (Chinese headers, frozen header, number formats)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from parkchain.core.downloads import attachment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Number formats used by the column specs of every app.
INTEGER = "#,##0"
DECIMAL_1 = "#,##0.0"
DECIMAL_2 = "#,##0.00"
DATE = "yyyy-mm-dd"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")
_HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    """One exported column: its header (translated), width in characters and Excel number format."""

    header: str | Promise
    width: float = 14
    number_format: str | None = None


def _cell(ws: WriteOnlyWorksheet, value: Any, number_format: str | None) -> Cell:
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a name like "=SUM(...)" is text, never a formula (formula injection)
    if number_format and value is not None and not isinstance(value, str):
        cell.number_format = number_format
    return cell


def rows_to_xlsx(
    sheet_title: str | Promise, columns: Sequence[Column], rows: Iterable[Sequence[object]]
) -> bytes:
    """Write ``rows`` under a bold, frozen header row; streams rows (write-only workbook) for large lists."""
    workbook = Workbook(write_only=True)
    # Excel forbids []:*?/\ in sheet titles and allows 31 characters.
    title = "".join(ch for ch in str(sheet_title) if ch not in "[]:*?/\\")[:31] or "Sheet1"
    ws = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, str(column.header))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGNMENT
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append(
            [
                _cell(ws, value, column.number_format)
                for value, column in zip(row, columns, strict=True)
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, *, name: str | Promise) -> HttpResponse:
    """An attachment named ``<name>_<YYYYMMDD>.xlsx``; the Chinese name travels RFC 5987-encoded."""
    return attachment(
        content, content_type=XLSX_CONTENT_TYPE, name=name, extension="xlsx", fallback="export"
    )
