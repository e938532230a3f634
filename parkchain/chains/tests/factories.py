"""Factories for industrial chains, their nodes and enterprise links."""

from __future__ import annotations

from factory.declarations import SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from parkchain.chains.models import (
    Chain,
    ChainCategory,
    ChainLink,
    ChainNode,
    LinkRole,
    NodePosition,
)
from parkchain.enterprises.tests.factories import EnterpriseFactory
from parkchain.organisations.tests.factories import CityUnitFactory, DepartmentFactory


class ChainFactory(DjangoModelFactory[Chain]):
    """A chain of ``city`` led by a department of the same city.

    ``key_parks`` and ``cooperating_departments`` take iterables: ``ChainFactory(key_parks=[park])``.
    """

    class Meta:
        model = Chain
        skip_postgeneration_save = True

    city = SubFactory(CityUnitFactory)
    code = Sequence(lambda n: f"chain-{n}")
    name = Sequence(lambda n: f"测试产业链{n}")
    category = ChainCategory.ADVANTAGE
    leader_name = "张三"
    leader_title = "副市长"
    lead_department = SubFactory(DepartmentFactory, city=SelfAttribute("..city"))

    @post_generation
    def key_parks(self, create, extracted, **kwargs):  # extracted: Iterable[Park] | None
        if create and extracted:
            self.key_parks.set(extracted)

    @post_generation
    def cooperating_departments(self, create, extracted, **kwargs):  # Iterable[Department] | None
        if create and extracted:
            self.cooperating_departments.set(extracted)


class ChainNodeFactory(DjangoModelFactory[ChainNode]):
    class Meta:
        model = ChainNode

    chain = SubFactory(ChainFactory)
    parent = None
    name = Sequence(lambda n: f"环节{n}")
    position = NodePosition.MIDSTREAM
    importance = 3
    sort_order = Sequence(lambda n: n % 100)


class ChainLinkFactory(DjangoModelFactory[ChainLink]):
    class Meta:
        model = ChainLink

    enterprise = SubFactory(EnterpriseFactory)
    node = SubFactory(ChainNodeFactory)
    role = LinkRole.SUPPORTING
    main_products = ""
