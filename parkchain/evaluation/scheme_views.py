"""Scheme pages (评价办法): the schemes, one scheme's definition in words with its versions, the
city task force's edit (knobs or the whole JSON), and the import of an official notice.

Thin: parse input, call ``selectors.scheme_list``/``run_list`` or one service, render. A version
some run used is never edited: the edit saves a new version (``scheme_version_create``); only a
version nobody used yet, saved by a person (not a preset), is corrected in place
(``scheme_version_update``). Invalid input saves nothing and comes back next to the fields.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from parkchain.core.errors import ApplicationError
from parkchain.core.http import AuthenticatedHttpRequest
from parkchain.core.people import display_name
from parkchain.core.xlsx import Column, rows_to_xlsx, xlsx_response
from parkchain.evaluation import scheme_display as display
from parkchain.evaluation.models import (
    EvaluationRun,
    Scheme,
    SchemeKind,
    SchemeVersion,
)
from parkchain.evaluation.scheme_forms import (
    OfficialImportForm,
    SchemeJsonForm,
    SchemeKnobsForm,
    definition_text,
)
from parkchain.evaluation.selectors import run_list, scheme_list
from parkchain.evaluation.services import (
    OfficialImportInvalid,
    official_results_import,
    scheme_definition_validate,
    scheme_version_create,
    scheme_version_parsed,
    scheme_version_update,
)
from parkchain.indicators.selectors import indicator_list
from parkchain.organisations.models import OrgUnit, OrgUnitKind, Role
from parkchain.organisations.scopes import get_in_scope, scope_for
from parkchain.organisations.selectors import org_unit_list

# the columns ``services.official_results_import`` reads (its first aliases), for the template
OFFICIAL_TEMPLATE_COLUMNS = (
    Column("统一社会信用代码", 24),
    Column("企业名称", 36),
    Column("评价等级", 10),
    Column("综合得分", 10, "0.00"),
)

# the columns a scheme may rank within (engine input frame) in words
PARTITION_LABELS = {"county": gettext_lazy("county"), "park": gettext_lazy("park")}


def _is_task_force(request: AuthenticatedHttpRequest) -> bool:
    """The city task force edits schemes and imports notices (the services check it again)."""
    scope = scope_for(request.user)
    return scope.everything or scope.has_role(Role.CITY_ADMIN)


def _scheme(request: AuthenticatedHttpRequest, pk: int) -> Scheme:
    """404 when the scheme is missing *or* not readable (another city's own scheme)."""
    return get_in_scope(scheme_list(user=request.user), pk=pk)


def _runs_by_version(request: AuthenticatedHttpRequest, scheme: Scheme) -> dict[int, list[Any]]:
    runs: dict[int, list[Any]] = defaultdict(list)
    for run in run_list(user=request.user).filter(scheme_version__scheme=scheme):
        runs[run.scheme_version_id].append(run)
    return runs


# -- schemes --------------------------------------------------------------------------------------
@require_GET
def scheme_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    schemes = list(scheme_list(user=request.user).select_related("city"))
    sections = []
    for kind, label in SchemeKind.choices:
        rows = []
        for scheme in (s for s in schemes if s.kind == kind):
            versions = list(scheme.versions.all())
            rows.append(
                {
                    "scheme": scheme,
                    "latest": versions[0] if versions else None,
                    "count": len(versions),
                    "in_use": any(v.is_used for v in versions),
                }
            )
        sections.append((kind, label, rows))
    context = {"sections": sections, "task_force": _is_task_force(request)}
    return render(request, "evaluation/scheme_index.html", context)


def _definition_context(version: SchemeVersion, names: dict[str, str]) -> dict[str, Any]:
    """The parsed definition of ``version`` and its rows in words (or the raw JSON when the stored
    definition no longer validates)."""
    try:
        parsed = scheme_version_parsed(version)
    except ValueError as err:  # pydantic's ValidationError is a ValueError
        return {
            "invalid": str(err),
            "raw": definition_text(version.definition),
            "description": version.scheme.description,
        }
    kind = version.scheme.kind
    context: dict[str, Any] = {
        "parsed": parsed,
        "raw": definition_text(version.definition),
        "description": version.scheme.description
        or getattr(parsed, "description", "")
        or getattr(parsed, "note", ""),
    }
    if kind == SchemeKind.ENTERPRISE_MU:
        context["groups"] = [
            {
                "group": group,
                "indicators": display.mu_indicator_lines(group, names),
                "cuts": display.cut_percentages(group.cuts),
                "partition": "、".join(
                    str(PARTITION_LABELS.get(key, key)) for key in group.partition_by
                ),
            }
            for group in parsed.groups
        ]
        context["bonus"] = [(b, display.adjustment_points(b)) for b in parsed.bonus]
        context["penalty"] = [(p, display.adjustment_points(p)) for p in parsed.penalty]
        context["force_d"] = [display.flag_label(f) for f in parsed.force_d_flags]
        context["exempt_flags"] = [display.flag_label(f) for f in parsed.scope.exempt_flags]
        context["small_land"] = display.SMALL_LAND.get(parsed.small_land, parsed.small_land)
        context["lever_names"] = [label for _key, label in display.LEVERS]
        context["levers"] = display.lever_table(
            {grade: dict(effects) for grade, effects in parsed.levers.items()}
        )
        indicator_labels = {i.key: i.label for g in parsed.groups for i in g.indicators}
        context["abs_floor_label"] = (
            indicator_labels.get(parsed.abs_floor_d.indicator) if parsed.abs_floor_d else None
        )
        context["a_min_label"] = (
            indicator_labels.get(parsed.a_min.indicator) if parsed.a_min else None
        )
    elif kind == SchemeKind.PARK_FIVE_GOOD:
        context["park_indicators"] = display.park_indicator_lines(parsed, names)
        context["deductions"] = [(d, display.deduction_points(d)) for d in parsed.deductions]
        context["missing"] = display.MISSING.get(parsed.missing, parsed.missing)
    else:
        context["county_indicators"] = [
            (i, display.county_formula(parsed, i, names)) for i in parsed.indicators
        ]
        context["missing"] = display.MISSING.get(parsed.missing, parsed.missing)
    return context


@require_GET
def scheme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    versions = list(scheme.versions.all().select_related("created_by"))
    if not versions:
        raise Http404
    chosen = versions[0]
    asked = request.GET.get("version", "")
    if asked.isdigit():
        chosen = next((v for v in versions if v.version == int(asked)), chosen)
    runs = _runs_by_version(request, scheme)
    names = dict(indicator_list(user=request.user).values_list("code", "name"))
    context = {
        "scheme": scheme,
        "version": chosen,
        "latest": versions[0],
        "history": [
            (v, runs.get(v.pk, []), v.is_used, display_name(v.created_by) if v.created_by else "—")
            for v in versions
        ],
        "task_force": _is_task_force(request),
        **_definition_context(chosen, names),
    }
    return render(request, "evaluation/scheme_detail.html", context)


def _normalised(scheme: Scheme, version: SchemeVersion) -> dict[str, Any]:
    """The stored definition with the engine's defaults filled in (what the knobs start from);
    the stored one as is when it no longer validates (the JSON box shows the problem on save)."""
    try:
        return scheme_definition_validate(kind=scheme.kind, definition=version.definition)
    except ApplicationError:
        return dict(version.definition)


def _save_definition(
    request: AuthenticatedHttpRequest,
    scheme: Scheme,
    current: SchemeVersion,
    definition: Any,
    note: str,
) -> SchemeVersion:
    """A new version when the current one was used (or is a preset's), else the correction."""
    if current.is_used or current.created_by_id is None:
        return scheme_version_create(
            actor=request.user, scheme=scheme, definition=definition, note=note
        )
    return scheme_version_update(
        actor=request.user, version=current, definition=definition, note=note
    )


@require_http_methods(["GET", "POST"])
def scheme_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    if not _is_task_force(request):
        raise PermissionDenied
    current = scheme.versions.order_by("-version").first()
    if current is None:
        raise Http404
    new_version = current.is_used or current.created_by_id is None
    definition = _normalised(scheme, current)
    knobs = SchemeKnobsForm(kind=scheme.kind, definition=definition)
    advanced = SchemeJsonForm(initial={"definition": definition_text(definition)})
    open_advanced = False
    if request.method == "POST":
        if f"{SchemeJsonForm.prefix}-definition" in request.POST:
            advanced = SchemeJsonForm(request.POST)
            open_advanced = True
            form: Any = advanced
            valid = advanced.is_valid()
            changed = advanced.cleaned_data.get("definition") if valid else None
        else:
            knobs = SchemeKnobsForm(request.POST, kind=scheme.kind, definition=definition)
            form = knobs
            valid = knobs.is_valid()
            changed = knobs.definition_with_knobs() if valid else None
        if valid:
            before = current.definition_hash
            try:
                saved = _save_definition(
                    request, scheme, current, changed, form.cleaned_data.get("note", "")
                )
            except ApplicationError as err:
                form.add_error("definition" if open_advanced else None, err.message)
            else:
                if saved.pk == current.pk and saved.definition_hash == before:
                    messages.info(request, _("Nothing changed; the version stays as it was."))
                elif saved.pk == current.pk:
                    messages.success(
                        request,
                        _("Version %(version)s was corrected (no run had used it).")
                        % {"version": saved.version},
                    )
                else:
                    messages.success(
                        request,
                        _("Saved as version %(version)s; earlier versions stay as they were.")
                        % {"version": saved.version},
                    )
                return redirect("evaluation:scheme", pk=scheme.pk)
    context = {
        "scheme": scheme,
        "version": current,
        "new_version": new_version,
        "knobs": knobs,
        "advanced": advanced,
        "open_advanced": open_advanced,
        "is_enterprise": scheme.kind == SchemeKind.ENTERPRISE_MU,
    }
    return render(request, "evaluation/scheme_edit.html", context)


# -- official results ---------------------------------------------------------------------------
def _import_regions(request: AuthenticatedHttpRequest) -> QuerySet[OrgUnit]:
    """Cities and counties the task force may import for (the service checks again)."""
    scope = scope_for(request.user)
    units = org_unit_list(user=request.user).filter(kind__in=(OrgUnitKind.CITY, OrgUnitKind.COUNTY))
    if scope.everything:
        return units.order_by("path")
    keep = [u.pk for u in units if scope.can_write(u)]
    return units.filter(pk__in=keep).order_by("path")


@require_http_methods(["GET", "POST"])
def official_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _is_task_force(request):
        raise PermissionDenied
    if request.GET.get("template"):
        content = rows_to_xlsx("结果", OFFICIAL_TEMPLATE_COLUMNS, [])
        return xlsx_response(content, name=_("Official results template"))
    schemes = scheme_list(user=request.user, kind=SchemeKind.ENTERPRISE_MU)
    regions = _import_regions(request)
    issues: list[Any] = []
    if request.method == "POST":
        form = OfficialImportForm(request.POST, request.FILES, schemes=schemes, regions=regions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                run: EvaluationRun = official_results_import(
                    actor=request.user,
                    file=data["file"],
                    filename=data["file"].name,
                    year=data["year"],
                    scheme=data["scheme"],
                    region=data["region"],
                    title=data["title"],
                    note=data["note"],
                )
            except OfficialImportInvalid as err:
                issues = err.issues  # listed above the form, each with sheet, row and column
            except ApplicationError as err:
                form.add_error(None, err.message)
            except PermissionDenied:
                form.add_error("region", _("You may not import results for this region."))
            else:
                messages.success(
                    request,
                    _("%(count)s official results imported into “%(run)s”.")
                    % {"count": run.enterprise_results.count(), "run": run.title},
                )
                return redirect("evaluation:run", pk=run.pk)
    else:
        form = OfficialImportForm(
            initial={
                "year": timezone.localdate().year - 1,
                "region": regions.first(),
                "scheme": schemes.first(),
            },
            schemes=schemes,
            regions=regions,
        )
    context = {"form": form, "issues": issues}
    return render(request, "evaluation/official_import.html", context)
