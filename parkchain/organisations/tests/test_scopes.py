"""The scope door (organisations/scopes.py): one test per policy line of its docstring, then
deny-by-default, "as of" resolution, writing rights and path maintenance.

The world and personas are the root conftest's; see ``visibility.py`` for the names.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from parkchain.chains.models import Chain, ChainLink, ChainNode
from parkchain.enterprises.models import Enterprise
from parkchain.organisations.models import Department, OrgUnit, OrgUnitKind, Park, Region
from parkchain.organisations.scopes import registered_labels, scope_for
from parkchain.organisations.services import org_unit_create, org_unit_move
from parkchain.organisations.tests.factories import (
    CityUnitFactory,
    CountyUnitFactory,
    UserFactory,
)
from parkchain.organisations.tests.visibility import (
    ALL_UNITS,
    CHAIN_X,
    CHAIN_Y,
    CHAIN_Z,
    CITY_ENTERPRISES,
    CITY_UNITS,
    COUNTY_A,
    COUNTY_B,
    E_A1,
    E_A1_SECOND,
    E_A_DIRECT,
    E_B1,
    E_MOVED,
    ENTERPRISES,
    OTHER_DEPARTMENT,
    PARK_A1,
    PARK_B1,
    PARKS,
    PERSONAS,
)


def visible_names(user, model, **kwargs) -> set[str]:
    return {row.name for row in scope_for(user).filter(model.objects.all(), **kwargs)}


def visible_links(user) -> set[tuple[str, str]]:
    return {
        (link.enterprise.name, link.node.chain.name)
        for link in scope_for(user).filter(ChainLink.objects.select_related("enterprise", "node"))
    }


# ---------------------------------------------------------------------------------------------
# * A superuser sees everything (back-office only).
# ---------------------------------------------------------------------------------------------
def test_superuser_sees_every_park_enterprise_and_chain(superuser):
    # given
    scope = scope_for(superuser)
    # when
    parks = visible_names(superuser, Park)
    enterprises = visible_names(superuser, Enterprise)
    chains = visible_names(superuser, Chain)
    # then
    assert scope.everything
    assert (parks, enterprises, chains) == (PARKS, ENTERPRISES, {CHAIN_X, CHAIN_Y, CHAIN_Z})


# ---------------------------------------------------------------------------------------------
# * A user with no membership sees nothing.
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "model", [OrgUnit, Park, Enterprise, Chain, ChainNode, ChainLink, Department, Region]
)
def test_user_without_membership_sees_nothing(no_membership_user, model):
    # when
    rows = scope_for(no_membership_user).filter(model.objects.all())
    # then
    assert scope_for(no_membership_user).is_empty
    assert list(rows) == []


def test_anonymous_user_sees_nothing(world):
    # when
    rows = scope_for(AnonymousUser()).filter(Enterprise.objects.all())
    # then
    assert list(rows) == []


def test_inactive_user_sees_nothing(world, county_a_user):
    # given
    county_a_user.is_active = False
    # when
    scope = scope_for(county_a_user)
    # then
    assert scope.is_empty
    assert list(scope.filter(Enterprise.objects.all())) == []


# ---------------------------------------------------------------------------------------------
# * City task force, city leader and supervision office read their city's subtree;
#   only the task force writes.
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["city_analyst", "leader", "supervisor"])
def test_city_users_read_their_city_but_not_another_city(request, persona):
    # given
    user = request.getfixturevalue(persona)
    # when
    enterprises = visible_names(user, Enterprise)
    parks = visible_names(user, Park)
    # then
    assert enterprises == CITY_ENTERPRISES
    assert parks == {PARK_A1, PARK_B1}


def test_city_task_force_writes_everywhere_in_its_city(world, city_analyst):
    # given
    scope = scope_for(city_analyst)
    # when / then
    assert scope.can_write(world.city)
    assert scope.can_write(world.county_b)
    assert scope.can_write(world.park_a1.org_unit)
    assert scope.can_write(world.enterprise_b1.org_unit)
    assert not scope.can_write(world.other_city)
    assert not scope.can_write(world.enterprise_other.org_unit)


@pytest.mark.parametrize("persona", ["leader", "supervisor"])
def test_city_leader_and_supervisor_are_read_only(request, world, persona):
    # given
    scope = scope_for(request.getfixturevalue(persona))
    # when / then
    for unit in (world.city, world.county_a, world.park_a1.org_unit, world.enterprise_a1.org_unit):
        assert not scope.can_write(unit)
        with pytest.raises(PermissionDenied):
            scope.require_write(unit)
    assert not scope.can_write_chain(world.chain_x.pk, world.city.path)


# ---------------------------------------------------------------------------------------------
# * A county user reads and writes his county's subtree (its parks and enterprises).
# ---------------------------------------------------------------------------------------------
def test_county_user_sees_own_county_parks_and_enterprises(county_a_user):
    # when
    parks = visible_names(county_a_user, Park)
    enterprises = visible_names(county_a_user, Enterprise)
    # then
    assert parks == {PARK_A1}
    assert enterprises == {E_A1, E_A1_SECOND, E_A_DIRECT}


def test_county_user_cannot_see_other_county_parks(county_b_user):
    # when
    parks = visible_names(county_b_user, Park)
    # then
    assert PARK_A1 not in parks
    assert parks == {PARK_B1}


def test_county_user_cannot_see_other_county_enterprises(county_b_user):
    # when
    enterprises = visible_names(county_b_user, Enterprise)
    # then
    assert enterprises == {E_B1, E_MOVED}


def test_county_user_sees_enterprises_outside_parks_of_his_county(county_a_user, county_b_user):
    # when / then
    assert E_A_DIRECT in visible_names(county_a_user, Enterprise)
    assert E_A_DIRECT not in visible_names(county_b_user, Enterprise)


def test_county_user_writes_his_county_only(world, county_a_user):
    # given
    scope = scope_for(county_a_user)
    # when / then
    assert scope.can_write(world.county_a)
    assert scope.can_write(world.park_a1.org_unit)
    assert scope.can_write(world.enterprise_a_direct.org_unit)
    assert not scope.can_write(world.city)
    assert not scope.can_write(world.county_b)
    assert not scope.can_write(world.enterprise_b1.org_unit)
    with pytest.raises(PermissionDenied):
        scope.require_write(world.park_b1.org_unit)


# ---------------------------------------------------------------------------------------------
# * A park user reads and writes his park's subtree (its enterprises).
# ---------------------------------------------------------------------------------------------
def test_park_user_sees_only_his_park_and_its_enterprises(park_a1_user):
    # when
    parks = visible_names(park_a1_user, Park)
    enterprises = visible_names(park_a1_user, Enterprise)
    # then
    assert parks == {PARK_A1}
    assert enterprises == {E_A1, E_A1_SECOND}


def test_park_user_cannot_see_enterprises_of_his_county_outside_the_park(park_a1_user):
    # when
    enterprises = visible_names(park_a1_user, Enterprise)
    # then
    assert E_A_DIRECT not in enterprises


def test_park_user_writes_his_park_only(world, park_a1_user):
    # given
    scope = scope_for(park_a1_user)
    # when / then
    assert scope.can_write(world.park_a1.org_unit)
    assert scope.can_write(world.enterprise_a1_second.org_unit)
    assert not scope.can_write(world.county_a)
    assert not scope.can_write(world.enterprise_a_direct.org_unit)
    with pytest.raises(PermissionDenied):
        scope.require_write(world.park_b1.org_unit)


# ---------------------------------------------------------------------------------------------
# * An enterprise user reads and writes his own enterprise only.
# ---------------------------------------------------------------------------------------------
def test_enterprise_user_sees_only_his_enterprise(enterprise_user):
    # when
    enterprises = visible_names(enterprise_user, Enterprise)
    parks = visible_names(enterprise_user, Park)
    # then
    assert enterprises == {E_A1}
    assert parks == set()


def test_enterprise_user_writes_his_enterprise_only(world, enterprise_user):
    # given
    scope = scope_for(enterprise_user)
    # when / then
    assert scope.can_write(world.enterprise_a1.org_unit)
    assert not scope.can_write(world.enterprise_a1_second.org_unit)
    assert not scope.can_write(world.park_a1.org_unit)
    with pytest.raises(PermissionDenied):
        scope.require_write(world.enterprise_a1_second.org_unit)


def test_enterprise_user_sees_the_chains_his_enterprise_is_on(enterprise_user):
    # when
    chains = visible_names(enterprise_user, Chain)
    links = visible_links(enterprise_user)
    # then
    assert chains == {CHAIN_X}
    assert links == {(E_A1, CHAIN_X)}


# ---------------------------------------------------------------------------------------------
# * A chain office reads its chain (nodes and links), the enterprises on it and the chain's
#   key parks, and writes the chain's nodes and links.
# ---------------------------------------------------------------------------------------------
def test_chain_office_sees_its_chain_nodes_and_links_only(world, chain_office_user):
    # when
    chains = visible_names(chain_office_user, Chain)
    nodes = {n.chain.name for n in scope_for(chain_office_user).filter(ChainNode.objects.all())}
    links = visible_links(chain_office_user)
    # then
    assert chains == {CHAIN_X}
    assert nodes == {CHAIN_X}
    assert links == {(E_A1, CHAIN_X), (E_B1, CHAIN_X)}


def test_chain_office_sees_enterprises_on_its_chain_in_any_county(chain_office_user):
    # when
    enterprises = visible_names(chain_office_user, Enterprise)
    # then
    assert enterprises == {E_A1, E_B1}


def test_chain_office_sees_its_key_parks_but_not_other_chains_key_parks(chain_office_user):
    # when
    parks = visible_names(chain_office_user, Park)
    # then
    assert parks == {PARK_A1}


def test_chain_office_does_not_see_other_chain_links_of_its_enterprises(chain_office_user):
    # given 边城供应链 is on chains X and Y; the office runs X
    # when
    links = visible_links(chain_office_user)
    # then
    assert (E_B1, CHAIN_Y) not in links


def test_chain_office_writes_its_chain_but_no_org_unit(world, chain_office_user):
    # given
    scope = scope_for(chain_office_user)
    # when / then
    assert scope.can_write_chain(world.chain_x.pk, world.city.path)
    assert not scope.can_write_chain(world.chain_y.pk, world.city.path)
    assert not scope.can_write(world.enterprise_a1.org_unit)
    assert not scope.can_write(world.park_a1.org_unit)


def test_city_task_force_writes_every_chain_of_its_city(world, city_analyst, county_a_user):
    # given
    task_force = scope_for(city_analyst)
    county = scope_for(county_a_user)
    # when / then
    assert task_force.can_write_chain(world.chain_y.pk, world.city.path)
    assert not task_force.can_write_chain(world.chain_z.pk, world.other_city.path)
    assert not county.can_write_chain(world.chain_x.pk, world.city.path)


# ---------------------------------------------------------------------------------------------
# * A department reads the chains it leads or cooperates on; a data-supplying department
#   (税务, 电力, 自然资源, 统计…) also reads the city's parks and enterprises.
# ---------------------------------------------------------------------------------------------
def test_department_sees_the_chain_it_leads_but_no_enterprise(department_user):
    # when
    chains = visible_names(department_user, Chain)
    enterprises = visible_names(department_user, Enterprise)
    parks = visible_names(department_user, Park)
    # then
    assert chains == {CHAIN_X}
    assert enterprises == set()
    assert parks == set()


def test_department_sees_the_chain_it_cooperates_on(tax_department_user):
    # when
    chains = visible_names(tax_department_user, Chain)
    # then
    assert chains == {CHAIN_Y}


def test_data_supplying_department_reads_the_city_parks_and_enterprises(tax_department_user):
    # when
    enterprises = visible_names(tax_department_user, Enterprise)
    parks = visible_names(tax_department_user, Park)
    # then
    assert enterprises == CITY_ENTERPRISES
    assert parks == {PARK_A1, PARK_B1}


@pytest.mark.parametrize("persona", ["department_user", "tax_department_user"])
def test_department_writes_no_org_unit(request, world, persona):
    # given
    scope = scope_for(request.getfixturevalue(persona))
    # when / then
    assert not scope.can_write(world.enterprise_a1.org_unit)
    assert not scope.can_write(world.city)


def test_department_directory_does_not_show_other_cities_departments(county_a_user):
    """Department policy comment: "The city's department directory is public inside the government"."""
    # when
    departments = visible_names(county_a_user, Department)
    # then
    assert OTHER_DEPARTMENT not in departments


# ---------------------------------------------------------------------------------------------
# * Chains are city programmes: city, county and park users read every chain of their city,
#   but the enterprises on its nodes only within their own scope.
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["county_a_user", "county_b_user", "park_a1_user"])
def test_county_and_park_users_read_every_chain_of_their_city(request, persona):
    # when
    chains = visible_names(request.getfixturevalue(persona), Chain)
    # then
    assert chains == {CHAIN_X, CHAIN_Y}


def test_county_user_sees_only_his_enterprises_on_a_city_chain(county_a_user, county_b_user):
    # when
    links_a = visible_links(county_a_user)
    links_b = visible_links(county_b_user)
    # then
    assert links_a == {(E_A1, CHAIN_X)}
    assert links_b == {(E_B1, CHAIN_X), (E_B1, CHAIN_Y), (E_MOVED, CHAIN_Y)}


def test_users_do_not_see_another_citys_chain(city_analyst, county_a_user):
    # when / then
    assert CHAIN_Z not in visible_names(city_analyst, Chain)
    assert CHAIN_Z not in visible_names(county_a_user, Chain)


# ---------------------------------------------------------------------------------------------
# * Enterprise rows can be resolved *as of* a date: an enterprise that moved park belongs, for
#   earlier periods, to the park it was in then (ParkMembership), else to its registered county.
# ---------------------------------------------------------------------------------------------
BEFORE_MOVE = dt.date(2025, 1, 1)
AFTER_MOVE = dt.date(2026, 1, 1)


def test_county_a_user_sees_moved_enterprise_for_periods_before_the_move(county_a_user):
    # when
    before = visible_names(county_a_user, Enterprise, as_of=BEFORE_MOVE)
    after = visible_names(county_a_user, Enterprise, as_of=AFTER_MOVE)
    # then
    assert E_MOVED in before
    assert E_MOVED not in after


def test_county_b_user_sees_moved_enterprise_only_for_periods_after_the_move(county_b_user):
    # when
    before = visible_names(county_b_user, Enterprise, as_of=BEFORE_MOVE)
    after = visible_names(county_b_user, Enterprise, as_of=AFTER_MOVE)
    # then
    assert E_MOVED not in before
    assert E_MOVED in after


def test_moved_enterprise_changes_hands_on_the_move_date(world, county_a_user, county_b_user):
    # given valid_to is exclusive: on 2025-07-01 the enterprise is already in park B1
    last_day_in_a1 = dt.date(2025, 6, 30)
    move_day = dt.date(2025, 7, 1)
    # when / then
    assert E_MOVED in visible_names(county_a_user, Enterprise, as_of=last_day_in_a1)
    assert E_MOVED not in visible_names(county_b_user, Enterprise, as_of=last_day_in_a1)
    assert E_MOVED not in visible_names(county_a_user, Enterprise, as_of=move_day)
    assert E_MOVED in visible_names(county_b_user, Enterprise, as_of=move_day)


def test_park_user_sees_moved_enterprise_for_the_months_it_was_in_his_park(park_a1_user):
    # when / then
    assert E_MOVED in visible_names(park_a1_user, Enterprise, as_of=BEFORE_MOVE)
    assert E_MOVED not in visible_names(park_a1_user, Enterprise, as_of=AFTER_MOVE)


def test_enterprise_outside_parks_then_belongs_to_its_registered_county(
    world, county_a_user, county_b_user
):
    # given 矮寨锌业 joined park A1 on 2024-03-01; before that it was in no park,
    # and its registered county is now 花垣县 (county B)
    before_any_park = dt.date(2024, 1, 1)
    # when / then
    assert E_MOVED in visible_names(county_b_user, Enterprise, as_of=before_any_park)
    assert E_MOVED not in visible_names(county_a_user, Enterprise, as_of=before_any_park)
    assert E_A_DIRECT in visible_names(county_a_user, Enterprise, as_of=before_any_park)


def test_enterprise_user_sees_his_enterprise_whatever_the_date(enterprise_user):
    # when / then
    for day in (dt.date(2019, 1, 1), BEFORE_MOVE, AFTER_MOVE):
        assert visible_names(enterprise_user, Enterprise, as_of=day) == {E_A1}


def test_chain_office_sees_its_chain_enterprises_whatever_the_date(chain_office_user):
    # when / then
    assert visible_names(chain_office_user, Enterprise, as_of=BEFORE_MOVE) == {E_A1, E_B1}


# ---------------------------------------------------------------------------------------------
# * A model not registered here is denied by default (Scope.filter returns no rows).
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", [Group, Session])
@pytest.mark.parametrize("persona", ["city_analyst", "county_a_user", "tax_department_user"])
def test_unregistered_model_gives_no_rows(request, world, persona, model, caplog):
    # given
    Group.objects.create(name="专班")
    Session.objects.create(
        session_key="k" * 32, session_data="", expire_date=timezone.now() + dt.timedelta(days=1)
    )
    user = request.getfixturevalue(persona)
    # when
    rows = scope_for(user).filter(model.objects.all())
    # then
    assert model._meta.label not in registered_labels()
    assert list(rows) == []
    assert "not registered with the scope module" in caplog.text


def test_unregistered_model_gives_no_rows_through_q_for(city_analyst):
    # when
    q = scope_for(city_analyst).q_for(Group)
    # then
    Group.objects.create(name="专班")
    assert list(Group.objects.filter(q)) == []


# ---------------------------------------------------------------------------------------------
# Invisible rows answer 404 like missing rows: the selectors' *_get use get_in_scope (see
# test_scope_matrix.py). The scope is resolved once per user object.
# ---------------------------------------------------------------------------------------------
def test_scope_is_resolved_once_and_cached_on_the_user(county_a_user, django_assert_num_queries):
    # given
    first = scope_for(county_a_user)
    # when
    with django_assert_num_queries(0):
        second = scope_for(county_a_user)
    # then
    assert first is second


def test_two_memberships_add_up(world):
    # given
    from parkchain.organisations.models import Role
    from parkchain.organisations.tests.factories import MembershipFactory

    user = UserFactory(username="two_hats")
    MembershipFactory(user=user, role=Role.PARK, org_unit=world.park_a1.org_unit)
    MembershipFactory(user=user, role=Role.COUNTY, org_unit=world.county_b)
    # when
    enterprises = visible_names(user, Enterprise)
    # then
    assert enterprises == {E_A1, E_A1_SECOND, E_B1, E_MOVED}


# ---------------------------------------------------------------------------------------------
# can_write / require_write for every role, over every unit of the world
# ---------------------------------------------------------------------------------------------
WRITABLE = {
    "city_analyst": CITY_UNITS,
    "leader": set(),
    "supervisor": set(),
    "chain_office_user": set(),
    "county_a_user": {COUNTY_A, PARK_A1, E_A1, E_A1_SECOND, E_A_DIRECT},
    "county_b_user": {COUNTY_B, PARK_B1, E_B1, E_MOVED},
    "park_a1_user": {PARK_A1, E_A1, E_A1_SECOND},
    "department_user": set(),
    "tax_department_user": set(),  # reads the city to supply data, writes nothing
    "enterprise_user": {E_A1},
    "no_membership_user": set(),
    "superuser": ALL_UNITS,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_writes_exactly_its_units(request, world, persona):
    # given
    scope = scope_for(request.getfixturevalue(persona))
    units = list(OrgUnit.objects.all())
    # when
    writable = {unit.name for unit in units if scope.can_write(unit)}
    # then
    assert writable == WRITABLE[persona]
    for unit in units:
        if unit.name not in writable:
            with pytest.raises(PermissionDenied):
                scope.require_write(unit)
        else:
            scope.require_write(unit)  # does not raise


def test_enterprise_move_park_moves_its_org_unit_under_the_new_park(world):
    # given 矮寨锌业 moved from park A1 to park B1 when the world was built
    enterprise = world.enterprise_moved
    # when
    enterprise.org_unit.refresh_from_db()
    # then
    assert enterprise.org_unit.parent == world.park_b1.org_unit
    assert enterprise.org_unit.path == f"{world.park_b1.org_unit.path}{enterprise.org_unit.pk}/"
    assert enterprise.county == world.county_b


# ---------------------------------------------------------------------------------------------
# Path maintenance (organisations/services.py): org_unit_create and org_unit_move
# ---------------------------------------------------------------------------------------------
def test_org_unit_create_gives_the_materialised_path_of_its_parent(db):
    # given
    city = CityUnitFactory()
    # when
    county = org_unit_create(name="吉首市", kind=OrgUnitKind.COUNTY, parent=city)
    park = org_unit_create(name="开发区", kind=OrgUnitKind.PARK, parent=county)
    # then
    assert city.path == f"/{city.pk}/"
    assert county.path == f"/{city.pk}/{county.pk}/"
    assert park.path == f"/{city.pk}/{county.pk}/{park.pk}/"
    assert (city.depth, county.depth, park.depth) == (0, 1, 2)
    assert park.is_descendant_of(city)


def test_org_unit_create_refuses_a_park_under_a_city(db):
    # given
    from django.core.exceptions import ValidationError

    city = CityUnitFactory()
    # when / then
    with pytest.raises(ValidationError):
        org_unit_create(name="开发区", kind=OrgUnitKind.PARK, parent=city)


def test_org_unit_move_rewrites_the_paths_of_the_whole_subtree(world):
    # given park A1 (with two enterprises) moves from county A to county B
    park_unit = world.park_a1.org_unit
    enterprise_unit = world.enterprise_a1.org_unit
    # when
    org_unit_move(unit=park_unit, new_parent=world.county_b)
    # then
    park_unit.refresh_from_db()
    enterprise_unit.refresh_from_db()
    assert park_unit.parent == world.county_b
    assert park_unit.path == f"{world.county_b.path}{park_unit.pk}/"
    assert enterprise_unit.path == f"{world.county_b.path}{park_unit.pk}/{enterprise_unit.pk}/"
    assert enterprise_unit.depth == park_unit.depth + 1 == world.county_b.depth + 2
    assert not OrgUnit.objects.filter(path__startswith=f"{world.county_a.path}{park_unit.pk}/")


def test_org_unit_move_carries_the_scope_with_it(world):
    # given
    from parkchain.organisations.models import Role
    from parkchain.organisations.tests.factories import MembershipFactory

    county_b_user = UserFactory(username="county_b_fresh")
    MembershipFactory(user=county_b_user, role=Role.COUNTY, org_unit=world.county_b)
    # when
    org_unit_move(unit=world.park_a1.org_unit, new_parent=world.county_b)
    # then
    assert {E_A1, E_A1_SECOND} <= visible_names(county_b_user, Enterprise)


def test_org_unit_move_leaves_the_rest_of_the_tree_alone(db):
    # given twelve counties (ids 1x and 1xx share a textual prefix, so paths must end with "/")
    city, other_city = CityUnitFactory(), CityUnitFactory()
    counties = [CountyUnitFactory(parent=city) for _ in range(12)]
    moving = counties[0]
    park = org_unit_create(name="园区", kind=OrgUnitKind.PARK, parent=moving)
    before = {unit.pk: unit.path for unit in OrgUnit.objects.exclude(pk__in=[moving.pk, park.pk])}
    # when
    org_unit_move(unit=moving, new_parent=other_city)
    # then
    after = {unit.pk: unit.path for unit in OrgUnit.objects.exclude(pk__in=[moving.pk, park.pk])}
    park.refresh_from_db()
    assert after == before
    assert park.path == f"/{other_city.pk}/{moving.pk}/{park.pk}/"
