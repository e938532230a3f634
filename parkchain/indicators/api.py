"""Indicator registry, report forms, observations, submissions and report saving over the API.

``POST /reports`` runs ``report_save``: the same scope, calendar and validation rules as the web
form; nothing is saved unless everything passes.
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field, model_validator

from parkchain.api.auth import acting_user
from parkchain.api.errors import ERRORS, ErrorOut, Issue
from parkchain.enterprises.selectors import enterprise_by_credit_code
from parkchain.indicators.calendar import PeriodState, period_state
from parkchain.indicators.models import Indicator, Observation, ReportForm, Source, Submission
from parkchain.indicators.selectors import (
    indicator_list,
    observation_list,
    report_form_by_code,
    report_form_list,
    submission_list,
)
from parkchain.indicators.services import ReportSaveResult, report_save
from parkchain.indicators.validation import Issue as ReportIssue
from parkchain.indicators.validation import ReportInvalid
from parkchain.organisations.models import OrgUnit
from parkchain.organisations.scopes import get_in_scope
from parkchain.organisations.selectors import org_unit_list

router = Router(tags=["reporting"])


# -- registry -------------------------------------------------------------------------------------
class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    level: str
    periodicity: str
    is_ytd: bool  # reported as 本年累计 (January to the month)
    non_negative: bool
    decimals: int
    source: str
    description: str


class FormItemOut(Schema):
    indicator: str  # indicator code
    name: str
    unit: str
    required: bool
    order: int

    @staticmethod
    def resolve_indicator(obj: object) -> str:
        return obj.indicator.code  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_name(obj: object) -> str:
        return obj.indicator.name  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_unit(obj: object) -> str:
        return obj.indicator.unit  # type: ignore[attr-defined,no-any-return]


class FormOut(Schema):
    code: str
    name: str
    level: str
    periodicity: str
    due_day: int
    due_month_offset: int
    lock_after_days: int
    instructions: str
    items: list[FormItemOut]

    @staticmethod
    def resolve_items(obj: ReportForm) -> list[object]:
        return list(obj.items.all())


@router.get(
    "/indicators", response={200: list[IndicatorOut], **ERRORS}, operation_id="indicator_list"
)
def list_indicators(request: HttpRequest, level: str | None = None) -> list[Indicator]:
    """The indicator registry (level: enterprise, park or county)."""
    return list(indicator_list(user=acting_user(request), level=level))


@router.get("/forms", response={200: list[FormOut], **ERRORS}, operation_id="form_list")
def list_forms(request: HttpRequest) -> list[ReportForm]:
    """Report forms with their items (the indicators each form collects)."""
    return list(report_form_list(user=acting_user(request)))


@router.get("/forms/{code}", response={200: FormOut, **ERRORS}, operation_id="form_get")
def get_form(request: HttpRequest, code: str) -> ReportForm:
    return report_form_by_code(user=acting_user(request), code=code)


# -- data -----------------------------------------------------------------------------------------
class PeriodFilters(Schema):
    year: int = Field(..., ge=1990, le=2100)
    month: int = Field(..., ge=0, le=12, description="1–12; 0 for annual forms")
    form: str | None = Field(None, description="report form code, e.g. ent_monthly")


class ObservationFilters(PeriodFilters):
    unit: int | None = Field(None, description="org unit id (an enterprise's unit_id)")
    indicator: str | None = Field(None, description="indicator code")


class SubmissionFilters(PeriodFilters):
    status: str | None = Field(None, description="not_submitted, submitted, returned, approved")


def _credit_code(unit: OrgUnit) -> str | None:
    enterprise = getattr(unit, "enterprise", None)
    return enterprise.credit_code if enterprise is not None else None


class ObservationOut(Schema):
    indicator: str
    unit_id: int
    unit_name: str
    credit_code: str | None
    year: int
    month: int
    value: float
    source: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_indicator(obj: Observation) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_unit_id(obj: Observation) -> int:
        return obj.org_unit_id

    @staticmethod
    def resolve_unit_name(obj: Observation) -> str:
        return obj.org_unit.name

    @staticmethod
    def resolve_credit_code(obj: Observation) -> str | None:
        return _credit_code(obj.org_unit)


class SubmissionOut(Schema):
    form: str
    unit_id: int
    unit_name: str
    credit_code: str | None
    year: int
    month: int
    status: str
    submitted_at: dt.datetime | None
    is_late: bool
    reviewed_at: dt.datetime | None
    return_reason: str

    @staticmethod
    def resolve_form(obj: Submission) -> str:
        return obj.form.code

    @staticmethod
    def resolve_unit_id(obj: Submission) -> int:
        return obj.org_unit_id

    @staticmethod
    def resolve_unit_name(obj: Submission) -> str:
        return obj.org_unit.name

    @staticmethod
    def resolve_credit_code(obj: Submission) -> str | None:
        return _credit_code(obj.org_unit)


def _form_or_none(request: HttpRequest, code: str | None) -> ReportForm | None:
    return report_form_by_code(user=acting_user(request), code=code) if code else None


@router.get(
    "/observations", response={200: list[ObservationOut], **ERRORS}, operation_id="observation_list"
)
@paginate(PageNumberPagination, page_size=100)
def list_observations(
    request: HttpRequest, filters: Query[ObservationFilters]
) -> list[Observation]:
    """Values of one period in the caller's scope, as of the period (a firm that moved park keeps
    its earlier data with the old park). ``form`` keeps the form's indicators only."""
    observations = observation_list(
        user=acting_user(request),
        year=filters.year,
        month=filters.month,
        form=_form_or_none(request, filters.form),
        unit_id=filters.unit,
        indicator=filters.indicator,
    )
    return observations  # type: ignore[return-value]


@router.get(
    "/submissions", response={200: list[SubmissionOut], **ERRORS}, operation_id="submission_list"
)
@paginate(PageNumberPagination, page_size=100)
def list_submissions(request: HttpRequest, filters: Query[SubmissionFilters]) -> list[Submission]:
    """Report statuses of one period in the caller's scope (a unit with no row has not reported)."""
    submissions = submission_list(
        user=acting_user(request),
        year=filters.year,
        month=filters.month,
        form=_form_or_none(request, filters.form),
        status=filters.status,
    )
    return submissions  # type: ignore[return-value]


# -- saving a report ------------------------------------------------------------------------------
class ReportIn(Schema):
    form: str = Field(..., description="report form code, e.g. ent_monthly")
    credit_code: str | None = Field(None, description="the enterprise's 统一社会信用代码")
    unit_id: int | None = Field(None, description="or the org unit id (parks, or any unit)")
    year: int = Field(..., ge=1990, le=2100)
    month: int = Field(..., ge=0, le=12, description="1–12; 0 for annual forms")
    values: dict[str, Decimal | None] = Field(
        ..., description="indicator code → value in the indicator's unit; null clears a value"
    )
    reason: str = Field("", max_length=300, description="why values change (corrections)")
    confirm_warnings: bool = Field(False, description="true to save despite warnings")

    @model_validator(mode="after")
    def _one_unit(self) -> "ReportIn":
        if (self.credit_code is None) == (self.unit_id is None):
            raise ValueError("give either credit_code or unit_id")
        return self


class ReportOut(Schema):
    form: str
    unit_id: int
    year: int
    month: int
    status: str
    is_late: bool
    submitted_at: dt.datetime | None
    created: int
    changed: int
    removed: int
    unchanged: int
    warnings: list[Issue]


def _issue(issue: ReportIssue) -> Issue:
    return Issue(
        message=issue.message,
        fix=issue.fix,
        field=issue.indicator,
        severity=issue.severity,
        code="period" if issue.indicator is None else "value",
    )


def _report_unit(request: HttpRequest, payload: ReportIn) -> OrgUnit:
    user = acting_user(request)
    if payload.credit_code is not None:
        return enterprise_by_credit_code(user=user, credit_code=payload.credit_code).org_unit
    return get_in_scope(org_unit_list(user=user), pk=payload.unit_id)


@router.post(
    "/reports",
    response={200: ReportOut, 409: ErrorOut, **ERRORS},
    operation_id="report_save",
)
def save_report(request: HttpRequest, payload: ReportIn) -> ReportOut | Status[ErrorOut]:
    """Save one unit's report for a period: the web form's scope, calendar and validation rules.

    422 with ``issues`` when values break rules (warnings need ``confirm_warnings: true``); 409 when
    the period is not open (not yet, or locked); 404 for a form or unit unknown or out of scope.
    """
    user = acting_user(request)
    form = report_form_by_code(user=user, code=payload.form)
    unit = _report_unit(request, payload)
    try:
        result: ReportSaveResult = report_save(
            actor=user,
            form=form,
            org_unit=unit,
            year=payload.year,
            month=payload.month,
            values=payload.values,
            source=Source.API,
            reason=payload.reason,
            confirm_warnings=payload.confirm_warnings,
        )
    except ReportInvalid as err:
        issues = [_issue(i) for i in err.issues]
        state = period_state(form, payload.year, payload.month, unit, timezone.localdate())
        if state in (PeriodState.NOT_OPEN, PeriodState.LOCKED):
            detail = issues[0].message if issues else err.message
            return Status(409, ErrorOut(detail=detail, issues=issues))
        return Status(422, ErrorOut(detail=err.message, issues=issues))
    submission = result.submission
    return ReportOut(
        form=form.code,
        unit_id=unit.pk,
        year=payload.year,
        month=payload.month,
        status=submission.status,
        is_late=submission.is_late,
        submitted_at=submission.submitted_at,
        created=result.created,
        changed=result.changed,
        removed=result.removed,
        unchanged=result.unchanged,
        warnings=[_issue(w) for w in result.warnings],
    )
