"""Writes of reported values: the single-unit save shared by the web form and the API.

A new value records its creation on the Observation (created_by, created_at); every change or
removal leaves an ObservationRevision (old → new, who, when, why, source, batch); unchanged
values write nothing. Excel imports (many units at once) live in ``parkchain.indicators.imports``
and share the rules, the calendar and the Issue shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import polars as pl
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from engine.columns import MONTH, ROW, UNIT_ID, YEAR
from engine.validation import CONFIRM, validation_issues
from parkchain.core.errors import ApplicationError
from parkchain.indicators.calendar import PeriodState, period_state, period_window
from parkchain.indicators.models import (
    ANNUAL,
    Level,
    Observation,
    ObservationRevision,
    ReportForm,
    Submission,
    SubmissionStatus,
)
from parkchain.indicators.validation import (
    Issue,
    ReportInvalid,
    form_items,
    form_rules,
    issues_from_frame,
)
from parkchain.organisations.models import OrgUnit, OrgUnitKind
from parkchain.organisations.scopes import scope_for

VALUE_PLACES = Decimal("0.0001")
MAX_ABS_VALUE = Decimal("1e16")  # Observation.value: 20 digits, 4 after the point

LEVEL_KINDS = {
    Level.ENTERPRISE: OrgUnitKind.ENTERPRISE,
    Level.PARK: OrgUnitKind.PARK,
    Level.COUNTY: OrgUnitKind.COUNTY,
}


def period_label(form: ReportForm, year: int, month: int) -> str:
    return f"{year}" if month == ANNUAL else f"{year}-{month:02d}"


def period_problem(state: PeriodState, form: ReportForm, year: int, month: int) -> tuple[str, str]:
    """(message, fix) for a period that cannot be written."""
    label = period_label(form, year, month)
    if state == PeriodState.INVALID:
        return (
            _("%(period)s is not a reporting period of “%(form)s”.")
            % {"period": label, "form": form.name},
            _("Choose a month 1–12 for monthly forms, or the year for annual forms."),
        )
    opens_on, _due, locks_on = period_window(form, year, month)
    if state == PeriodState.NOT_OPEN:
        return (
            _("Period %(period)s opens for reporting on %(date)s.")
            % {"period": label, "date": opens_on.isoformat()},
            _("Report once the period has ended."),
        )
    return (
        _("Period %(period)s of “%(form)s” locked on %(date)s.")
        % {"period": label, "form": form.name, "date": locks_on.isoformat()},
        _("Ask the city task force to unlock the period for you."),
    )


def unit_require_reportable(*, actor: AbstractBaseUser, org_unit: OrgUnit) -> None:
    """404 when the unit is outside the actor's read scope (same as missing); 403 when read-only."""
    scope = scope_for(actor)
    if not scope.filter(OrgUnit.objects.filter(pk=org_unit.pk)).exists():
        raise Http404
    scope.require_write(org_unit)


def quantize(value: Decimal | float | str) -> Decimal:
    """A value as stored (4 decimal places); raises ApplicationError when it is not a finite number."""
    try:
        number = Decimal(str(value)).quantize(VALUE_PLACES)
    except (InvalidOperation, ValueError) as err:
        raise ApplicationError(_("“%(value)s” is not a number.") % {"value": value}) from err
    if not number.is_finite() or abs(number) >= MAX_ABS_VALUE:
        raise ApplicationError(_("“%(value)s” is out of range.") % {"value": value})
    return number


def previous_month_frame(
    *, codes: list[str], indicator_ids: dict[str, int], unit_ids: list[int], year: int, month: int
) -> pl.DataFrame | None:
    """Stored values of the month before (same year) as a wide frame, for YTD and jump rules."""
    if month <= 1:
        return None
    id_to_code = {v: k for k, v in indicator_ids.items()}
    rows = Observation.objects.filter(
        org_unit_id__in=unit_ids,
        year=year,
        month=month - 1,
        indicator_id__in=list(id_to_code),
    ).values_list("org_unit_id", "indicator_id", "value")
    wide: dict[int, dict[str, float | None]] = {}
    for unit_id, indicator_id, value in rows:
        wide.setdefault(unit_id, {})[id_to_code[indicator_id]] = float(value)
    if not wide:
        return None
    return pl.DataFrame(
        [
            {UNIT_ID: u, YEAR: year, MONTH: month - 1, **{c: vals.get(c) for c in codes}}
            for u, vals in wide.items()
        ],
        schema={
            UNIT_ID: pl.Int64,
            YEAR: pl.Int64,
            MONTH: pl.Int64,
            **dict.fromkeys(codes, pl.Float64),
        },
    )


@dataclass
class ReportSaveResult:
    submission: Submission
    created: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    warnings: list[Issue] = field(default_factory=list)


@transaction.atomic
def report_save(
    *,
    actor: AbstractBaseUser,
    form: ReportForm,
    org_unit: OrgUnit,
    year: int,
    month: int,
    values: dict[str, Decimal | None],
    source: str,
    reason: str = "",
    confirm_warnings: bool = False,
    today: dt.date | None = None,
) -> ReportSaveResult:
    """Save one unit's report of ``form`` for a period (web form, API).

    Checks the scope (404 outside the read scope, 403 read-only), the calendar (open, or unlocked),
    the form's items (unknown codes refused, required items present), the validation rules and the
    non-negative flags; raises ``ReportInvalid`` with every error and every unconfirmed warning.
    ``None`` clears a value (recorded as a revision with no new value). Marks the submission as
    submitted (late after the due date) when something changed or it was not submitted yet.
    """
    unit_require_reportable(actor=actor, org_unit=org_unit)
    if org_unit.kind != LEVEL_KINDS.get(form.level):  # type: ignore[call-overload]
        raise ApplicationError(
            _("“%(form)s” is reported by another kind of unit than “%(unit)s”.")
            % {"form": form.name, "unit": org_unit.name}
        )
    today = today or timezone.localdate()
    state = period_state(form, year, month, org_unit, today)
    if state != PeriodState.OPEN:
        message, fix = period_problem(state, form, year, month)
        raise ReportInvalid([Issue(None, None, None, None, message, fix)])

    items = form_items(form)
    by_code = {item.indicator.code: item for item in items}
    unknown = sorted(set(values) - set(by_code))
    if unknown:
        raise ApplicationError(
            _("Not on form “%(form)s”: %(codes)s.")
            % {"form": form.name, "codes": ", ".join(unknown)}
        )
    new_values = {code: (quantize(v) if v is not None else None) for code, v in values.items()}

    indicator_ids = {code: item.indicator_id for code, item in by_code.items()}
    stored = {
        obs.indicator_id: obs
        for obs in Observation.objects.select_for_update().filter(
            org_unit=org_unit, year=year, month=month, indicator_id__in=indicator_ids.values()
        )
    }
    # the values after saving: stored ones overlaid by the submitted ones
    after: dict[str, Decimal | None] = {
        code: (stored[i].value if i in stored else None) for code, i in indicator_ids.items()
    }
    after.update(new_values)

    issues = [
        Issue(
            None,
            None,
            None,
            code,
            _("%(indicator)s is required.") % {"indicator": item.indicator.name},
            _("Enter a value (0 if there was none)."),
        )
        for code, item in by_code.items()
        if item.required and code in values and after[code] is None
    ]
    codes = list(by_code)
    frame = pl.DataFrame(
        [
            {
                UNIT_ID: org_unit.pk,
                YEAR: year,
                MONTH: month,
                ROW: None,
                **{c: (float(after[c]) if after[c] is not None else None) for c in codes},  # type: ignore[arg-type]
            }
        ],
        schema={
            UNIT_ID: pl.Int64,
            YEAR: pl.Int64,
            MONTH: pl.Int64,
            ROW: pl.Int64,
            **dict.fromkeys(codes, pl.Float64),
        },
    )
    rules = form_rules(form)
    previous = previous_month_frame(
        codes=codes, indicator_ids=indicator_ids, unit_ids=[org_unit.pk], year=year, month=month
    )
    found = validation_issues(
        frame,
        rules,
        previous=previous,
        non_negative=[c for c, item in by_code.items() if item.indicator.non_negative],
    )
    issues += issues_from_frame(
        found, rules=rules, indicators={c: item.indicator for c, item in by_code.items()}
    )
    warnings = [i for i in issues if i.severity == CONFIRM]
    if any(i.is_error for i in issues) or (warnings and not confirm_warnings):
        raise ReportInvalid(issues)

    result = _write_values(
        actor=actor,
        org_unit=org_unit,
        year=year,
        month=month,
        new_values=new_values,
        indicator_ids=indicator_ids,
        stored=stored,
        source=source,
        reason=reason,
    )
    submission, _created = Submission.objects.select_for_update().get_or_create(
        form=form, org_unit=org_unit, year=year, month=month
    )
    touched = result[0] + result[1] + result[2]
    if touched or submission.status in (SubmissionStatus.NOT_SUBMITTED, SubmissionStatus.RETURNED):
        _opens, due_on, _locks = period_window(form, year, month)
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = timezone.now()
        submission.submitted_by = actor  # type: ignore[assignment]
        submission.is_late = today > due_on
        submission.full_clean()
        submission.save()
    return ReportSaveResult(
        submission=submission,
        created=result[0],
        changed=result[1],
        removed=result[2],
        unchanged=result[3],
        warnings=warnings,
    )


def _write_values(
    *,
    actor: AbstractBaseUser,
    org_unit: OrgUnit,
    year: int,
    month: int,
    new_values: dict[str, Decimal | None],
    indicator_ids: dict[str, int],
    stored: dict[int, Observation],
    source: str,
    reason: str,
) -> tuple[int, int, int, int]:
    created = changed = removed = unchanged = 0
    revisions: list[ObservationRevision] = []
    for code, value in new_values.items():
        indicator_id = indicator_ids[code]
        obs = stored.get(indicator_id)
        old = obs.value if obs is not None else None
        if old == value:
            unchanged += 1
            continue
        if value is None and obs is not None:
            obs.delete()
            removed += 1
        elif obs is None and value is not None:
            Observation.objects.create(
                indicator_id=indicator_id,
                org_unit=org_unit,
                year=year,
                month=month,
                value=value,
                source=source,
                updated_by_id=actor.pk,
                created_by_id=actor.pk,
                created_at=timezone.now(),
            )
            created += 1
            continue  # the creation is recorded on the observation, not as a revision
        elif obs is not None and value is not None:
            obs.value = value
            obs.source = source
            obs.batch = None
            obs.updated_by_id = actor.pk
            obs.save(update_fields=["value", "source", "batch", "updated_by", "updated_at"])
            changed += 1
        revisions.append(
            ObservationRevision(
                indicator_id=indicator_id,
                org_unit=org_unit,
                year=year,
                month=month,
                old_value=old,
                new_value=value,
                source=source,
                changed_by_id=actor.pk,
                reason=reason,
            )
        )
    ObservationRevision.objects.bulk_create(revisions)
    return created, changed, removed, unchanged
