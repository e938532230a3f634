"""Writes to the enterprise registry: scope checks, validation, park moves and history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import MOVE_DATE, World
from parkchain.core.errors import ApplicationError
from parkchain.enterprises import credit_code
from parkchain.enterprises.models import Enterprise, ParkMembership
from parkchain.enterprises.services import (
    enterprise_create,
    enterprise_move_park,
    enterprise_update,
)


def _valid_code(region_code: str, body: str = "MA4L0Q7B") -> str:
    return credit_code.build(region_code=region_code, org_body=body)


def test_county_user_registers_an_enterprise_in_his_park(world: World, county_a_user) -> None:
    # given
    code = _valid_code(world.region_a.code)
    # when
    enterprise = enterprise_create(
        actor=county_a_user,
        credit_code=code,
        name="吉首新酒业有限公司",
        county=world.county_a,
        region=world.region_a,
        industry_code="1512",
        park=world.park_a1,
        joined_on=dt.date(2026, 3, 1),
        land_mu=Decimal("12.5"),
    )
    # then
    assert enterprise.org_unit.path == f"{world.park_a1.org_unit.path}{enterprise.org_unit.pk}/"
    membership = ParkMembership.objects.get(enterprise=enterprise)
    assert (membership.park, membership.valid_from, membership.valid_to) == (
        world.park_a1,
        dt.date(2026, 3, 1),
        None,
    )
    assert enterprise.history.first().history_user == county_a_user


def test_county_user_cannot_register_an_enterprise_in_another_county(
    world: World, county_b_user
) -> None:
    with pytest.raises(PermissionDenied):
        enterprise_create(
            actor=county_b_user,
            credit_code=_valid_code(world.region_a.code),
            name="越权企业有限公司",
            county=world.county_a,
            region=world.region_a,
            industry_code="1512",
            park=world.park_a1,
        )
    assert not Enterprise.objects.filter(name="越权企业有限公司").exists()


def test_a_wrong_check_character_is_rejected_and_nothing_is_written(
    world: World, city_analyst
) -> None:
    # given a code whose 18th character is wrong
    good = _valid_code(world.region_a.code)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    # when / then
    with pytest.raises(ValidationError) as excinfo:
        enterprise_create(
            actor=city_analyst,
            credit_code=bad,
            name="校验位错误有限公司",
            county=world.county_a,
            region=world.region_a,
            industry_code="1512",
        )
    assert good[17] in str(excinfo.value)
    assert not Enterprise.objects.filter(name="校验位错误有限公司").exists()


def test_update_keeps_the_old_value_in_history(world: World, county_a_user) -> None:
    # given
    enterprise = world.enterprise_a1
    old_land = enterprise.land_mu
    # when
    enterprise_update(actor=county_a_user, enterprise=enterprise, land_mu=Decimal("88.00"))
    # then
    latest, previous = enterprise.history.all()[:2]
    delta = latest.diff_against(previous)
    change = next(c for c in delta.changes if c.field == "land_mu")
    assert (Decimal(change.old), Decimal(change.new)) == (old_land, Decimal("88.00"))
    assert latest.history_user == county_a_user


def test_leader_cannot_change_an_enterprise(world: World, leader) -> None:
    with pytest.raises(PermissionDenied):
        enterprise_update(actor=leader, enterprise=world.enterprise_a1, land_mu=Decimal("1"))


def test_update_refuses_to_change_the_park_directly(world: World, city_analyst) -> None:
    with pytest.raises(ApplicationError):
        enterprise_update(actor=city_analyst, enterprise=world.enterprise_a1, park=world.park_b1)


def test_moving_park_closes_the_old_membership_and_keeps_history(world: World) -> None:
    # given the enterprise moved from park A1 (county A) to park B1 (county B) on MOVE_DATE
    moved = Enterprise.objects.get(pk=world.enterprise_moved.pk)
    # then
    rows = list(ParkMembership.objects.filter(enterprise=moved).order_by("valid_from"))
    assert [(r.park, r.valid_to) for r in rows] == [
        (world.park_a1, MOVE_DATE),
        (world.park_b1, None),
    ]
    assert moved.park == world.park_b1
    assert moved.county == world.county_b
    assert moved.region == world.region_b
    assert moved.org_unit.path.startswith(world.park_b1.org_unit.path)


def test_a_move_dated_before_the_current_membership_is_refused(world: World, city_analyst) -> None:
    with pytest.raises(ApplicationError):
        enterprise_move_park(
            actor=city_analyst,
            enterprise=world.enterprise_moved,
            park=world.park_a1,
            on=dt.date(2025, 1, 1),
        )
    assert (
        ParkMembership.objects.filter(
            enterprise=world.enterprise_moved, valid_to__isnull=True
        ).count()
        == 1
    )


def test_leaving_parks_puts_the_enterprise_under_its_county(world: World, city_analyst) -> None:
    # when
    enterprise = enterprise_move_park(
        actor=city_analyst, enterprise=world.enterprise_a1, park=None, on=dt.date(2026, 6, 1)
    )
    # then
    assert enterprise.park is None
    assert enterprise.org_unit.parent == world.county_a
    assert not ParkMembership.objects.filter(enterprise=enterprise, valid_to__isnull=True).exists()
