"""Reads of the organisation registries, always through the scope door."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from parkchain.organisations.models import Department, OrgUnit, OrgUnitKind, Park, Region
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
    """Parks the user may see, with their county and enterprise count (current members)."""
    qs = scope_for(user).filter(Park.objects.select_related("org_unit__parent", "region"))
    if county_id:
        qs = qs.filter(org_unit__parent_id=county_id)
    if level:
        qs = qs.filter(level=level)
    if park_type:
        qs = qs.filter(park_type=park_type)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(short_name__icontains=search))
    return qs.annotate(enterprise_count=Count("enterprises", distinct=True))


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
