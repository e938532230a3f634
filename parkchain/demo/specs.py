"""Plain, immutable shapes of the demo reference data (no Django, no randomness).

``city.py`` (湘西州), ``province.py`` (湖南省) and ``chain_trees.py`` fill these; ``generator.py``
turns them into rows. A *mix* is a tuple of ``(sector, weight)`` pairs where a sector is a chain
tree key (``"baijiu"``), ``"general"`` (industry on no chain) or ``"service"`` (non-industrial).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

Mix = tuple[tuple[str, float], ...]
Industry = tuple[str, str]  # (GB/T 4754-2017 code, name)

GENERAL = "general"
SERVICE = "service"


@dataclass(frozen=True)
class Node:
    """A chain node. Top-level nodes are segments and carry the position (up/mid/down).

    Leaves carry what the generator needs to place enterprises on them: the industry, the words
    used in company names, typical products and a ``weight`` (how common local firms are there;
    0 marks a missing node — 缺链 — that the investment map should show as a gap).
    """

    name: str
    importance: int = 3
    children: tuple[Node, ...] = ()
    position: str = ""
    industry: Industry | None = None
    words: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    weight: float = 1.0
    description: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class ChainTree:
    key: str
    name: str
    segments: tuple[Node, ...]
    description: str = ""
    province_name: str = ""  # name used by other cities (the 湘西 chains have local names)


@dataclass(frozen=True)
class CountySpec:
    """A county-level unit. ``weight`` is its share of the city's enterprises."""

    code: str
    name: str
    short: str
    weight: float
    mix: Mix
    towns: tuple[str, ...] = ()
    park_share: float = 0.7  # share of its enterprises inside parks (when it has parks)
    is_zone: bool = False  # a functional zone (开发区) managed as a county-level unit
    has_region_code: bool = True  # False: ``code`` is made up (zones have no GB/T 2260 code)


@dataclass(frozen=True)
class ParkSpec:
    name: str
    short_name: str
    county_code: str
    level: str  # ParkLevel value
    park_type: str  # ParkType value
    leading: str
    featured: str
    approved_on: dt.date
    planned_km2: float
    developed_km2: float
    built_mu: float
    supplied_mu: float
    factory_m2: float
    has_company: bool
    mix: Mix
    weight: float = 1.0  # share of the county's in-park enterprises
    address: str = ""


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    short_name: str
    supplies_data: bool = False


@dataclass(frozen=True)
class AnchorSpec:
    """A hand-written enterprise (a chain master or another flagship)."""

    name: str
    county_code: str
    parks: tuple[str, ...]  # preferred parks, first existing one wins; () = outside parks
    chain_key: str
    leaf: str
    size: str
    land_mu: float
    capital: float
    established: dt.date
    products: str
    listed_on: dt.date | None = None
    stock_code: str = ""
    high_tech: bool = False
    specialised: bool = False
    little_giant: bool = False
    champion: bool = False


@dataclass(frozen=True)
class ChainSpec:
    code: str
    tree: str
    name: str
    category: str
    leader_name: str
    leader_title: str
    lead_department: str  # short name
    cooperating: tuple[str, ...]
    key_parks: tuple[str, ...]
    description: str
    master: AnchorSpec | None = None


@dataclass(frozen=True)
class CitySpec:
    code: str
    name: str
    short: str
    block: str
    counties: tuple[CountySpec, ...]
    parks: tuple[ParkSpec, ...]
    departments: tuple[DepartmentSpec, ...]
    chains: tuple[ChainSpec, ...]
    enterprises: int
    brands: tuple[str, ...] = ()  # local 字号 (place and landscape names)
    name_prefixes: tuple[str, ...] = ()  # city-wide company-name prefixes (湘西, 湖南…)
    size_boost: float = 1.0  # >1: more medium and large enterprises (richer cities)
    department_prefix: str = ""  # 州 / 市 in short department names
