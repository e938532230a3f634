"""Cross-module reads for the home page and the global search, built on each app's selectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _

from parkchain.chains.models import Chain
from parkchain.chains.selectors import chain_count, chain_list, chains_of_enterprise
from parkchain.enterprises.models import Enterprise, QualificationKind
from parkchain.enterprises.selectors import (
    above_scale_latest_year,
    enterprise_above_scale_years,
    enterprise_counts_by,
    enterprise_list,
    enterprise_qualifications,
    qualification_counts,
)
from parkchain.organisations.models import Park, Role
from parkchain.organisations.scopes import scope_for
from parkchain.organisations.selectors import (
    User,
    county_list,
    park_counts_by_county,
    park_list,
    park_options,
)

SEARCH_LIMIT = 20

# Roles whose home page breaks numbers down by county; county and park users see their parks.
_CITY_WIDE_ROLES = (
    Role.CITY_ADMIN,
    Role.LEADER,
    Role.SUPERVISOR,
    Role.CHAIN_OFFICE,
    Role.DEPARTMENT,
)


@dataclass(frozen=True)
class BreakdownRow:
    """One line of the home table: a county (or a park) and its enterprises."""

    pk: int | None  # None for "outside parks"
    name: str
    park_count: int | None
    enterprise_count: int
    above_scale_count: int


@dataclass(frozen=True)
class QualificationCount:
    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class OwnEnterprise:
    """What an enterprise user sees on his home page: his own record."""

    enterprise: Enterprise
    qualifications: list[object]
    above_scale_years: list[object]
    chain_links: list[object]


@dataclass(frozen=True)
class HomeSummary:
    park_count: int = 0
    enterprise_count: int = 0
    above_scale_count: int = 0
    above_scale_year: int | None = None
    chain_count: int = 0
    qualifications: list[QualificationCount] = field(default_factory=list)
    breakdown_level: Literal["county", "park"] = "county"
    breakdown: list[BreakdownRow] = field(default_factory=list)
    chains: list[Chain] = field(default_factory=list)
    own: OwnEnterprise | None = None
    has_scope: bool = True


def home_summary(*, user: User) -> HomeSummary:
    """Live counts of the user's scope: parks, enterprises, 规上 (latest year on record), chains,
    qualified enterprises, a county (or park) breakdown and the chains with their visible enterprises."""
    scope = scope_for(user)
    if scope.is_empty:
        return HomeSummary(has_scope=False)
    if not scope.everything and scope.roles == {Role.ENTERPRISE}:
        return HomeSummary(own=_own_enterprise(user))
    year = above_scale_latest_year(user=user)
    level: Literal["county", "park"] = (
        "county" if scope.everything or scope.has_role(*_CITY_WIDE_ROLES) else "park"
    )
    breakdown = _county_rows(user, year) if level == "county" else _park_rows(user, year)
    counts = qualification_counts(user=user)
    return HomeSummary(
        park_count=park_options(user=user).count(),
        enterprise_count=enterprise_list(user=user).count(),
        above_scale_count=(
            enterprise_list(user=user, above_scale=True, above_scale_year=year).count()
            if year
            else 0
        ),
        above_scale_year=year,
        chain_count=chain_count(user=user),
        qualifications=[
            QualificationCount(kind=kind.value, label=str(kind.label), count=counts.get(kind, 0))
            for kind in QualificationKind
        ],
        breakdown_level=level,
        breakdown=breakdown,
        chains=list(chain_list(user=user)),
    )


def _county_rows(user: User, year: int | None) -> list[BreakdownRow]:
    enterprises = enterprise_counts_by(user=user, group="county", year=year)
    parks = park_counts_by_county(user=user)
    names = {county.pk: county.name for county in county_list(user=user)}
    # A chain office sees chain enterprises in counties it has no park in: name those too.
    for pk, count in enterprises.items():
        names.setdefault(pk, count.name)
    return [
        BreakdownRow(
            pk=pk,
            name=name,
            park_count=parks.get(pk, 0),
            enterprise_count=enterprises[pk].total if pk in enterprises else 0,
            above_scale_count=enterprises[pk].above_scale if pk in enterprises else 0,
        )
        for pk, name in names.items()
    ]


def _park_rows(user: User, year: int | None) -> list[BreakdownRow]:
    counts = enterprise_counts_by(user=user, group="park", year=year)
    rows = [
        BreakdownRow(
            pk=park.pk,
            name=park.short_name or park.name,
            park_count=None,
            enterprise_count=counts[park.pk].total if park.pk in counts else 0,
            above_scale_count=counts[park.pk].above_scale if park.pk in counts else 0,
        )
        for park in park_list(user=user)
    ]
    total = enterprise_list(user=user).count()
    above = (
        enterprise_list(user=user, above_scale=True, above_scale_year=year).count() if year else 0
    )
    in_parks = sum(row.enterprise_count for row in rows)
    if total > in_parks:
        rows.append(
            BreakdownRow(
                pk=None,
                name=_("Outside parks"),
                park_count=None,
                enterprise_count=total - in_parks,
                above_scale_count=above - sum(row.above_scale_count for row in rows),
            )
        )
    return rows


def _own_enterprise(user: User) -> OwnEnterprise | None:
    enterprise = enterprise_list(user=user).first()
    if enterprise is None:
        return None
    return OwnEnterprise(
        enterprise=enterprise,
        qualifications=[
            q
            for q in enterprise_qualifications(user=user, enterprise=enterprise)
            if q.is_valid_on(timezone.localdate())
        ],
        above_scale_years=list(enterprise_above_scale_years(user=user, enterprise=enterprise)),
        chain_links=list(
            chains_of_enterprise(user=user, enterprise_id=enterprise.pk).select_related(
                "node__chain"
            )
        ),
    )


@dataclass(frozen=True)
class SearchResults:
    query: str
    parks: list[Park] = field(default_factory=list)
    park_total: int = 0
    enterprises: list[Enterprise] = field(default_factory=list)
    enterprise_total: int = 0
    chains: list[Chain] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.park_total + self.enterprise_total + len(self.chains)


def global_search(*, user: User, query: str) -> SearchResults:
    """Parks (name), enterprises (name or credit code) and chains (name) matching ``query``, in scope."""
    term = query.strip()
    if not term:
        return SearchResults(query="")
    parks = park_list(user=user, search=term).order_by("name")
    enterprises = enterprise_list(user=user, search=term)
    return SearchResults(
        query=term,
        parks=list(parks[:SEARCH_LIMIT]),
        park_total=parks.count(),
        enterprises=list(enterprises[:SEARCH_LIMIT]),
        enterprise_total=enterprises.count(),
        chains=list(chain_list(user=user, search=term)),
    )
