"""THE scope door: which rows a user may read or write. Every selector filters through here.

Policy, one line per rule:

* A superuser sees everything (back-office only).
* A user with no membership sees nothing.
* City task force, city leader and supervision office read their city's subtree; only the task force writes.
* A county user reads and writes his county's subtree (its parks and enterprises).
* A park user reads and writes his park's subtree (its enterprises).
* An enterprise user reads and writes his own enterprise only.
* A chain office reads its chain (nodes and links), the enterprises on it and the chain's key parks,
  and writes the chain's nodes and links.
* A department reads the chains it leads or cooperates on; a data-supplying department
  (税务, 电力, 自然资源, 统计…) also reads the city's parks and enterprises.
* The department directory of a user's own city is readable by every user of that city;
  GB/T 2260 regions are public reference data.
* Chains are city programmes: city, county and park users read every chain of their city,
  but the enterprises on its nodes only within their own scope.
* Enterprise rows can be resolved *as of* a date: an enterprise that moved park belongs, for
  earlier periods, to the park it was in then (ParkMembership), else to its registered county.
* Evaluation runs and list snapshots of a unit are read by users of that unit, of the units under
  it and above it (chain offices and departments: those of their city); a result, objection or
  list row inside them is visible exactly when its enterprise (park, county) is.
* Target books are read by the city's task force, leader and supervision office, and once issued
  by its counties, parks and chain offices; a target, milestone, supervision task or reward/
  accountability record by the city roles, the users of its unit (and the unit above) and its chain
  office — never by departments or enterprises.
* A model not registered here is denied by default (``Scope.filter`` returns no rows).

Rows outside the scope answer 404 exactly like missing rows: use ``get_in_scope``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from parkchain.organisations.models import Membership, OrgUnit, OrgUnitKind, Role

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)
UserLike = AbstractBaseUser | AnonymousUser

_CACHE_ATTR = "_parkchain_scope"
NOTHING = Q(pk__in=[])

READ_ONLY_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR})


@dataclass(frozen=True)
class Scope:
    """A resolved scope. Build it with ``scope_for(user)``; never construct one in a view."""

    user_id: int | None
    everything: bool = False
    read_paths: tuple[str, ...] = ()
    write_paths: tuple[str, ...] = ()
    city_paths: tuple[str, ...] = ()
    chain_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    enterprise_paths: tuple[str, ...] = ()
    home_city_paths: tuple[str, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.read_paths
            or self.city_paths
            or self.chain_ids
            or self.department_ids
        )

    def has_role(self, *roles: str) -> bool:
        return self.everything or bool(self.roles.intersection(roles))

    # -- reading ----------------------------------------------------------------------------------
    def q_for(self, model: type[Model], *, prefix: str = "", as_of: dt.date | None = None) -> Q:
        """The filter that keeps ``model`` rows inside this scope (reached through ``prefix`` if given)."""
        if self.everything:
            return Q()
        policy = _POLICIES.get(model._meta.label)
        if policy is None:
            logger.error(
                "Model %s is not registered with the scope module: denied.", model._meta.label
            )
            return NOTHING
        return policy(self, prefix, as_of)

    def filter(self, qs: QuerySet[M], *, as_of: dt.date | None = None) -> QuerySet[M]:
        """Keep only the rows of ``qs`` this scope may read. Unregistered models give no rows."""
        if self.everything:
            return qs
        if self.is_empty:
            return qs.none()
        return qs.filter(self.q_for(qs.model, as_of=as_of))

    # -- writing ----------------------------------------------------------------------------------
    def can_write(self, unit: OrgUnit) -> bool:
        """True if the user may change data of ``unit`` (or anything under it is his, for parks and enterprises)."""
        if self.everything:
            return True
        return any(unit.path.startswith(path) for path in self.write_paths)

    def require_write(self, unit: OrgUnit) -> None:
        if not self.can_write(unit):
            raise PermissionDenied

    def can_write_chain(self, chain_id: int, chain_city_path: str) -> bool:
        if self.everything or (chain_id in self.chain_ids and Role.CHAIN_OFFICE in self.roles):
            return True
        return Role.CITY_ADMIN in self.roles and any(
            chain_city_path.startswith(p) for p in self.write_paths
        )


def scope_for(user: UserLike) -> Scope:
    """Resolve (once, cached on the user object of this request) the scope of ``user``."""
    cached: Scope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _resolve(user)
    if user.is_authenticated:
        setattr(user, _CACHE_ATTR, scope)
    return scope


def get_in_scope(qs: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row already filtered by a selector; 404 when missing *or* outside the scope (same answer)."""
    return get_object_or_404(qs, **lookup)


def _resolve(user: UserLike) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope(user_id=None)
    if getattr(user, "is_superuser", False):
        return Scope(user_id=user.pk, everything=True, roles=frozenset(Role.values))
    memberships = list(
        Membership.objects.filter(user_id=user.pk).select_related(
            "org_unit", "department__city", "chain__city"
        )
    )
    read: set[str] = set()
    write: set[str] = set()
    cities: set[str] = set()
    chains: set[int] = set()
    departments: set[int] = set()
    own_enterprises: set[str] = set()
    home_cities: set[str] = set()
    for m in memberships:
        role = Role(m.role)
        if m.org_unit is not None:
            read.add(m.org_unit.path)
            if role not in READ_ONLY_ROLES:
                write.add(m.org_unit.path)
            if m.org_unit.kind == OrgUnitKind.ENTERPRISE:
                own_enterprises.add(m.org_unit.path)
            city_path = _city_path(m.org_unit)
            home_cities.add(city_path)
            if m.org_unit.kind in (OrgUnitKind.CITY, OrgUnitKind.COUNTY, OrgUnitKind.PARK):
                cities.add(city_path)
        if m.chain is not None:
            chains.add(m.chain.pk)
            home_cities.add(m.chain.city.path)
        if m.department is not None:
            departments.add(m.department.pk)
            home_cities.add(m.department.city.path)
            if m.department.supplies_enterprise_data:
                read.add(m.department.city.path)
    return Scope(
        user_id=user.pk,
        read_paths=_minimal(read),
        write_paths=_minimal(write),
        city_paths=_minimal(cities),
        chain_ids=frozenset(chains),
        department_ids=frozenset(departments),
        enterprise_paths=tuple(sorted(own_enterprises)),
        home_city_paths=_minimal(home_cities),
        roles=frozenset(m.role for m in memberships),
    )


def _city_path(unit: OrgUnit) -> str:
    """The path of the city above (or at) ``unit``: the ancestor whose kind is city."""
    if unit.kind == OrgUnitKind.CITY:
        return unit.path
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    city = OrgUnit.objects.filter(pk__in=ids, kind=OrgUnitKind.CITY).only("path").first()
    return city.path if city else unit.path


def _minimal(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one (a city path covers its counties)."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


# ---------------------------------------------------------------------------------------------------
# Policies: one per registered model. Each returns a Q over the model (through ``prefix``).
# ---------------------------------------------------------------------------------------------------
Policy = Callable[[Scope, str, "dt.date | None"], Q]
_POLICIES: dict[str, Policy] = {}


def register(label: str) -> Callable[[Policy], Policy]:
    def decorator(policy: Policy) -> Policy:
        _POLICIES[label] = policy
        return policy

    return decorator


def registered_labels() -> frozenset[str]:
    return frozenset(_POLICIES)


def _any(qs: Iterable[Q]) -> Q:
    items = list(qs)
    return reduce(or_, items) if items else NOTHING


def _paths_q(lookup: str, paths: Iterable[str]) -> Q:
    return _any(Q(**{f"{lookup}__startswith": p}) for p in paths)


@register("organisations.OrgUnit")
def _org_unit_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _paths_q(f"{prefix}path", scope.read_paths)


@register("organisations.Region")
def _region_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    # GB/T 2260 codes are public reference data: any user with a scope may read them.
    return Q() if not scope.is_empty else NOTHING


@register("organisations.Department")
def _department_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    # The department directory of the user's own city is public inside that city's government.
    return _paths_q(f"{prefix}city__path", scope.home_city_paths)


@register("organisations.Park")
def _park_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    from parkchain.chains.models import Chain

    by_unit = _paths_q(f"{prefix}org_unit__path", scope.read_paths)
    if not scope.chain_ids:
        return by_unit
    key_parks = Chain.key_parks.through.objects.filter(chain_id__in=scope.chain_ids).values(
        "park_id"
    )
    return by_unit | Q(**{f"{prefix}pk__in": key_parks})


@register("enterprises.Enterprise")
def _enterprise_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    from parkchain.chains.models import ChainLink
    from parkchain.enterprises.models import ParkMembership

    if as_of is None:
        by_unit = _paths_q(f"{prefix}org_unit__path", scope.read_paths)
    else:
        covering = ParkMembership.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), valid_from__lte=as_of
        )
        in_park_then = covering.filter(_paths_q("park__org_unit__path", scope.read_paths)).values(
            "enterprise_id"
        )
        outside_parks_then = ~Q(**{f"{prefix}pk__in": covering.values("enterprise_id")})
        by_unit = (
            Q(**{f"{prefix}pk__in": in_park_then})
            | (outside_parks_then & _paths_q(f"{prefix}county__path", scope.read_paths))
            # an enterprise user's own record, whatever park it was in
            | _paths_q(f"{prefix}org_unit__path", scope.enterprise_paths)
        )
    if not scope.chain_ids:
        return by_unit
    on_chain = ChainLink.objects.filter(node__chain_id__in=scope.chain_ids).values("enterprise_id")
    return by_unit | Q(**{f"{prefix}pk__in": on_chain})


def _enterprise_child(label: str) -> None:
    @register(label)
    def _policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
        return _enterprise_policy(scope, f"{prefix}enterprise__", as_of)


for _label in (
    "enterprises.ParkMembership",
    "enterprises.Qualification",
    "enterprises.AboveScaleYear",
):
    _enterprise_child(_label)


@register("chains.Chain")
def _chain_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    from parkchain.chains.models import ChainLink

    rules = [
        _paths_q(f"{prefix}city__path", scope.city_paths),
        Q(**{f"{prefix}pk__in": sorted(scope.chain_ids)}) if scope.chain_ids else NOTHING,
    ]
    if scope.department_ids:
        ids = sorted(scope.department_ids)
        cooperating = Q(**{f"{prefix}pk__in": _cooperating_chain_ids(ids)})
        rules.append(Q(**{f"{prefix}lead_department_id__in": ids}) | cooperating)
    if scope.enterprise_paths:
        linked = ChainLink.objects.filter(
            _paths_q("enterprise__org_unit__path", scope.enterprise_paths)
        ).values("node__chain_id")
        rules.append(Q(**{f"{prefix}pk__in": linked}))
    return _any(rules)


def _cooperating_chain_ids(department_ids: list[int]) -> QuerySet[Any]:
    from parkchain.chains.models import Chain

    return Chain.cooperating_departments.through.objects.filter(
        department_id__in=department_ids
    ).values("chain_id")


@register("chains.ChainNode")
def _chain_node_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _chain_policy(scope, f"{prefix}chain__", as_of)


@register("chains.ChainLink")
def _chain_link_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _chain_policy(scope, f"{prefix}node__chain__", as_of) & _enterprise_policy(
        scope, f"{prefix}enterprise__", as_of
    )


@register("organisations.Membership")
def _membership_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return Q(**{f"{prefix}user_id": scope.user_id})


# -- indicators and reporting --------------------------------------------------------------------
def _unit_data_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    """Data attached to an org unit (observations, submissions): the unit must be in scope.

    For enterprise units the enterprise policy decides, *as of* the period viewed when given, so a
    firm that moved park keeps its earlier data with the old park.
    """
    from parkchain.enterprises.models import Enterprise

    visible_enterprises = Enterprise.objects.filter(_enterprise_policy(scope, "", as_of)).values(
        "org_unit_id"
    )
    not_enterprise = ~Q(**{f"{prefix}org_unit__kind": OrgUnitKind.ENTERPRISE})
    return (not_enterprise & _paths_q(f"{prefix}org_unit__path", scope.read_paths)) | Q(
        **{f"{prefix}org_unit_id__in": visible_enterprises}
    )


for _label in ("indicators.Observation", "indicators.ObservationRevision", "indicators.Submission"):
    register(_label)(_unit_data_policy)


def _reference_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    # The indicator registry, report forms and validation rules are configuration every user reads.
    return Q() if not scope.is_empty else NOTHING


for _label in (
    "indicators.Indicator",
    "indicators.ReportForm",
    "indicators.FormItem",
    "indicators.ValidationRule",
):
    register(_label)(_reference_policy)


@register("indicators.PeriodUnlock")
def _period_unlock_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return Q(**{f"{prefix}org_unit__isnull": True}) & _reference_policy(
        scope, prefix, as_of
    ) | _paths_q(f"{prefix}org_unit__path", scope.read_paths)


@register("indicators.ImportBatch")
def _import_batch_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    """A batch is seen by its uploader and by users whose scope covers the unit it is for."""
    return Q(**{f"{prefix}uploaded_by_id": scope.user_id}) | _paths_q(
        f"{prefix}scope_unit__path", scope.read_paths
    )


# -- evaluation (亩均, 五好, 六个清单) ----------------------------------------------------------------
def _ancestor_paths(paths: Iterable[str]) -> list[str]:
    """Every ancestor-or-self path of ``paths`` ("/1/4/17/" → "/1/", "/1/4/", "/1/4/17/")."""
    found: set[str] = set()
    for path in paths:
        parts = [p for p in path.strip("/").split("/") if p]
        for depth in range(1, len(parts) + 1):
            found.add("/" + "/".join(parts[:depth]) + "/")
    return sorted(found)


def _region_run_q(scope: Scope, lookup: str) -> Q:
    """A unit-wide evaluation (a run, a list snapshot) of ``lookup``'s unit is readable by users of
    that unit, of units under it (a county reads the city's run, with its own rows only) and of
    units above it; chain offices and departments read those of their own city."""
    above = _ancestor_paths((*scope.read_paths, *scope.home_city_paths))
    return _paths_q(lookup, scope.read_paths) | (
        Q(**{f"{lookup}__in": above}) if above else NOTHING
    )


@register("evaluation.Scheme")
def _scheme_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    # Presets (no city) are reference data; a city's own schemes are read inside that city.
    if scope.is_empty:
        return NOTHING
    return Q(**{f"{prefix}city__isnull": True}) | _paths_q(
        f"{prefix}city__path", scope.home_city_paths
    )


@register("evaluation.SchemeVersion")
def _scheme_version_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _scheme_policy(scope, f"{prefix}scheme__", as_of)


@register("evaluation.EvaluationRun")
def _evaluation_run_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _region_run_q(scope, f"{prefix}region__path")


@register("evaluation.EnterpriseResult")
def _enterprise_result_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    """A result row is visible exactly when its enterprise is (as of the year evaluated) and its run is."""
    return _enterprise_policy(scope, f"{prefix}enterprise__", as_of) & _evaluation_run_policy(
        scope, f"{prefix}run__", as_of
    )


@register("evaluation.Objection")
def _objection_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _enterprise_policy(scope, f"{prefix}enterprise__", as_of) & _evaluation_run_policy(
        scope, f"{prefix}run__", as_of
    )


@register("evaluation.ParkResult")
def _park_result_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _park_policy(scope, f"{prefix}park__", as_of) & _evaluation_run_policy(
        scope, f"{prefix}run__", as_of
    )


@register("evaluation.CountyResult")
def _county_result_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _org_unit_policy(scope, f"{prefix}county__", as_of) & _evaluation_run_policy(
        scope, f"{prefix}run__", as_of
    )


@register("evaluation.EvaluationFlag")
def _evaluation_flag_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _enterprise_policy(scope, f"{prefix}enterprise__", as_of)


@register("evaluation.RunInput")
def _run_input_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    # The stored input frame holds every enterprise of the run: services read it (reproduction),
    # no selector shows it.
    return NOTHING


@register("evaluation.ListSnapshot")
def _list_snapshot_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _region_run_q(scope, f"{prefix}scope_unit__path")


@register("evaluation.ListRow")
def _list_row_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _enterprise_policy(scope, f"{prefix}enterprise__", as_of) & _list_snapshot_policy(
        scope, f"{prefix}snapshot__", as_of
    )


@register("evaluation.ParkEvent")
def _park_event_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _park_policy(scope, f"{prefix}park__", as_of)


# -- targets and dispatch (目标任务与按月调度) --------------------------------------------------------
# A book is read by the city's task force, leader and supervision office, and (once issued) by the
# counties, parks and chain offices of that city; drafts by the task force only. A target, milestone,
# supervision task or reward/accountability record is read by the city roles, by users of the unit it
# is about (a county also reads its parks') and by the office of the chain it is about; never by
# departments or enterprises. Frozen figures follow their target.
_TARGET_ROLES = (Role.CITY_ADMIN, Role.LEADER, Role.SUPERVISOR, Role.COUNTY, Role.PARK)


def _target_paths(scope: Scope) -> tuple[str, ...]:
    """Org-unit paths of the user's city, county and park memberships (not those of enterprise or
    department memberships: a data-supplying department reads enterprises, not targets)."""
    if not scope.roles & {Role.ENTERPRISE, Role.DEPARTMENT}:
        return scope.read_paths
    if scope.user_id is None:
        return ()
    paths = Membership.objects.filter(
        user_id=scope.user_id, role__in=_TARGET_ROLES, org_unit__isnull=False
    ).values_list("org_unit__path", flat=True)
    return _minimal(paths)


@register("targets.TargetBook")
def _target_book_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    from parkchain.chains.models import Chain

    paths = _target_paths(scope)
    above = _ancestor_paths(paths)
    chain_cities = Chain.objects.filter(pk__in=sorted(scope.chain_ids)).values("city_id")
    readers = (
        _paths_q(f"{prefix}region__path", paths)
        | (Q(**{f"{prefix}region__path__in": above}) if above else NOTHING)
        | (Q(**{f"{prefix}region_id__in": chain_cities}) if scope.chain_ids else NOTHING)
    )
    issued = Q(**{f"{prefix}status": "issued"})
    return _paths_q(f"{prefix}region__path", scope.write_paths) | (issued & readers)


def _book_item_q(scope: Scope, prefix: str, unit: str) -> Q:
    """A row of a book about ``unit`` (an org unit field) or ``chain``, see the block comment."""
    paths = _target_paths(scope)
    about = _paths_q(f"{prefix}{unit}__path", paths) | _paths_q(f"{prefix}chain__city__path", paths)
    if scope.chain_ids:
        about |= Q(**{f"{prefix}chain_id__in": sorted(scope.chain_ids)})
    return about & _target_book_policy(scope, f"{prefix}book__", None)


@register("targets.Target")
def _target_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _book_item_q(scope, prefix, "org_unit")


@register("targets.MilestoneTask")
def _milestone_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _book_item_q(scope, prefix, "owner_unit")


@register("targets.MilestoneUpdate")
def _milestone_update_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _milestone_policy(scope, f"{prefix}task__", as_of)


@register("targets.SupervisionTask")
def _supervision_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _book_item_q(scope, prefix, "owner_unit")


@register("targets.SupervisionFollowUp")
def _supervision_follow_up_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _supervision_policy(scope, f"{prefix}task__", as_of)


@register("targets.AccountabilityRecord")
def _accountability_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _book_item_q(scope, prefix, "unit")


@register("targets.DispatchSnapshot")
def _dispatch_snapshot_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _target_book_policy(scope, f"{prefix}book__", as_of)


@register("targets.SnapshotFigure")
def _snapshot_figure_policy(scope: Scope, prefix: str, as_of: dt.date | None) -> Q:
    return _target_policy(scope, f"{prefix}target__", as_of)
