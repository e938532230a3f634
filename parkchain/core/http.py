"""Typed requests for views (healthchecks' AuthenticatedHttpRequest, django-htmx's HtmxHttpRequest)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: ``user`` is a real user, ``htmx`` is set by HtmxMiddleware."""

    user: User
    htmx: HtmxDetails


def wants_fragment(request: AuthenticatedHttpRequest) -> bool:
    """True for an htmx swap; a history restore (back button without cache) needs the full page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """The same URL answers a page or a fragment: keep browsers from caching one for the other."""
    patch_vary_headers(response, ("HX-Request",))
    return response
