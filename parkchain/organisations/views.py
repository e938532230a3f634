"""Park pages: list (filters, sort, htmx results), detail, Excel export."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parkchain.chains.selectors import chains_of_park
from parkchain.core.http import AuthenticatedHttpRequest, vary_on_htmx, wants_fragment
from parkchain.core.listing import page_of, sort_queryset, sorting_from
from parkchain.core.xlsx import rows_to_xlsx, xlsx_response
from parkchain.enterprises.selectors import enterprise_list
from parkchain.organisations.excel import PARK_COLUMNS, park_rows
from parkchain.organisations.forms import ParkFilterForm
from parkchain.organisations.models import Park
from parkchain.organisations.selectors import county_list, park_get, park_history, park_list

PARK_SORTS = {
    "name": ("name",),
    "county": ("org_unit__parent__name", "name"),
    "level": ("level", "name"),
    "type": ("park_type", "name"),
    "planned_area": ("planned_area_km2",),
    "developed_area": ("developed_area_km2",),
    "enterprise_count": ("enterprise_count",),
}
PARK_ENTERPRISES_SHOWN = 20


def _filtered_parks(request: AuthenticatedHttpRequest) -> tuple[ParkFilterForm, QuerySet[Park]]:
    form = ParkFilterForm(request.GET, counties=county_list(user=request.user))
    parks = park_list(
        user=request.user,
        county_id=form.pk("county"),
        level=form.value("level"),
        park_type=form.value("type"),
        search=form.value("q"),
    )
    return form, parks


@require_GET
def park_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, parks = _filtered_parks(request)
    sorting = sorting_from(request.GET.get("sort"), allowed=PARK_SORTS, default="name")
    page = page_of(sort_queryset(parks, sorting), request.GET.get("page"))
    template = "organisations/park_list.html" + ("#results" if wants_fragment(request) else "")
    context = {"form": form, "page": page, "sorting": sorting}
    return vary_on_htmx(render(request, template, context))


@require_GET
def park_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    park = park_get(user=request.user, pk=pk)
    enterprises = enterprise_list(user=request.user, park_id=park.pk)
    context = {
        "park": park,
        "enterprises": enterprises[:PARK_ENTERPRISES_SHOWN],
        "enterprise_total": enterprises.count(),
        "chains": chains_of_park(user=request.user, park=park),
        "history": park_history(user=request.user, park=park),
    }
    return render(request, "organisations/park_detail.html", context)


@require_GET
def park_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, parks = _filtered_parks(request)
    sorting = sorting_from(request.GET.get("sort"), allowed=PARK_SORTS, default="name")
    rows = park_rows(sort_queryset(parks, sorting)[: settings.EXPORT_MAX_ROWS])
    return xlsx_response(rows_to_xlsx(_("Parks"), PARK_COLUMNS, rows), name=_("Park directory"))
