"""Writes for API tokens: create (the key is returned once), revoke, and authenticate a presented key."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkchain.api.models import ApiToken
from parkchain.core.errors import ApplicationError

KEY_PREFIX = "pc_"
VISIBLE_CHARS = 10  # "pc_" + 7 characters of the key, shown in lists
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # don't write on every call


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # the only time the key exists in clear: show it once


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: AbstractBaseUser, name: str, expires_at: dt.datetime | None = None
) -> IssuedToken:
    """A new token for ``actor`` himself (nobody issues tokens for someone else)."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the token a name, e.g. the system that will use it."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(_("The expiry date must be in the future."))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.pk,
        name=name[:100],
        prefix=key[:VISIBLE_CHARS],
        key_hash=hash_key(key),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return IssuedToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, actor: AbstractBaseUser, pk: int) -> ApiToken:
    """Revoke one of ``actor``'s own tokens; someone else's answers 404 like a missing one."""
    token = get_object_or_404(ApiToken.objects.select_for_update(), pk=pk, user_id=actor.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, key: str, now: dt.datetime | None = None) -> AbstractBaseUser | None:
    """The active user a presented key belongs to, or None (unknown, revoked, expired, inactive user).

    Records ``last_used_at`` at most once a minute per token.
    """
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    moment = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.is_active_at(moment) or not token.user.is_active:
        return None
    if token.last_used_at is None or moment - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
    user: AbstractBaseUser = token.user
    return user
