"""Evaluation pages: runs (亩均 A/B/C/D, 五好 parks, county league), results and their explanation,
the 公示 → 异议/复核 → 定级 workflow, exports (.xlsx) and the evaluation report (.docx).

Views only read selectors and call services; every refusal is the service's ApplicationError
(shown as a message) or the selectors' 404 for rows outside the user's scope.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parkchain.chains.selectors import chain_options
from parkchain.core.downloads import docx_response
from parkchain.core.errors import ApplicationError
from parkchain.core.http import AuthenticatedHttpRequest, vary_on_htmx, wants_fragment
from parkchain.core.listing import page_of, sorting_from
from parkchain.core.xlsx import xlsx_response
from parkchain.enterprises.selectors import enterprise_get
from parkchain.evaluation import charts, excel, report, services
from parkchain.evaluation.forms import (
    DecideForm,
    PublishForm,
    ReasonForm,
    ResultFilterForm,
    RunCreateForm,
    RunFilterForm,
)
from parkchain.evaluation.models import (
    EvaluationRun,
    Objection,
    ObjectionStatus,
    ResultStatus,
    RunSource,
    RunStatus,
    SchemeKind,
    SchemeVersion,
)
from parkchain.evaluation.selectors import (
    county_result_list,
    enterprise_result_explain,
    enterprise_result_get,
    enterprise_result_list,
    grade_distribution,
    objection_list,
    park_result_list,
    run_get,
    run_list,
    scheme_list,
)
from parkchain.organisations.models import OrgUnitKind, Role
from parkchain.organisations.scopes import scope_for
from parkchain.organisations.selectors import county_list, org_unit_list, park_options

# sort keys of the results table → the selector's RESULT_ORDERS keys
RESULT_SORTS = {
    "rank": ("rank",),
    "total": ("total",),
    "grade": ("grade",),
    "name": ("name",),
    "county": ("county",),
    "park": ("park",),
}
DISTRIBUTION_BY = ("county", "park", "chain")
NEXT_CLASS_UP = {"B": "A", "C": "B", "D": "C"}


def is_task_force(request: AuthenticatedHttpRequest) -> bool:
    """The city task force runs, publishes and finalises evaluations (the services check it again)."""
    scope = scope_for(request.user)
    return scope.everything or scope.has_role(Role.CITY_ADMIN)


def _latest_versions(request: AuthenticatedHttpRequest) -> Any:
    schemes = scheme_list(user=request.user)
    latest = [s.versions.all()[0].pk for s in schemes if s.versions.all()]
    return (
        SchemeVersion.objects.filter(pk__in=latest)
        .select_related("scheme")
        .order_by("scheme__kind", "scheme__name")
    )


# -- runs -----------------------------------------------------------------------------------------
@require_GET
def evaluation_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    all_runs = run_list(user=user)
    years = sorted(set(all_runs.values_list("year", flat=True)), reverse=True)
    filters = RunFilterForm(request.GET, years=years)
    runs = run_list(user=user, kind=filters.value("kind"), year=filters.value("year"))
    context: dict[str, Any] = {
        "filters": filters,
        "runs": runs,
        "task_force": is_task_force(request),
    }
    if context["task_force"]:
        today = timezone.localdate()
        context["create_form"] = RunCreateForm(
            initial={"year": today.year - 1},
            versions=_latest_versions(request),
            regions=org_unit_list(user=user, kind=OrgUnitKind.CITY),
        )
    return render(request, "evaluation/home.html", context)


@require_POST
def run_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_task_force(request):
        raise PermissionDenied
    user = request.user
    form = RunCreateForm(
        request.POST,
        versions=_latest_versions(request),
        regions=org_unit_list(user=user, kind=OrgUnitKind.CITY),
    )
    if form.is_valid():
        try:
            run = services.run_create(
                actor=user,
                scheme_version=form.cleaned_data["scheme_version"],
                year=form.cleaned_data["year"],
                region=form.cleaned_data["region"],
                title=form.cleaned_data["title"],
            )
        except (ApplicationError, ValidationError) as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, _("Run “%(title)s” computed.") % {"title": run.title})
            return redirect("evaluation:run", pk=run.pk)
    else:
        messages.error(request, _("Check the form: %(errors)s") % {"errors": _form_errors(form)})
    return redirect("evaluation:home")


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _form_errors(form: Any) -> str:
    return "; ".join(
        f"{form.fields[k].label if k in form.fields else ''} {' '.join(v)}".strip()
        for k, v in form.errors.items()
    )


def _result_filters(request: AuthenticatedHttpRequest, run: EvaluationRun) -> ResultFilterForm:
    user = request.user
    groups = sorted(
        {g for g in run.enterprise_results.values_list("group", flat=True).distinct() if g}
    )
    labels = _group_labels(run)
    return ResultFilterForm(
        request.GET,
        counties=county_list(user=user),
        parks=park_options(user=user),
        chains=chain_options(user=user),
        groups=[(g, labels.get(g, g)) for g in groups],
    )


def _group_labels(run: EvaluationRun) -> dict[str, str]:
    definition = run.scheme_version.definition or {}
    return {g.get("key", ""): g.get("label", "") for g in definition.get("groups", [])}


def _filtered_results(
    request: AuthenticatedHttpRequest, run: EvaluationRun
) -> tuple[Any, Any, Any]:
    filters = _result_filters(request, run)
    sorting = sorting_from(request.GET.get("sort"), allowed=RESULT_SORTS, default="-total")
    order = sorting.key
    if sorting.key == "total":
        order = "total" if not sorting.descending else "-total"
    elif sorting.key == "rank" and sorting.descending:
        order = "-total"
    results = enterprise_result_list(
        user=request.user,
        run=run,
        county_id=filters.pk("county"),
        park_id=filters.pk("park"),
        chain_id=filters.pk("chain"),
        grade=filters.value("grade"),
        group=filters.value("group"),
        status=filters.value("status"),
        q=filters.value("q"),
        order=order,
    )
    return filters, sorting, results


@require_GET
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_get(user=request.user, pk=pk)
    if run.kind == SchemeKind.PARK_FIVE_GOOD:
        return _park_run(request, run)
    if run.kind == SchemeKind.COUNTY_MU:
        return _county_run(request, run)
    filters, sorting, results = _filtered_results(request, run)
    page = page_of(results, request.GET.get("page"))
    context: dict[str, Any] = {
        "run": run,
        "filters": filters,
        "page": page,
        "sorting": sorting,
        "group_labels": _group_labels(run),
    }
    if wants_fragment(request):
        return vary_on_htmx(render(request, "evaluation/run_enterprise.html#results", context))
    # a county's own users see one county: its parks say more
    default_by = "county" if county_list(user=request.user).count() > 1 else "park"
    by = request.GET.get("by") if request.GET.get("by") in DISTRIBUTION_BY else default_by
    distribution = grade_distribution(user=request.user, run=run, by=by)  # type: ignore[arg-type]
    context.update(_run_chrome(request, run))
    context.update(
        {
            "by": by,
            "distribution": distribution,
            "distribution_chart": charts.grade_distribution_option(distribution),
            "totals": _grade_totals(distribution),
        }
    )
    return vary_on_htmx(render(request, "evaluation/run_enterprise.html", context))


def _grade_totals(rows: list[Any]) -> dict[str, Any]:
    totals = {
        key: sum(getattr(r, key) for r in rows)
        for key in (
            "n_total",
            "n_graded",
            "n_a",
            "n_b",
            "n_c",
            "n_d",
            "n_exempt",
            "n_deferred",
            "n_excluded",
        )
    }
    totals["land_d_mu"] = sum(r.land_d_mu or 0 for r in rows)
    graded = totals["n_graded"]
    for grade in "abcd":
        totals[f"share_{grade}"] = (totals[f"n_{grade}"] / graded * 100) if graded else None
    return totals


def _run_chrome(request: AuthenticatedHttpRequest, run: EvaluationRun) -> dict[str, Any]:
    """The run header: status, workflow actions for the task force, objections."""
    task_force = is_task_force(request)
    today = timezone.localdate()
    objections = objection_list(user=request.user, run=run)
    return {
        "task_force": task_force,
        "today": today,
        "objections": objections,
        "open_objections": sum(1 for o in objections if o.status == ObjectionStatus.OPEN),
        "publish_form": PublishForm(initial={"deadline": PublishForm.default_deadline(today)}),
        "withdraw_form": ReasonForm(),
        "decide_form": DecideForm(),
        "can_publish": task_force and run.status == RunStatus.DRAFT,
        "can_finalise": task_force and run.status in (RunStatus.PUBLICISED, RunStatus.UNDER_REVIEW),
        "can_withdraw": task_force and run.status != RunStatus.WITHDRAWN,
        "deadline_passed": bool(run.publicity_deadline and today > run.publicity_deadline),
        "is_official": run.source == RunSource.OFFICIAL,
    }


def _park_run(request: AuthenticatedHttpRequest, run: EvaluationRun) -> HttpResponse:
    parks = list(park_result_list(user=request.user, run=run))
    context = {
        "run": run,
        "parks": parks,
        "chart": charts.league_option(
            [p.park.short_name or p.park.name for p in parks],
            [
                (_("Part I: five goods"), [p.part1 for p in parks]),
                (_("Part II: park economy"), [p.part2 for p in parks]),
            ],
        ),
        **_run_chrome(request, run),
    }
    return render(request, "evaluation/run_parks.html", context)


def _county_run(request: AuthenticatedHttpRequest, run: EvaluationRun) -> HttpResponse:
    counties = list(county_result_list(user=request.user, run=run))
    indicators: list[tuple[str, str]] = []
    for row in counties:
        for item in row.components or []:
            pair = (str(item.get("indicator")), str(item.get("label") or item.get("indicator")))
            if pair not in indicators:
                indicators.append(pair)
    table = []
    for row in counties:
        by_key = {str(c.get("indicator")): c for c in row.components or []}
        table.append((row, [by_key.get(key) for key, _label in indicators]))
    context = {
        "run": run,
        "counties": counties,
        "indicators": indicators,
        "table": table,
        "chart": charts.league_option(
            [c.county.name for c in counties], [(_("Total score"), [c.total for c in counties])]
        ),
        **_run_chrome(request, run),
    }
    return render(request, "evaluation/run_counties.html", context)


@require_GET
def run_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_get(user=request.user, pk=pk)
    if run.kind == SchemeKind.PARK_FIVE_GOOD:
        content = excel.park_results_xlsx(run, park_result_list(user=request.user, run=run))
    elif run.kind == SchemeKind.COUNTY_MU:
        content = excel.county_results_xlsx(run, county_result_list(user=request.user, run=run))
    else:
        _filters, _sorting, results = _filtered_results(request, run)
        content = excel.enterprise_results_xlsx(run, results[: settings.EXPORT_MAX_ROWS])
    return xlsx_response(content, name=run.title)


@require_GET
def run_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_get(user=request.user, pk=pk)
    content = report.run_report_docx(user=request.user, run=run)
    return docx_response(content, name=run.title)


def _workflow(request: AuthenticatedHttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    run = run_get(user=request.user, pk=pk)
    try:
        action(run)
    except (ApplicationError, ValidationError) as error:
        messages.error(request, _message(error))
    except PermissionDenied:
        messages.error(request, _("Only the city task force may do this."))
    else:
        messages.success(request, done)
    return redirect("evaluation:run", pk=run.pk)


@require_POST
def run_publish_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day for objections."))
        return redirect("evaluation:run", pk=pk)
    return _workflow(
        request,
        pk,
        lambda run: services.run_publish(
            actor=request.user, run=run, deadline=form.cleaned_data["deadline"]
        ),
        _("Published for objections."),
    )


@require_POST
def run_finalise_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _workflow(
        request,
        pk,
        lambda run: services.run_finalise(actor=request.user, run=run),
        _("The results are final."),
    )


@require_POST
def run_withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the withdrawal."))
        return redirect("evaluation:run", pk=pk)
    return _workflow(
        request,
        pk,
        lambda run: services.run_withdraw(
            actor=request.user, run=run, reason=form.cleaned_data["reason"]
        ),
        _("The run was withdrawn."),
    )


@require_POST
def run_reproduce_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = run_get(user=request.user, pk=pk)
    try:
        answer = services.run_reproduce(run=run, actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("evaluation:run", pk=run.pk)
    if answer.matches:
        text = _("Re-computed from the stored inputs and scheme version: identical results.")
        if answer.inputs_changed_since:
            text += " " + _("The live data have changed since; the run still reproduces.")
        messages.success(request, text)
    else:
        messages.error(
            request,
            _("Re-computation differs for %(count)s row(s): %(keys)s")
            % {"count": len(answer.changed), "keys": ", ".join(answer.changed[:10])},
        )
    return redirect("evaluation:run", pk=run.pk)


# -- one enterprise's result ----------------------------------------------------------------------
@require_GET
def result_detail(request: AuthenticatedHttpRequest, pk: int, enterprise_pk: int) -> HttpResponse:
    run = run_get(user=request.user, pk=pk)
    if run.kind != SchemeKind.ENTERPRISE_MU:
        raise Http404
    result = enterprise_result_get(user=request.user, run=run, enterprise_pk=enterprise_pk)
    # what the next class up would take (C → B is the step a C enterprise can plan for)
    target = NEXT_CLASS_UP.get(result.computed_grade or result.grade, "A")
    explanation = enterprise_result_explain(user=request.user, result=result, target=target)
    objections = [
        o for o in objection_list(user=request.user, run=run) if o.enterprise_id == enterprise_pk
    ]
    today = timezone.localdate()
    may_object = (
        run.status == RunStatus.PUBLICISED
        and run.publicity_deadline is not None
        and today <= run.publicity_deadline
        and scope_for(request.user).has_role(
            Role.ENTERPRISE, Role.COUNTY, Role.PARK, Role.CITY_ADMIN
        )
        and not any(o.status == ObjectionStatus.OPEN for o in objections)
    )
    context = {
        "run": run,
        "result": result,
        "explanation": explanation,
        "group_label": _group_labels(run).get(result.group, result.group),
        "next_class": target if result.status == ResultStatus.GRADED else None,
        # pools are "group/partition" ("above/433130" = 规上 of one county) or the group alone
        "pool_label": result.county.name
        if "/" in result.pool and result.county_id
        else _("the city"),
        "chart": charts.contribution_option(explanation.components),
        "objections": objections,
        "may_object": may_object,
        "objection_form": ReasonForm(),
        "decide_form": DecideForm(),
        "task_force": is_task_force(request),
        "deadline_passed": bool(run.publicity_deadline and today > run.publicity_deadline),
        "graded": result.status == ResultStatus.GRADED,
    }
    return render(request, "evaluation/result.html", context)


@require_POST
def objection_new(request: AuthenticatedHttpRequest, pk: int, enterprise_pk: int) -> HttpResponse:
    run = run_get(user=request.user, pk=pk)
    result = enterprise_result_get(user=request.user, run=run, enterprise_pk=enterprise_pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you object."))
    else:
        try:
            services.objection_submit(
                actor=request.user,
                run=run,
                enterprise=enterprise_get(user=request.user, pk=result.enterprise_id),
                reason=form.cleaned_data["reason"],
            )
        except (ApplicationError, ValidationError) as error:
            messages.error(request, _message(error))
        except PermissionDenied:
            messages.error(request, _("You may not object to this result."))
        else:
            messages.success(request, _("Objection submitted; the task force will review it."))
    return redirect("evaluation:result", pk=run.pk, enterprise_pk=enterprise_pk)


@require_http_methods(["POST"])
def objection_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visible = objection_list(user=request.user).filter(pk=pk)
    objection: Objection | None = visible.first()
    if objection is None:
        raise Http404
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": _form_errors(form)})
    else:
        try:
            services.objection_decide(
                actor=request.user,
                objection=objection,
                accept=form.cleaned_data["accept"],
                note=form.cleaned_data["note"],
                new_grade=form.cleaned_data["new_grade"] or None,
            )
        except (ApplicationError, ValidationError) as error:
            messages.error(request, _message(error))
        except PermissionDenied:
            messages.error(request, _("Only the city task force may do this."))
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("evaluation:result", pk=objection.run_id, enterprise_pk=objection.enterprise_id)


@require_GET
def park_result_detail(request: AuthenticatedHttpRequest, pk: int, park_pk: int) -> HttpResponse:
    run = run_get(user=request.user, pk=pk)
    if run.kind != SchemeKind.PARK_FIVE_GOOD:
        raise Http404
    row = park_result_list(user=request.user, run=run).filter(park_id=park_pk).first()
    if row is None:
        raise Http404
    parts: dict[str, list[dict[str, Any]]] = {}
    for item in row.components or []:
        parts.setdefault(str(item.get("part") or ""), []).append(item)
    context = {
        "run": run,
        "row": row,
        "parts": sorted(parts.items()),
        "dimensions": {
            str(d.get("key")): str(d.get("label") or d.get("key"))
            for d in (run.scheme_version.definition or {}).get("dimensions", [])
        },
        # a park run keeps its deduction and veto lines where an enterprise run keeps benchmarks
        "deductions": [d for d in run.benchmarks or [] if d.get("park_id") == park_pk],
    }
    return render(request, "evaluation/park_result.html", context)
