"""Reporting completeness (填报进度): who has reported a form for a period, rates per county and park,
and the chase list (催报清单) of units that have not reported, were returned or were late."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from engine import completeness as cmp
from engine.columns import COUNTY_ID, NAME, PARK_ID
from parkchain.core.http import AuthenticatedHttpRequest, vary_on_htmx, wants_fragment
from parkchain.core.xlsx import DATE, Column, rows_to_xlsx, xlsx_response
from parkchain.indicators.charts import completeness_bar_option
from parkchain.indicators.completeness_forms import CompletenessFilterForm
from parkchain.indicators.models import ANNUAL, SubmissionStatus
from parkchain.indicators.selectors import (
    COUNTY_NAME,
    PARK_NAME,
    Completeness,
    completeness_report,
    report_form_list,
)
from parkchain.organisations.selectors import county_list, park_options


def _completeness(
    request: AuthenticatedHttpRequest,
) -> tuple[CompletenessFilterForm, Completeness | None]:
    user = request.user
    filters = CompletenessFilterForm(
        request.GET,
        report_forms=report_form_list(user=user),
        counties=county_list(user=user),
        parks=park_options(user=user),
        today=timezone.localdate(),
    )
    report_form = filters.report_form()
    if report_form is None:
        return filters, None
    year, month = filters.period(report_form)
    report = completeness_report(
        user=user,
        form=report_form,
        year=year,
        month=month,
        county_id=filters.pk("county"),
        park_id=filters.pk("park"),
    )
    return filters, report


def period_text(year: int, month: int) -> str:
    if month == ANNUAL:
        return _("%(year)s (annual)") % {"year": year}
    return _("%(year)s-%(month)02d") % {"year": year, "month": month}


def _status_label(status: str) -> str:
    return str(SubmissionStatus(status).label)


def _with_percent(row: dict[str, Any]) -> dict[str, Any]:
    """Rates as percentages for the ``pct`` filter (the engine gives ratios)."""
    for rate in (cmp.RATE, cmp.ON_TIME_RATE):
        row[f"{rate}_pct"] = row[rate] * 100 if row[rate] is not None else None
    return row


def _group_rows(frame: Any, key: str, name: str, outside: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = frame.to_dicts()
    for row in rows:
        row["id"] = row[key]
        row["name"] = row[name] or outside
        _with_percent(row)
    return rows


@require_GET
def completeness(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters, report = _completeness(request)
    context: dict[str, Any] = {"form": filters, "report": report}
    if report is not None:
        counties = _group_rows(report.by_county, COUNTY_ID, COUNTY_NAME, _("Unknown county"))
        parks = _group_rows(report.by_park, PARK_ID, PARK_NAME, _("Outside parks"))
        chart_rows = parks if filters.pk("county") or len(counties) <= 1 else counties
        chase = report.to_chase.to_dicts()
        for row in chase:
            row["status_label"] = _status_label(row[cmp.STATUS])
        context |= {
            "period": period_text(report.year, report.month),
            "totals": _with_percent(dict(report.totals)),
            "counties": counties,
            "parks": parks,
            "chase": chase,
            "chart": completeness_bar_option(
                [str(r["name"]) for r in chart_rows],
                [r[cmp.RATE] for r in chart_rows],
                [r[cmp.ON_TIME_RATE] for r in chart_rows],
                rate_label=_("Reporting rate"),
                on_time_label=_("On-time rate"),
            ),
            "chart_by_park": chart_rows is parks,
        }
    template = "reporting/completeness.html" + ("#results" if wants_fragment(request) else "")
    return vary_on_htmx(render(request, template, context))


def chase_columns() -> list[Column]:
    return [
        Column(_("County"), 12),
        Column(_("Park"), 24),
        Column(_("Unit"), 30),
        Column(_("Unified social credit code"), 22),
        Column(_("Contact (legal representative)"), 14),
        Column(_("Status"), 10),
        Column(_("Late"), 8),
        Column(_("Submitted at"), 18, DATE + " hh:mm"),
    ]


@require_GET
def chase_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _filters, report = _completeness(request)
    rows: list[list[object]] = []
    title = _("Chase list")
    if report is not None:
        title = f"{report.form.name} {period_text(report.year, report.month)} {title}"
        for row in report.to_chase.iter_rows(named=True):
            rows.append(
                [
                    row[COUNTY_NAME],
                    row[PARK_NAME] or _("Outside parks"),
                    row[NAME],
                    row["credit_code"],
                    row["contact"],
                    _status_label(row[cmp.STATUS]),
                    _("yes") if row[cmp.IS_LATE] else "",
                    row[cmp.SUBMITTED_AT],
                ]
            )
    content = rows_to_xlsx(_("Chase list"), chase_columns(), rows)
    return xlsx_response(content, name=title)
