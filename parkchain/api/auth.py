"""Who is calling: a bearer token (``Authorization: Bearer pc_…``) or, for /api/docs "try it out", the session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from parkchain.api.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """An API token; unknown, revoked and expired tokens and inactive users all answer 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(key=token.strip())
        if user is not None:
            request.user = user  # type: ignore[assignment]  # so simple_history attributes changes made through the API
        return user


class ApiRequest(HttpRequest):
    """A request past the API's auth: ``auth`` is the acting user (token or session)."""

    auth: User


def acting_user(request: HttpRequest) -> User:
    """The user every operation is scoped to (set by ninja from ``TokenAuth`` or ``SessionAuth``)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


AUTH = [TokenAuth(), SessionAuth()]
