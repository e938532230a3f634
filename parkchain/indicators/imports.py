"""Excel/CSV import batches (导入批次): create → validate (every cell) → preview → apply atomically → roll back.

* ``batch_create`` stores the upload (hash, size, the uploader's unit, the period) — refuses empty
  files and files over ``settings.IMPORT_MAX_MB`` before storing anything.
* ``batch_validate`` reads the file, checks every header, cell and row (credit codes with their
  check character, scope — a code outside the scope answers exactly like an unknown one —,
  duplicates, the calendar, the rules through ``engine.validation``) and builds the preview: new /
  changed / unchanged counts and a sample of old → new. It writes nothing but the batch row; the
  parsed values are staged next to the file (Parquet) for ``batch_apply``.
* ``batch_apply`` re-checks scope, calendar and rules against the values stored *now*, then writes
  all new and changed values, a revision per changed value (a creation is recorded on the
  observation: created_by / created_at / created_batch) and the submissions in one transaction.
  Unchanged values write nothing, so re-importing a file changes nothing.
* ``batch_rollback`` restores every old value from the batch's revisions and deletes the values
  it created (``Observation.created_batch``), unless a later change touched one of them (it says
  which).

Bulk writes are plain SQL through ``executemany`` (the same on SQLite and PostgreSQL): INSERT for
new values, UPDATE by id for changed ones (both known from the stored values read in the same
transaction; a concurrent writer of the same cell makes the transaction fail, writing nothing),
``INSERT … ON CONFLICT DO UPDATE`` for rollbacks. Django's ``bulk_create(update_conflicts=True)``
issues the upsert too, but instantiating 900,000 model objects costs more than the whole import,
and on SQLite the upsert costs twice a plain insert per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engine.columns import MONTH, ROW, UNIT_ID, YEAR
from engine.validation import CONFIRM, ERROR, validation_issues
from parkchain.core.errors import ApplicationError
from parkchain.enterprises import credit_code as credit_codes
from parkchain.enterprises.selectors import enterprise_list
from parkchain.indicators import excel
from parkchain.indicators.calendar import (
    PeriodState,
    period_state,
    period_unlocks,
    period_window,
    unlock_covers,
)
from parkchain.indicators.models import (
    BatchStatus,
    FormItem,
    ImportBatch,
    Level,
    Observation,
    ObservationRevision,
    ReportForm,
    Source,
    Submission,
    SubmissionStatus,
)
from parkchain.indicators.services import period_problem
from parkchain.indicators.validation import (
    Issue,
    form_items,
    form_rules,
    issues_from_frame,
)
from parkchain.organisations.models import OrgUnit
from parkchain.organisations.scopes import scope_for
from parkchain.organisations.selectors import park_list

INLINE_MAX_ROWS = 2_000  # smaller files are validated and applied in the request
PROGRESS_EVERY = 5_000  # rows between progress updates of the batch row
MAX_STORED_ISSUES = 20_000  # issues kept on the batch (all are counted)
SAMPLE_SIZE = 20  # diff rows shown in the preview
INDICATOR_ID = "indicator_id"
NEW = "new_value"
OLD = "old_value"
OLD_BATCH = "old_batch_id"
OBS_ID = "observation_id"

BATCH_NOT_READY = _("Batch #%(pk)s cannot be applied: it is “%(status)s”.")
BATCH_NOT_APPLIED = _("Batch #%(pk)s cannot be rolled back: it is “%(status)s”.")


# -------------------------------------------------------------------------------------------------
# create
# -------------------------------------------------------------------------------------------------
def actor_unit(actor: AbstractBaseUser) -> OrgUnit | None:
    """The unit an actor imports for: his highest writable unit (the city for city admins)."""
    scope = scope_for(actor)
    if scope.everything:
        return None
    if not scope.write_paths:
        raise PermissionDenied
    return (
        OrgUnit.objects.filter(path__in=scope.write_paths).order_by("path").first()
    )  # path order: the shortest (highest) first for one tree


@transaction.atomic
def batch_create(
    *,
    actor: AbstractBaseUser,
    form: ReportForm,
    upload: Any,
    year: int,
    month: int,
    original_name: str | None = None,
) -> ImportBatch:
    """Store an upload as a batch for ``form`` and period; refuse empty or oversized files."""
    scope_unit = actor_unit(actor)
    name = original_name or getattr(upload, "name", "") or "upload.xlsx"
    limit = settings.IMPORT_MAX_MB * 1024 * 1024
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ApplicationError(_file_too_large(size, limit))
    content = upload if isinstance(upload, bytes) else upload.read()
    if len(content) > limit:
        raise ApplicationError(_file_too_large(len(content), limit))
    if not content:
        raise ApplicationError(
            _("The file “%(name)s” is empty. Fill in the template and save it before uploading.")
            % {"name": name}
        )
    batch = ImportBatch(
        form=form,
        source=Source.EXCEL,
        uploaded_by_id=actor.pk,
        scope_unit=scope_unit,
        year=year,
        month=month,
        original_name=name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
    )
    batch.full_clean(exclude=["file"])
    batch.file.save(name.rsplit("/", 1)[-1], ContentFile(content), save=False)
    batch.save()
    return batch


def _file_too_large(size: int, limit: int) -> str:
    return _(
        "The file is %(size).1f MB; the limit is %(limit)s MB. Split it (e.g. by county or by month) "
        "and upload the parts."
    ) % {"size": size / 1024 / 1024, "limit": limit // 1024 // 1024}


# -------------------------------------------------------------------------------------------------
# reading and checking
# -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColumnSpec:
    code: str
    index: int
    letter: str
    header: str
    multiply: float = 1
    divide: float = 1

    @property
    def factor(self) -> float:
        return self.multiply / self.divide


@dataclass
class Target:
    """A unit rows may be reported for: org unit, registered name, path."""

    unit_id: int
    name: str
    path: str


@dataclass
class Checked:
    """Everything ``_check`` finds: issues, the good rows as a wide frame, and what the preview says."""

    issues: list[Issue] = field(default_factory=list)
    frame: pl.DataFrame | None = None
    sheet: str | None = None
    kind: str = ""
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    conversions: list[str] = field(default_factory=list)
    rows: int = 0
    skipped_empty: int = 0
    names: dict[int, str] = field(default_factory=dict)  # unit id → registered name


def _targets(actor: AbstractBaseUser, form: ReportForm) -> dict[str, Target]:
    """Units the actor may report ``form`` for, keyed by credit code (park forms: normalised park name).

    Built from the scoped selectors, so a unit outside the scope is simply not there: its code reads
    exactly like an unknown code.
    """
    scope = scope_for(actor)
    targets: dict[str, Target] = {}
    if form.level == Level.PARK:
        for park in park_list(user=actor).select_related("org_unit"):
            if not scope.can_write(park.org_unit):
                continue
            target = Target(park.org_unit_id, park.name, park.org_unit.path)
            targets[excel.normalise_header(park.name)] = target
            if park.short_name:
                targets.setdefault(excel.normalise_header(park.short_name), target)
        return targets
    rows = (
        enterprise_list(user=actor)
        .order_by()
        .values_list("credit_code", "org_unit_id", "name", "org_unit__path")
    )
    for code, unit_id, name, path in rows:
        if _writes(scope, path):
            targets[code] = Target(unit_id, name, path)
    return targets


def _writes(scope: Any, path: str) -> bool:
    return bool(scope.everything or any(path.startswith(p) for p in scope.write_paths))


def _key_aliases(form: ReportForm) -> tuple[str, ...]:
    return excel.PARK_ALIASES if form.level == Level.PARK else excel.CREDIT_ALIASES


def _find_header_row(rows: list[list[Any]], aliases: Sequence[str]) -> int | None:
    wanted = {excel.normalise_header(a) for a in aliases}
    for index, row in enumerate(rows[:10]):
        for value in row:
            name, _unit = excel.split_unit(excel.normalise_header(value))
            if name in wanted:
                return index
    return None


def _match_indicator(header: str, items: Sequence[FormItem]) -> tuple[FormItem, str | None] | None:
    """(item, declared unit) when the normalised ``header`` names an indicator of the form."""
    candidates: list[tuple[str, FormItem]] = []
    for item in items:
        candidates.append((excel.normalise_header(item.indicator.name), item))
        candidates.append((excel.normalise_header(item.indicator.code), item))
    candidates.sort(key=lambda c: len(c[0]), reverse=True)
    for name, item in candidates:
        if not header.startswith(name):
            continue
        rest = header[len(name) :]
        if not rest:
            return item, None
        _empty, unit = excel.split_unit(rest)
        if _empty == "" and unit:
            return item, unit
        if rest.startswith("/") and rest[1:]:
            return item, rest[1:]
        if rest in {
            excel.normalise_header(k) for k in excel.CONVERSIONS.get(item.indicator.unit, {})
        }:
            return item, rest
    return None


@dataclass
class HeaderMap:
    row: int  # 0-based index of the header row
    key: int
    name: int | None = None
    period: int | None = None
    columns: dict[str, ColumnSpec] = field(default_factory=dict)


def _match_headers(
    header: list[Any],
    header_row: int,
    items: Sequence[FormItem],
    form: ReportForm,
    sheet: str,
    issues: list[Issue],
    conversions: list[str],
) -> HeaderMap | None:
    key_names = {excel.normalise_header(a) for a in _key_aliases(form)}
    name_names = {excel.normalise_header(a) for a in excel.NAME_ALIASES}
    period_names = {excel.normalise_header(a) for a in excel.PERIOD_ALIASES}
    ignored = {excel.normalise_header(a) for a in excel.IGNORED_HEADERS}
    mapping = HeaderMap(row=header_row, key=-1)
    excel_row = header_row + 1
    expected = ", ".join(excel.indicator_header(item) for item in items)
    for index, raw in enumerate(header):
        text = excel.normalise_header(raw)
        letter = excel.cell_ref(0, index).rstrip("0123456789")
        if not text:
            continue
        bare, _unit = excel.split_unit(text)
        if bare in key_names and mapping.key < 0:
            mapping.key = index
            continue
        if bare in name_names and mapping.name is None and form.level != Level.PARK:
            mapping.name = index
            continue
        if bare in period_names and mapping.period is None:
            mapping.period = index
            continue
        if bare in ignored:
            continue
        matched = _match_indicator(text, items)
        if matched is None:
            issues.append(
                Issue(
                    sheet,
                    excel_row,
                    letter,
                    None,
                    _("Column %(column)s “%(header)s” is not an indicator of “%(form)s”.")
                    % {"column": letter, "header": str(raw).strip(), "form": form.name},
                    _("Use the headers of the template: %(expected)s.") % {"expected": expected},
                )
            )
            continue
        item, declared = matched
        code = item.indicator.code
        registry_unit = excel.unit_label(item.indicator.unit)
        multiply, divide = 1.0, 1.0
        if declared is not None:
            table = {
                excel.normalise_header(k): v
                for k, v in excel.CONVERSIONS.get(item.indicator.unit, {}).items()
            }
            factor = table.get(excel.normalise_header(declared))
            if factor is None:
                issues.append(
                    Issue(
                        sheet,
                        excel_row,
                        letter,
                        code,
                        _(
                            "Column %(column)s declares the unit “%(unit)s”; %(indicator)s is in %(registry)s."
                        )
                        % {
                            "column": letter,
                            "unit": declared,
                            "indicator": item.indicator.name,
                            "registry": registry_unit,
                        },
                        _("Write the values in %(registry)s and the header as in the template.")
                        % {"registry": registry_unit},
                    )
                )
                continue
            multiply, divide = float(factor[0]), float(factor[1])
            if (multiply, divide) != (1.0, 1.0):
                verb = (
                    _("divided by %(n)s") % {"n": f"{divide:,.0f}"}
                    if divide != 1
                    else _("multiplied by %(n)s") % {"n": f"{multiply:,.0f}"}
                )
                conversions.append(
                    _(
                        "Column %(column)s “%(indicator)s” is in %(unit)s: values %(verb)s to %(registry)s."
                    )
                    % {
                        "column": letter,
                        "indicator": item.indicator.name,
                        "unit": declared,
                        "verb": verb,
                        "registry": registry_unit,
                    }
                )
        if code in mapping.columns:
            issues.append(
                Issue(
                    sheet,
                    excel_row,
                    letter,
                    code,
                    _("Column %(column)s repeats %(indicator)s (already in column %(first)s).")
                    % {
                        "column": letter,
                        "indicator": item.indicator.name,
                        "first": mapping.columns[code].letter,
                    },
                    _("Keep one column per indicator."),
                )
            )
            continue
        mapping.columns[code] = ColumnSpec(code, index, letter, str(raw).strip(), multiply, divide)
    if mapping.key < 0:
        key_header = excel.PARK_HEADER if form.level == Level.PARK else excel.CREDIT_HEADER
        issues.append(
            Issue(
                sheet,
                excel_row,
                None,
                None,
                _("The header row has no column “%(header)s”.") % {"header": key_header},
                _("Use the template: its first row holds “%(header)s” and the indicators.")
                % {"header": key_header},
            )
        )
        return None
    for item in items:
        if item.required and item.indicator.code not in mapping.columns:
            issues.append(
                Issue(
                    sheet,
                    excel_row,
                    None,
                    item.indicator.code,
                    _("The column “%(header)s” is missing.")
                    % {"header": excel.indicator_header(item)},
                    _("Add the column (copy the header from the template)."),
                )
            )
    return mapping


def _credit_problem(raw: str, sheet: str, row: int, letter: str) -> Issue | None:
    try:
        credit_codes.validate(raw)
    except credit_codes.CreditCodeError as err:
        if err.reason == "check_digit":
            message = _(
                "The check character (18th) of the credit code “%(code)s” is wrong: it should be “%(expected)s”."
            ) % {"code": raw, "expected": err.expected}
            fix = _(
                "Check the code against the business licence (营业执照); a character was mistyped."
            )
        elif err.reason == "length":
            message = _("The credit code “%(code)s” has %(n)s characters, not 18.") % {
                "code": raw,
                "n": len(credit_codes.normalise(raw)),
            }
            fix = _("Check for a missing or extra character.")
        else:
            message = _(
                "The credit code “%(code)s” contains “%(bad)s”, which credit codes never use."
            ) % {
                "code": raw,
                "bad": err.expected,
            }
            fix = _("Credit codes use digits and capitals except I, O, Z, S, V; correct the code.")
        return Issue(sheet, row, letter, None, message, fix)
    return None


class _Progress:
    def __init__(
        self, batch: ImportBatch | None, total: int, note: str, start: int, end: int
    ) -> None:
        self.batch, self.total, self.note, self.start, self.end = (
            batch,
            max(total, 1),
            note,
            start,
            end,
        )

    def __call__(self, done: int) -> None:
        if self.batch is None or self.batch.pk is None:
            return
        percent = self.start + (self.end - self.start) * done // self.total
        ImportBatch.objects.filter(pk=self.batch.pk).update(
            progress=percent, progress_note=f"{self.note} {done:,}/{self.total:,}"
        )


def _set_progress(batch: ImportBatch, percent: int, note: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(progress=percent, progress_note=note[:200])


def _check(
    *,
    batch: ImportBatch,
    actor: AbstractBaseUser,
    content: bytes,
    today: dt.date,
    report: bool,
) -> Checked:
    """Read and check the whole file (every cell, every row); no writes except progress."""
    form = batch.form
    year, month = int(batch.year or 0), int(batch.month or 0)
    checked = Checked()
    try:
        table = excel.read_table(content, batch.original_name, key_aliases=_key_aliases(form))
    except excel.FileProblem as problem:
        checked.issues.append(problem.issue)
        return checked
    sheet = table.sheet
    checked.sheet, checked.kind = sheet, table.kind
    issues = checked.issues
    rows = table.rows
    if not any(any(v not in ("", None) for v in row) for row in rows):
        issues.append(
            Issue(
                sheet,
                None,
                None,
                None,
                _("The sheet “%(sheet)s” is empty.") % {"sheet": sheet},
                _("Fill in the template and save it before uploading."),
            )
        )
        return checked
    aliases = _key_aliases(form)
    header_row = _find_header_row(rows, aliases)
    items = form_items(form)
    if header_row is None:
        key_header = excel.PARK_HEADER if form.level == Level.PARK else excel.CREDIT_HEADER
        issues.append(
            Issue(
                sheet,
                1,
                None,
                None,
                _("No header row with “%(header)s” in the first 10 rows.") % {"header": key_header},
                _(
                    "Use the template: its first row holds “%(header)s”, the name and the indicators."
                )
                % {"header": key_header},
            )
        )
        return checked
    mapping = _match_headers(
        rows[header_row], header_row, items, form, sheet, issues, checked.conversions
    )
    for r0, c0, r1, c1 in table.merged:
        if r1 < header_row:
            continue  # a merged title above the header row is harmless
        span = f"{excel.cell_ref(r0, c0)}:{excel.cell_ref(r1, c1)}"
        issues.append(
            Issue(
                sheet,
                r0 + 1,
                excel.cell_ref(0, c0).rstrip("0123456789"),
                None,
                _("Cells %(span)s are merged.") % {"span": span},
                _("Unmerge them (开始→合并后居中) and fill every cell."),
            )
        )
    if mapping is None:
        return checked
    checked.columns = mapping.columns
    covered = {  # cells hidden under a merge: reported once, with the merge
        (r, c)
        for r0, c0, r1, c1 in table.merged
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
        if (r, c) != (r0, c0)
    }
    by_code = {item.indicator.code: item for item in items}

    # the template's own period against the one chosen on upload
    template_period = excel.keywords_period(table.keywords)
    if mapping.period is None and template_period is not None:
        code, t_year, t_month = template_period
        if code == form.code and (t_year, t_month) != (year, month):
            issues.append(
                Issue(
                    sheet,
                    None,
                    None,
                    None,
                    _("This template is for %(template)s, but you chose %(chosen)s.")
                    % {
                        "template": excel.period_text(t_year, t_month),
                        "chosen": excel.period_text(year, month),
                    },
                    _("Choose the period of the template, or download the template of %(chosen)s.")
                    % {"chosen": excel.period_text(year, month)},
                )
            )
            return checked

    targets = _targets(actor, form)
    states: dict[tuple[int, int], tuple[PeriodState, list[Any]]] = {}

    def state_of(period: tuple[int, int]) -> tuple[PeriodState, list[Any]]:
        if period not in states:
            unlocks = period_unlocks(form, period[0], period[1], today)
            states[period] = (
                period_state(form, period[0], period[1], None, today, unlocks=unlocks),
                unlocks,
            )
        return states[period]

    if mapping.period is None:
        state, unlocks = state_of((year, month))
        if state in (PeriodState.INVALID, PeriodState.NOT_OPEN) or (
            state == PeriodState.LOCKED and not unlocks
        ):
            message, fix = period_problem(state, form, year, month)
            issues.append(Issue(sheet, None, None, None, message, fix))
            return checked

    columns = list(mapping.columns.values())
    key_letter = _letter(mapping.key)
    period_letter = _letter(mapping.period) if mapping.period is not None else None
    name_letter = _letter(mapping.name) if mapping.name is not None else None
    formulas = table.formulas
    is_park = form.level == Level.PARK
    data = rows[header_row + 1 :]
    first_r0 = header_row + 1
    progress = _Progress(batch if report else None, len(data), _("checking rows"), 5, 80)

    # 1. every indicator cell, column by column (the fast path: numbers and empty cells)
    parsed: dict[str, list[float | None]] = {}
    bad_cells: dict[int, list[Issue]] = {}  # offset → issues of its cells
    for col in columns:
        unit = excel.unit_label(by_code[col.code].indicator.unit)
        out: list[float | None] = []
        append = out.append
        index = col.index
        for offset, row in enumerate(data):
            raw = row[index] if index < len(row) else ""
            if isinstance(raw, float):
                append(raw)
                continue
            if raw == "" or raw is None:
                append(None)
                continue
            try:
                append(excel.parse_number(raw))
            except excel.CellError as err:
                append(None)
                bad_cells.setdefault(offset, []).append(
                    _cell_problem(err, raw, sheet, first_r0 + offset + 1, col, unit)
                )
        if formulas:
            for offset in range(len(data)):
                if (first_r0 + offset, index) in formulas:
                    out[offset] = None
                    problems = [i for i in bad_cells.get(offset, []) if i.indicator != col.code]
                    excel_row = first_r0 + offset + 1
                    problems.append(
                        Issue(
                            sheet,
                            excel_row,
                            col.letter,
                            col.code,
                            _("Cell %(cell)s holds a formula.")
                            % {"cell": f"{col.letter}{excel_row}"},
                            _("Replace it by its value (复制 → 选择性粘贴 → 数值)."),
                        )
                    )
                    bad_cells[offset] = problems
        if col.multiply != 1 or col.divide != 1:
            m, d = col.multiply, col.divide
            out = [None if v is None else v * m / d for v in out]
        parsed[col.code] = out
    codes = [c.code for c in columns]
    cells = pl.DataFrame(parsed, schema=dict.fromkeys(codes, pl.Float64))
    has_value = (
        cells.select(pl.any_horizontal(pl.all().is_not_null())).to_series().to_list()
        if codes
        else [False] * len(data)
    )
    required = [
        c.code for c in columns if by_code[c.code].required
    ]  # cells of these may not be empty in a row that has values
    missing_required = (
        set(
            cells.with_row_index("offset")
            .filter(pl.any_horizontal(pl.col(required).is_null()))["offset"]
            .to_list()
        )
        if required
        else set()
    )

    # 2. row by row: key, period, duplicates, name
    keep: list[int] = []
    unit_ids: list[int] = []
    years: list[int] = []
    months: list[int] = []
    row_numbers: list[int] = []
    seen: dict[tuple[int, int, int], int] = {}
    period_cache: dict[Any, tuple[int, int] | None] = {}
    normalise = credit_codes.normalise
    for offset, row in enumerate(data):
        if report and offset and offset % PROGRESS_EVERY == 0:
            progress(offset)
        r0 = first_r0 + offset
        excel_row = r0 + 1
        width = len(row)
        raw_key = row[mapping.key] if mapping.key < width else ""
        key_text = raw_key.strip() if type(raw_key) is str else excel.cell_text(raw_key)
        cell_issues = bad_cells.get(offset, [])
        name_text = (
            excel.cell_text(row[mapping.name])
            if mapping.name is not None and mapping.name < width
            else ""
        )
        raw_period = (
            row[mapping.period] if mapping.period is not None and mapping.period < width else ""
        )
        if not has_value[offset] and not cell_issues:
            # an empty row is not data; a prefilled template row left blank is "not reported"
            if key_text or name_text:
                checked.skipped_empty += 1
            continue
        checked.rows += 1
        row_ok = True
        target: Target | None = None
        if not key_text:
            issues.append(
                Issue(
                    sheet,
                    excel_row,
                    key_letter,
                    None,
                    _("The row has values but no %(header)s.")
                    % {"header": excel.PARK_HEADER if is_park else excel.CREDIT_HEADER},
                    _("Fill it in, or delete the row."),
                )
            )
            row_ok = False
        elif is_park:
            target = targets.get(excel.normalise_header(key_text))
            if target is None:
                issues.append(
                    Issue(
                        sheet,
                        excel_row,
                        key_letter,
                        None,
                        _("Unknown park “%(name)s”.") % {"name": key_text},
                        _("Use the park name as in the template."),
                    )
                )
                row_ok = False
        else:
            target = targets.get(key_text)  # the usual case: a code exactly as registered
            if target is None:
                credit_issue = _credit_problem(key_text, sheet, excel_row, key_letter)
                if credit_issue is not None:
                    issues.append(credit_issue)
                    row_ok = False
                else:
                    target = targets.get(normalise(key_text))
                    if target is None:
                        issues.append(
                            Issue(
                                sheet,
                                excel_row,
                                key_letter,
                                None,
                                _("Unknown credit code “%(code)s”.") % {"code": key_text},
                                _(
                                    "Check the code; only enterprises you report for can be imported "
                                    "(download the template for the list)."
                                ),
                            )
                        )
                        row_ok = False
        period = (year, month)
        if mapping.period is not None:
            if raw_period in ("", None):
                parsed_period: tuple[int, int] | None = (year, month)
            else:  # a workbook holds a few dozen distinct periods in 100,000 rows
                try:
                    parsed_period = period_cache[raw_period]
                except KeyError:
                    parsed_period = period_cache[raw_period] = excel.parse_period(raw_period)
                except TypeError:  # unhashable cell value
                    parsed_period = excel.parse_period(raw_period)
            if parsed_period is None:
                issues.append(
                    Issue(
                        sheet,
                        excel_row,
                        period_letter,
                        None,
                        _("“%(text)s” is not a period.") % {"text": excel.cell_text(raw_period)},
                        _("Write the period as 2026-03 or 2026年3月."),
                    )
                )
                row_ok = False
            else:
                period = parsed_period
        if target is not None:
            state, unlocks = state_of(period)
            if state != PeriodState.OPEN:
                locked_here = state == PeriodState.LOCKED and not unlock_covers(
                    unlocks, target.path
                )
                if state in (PeriodState.INVALID, PeriodState.NOT_OPEN) or locked_here:
                    message, fix = period_problem(state, form, period[0], period[1])
                    issues.append(Issue(sheet, excel_row, period_letter, None, message, fix))
                    row_ok = False
            if (
                name_text
                and name_text != target.name
                and (excel.normalise_header(name_text) != excel.normalise_header(target.name))
            ):
                issues.append(
                    Issue(
                        sheet,
                        excel_row,
                        name_letter,
                        None,
                        _("The name “%(name)s” differs from the registered name “%(registered)s”.")
                        % {"name": name_text, "registered": target.name},
                        _(
                            "Check the credit code; if it is right, confirm (the registered name is kept)."
                        ),
                        severity=CONFIRM,
                    )
                )
            key = (target.unit_id, period[0], period[1])
            first = seen.get(key)
            if first is not None:
                issues.append(
                    Issue(
                        sheet,
                        excel_row,
                        key_letter,
                        None,
                        _("Row %(row)s repeats %(name)s for %(period)s (first at row %(first)s).")
                        % {
                            "row": excel_row,
                            "name": target.name,
                            "period": excel.period_text(*period),
                            "first": first,
                        },
                        _("Keep one row per unit and period; delete the other."),
                    )
                )
                row_ok = False
            else:
                seen[key] = excel_row
        if offset in missing_required:
            flagged = {i.indicator for i in cell_issues}
            for code in required:
                spec = mapping.columns[code]
                if (
                    parsed[code][offset] is None
                    and code not in flagged
                    and (r0, spec.index) not in covered
                ):
                    cell_issues = [
                        *cell_issues,
                        Issue(
                            sheet,
                            excel_row,
                            spec.letter,
                            code,
                            _("%(indicator)s is required (cell %(cell)s is empty).")
                            % {
                                "indicator": by_code[code].indicator.name,
                                "cell": f"{spec.letter}{excel_row}",
                            },
                            _("Enter a value (0 if there was none)."),
                        ),
                    ]
        issues.extend(cell_issues)
        if not row_ok or cell_issues or target is None:
            continue
        checked.names[target.unit_id] = target.name
        keep.append(offset)
        unit_ids.append(target.unit_id)
        years.append(period[0])
        months.append(period[1])
        row_numbers.append(excel_row)
    if report:
        progress(len(data))
    checked.frame = pl.concat(
        [
            pl.DataFrame(
                {UNIT_ID: unit_ids, YEAR: years, MONTH: months, ROW: row_numbers},
                schema={UNIT_ID: pl.Int64, YEAR: pl.Int64, MONTH: pl.Int64, ROW: pl.Int64},
            ),
            cells[keep] if keep else pl.DataFrame(schema=cells.schema),
        ],
        how="horizontal",
    )
    return checked


def _letter(index: int) -> str:
    return excel.cell_ref(0, index).rstrip("0123456789")


def _cell_problem(
    err: excel.CellError, raw: Any, sheet: str, excel_row: int, col: ColumnSpec, unit: str
) -> Issue:
    shown = excel.cell_text(raw)
    if err.kind == "date":
        message = _("Cell %(cell)s holds a date, not a number.")
    else:
        message = _("Cell %(cell)s holds the text “%(text)s”, not a number.")
    return Issue(
        sheet,
        excel_row,
        col.letter,
        col.code,
        message % {"cell": f"{col.letter}{excel_row}", "text": shown[:40]},
        _("Enter a number in %(unit)s (no units or words in the cell), or leave it empty.")
        % {"unit": unit},
    )


# -------------------------------------------------------------------------------------------------
# stored values and rules
# -------------------------------------------------------------------------------------------------
def _stored(
    *, indicator_ids: dict[str, int], unit_ids: Iterable[int], periods: Iterable[tuple[int, int]]
) -> pl.DataFrame:
    """Stored values (unit, indicator, year, month → value, batch) for the periods, one query per year."""
    obs = Observation._meta.db_table
    by_year: dict[int, set[int]] = {}
    for y, m in periods:
        by_year.setdefault(y, set()).add(m)
    ids = sorted(set(indicator_ids.values()))
    schema = {
        UNIT_ID: pl.Int64,
        INDICATOR_ID: pl.Int64,
        YEAR: pl.Int64,
        MONTH: pl.Int64,
        OLD: pl.Float64,
        OLD_BATCH: pl.Int64,
        OBS_ID: pl.Int64,
    }
    parts = [
        _read_frame(
            "SELECT org_unit_id, indicator_id, year, month, CAST(value AS DOUBLE PRECISION), "  # noqa: S608 - table name from _meta, values bound
            f"batch_id, id FROM {obs} WHERE year = %s "
            f"AND month IN ({', '.join(['%s'] * len(months))}) "
            f"AND indicator_id IN ({', '.join(['%s'] * len(ids))})",
            [y, *sorted(months), *ids],
            schema,
        )
        for y, months in sorted(by_year.items())
    ]
    if not parts:
        return pl.DataFrame(schema=schema)
    # the units are kept in Polars: as parameters they could pass SQLite's limit
    return pl.concat(parts).filter(pl.col(UNIT_ID).is_in(sorted(set(unit_ids))))


def _long(frame: pl.DataFrame, indicator_ids: dict[str, int]) -> pl.DataFrame:
    """Wide good rows → one row per reported cell (unit, indicator, year, month, row, new value)."""
    codes = [c for c in frame.columns if c in indicator_ids]
    if not codes:
        return pl.DataFrame(
            schema={
                UNIT_ID: pl.Int64,
                YEAR: pl.Int64,
                MONTH: pl.Int64,
                ROW: pl.Int64,
                INDICATOR_ID: pl.Int64,
                NEW: pl.Float64,
            }
        )
    mapping = pl.DataFrame(
        {"code": codes, INDICATOR_ID: [indicator_ids[c] for c in codes]},
        schema={"code": pl.String, INDICATOR_ID: pl.Int64},
    )
    return (
        frame.unpivot(
            index=[UNIT_ID, YEAR, MONTH, ROW], on=codes, variable_name="code", value_name=NEW
        )
        .drop_nulls(NEW)
        .with_columns(pl.col(NEW).round(4))
        .join(mapping, on="code", how="left")
        .drop("code")
    )


def _previous_wide(stored: pl.DataFrame, id_to_code: dict[int, str]) -> pl.DataFrame | None:
    if stored.is_empty():
        return None
    codes = sorted(set(id_to_code.values()))
    wide = (
        stored.with_columns(
            pl.col(INDICATOR_ID)
            .replace_strict(id_to_code, default=None, return_dtype=pl.String)
            .alias("code")
        )
        .drop_nulls("code")
        .pivot(on="code", index=[UNIT_ID, YEAR, MONTH], values=OLD, aggregate_function="first")
    )
    for code in codes:
        if code not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(code))
    return wide


def _diff(long: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """Each reported cell with its stored value and whether it is new, changed or unchanged."""
    return long.join(stored, on=[UNIT_ID, INDICATOR_ID, YEAR, MONTH], how="left").with_columns(
        pl.when(pl.col(OLD).is_null())
        .then(pl.lit("new"))
        .when((pl.col(OLD).round(4) - pl.col(NEW)).abs() < 1e-9)
        .then(pl.lit("unchanged"))
        .otherwise(pl.lit("changed"))
        .alias("change")
    )


def _rule_issues(
    *,
    form: ReportForm,
    frame: pl.DataFrame,
    stored: pl.DataFrame,
    items: list[FormItem],
    sheet: str | None,
    columns: dict[str, ColumnSpec] | dict[str, dict[str, Any]],
) -> list[Issue]:
    rules = form_rules(form)
    by_code = {item.indicator.code: item for item in items}
    id_to_code = {item.indicator_id: code for code, item in by_code.items()}
    letters = {
        code: (spec.letter if isinstance(spec, ColumnSpec) else spec["letter"])
        for code, spec in columns.items()
    }
    factors = {
        code: (spec.factor if isinstance(spec, ColumnSpec) else spec["factor"])
        for code, spec in columns.items()
    }
    found = validation_issues(
        frame,
        rules,
        previous=_previous_wide(stored, id_to_code),
        non_negative=[c for c, item in by_code.items() if item.indicator.non_negative],
    )
    return issues_from_frame(
        found,
        rules=rules,
        indicators={c: item.indicator for c, item in by_code.items()},
        sheet=sheet,
        columns=letters,
        factor=factors,
    )


def _periods_with_previous(frame: pl.DataFrame) -> set[tuple[int, int]]:
    periods = set(frame.select(YEAR, MONTH).unique().iter_rows())
    return periods | {(y, m - 1) for y, m in periods if m >= 2}


# -------------------------------------------------------------------------------------------------
# validate
# -------------------------------------------------------------------------------------------------
def _read_content(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as handle:
        content: bytes = handle.read()
    return content


def _staged_name(batch: ImportBatch) -> str:
    return f"imports/staged/batch-{batch.pk}.parquet"


def batch_validate(*, batch: ImportBatch, today: dt.date | None = None) -> ImportBatch:
    """Check every header, cell and row of the batch's file and build the preview (writes no values).

    Status ends INVALID (``errors`` lists every problem with sheet/row/column, message and fix) or
    READY (``summary``: rows, units, new/changed/unchanged, conversions, a sample of old → new).
    """
    today = today or timezone.localdate()
    actor = batch.uploaded_by
    batch.status = BatchStatus.VALIDATING
    batch.progress, batch.progress_note = 1, _("reading the file")
    batch.save(update_fields=["status", "progress", "progress_note", "updated_at"])
    content = _read_content(batch)
    checked = _check(batch=batch, actor=actor, content=content, today=today, report=True)
    issues = checked.issues
    summary: dict[str, Any] = {
        "rows": checked.rows,
        "skipped_empty": checked.skipped_empty,
        "sheet": checked.sheet,
        "kind": checked.kind,
        "conversions": checked.conversions,
        "columns": {
            code: {"letter": s.letter, "factor": s.factor, "header": s.header}
            for code, s in checked.columns.items()
        },
    }
    frame = checked.frame
    if frame is not None and frame.height:
        _set_progress(batch, 82, _("comparing with stored values"))
        items = form_items(batch.form)
        indicator_ids = {item.indicator.code: item.indicator_id for item in items}
        stored = _stored(
            indicator_ids=indicator_ids,
            unit_ids=frame[UNIT_ID].unique().to_list(),
            periods=_periods_with_previous(frame),
        )
        issues += _rule_issues(
            form=batch.form,
            frame=frame,
            stored=stored,
            items=items,
            sheet=checked.sheet,
            columns=checked.columns,
        )
        diff = _diff(_long(frame, indicator_ids), stored)
        counts = dict(diff.group_by("change").len().iter_rows())
        summary.update(
            units=frame[UNIT_ID].n_unique(),
            periods=sorted(
                f"{y}-{m:02d}" for y, m in frame.select(YEAR, MONTH).unique().iter_rows()
            ),
            new=int(counts.get("new", 0)),
            changed=int(counts.get("changed", 0)),
            unchanged=int(counts.get("unchanged", 0)),
            sample=_sample(diff, items, checked.names),
        )
        if default_storage.exists(_staged_name(batch)):
            default_storage.delete(_staged_name(batch))
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        default_storage.save(_staged_name(batch), ContentFile(buffer.getvalue()))
    identical = _identical_batch(batch)
    if identical is not None:
        summary["identical_to"] = identical.pk
        summary["identical_note"] = _(
            "Identical to batch #%(pk)s (applied %(when)s): nothing to change."
        ) % {
            "pk": identical.pk,
            "when": timezone.localtime(identical.applied_at).strftime("%Y-%m-%d %H:%M")
            if identical.applied_at
            else "",
        }
    errors = [i for i in issues if i.is_error]
    warnings = [i for i in issues if not i.is_error]
    summary["warnings"] = len(warnings)
    if not checked.rows and not errors and frame is not None:
        errors.append(
            Issue(
                checked.sheet,
                None,
                None,
                None,
                _("The sheet has no rows with values."),
                _("Fill in at least one row under the header."),
            )
        )
    ordered = sorted(errors + warnings, key=lambda i: (i.row or 0, i.column or "", i.severity))
    batch.errors = [i.as_dict() for i in ordered[:MAX_STORED_ISSUES]]
    batch.error_count = len(errors)
    batch.row_count = checked.rows
    batch.summary = summary
    batch.status = BatchStatus.INVALID if errors else BatchStatus.READY
    batch.progress, batch.progress_note = 100, ""
    batch.save()
    return batch


def _identical_batch(batch: ImportBatch) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(
            sha256=batch.sha256,
            form=batch.form,
            year=batch.year,
            month=batch.month,
            status=BatchStatus.APPLIED,
        )
        .exclude(pk=batch.pk)
        .order_by("-applied_at")
        .first()
    )


def _sample(
    diff: pl.DataFrame, items: list[FormItem], names: dict[int, str]
) -> list[dict[str, Any]]:
    id_to_name = {item.indicator_id: item.indicator.name for item in items}
    rows = (
        diff.filter(pl.col("change") != "unchanged")
        .sort([ROW, INDICATOR_ID])
        .head(SAMPLE_SIZE)
        .iter_rows(named=True)
    )
    return [
        {
            "row": r[ROW],
            "unit": names.get(r[UNIT_ID], ""),
            "period": f"{r[YEAR]}-{r[MONTH]:02d}",
            "indicator": id_to_name.get(r[INDICATOR_ID], ""),
            "old": r[OLD],
            "new": r[NEW],
            "change": r["change"],
        }
        for r in rows
    ]


def batch_issues(batch: ImportBatch) -> list[Issue]:
    return [Issue.from_dict(d) for d in batch.errors]


# -------------------------------------------------------------------------------------------------
# apply
# -------------------------------------------------------------------------------------------------
def _require_batch_writer(batch: ImportBatch, actor: AbstractBaseUser) -> None:
    scope = scope_for(actor)
    if batch.uploaded_by_id == actor.pk or scope.everything:
        return
    if batch.scope_unit is not None and scope.can_write(batch.scope_unit):
        return
    raise PermissionDenied


def batch_apply(
    *,
    batch: ImportBatch,
    actor: AbstractBaseUser,
    confirm_warnings: bool = False,
    today: dt.date | None = None,
) -> ImportBatch:
    """Write the batch's changed values, revisions and submissions in one transaction, or nothing.

    Re-checks scope, calendar and rules against the values stored now; on a new problem the batch
    turns INVALID and nothing is written. Warnings need ``confirm_warnings``.
    """
    _require_batch_writer(batch, actor)
    today = today or timezone.localdate()
    if batch.status != BatchStatus.READY:
        raise ApplicationError(
            BATCH_NOT_READY % {"pk": batch.pk, "status": batch.get_status_display()}
        )
    if batch.summary.get("warnings") and not confirm_warnings:
        raise ApplicationError(
            _("Batch #%(pk)s has %(n)s warning(s): look at them and confirm before applying.")
            % {"pk": batch.pk, "n": batch.summary["warnings"]}
        )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.APPLYING, progress=0, progress_note=_("applying")
    )
    try:
        with transaction.atomic():
            problems = _apply(batch=batch, actor=actor, today=today, confirm=confirm_warnings)
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.READY, progress=0, progress_note=""
        )
        raise
    if problems:
        batch.status = BatchStatus.INVALID
        batch.errors = [i.as_dict() for i in problems[:MAX_STORED_ISSUES]]
        batch.error_count = sum(1 for i in problems if i.is_error)
        batch.progress, batch.progress_note = 100, ""
        batch.save()
    else:
        batch.refresh_from_db()
    return batch


def _apply(
    *, batch: ImportBatch, actor: AbstractBaseUser, today: dt.date, confirm: bool
) -> list[Issue]:
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != BatchStatus.APPLYING:
        raise ApplicationError(
            BATCH_NOT_READY % {"pk": batch.pk, "status": locked.get_status_display()}
        )
    with default_storage.open(_staged_name(batch), "rb") as handle:
        frame = pl.read_parquet(io.BytesIO(handle.read()))
    form = batch.form
    sheet = batch.summary.get("sheet")
    items = form_items(form)
    indicator_ids = {item.indicator.code: item.indicator_id for item in items}
    # scope and calendar, now
    targets = {t.unit_id: t for t in _targets(actor, form).values()}
    problems: list[Issue] = []
    periods = set(frame.select(YEAR, MONTH).unique().iter_rows())
    states = {
        p: (
            period_state(
                form,
                p[0],
                p[1],
                None,
                today,
                unlocks=(u := period_unlocks(form, p[0], p[1], today)),
            ),
            u,
        )
        for p in periods
    }
    for unit_id, year, month, row in frame.select(UNIT_ID, YEAR, MONTH, ROW).iter_rows():
        target = targets.get(unit_id)
        if target is None:
            problems.append(
                Issue(
                    sheet,
                    row,
                    None,
                    None,
                    _("You may no longer report for this unit."),
                    _("Ask the unit's administrator."),
                )
            )
            continue
        state, unlocks = states[(year, month)]
        if state != PeriodState.OPEN and not (
            state == PeriodState.LOCKED and unlock_covers(unlocks, target.path)
        ):
            message, fix = period_problem(state, form, year, month)
            problems.append(Issue(sheet, row, None, None, message, fix))
    if problems:
        return problems
    stored = _stored(
        indicator_ids=indicator_ids,
        unit_ids=frame[UNIT_ID].unique().to_list(),
        periods=_periods_with_previous(frame),
    )
    issues = _rule_issues(
        form=form,
        frame=frame,
        stored=stored,
        items=items,
        sheet=sheet,
        columns=batch.summary.get("columns", {}),
    )
    blocking = [i for i in issues if i.is_error or (i.severity == CONFIRM and not confirm)]
    if blocking:
        return blocking
    diff = _diff(_long(frame, indicator_ids), stored).filter(pl.col("change") != "unchanged")
    now = timezone.now()
    _write(batch=batch, actor=actor, diff=diff, now=now)
    submitted = _submit(batch=batch, actor=actor, frame=frame, now=now, today=today)
    counts = dict(diff.group_by("change").len().iter_rows())
    locked.status = BatchStatus.APPLIED
    locked.applied_at = now
    locked.confirmed_warnings = confirm
    locked.progress, locked.progress_note = 100, ""
    locked.summary = {
        **batch.summary,
        "applied": {
            "new": int(counts.get("new", 0)),
            "changed": int(counts.get("changed", 0)),
            "submissions": submitted,
        },
    }
    locked.save()
    return []


def _adapt_now(now: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(now)


def _write(
    *, batch: ImportBatch, actor: AbstractBaseUser, diff: pl.DataFrame, now: dt.datetime
) -> None:
    """Insert the new values (their creation recorded on the row: created_by/at/batch), update the
    changed ones and record one revision per changed value.

    Rows go in the order of the observation key (fewer B-tree page splits). Values travel as
    floats rounded to 4 places: SQLite stores NUMERIC as REAL anyway, PostgreSQL casts to numeric.
    """
    if diff.is_empty():
        return
    ordered = _in_key_order(diff)
    # what is the same for every row travels once, as SQL literals, not once per row as parameters
    # (a third of the insert time): ints, our own timestamp and a Source value — never user text
    source = _sql_literal(Source.EXCEL.value)
    batch_pk, user_pk, stamp = _sql_literal(batch.pk), _sql_literal(actor.pk), _sql_stamp(now)
    table = Observation._meta.db_table
    revisions = ObservationRevision._meta.db_table
    # new values: a plain INSERT (SQLite's upsert costs twice as much per row)
    new_rows = ordered.filter(pl.col(OBS_ID).is_null()).select(
        INDICATOR_ID, UNIT_ID, YEAR, MONTH, pl.col(NEW).round(4)
    )
    changed = ordered.filter(pl.col(OBS_ID).is_not_null())
    changed_rows = changed.select(pl.col(NEW).round(4), OBS_ID).rows()
    # creations are recorded on the observation (created_*): revisions only for changed values
    rev_rows = changed.select(
        INDICATOR_ID, UNIT_ID, YEAR, MONTH, pl.col(OLD).round(4), pl.col(NEW).round(4)
    )
    _bulk_session()
    _insert_rows(
        f"INSERT INTO {table} (indicator_id, org_unit_id, year, month, value, source, batch_id, "
        "updated_by_id, updated_at, created_by_id, created_at, created_batch_id)",
        5,
        f"{source}, {batch_pk}, {user_pk}, {stamp}, {user_pk}, {stamp}, {batch_pk}",
        new_rows,
    )
    _executemany(
        f"UPDATE {table} SET value = %s, source = {source}, batch_id = {batch_pk}, "  # noqa: S608 - as above
        f"updated_by_id = {user_pk}, updated_at = {stamp} WHERE id = %s",
        changed_rows,
    )
    _insert_rows(
        f"INSERT INTO {revisions} (indicator_id, org_unit_id, year, month, old_value, new_value, "
        "source, batch_id, changed_by_id, changed_at, reason)",
        6,
        f"{source}, {batch_pk}, {user_pk}, {stamp}, ''",
        rev_rows,
    )


def _in_key_order(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in the order of the observation key (unit, indicator, year, month): one packed
    integer key sorts four times faster than four columns; ids too large to pack sort by columns.
    """
    key = [UNIT_ID, INDICATOR_ID, YEAR, MONTH]
    if frame.is_empty():
        return frame
    fits = frame.select(
        (pl.col(UNIT_ID).max() < 2**31)
        & (pl.col(INDICATOR_ID).max() < 2**16)
        & (pl.col(YEAR).max() < 2**12)
        & (pl.min_horizontal(pl.col(key).min()) >= 0)
    ).item()
    if not fits:
        return frame.sort(key)
    packed = (
        (pl.col(UNIT_ID) * 2**16 + pl.col(INDICATOR_ID)) * 2**12 + pl.col(YEAR)
    ) * 2**4 + pl.col(MONTH)
    return frame.sort(packed.cast(pl.Int64))


def _insert_rows(
    insert: str, width: int, constants: str, rows: pl.DataFrame, params: Sequence[Any] = ()
) -> None:
    """``insert`` (``INSERT INTO t (cols)``) of the ``width`` columns of ``rows`` followed by the
    SQL ``constants``, whose ``%s`` placeholders take ``params`` (the same for every row; text
    such as a reason travels this way, never inside the SQL or the JSON).

    On SQLite (3.38+) the rows travel as one JSON array, written by Polars and unpacked by
    ``json_each`` inside the engine: for the 800k values of a large import that is a third faster
    than binding each row from Python (``executemany``), which the other databases keep using.
    Values are numbers or booleans (ids, periods, validated values): no text is ever embedded.
    """
    if rows.is_empty():
        return
    if rows.width != width:
        raise ValueError(f"expected {width} columns, got {rows.columns}")
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 38):
        cells = [pl.col(c).cast(pl.Utf8).fill_null("null") for c in rows.columns]
        lines = rows.select(
            pl.concat_str([pl.lit("["), pl.concat_str(cells, separator=","), pl.lit("]")])
        ).to_series()
        payload = "[" + lines.str.join(",").item() + "]"
        picks = ", ".join(f"value ->> {i}" for i in range(width))
        connection.ensure_connection()
        connection.connection.execute(
            f"{insert} SELECT {picks}, {constants.replace('%s', '?')} FROM json_each(?)",  # noqa: S608 - ours
            (*params, payload),
        )
        return
    markers = ", ".join(["%s"] * width)
    extra = tuple(params)
    _executemany(
        f"{insert} VALUES ({markers}, {constants})", [(*row, *extra) for row in rows.rows()]
    )


def _sql_literal(value: int | str) -> str:
    """A constant of our own (a primary key or a choice value) as an SQL literal."""
    if isinstance(value, int):
        return str(int(value))
    if not re.fullmatch(r"[A-Za-z0-9_\-]*", value):
        raise ValueError(f"not a safe literal: {value!r}")
    return f"'{value}'"


def _sql_stamp(now: dt.datetime) -> str:
    """A timestamp literal in the form the backend stores (SQLite: naive UTC text)."""
    adapted = _adapt_now(now)
    text = adapted.isoformat(sep=" ") if isinstance(adapted, dt.datetime) else str(adapted)
    if not re.fullmatch(r"[0-9: .+\-]+", text):
        raise ValueError(f"not a timestamp: {text!r}")
    return f"'{text}'"


def _bulk_session() -> None:
    """SQLite: a page cache big enough for the indexes of a city-scale batch (default is 2 MB)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, this connection only


def _executemany(sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Run ``sql`` once per row. On SQLite straight through the driver: Django's cursor wrapper
    re-wraps the row list in an iterator (``itertools.tee``) to peek at its first row, which
    costs ~10 % of a 800k-row insert; the SQL is ours and uses positional parameters only."""
    if not rows:
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.executemany(sql.replace("%s", "?"), rows)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])


def _upsert_observations(rows: Sequence[tuple[Any, ...]]) -> None:
    table = Observation._meta.db_table
    sql = (
        f"INSERT INTO {table} (indicator_id, org_unit_id, year, month, value, source, batch_id, "  # noqa: S608 - table from _meta
        "updated_by_id, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (org_unit_id, indicator_id, year, month) DO UPDATE SET "
        "value = excluded.value, source = excluded.source, batch_id = excluded.batch_id, "
        "updated_by_id = excluded.updated_by_id, updated_at = excluded.updated_at"
    )
    _executemany(sql, rows)


def _submit(
    *,
    batch: ImportBatch,
    actor: AbstractBaseUser,
    frame: pl.DataFrame,
    now: dt.datetime,
    today: dt.date,
) -> int:
    """Mark each unit × period of the batch submitted (late after the due date) unless already
    submitted or approved; one historical record per submission changed (simple-history)."""
    form = batch.form
    stamp = _sql_stamp(now)
    form_pk, user_pk = _sql_literal(form.pk), _sql_literal(actor.pk)
    submitted = _sql_literal(SubmissionStatus.SUBMITTED.value)
    keys = frame.select(UNIT_ID, YEAR, MONTH).unique()
    periods = keys.select(YEAR, MONTH).unique().rows()
    late = pl.DataFrame(
        [(y, m, today > period_window(form, y, m)[1]) for y, m in periods],
        schema={YEAR: pl.Int64, MONTH: pl.Int64, "late": pl.Boolean},
        orient="row",
    )
    keys = keys.with_columns(pl.col(YEAR, MONTH).cast(pl.Int64)).join(late, on=[YEAR, MONTH])
    existing = _existing_submissions(form, periods)
    marked = keys.join(existing, on=[UNIT_ID, YEAR, MONTH], how="left")
    open_states = {SubmissionStatus.NOT_SUBMITTED.value, SubmissionStatus.RETURNED.value}
    # new submissions: a plain INSERT; existing ones only while still open (未报/退回)
    inserts = marked.filter(pl.col("submission_id").is_null()).select(UNIT_ID, YEAR, MONTH, "late")
    updates = marked.filter(pl.col("status").is_in(sorted(open_states))).select(
        "late", "submission_id"
    )
    table = Submission._meta.db_table
    history = Submission.history.model._meta.db_table
    _insert_rows(
        f"INSERT INTO {table} (org_unit_id, year, month, is_late, created_at, updated_at, "
        "form_id, status, submitted_at, submitted_by_id, return_reason)",
        4,
        f"{stamp}, {stamp}, {form_pk}, {submitted}, {stamp}, {user_pk}, ''",
        inserts,
    )
    _executemany(
        f"UPDATE {table} SET status = {submitted}, submitted_at = {stamp}, "  # noqa: S608 - as above
        f"submitted_by_id = {user_pk}, is_late = %s, updated_at = {stamp} WHERE id = %s",
        updates.rows(),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history} (id, created_at, updated_at, year, month, status, submitted_at, "  # noqa: S608 - tables from _meta
            "is_late, reviewed_at, return_reason, form_id, org_unit_id, submitted_by_id, reviewed_by_id, "
            "history_date, history_change_reason, history_type, history_user_id) "
            "SELECT id, created_at, updated_at, year, month, status, submitted_at, is_late, reviewed_at, "
            "return_reason, form_id, org_unit_id, submitted_by_id, reviewed_by_id, %s, %s, "
            f"CASE WHEN created_at = updated_at THEN '+' ELSE '~' END, %s FROM {table} "
            "WHERE form_id = %s AND updated_at = %s",
            [
                _adapt_now(now),
                f"import batch #{batch.pk}"[:100],
                actor.pk,
                form.pk,
                _adapt_now(now),
            ],
        )
        return int(cursor.rowcount or 0)


def _existing_submissions(form: ReportForm, periods: list[tuple[int, int]]) -> pl.DataFrame:
    """Submission id and status per unit × period of the form, for the given periods."""
    schema = {
        "submission_id": pl.Int64,
        UNIT_ID: pl.Int64,
        YEAR: pl.Int64,
        MONTH: pl.Int64,
        "status": pl.Utf8,
    }
    records: list[tuple[Any, ...]] = []
    by_year: dict[int, list[int]] = {}
    for y, m in periods:
        by_year.setdefault(y, []).append(m)
    for y, months in by_year.items():
        records.extend(
            Submission.objects.filter(form=form, year=y, month__in=months).values_list(
                "id", "org_unit_id", "year", "month", "status"
            )
        )
    return pl.DataFrame(records, schema=schema, orient="row")


# -------------------------------------------------------------------------------------------------
# rollback
# -------------------------------------------------------------------------------------------------
@transaction.atomic
def batch_rollback(*, batch: ImportBatch, actor: AbstractBaseUser) -> ImportBatch:
    """Restore every value the batch changed (from its revisions) and delete the ones it created
    (``created_batch``), with revisions saying "rollback of batch #N". Refuses when a later change
    touched any of these values, naming it."""
    _require_batch_writer(batch, actor)
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != BatchStatus.APPLIED:
        raise ApplicationError(
            BATCH_NOT_APPLIED % {"pk": batch.pk, "status": locked.get_status_display()}
        )
    # the values it changed (and, for batches applied before created_* existed, the values it
    # created: revisions with old_value NULL)
    obs_table = Observation._meta.db_table
    rev_table = ObservationRevision._meta.db_table
    revisions = _read_frame(
        "SELECT id, indicator_id, org_unit_id, year, month, CAST(old_value AS DOUBLE PRECISION), "  # noqa: S608 - tables from _meta, values bound
        f"CAST(new_value AS DOUBLE PRECISION) FROM {rev_table} WHERE batch_id = %s",
        [batch.pk],
        {
            "id": pl.Int64,
            INDICATOR_ID: pl.Int64,
            UNIT_ID: pl.Int64,
            YEAR: pl.Int64,
            MONTH: pl.Int64,
            OLD: pl.Float64,
            NEW: pl.Float64,
        },
    )
    # the values it created, with the batch that holds each now
    created = _read_frame(
        "SELECT indicator_id, org_unit_id, year, month, CAST(value AS DOUBLE PRECISION), batch_id "  # noqa: S608 - as above
        f"FROM {obs_table} WHERE created_batch_id = %s",
        [batch.pk],
        {
            INDICATOR_ID: pl.Int64,
            UNIT_ID: pl.Int64,
            YEAR: pl.Int64,
            MONTH: pl.Int64,
            NEW: pl.Float64,
            OLD_BATCH: pl.Int64,
        },
    )
    later = created.filter(pl.col(OLD_BATCH).is_null() | (pl.col(OLD_BATCH) != batch.pk)).select(
        OLD_BATCH
    )
    if revisions.height:
        current = _stored(
            indicator_ids={str(i): i for i in revisions[INDICATOR_ID].unique().to_list()},
            unit_ids=revisions[UNIT_ID].unique().to_list(),
            periods=set(revisions.select(YEAR, MONTH).unique().iter_rows()),
        )
        joined = revisions.join(current, on=[UNIT_ID, INDICATOR_ID, YEAR, MONTH], how="left")
        changed_later = joined.filter(
            pl.col(OLD_BATCH).is_null()
            | (pl.col(OLD_BATCH) != batch.pk)
            | pl.col("old_value_right").is_null()
        )
        later = pl.concat([later, changed_later.select(OLD_BATCH)])
    if later.height:
        raise ApplicationError(_later_changes_message(batch, later))
    now = timezone.now()
    stamp = _adapt_now(now)
    reason = (_("rollback of batch #%(pk)s") % {"pk": batch.pk})[:300]
    # one revision per value restored or removed: (indicator, unit, year, month, old, new)
    rollback_parts: list[pl.DataFrame] = []
    if revisions.height:
        # the batch each restored value came from before (for a later rollback of that batch)
        before = _batch_before(revisions, first_revision=int(revisions["id"].min()))  # type: ignore[arg-type]
        creators = _read_frame(
            "SELECT indicator_id, org_unit_id, year, month, created_batch_id "  # noqa: S608 - as above
            f"FROM {obs_table} WHERE batch_id = %s",
            [batch.pk],
            {
                INDICATOR_ID: pl.Int64,
                UNIT_ID: pl.Int64,
                YEAR: pl.Int64,
                MONTH: pl.Int64,
                "created_batch": pl.Int64,
            },
        )
        key = [UNIT_ID, INDICATOR_ID, YEAR, MONTH]
        restore = (
            revisions.join(before, on=key, how="left")
            .join(creators, on=key, how="left")
            .with_columns(
                # no earlier change (or the last one removed the value, re-created since):
                # the value came from the batch that created it
                pl.when(pl.col("previous_new").is_not_null())
                .then(pl.col("previous_batch"))
                .otherwise(pl.col("created_batch"))
                .alias("previous_batch")
            )
        )
        upserts = [
            (i, u, y, m, round(old, 4), Source.EXCEL.value, prev_batch, actor.pk, stamp)
            for i, u, y, m, old, prev_batch in restore.filter(pl.col(OLD).is_not_null())
            .select(INDICATOR_ID, UNIT_ID, YEAR, MONTH, OLD, "previous_batch")
            .rows()
        ]
        _upsert_observations(upserts)
        legacy_created = (
            restore.filter(pl.col(OLD).is_null()).select(INDICATOR_ID, UNIT_ID, YEAR, MONTH).rows()
        )
        for start in range(0, len(legacy_created), 500):
            chunk = legacy_created[start : start + 500]
            Observation.objects.filter(batch=batch, pk__in=_observation_ids(chunk)).delete()
        rollback_parts.append(
            revisions.select(INDICATOR_ID, UNIT_ID, YEAR, MONTH, pl.col(NEW).alias("from"), OLD)
        )
    if created.height:
        Observation.objects.filter(batch=batch, created_batch=batch).delete()
        rollback_parts.append(
            created.select(
                INDICATOR_ID,
                UNIT_ID,
                YEAR,
                MONTH,
                pl.col(NEW).alias("from"),
                pl.lit(None, dtype=pl.Float64).alias(OLD),
            )
        )
    if rollback_parts:
        _insert_rows(
            f"INSERT INTO {rev_table} (indicator_id, org_unit_id, year, month, old_value, "
            "new_value, source, batch_id, changed_by_id, changed_at, reason)",
            6,
            f"{_sql_literal(Source.EXCEL.value)}, NULL, {_sql_literal(actor.pk)}, "
            f"{_sql_stamp(now)}, %s",
            pl.concat(rollback_parts).select(
                INDICATOR_ID, UNIT_ID, YEAR, MONTH, pl.col("from").round(4), pl.col(OLD).round(4)
            ),
            params=[reason],
        )
    locked.status = BatchStatus.ROLLED_BACK
    locked.rolled_back_at = now
    locked.rolled_back_by = actor  # type: ignore[assignment]
    locked.save()
    return locked


def _read_frame(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Rows of our own SQL (values cast to numbers in the query) straight into a frame: a
    rollback reads up to a million values, which Django's per-value converters made seconds."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _observation_ids(keys: list[tuple[int, int, int, int]]) -> list[int]:
    from django.db.models import Q

    query = Q(pk__in=[])
    for i, u, y, m in keys:
        query |= Q(indicator_id=i, org_unit_id=u, year=y, month=m)
    return list(Observation.objects.filter(query).values_list("pk", flat=True))


def _batch_before(revisions: pl.DataFrame, *, first_revision: int) -> pl.DataFrame:
    """For each key, the batch and new value of the last revision before ``first_revision``
    (batch None: form entry; new value None: removed, or no revision: see ``created_batch``).

    Read per period and kept to the batch's keys in Polars: a list of the batch's units as
    parameters would pass SQLite's limit of bound parameters at province scale."""
    table = ObservationRevision._meta.db_table
    key = [UNIT_ID, INDICATOR_ID, YEAR, MONTH]
    schema = {
        "id": pl.Int64,
        INDICATOR_ID: pl.Int64,
        UNIT_ID: pl.Int64,
        YEAR: pl.Int64,
        MONTH: pl.Int64,
        "previous_batch": pl.Int64,
        "previous_new": pl.Float64,
    }
    wanted = revisions.select(key).unique()
    parts = [
        _read_frame(
            "SELECT id, indicator_id, org_unit_id, year, month, batch_id, "  # noqa: S608 - table from _meta, values bound
            f"CAST(new_value AS DOUBLE PRECISION) FROM {table} "
            "WHERE year = %s AND month = %s AND id < %s",
            [y, m, first_revision],
            schema,
        ).join(wanted, on=key, how="semi")
        for y, m in sorted(set(revisions.select(YEAR, MONTH).unique().iter_rows()))
    ]
    earlier = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
    return (
        earlier.sort("id")
        .group_by(key)
        .agg(pl.col("previous_batch").last(), pl.col("previous_new").last())
    )


def _later_changes_message(batch: ImportBatch, later: pl.DataFrame) -> str:
    batch_ids = sorted({b for b in later[OLD_BATCH].to_list() if b is not None and b != batch.pk})
    by_form = later.filter(pl.col(OLD_BATCH).is_null()).height
    parts = [f"#{b}" for b in batch_ids]
    text = _(
        "Batch #%(pk)s cannot be rolled back: %(n)s of its values were changed later%(by)s."
    ) % {
        "pk": batch.pk,
        "n": later.height,
        "by": (_(" by batch %(batches)s") % {"batches": ", ".join(parts)}) if parts else "",
    }
    if by_form:
        text += " " + _("%(n)s were changed or removed outside imports (web form, API).") % {
            "n": by_form
        }
    return text + " " + _("Roll back the later batches first.")


# -------------------------------------------------------------------------------------------------
# helpers for pages
# -------------------------------------------------------------------------------------------------
def batch_error_workbook(*, batch: ImportBatch) -> bytes:
    """The user's own workbook with an 错误说明 column and highlighted cells."""
    content = _read_content(batch)
    kind = batch.summary.get("kind") or ""
    if not kind:
        try:
            kind = excel.detect_kind(content, batch.original_name)
        except excel.FileProblem:
            kind = "csv"
    return excel.error_workbook(
        content=content,
        filename=batch.original_name,
        kind=kind,
        sheet=batch.summary.get("sheet"),
        issues=batch_issues(batch),
    )


def should_run_inline(batch: ImportBatch) -> bool:
    """Small uploads (< ~2,000 rows) are validated in the request; the rest in the background."""
    return batch.size_bytes < INLINE_MAX_ROWS * 120  # ~120 bytes per row of a compressed sheet


def normalise_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


ProgressCallback = Callable[[int], None]
__all__ = [
    "ERROR",
    "batch_apply",
    "batch_create",
    "batch_rollback",
    "batch_validate",
]


def template_workbook(*, user: AbstractBaseUser, form: ReportForm, year: int, month: int) -> bytes:
    """The .xlsx template of ``form`` for a period, prefilled with the units the user reports for:
    规上 enterprises of the year for monthly enterprise forms, every enterprise for annual ones,
    parks for park forms (all through the scoped selectors)."""
    from parkchain.indicators.models import Periodicity

    scope = scope_for(user)
    rows: list[excel.TemplateRow] = []
    if form.level == Level.PARK:
        rows = [
            excel.TemplateRow(park.name, park.name)
            for park in park_list(user=user).select_related("org_unit").order_by("name")
            if scope.can_write(park.org_unit)
        ]
    else:
        enterprises = enterprise_list(user=user)
        if form.periodicity == Periodicity.MONTHLY:
            enterprises = enterprise_list(user=user, above_scale=True, above_scale_year=year)
        rows = [
            excel.TemplateRow(code, name)
            for code, name, path in enterprises.order_by("name").values_list(
                "credit_code", "name", "org_unit__path"
            )
            if _writes(scope, path)
        ]
    rules = [
        f"{rule.code}: {rule.left} {rule.operator or ''} {rule.right}".strip()
        + (f" — {rule.message}" if rule.message else "")
        for rule in form_rules(form)
    ]
    month = month if form.periodicity == Periodicity.MONTHLY else 0
    _opens, due_on, _locks = period_window(form, year, month)
    return excel.template_build(
        form=form,
        items=form_items(form),
        rows=rows,
        year=year,
        month=month,
        due_on=due_on,
        rules=rules,
    )
