"""Target books on the root ``world`` (conftest.py), with reported data whose lights are known.

湘西州's book for 2026 (issued), one target "产业投资" (park indicator industrial_investment, linear)
per unit, and "产业链营业收入" (enterprise revenue) per chain::

    湘西州 200 ── 吉首市 100 ── 吉首经济开发区 100      October: 90 → 90 %  green
             └─ 花垣县 100 ── 花垣工业集中区 90        October: 50 → 56 %  red (county 50 %: red)
    白酒产业链 100       October: 湘泉酿酒 50 + 边城供应链 40 = 90 → green
    锰锌新材料产业链 100 October: 边城供应链 40 + 矮寨锌业 20 = 60 → red

The city: 140 of 200 = 70 % against 83.3 %: red. 花垣县's target (100) is more than its park's
(90): the one failed cascade check. Milestones: 吉首市's (due 2026-09-30, not done) and 白酒产业链's
(due 2026-08-31, not started) are overdue in October; 花垣工业集中区's is done; 湘西州's due in
December. September 2026 is frozen. Also a draft book for 2027 (湘西州, 吉首市) and 张家界市's book
for 2026 (张家界市, 永定区, its park, 莓茶产业链). Every row's ``name`` is the unit or chain it is about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from engine.periods import Month
from parkchain.indicators.models import Indicator, Observation, Source
from parkchain.targets.data import book_progress
from parkchain.targets.models import (
    AccountabilityKind,
    AccountabilityRecord,
    BookStatus,
    DispatchSnapshot,
    MilestoneStatus,
    MilestoneTask,
    SnapshotFigure,
    SupervisionFollowUp,
    SupervisionTask,
    Target,
    TargetBook,
)

YEAR = 2026
LIVE = Month(2026, 10)
FROZEN = Month(2026, 9)
RED_TARGETS = frozenset({"湘西州", "花垣县", "花垣工业集中区", "锰锌新材料产业链"})
OVERDUE_MILESTONES = frozenset({"吉首市", "白酒产业链"})
CASCADE_ISSUES = frozenset({"花垣县"})

# park industrial_investment (万元, 本年累计): 2025-10, 2025-12, 2026-09, 2026-10
PARK_INVESTMENT = {"park_a1": (80, 100, 81, 90), "park_b1": (80, 100, 45, 50)}
# enterprise revenue: 2025-10, 2025-12, 2026-09, 2026-10
FIRM_REVENUE = {
    "enterprise_a1": (45, 55, 45, 50),
    "enterprise_b1": (38, 46, 36, 40),
    "enterprise_moved": (18, 22, 18, 20),
}


@dataclass
class TargetsWorld:
    book: TargetBook
    draft: TargetBook
    other: TargetBook
    targets: list[Target]
    milestones: list[MilestoneTask]
    supervision: list[SupervisionTask]
    records: list[AccountabilityRecord]
    snapshot: DispatchSnapshot

    def target(self, name: str) -> Target:
        """A target of 湘西州's 2026 book, by the unit or chain it is about."""
        return next(t for t in self.targets if t.name == name and t.book_id == self.book.pk)


def _named(obj: Any, name: str) -> Any:
    obj.name = name
    return obj


def _observations(world: Any) -> None:
    investment = Indicator.objects.get(code="industrial_investment")
    revenue = Indicator.objects.get(code="revenue")
    periods = ((2025, 10), (2025, 12), (2026, 9), (2026, 10))
    rows = []
    for attr, values in PARK_INVESTMENT.items():
        unit = getattr(world, attr).org_unit
        for (year, month), value in zip(periods, values, strict=True):
            rows.append(
                Observation(
                    indicator=investment,
                    org_unit=unit,
                    year=year,
                    month=month,
                    value=value,
                    source=Source.SEED,
                )
            )
    for attr, values in FIRM_REVENUE.items():
        unit = getattr(world, attr).org_unit
        for (year, month), value in zip(periods, values, strict=True):
            rows.append(
                Observation(
                    indicator=revenue,
                    org_unit=unit,
                    year=year,
                    month=month,
                    value=value,
                    source=Source.SEED,
                )
            )
    # another world (evaluation/tests/world.py) may hold December's revenue already: ours wins
    Observation.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["org_unit", "indicator", "year", "month"],
        update_fields=["value"],
    )


def _target(
    book: TargetBook,
    name: str,
    value: int,
    *,
    unit: Any = None,
    chain: Any = None,
    parent: Target | None = None,
    indicator: str = "industrial_investment",
    order: int = 0,
) -> Target:
    target = Target.objects.create(
        book=book,
        name=name,
        group="新项目",
        indicator=Indicator.objects.get(code=indicator),
        org_unit=unit,
        chain=chain,
        kind="absolute",
        annual_value=Decimal(value),
        parent=parent,
        owner_department=f"{name}责任部门",
        sort_order=order,
    )
    return _named(target, name)


def _milestone(
    book: TargetBook,
    name: str,
    deadline: dt.date,
    status: str,
    *,
    unit: Any = None,
    chain: Any = None,
) -> MilestoneTask:
    task = MilestoneTask.objects.create(
        book=book, title=f"{name}重点任务", owner_unit=unit, chain=chain, deadline=deadline, status=status,
        owner_department=f"{name}责任部门",
    )  # fmt: skip
    return _named(task, name)


def build(world: Any) -> TargetsWorld:
    """Create (once per test) and return the targets world."""
    existing = TargetBook.objects.filter(region=world.city, year=YEAR).first()
    if existing is not None:
        return _load(world)
    _observations(world)
    book = TargetBook.objects.create(
        region=world.city, year=YEAR, title="湘西州2026年目标任务书", status=BookStatus.ISSUED,
        issuer="湘西州“五好”园区和产业链建设工作专班", bulletin_title="湘西州“五好”园区和产业链建设工作调度通报",
    )  # fmt: skip
    draft = TargetBook.objects.create(
        region=world.city, year=YEAR + 1, title="湘西州2027年目标任务书（草稿）"
    )
    other = TargetBook.objects.create(
        region=world.other_city,
        year=YEAR,
        title="张家界市2026年目标任务书",
        status=BookStatus.ISSUED,
    )
    city = _target(book, "湘西州", 200, unit=world.city, order=1)
    county_a = _target(book, "吉首市", 100, unit=world.county_a, parent=city, order=2)
    county_b = _target(book, "花垣县", 100, unit=world.county_b, parent=city, order=3)
    park_a1 = _target(
        book, "吉首经济开发区", 100, unit=world.park_a1.org_unit, parent=county_a, order=4
    )
    # 目标调整: cascaded to the wrong county, then put back — its history names 花垣县's target,
    # which a 吉首市 user reads this park target without being allowed to see
    for parent in (county_b, county_a):
        park_a1.parent = parent
        park_a1.save()
    _target(book, "花垣工业集中区", 90, unit=world.park_b1.org_unit, parent=county_b, order=5)
    _target(book, "白酒产业链", 100, chain=world.chain_x, indicator="revenue", order=6)
    _target(book, "锰锌新材料产业链", 100, chain=world.chain_y, indicator="revenue", order=7)
    draft_city = _target(draft, "湘西州", 220, unit=world.city, order=1)
    _target(draft, "吉首市", 110, unit=world.county_a, parent=draft_city, order=2)
    other_city = _target(other, "张家界市", 100, unit=world.other_city, order=1)
    other_county = _target(
        other, "永定区", 100, unit=world.other_county, parent=other_city, order=2
    )
    _target(
        other,
        "张家界高新技术产业开发区",
        100,
        unit=world.park_other.org_unit,
        parent=other_county,
        order=3,
    )
    _target(other, "莓茶产业链", 100, chain=world.chain_z, indicator="revenue", order=4)

    _milestone(book, "湘西州", dt.date(2026, 12, 31), MilestoneStatus.IN_PROGRESS, unit=world.city)
    _milestone(
        book, "吉首市", dt.date(2026, 9, 30), MilestoneStatus.IN_PROGRESS, unit=world.county_a
    )
    _milestone(
        book,
        "花垣工业集中区",
        dt.date(2026, 6, 30),
        MilestoneStatus.DONE,
        unit=world.park_b1.org_unit,
    )
    _milestone(
        book, "白酒产业链", dt.date(2026, 8, 31), MilestoneStatus.NOT_STARTED, chain=world.chain_x
    )
    _milestone(
        draft, "吉首市", dt.date(2027, 6, 30), MilestoneStatus.NOT_STARTED, unit=world.county_a
    )
    _milestone(
        other, "张家界市", dt.date(2026, 6, 30), MilestoneStatus.NOT_STARTED, unit=world.other_city
    )

    for b, owner, kwargs in (
        (book, "吉首市", {"owner_unit": world.county_a}),
        (book, "花垣工业集中区", {"owner_unit": world.park_b1.org_unit}),
        (book, "白酒产业链", {"chain": world.chain_x}),
        (other, "张家界市", {"owner_unit": world.other_city}),
    ):
        task = SupervisionTask.objects.create(
            book=b, year=YEAR, quarter=3, title=f"{owner}督办事项", issue="落后时序进度",
            due_on=dt.date(2026, 11, 30), **kwargs,
        )  # fmt: skip
        SupervisionFollowUp.objects.create(task=task, status="in_progress", note=f"{owner}整改进展")
    for b, owner, kwargs in (
        (book, "吉首市", {"unit": world.county_a}),
        (book, "花垣县", {"unit": world.county_b}),
        (book, "白酒产业链", {"chain": world.chain_x}),
        (other, "永定区", {"unit": world.other_county}),
    ):
        AccountabilityRecord.objects.create(
            book=b, kind=AccountabilityKind.CRITICISM, reason=f"{owner}排名靠后",
            decided_on=dt.date(2026, 10, 20), **kwargs,
        )  # fmt: skip
    for b in (book, other):
        _freeze(b)
    return _load(world)


def _freeze(book: TargetBook) -> DispatchSnapshot:
    """Freeze September without the services (the world's cascade check fails on purpose)."""
    targets = list(
        Target.objects.filter(book=book).select_related(
            "book__region", "indicator", "org_unit", "chain"
        )
    )
    frame = book_progress(targets, period=FROZEN)
    snapshot = DispatchSnapshot.objects.create(
        book=book, year=FROZEN.year, month=FROZEN.month, frozen_at=timezone.now()
    )
    SnapshotFigure.objects.bulk_create(
        SnapshotFigure(
            snapshot=snapshot,
            target_id=row["target_id"],
            annual_value=Decimal(str(row["target"])),
            rag=row["rag"],
            values=row,
        )
        for row in frame.iter_rows(named=True)
    )
    return snapshot


DRAFT = "草稿·"


def books(world: Any) -> list[TargetBook]:
    t = build(world)
    return [t.book, t.draft, t.other]


def _label(obj: Any, unit: str) -> Any:
    """Name ``obj`` after the unit or chain it is about ("草稿·" first in the draft book)."""
    scope = getattr(obj, unit) or obj.chain
    prefix = DRAFT if obj.book.year == YEAR + 1 else ""
    return _named(obj, f"{prefix}{scope.name}")


def _load(world: Any) -> TargetsWorld:
    book = TargetBook.objects.get(region=world.city, year=YEAR)
    related = ("book", "chain")
    return TargetsWorld(
        book=_named(book, "湘西州"),
        draft=_named(TargetBook.objects.get(region=world.city, year=YEAR + 1), "湘西州（草稿）"),
        other=_named(TargetBook.objects.get(region=world.other_city, year=YEAR), "张家界市"),
        targets=[
            _label(t, "org_unit")
            for t in Target.objects.select_related("org_unit", *related).order_by("pk")
        ],
        milestones=[
            _label(m, "owner_unit")
            for m in MilestoneTask.objects.select_related("owner_unit", *related).order_by("pk")
        ],
        supervision=[
            _label(s, "owner_unit")
            for s in SupervisionTask.objects.select_related("owner_unit", *related).order_by("pk")
        ],
        records=[
            _label(r, "unit")
            for r in AccountabilityRecord.objects.select_related("unit", *related).order_by("pk")
        ],
        snapshot=DispatchSnapshot.objects.get(book=book),
    )
