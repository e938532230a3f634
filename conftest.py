"""Personas and a small scoped world, shared by every test (healthchecks' Alice/Bob/Charlie, adapted).

The world (names are fictional, codes are GB/T 2260)::

    湘西州 433100 (city)                                  张家界市 430800 (another city)
    ├── 吉首市 433101 (county A)                          └── 永定区 430802
    │   ├── 吉首经济开发区 (park A1)                           └── 张家界高新技术产业开发区
    │   │   ├── 湘泉酿酒有限公司      ← enterprise_user's; chain X                └── 天门山莓茶有限公司 (chain Z)
    │   │   └── 峒河新材料有限公司
    │   └── 乾州食品有限公司          (outside parks)
    └── 花垣县 433124 (county B)
        └── 花垣工业集中区 (park B1)
            ├── 边城供应链有限公司    chains X and Y
            └── 矮寨锌业有限公司      moved from A1 to B1 on 2025-07-01; chain Y

    chain X 白酒产业链 (湘西州): led by 工信局; key park A1; nodes 上游/中游(+child)/下游
    chain Y 锰锌新材料产业链 (湘西州): led by 发改委, 税务局 cooperates; key park B1
    chain Z 莓茶产业链 (张家界市)

Personas (one fixture each): city_analyst, leader, supervisor, chain_office_user (chain X),
county_a_user, county_b_user (the outsider), park_a1_user, department_user (工信局, plain,
leads X), tax_department_user (税务局, supplies data, cooperates on Y), enterprise_user
(湘泉酿酒), no_membership_user, superuser.

What each persona may see is written out in ``parkchain/organisations/tests/visibility.py``
(the expected side of the scope-leak tests). The world is built per test (function scope, so
tests may change it); with ``live_server`` it lives in a transactional database.

Hypothesis: ``HYPOTHESIS_PROFILE=ci`` in CI (no deadline, derandomised, more examples);
the default "dev" profile has no deadline either (the first DB call can be slow).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from parkchain.chains.models import Chain, ChainLink, ChainNode, LinkRole, NodePosition
from parkchain.chains.tests.factories import ChainFactory, ChainLinkFactory, ChainNodeFactory
from parkchain.enterprises.models import Enterprise, QualificationKind
from parkchain.enterprises.services import enterprise_move_park
from parkchain.enterprises.tests.factories import (
    AboveScaleYearFactory,
    EnterpriseFactory,
    QualificationFactory,
)
from parkchain.organisations.models import (
    Department,
    OrgUnit,
    OrgUnitKind,
    Park,
    ParkLevel,
    ParkType,
    Region,
    RegionLevel,
    Role,
)
from parkchain.organisations.tests.factories import (
    DEFAULT_PASSWORD,
    DepartmentFactory,
    MembershipFactory,
    OrgUnitFactory,
    ParkFactory,
    RegionFactory,
    UserFactory,
)

hypothesis_settings.register_profile("dev", deadline=None, max_examples=50)
hypothesis_settings.register_profile(
    "ci", deadline=None, max_examples=300, derandomize=True, print_blob=True
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

MOVE_DATE = dt.date(2025, 7, 1)
PASSWORD = DEFAULT_PASSWORD


@dataclass
class World:
    city: OrgUnit
    county_a: OrgUnit
    county_b: OrgUnit
    other_city: OrgUnit
    other_county: OrgUnit

    region_city: Region
    region_a: Region
    region_b: Region
    region_other_city: Region
    region_other_county: Region

    park_a1: Park
    park_b1: Park
    park_other: Park

    tax_department: Department
    industry_department: Department
    reform_department: Department
    other_department: Department

    enterprise_a1: Enterprise
    enterprise_a1_second: Enterprise
    enterprise_a_direct: Enterprise
    enterprise_b1: Enterprise
    enterprise_moved: Enterprise
    enterprise_other: Enterprise

    chain_x: Chain
    chain_y: Chain
    chain_z: Chain
    node_x_up: ChainNode
    node_x_mid: ChainNode
    node_x_mid_child: ChainNode
    node_x_down: ChainNode
    node_y: ChainNode
    node_z: ChainNode
    link_a1_x: ChainLink
    link_b1_x: ChainLink
    link_b1_y: ChainLink
    link_moved_y: ChainLink
    link_other_z: ChainLink

    @property
    def enterprises(self) -> list[Enterprise]:
        return [
            self.enterprise_a1,
            self.enterprise_a1_second,
            self.enterprise_a_direct,
            self.enterprise_b1,
            self.enterprise_moved,
            self.enterprise_other,
        ]

    @property
    def parks(self) -> list[Park]:
        return [self.park_a1, self.park_b1, self.park_other]

    @property
    def chains(self) -> list[Chain]:
        return [self.chain_x, self.chain_y, self.chain_z]

    @property
    def links(self) -> list[ChainLink]:
        return [
            self.link_a1_x,
            self.link_b1_x,
            self.link_b1_y,
            self.link_moved_y,
            self.link_other_z,
        ]


def _unit(name: str, kind: str, parent: OrgUnit | None, code: str) -> OrgUnit:
    return OrgUnitFactory.create(name=name, kind=kind, parent=parent, code=code)


def _region(code: str, name: str, level: str, parent: Region | None, unit: OrgUnit) -> Region:
    return RegionFactory.create(code=code, name=name, level=level, parent=parent, org_unit=unit)


def build_world() -> World:
    # org tree and regions
    city = _unit("湘西州", OrgUnitKind.CITY, None, "433100")
    county_a = _unit("吉首市", OrgUnitKind.COUNTY, city, "433101")
    county_b = _unit("花垣县", OrgUnitKind.COUNTY, city, "433124")
    other_city = _unit("张家界市", OrgUnitKind.CITY, None, "430800")
    other_county = _unit("永定区", OrgUnitKind.COUNTY, other_city, "430802")
    region_city = _region("433100", "湘西土家族苗族自治州", RegionLevel.PREFECTURE, None, city)
    region_a = _region("433101", "吉首市", RegionLevel.COUNTY, region_city, county_a)
    region_b = _region("433124", "花垣县", RegionLevel.COUNTY, region_city, county_b)
    region_other_city = _region("430800", "张家界市", RegionLevel.PREFECTURE, None, other_city)
    region_other_county = _region(
        "430802", "永定区", RegionLevel.COUNTY, region_other_city, other_county
    )

    # parks
    park_a1 = ParkFactory.create(
        name="吉首经济开发区",
        short_name="吉首经开区",
        county=county_a,
        region=region_a,
        level=ParkLevel.PROVINCIAL,
        park_type=ParkType.ECONOMIC_DEVELOPMENT,
    )
    park_b1 = ParkFactory.create(
        name="花垣工业集中区",
        short_name="花垣工业区",
        county=county_b,
        region=region_b,
        level=ParkLevel.PROVINCIAL,
        park_type=ParkType.INDUSTRIAL_CLUSTER,
    )
    park_other = ParkFactory.create(
        name="张家界高新技术产业开发区",
        short_name="张家界高新区",
        county=other_county,
        region=region_other_county,
        level=ParkLevel.PROVINCIAL,
        park_type=ParkType.HIGH_TECH,
    )

    # departments
    tax = DepartmentFactory.create(
        name="湘西州税务局", short_name="税务", city=city, supplies_enterprise_data=True
    )
    industry = DepartmentFactory.create(name="湘西州工业和信息化局", short_name="工信", city=city)
    reform = DepartmentFactory.create(name="湘西州发展和改革委员会", short_name="发改", city=city)
    other_department = DepartmentFactory.create(
        name="张家界市工业和信息化局", short_name="张家界工信", city=other_city
    )

    # enterprises
    e_a1 = EnterpriseFactory.create(name="湘泉酿酒有限公司", park=park_a1, region=region_a)
    e_a1_second = EnterpriseFactory.create(
        name="峒河新材料有限公司", park=park_a1, region=region_a, industry_code="3240"
    )
    e_a_direct = EnterpriseFactory.create(
        name="乾州食品有限公司", county=county_a, region=region_a, industry_code="1491"
    )
    e_b1 = EnterpriseFactory.create(
        name="边城供应链有限公司", park=park_b1, region=region_b, industry_code="5990"
    )
    e_moved = EnterpriseFactory.create(
        name="矮寨锌业有限公司",
        park=park_a1,
        region=region_a,
        industry_code="3212",
        joined_on=dt.date(2024, 3, 1),
    )
    e_moved = enterprise_move_park(actor=None, enterprise=e_moved, park=park_b1, on=MOVE_DATE)
    e_other = EnterpriseFactory.create(
        name="天门山莓茶有限公司", park=park_other, region=region_other_county, industry_code="1530"
    )
    for enterprise in (e_a1, e_a1_second, e_a_direct, e_b1, e_moved, e_other):
        QualificationFactory.create(
            enterprise=enterprise, kind=QualificationKind.HIGH_TECH, expires_on=None
        )
        AboveScaleYearFactory.create(enterprise=enterprise, year=2025)

    # chains
    chain_x = ChainFactory.create(
        city=city,
        code="baijiu",
        name="白酒产业链",
        lead_department=industry,
        key_parks=[park_a1],
        sort_order=1,
    )
    chain_y = ChainFactory.create(
        city=city,
        code="mengxin",
        name="锰锌新材料产业链",
        lead_department=reform,
        cooperating_departments=[tax],
        key_parks=[park_b1],
        sort_order=2,
    )
    chain_z = ChainFactory.create(
        city=other_city,
        code="meicha",
        name="莓茶产业链",
        lead_department=other_department,
        key_parks=[park_other],
        sort_order=3,
    )
    x_up = ChainNodeFactory.create(
        chain=chain_x, name="高粱种植", position=NodePosition.UPSTREAM, sort_order=1
    )
    x_mid = ChainNodeFactory.create(
        chain=chain_x, name="白酒酿造", position=NodePosition.MIDSTREAM, sort_order=2
    )
    x_mid_child = ChainNodeFactory.create(
        chain=chain_x,
        parent=x_mid,
        name="酱香基酒",
        position=NodePosition.MIDSTREAM,
        sort_order=3,
    )
    x_down = ChainNodeFactory.create(
        chain=chain_x, name="商贸流通", position=NodePosition.DOWNSTREAM, sort_order=4
    )
    y_node = ChainNodeFactory.create(
        chain=chain_y, name="锌冶炼", position=NodePosition.MIDSTREAM, sort_order=1
    )
    z_node = ChainNodeFactory.create(
        chain=chain_z, name="莓茶加工", position=NodePosition.MIDSTREAM, sort_order=1
    )
    link_a1_x = ChainLinkFactory.create(enterprise=e_a1, node=x_mid_child, role=LinkRole.MASTER)
    link_b1_x = ChainLinkFactory.create(enterprise=e_b1, node=x_down)
    link_b1_y = ChainLinkFactory.create(enterprise=e_b1, node=y_node)
    link_moved_y = ChainLinkFactory.create(enterprise=e_moved, node=y_node, role=LinkRole.CORE)
    link_other_z = ChainLinkFactory.create(enterprise=e_other, node=z_node, role=LinkRole.MASTER)

    return World(
        city=city,
        county_a=county_a,
        county_b=county_b,
        other_city=other_city,
        other_county=other_county,
        region_city=region_city,
        region_a=region_a,
        region_b=region_b,
        region_other_city=region_other_city,
        region_other_county=region_other_county,
        park_a1=park_a1,
        park_b1=park_b1,
        park_other=park_other,
        tax_department=tax,
        industry_department=industry,
        reform_department=reform,
        other_department=other_department,
        enterprise_a1=e_a1,
        enterprise_a1_second=e_a1_second,
        enterprise_a_direct=e_a_direct,
        enterprise_b1=e_b1,
        enterprise_moved=e_moved,
        enterprise_other=e_other,
        chain_x=chain_x,
        chain_y=chain_y,
        chain_z=chain_z,
        node_x_up=x_up,
        node_x_mid=x_mid,
        node_x_mid_child=x_mid_child,
        node_x_down=x_down,
        node_y=y_node,
        node_z=z_node,
        link_a1_x=link_a1_x,
        link_b1_x=link_b1_x,
        link_b1_y=link_b1_y,
        link_moved_y=link_moved_y,
        link_other_z=link_other_z,
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _persona(username: str, role: str | None = None, **target: Any) -> Any:
    user = UserFactory.create(username=username)
    if role is not None:
        MembershipFactory.create(user=user, role=role, **target)
    return user


@pytest.fixture
def city_analyst(world: World) -> Any:
    return _persona("city_analyst", Role.CITY_ADMIN, org_unit=world.city)


@pytest.fixture
def leader(world: World) -> Any:
    return _persona("leader", Role.LEADER, org_unit=world.city)


@pytest.fixture
def supervisor(world: World) -> Any:
    return _persona("supervisor", Role.SUPERVISOR, org_unit=world.city)


@pytest.fixture
def chain_office_user(world: World) -> Any:
    return _persona("chain_office_user", Role.CHAIN_OFFICE, chain=world.chain_x)


@pytest.fixture
def county_a_user(world: World) -> Any:
    return _persona("county_a_user", Role.COUNTY, org_unit=world.county_a)


@pytest.fixture
def county_b_user(world: World) -> Any:
    return _persona("county_b_user", Role.COUNTY, org_unit=world.county_b)


@pytest.fixture
def park_a1_user(world: World) -> Any:
    return _persona("park_a1_user", Role.PARK, org_unit=world.park_a1.org_unit)


@pytest.fixture
def department_user(world: World) -> Any:
    return _persona("department_user", Role.DEPARTMENT, department=world.industry_department)


@pytest.fixture
def tax_department_user(world: World) -> Any:
    return _persona("tax_department_user", Role.DEPARTMENT, department=world.tax_department)


@pytest.fixture
def enterprise_user(world: World) -> Any:
    return _persona("enterprise_user", Role.ENTERPRISE, org_unit=world.enterprise_a1.org_unit)


@pytest.fixture
def no_membership_user(world: World) -> Any:
    return _persona("no_membership_user")


@pytest.fixture
def superuser(world: World) -> Any:
    return UserFactory.create(username="superuser", is_superuser=True, is_staff=True)
