"""Reporting pages: the reporting desk, web entry of one unit's report, review, period unlocks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkchain.core.errors import ApplicationError
from parkchain.core.http import AuthenticatedHttpRequest
from parkchain.enterprises.selectors import enterprise_list
from parkchain.indicators.calendar import PeriodState, period_is_valid, period_state, period_window
from parkchain.indicators.models import ANNUAL, Source, SubmissionStatus
from parkchain.indicators.reporting_forms import (
    ReportEntryForm,
    ReturnForm,
    ReviewFilterForm,
    UnlockForm,
)
from parkchain.indicators.review import (
    period_unlock_can_create,
    period_unlock_create,
    submission_approve,
    submission_can_review,
    submission_return,
)
from parkchain.indicators.selectors import (
    period_unlock_list,
    report_entry,
    report_form_by_code,
    report_form_list,
    reporting_desk,
    submission_for_review,
    submission_history,
    submission_list,
)
from parkchain.indicators.services import report_save
from parkchain.indicators.validation import ReportInvalid
from parkchain.organisations.scopes import get_in_scope, scope_for
from parkchain.organisations.selectors import org_unit_list, park_options

LEVEL_UNIT_KIND = {"enterprise": "enterprise", "park": "park", "county": "county"}


def period_text(year: int, month: int) -> str:
    if month == ANNUAL:
        return _("%(year)s (annual)") % {"year": year}
    return _("%(year)s-%(month)02d") % {"year": year, "month": month}


@require_GET
def reporting_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    desk = reporting_desk(user=request.user, today=today)
    context = {
        "desk": desk,
        "today": today,
        "can_unlock": period_unlock_can_create(actor=request.user),
        "statuses": SubmissionStatus.choices,
    }
    return render(request, "reporting/home.html", context)


@require_http_methods(["GET", "POST"])
def report_entry_view(
    request: AuthenticatedHttpRequest, form_code: str, unit_id: int, year: int, month: int
) -> HttpResponse:
    """Fill in (or read) one unit's report for a period; values are checked and saved by ``report_save``."""
    user = request.user
    report_form = report_form_by_code(user=user, code=form_code)
    unit = get_in_scope(org_unit_list(user=user), pk=unit_id)
    if unit.kind != LEVEL_UNIT_KIND.get(report_form.level) or not period_is_valid(
        report_form, year, month
    ):
        raise Http404
    today = timezone.localdate()
    state = period_state(report_form, year, month, unit, today)
    opens_on, due_on, locks_on = period_window(report_form, year, month)
    can_write = scope_for(user).can_write(unit)
    read_only = state != PeriodState.OPEN or not can_write
    entry = report_entry(user=user, form=report_form, unit_id=unit.pk, year=year, month=month)
    stored = {row.indicator.code: row.value for row in entry.rows}
    items = [row.item for row in entry.rows]
    warnings: list[Any] = []
    general_errors: list[Any] = []
    if request.method == "POST":
        if read_only:
            raise PermissionDenied
        form = ReportEntryForm(request.POST, items=items, stored=stored)
        if form.is_valid():
            submitted_before = entry.submission is not None and entry.submission.status != (
                SubmissionStatus.NOT_SUBMITTED
            )
            if (
                submitted_before
                and form.changes_stored_values()
                and not form.cleaned_data["reason"].strip()
            ):
                form.add_error(
                    "reason",
                    _("You are changing values that were already submitted: say why."),
                )
            else:
                try:
                    result = report_save(
                        actor=user,
                        form=report_form,
                        org_unit=unit,
                        year=year,
                        month=month,
                        values=form.values(),
                        source=Source.FORM,
                        reason=form.cleaned_data["reason"].strip(),
                        confirm_warnings=form.cleaned_data["confirm_warnings"],
                        today=today,
                    )
                except ReportInvalid as invalid:
                    for issue in invalid.issues:
                        text = f"{issue.message} {issue.fix}".strip()
                        if not issue.is_error:
                            warnings.append(issue)
                        elif issue.indicator in form.fields:
                            form.add_error(issue.indicator, text)
                        else:
                            general_errors.append(text)
                except ApplicationError as error:
                    general_errors.append(error.message)
                else:
                    messages.success(
                        request,
                        _(
                            "Saved %(unit)s, %(period)s: %(created)s new, %(changed)s changed values."
                        )
                        % {
                            "unit": unit.name,
                            "period": period_text(year, month),
                            "created": result.created,
                            "changed": result.changed + result.removed,
                        },
                    )
                    return redirect(request.path)
    else:
        form = ReportEntryForm(items=items, stored=stored, disabled=read_only)
    context = {
        "report_form": report_form,
        "unit": unit,
        "year": year,
        "month": month,
        "period": period_text(year, month),
        "form": form,
        "rows": [(row, form[row.indicator.code]) for row in entry.rows],
        "submission": entry.submission,
        "state": state,
        "read_only": read_only,
        "can_write": can_write,
        "opens_on": opens_on,
        "due_on": due_on,
        "locks_on": locks_on,
        "warnings": warnings,
        "general_errors": general_errors,
        "has_errors": bool(form.errors) or bool(general_errors),
    }
    return render(request, "reporting/entry.html", context)


def _review_period(text: str | None, *, annual: bool, today: Any) -> tuple[int, int]:
    if text:
        if "-" in text:
            year, month = (int(part) for part in text.split("-"))
            return year, month
        return int(text), ANNUAL
    if annual:
        return today.year - 1, ANNUAL
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


@require_GET
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Submissions of the units under the user for a form and period, with approve / return actions."""
    user = request.user
    scope = scope_for(user)
    if not (scope.everything or scope.has_role("park", "county", "city_admin")):
        raise PermissionDenied
    today = timezone.localdate()
    forms_qs = report_form_list(user=user)
    data = request.GET.copy()
    if not data.get("form"):
        first = forms_qs.order_by("level", "periodicity", "code").first()
        data["form"] = first.code if first else ""
    filters = ReviewFilterForm(data, forms_qs=forms_qs, statuses=SubmissionStatus.choices)
    filters.is_valid()
    report_form = filters.cleaned_data.get("form")
    rows: list[dict[str, Any]] = []
    year = month = 0
    if report_form is not None:
        try:
            year, month = _review_period(
                filters.cleaned_data.get("period"),
                annual=report_form.periodicity == "annual",
                today=today,
            )
        except ValueError:
            year, month = _review_period(None, annual=False, today=today)
        if not period_is_valid(report_form, year, month):
            raise Http404
        submissions = submission_list(
            user=user,
            year=year,
            month=month,
            form=report_form,
            status=filters.cleaned_data.get("status") or None,
        ).order_by("org_unit__path")
        for submission in submissions[:500]:
            rows.append(
                {
                    "submission": submission,
                    "can_review": submission_can_review(actor=user, submission=submission),
                    "entry_url": reverse(
                        "reporting:entry",
                        args=[report_form.code, submission.org_unit_id, year, month],
                    ),
                }
            )
    context = {
        "filters": filters,
        "report_form": report_form,
        "year": year,
        "month": month,
        "period": period_text(year, month) if report_form else "",
        "rows": rows,
        "return_form": ReturnForm(),
    }
    return render(request, "reporting/review.html", context)


@require_POST
def review_action(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    submission = submission_for_review(user=user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            submission_approve(actor=user, submission=submission)
            messages.success(request, _("Approved: %(unit)s.") % {"unit": submission.org_unit})
        elif action == "return":
            submission_return(
                actor=user, submission=submission, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Returned: %(unit)s.") % {"unit": submission.org_unit})
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, error.message)
    period = (
        f"{submission.year}"
        if submission.month == ANNUAL
        else f"{submission.year}-{submission.month}"
    )
    return redirect(f"{reverse('reporting:review')}?form={submission.form.code}&period={period}")


@require_GET
def submission_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    submission = submission_for_review(user=user, pk=pk)
    context = {
        "submission": submission,
        "period": period_text(submission.year, submission.month),
        "history": submission_history(user=user, submission=submission),
        "can_review": submission_can_review(actor=user, submission=submission),
        "return_form": ReturnForm(),
    }
    return render(request, "reporting/submission.html", context)


@require_http_methods(["GET", "POST"])
def unlock(request: AuthenticatedHttpRequest) -> HttpResponse:
    """City task force: re-open a locked period (whole period or one unit) until a date, with a reason."""
    user = request.user
    if not period_unlock_can_create(actor=user):
        raise PermissionDenied
    today = timezone.localdate()
    forms_qs = report_form_list(user=user)
    form = UnlockForm(request.POST or None, forms_qs=forms_qs, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = None
        text = data["unit"].strip()
        if text:
            enterprise = enterprise_list(user=user).filter(credit_code=text.upper()).first()
            park = park_options(user=user).filter(name=text).first()
            found = enterprise or park
            if found is None:
                form.add_error(
                    "unit", _("No enterprise with this credit code or park with this name.")
                )
            else:
                unit = found.org_unit
        if not form.errors:
            try:
                period_unlock_create(
                    actor=user,
                    form=data["form"],
                    year=data["year"],
                    month=data["month"],
                    org_unit=unit,
                    until=data["until"],
                    reason=data["reason"],
                    today=today,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The period is unlocked."))
                return redirect("reporting:unlock")
    context = {"form": form, "unlocks": period_unlock_list(user=user)[:100], "today": today}
    return render(request, "reporting/unlock.html", context)
