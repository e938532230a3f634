"""Excel import pages (数据导入): batches list, upload, template download, batch detail with progress,
preview and errors, error workbook, rollback. Thin: parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkchain.core.errors import ApplicationError
from parkchain.core.http import AuthenticatedHttpRequest, vary_on_htmx, wants_fragment
from parkchain.core.listing import page_of
from parkchain.core.xlsx import xlsx_response
from parkchain.indicators.import_forms import ApplyForm, BatchFilterForm, PeriodForm, UploadForm
from parkchain.indicators.imports import (
    batch_apply,
    batch_create,
    batch_error_workbook,
    batch_issues,
    batch_rollback,
    batch_validate,
    should_run_inline,
    template_workbook,
)
from parkchain.indicators.models import BatchStatus
from parkchain.indicators.selectors import (
    import_batch_get,
    import_batch_list,
    report_form_by_code,
    report_form_list,
)
from parkchain.indicators.tasks import batch_apply_task, batch_validate_task

RUNNING = (BatchStatus.UPLOADED, BatchStatus.VALIDATING, BatchStatus.APPLYING)


@require_GET
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = BatchFilterForm(request.GET)
    filters.is_valid()
    batches = import_batch_list(
        user=request.user,
        form_code=filters.cleaned_data.get("form") or None,
        status=filters.cleaned_data.get("status") or None,
    )
    context = {
        "page": page_of(batches, request.GET.get("page")),
        "filters": filters,
        "report_forms": report_form_list(user=request.user),
    }
    template = "reporting/import_list.html" + ("#results" if wants_fragment(request) else "")
    return vary_on_htmx(render(request, template, context))


def _default_period() -> dict[str, int]:
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return {"year": year, "month": month}


@require_http_methods(["GET", "POST"])
def import_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    report_forms = report_form_list(user=request.user)
    if request.method == "POST":
        upload = UploadForm(request.POST, request.FILES, report_forms=report_forms)
        if upload.is_valid():
            try:
                batch = batch_create(
                    actor=request.user,
                    form=upload.report_form(),
                    upload=upload.cleaned_data["file"],
                    year=upload.cleaned_data["year"],
                    month=upload.cleaned_data["month"],
                )
            except ApplicationError as err:
                upload.add_error("file", err.message)
            else:
                if should_run_inline(batch):
                    batch_validate(batch=batch)
                else:
                    batch_validate_task.enqueue(batch.pk)
                return redirect("reporting:import_detail", pk=batch.pk)
    else:
        upload = UploadForm(initial=_default_period(), report_forms=report_forms)
    return render(request, "reporting/import_new.html", {"upload": upload})


@require_GET
def template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    period = PeriodForm(request.GET, report_forms=report_form_list(user=request.user))
    if not period.is_valid():
        raise Http404
    form = report_form_by_code(user=request.user, code=period.cleaned_data["form"])
    content = template_workbook(
        user=request.user,
        form=form,
        year=period.cleaned_data["year"],
        month=period.cleaned_data["month"],
    )
    suffix = _("template")
    return xlsx_response(content, name=f"{form.name}_{suffix}")


@require_http_methods(["GET", "POST"])
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_get(user=request.user, pk=pk)
    apply_form = ApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and apply_form.is_valid():
        confirm = apply_form.cleaned_data["confirm_warnings"]
        try:
            if should_run_inline(batch):
                batch_apply(batch=batch, actor=request.user, confirm_warnings=confirm)
                messages.success(request, _("Batch #%(pk)s applied.") % {"pk": batch.pk})
            else:
                if batch.summary.get("warnings") and not confirm:
                    raise ApplicationError(_("Look at the warnings and confirm them first."))
                batch_apply_task.enqueue(batch.pk, request.user.pk, confirm)
        except ApplicationError as err:
            messages.error(request, err.message)
        except PermissionDenied:
            messages.error(request, _("You may not apply this batch."))
        return redirect("reporting:import_detail", pk=batch.pk)
    issues = batch_issues(batch)
    context = {
        "batch": batch,
        "running": batch.status in RUNNING,
        "errors_page": page_of(issues, request.GET.get("page"), per_page=50),
        "has_warnings": bool(batch.summary.get("warnings")),
        "apply_form": apply_form,
    }
    fragment = request.GET.get("fragment") or "results"  # pagination asks for the errors table
    if wants_fragment(request) and fragment in ("progress", "results"):
        return vary_on_htmx(render(request, f"reporting/import_detail.html#{fragment}", context))
    return vary_on_htmx(render(request, "reporting/import_detail.html", context))


@require_GET
def import_errors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_get(user=request.user, pk=pk)
    name = batch.original_name.rsplit(".", 1)[0]
    suffix = _("errors")
    return xlsx_response(batch_error_workbook(batch=batch), name=f"{name}_{suffix}")


@require_POST
def import_rollback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_get(user=request.user, pk=pk)
    try:
        batch_rollback(batch=batch, actor=request.user)
        messages.success(request, _("Batch #%(pk)s rolled back.") % {"pk": batch.pk})
    except ApplicationError as err:
        messages.error(request, err.message)
    except PermissionDenied:
        messages.error(request, _("You may not roll back this batch."))
    return redirect("reporting:import_detail", pk=batch.pk)
