"""Reads of the enterprise registry, always through the scope door."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from parkchain.core.history import HistoryEntry, HistorySource, object_history
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


def _members_on(*, park_id: int, day: dt.date) -> QuerySet[ParkMembership, Any]:
    return (
        ParkMembership.objects.filter(park_id=park_id, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values("enterprise_id")
    )


def enterprise_get(*, user: User, pk: int) -> Enterprise:
    """404 when the enterprise is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(enterprise_list(user=user), pk=pk)


def enterprise_by_credit_code(*, user: User, credit_code: str) -> Enterprise:
    """Look up by 统一社会信用代码 (case and spaces ignored); 404 when missing *or* out of scope."""
    from parkchain.enterprises.credit_code import normalise

    return get_in_scope(enterprise_list(user=user), credit_code=normalise(credit_code))


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


def _valid_on(day: dt.date) -> Q:
    return Q(granted_on__lte=day) & (Q(expires_on__isnull=True) | Q(expires_on__gt=day))


def above_scale_years(*, user: User) -> list[int]:
    """Statistical years with 规上 records among the enterprises the user may see, newest first."""
    years = (
        scope_for(user)
        .filter(AboveScaleYear.objects.all())
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(years)


def above_scale_latest_year(*, user: User) -> int | None:
    years = above_scale_years(user=user)
    return years[0] if years else None


def enterprise_table(
    *, user: User, year: int | None, on: dt.date | None = None, **filters: Any
) -> QuerySet[Enterprise]:
    """``enterprise_list`` for list pages and exports: 规上 flag for ``year`` and the qualifications valid ``on``.

    Rows carry ``above_scale_flag`` (bool) and ``valid_qualifications`` (list); two queries per page
    whatever the number of rows.
    """
    day = on or timezone.localdate()
    flagged = AboveScaleYear.objects.filter(
        enterprise=OuterRef("pk"), year=year or 0, is_above_scale=True
    )
    valid = Qualification.objects.filter(_valid_on(day)).order_by("kind")
    return (
        enterprise_list(user=user, above_scale_year=year, **filters)
        .annotate(above_scale_flag=Exists(flagged))
        .prefetch_related(
            Prefetch("qualifications", queryset=valid, to_attr="valid_qualifications")
        )
    )


@dataclass(frozen=True)
class GroupCount:
    """Enterprises of one county or park: all of them, and the 规上 ones of a year."""

    pk: int
    name: str
    total: int
    above_scale: int


def enterprise_counts_by(
    *, user: User, group: Literal["county", "park"], year: int | None
) -> dict[int, GroupCount]:
    """Enterprises the user may see per county (or current park), keyed by the county's (park's) id."""
    flagged = AboveScaleYear.objects.filter(
        enterprise=OuterRef("pk"), year=year or 0, is_above_scale=True
    )
    key = f"{group}_id"
    rows = (
        enterprise_list(user=user)
        .filter(**{f"{key}__isnull": False})
        .order_by()
        .values(key, f"{group}__name")
        .annotate(total=Count("pk"), above=Count("pk", filter=Q(Exists(flagged))))
    )
    return {
        row[key]: GroupCount(
            pk=row[key], name=row[f"{group}__name"], total=row["total"], above_scale=row["above"]
        )
        for row in rows
    }


def qualification_counts(*, user: User, on: dt.date | None = None) -> dict[str, int]:
    """Enterprises the user may see holding each qualification valid ``on`` (default today)."""
    day = on or timezone.localdate()
    rows = (
        scope_for(user)
        .filter(Qualification.objects.filter(_valid_on(day)))
        .order_by()
        .values("kind")
        .annotate(n=Count("enterprise", distinct=True))
    )
    return {row["kind"]: row["n"] for row in rows}


def enterprise_history(*, user: User, enterprise: Enterprise) -> list[HistoryEntry]:
    """Changes to an enterprise already fetched with ``enterprise_get``, its qualifications,
    park memberships, 规上 years and chain links, newest first."""
    from parkchain.chains.models import ChainLink

    scope = scope_for(user)
    related = [
        HistorySource(
            records=Qualification.history.filter(enterprise_id=enterprise.pk),
            label=lambda record: str(record.get_kind_display()),
        ),
        HistorySource(
            records=ParkMembership.history.filter(enterprise_id=enterprise.pk).select_related(
                "park"
            ),
            label=lambda record: str(record.park or "—"),
        ),
        HistorySource(
            records=AboveScaleYear.history.filter(enterprise_id=enterprise.pk),
            label=lambda record: str(record.year),
        ),
        HistorySource(
            # links on chains the user may see (a chain office sees its own chain only)
            records=ChainLink.history.filter(
                enterprise_id=enterprise.pk,
                node__chain_id__in=scope.filter(
                    ChainLink.objects.filter(enterprise_id=enterprise.pk)
                ).values("node__chain_id"),
            ).select_related("node__chain"),
            label=_link_label,
        ),
    ]
    return object_history(enterprise, related=related)


def _link_label(record: Any) -> str:
    node = record.node  # None when the node has since been deleted
    return f"{node.chain.name} · {node.name}" if node is not None else "—"
