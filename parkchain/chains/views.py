"""Chain pages: list, detail (node tree by position, chart), Excel exports."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parkchain.chains.charts import chain_tree_option
from parkchain.chains.excel import CHAIN_COLUMNS, LINK_COLUMNS, chain_rows, link_rows
from parkchain.chains.models import NodePosition
from parkchain.chains.selectors import (
    chain_export_links,
    chain_get,
    chain_history,
    chain_key_parks,
    chain_position_summary,
    chain_table,
    chain_tree_by_position,
)
from parkchain.core.http import AuthenticatedHttpRequest
from parkchain.core.xlsx import rows_to_xlsx, xlsx_response


@require_GET
def chain_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    chains = chain_table(user=request.user, search=request.GET.get("q", "").strip() or None)
    return render(request, "chains/list.html", {"chains": chains, "q": request.GET.get("q", "")})


@require_GET
def chain_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    chain = chain_get(user=user, pk=pk)
    groups = chain_tree_by_position(user=user, chain=chain)
    labels = {str(value): str(label) for value, label in NodePosition.choices}
    option, height = chain_tree_option(chain.name, groups, labels)
    positions = chain_position_summary(user=user, chain=chain)
    context = {
        "chain": chain,
        "key_parks": chain_key_parks(user=user, chain=chain),
        "sections": [
            (value, label, groups.get(value, []), positions.get(value, 0))
            for value, label in NodePosition.choices
        ],
        "chart": option,
        "chart_height": height,
        "history": chain_history(user=user, chain=chain),
    }
    return render(request, "chains/detail.html", context)


@require_GET
def chain_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    chains = chain_table(user=request.user, search=request.GET.get("q", "").strip() or None)
    content = rows_to_xlsx(_("Industrial chains"), CHAIN_COLUMNS, chain_rows(chains))
    return xlsx_response(content, name=_("Industrial chains"))


@require_GET
def chain_detail_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    chain = chain_get(user=request.user, pk=pk)
    links = chain_export_links(user=request.user, chain=chain)
    content = rows_to_xlsx(chain.name, LINK_COLUMNS, link_rows(links))
    return xlsx_response(content, name=_("%(chain)s enterprises") % {"chain": chain.name})
