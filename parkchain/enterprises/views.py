"""Enterprise pages: list (filters, sort, htmx results), detail, Excel export."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parkchain.chains.selectors import chain_options, chains_of_enterprise
from parkchain.core.http import AuthenticatedHttpRequest, vary_on_htmx, wants_fragment
from parkchain.core.listing import Sorting, page_of, sort_queryset, sorting_from
from parkchain.core.xlsx import rows_to_xlsx, xlsx_response
from parkchain.enterprises.excel import enterprise_columns, enterprise_rows
from parkchain.enterprises.forms import EnterpriseFilterForm
from parkchain.enterprises.models import Enterprise
from parkchain.enterprises.selectors import (
    above_scale_years,
    enterprise_above_scale_years,
    enterprise_get,
    enterprise_history,
    enterprise_park_history,
    enterprise_qualifications,
    enterprise_table,
)
from parkchain.evaluation.selectors import enterprise_latest_grade
from parkchain.indicators.selectors import enterprise_reported_data
from parkchain.organisations.selectors import county_list, park_is_visible, park_options

ENTERPRISE_SORTS = {
    "name": ("name",),
    "credit_code": ("credit_code",),
    "county": ("county__path", "name"),
    "park": ("park__name", "name"),
    "industry": ("industry_code", "name"),
    "established": ("established_on",),
    "capital": ("registered_capital",),
    "land": ("land_mu",),
}
EXPORT_CHUNK = 2000


def _filtered_enterprises(
    request: AuthenticatedHttpRequest,
) -> tuple[EnterpriseFilterForm, int | None, Sorting, QuerySet[Enterprise]]:
    user = request.user
    years = above_scale_years(user=user)
    form = EnterpriseFilterForm(
        request.GET,
        counties=county_list(user=user),
        parks=park_options(user=user),
        chains=chain_options(user=user),
        years=years,
    )
    year = form.value("year") or (years[0] if years else None)
    enterprises = enterprise_table(
        user=user,
        year=year,
        search=form.value("q"),
        county_id=form.pk("county"),
        park_id=form.pk("park"),
        chain_id=form.pk("chain"),
        qualification=form.value("qualification"),
        above_scale=form.above_scale_choice(),
        size=form.value("size"),
    )
    sorting = sorting_from(request.GET.get("sort"), allowed=ENTERPRISE_SORTS, default="name")
    return form, year, sorting, sort_queryset(enterprises, sorting)


@require_GET
def enterprise_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, year, sorting, enterprises = _filtered_enterprises(request)
    page = page_of(enterprises, request.GET.get("page"))
    template = "enterprises/list.html" + ("#results" if wants_fragment(request) else "")
    context = {"form": form, "page": page, "sorting": sorting, "year": year}
    return vary_on_htmx(render(request, template, context))


@require_GET
def enterprise_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    enterprise = enterprise_get(user=user, pk=pk)
    today = timezone.localdate()
    qualifications = enterprise_qualifications(user=user, enterprise=enterprise)
    context = {
        "enterprise": enterprise,
        "park_link": park_is_visible(user=user, pk=enterprise.park_id),
        "qualifications": [(q, q.is_valid_on(today)) for q in qualifications],
        "above_scale_years": enterprise_above_scale_years(user=user, enterprise=enterprise),
        "park_history": enterprise_park_history(user=user, enterprise=enterprise),
        "chain_links": chains_of_enterprise(user=user, enterprise_id=enterprise.pk),
        "history": enterprise_history(user=user, enterprise=enterprise),
        "reported": enterprise_reported_data(user=user, enterprise=enterprise),
        "evaluation": enterprise_latest_grade(user=user, enterprise=enterprise),
    }
    return render(request, "enterprises/detail.html", context)


@require_GET
def enterprise_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, year, _sorting, enterprises = _filtered_enterprises(request)
    capped = enterprises[: settings.EXPORT_MAX_ROWS].iterator(chunk_size=EXPORT_CHUNK)
    content = rows_to_xlsx(_("Enterprises"), enterprise_columns(year), enterprise_rows(capped))
    return xlsx_response(content, name=_("Enterprise directory"))
