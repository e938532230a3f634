"""Enterprises over the API: the same rows as the enterprise pages, scoped to the caller."""

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from parkchain.api.auth import acting_user
from parkchain.api.errors import ERRORS
from parkchain.enterprises.models import Enterprise
from parkchain.enterprises.selectors import (
    enterprise_by_credit_code,
    enterprise_get,
    enterprise_list,
)

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    unit_id: int  # the enterprise's org unit (observations and submissions refer to it)
    credit_code: str
    name: str
    county_id: int
    county_name: str
    park_id: int | None  # current park
    park_name: str | None
    industry_code: str
    industry_name: str
    size: str
    established_on: dt.date | None
    registered_capital: float | None  # 万元
    land_mu: float  # 亩
    legal_representative: str
    address: str
    is_active: bool

    @staticmethod
    def resolve_unit_id(obj: Enterprise) -> int:
        return obj.org_unit_id

    @staticmethod
    def resolve_county_name(obj: Enterprise) -> str:
        return obj.county.name

    @staticmethod
    def resolve_park_name(obj: Enterprise) -> str | None:
        return obj.park.name if obj.park else None


class EnterpriseFilters(Schema):
    q: str | None = None  # name or credit code
    county: int | None = None  # county org unit id
    park: int | None = None  # park id
    chain: int | None = None  # chain id


@router.get(
    "/enterprises", response={200: list[EnterpriseOut], **ERRORS}, operation_id="enterprise_list"
)
@paginate(PageNumberPagination, page_size=50)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]) -> list[Enterprise]:
    """Enterprises in the caller's scope; filters narrow the list, never widen it."""
    enterprises = enterprise_list(
        user=acting_user(request),
        search=filters.q,
        county_id=filters.county,
        park_id=filters.park,
        chain_id=filters.chain,
    )
    return enterprises  # type: ignore[return-value]


@router.get(
    "/enterprises/by-code/{credit_code}",
    response={200: EnterpriseOut, **ERRORS},
    operation_id="enterprise_by_credit_code",
)
def get_enterprise_by_code(request: HttpRequest, credit_code: str) -> Enterprise:
    """One enterprise by its 统一社会信用代码; 404 when unknown or outside the caller's scope."""
    return enterprise_by_credit_code(user=acting_user(request), credit_code=credit_code)


@router.get(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseOut, **ERRORS},
    operation_id="enterprise_get",
)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    """One enterprise; 404 when it does not exist or is outside the caller's scope."""
    return enterprise_get(user=acting_user(request), pk=enterprise_id)
