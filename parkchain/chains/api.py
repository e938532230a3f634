"""Industrial chains over the API, scoped to the caller."""

from django.http import HttpRequest
from ninja import Router, Schema

from parkchain.api.auth import acting_user
from parkchain.api.errors import ERRORS
from parkchain.chains.models import Chain
from parkchain.chains.selectors import chain_table

router = Router(tags=["chains"])


class ChainOut(Schema):
    id: int
    code: str
    name: str
    category: str
    leader_name: str
    lead_department: str
    key_parks: list[str]  # only the key parks the caller may see
    node_count: int
    enterprise_count: int  # enterprises on the chain the caller may see

    @staticmethod
    def resolve_lead_department(obj: Chain) -> str:
        return obj.lead_department.name

    @staticmethod
    def resolve_key_parks(obj: Chain) -> list[str]:
        return [park.name for park in obj.visible_key_parks]  # type: ignore[attr-defined]


@router.get("/chains", response={200: list[ChainOut], **ERRORS}, operation_id="chain_list")
def list_chains(request: HttpRequest) -> list[Chain]:
    """Chains the caller may see (a chain office its own chain; city users their city's chains)."""
    return list(chain_table(user=acting_user(request)))
