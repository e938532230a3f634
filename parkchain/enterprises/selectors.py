"""Reads of the enterprise registry, always through the scope door."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from parkchain.enterprises.models import AboveScaleYear, Enterprise, ParkMembership, Qualification
from parkchain.organisations.scopes import get_in_scope, scope_for

User = AbstractBaseUser | AnonymousUser


def enterprise_list(
    *,
    user: User,
    search: str | None = None,
    county_id: int | None = None,
    park_id: int | None = None,
    chain_id: int | None = None,
    qualification: str | None = None,
    above_scale: bool | None = None,
    above_scale_year: int | None = None,
    size: str | None = None,
    as_of: dt.date | None = None,
) -> QuerySet[Enterprise]:
    """Enterprises in the user's scope (as of ``as_of`` for park membership), filtered.

    ``search`` matches the name or the credit code; ``above_scale`` looks at ``above_scale_year``
    (default: the latest year on record for each enterprise is not used — pass the year you show).
    """
    qs = scope_for(user).filter(
        Enterprise.objects.select_related("county", "park", "region"), as_of=as_of
    )
    if search:
        term = search.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(credit_code__icontains=term.upper()))
    if county_id:
        qs = qs.filter(county_id=county_id)
    if park_id:
        if as_of is None:
            qs = qs.filter(park_id=park_id)
        else:
            qs = qs.filter(pk__in=_members_on(park_id=park_id, day=as_of))
    if chain_id:
        from parkchain.chains.models import ChainLink

        qs = qs.filter(
            Exists(ChainLink.objects.filter(enterprise=OuterRef("pk"), node__chain_id=chain_id))
        )
    if qualification:
        today = as_of or timezone.localdate()
        valid = Qualification.objects.filter(
            enterprise=OuterRef("pk"), kind=qualification, granted_on__lte=today
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=today))
        qs = qs.filter(Exists(valid))
    if above_scale is not None and above_scale_year:
        flagged = AboveScaleYear.objects.filter(
            enterprise=OuterRef("pk"), year=above_scale_year, is_above_scale=True
        )
        qs = qs.filter(Exists(flagged)) if above_scale else qs.exclude(Exists(flagged))
    if size:
        qs = qs.filter(size=size)
    return qs


def _members_on(*, park_id: int, day: dt.date) -> QuerySet[ParkMembership]:
    return (
        ParkMembership.objects.filter(park_id=park_id, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values("enterprise_id")
    )


def enterprise_get(*, user: User, pk: int) -> Enterprise:
    """404 when the enterprise is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(enterprise_list(user=user), pk=pk)


def enterprise_qualifications(*, user: User, enterprise: Enterprise) -> QuerySet[Qualification]:
    return scope_for(user).filter(Qualification.objects.filter(enterprise=enterprise))


def enterprise_park_history(*, user: User, enterprise: Enterprise) -> QuerySet[ParkMembership]:
    return (
        scope_for(user)
        .filter(ParkMembership.objects.filter(enterprise=enterprise).select_related("park"))
        .order_by("valid_from")
    )


def enterprise_above_scale_years(*, user: User, enterprise: Enterprise) -> QuerySet[AboveScaleYear]:
    return (
        scope_for(user)
        .filter(AboveScaleYear.objects.filter(enterprise=enterprise))
        .order_by("year")
    )
