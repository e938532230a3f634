"""The deterministic demo-data builder behind ``manage.py seed_demo``.

Rules the data keeps (the tests check them):

* Same seed and scale → the same rows (names, credit codes, dates, figures). Randomness comes
  only from ``random.Random`` seeded per city (``parkchain-demo:<seed>:<city code>``), never from
  the global generator or the clock; every date is fixed relative to 2026 (data "as of" AS_OF).
  Only primary keys and ``created_at``/``updated_at`` differ between runs.
* Every OrgUnit path is ``<parent path><own id>/``: units are bulk-inserted level by level, then
  one UPDATE per parent sets their paths (``org_unit_create`` does the same per row).
* An enterprise in a park has exactly one open ParkMembership for that park; an enterprise that
  moved park keeps its closed membership of the old park (history) and sits under the new park.
* A poor mountainous prefecture: mostly micro and small enterprises, few large ones; 规上
  (above designated size) about 12–15 %, with 新增入规 entrants in later years and a few
  drop-outs; qualifications with realistic validity (高企 3 years, 科技型中小企业 1 year…).

Writes use ``bulk_create`` throughout (50,000 enterprises at province scale). History rows
(django-simple-history) are written with ``bulk_history_create`` for every demo model, dated
HISTORY_DATE, unless ``history=False`` (``--no-history``); chain m2m history is not recorded.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import CharField, Max, Model, Value
from django.db.models.functions import Cast, Concat
from django.test.utils import override_settings

from parkchain.chains.models import Chain, ChainLink, ChainNode, LinkRole
from parkchain.demo import city as xiangxi_city
from parkchain.demo import province as hunan
from parkchain.demo.chain_trees import TREES
from parkchain.demo.observations import (
    FIRST_MONTHLY_YEAR,
    FirmFacts,
    ObservationSummary,
    ParkFacts,
    observations_seed,
)
from parkchain.demo.specs import (
    GENERAL,
    SERVICE,
    AnchorSpec,
    CitySpec,
    CountySpec,
    Industry,
    Node,
    ParkSpec,
)
from parkchain.demo.users import DEMO_USERS, demo_users_create
from parkchain.demo.words import (
    BRAND_FIRST,
    BRAND_SECOND,
    COMPANY_SUFFIXES,
    FAMOUS_BRANDS,
    GENERAL_INDUSTRIES,
    GIVEN,
    ROADS,
    SERVICE_INDUSTRIES,
    SURNAMES,
)
from parkchain.enterprises import credit_code
from parkchain.enterprises.models import (
    AboveScaleYear,
    Enterprise,
    EnterpriseSize,
    ParkMembership,
    Qualification,
    QualificationKind,
)
from parkchain.indicators.models import (
    ImportBatch,
    Observation,
    ObservationRevision,
    PeriodUnlock,
    Submission,
)
from parkchain.organisations.models import (
    Department,
    Membership,
    OrgUnit,
    OrgUnitKind,
    Park,
    ParkType,
    Region,
    RegionLevel,
)

SCALES = ("county", "city", "province")
AS_OF = dt.date(2026, 10, 31)  # the demo's "today": data for 2026年1-10月
FIRST_YEAR, LAST_YEAR = 2021, 2026  # 规上 rows
HISTORY_DATE = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
HISTORY_REASON = "演示数据"
LATEST_ESTABLISHED = dt.date(2026, 9, 30)

ORG_BODY_CHARS = credit_code.ALPHABET  # the organisation body uses the credit-code alphabet only
SIZE_RANK = {"micro": 0, "small": 1, "medium": 2, "large": 3}
# Five years at every scale (issue #3); `--observations-from` shortens it (province: ~6M rows, a few minutes).
OBSERVATIONS_FROM = {
    "county": FIRST_MONTHLY_YEAR,
    "city": FIRST_MONTHLY_YEAR,
    "province": FIRST_MONTHLY_YEAR,
}

Log = Callable[[str], Any]
M = TypeVar("M", bound=Model)


@dataclass
class DemoSummary:
    scale: str
    seed: int
    cities: int = 0
    counties: int = 0
    parks: int = 0
    departments: int = 0
    chains: int = 0
    nodes: int = 0
    enterprises: int = 0
    in_parks: int = 0
    moved: int = 0
    memberships: int = 0
    qualifications: int = 0
    above_scale_rows: int = 0
    above_scale_now: int = 0
    links: int = 0
    users: int = 0
    seconds: float = 0.0
    reported: ObservationSummary | None = None

    def lines(self) -> list[str]:
        reported = (
            [self.reported.line()] if self.reported else ["no reported data (--no-observations)"]
        )
        return [
            f"scale={self.scale} seed={self.seed}: {self.cities} cities, {self.counties} county-level units, "
            f"{self.parks} parks, {self.departments} departments",
            f"{self.chains} chains with {self.nodes} nodes; {self.links} enterprise links",
            f"{self.enterprises} enterprises ({self.in_parks} in parks, {self.moved} moved park), "
            f"{self.memberships} park memberships",
            f"{self.qualifications} qualifications; {self.above_scale_rows} 规上 rows, "
            f"{self.above_scale_now} above scale in {LAST_YEAR}",
            *reported,
            f"{self.users} demo users; {self.seconds:.1f} s",
        ]


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def demo_data_exists() -> bool:
    return Enterprise.objects.exists()


def demo_flush(*, log: Log | None = None) -> None:
    """Delete the demo data: every organisation unit, region, park, department, chain, enterprise
    (with memberships, qualifications, 规上 rows, links), their history, and the demo users.

    The demo database holds nothing else; rows of other apps that point at these cascade or,
    when protected, stop the flush (ProtectedError) rather than being silently orphaned.
    """
    started = time.perf_counter()
    user_model = get_user_model()
    with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
        # reported data first: it protects the units and the users it points at
        for reported in (ObservationRevision, Observation, Submission, ImportBatch, PeriodUnlock):
            _delete_all(reported)
        Submission.history.all().delete()
        PeriodUnlock.history.all().delete()
        Membership.objects.all().delete()
        user_model.objects.filter(username__in=[u.username for u in DEMO_USERS]).delete()
        ChainLink.objects.all().delete()
        Chain.objects.all().delete()  # cascades to the node trees
        for model in (ParkMembership, Qualification, AboveScaleYear):
            model.objects.all().delete()
        Enterprise.objects.all().delete()
        Department.objects.all().delete()
        Park.objects.all().delete()
        for level in (RegionLevel.COUNTY, RegionLevel.PREFECTURE, RegionLevel.PROVINCE):
            Region.objects.filter(level=level).delete()
        deepest = OrgUnit.objects.aggregate(deepest=Max("depth"))["deepest"]
        for depth in range(deepest or 0, -1, -1):
            OrgUnit.objects.filter(depth=depth).delete()
        for history_of in _HISTORY_MODELS:
            history_of.history.all().delete()  # type: ignore[attr-defined]
    if log:
        log(f"Flushed the demo data in {time.perf_counter() - started:.1f} s.")


def _delete_all(model: type[Model]) -> None:
    """One DELETE for every row of ``model`` (no per-row signals: 100,000s of observations)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def demo_seed(
    *,
    scale: str,
    seed: int,
    history: bool = True,
    observations: bool = True,
    observations_from: int | None = None,
    log: Log | None = None,
) -> DemoSummary:
    """Build the demo data for ``scale`` (county, city or province) from ``seed`` into an empty database.

    ``observations``: also the reported data (monthly from ``observations_from``, default
    OBSERVATIONS_FROM of the scale: five years) and submissions.
    """
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}; use one of {', '.join(SCALES)}.")
    builder = _Builder(
        scale=scale,
        seed=seed,
        history=history,
        log=log,
        observations_from=(observations_from or OBSERVATIONS_FROM[scale]) if observations else None,
    )
    with transaction.atomic():
        return builder.build()


# ---------------------------------------------------------------------------------------------
# In-memory shapes while building
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Park:
    spec: ParkSpec
    unit: OrgUnit
    county: _County
    row: Park | None = None

    @property
    def park(self) -> Park:
        return _written(self.row)


@dataclass(eq=False)
class _County:
    spec: CountySpec
    unit: OrgUnit
    region_row: Region | None = None
    parks: list[_Park] = field(default_factory=list)

    @property
    def region(self) -> Region:
        return _written(self.region_row)

    @property
    def region_code(self) -> str:
        return self.spec.code


@dataclass(eq=False)
class _Leaf:
    tree_key: str
    spec: Node
    node: ChainNode
    position: str


@dataclass(eq=False)
class _City:
    spec: CitySpec
    unit: OrgUnit
    rng: random.Random
    region: Region | None = None
    counties: list[_County] = field(default_factory=list)
    parks: dict[str, _Park] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    chains: dict[str, Chain] = field(default_factory=dict)  # by tree key
    leaves: dict[str, list[_Leaf]] = field(default_factory=dict)  # by tree key
    serial: int = 0

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial


@dataclass(eq=False)
class _Firm:
    name: str
    credit_code: str
    home: _County  # registered county: region and credit code
    county: _County  # current county (the park's, after a move)
    park: _Park | None
    industry: Industry
    size: str
    established: dt.date
    capital: float
    land: float
    legal: str
    address: str
    leaf: _Leaf | None
    products: str
    anchor: AnchorSpec | None = None
    is_master: bool = False
    joined: dt.date | None = None
    old_park: _Park | None = None
    moved_on: dt.date | None = None
    above: dict[int, bool] = field(default_factory=dict)
    links: list[tuple[_Leaf, str, str]] = field(default_factory=list)
    quals: list[tuple[str, dt.date, dt.date | None, str]] = field(default_factory=list)

    @property
    def division(self) -> int:
        return int(self.industry[0][:2])

    @property
    def is_industrial(self) -> bool:
        return 6 <= self.division <= 46  # GB/T 4754 B–D: 采矿业, 制造业, 电力热力燃气水


# ---------------------------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------------------------


class _Builder:
    def __init__(
        self,
        *,
        scale: str,
        seed: int,
        history: bool,
        log: Log | None,
        observations_from: int | None = None,
    ) -> None:
        self.observations_from = observations_from
        self.scale = scale
        self.seed = seed
        self.history = history
        self.log = log or (lambda message: None)
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.summary = DemoSummary(scale=scale, seed=seed)
        self.created: dict[type[Model], list[Model]] = {}
        self._clock = time.perf_counter()

    # -- orchestration -----------------------------------------------------------------------

    def build(self) -> DemoSummary:
        started = time.perf_counter()
        specs = (
            hunan.hunan(seed=self.seed)
            if self.scale == "province"
            else [xiangxi_city.xiangxi(scale=self.scale)]
        )
        province_unit, province_region = (
            self._province() if self.scale == "province" else (None, None)
        )
        cities = self._skeleton(specs, province_unit, province_region)
        self._step("skeleton (units, regions, parks, departments)")
        for c in cities:
            self._chains(c)
        self._step("chains and node trees")
        firms: list[_Firm] = []
        for c in cities:
            firms.extend(self._firms(c))
        self._step(f"{len(firms)} enterprises generated")
        enterprises = self._write_firms(firms)
        self._step("enterprises written")
        if self.observations_from is not None:
            self.summary.reported = observations_seed(
                firms=[_facts(f, e) for f, e in zip(firms, enterprises, strict=True)],
                parks=[_park_facts(p) for c in cities for p in c.parks.values()],
                seed=self.seed,
                first_year=self.observations_from,
            )
            self._step("reported data (observations, submissions)")
        if self.history:
            self._write_history()
            self._step("history rows")
        users = demo_users_create(city_code=xiangxi_city.CITY_CODE)
        self.summary.users = len(users)
        if self.observations_from is not None:
            _demo_unlocks()
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _step(self, what: str) -> None:
        now = time.perf_counter()
        self.log(f"  {what}: {now - self._clock:.1f} s")
        self._clock = now

    def _bulk(self, model: type[M], objs: Sequence[M]) -> list[M]:
        created = model._default_manager.bulk_create(objs, batch_size=2000)
        self.created.setdefault(model, []).extend(created)
        return created

    def _units(self, units: list[OrgUnit]) -> list[OrgUnit]:
        """Insert one level of units (parents already saved), then give each its materialised path.

        The path is ``<parent path><own id>/`` as ``org_unit_create`` writes it. Instead of a
        ``bulk_update`` (a CASE over every row: 18 s for 50,000 units on SQLite) one UPDATE per
        parent sets ``path = parent path || id || '/'`` for its new children, on SQLite and PostgreSQL.
        """
        self._bulk(OrgUnit, units)
        parents: dict[int | None, str] = {}
        for unit in units:
            parent_path = unit.parent.path if unit.parent is not None else "/"
            unit.path = f"{parent_path}{unit.pk}/"
            parents[unit.parent_id] = parent_path
        for parent_id, parent_path in parents.items():
            OrgUnit.objects.filter(parent_id=parent_id, path="").update(
                path=Concat(Value(parent_path), Cast("id", CharField()), Value("/"))
            )
        return units

    def _write_history(self) -> None:
        for model, objs in self.created.items():
            model.history.bulk_history_create(  # type: ignore[attr-defined]
                objs,
                batch_size=2000,
                default_date=HISTORY_DATE,
                default_change_reason=HISTORY_REASON,
            )

    # -- skeleton: org tree, regions, departments, parks ---------------------------------------

    def _province(self) -> tuple[OrgUnit, Region]:
        (unit,) = self._units(
            [
                OrgUnit(
                    name=hunan.PROVINCE_NAME,
                    kind=OrgUnitKind.PROVINCE,
                    parent=None,
                    depth=0,
                    code=hunan.PROVINCE_CODE,
                )
            ]
        )
        (region,) = self._bulk(
            Region,
            [
                Region(
                    code=hunan.PROVINCE_CODE,
                    name=hunan.PROVINCE_NAME,
                    level=RegionLevel.PROVINCE,
                    org_unit=unit,
                )
            ],
        )
        return unit, region

    def _skeleton(
        self,
        specs: list[CitySpec],
        province_unit: OrgUnit | None,
        province_region: Region | None,
    ) -> list[_City]:
        base_depth = 1 if province_unit is not None else 0
        cities = [
            _City(
                spec=spec,
                unit=OrgUnit(
                    name=spec.name,
                    kind=OrgUnitKind.CITY,
                    parent=province_unit,
                    depth=base_depth,
                    code=spec.code,
                ),
                rng=random.Random(f"parkchain-demo:{self.seed}:{spec.code}"),
            )
            for spec in specs
        ]
        self._units([c.unit for c in cities])
        for c in cities:
            c.counties = [
                _County(
                    spec=county,
                    unit=OrgUnit(
                        name=county.name,
                        kind=OrgUnitKind.COUNTY,
                        parent=c.unit,
                        depth=base_depth + 1,
                        code=county.code,
                    ),
                )
                for county in c.spec.counties
            ]
        self._units([county.unit for c in cities for county in c.counties])
        for c in cities:
            by_code = {county.spec.code: county for county in c.counties}
            for spec in c.spec.parks:
                if spec.name in c.parks:
                    raise ValueError(f"Two demo parks are named {spec.name}.")
                county = by_code[spec.county_code]
                park = _Park(
                    spec=spec,
                    unit=OrgUnit(
                        name=spec.name,
                        kind=OrgUnitKind.PARK,
                        parent=county.unit,
                        depth=base_depth + 2,
                    ),
                    county=county,
                )
                county.parks.append(park)
                c.parks[spec.name] = park
        self._units([park.unit for c in cities for park in c.parks.values()])
        # Regions: city, then counties (the made-up zone code is kept for the zone's own row).
        city_regions = self._bulk(
            Region,
            [
                Region(
                    code=c.spec.code,
                    name=c.spec.name,
                    level=RegionLevel.PREFECTURE,
                    parent=province_region,
                    org_unit=c.unit,
                )
                for c in cities
            ],
        )
        for c, region in zip(cities, city_regions, strict=True):
            c.region = region
        counties = [county for c in cities for county in c.counties]
        county_regions = self._bulk(
            Region,
            [
                Region(
                    code=county.spec.code,
                    name=county.spec.name,
                    level=RegionLevel.COUNTY,
                    parent=c.region,
                    org_unit=county.unit,
                )
                for c in cities
                for county in c.counties
            ],
        )
        for county, region in zip(counties, county_regions, strict=True):
            county.region_row = region
        departments = self._bulk(
            Department,
            [
                Department(
                    name=d.name,
                    short_name=d.short_name,
                    city=c.unit,
                    supplies_enterprise_data=d.supplies_data,
                )
                for c in cities
                for d in c.spec.departments
            ],
        )
        it = iter(departments)
        for c in cities:
            for _d in c.spec.departments:
                dept = next(it)
                c.departments[dept.short_name] = dept
        parks = [park for c in cities for park in c.parks.values()]
        rows = self._bulk(Park, [self._park_row(c, p) for c in cities for p in c.parks.values()])
        for park, row in zip(parks, rows, strict=True):
            park.row = row
        self.summary.cities = len(cities)
        self.summary.counties = len(counties)
        self.summary.parks = len(parks)
        self.summary.departments = len(departments)
        return cities

    def _park_row(self, c: _City, p: _Park) -> Park:
        s = p.spec
        return Park(
            org_unit=p.unit,
            name=s.name,
            short_name=s.short_name,
            level=s.level,
            park_type=s.park_type,
            block=c.spec.block,
            region=p.county.region,
            leading_industries=s.leading,
            featured_industry=s.featured,
            approved_on=s.approved_on,
            planned_area_km2=_dec(s.planned_km2, "0.01"),
            developed_area_km2=_dec(s.developed_km2, "0.01"),
            built_industrial_area_mu=_dec(s.built_mu, "0.1"),
            supplied_industrial_area_mu=_dec(s.supplied_mu, "0.1"),
            standard_factory_area_m2=_dec(s.factory_m2, "1"),
            has_management_company=s.has_company,
            address=s.address,
        )

    # -- chains ------------------------------------------------------------------------------

    def _chains(self, c: _City) -> None:
        chains: list[Chain] = []
        for order, spec in enumerate(c.spec.chains):
            chains.append(
                Chain(
                    city=c.unit,
                    code=spec.code,
                    name=spec.name,
                    category=spec.category,
                    leader_name=spec.leader_name,
                    leader_title=spec.leader_title,
                    lead_department=c.departments[spec.lead_department],
                    description=spec.description,
                    sort_order=(order + 1) * 10,
                )
            )
        self._bulk(Chain, chains)
        cooperating = Chain.cooperating_departments.through
        key_parks = Chain.key_parks.through
        cooperating.objects.bulk_create(
            [
                cooperating(chain_id=chain.pk, department_id=c.departments[short].pk)
                for chain, spec in zip(chains, c.spec.chains, strict=True)
                for short in spec.cooperating
                if short in c.departments
            ]
        )
        key_parks.objects.bulk_create(
            [
                key_parks(chain_id=chain.pk, park_id=c.parks[name].park.pk)
                for chain, spec in zip(chains, c.spec.chains, strict=True)
                for name in spec.key_parks
                if name in c.parks
            ]
        )
        # Node trees, one level at a time (parents need their primary keys first).
        level: list[tuple[Chain, Node, ChainNode | None, str, int]] = []
        for chain, spec in zip(chains, c.spec.chains, strict=True):
            c.chains[spec.tree] = chain
            c.leaves[spec.tree] = []
            level.extend(
                (chain, segment, None, segment.position, order)
                for order, segment in enumerate(TREES[spec.tree].segments)
            )
        tree_of = {chain.pk: spec.tree for chain, spec in zip(chains, c.spec.chains, strict=True)}
        while level:
            rows = [
                ChainNode(
                    chain=chain,
                    parent=parent,
                    name=node.name,
                    position=position,
                    importance=node.importance,
                    sort_order=(order + 1) * 10,
                    description=node.description or "、".join(node.products)[:300],
                )
                for chain, node, parent, position, order in level
            ]
            self._bulk(ChainNode, rows)
            self.summary.nodes += len(rows)
            following: list[tuple[Chain, Node, ChainNode | None, str, int]] = []
            for (chain, node, _parent, position, _order), row in zip(level, rows, strict=True):
                if node.is_leaf:
                    c.leaves[tree_of[chain.pk]].append(
                        _Leaf(tree_key=tree_of[chain.pk], spec=node, node=row, position=position)
                    )
                following.extend(
                    (chain, child, row, position, order)
                    for order, child in enumerate(node.children)
                )
            level = following
        self.summary.chains += len(chains)

    # -- enterprises (pure Python, driven by the city's rng) ----------------------------------

    def _firms(self, c: _City) -> list[_Firm]:
        rng = c.rng
        by_code = {county.spec.code: county for county in c.counties}
        firms: list[_Firm] = []
        for chain_spec in c.spec.chains:
            anchor = chain_spec.master
            if anchor is not None and anchor.county_code in by_code:
                firms.append(self._anchor(c, by_code[anchor.county_code], anchor))
        weights = [county.spec.weight for county in c.counties]
        for _ in range(c.spec.enterprises - len(firms)):
            county = rng.choices(c.counties, weights=weights)[0]
            park = None
            if county.parks and rng.random() < county.spec.park_share:
                park = rng.choices(county.parks, weights=[p.spec.weight for p in county.parks])[0]
            firms.append(self._random_firm(c, county, park))
        self._pick_masters(c, firms)
        self._moves(c, firms)
        for firm in firms:
            self._qualify(c, firm)
            self._above_scale(c, firm)
            self._link(c, firm)
        return firms

    def _anchor(self, c: _City, county: _County, a: AnchorSpec) -> _Firm:
        rng = c.rng
        park = next((c.parks[name] for name in a.parks if name in c.parks), None)
        if park is not None and park.county is not county:
            park = next((p for p in county.parks), None)
        leaf = next(lf for lf in c.leaves[a.chain_key] if lf.spec.name == a.leaf)
        self.names.add(a.name)
        firm = _Firm(
            name=a.name,
            credit_code=self._credit_code(rng, county.region_code, a.established),
            home=county,
            county=county,
            park=park,
            industry=_written(leaf.spec.industry),
            size=a.size,
            established=a.established,
            capital=a.capital,
            land=a.land_mu,
            legal=self._person(rng),
            address=self._address(rng, c, county, park),
            leaf=leaf,
            products=a.products,
            anchor=a,
            is_master=True,
        )
        firm.joined = self._joined(rng, firm)
        return firm

    def _random_firm(self, c: _City, county: _County, park: _Park | None) -> _Firm:
        rng = c.rng
        mix = [
            (sector, weight)
            for sector, weight in (park.spec.mix if park else county.spec.mix)
            if sector in (GENERAL, SERVICE) or c.leaves.get(sector)
        ]
        sector = rng.choices([s for s, _ in mix], weights=[w for _, w in mix])[0]
        leaf: _Leaf | None = None
        if sector in (GENERAL, SERVICE):
            table = GENERAL_INDUSTRIES if sector == GENERAL else SERVICE_INDUSTRIES
            industry, words, _w = rng.choices(table, weights=[row[2] for row in table])[0]
            products = ""
        else:
            candidates = [lf for lf in c.leaves[sector] if lf.spec.weight > 0]
            leaf = rng.choices(candidates, weights=[lf.spec.weight for lf in candidates])[0]
            industry, words = _written(leaf.spec.industry), leaf.spec.words
            products = _products(rng, leaf.spec)
        size = _size(rng, industry[0], in_park=park is not None, boost=c.spec.size_boost)
        established = _established(rng, size)
        firm = _Firm(
            name=self._company_name(rng, c, county, words, size),
            credit_code=self._credit_code(rng, county.region_code, established),
            home=county,
            county=county,
            park=park,
            industry=industry,
            size=size,
            established=established,
            capital=_capital(rng, size),
            land=_land(rng, size, industry[0]),
            legal=self._person(rng),
            address=self._address(rng, c, county, park),
            leaf=leaf,
            products=products,
        )
        firm.joined = self._joined(rng, firm)
        return firm

    def _pick_masters(self, c: _City, firms: list[_Firm]) -> None:
        """Chains without a hand-written master: the strongest (midstream first) firm is 链主."""
        rng = c.rng
        mastered = {f.leaf.tree_key for f in firms if f.is_master and f.leaf is not None}
        for key in c.chains:
            if key in mastered:
                continue
            on_chain = [f for f in firms if f.leaf is not None and f.leaf.tree_key == key]
            if not on_chain:
                continue
            best = max(
                on_chain,
                key=lambda f: (
                    f.leaf is not None and f.leaf.position == "mid",
                    SIZE_RANK[f.size],
                    f.land,
                ),
            )
            best.is_master = True
            if SIZE_RANK[best.size] < SIZE_RANK["medium"]:
                best.size = EnterpriseSize.LARGE
                best.land = _land(rng, best.size, best.industry[0])
                best.capital = _capital(rng, best.size)

    def _joined(self, rng: random.Random, firm: _Firm) -> dt.date | None:
        """Date the firm entered its park: its founding, or later when the park came after it."""
        if firm.park is None:
            return None
        approved = firm.park.spec.approved_on
        if firm.established >= approved:
            return firm.established
        joined = approved + dt.timedelta(days=rng.randint(0, 3 * 365))
        return min(joined, LATEST_ESTABLISHED)

    def _moves(self, c: _City, firms: list[_Firm]) -> None:
        """A few dozen firms moved park (usually within their county) between 2022 and 2025."""
        rng = c.rng
        if len(c.parks) < 2:
            return
        candidates = [
            f
            for f in firms
            if f.park is not None
            and f.anchor is None
            and f.joined is not None
            and f.joined <= dt.date(2021, 6, 30)
        ]
        wanted = min(len(candidates), max(5, round(len(candidates) * 0.04)))
        for firm in rng.sample(candidates, wanted):
            if firm.park is None or firm.joined is None:  # excluded above; narrows the types
                continue
            same_county = [p for p in firm.park.county.parks if p is not firm.park]
            elsewhere = [p for p in c.parks.values() if p is not firm.park]
            target = rng.choice(same_county if same_county and rng.random() < 0.6 else elsewhere)
            earliest = max(firm.joined + dt.timedelta(days=365), dt.date(2022, 1, 1))
            latest = dt.date(2025, 12, 31)
            if earliest > latest:
                continue
            firm.moved_on = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
            firm.old_park, firm.park = firm.park, target
            firm.county = target.county
            self.summary.moved += 1

    def _qualify(self, c: _City, f: _Firm) -> None:
        """高新技术企业 (3 years, often renewed), 科技型中小企业 (one calendar year each),
        专精特新 (3 years), 小巨人, 单项冠军, 上市, 链主."""
        rng = c.rng
        a = f.anchor
        tech = f.is_industrial or f.division in (65, 73, 74, 75)
        first = f.established.year + 1
        p_high_tech = {"large": 0.6, "medium": 0.4, "small": 0.2, "micro": 0.1}[f.size]
        if (a.high_tech if a else tech and rng.random() < p_high_tech) and first <= 2025:
            year = max(rng.randint(max(2019, first), 2025), rng.randint(max(2019, first), 2025))
            last = LAST_YEAR if a else 2025  # anchors renew on time, so theirs are valid AS_OF
            while year <= last:
                granted = _day(rng, year, 10, 12)
                f.quals.append(
                    (
                        QualificationKind.HIGH_TECH,
                        granted,
                        _years_later(granted, 3),
                        f"GR{year}43{c.next_serial():06d}",
                    )
                )
                if not (a or rng.random() < 0.75):
                    break
                year += 3
        if f.size != "large" and tech and rng.random() < 0.17 and first <= LAST_YEAR:
            for year in range(rng.randint(max(2022, first), LAST_YEAR), LAST_YEAR + 1):
                f.quals.append(
                    (
                        QualificationKind.TECH_SME,
                        _day(rng, year, 4, 8),
                        dt.date(year + 1, 1, 1),
                        f"{year}{f.home.region_code}{c.next_serial():05d}",
                    )
                )
        p_specialised = {"large": 0.2, "medium": 0.3, "small": 0.1, "micro": 0.02}[f.size]
        specialised = a.specialised if a else f.is_industrial and rng.random() < p_specialised
        if specialised and first <= 2025:
            granted = _day(rng, rng.randint(max(2021, first), 2025), 6, 12)
            f.quals.append(
                (
                    QualificationKind.SPECIALISED,
                    granted,
                    _years_later(granted, 3),
                    f"ZJTX{granted.year}43{c.next_serial():04d}",
                )
            )
            if granted.year + 3 <= 2025 and (a or rng.random() < 0.6):  # re-certified
                renewed = _day(rng, granted.year + 3, 6, 12)
                f.quals.append(
                    (
                        QualificationKind.SPECIALISED,
                        renewed,
                        _years_later(renewed, 3),
                        f"ZJTX{renewed.year}43{c.next_serial():04d}",
                    )
                )
            little_giant = (
                a.little_giant if a else f.size in ("medium", "large") and rng.random() < 0.15
            )
            if little_giant and granted.year < 2025:
                lg_year = min(granted.year + 1, 2025)
                lg = _day(rng, max(lg_year, 2024) if a else lg_year, 7, 8)
                f.quals.append(
                    (
                        QualificationKind.LITTLE_GIANT,
                        lg,
                        _years_later(lg, 3),
                        f"XJR{lg.year}{c.next_serial():04d}",
                    )
                )
        if a.champion if a else f.size == "large" and f.is_industrial and rng.random() < 0.03:
            granted = _day(rng, 2024, 11, 12)
            f.quals.append(
                (
                    QualificationKind.CHAMPION,
                    granted,
                    _years_later(granted, 3),
                    f"DXGJ{granted.year}{c.next_serial():03d}",
                )
            )
        listed_on = a.listed_on if a else None
        if a is None and f.size == "large" and f.is_master and first <= 2024 and rng.random() < 0.3:
            listed_on = _day(rng, rng.randint(max(2000, first), 2024), 1, 12)
        if listed_on is not None:
            f.quals.append((QualificationKind.LISTED, listed_on, None, a.stock_code if a else ""))
        if f.is_master:
            granted = _day(rng, 2024, 3, 4)
            f.quals.append(
                (
                    QualificationKind.CHAIN_MASTER,
                    granted,
                    _years_later(granted, 3),
                    f"{c.spec.short}链主〔{granted.year}〕{c.next_serial()}号",
                )
            )

    def _above_scale(self, c: _City, f: _Firm) -> None:
        """规上 by year: most members since 2021, some 新增入规 later, a few drop out again."""
        rng = c.rng
        p = {"large": 1.0, "medium": 0.85, "small": 0.3, "micro": 0.02}[f.size]
        if not (f.is_master or rng.random() < p):
            return
        first = max(FIRST_YEAR, f.established.year + (1 if f.established.month > 6 else 0))
        if first > LAST_YEAR:
            return
        entry = first
        entrant_odds = {"small": 0.22, "micro": 0.4, "medium": 0.08}.get(f.size, 0.0)
        if not f.is_master and rng.random() < entrant_odds:
            entry = rng.randint(max(first, FIRST_YEAR + 1), LAST_YEAR)
        drop: int | None = None
        if not f.is_master and f.size != "large" and entry < LAST_YEAR and rng.random() < 0.05:
            drop = rng.randint(max(entry + 1, 2023), LAST_YEAR)
        if entry > first:
            f.above[entry - 1] = False  # the 名录 of the year before did not list it
        for year in range(entry, LAST_YEAR + 1):
            f.above[year] = drop is None or year < drop

    def _link(self, c: _City, f: _Firm) -> None:
        """One node for most chain firms, a second node for some; masters and larger firms lead."""
        if f.leaf is None:
            return
        rng = c.rng
        if f.is_master:
            role = LinkRole.MASTER
        elif SIZE_RANK[f.size] >= SIZE_RANK["medium"] or (
            f.above.get(LAST_YEAR) and rng.random() < 0.3
        ):
            role = LinkRole.CORE
        else:
            role = LinkRole.SUPPORTING
        f.links.append((f.leaf, role, f.products or f.leaf.spec.name))
        roll = rng.random()
        if roll < 0.12:
            others = [
                lf for lf in c.leaves[f.leaf.tree_key] if lf is not f.leaf and lf.spec.weight > 0
            ]
            if others:
                other = rng.choice(others)
                f.links.append((other, LinkRole.SUPPORTING, _products(rng, other.spec)))
        elif roll < 0.16:
            same_industry = [
                lf
                for key, found in c.leaves.items()
                if key != f.leaf.tree_key
                for lf in found
                if lf.spec.industry == f.leaf.spec.industry
            ]
            if same_industry:
                other = rng.choice(same_industry)
                f.links.append((other, LinkRole.SUPPORTING, _products(rng, other.spec)))

    # -- names, codes, people, addresses -----------------------------------------------------

    def _company_name(
        self,
        rng: random.Random,
        c: _City,
        county: _County,
        words: tuple[str, ...],
        size: str,
    ) -> str:
        """County or place prefix + 字号 + industry word + company form; unique across the run."""
        if county.spec.is_zone:
            prefixes = [*c.spec.name_prefixes, "吉首"]
        else:
            prefixes = [
                county.spec.short,
                county.spec.short,
                county.spec.name,
                *c.spec.name_prefixes,
            ]
        suffixes = (
            (("股份有限公司", 0.4), ("集团有限公司", 0.2), ("有限公司", 0.4))
            if size == "large"
            else COMPANY_SUFFIXES
        )
        for attempt in range(60):
            prefix = rng.choice(prefixes)
            if c.spec.brands and rng.random() < 0.2:
                brand = rng.choice(c.spec.brands)
            else:
                brand = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
                if brand[0] == brand[1] or brand in FAMOUS_BRANDS:
                    continue
            suffix = rng.choices([s for s, _ in suffixes], weights=[w for _, w in suffixes])[0]
            name = f"{prefix}{brand}{rng.choice(words)}{suffix}"
            if attempt > 40:
                name = f"{prefix}{brand}{rng.choice(GIVEN)}{rng.choice(words)}{suffix}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("Could not find a free company name; extend the word lists.")

    def _credit_code(self, rng: random.Random, region_code: str, established: dt.date) -> str:
        """统一社会信用代码 via credit_code.build: 9 (工商) 1 (企业) + county code + org body.

        Bodies of firms founded since 2015 look like the newer ``MA4…`` codes; older ones are numeric.
        """
        while True:
            if established.year >= 2015 and rng.random() < 0.92:
                body = "MA4" + "".join(rng.choice(ORG_BODY_CHARS) for _ in range(5))
            else:
                body = "".join(rng.choice("0123456789") for _ in range(8))
            code = credit_code.build(region_code=region_code, org_body=body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    @staticmethod
    def _person(rng: random.Random) -> str:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    @staticmethod
    def _address(rng: random.Random, c: _City, county: _County, park: _Park | None) -> str:
        road, number = rng.choice(ROADS), rng.randint(1, 288)
        if park is not None and park.spec.address:
            return f"{park.spec.address}{road}{number}号"
        if county.spec.towns:
            return f"{county.spec.name}{rng.choice(county.spec.towns)}{road}{number}号"
        return f"{c.spec.name}{county.spec.name}{road}{number}号"

    # -- writing -------------------------------------------------------------------------------

    def _write_firms(self, firms: list[_Firm]) -> list[Enterprise]:
        units = [
            OrgUnit(
                name=f.name,
                kind=OrgUnitKind.ENTERPRISE,
                parent=(f.park.unit if f.park else f.county.unit),
                depth=(f.park.unit if f.park else f.county.unit).depth + 1,
                code=f.credit_code,
            )
            for f in firms
        ]
        self._units(units)
        enterprises = self._bulk(
            Enterprise,
            [
                Enterprise(
                    org_unit=unit,
                    credit_code=f.credit_code,
                    name=f.name,
                    county=f.county.unit,
                    region=f.home.region,
                    park=f.park.park if f.park else None,
                    industry_code=f.industry[0],
                    industry_name=f.industry[1],
                    size=f.size,
                    established_on=f.established,
                    registered_capital=_dec(f.capital, "0.01"),
                    land_mu=_dec(f.land, "0.01"),
                    legal_representative=f.legal,
                    address=f.address,
                    is_active=True,
                )
                for f, unit in zip(firms, units, strict=True)
            ],
        )
        memberships: list[ParkMembership] = []
        qualifications: list[Qualification] = []
        above: list[AboveScaleYear] = []
        links: list[ChainLink] = []
        for f, e in zip(firms, enterprises, strict=True):
            if f.park is not None and f.joined is not None:
                if f.old_park is not None and f.moved_on is not None:
                    memberships.append(
                        ParkMembership(
                            enterprise=e,
                            park=f.old_park.park,
                            valid_from=f.joined,
                            valid_to=f.moved_on,
                        )
                    )
                    memberships.append(
                        ParkMembership(
                            enterprise=e,
                            park=f.park.park,
                            valid_from=f.moved_on,
                            note=f"由{f.old_park.spec.short_name}迁入",
                        )
                    )
                else:
                    memberships.append(
                        ParkMembership(enterprise=e, park=f.park.park, valid_from=f.joined)
                    )
            qualifications.extend(
                Qualification(
                    enterprise=e,
                    kind=kind,
                    granted_on=granted,
                    expires_on=expires,
                    certificate_no=no,
                )
                for kind, granted, expires, no in f.quals
            )
            above.extend(
                AboveScaleYear(enterprise=e, year=year, is_above_scale=flag)
                for year, flag in sorted(f.above.items())
            )
            links.extend(
                ChainLink(enterprise=e, node=leaf.node, role=role, main_products=products[:200])
                for leaf, role, products in f.links
            )
        self._bulk(ParkMembership, memberships)
        self._bulk(Qualification, qualifications)
        self._bulk(AboveScaleYear, above)
        self._bulk(ChainLink, links)
        s = self.summary
        s.enterprises = len(enterprises)
        s.in_parks = sum(1 for f in firms if f.park is not None)
        s.memberships = len(memberships)
        s.qualifications = len(qualifications)
        s.above_scale_rows = len(above)
        s.above_scale_now = sum(1 for f in firms if f.above.get(LAST_YEAR))
        s.links = len(links)
        return enterprises


def _facts(f: _Firm, e: Enterprise) -> FirmFacts:
    """What the reported-data generator needs of a firm (park spells as org unit ids)."""
    parks: tuple[tuple[dt.date, dt.date | None, int], ...] = ()
    if f.park is not None and f.joined is not None:
        if f.old_park is not None and f.moved_on is not None:
            parks = (
                (f.joined, f.moved_on, _written(f.old_park.unit.pk)),
                (f.moved_on, None, _written(f.park.unit.pk)),
            )
        else:
            parks = ((f.joined, None, _written(f.park.unit.pk)),)
    return FirmFacts(
        org_unit_id=e.org_unit_id,
        name=f.name,
        credit_code=f.credit_code,
        size=f.size,
        land_mu=f.land,
        industry_code=f.industry[0],
        established=f.established,
        above=dict(f.above),
        high_tech=any(kind == QualificationKind.HIGH_TECH for kind, *_ in f.quals),
        is_master=f.is_master,
        parks=parks,
    )


def _park_facts(p: _Park) -> ParkFacts:
    return ParkFacts(
        org_unit_id=_written(p.unit.pk),
        name=p.spec.name,
        built_mu=p.spec.built_mu,
        is_high_tech=p.spec.park_type == ParkType.HIGH_TECH,
    )


_HISTORY_MODELS: tuple[type[Model], ...] = (
    OrgUnit,
    Region,
    Park,
    Department,
    Membership,
    Chain,
    ChainNode,
    ChainLink,
    Enterprise,
    ParkMembership,
    Qualification,
    AboveScaleYear,
)


# ---------------------------------------------------------------------------------------------
# Distributions (a poor mountainous prefecture: mostly micro and small)
# ---------------------------------------------------------------------------------------------


def _size(rng: random.Random, code: str, *, in_park: bool, boost: float) -> str:
    division = int(code[:2])
    if division <= 5:  # agriculture: co-operatives and family farms
        large, medium, small = 0.0, 0.01, 0.12
    elif division <= 46:  # industry
        large, medium, small = 0.004, 0.05, 0.32
    else:
        large, medium, small = 0.001, 0.02, 0.22
    if in_park:
        large, medium, small = large * 1.6, medium * 1.4, small * 1.1
    large, medium, small = large * boost, medium * boost, small * min(boost, 1.5)
    roll = rng.random()
    if roll < large:
        return EnterpriseSize.LARGE
    if roll < large + medium:
        return EnterpriseSize.MEDIUM
    if roll < large + medium + small:
        return EnterpriseSize.SMALL
    return EnterpriseSize.MICRO


def _established(rng: random.Random, size: str) -> dt.date:
    age = rng.expovariate(1 / 8.0)
    age += {"large": rng.uniform(6, 18), "medium": rng.uniform(3, 10)}.get(size, 0.0)
    days = 30 + int(min(age, 38.0) * 365.25)
    return min(AS_OF - dt.timedelta(days=days), LATEST_ESTABLISHED)


def _lognormal(rng: random.Random, median: float, sigma: float, low: float, high: float) -> float:
    return min(max(rng.lognormvariate(math.log(median), sigma), low), high)


def _land(rng: random.Random, size: str, code: str) -> float:
    """Land in 亩: most industrial firms 5–60 亩, large ones a few hundred; services often none."""
    division = int(code[:2])
    if division > 46:
        return 0.0 if rng.random() < 0.7 else round(_lognormal(rng, 3, 0.6, 0.5, 30), 1)
    if division <= 5:
        return round(_lognormal(rng, 6, 0.6, 1, 60), 1)
    median, low, high = {
        "micro": (9, 1.5, 40),
        "small": (22, 5, 120),
        "medium": (70, 25, 400),
        "large": (260, 120, 1500),
    }[size]
    return round(_lognormal(rng, median, 0.55, low, high), 1)


def _capital(rng: random.Random, size: str) -> float:
    """Registered capital in 万元."""
    median, sigma, low, high = {
        "micro": (100, 0.8, 3, 1000),
        "small": (500, 0.7, 50, 5000),
        "medium": (3000, 0.6, 500, 30000),
        "large": (15000, 0.6, 3000, 200000),
    }[size]
    value = _lognormal(rng, median, sigma, low, high)
    return float(round(value, -1 if value >= 100 else 0))


def _products(rng: random.Random, node: Node) -> str:
    if not node.products:
        return node.name
    return "、".join(rng.sample(node.products, min(len(node.products), rng.randint(1, 2))))


def _day(rng: random.Random, year: int, first_month: int, last_month: int) -> dt.date:
    day = dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))
    return min(day, AS_OF)


def _years_later(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years)  # day ≤ 28: never 29 February


def _dec(value: float, quantum: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(quantum))


T = TypeVar("T")


def _written(value: T | None) -> T:
    """Narrow an attribute that is set before use (a row written earlier, a leaf's industry)."""
    if value is None:
        raise RuntimeError("The demo builder used a value before setting it.")
    return value


DEMO_UNLOCK_UNTIL = dt.date(2026, 12, 31)


def _demo_unlocks() -> None:
    """Re-open 2026-10 (the demo's latest period) so the demo users can try the web form and
    imports whatever day the demo is run; recorded like any unlock, by the city task force."""
    from django.contrib.auth import get_user_model

    from parkchain.indicators.models import ReportForm

    admin = get_user_model().objects.filter(username="city").first()
    if admin is None:
        return
    for form in ReportForm.objects.filter(code__in=["ent_monthly", "park_monthly"]):
        PeriodUnlock.objects.create(
            form=form,
            year=2026,
            month=10,
            org_unit=None,
            until=DEMO_UNLOCK_UNTIL,
            reason="演示：2026年10月补报窗口",
            unlocked_by=admin,
        )
