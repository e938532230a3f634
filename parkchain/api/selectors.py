"""Reads of API tokens: a user sees his own tokens only (they are not org-unit data)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from parkchain.api.models import ApiToken

User = AbstractBaseUser | AnonymousUser


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones included, for the record)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk)
