"""What each persona of the root ``conftest.py`` world may see, written out by hand.

This is the expected side of every scope-leak test (selectors and pages). Rows are named
(enterprise, park, chain, unit names are unique in the world). Links, nodes and the child
rows of enterprises (qualifications, park history, 规上 years) follow from the policy in
``organisations/scopes.py``: a node is visible with its chain, a link when both its chain
and its enterprise are visible, a child row with its enterprise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

PERSONAS = (
    "city_analyst",
    "leader",
    "supervisor",
    "chain_office_user",
    "county_a_user",
    "county_b_user",
    "park_a1_user",
    "department_user",
    "tax_department_user",
    "enterprise_user",
    "no_membership_user",
    "superuser",
)
"""Every persona fixture name, for ``pytest.mark.parametrize("persona", PERSONAS)``."""

# org units
CITY = "湘西州"
COUNTY_A = "吉首市"
COUNTY_B = "花垣县"
OTHER_CITY = "张家界市"
OTHER_COUNTY = "永定区"
# parks
PARK_A1 = "吉首经济开发区"
PARK_B1 = "花垣工业集中区"
PARK_OTHER = "张家界高新技术产业开发区"
# enterprises
E_A1 = "湘泉酿酒有限公司"  # park A1, chain X; enterprise_user's own
E_A1_SECOND = "峒河新材料有限公司"  # park A1, on no chain
E_A_DIRECT = "乾州食品有限公司"  # county A outside parks
E_B1 = "边城供应链有限公司"  # park B1, chains X and Y
E_MOVED = "矮寨锌业有限公司"  # park A1 → park B1 on 2025-07-01, chain Y
E_OTHER = "天门山莓茶有限公司"  # the other city, chain Z
# chains
CHAIN_X = "白酒产业链"
CHAIN_Y = "锰锌新材料产业链"
CHAIN_Z = "莓茶产业链"
# departments
TAX = "湘西州税务局"
INDUSTRY = "湘西州工业和信息化局"
REFORM = "湘西州发展和改革委员会"
OTHER_DEPARTMENT = "张家界市工业和信息化局"
# regions (GB/T 2260)
REGIONS = frozenset({"433100", "433101", "433124", "430800", "430802"})

ENTERPRISES = frozenset({E_A1, E_A1_SECOND, E_A_DIRECT, E_B1, E_MOVED, E_OTHER})
PARKS = frozenset({PARK_A1, PARK_B1, PARK_OTHER})
CHAINS = frozenset({CHAIN_X, CHAIN_Y, CHAIN_Z})
DEPARTMENTS = frozenset({TAX, INDUSTRY, REFORM, OTHER_DEPARTMENT})
# the department directory is public only inside the user's own city
CITY_DEPARTMENTS = DEPARTMENTS - {OTHER_DEPARTMENT}

CITY_ENTERPRISES = ENTERPRISES - {E_OTHER}
CITY_UNITS = frozenset({CITY, COUNTY_A, COUNTY_B, PARK_A1, PARK_B1}) | CITY_ENTERPRISES
ALL_UNITS = CITY_UNITS | {OTHER_CITY, OTHER_COUNTY, PARK_OTHER, E_OTHER}

# facts of the world the expectations are derived from
PARK_SHORT_NAME = {PARK_A1: "吉首经开区", PARK_B1: "花垣工业区", PARK_OTHER: "张家界高新区"}
PARK_COUNTY = {PARK_A1: COUNTY_A, PARK_B1: COUNTY_B, PARK_OTHER: OTHER_COUNTY}
ENTERPRISE_COUNTY = {
    E_A1: COUNTY_A,
    E_A1_SECOND: COUNTY_A,
    E_A_DIRECT: COUNTY_A,
    E_B1: COUNTY_B,
    E_MOVED: COUNTY_B,
    E_OTHER: OTHER_COUNTY,
}
ENTERPRISE_PARK: dict[str, str | None] = {
    E_A1: PARK_A1,
    E_A1_SECOND: PARK_A1,
    E_A_DIRECT: None,
    E_B1: PARK_B1,
    E_MOVED: PARK_B1,
    E_OTHER: PARK_OTHER,
}
ENTERPRISE_PARKS_EVER = {name: {park} if park else set() for name, park in ENTERPRISE_PARK.items()}
ENTERPRISE_PARKS_EVER[E_MOVED] = {PARK_A1, PARK_B1}
CHAIN_KEY_PARKS = {CHAIN_X: {PARK_A1}, CHAIN_Y: {PARK_B1}, CHAIN_Z: {PARK_OTHER}}
CHAIN_ENTERPRISES = {CHAIN_X: {E_A1, E_B1}, CHAIN_Y: {E_B1, E_MOVED}, CHAIN_Z: {E_OTHER}}
ROLES = {
    "city_analyst": {"city_admin"},
    "leader": {"leader"},
    "supervisor": {"supervisor"},
    "chain_office_user": {"chain_office"},
    "county_a_user": {"county"},
    "county_b_user": {"county"},
    "park_a1_user": {"park"},
    "department_user": {"department"},
    "tax_department_user": {"department"},
    "enterprise_user": {"enterprise"},
    "no_membership_user": set(),
    "superuser": set(),
}

AS_OF_BEFORE_MOVE = "2025-01-01"
AS_OF_AFTER_MOVE = "2026-01-01"


@dataclass(frozen=True)
class Visible:
    """The rows one persona may read."""

    org_units: frozenset[str]
    parks: frozenset[str]
    counties: frozenset[str]  # county_list: visible counties + counties of visible parks
    enterprises: frozenset[str]  # now (current park / registered county)
    enterprises_before_move: frozenset[str]  # as of 2025-01-01, when 矮寨锌业 was in park A1
    chains: frozenset[str]
    regions: frozenset[str]
    departments: frozenset[str]
    roles: frozenset[str] = frozenset()  # filled in from ROLES below
    everything: bool = False


def _f(*names: str) -> frozenset[str]:
    return frozenset(names)


NOTHING = Visible(_f(), _f(), _f(), _f(), _f(), _f(), _f(), _f())

_CITY_READER = Visible(
    org_units=CITY_UNITS,
    parks=_f(PARK_A1, PARK_B1),
    counties=_f(COUNTY_A, COUNTY_B),
    enterprises=CITY_ENTERPRISES,
    enterprises_before_move=CITY_ENTERPRISES,
    chains=_f(CHAIN_X, CHAIN_Y),
    regions=REGIONS,
    departments=CITY_DEPARTMENTS,
)

VISIBLE: dict[str, Visible] = {
    # 市专班, 链长 and 督查 read the whole city (only the task force writes).
    "city_analyst": _CITY_READER,
    "leader": _CITY_READER,
    "supervisor": _CITY_READER,
    # 链办 of chain X: its chain, the enterprises on it (in any county), its key park A1.
    "chain_office_user": Visible(
        org_units=_f(),
        parks=_f(PARK_A1),
        counties=_f(COUNTY_A),
        enterprises=_f(E_A1, E_B1),
        enterprises_before_move=_f(E_A1, E_B1),
        chains=_f(CHAIN_X),
        regions=REGIONS,
        departments=CITY_DEPARTMENTS,
    ),
    # County A: its subtree; the moved enterprise only for periods before the move.
    "county_a_user": Visible(
        org_units=_f(COUNTY_A, PARK_A1, E_A1, E_A1_SECOND, E_A_DIRECT),
        parks=_f(PARK_A1),
        counties=_f(COUNTY_A),
        enterprises=_f(E_A1, E_A1_SECOND, E_A_DIRECT),
        enterprises_before_move=_f(E_A1, E_A1_SECOND, E_A_DIRECT, E_MOVED),
        chains=_f(CHAIN_X, CHAIN_Y),
        regions=REGIONS,
        departments=CITY_DEPARTMENTS,
    ),
    # County B, the outsider: the reverse.
    "county_b_user": Visible(
        org_units=_f(COUNTY_B, PARK_B1, E_B1, E_MOVED),
        parks=_f(PARK_B1),
        counties=_f(COUNTY_B),
        enterprises=_f(E_B1, E_MOVED),
        enterprises_before_move=_f(E_B1),
        chains=_f(CHAIN_X, CHAIN_Y),
        regions=REGIONS,
        departments=CITY_DEPARTMENTS,
    ),
    "park_a1_user": Visible(
        org_units=_f(PARK_A1, E_A1, E_A1_SECOND),
        parks=_f(PARK_A1),
        counties=_f(COUNTY_A),
        enterprises=_f(E_A1, E_A1_SECOND),
        enterprises_before_move=_f(E_A1, E_A1_SECOND, E_MOVED),
        chains=_f(CHAIN_X, CHAIN_Y),
        regions=REGIONS,
        departments=CITY_DEPARTMENTS,
    ),
    # 工信局 (plain) leads chain X: the chain and its nodes, no enterprise.
    "department_user": Visible(
        org_units=_f(),
        parks=_f(),
        counties=_f(),
        enterprises=_f(),
        enterprises_before_move=_f(),
        chains=_f(CHAIN_X),
        regions=REGIONS,
        departments=CITY_DEPARTMENTS,
    ),
    # 税务局 supplies data: the city's parks and enterprises; cooperates on chain Y.
    "tax_department_user": Visible(
        org_units=CITY_UNITS,
        parks=_f(PARK_A1, PARK_B1),
        counties=_f(COUNTY_A, COUNTY_B),
        enterprises=CITY_ENTERPRISES,
        enterprises_before_move=CITY_ENTERPRISES,
        chains=_f(CHAIN_Y),
        regions=REGIONS,
        departments=CITY_DEPARTMENTS,
    ),
    # 湘泉酿酒's statistician: his own record and the chain it is on.
    "enterprise_user": Visible(
        org_units=_f(E_A1),
        parks=_f(),
        counties=_f(),
        enterprises=_f(E_A1),
        enterprises_before_move=_f(E_A1),
        chains=_f(CHAIN_X),
        regions=REGIONS,
        departments=CITY_DEPARTMENTS,
    ),
    "no_membership_user": NOTHING,
    "superuser": Visible(
        everything=True,
        org_units=ALL_UNITS,
        parks=PARKS,
        counties=_f(COUNTY_A, COUNTY_B, OTHER_COUNTY),
        enterprises=ENTERPRISES,
        enterprises_before_move=ENTERPRISES,
        chains=CHAINS,
        regions=REGIONS,
        departments=DEPARTMENTS,
    ),
}

assert set(VISIBLE) == set(PERSONAS) == set(ROLES), "every persona needs a row in VISIBLE"
VISIBLE = {persona: replace(v, roles=frozenset(ROLES[persona])) for persona, v in VISIBLE.items()}


def allowed_parks(v: Visible) -> set[str]:
    """Parks whose names a persona may read: his parks, and the current park of each enterprise he sees."""
    current = {ENTERPRISE_PARK[e] for e in v.enterprises}
    return set(v.parks) | {p for p in current if p is not None}


def forbidden_strings(v: Visible, *, extra_parks: Iterable[str] = ()) -> dict[str, str]:
    """Every text that must not appear for this persona, mapped to what it names.

    Names and credit codes of enterprises outside the scope, names and short names of parks he may
    not read (``extra_parks`` adds parks a page legitimately names, e.g. an enterprise's former
    park on its own detail page), and names of chains outside the scope.
    """
    found: dict[str, str] = {}
    for name in ENTERPRISES - v.enterprises:
        found[name] = name
    parks_ok = allowed_parks(v) | set(extra_parks)
    for park in PARKS - parks_ok:
        found[park] = park
        found[PARK_SHORT_NAME[park]] = park
    for chain in CHAINS - v.chains:
        found[chain] = chain
    return found
