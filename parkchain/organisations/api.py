"""Parks over the API: the same rows as the park pages, scoped to the caller."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from parkchain.api.auth import acting_user
from parkchain.api.errors import ERRORS
from parkchain.organisations.models import Park
from parkchain.organisations.selectors import park_get, park_list

router = Router(tags=["parks"])


class ParkOut(Schema):
    id: int
    name: str
    short_name: str
    level: str
    park_type: str
    county_id: int | None
    county_name: str | None
    region_code: str
    leading_industries: list[str]
    featured_industry: str
    planned_area_km2: float | None
    developed_area_km2: float | None
    enterprise_count: int  # current enterprises the caller may see

    @staticmethod
    def resolve_county_id(obj: Park) -> int | None:
        return obj.org_unit.parent_id

    @staticmethod
    def resolve_county_name(obj: Park) -> str | None:
        parent = obj.org_unit.parent
        return parent.name if parent else None

    @staticmethod
    def resolve_region_code(obj: Park) -> str:
        return obj.region.code

    @staticmethod
    def resolve_leading_industries(obj: Park) -> list[str]:
        return obj.leading_industry_list


class ParkFilters(Schema):
    county: int | None = None
    q: str | None = None


@router.get("/parks", response={200: list[ParkOut], **ERRORS}, operation_id="park_list")
@paginate(PageNumberPagination, page_size=50)
def list_parks(request: HttpRequest, filters: Query[ParkFilters]) -> list[Park]:
    """Parks in the caller's scope (county: an org unit id from ``county_id``; q: name search)."""
    parks = park_list(user=acting_user(request), county_id=filters.county, search=filters.q)
    return parks  # type: ignore[return-value]


@router.get("/parks/{park_id}", response={200: ParkOut, **ERRORS}, operation_id="park_get")
def get_park(request: HttpRequest, park_id: int) -> Park:
    """One park; 404 when it does not exist or is outside the caller's scope."""
    return park_get(user=acting_user(request), pk=park_id)
