"""六个清单 pages: the snapshots (and building one), a snapshot's six lists as tabs, .xlsx of a list.

Thin: parse input, call ``selectors.list_snapshot_*`` or ``services.lists_build``, render. Rows are
scoped by the selector (a county user sees his county's rows of the city's lists) and the 税收清单
amounts come back hidden for roles that may not see them; the page and the workbook show "—".
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parkchain.chains.models import Chain
from parkchain.chains.selectors import chain_options
from parkchain.core.errors import ApplicationError
from parkchain.core.http import AuthenticatedHttpRequest, vary_on_htmx, wants_fragment
from parkchain.core.listing import page_of
from parkchain.core.people import display_name
from parkchain.core.xlsx import rows_to_xlsx, xlsx_response
from parkchain.evaluation.list_forms import (
    ListBuildForm,
    SnapshotFilterForm,
    list_kind,
    period_label,
)
from parkchain.evaluation.list_tables import (
    CHAIN_CRITERIA,
    CHART_TOP,
    SPECS,
    ListTable,
    chart_option,
    export_columns,
    export_rows,
    growth_legend,
    list_table,
)
from parkchain.evaluation.models import ListKind, ListSnapshot
from parkchain.evaluation.selectors import (
    list_snapshot_get,
    list_snapshot_list,
    list_snapshot_rows,
)
from parkchain.evaluation.services import LIST_BUILDER_ROLES, lists_build
from parkchain.organisations.models import OrgUnit, OrgUnitKind
from parkchain.organisations.scopes import scope_for
from parkchain.organisations.selectors import county_list, org_unit_list

LIST_PAGE_SIZE = 100
BUILD_UNIT_KINDS = (OrgUnitKind.CITY, OrgUnitKind.COUNTY, OrgUnitKind.PARK)


def _buildable_units(request: AuthenticatedHttpRequest) -> QuerySet[OrgUnit]:
    """Units the user may build lists for (the service checks again): city, counties and parks
    he may write, when he holds a builder role."""
    scope = scope_for(request.user)
    units = org_unit_list(user=request.user).filter(kind__in=BUILD_UNIT_KINDS)
    if not scope.has_role(*LIST_BUILDER_ROLES):
        return units.none()
    if not scope.everything:
        if not scope.write_paths:
            return units.none()
        units = units.filter(reduce(or_, (Q(path__startswith=p) for p in scope.write_paths)))
    return units.order_by("path")


def _person(user: AbstractBaseUser | None) -> str:
    return display_name(user) if user is not None else "—"


def _default_period() -> dict[str, int]:
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return {"year": year, "month": month}


@require_http_methods(["GET", "POST"])
def list_snapshot_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    units = _buildable_units(request)
    build: ListBuildForm | None = None
    if units.exists():
        if request.method == "POST":
            build = ListBuildForm(request.POST, units=units)
            if build.is_valid():
                data = build.cleaned_data
                try:
                    snapshot = lists_build(
                        actor=user,
                        year=data["year"],
                        month=data["month"],
                        scope=data["scope"],
                        title=data["title"],
                    )
                except ApplicationError as err:
                    build.add_error(None, err.message)
                except PermissionDenied:
                    build.add_error("scope", _("You may not build lists for this unit."))
                else:
                    messages.success(
                        request,
                        _("Built and frozen: %(title)s.") % {"title": snapshot.title},
                    )
                    return redirect("evaluation:list_snapshot", pk=snapshot.pk)
        else:
            build = ListBuildForm(
                initial={**_default_period(), "scope": units.first()}, units=units
            )
    elif request.method == "POST":
        raise PermissionDenied

    years = sorted(set(list_snapshot_list(user=user).values_list("year", flat=True)), reverse=True)
    filters = SnapshotFilterForm(request.GET, years=years)
    snapshots = list_snapshot_list(user=user, year=filters.value("year"))
    page = page_of(snapshots, request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "rows": [(s, period_label(s.year, s.month), _person(s.built_by)) for s in page.object_list],
        "build": build,
        "any_snapshot": bool(years),
    }
    template = "evaluation/lists_index.html" + ("#results" if wants_fragment(request) else "")
    return vary_on_htmx(render(request, template, context))


def _snapshot_chains(request: AuthenticatedHttpRequest, snapshot: ListSnapshot) -> list[Chain]:
    chains = (
        chain_options(user=request.user)
        .select_related("city")
        .only("pk", "name", "category", "sort_order", "city__path")
        .order_by("sort_order", "pk")
    )
    return [c for c in chains if snapshot.scope_unit.path.startswith(c.city.path)]


def _sees_whole_scope(request: AuthenticatedHttpRequest, snapshot: ListSnapshot) -> bool:
    scope = scope_for(request.user)
    path = snapshot.scope_unit.path
    return scope.everything or any(path.startswith(p) for p in scope.read_paths)


def _table(request: AuthenticatedHttpRequest, snapshot: ListSnapshot, kind: str) -> ListTable:
    entries = list_snapshot_rows(user=request.user, snapshot=snapshot, kind=kind)
    chains: list[Chain] = []
    if kind == ListKind.CHAIN_MASTERS:
        # a row names its chain: only chains the user may read (the selector scopes enterprises
        # only); a gap is said only to who sees the whole unit the lists are of
        chains = _snapshot_chains(request, snapshot)
    show_county = snapshot.scope_unit.kind in (OrgUnitKind.CITY, OrgUnitKind.PROVINCE)
    county_names = (
        dict(county_list(user=request.user).values_list("pk", "name")) if show_county else {}
    )
    return list_table(
        kind,
        entries,
        county_names=county_names,
        show_county=show_county,
        chains=chains,
        gaps=_sees_whole_scope(request, snapshot),
    )


@require_GET
def list_snapshot_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = list_snapshot_get(user=request.user, pk=pk)
    kind = list_kind(request.GET.get("kind"))
    table = _table(request, snapshot, kind)
    paged = kind != ListKind.CHAIN_MASTERS  # chains are few; their groups stay on one page
    page = page_of(table.lines, request.GET.get("page"), per_page=LIST_PAGE_SIZE) if paged else None
    chart = chart_option(table)
    context = {
        "snapshot": snapshot,
        "period": period_label(snapshot.year, snapshot.month),
        "built_by": _person(snapshot.built_by),
        "kind": kind,
        "kinds": [(k, label, SPECS[k].explanation) for k, label in ListKind.choices],
        "table": table,
        "lines": page.object_list if page is not None else table.lines,
        "page": page,
        "chart": chart,
        "chart_height": 48 + 30 * min(len(table.lines), CHART_TOP),
        "whole_scope": _sees_whole_scope(request, snapshot),
        "criteria_legend": CHAIN_CRITERIA,
        "growth_legend": growth_legend() if kind == ListKind.GROWTH and table.lines else [],
    }
    template = "evaluation/lists_detail.html" + ("#results" if wants_fragment(request) else "")
    return vary_on_htmx(render(request, template, context))


@require_GET
def list_snapshot_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    snapshot = list_snapshot_get(user=request.user, pk=pk)
    kind = list_kind(request.GET.get("kind"))
    table = _table(request, snapshot, kind)
    label = ListKind(kind).label
    content = rows_to_xlsx(label, export_columns(table), export_rows(table))
    return xlsx_response(content, name=f"{snapshot.title}_{label}")
