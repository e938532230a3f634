"""Every API error is JSON ``{"detail": "…", "issues": [...]}``, translated (Accept-Language, default zh-hans).

Out-of-scope rows answer exactly like missing rows (404), and so does ``PermissionDenied``: a caller
never learns that a row he may not touch exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from parkchain.core.errors import ApplicationError


class Issue(Schema):
    """One problem: a message for people, a code and the field (indicator code or request field)."""

    message: str
    fix: str = ""  # how to put it right
    code: str = ""
    field: str | None = None
    severity: str | None = None  # "error" blocks saving; "confirm" needs confirm_warnings=true
    loc: list[str | int] = []


class ErrorOut(Schema):
    detail: str
    issues: list[Issue] = []


ERRORS: dict[int | frozenset[int], Any] = {frozenset({401, 404, 422}): ErrorOut}
"""Add to an operation's ``response=`` so the schema documents the error body."""


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    detail: str,
    issues: Iterable[dict[str, Any]] = (),
) -> HttpResponse:
    body = ErrorOut(detail=detail, issues=[Issue(**issue) for issue in issues])
    return api.create_response(request, body.model_dump(), status=status)


def not_found_detail() -> str:
    return _("Not found.")


def _loc_field(loc: Sequence[Any]) -> str | None:
    # ("body", "payload", "values", "tax") → "values.tax"; ("query", "year") → "year"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or None


def install_exception_handlers(api: NinjaAPI) -> None:
    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, status=404, detail=not_found_detail())

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api,
            request,
            status=401,
            detail=_(
                "Authentication required: send the header “Authorization: Bearer <token>” "
                "with a valid API token (not revoked, not expired)."
            ),
        )

    def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        issues = [
            {
                "message": str(error.get("msg", "")),
                "code": str(error.get("type", "")),
                "field": _loc_field(error.get("loc", ())),
                "loc": [p if isinstance(p, int) else str(p) for p in error.get("loc", ())],
            }
            for error in exc.errors
        ]
        return error_response(
            api,
            request,
            status=422,
            detail=_("The request is invalid: see the issues."),
            issues=issues,
        )

    def broken_rule(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return error_response(api, request, status=422, detail=exc.message)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, status=exc.status_code, detail=str(exc))

    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(ValidationError, invalid_request)  # type: ignore[arg-type]
    api.add_exception_handler(ApplicationError, broken_rule)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, http_error)  # type: ignore[arg-type]
