"""The home page and the global search."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parkchain.core.charts import bar_option
from parkchain.core.http import AuthenticatedHttpRequest
from parkchain.core.selectors import global_search, home_summary


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    summary = home_summary(user=request.user)
    chart = bar_option(
        [row.name for row in summary.breakdown],
        [
            (_("Enterprises"), [row.enterprise_count for row in summary.breakdown]),
            (_("Above-scale enterprises"), [row.above_scale_count for row in summary.breakdown]),
        ],
    )
    return render(request, "core/home.html", {"summary": summary, "chart": chart})


@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    results = global_search(user=request.user, query=request.GET.get("q", ""))
    return render(request, "core/search.html", {"results": results})
