"""Reads of the organisation registries, always through the scope door."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from parkchain.core.history import HistoryEntry, object_history
from parkchain.organisations.models import (
    Department,
    Membership,
    OrgUnit,
    OrgUnitKind,
    Park,
    Region,
)
from parkchain.organisations.scopes import get_in_scope, scope_for

User = AbstractBaseUser | AnonymousUser


def park_list(
    *,
    user: User,
    county_id: int | None = None,
    level: str | None = None,
    park_type: str | None = None,
    search: str | None = None,
) -> QuerySet[Park]:
    """Parks the user may see, with their county and the count of current enterprises *he* may see."""
    from parkchain.enterprises.models import Enterprise

    scope = scope_for(user)
    qs = scope.filter(Park.objects.select_related("org_unit__parent", "region"))
    if county_id:
        qs = qs.filter(org_unit__parent_id=county_id)
    if level:
        qs = qs.filter(level=level)
    if park_type:
        qs = qs.filter(park_type=park_type)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(short_name__icontains=search))
    # A chain office sees a key park but only the chain's enterprises in it: count those only.
    visible = scope.q_for(Enterprise, prefix="enterprises__")
    return qs.annotate(enterprise_count=Count("enterprises", filter=visible, distinct=True))


def park_get(*, user: User, pk: int) -> Park:
    """404 when the park is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(park_list(user=user), pk=pk)


def county_list(*, user: User) -> QuerySet[OrgUnit]:
    """County-level units the user may see (for filter bars and drill-down)."""
    scope = scope_for(user)
    visible = scope.filter(OrgUnit.objects.filter(kind=OrgUnitKind.COUNTY))
    # A park or chain user still needs his parks' counties named in filters: take the parents of visible parks.
    park_counties = park_list(user=user).values("org_unit__parent_id")
    return (
        visible | OrgUnit.objects.filter(kind=OrgUnitKind.COUNTY, pk__in=park_counties)
    ).order_by("code", "name")


def region_list(*, user: User) -> QuerySet[Region]:
    return scope_for(user).filter(Region.objects.all())


def department_list(*, user: User) -> QuerySet[Department]:
    return scope_for(user).filter(Department.objects.select_related("city"))


def org_unit_list(*, user: User, kind: str | None = None) -> QuerySet[OrgUnit]:
    qs = scope_for(user).filter(OrgUnit.objects.all())
    return qs.filter(kind=kind) if kind else qs


def park_options(*, user: User, county_id: int | None = None) -> QuerySet[Park]:
    """Parks for filter bars: the same rows as ``park_list`` without the counting."""
    qs = scope_for(user).filter(Park.objects.all())
    if county_id:
        qs = qs.filter(org_unit__parent_id=county_id)
    return qs.only("pk", "name").order_by("org_unit__path", "name")


def park_counts_by_county(*, user: User) -> dict[int, int]:
    """Parks the user may see per county: ``{county org unit id: number of parks}``."""
    rows = (
        scope_for(user)
        .filter(Park.objects.all())
        .order_by()
        .values("org_unit__parent_id")
        .annotate(n=Count("pk"))
    )
    return {row["org_unit__parent_id"]: row["n"] for row in rows if row["org_unit__parent_id"]}


def park_is_visible(*, user: User, pk: int | None) -> bool:
    if pk is None:
        return False
    return scope_for(user).filter(Park.objects.filter(pk=pk)).exists()


def park_history(*, user: User, park: Park) -> list[HistoryEntry]:
    """Change history of a park already fetched with ``park_get``."""
    return object_history(park)


def membership_list(*, user: User) -> QuerySet[Membership]:
    """The user's own roles (a superuser's scope covers everyone's memberships: filter by user too)."""
    if user.pk is None:
        return Membership.objects.none()
    return (
        scope_for(user)
        .filter(Membership.objects.filter(user_id=user.pk))
        .select_related("org_unit", "chain", "department")
        .order_by("role", "pk")
    )
