"""Factories for the organisation tree, regions, parks, departments, users and memberships.

Org units are created through ``organisations.services.org_unit_create`` so their
materialised paths are right; ``.build()`` gives unsaved objects without a path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from factory.declarations import LazyAttribute, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory, Password

from parkchain.organisations.models import (
    Department,
    Membership,
    OrgUnit,
    OrgUnitKind,
    Park,
    ParkLevel,
    ParkType,
    Region,
    RegionLevel,
    Role,
)
from parkchain.organisations.services import org_unit_create

DEFAULT_PASSWORD = "parkchain-test-password"


def region_code(n: int) -> str:
    """A GB/T 2260-shaped code in Hunan (43), unique per sequence number: 43PPCC."""
    prefecture, county = divmod(n, 99)
    return f"43{prefecture % 100:02d}{county + 1:02d}"


class UserFactory(DjangoModelFactory[AbstractUser]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = Sequence(lambda n: f"user{n}")
    email = LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = Password(DEFAULT_PASSWORD)
    is_active = True


class OrgUnitFactory(DjangoModelFactory[OrgUnit]):
    """A unit placed in the tree by ``org_unit_create`` (path and depth maintained there)."""

    class Meta:
        model = OrgUnit

    name = Sequence(lambda n: f"单位{n}")
    kind = OrgUnitKind.CITY
    parent: Any = None
    code = ""

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: object, **kwargs: object) -> OrgUnit:
        return org_unit_create(
            name=kwargs["name"],  # type: ignore[arg-type]
            kind=kwargs["kind"],  # type: ignore[arg-type]
            parent=kwargs.get("parent"),  # type: ignore[arg-type]
            code=kwargs.get("code", ""),  # type: ignore[arg-type]
        )


class CityUnitFactory(OrgUnitFactory):
    name = Sequence(lambda n: f"市{n}")
    kind = OrgUnitKind.CITY


class CountyUnitFactory(OrgUnitFactory):
    name = Sequence(lambda n: f"县{n}")
    kind = OrgUnitKind.COUNTY
    parent = SubFactory(CityUnitFactory)


class ParkUnitFactory(OrgUnitFactory):
    name = Sequence(lambda n: f"园区{n}")
    kind = OrgUnitKind.PARK
    parent = SubFactory(CountyUnitFactory)


class RegionFactory(DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = Sequence(region_code)
    name = LazyAttribute(lambda o: f"区划{o.code}")
    level = RegionLevel.COUNTY
    parent = None
    org_unit = None


class ParkFactory(DjangoModelFactory[Park]):
    """A park with its org unit under ``county`` (a county unit made for it unless given)."""

    class Meta:
        model = Park

    class Params:
        county = SubFactory(CountyUnitFactory)

    name = Sequence(lambda n: f"测试产业园{n}")
    short_name = ""
    org_unit = SubFactory(
        ParkUnitFactory,
        name=SelfAttribute("..name"),
        parent=SelfAttribute("..county"),
    )
    level = ParkLevel.PROVINCIAL
    park_type = ParkType.ECONOMIC_DEVELOPMENT
    region = SubFactory(RegionFactory)
    leading_industries = "新材料、食品加工"
    planned_area_km2 = LazyAttribute(lambda o: Decimal("12.50"))
    developed_area_km2 = LazyAttribute(lambda o: Decimal("8.20"))


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department

    name = Sequence(lambda n: f"测试局{n}")
    short_name = LazyAttribute(lambda o: o.name[:30])
    city = SubFactory(CityUnitFactory)
    supplies_enterprise_data = False


class MembershipFactory(DjangoModelFactory[Membership]):
    """A validated membership (``full_clean`` checks the role's target and unit kind)."""

    class Meta:
        model = Membership

    user = SubFactory(UserFactory)
    role = Role.COUNTY
    org_unit = None
    chain = None
    department = None

    @classmethod
    def _create(cls, model_class: type[Membership], *args: object, **kwargs: object) -> Membership:
        membership = model_class(*args, **kwargs)
        membership.full_clean()
        membership.save()
        return membership
