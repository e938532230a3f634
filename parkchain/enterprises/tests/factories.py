"""Factories for the enterprise registry.

Enterprises are created through ``enterprises.services.enterprise_create`` (actor=None), so
each gets its org unit in the tree and, in a park, its opening ParkMembership. Every default
credit code is a valid 统一社会信用代码 built from the region's GB/T 2260 code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from factory.declarations import LazyAttribute, Maybe, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from parkchain.enterprises import credit_code
from parkchain.enterprises.models import (
    AboveScaleYear,
    Enterprise,
    EnterpriseSize,
    ParkMembership,
    Qualification,
    QualificationKind,
)
from parkchain.enterprises.services import enterprise_create
from parkchain.organisations.tests.factories import CountyUnitFactory, ParkFactory, RegionFactory

DEFAULT_JOINED_ON = dt.date(2020, 1, 1)


def org_body(n: int) -> str:
    """A unique 8-character organisation-code body over the credit-code ALPHABET (base 31)."""
    base = len(credit_code.ALPHABET)
    digits = []
    value = 1_000_003 + n * 7_919_113  # spread out, so codes of one test differ in many places
    for _ in range(8):
        value, rest = divmod(value, base)
        digits.append(credit_code.ALPHABET[rest])
    return "".join(reversed(digits))


class EnterpriseFactory(DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise

    class Params:
        org_body = Sequence(org_body)

    name = Sequence(lambda n: f"测试企业{n}有限公司")
    park = None
    county = Maybe(
        "park",
        yes_declaration=SelfAttribute("park.org_unit.parent"),
        no_declaration=SubFactory(CountyUnitFactory),
    )
    region = SubFactory(RegionFactory)
    credit_code = LazyAttribute(
        lambda o: credit_code.build(region_code=o.region.code, org_body=o.org_body)
    )
    industry_code = "1512"
    industry_name = "白酒制造"
    size = EnterpriseSize.SMALL
    land_mu = LazyAttribute(lambda o: Decimal("30.00"))
    joined_on = LazyAttribute(lambda o: DEFAULT_JOINED_ON if o.park else None)

    @classmethod
    def _build(cls, model_class: type[Enterprise], *args: object, **kwargs: object) -> Enterprise:
        kwargs.pop("joined_on", None)
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class: type[Enterprise], *args: object, **kwargs: object) -> Enterprise:
        return enterprise_create(actor=None, **kwargs)  # type: ignore[arg-type]


class ParkMembershipFactory(DjangoModelFactory[ParkMembership]):
    class Meta:
        model = ParkMembership

    enterprise = SubFactory(EnterpriseFactory)
    park = SubFactory(ParkFactory)
    valid_from = DEFAULT_JOINED_ON
    valid_to = None


class QualificationFactory(DjangoModelFactory[Qualification]):
    class Meta:
        model = Qualification

    enterprise = SubFactory(EnterpriseFactory)
    kind = QualificationKind.HIGH_TECH
    granted_on = dt.date(2024, 12, 1)
    expires_on = LazyAttribute(lambda o: o.granted_on.replace(year=o.granted_on.year + 3))
    certificate_no = Sequence(lambda n: f"GR2024430{n:05d}")


class AboveScaleYearFactory(DjangoModelFactory[AboveScaleYear]):
    class Meta:
        model = AboveScaleYear

    enterprise = SubFactory(EnterpriseFactory)
    year = 2025
    is_above_scale = True
