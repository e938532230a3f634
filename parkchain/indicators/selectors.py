"""Reads of the indicator registry, observations, submissions and reporting completeness, through the scope door."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from engine import completeness as cmp
from engine.columns import COUNTY_ID, CREDIT_CODE, ENTERPRISE_ID, NAME, PARK_ID, UNIT_ID
from parkchain.core.ids import among
from parkchain.indicators.models import (
    FormItem,
    ImportBatch,
    Indicator,
    Level,
    MeasureUnit,
    Observation,
    Periodicity,
    PeriodUnlock,
    ReportForm,
    Submission,
    SubmissionStatus,
)
from parkchain.organisations.models import OrgUnitKind
from parkchain.organisations.scopes import get_in_scope, scope_for

User = AbstractBaseUser | AnonymousUser


def _period_as_of(year: int, month: int) -> dt.date:
    """The day a period's data is attributed on (moved enterprises): the 1st of the month; 31 Dec for annual (month 0)."""
    return dt.date(year, 12, 31) if month == 0 else dt.date(year, month, 1)


def indicator_list(*, user: User, level: str | None = None) -> QuerySet[Indicator]:
    """Active indicators of the registry (reference data every user with a scope reads)."""
    qs = scope_for(user).filter(Indicator.objects.filter(is_active=True))
    return qs.filter(level=level) if level else qs


def report_form_list(*, user: User) -> QuerySet[ReportForm]:
    """Active report forms with their items (and the items' indicators) prefetched."""
    items = FormItem.objects.select_related("indicator").order_by("order", "id")
    return scope_for(user).filter(
        ReportForm.objects.filter(is_active=True).prefetch_related(
            Prefetch("items", queryset=items)
        )
    )


def report_form_by_code(*, user: User, code: str) -> ReportForm:
    """404 when no active form has ``code`` (or the user has no scope at all)."""
    return get_in_scope(report_form_list(user=user), code=code)


def observation_list(
    *,
    user: User,
    year: int,
    month: int,
    form: ReportForm | None = None,
    unit_id: int | None = None,
    indicator: str | None = None,
) -> QuerySet[Observation]:
    """Values of one period in the user's scope, attributed *as of* the period (a firm that moved
    park keeps its earlier data with the old park)."""
    qs = scope_for(user).filter(
        Observation.objects.filter(year=year, month=month).select_related(
            "indicator", "org_unit__enterprise"
        ),
        as_of=_period_as_of(year, month),
    )
    if form is not None:
        qs = qs.filter(indicator__form_items__form=form)
    if unit_id:
        qs = qs.filter(org_unit_id=unit_id)
    if indicator:
        qs = qs.filter(indicator__code=indicator)
    return qs


def enterprise_values(
    *, user: User, year: int, month: int, codes: Sequence[str]
) -> QuerySet[Observation]:
    """Enterprises' values of one period for the indicators ``codes``, in the user's scope as it
    is today: a firm that moved park counts with its current park, as the targets' figures count
    it (``observation_list`` attributes it to the park it was in then). Cheap at province scale:
    the scope is the current org-unit paths, not the park memberships of the period."""
    indicators = Indicator.objects.filter(code__in=list(codes)).values("pk")
    return scope_for(user).filter(
        Observation.objects.filter(
            year=year,
            month=month,
            indicator_id__in=indicators,
            org_unit__kind=OrgUnitKind.ENTERPRISE,
        )
    )


def submission_list(
    *,
    user: User,
    year: int,
    month: int,
    form: ReportForm | None = None,
    status: str | None = None,
) -> QuerySet[Submission]:
    """Report statuses of one period in the user's scope (as of the period), with form and unit."""
    qs = scope_for(user).filter(
        Submission.objects.filter(year=year, month=month).select_related(
            "form", "org_unit__enterprise"
        ),
        as_of=_period_as_of(year, month),
    )
    if form is not None:
        qs = qs.filter(form=form)
    if status:
        qs = qs.filter(status=status)
    return qs


# -- completeness (DHIS2 reporting rates) ---------------------------------------------------------
PARK_NAME = "park_name"
COUNTY_NAME = "county_name"
CONTACT = "contact"  # the enterprise's legal representative

_EXPECTED_SCHEMA: dict[str, Any] = {
    UNIT_ID: pl.Int64,
    ENTERPRISE_ID: pl.Int64,
    NAME: pl.String,
    CREDIT_CODE: pl.String,
    CONTACT: pl.String,
    PARK_ID: pl.Int64,
    PARK_NAME: pl.String,
    COUNTY_ID: pl.Int64,
    COUNTY_NAME: pl.String,
}
_REPORT_SCHEMA: dict[str, Any] = {
    UNIT_ID: pl.Int64,
    cmp.STATUS: pl.String,
    cmp.SUBMITTED_AT: pl.Datetime("us"),
    cmp.IS_LATE: pl.Boolean,
}


def completeness_expected(*, user: User, form: ReportForm, year: int, month: int) -> pl.DataFrame:
    """The units expected to report ``form`` for the period, in the user's scope as of the period.

    Enterprise monthly forms: the enterprises 规上 in ``year`` (AboveScaleYear); enterprise annual
    forms: every enterprise in operation; park forms: the parks. Each row carries the unit's park
    and county *as of the period*. Columns: ``_EXPECTED_SCHEMA``.
    """
    from parkchain.enterprises.models import ParkMembership
    from parkchain.enterprises.selectors import enterprise_list
    from parkchain.organisations.selectors import park_options

    as_of = _period_as_of(year, month)
    rows: list[dict[str, Any]] = []
    if form.level == Level.ENTERPRISE:
        monthly = form.periodicity == Periodicity.MONTHLY
        enterprises = enterprise_list(
            user=user,
            as_of=as_of,
            above_scale=True if monthly else None,
            above_scale_year=year if monthly else None,
        ).filter(is_active=True)
        firms = list(
            enterprises.values(
                "pk",
                "org_unit_id",
                "name",
                "credit_code",
                "legal_representative",
                "county_id",
                "county__name",
            )
        )
        # the park each firm was in on the period's day (the ids come from the scoped list above)
        firm_ids = {f["pk"] for f in firms}
        parks: dict[int, dict[str, Any]] = {
            m["enterprise_id"]: dict(m)
            for m in ParkMembership.objects.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gt=as_of),
                among("enterprise_id", firm_ids),
                valid_from__lte=as_of,
            ).values(
                "enterprise_id",
                "park_id",
                "park__name",
                "park__org_unit__parent_id",
                "park__org_unit__parent__name",
            )
            if m["enterprise_id"] in firm_ids
        }
        for firm in firms:
            park = parks.get(firm["pk"])
            rows.append(
                {
                    UNIT_ID: firm["org_unit_id"],
                    ENTERPRISE_ID: firm["pk"],
                    NAME: firm["name"],
                    CREDIT_CODE: firm["credit_code"],
                    CONTACT: firm["legal_representative"],
                    PARK_ID: park["park_id"] if park else None,
                    PARK_NAME: park["park__name"] if park else None,
                    COUNTY_ID: park["park__org_unit__parent_id"] if park else firm["county_id"],
                    COUNTY_NAME: park["park__org_unit__parent__name"]
                    if park
                    else firm["county__name"],
                }
            )
    elif form.level == Level.PARK:
        for unit in park_options(user=user).values(
            "pk", "org_unit_id", "name", "org_unit__parent_id", "org_unit__parent__name"
        ):
            rows.append(
                {
                    UNIT_ID: unit["org_unit_id"],
                    ENTERPRISE_ID: None,
                    NAME: unit["name"],
                    CREDIT_CODE: None,
                    CONTACT: None,
                    PARK_ID: unit["pk"],
                    PARK_NAME: unit["name"],
                    COUNTY_ID: unit["org_unit__parent_id"],
                    COUNTY_NAME: unit["org_unit__parent__name"],
                }
            )
    return pl.DataFrame(rows, schema=_EXPECTED_SCHEMA, orient="row")


def _reports_frame(*, user: User, form: ReportForm, year: int, month: int) -> pl.DataFrame:
    rows = [
        {
            UNIT_ID: s["org_unit_id"],
            cmp.STATUS: s["status"],
            cmp.SUBMITTED_AT: timezone.localtime(s["submitted_at"]).replace(tzinfo=None)
            if s["submitted_at"]
            else None,
            cmp.IS_LATE: s["is_late"],
        }
        for s in submission_list(user=user, year=year, month=month, form=form).values(
            "org_unit_id", "status", "submitted_at", "is_late"
        )
    ]
    return pl.DataFrame(rows, schema=_REPORT_SCHEMA, orient="row")


def _due_date(form: ReportForm, year: int, month: int) -> dt.date:
    from parkchain.indicators.calendar import period_window

    return period_window(form, year, month)[1]


@dataclass(frozen=True)
class Completeness:
    """A form's reporting completeness for one period within a user's scope (frames from engine.completeness)."""

    form: ReportForm
    year: int
    month: int
    due_on: dt.date
    units: pl.DataFrame  # one row per expected unit: _EXPECTED_SCHEMA + status columns
    totals: dict[str, Any]
    by_county: pl.DataFrame  # COUNTY_ID, COUNTY_NAME + engine.completeness.COUNTS
    by_park: pl.DataFrame  # PARK_ID, PARK_NAME + COUNTS (units outside parks: PARK_ID null)

    @property
    def to_chase(self) -> pl.DataFrame:
        """未报, 退回 and 迟报 units (the 催报清单), by county, park and name."""
        return self.units.filter(pl.col(cmp.NEEDS_CHASING)).sort(
            [COUNTY_NAME, PARK_NAME, NAME], nulls_last=True
        )


def completeness_report(
    *,
    user: User,
    form: ReportForm,
    year: int,
    month: int,
    county_id: int | None = None,
    park_id: int | None = None,
) -> Completeness:
    """Who was expected to report ``form`` for the period, who did, who was late; rates per county and park.

    ``county_id``/``park_id`` narrow the units (drill-down); they never widen the scope.
    """
    expected = completeness_expected(user=user, form=form, year=year, month=month)
    if county_id:
        expected = expected.filter(pl.col(COUNTY_ID) == county_id)
    if park_id:
        expected = expected.filter(pl.col(PARK_ID) == park_id)
    reports = _reports_frame(user=user, form=form, year=year, month=month)
    due_on = _due_date(form, year, month)
    due_at = dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time.min)  # end of the due day
    units = cmp.unit_status(expected.lazy(), reports.lazy(), due_at=due_at).collect()
    names = units.lazy()
    totals_frame = cmp.completeness_rates(names).collect()
    totals = totals_frame.row(0, named=True) if units.height else cmp.empty_totals()
    county_names = units.select(COUNTY_ID, COUNTY_NAME).unique(COUNTY_ID)
    park_names = units.select(PARK_ID, PARK_NAME).unique(PARK_ID)
    by_county = (
        cmp.completeness_rates(names, by=COUNTY_ID)
        .collect()
        .join(county_names, on=COUNTY_ID, how="left", nulls_equal=True)
        .sort(COUNTY_NAME, nulls_last=True)
    )
    by_park = (
        cmp.completeness_rates(names, by=PARK_ID)
        .collect()
        .join(park_names, on=PARK_ID, how="left", nulls_equal=True)
        .sort(PARK_NAME, nulls_last=True)
    )
    return Completeness(
        form=form,
        year=year,
        month=month,
        due_on=due_on,
        units=units.sort([COUNTY_NAME, PARK_NAME, NAME], nulls_last=True),
        totals=totals,
        by_county=by_county,
        by_park=by_park,
    )


# -- reporting desk, web entry, review (reporting pages) --------------------------------------------
DESK_ROLES_BELOW = {
    # role → the levels of forms the user follows for units under him (review or read)
    "city_admin": ("enterprise", "park"),
    "leader": ("enterprise", "park"),
    "supervisor": ("enterprise", "park"),
    "county": ("enterprise", "park"),
    "park": ("enterprise",),
}
UNIT_KIND_OF_LEVEL = {"enterprise": "enterprise", "park": "park", "county": "county"}


def _current_period(form: ReportForm, today: dt.date) -> tuple[int, int]:
    """The latest period of ``form`` open for reporting on ``today``: last month, or last year (month 0)."""
    if form.periodicity == Periodicity.ANNUAL:
        return today.year - 1, 0
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


@dataclass(frozen=True)
class DeskUnit:
    unit: Any  # OrgUnit
    status: str
    status_label: str
    submission: Submission | None
    can_write: bool


@dataclass(frozen=True)
class DeskForm:
    """One form on a user's reporting desk: its current period, window and the user's units."""

    form: ReportForm
    year: int
    month: int
    opens_on: dt.date
    due_on: dt.date
    locks_on: dt.date
    is_open: bool
    units: list[DeskUnit]
    follows: bool  # the user reviews or reads the reports of units under him
    counts: list[tuple[str, str, int]]  # (status, label, submissions) of the units under him


def reporting_desk(*, user: User, today: dt.date) -> list[DeskForm]:
    """The forms that concern ``user``: those his own units report, and those of units under him.

    ``counts`` are the submissions of the current period by status, within the user's scope.
    """
    from parkchain.indicators.calendar import period_state, period_window
    from parkchain.organisations.selectors import membership_list

    scope = scope_for(user)
    own_units = [m.org_unit for m in membership_list(user=user) if m.org_unit is not None]
    followed_levels: set[str] = set()
    for role in scope.roles:
        followed_levels.update(DESK_ROLES_BELOW.get(role, ()))
    if scope.everything:
        followed_levels.update(("enterprise", "park"))
    desk: list[DeskForm] = []
    for form in report_form_list(user=user).order_by("level", "periodicity", "code"):
        mine = [u for u in own_units if u.kind == UNIT_KIND_OF_LEVEL.get(form.level)]
        follows = form.level in followed_levels
        if not mine and not follows:
            continue
        year, month = _current_period(form, today)
        opens_on, due_on, locks_on = period_window(form, year, month)
        submissions = {
            s.org_unit_id: s
            for s in submission_list(user=user, year=year, month=month, form=form).filter(
                org_unit_id__in=[u.pk for u in mine]
            )
        }
        units = []
        for unit in mine:
            found = submissions.get(unit.pk)
            status = found.status if found else "not_submitted"
            label = found.get_status_display() if found else SubmissionStatus("not_submitted").label
            units.append(DeskUnit(unit, status, str(label), found, scope.can_write(unit)))
        counts: list[tuple[str, str, int]] = []
        if follows:
            rows = (
                submission_list(user=user, year=year, month=month, form=form)
                .values("status")
                .annotate(n=Count("pk"))
            )
            found_counts = {row["status"]: row["n"] for row in rows}
            counts = [
                (value, str(label), found_counts.get(value, 0))
                for value, label in SubmissionStatus.choices
            ]
        desk.append(
            DeskForm(
                form=form,
                year=year,
                month=month,
                opens_on=opens_on,
                due_on=due_on,
                locks_on=locks_on,
                is_open=period_state(form, year, month, None, today) == "open",
                units=units,
                follows=follows,
                counts=counts,
            )
        )
    return desk


@dataclass(frozen=True)
class EntryRow:
    """One input of the web form: the indicator, its stored value and the figures to compare with."""

    item: FormItem
    value: Decimal | None
    last_month: Decimal | None  # same year, previous month (本年累计 of that month)
    last_year: Decimal | None  # same period of the previous year (上年同期)

    @property
    def indicator(self) -> Indicator:
        return self.item.indicator

    @property
    def is_rate(self) -> bool:
        """A rate or a score (%, 分): its 同比 is a difference in points, not a ratio."""
        return self.indicator.unit in (MeasureUnit.PERCENT, MeasureUnit.SCORE)

    @property
    def yoy_percent(self) -> Decimal | None:
        """同比 (%) of the stored value against last year's same period (amounts and counts)."""
        if self.is_rate or self.value is None or not self.last_year:
            return None
        return (self.value / self.last_year - 1) * 100

    @property
    def yoy_points(self) -> Decimal | None:
        """同比 of a rate or score: the difference from last year's same period, in points
        (个百分点 / 分)."""
        if not self.is_rate or self.value is None or self.last_year is None:
            return None
        return self.value - self.last_year


@dataclass(frozen=True)
class ReportEntry:
    rows: list[EntryRow]
    submission: Submission | None


def report_entry(
    *, user: User, form: ReportForm, unit_id: int, year: int, month: int
) -> ReportEntry:
    """The stored values of one unit's report (and last month's, last year's) within the user's scope."""

    def values(y: int, m: int) -> dict[int, Decimal]:
        if m < 0 or y < 1:
            return {}
        return dict(
            observation_list(user=user, year=y, month=m, form=form, unit_id=unit_id).values_list(
                "indicator_id", "value"
            )
        )

    now = values(year, month)
    before = values(year, month - 1) if month > 1 else {}
    last_year = values(year - 1, month)
    rows = [
        EntryRow(
            item=item,
            value=now.get(item.indicator_id),
            last_month=before.get(item.indicator_id),
            last_year=last_year.get(item.indicator_id),
        )
        for item in form.items.select_related("indicator").order_by("order", "id")
    ]
    submission = (
        submission_list(user=user, year=year, month=month, form=form)
        .filter(org_unit_id=unit_id)
        .first()
    )
    return ReportEntry(rows=rows, submission=submission)


@dataclass(frozen=True)
class ReportedFigure:
    indicator: Indicator
    ytd: Decimal | None  # as reported (本年累计, or the stock for employees)
    monthly: Decimal | None  # 当月, derived: this YTD − last month's YTD (None when unknown)


@dataclass(frozen=True)
class ReportedData:
    form: ReportForm
    year: int
    month: int
    figures: list[ReportedFigure]
    status: str


def enterprise_reported_data(*, user: User, enterprise: Any) -> ReportedData | None:
    """The enterprise's latest monthly report (ent_monthly) with 当月 values derived; None if none."""
    form = (
        report_form_list(user=user)
        .filter(level=Level.ENTERPRISE, periodicity=Periodicity.MONTHLY)
        .first()
    )
    if form is None:
        return None
    unit_id = enterprise.org_unit_id
    latest = (
        scope_for(user)
        .filter(Observation.objects.filter(org_unit_id=unit_id, indicator__form_items__form=form))
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    if latest is None:
        return None
    year, month = latest
    entry = report_entry(user=user, form=form, unit_id=unit_id, year=year, month=month)
    if not any(row.value is not None for row in entry.rows):
        return None  # the latest values are attributed elsewhere for this user (moved firm)
    figures = []
    for row in entry.rows:
        monthly: Decimal | None = None
        if row.indicator.is_ytd and row.value is not None:
            if month == 1:
                monthly = row.value
            elif row.last_month is not None:
                monthly = row.value - row.last_month
        figures.append(ReportedFigure(indicator=row.indicator, ytd=row.value, monthly=monthly))
    status = entry.submission.status if entry.submission else "not_submitted"
    return ReportedData(form=form, year=year, month=month, figures=figures, status=status)


def submission_for_review(*, user: User, pk: int) -> Submission:
    """One submission in the user's scope *as of its period*; 404 when missing or outside it."""
    period = Submission.objects.filter(pk=pk).values_list("year", "month").first()
    if period is None:
        return get_in_scope(Submission.objects.none(), pk=pk)
    qs = scope_for(user).filter(
        Submission.objects.select_related("form", "org_unit"), as_of=_period_as_of(*period)
    )
    return get_in_scope(qs, pk=pk)


def submission_history(*, user: User, submission: Submission) -> list[Any]:
    """Status changes of a submission the user may see (newest first, core.history entries)."""
    from parkchain.core.history import object_history

    visible = scope_for(user).filter(
        Submission.objects.filter(pk=submission.pk),
        as_of=_period_as_of(submission.year, submission.month),
    )
    if not visible.exists():
        return []
    return object_history(submission)


def period_unlock_list(*, user: User) -> QuerySet[PeriodUnlock]:
    """Unlocks the user may see: period-wide ones and those of units in his scope, newest first."""
    return (
        scope_for(user)
        .filter(PeriodUnlock.objects.select_related("form", "org_unit", "unlocked_by"))
        .order_by("-created_at", "-pk")
    )


# -- import batches (Excel/CSV imports) ------------------------------------------------------------
def import_batch_list(
    *, user: User, form_code: str | None = None, status: str | None = None
) -> QuerySet[ImportBatch]:
    """Batches the user may see (his own, and those for units his scope covers), newest first."""
    qs = scope_for(user).filter(
        ImportBatch.objects.select_related("form", "uploaded_by", "scope_unit")
    )
    if form_code:
        qs = qs.filter(form__code=form_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def import_batch_get(*, user: User, pk: int) -> ImportBatch:
    """404 when the batch is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(import_batch_list(user=user), pk=pk)
