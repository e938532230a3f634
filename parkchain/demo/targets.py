"""The demo target book: 湘西州 2026, "一高五新", cascaded to the counties and parks.

The seed speech's exact wording of "一高五新" is not available, so the structure below is a
plausible reading of it, and the book's description says so:

* 一高 — 园区高质量发展: 园区亩均税收增长 (the province asks ≥ 10 %) and 规模工业增加值增长;
* 五新 — 新主体 (新增规上工业企业), 新项目 (产业投资), 新产业 (高新技术产业营业收入; each chain's
  营业收入), 新平台 and 新机制 (milestone tasks: 创建国家高新区, 调区扩区, 污水集中处理设施…).

Targets are set from the seeded data so that October 2026 shows a mix of lights: each park gets
a planned light per indicator (a fixed pattern, so the demo is the same every time), and its
target is chosen to land there; a county's target is the sum of its parks' (growth: the parks'
growth weighted by base, rounded down); the city's aims at a light of its own and never exceeds
what its counties add up to (counties may carry more: 层层分解), so every cascade check passes. September is frozen (调度口径), Q3's red items are on the supervision list, and a
commendation and a criticism are recorded.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from engine.periods import Month
from engine.targets import columns as c
from parkchain.chains.models import Chain
from parkchain.indicators.models import Indicator
from parkchain.organisations.models import OrgUnit, OrgUnitKind, Park, Region
from parkchain.targets import services
from parkchain.targets.data import book_progress
from parkchain.targets.models import (
    AccountabilityKind,
    MilestoneStatus,
    SupervisionStatus,
    Target,
    TargetBook,
)
from parkchain.targets.selectors import dispatch_figures

CITY_CODE = "433100"
YEAR = 2026
DISPATCH = Month(2026, 10)  # the demo's month: lights mixed
FROZEN = Month(2026, 9)  # frozen (调度口径)
CITY_SHORT = "湘西州"
ISSUER = "湘西州“五好”园区和产业链建设工作专班"
BULLETIN_TITLE = "湘西州“五好”园区和产业链建设工作调度通报"
DESCRIPTION = (
    "按照“一高五新”目标体系分解下达：一高即园区高质量发展（园区亩均税收增长、规模工业增加值增长）；"
    "五新即新主体（新增规上工业企业）、新项目（产业投资）、新产业（高新技术产业营业收入、产业链营业收入）、"
    "新平台和新机制（重点任务）。说明：动员讲话中“一高五新”的原文表述未能取得，"
    "本目标体系为演示用的合理构建，指标与数值均为演示数据。"
)

Log = Callable[[str], Any]

# planned light of park i for indicator k: PATTERN[(i + 3k) % len]
PATTERN = (
    "green",
    "green",
    "yellow",
    "red",
    "green",
    "yellow",
    "green",
    "red",
    "green",
    "green",
    "yellow",
    "green",
)
# completion − time progress aimed at, per light (amounts); growth − target aimed at (pp)
AMOUNT_GAP = {"green": 0.05, "yellow": -0.05, "red": -0.17}
GROWTH_GAP = {"green": 1.0, "yellow": -1.0, "red": -3.5}
CITY_LIGHTS = {
    "园区亩均税收增长": "green",
    "规模工业增加值增长": "green",
    "新增规上工业企业": "red",
    "产业投资": "green",
    "高新技术产业营业收入": "yellow",
}


@dataclass(frozen=True)
class Spec:
    group: str
    name: str
    kind: str
    indicator: str = ""
    metric: str = ""
    profile: str = "linear"
    city_owner: str = ""


SPECS = (
    Spec(
        "一高", "园区亩均税收增长", "growth", metric="tax_per_mu", city_owner="州财政局、州税务局"
    ),
    Spec("一高", "规模工业增加值增长", "growth", indicator="value_added", city_owner="州工信局"),
    Spec(
        "新主体",
        "新增规上工业企业",
        "count",
        indicator="new_above_scale",
        city_owner="州工信局、州统计局",
    ),
    Spec(
        "新项目",
        "产业投资",
        "absolute",
        indicator="industrial_investment",
        profile="seasonal",
        city_owner="州发改委",
    ),
    Spec(
        "新产业",
        "高新技术产业营业收入",
        "absolute",
        indicator="hitech_revenue",
        city_owner="州科技局",
    ),
)
# 园区亩均税收州内排位: the park and the light aimed at (places set from the October ranking)
RANKS = (
    ("湘西高新技术产业开发区", "green"),
    ("吉首经济开发区", "yellow"),
    ("泸溪高新技术产业开发区", "red"),
)
RANK_AHEAD = {"green": 0, "yellow": 2, "red": 5}  # target place = actual place − this

MILESTONES = (
    # group, title, owner (park name, city, or chain code), department, deadline, status, evidence
    (
        "新平台",
        "创建国家高新技术产业开发区（完成申报材料并通过省级评审）",
        "湘西高新技术产业开发区",
        "湘西高新区管委会",
        dt.date(2026, 12, 31),
        MilestoneStatus.IN_PROGRESS,
        "",
    ),
    (
        "新平台",
        "新增省级工程技术研究中心2家",
        "泸溪高新技术产业开发区",
        "泸溪高新区管委会",
        dt.date(2026, 11, 30),
        MilestoneStatus.IN_PROGRESS,
        "",
    ),
    (
        "新机制",
        "园区调区扩区方案获省政府批复",
        "吉首经济开发区",
        "吉首经开区管委会",
        dt.date(2026, 9, 30),
        MilestoneStatus.IN_PROGRESS,
        "",
    ),
    (
        "新机制",
        "园区污水集中处理设施建成并稳定运行",
        "花垣锰锌新材料产业园",
        "花垣县人民政府",
        dt.date(2026, 6, 30),
        MilestoneStatus.DONE,
        "污水处理厂竣工环保验收意见（2026年6月18日）",
    ),
    (
        "新机制",
        "“管委会+公司”管理体制改革到位",
        "永顺经济开发区",
        "永顺经开区管委会",
        dt.date(2026, 8, 31),
        MilestoneStatus.DONE,
        "州委编办批复及园区开发公司营业执照",
    ),
    (
        "新机制",
        "闲置土地和低效厂房“双清零”",
        "龙山经济开发区",
        "龙山经开区管委会",
        dt.date(2026, 10, 15),
        MilestoneStatus.NOT_STARTED,
        "",
    ),
    (
        "新机制",
        "亩均效益综合评价覆盖全部规上工业企业",
        "city",
        "州工信局",
        dt.date(2026, 12, 31),
        MilestoneStatus.IN_PROGRESS,
        "",
    ),
    (
        "新平台",
        "白酒产业链招商图谱和招商指南更新发布",
        "baijiu",
        "州工信局（白酒产业链链办）",
        dt.date(2026, 9, 30),
        MilestoneStatus.DONE,
        "招商指南（2026版）印发通知",
    ),
)


@dataclass
class TargetsSummary:
    targets: int = 0
    milestones: int = 0
    snapshot_figures: int = 0
    supervision_tasks: int = 0
    records: int = 0
    seconds: float = 0.0
    skipped: str = ""

    def line(self) -> str:
        if self.skipped:
            return f"target book: {self.skipped}"
        return (
            f"target book {YEAR}: {self.targets} targets, {self.milestones} milestones; "
            f"{FROZEN} frozen ({self.snapshot_figures} figures); {self.supervision_tasks} supervision "
            f"tasks, {self.records} reward/accountability records; {self.seconds:.1f} s"
        )


def targets_demo_flush() -> None:
    """Delete every target book and what hangs on it (the demo database holds nothing else)."""
    from parkchain.targets.models import (
        AccountabilityRecord,
        DispatchSnapshot,
        MilestoneTask,
        SnapshotFigure,
        SupervisionTask,
    )

    AccountabilityRecord.objects.all().delete()
    SupervisionTask.objects.all().delete()  # cascades to the follow-ups
    SnapshotFigure.objects.all().delete()
    DispatchSnapshot.objects.all().delete()
    MilestoneTask.objects.all().delete()  # cascades to the updates
    Target.objects.all().delete()
    TargetBook.objects.all().delete()
    for model in (AccountabilityRecord, SupervisionTask, MilestoneTask, Target, TargetBook):
        model.history.all().delete()


def _round_amount(value: float) -> float:
    """A target as a book writes it: 3 significant figures (万元)."""
    if value <= 0:
        return 0.0
    digits = 2 - math.floor(math.log10(value))
    return round(value, digits)


def _count_target(actual: float, light: str, progress: float) -> int:
    """The smallest count target ≥ the actual that gives ``light`` under the count rule (−1 unit)."""

    def judged(target: int) -> str:
        gap = ((actual + 1) / target - progress) * 100
        return "green" if gap >= 0 else "yellow" if gap >= -10 else "red"

    start = max(1, int(actual))
    for target in range(start, start + 30):
        if judged(target) == light:
            return target
    return start


def _growth_target(growth: float | None, light: str) -> float:
    if growth is None or growth < 0:
        return 8.0
    return max(3.0, math.floor((growth - GROWTH_GAP[light]) * 2) / 2)


def _actor() -> Any:
    user_model = get_user_model()
    return (
        user_model.objects.filter(username="city").first()
        or user_model.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )


def targets_demo_seed(*, log: Log | None = None) -> TargetsSummary:
    """Create the demo book (draft → targets → issued), milestones, the frozen September, Q3's
    supervision list and two records. Needs the demo city, its reported data and a demo user."""
    started = time.perf_counter()
    summary = TargetsSummary()
    region = Region.objects.filter(code=CITY_CODE).select_related("org_unit").first()
    actor = _actor()
    indicators = {i.code: i for i in Indicator.objects.all()}
    if region is None or region.org_unit is None or actor is None:
        summary.skipped = "no demo city or no demo user; skipped"
        return summary
    city = region.org_unit
    if (
        not indicators.get("park_tax")
        or not Indicator.objects.filter(observations__year=YEAR).exists()
    ):
        summary.skipped = "no reported data (--no-observations); skipped"
        return summary
    counties = list(OrgUnit.objects.filter(parent=city, kind=OrgUnitKind.COUNTY).order_by("path"))
    parks = list(
        Park.objects.filter(org_unit__path__startswith=city.path)
        .select_related("org_unit")
        .order_by("org_unit__path")
    )
    chains = list(
        Chain.objects.filter(city=city)
        .select_related("lead_department")
        .order_by("sort_order", "pk")
    )

    book = services.target_book_create(
        actor=actor,
        region=city,
        year=YEAR,
        title=f"{YEAR}年{CITY_SHORT}“五好”园区和产业链建设目标任务书",
        description=DESCRIPTION,
        issuer=ISSUER,
        bulletin_title=BULLETIN_TITLE,
    )
    plan = _plan(book, city, counties, parks, chains, indicators)
    created = _create(actor, book, plan)
    summary.targets = len(created)
    summary.milestones = _milestones(actor, book, city, parks, chains)
    services.target_book_issue(actor=actor, book=book)
    snapshot = services.dispatch_snapshot_freeze(
        actor=actor, book=book, year=FROZEN.year, month=FROZEN.month, note="九月调度会口径"
    )
    summary.snapshot_figures = snapshot.figures.count()
    tasks = services.supervision_tasks_from_red(
        actor=actor, book=book, quarter=3, due_on=dt.date(2026, 11, 30)
    )
    summary.supervision_tasks = len(tasks)
    for number, task in enumerate(tasks[:3]):
        services.supervision_follow_up_add(
            actor=actor,
            task=task,
            note="已召开专题调度会，制定赶超方案，逐项目明确责任人和时间节点。",
            status=SupervisionStatus.DONE if number == 0 else SupervisionStatus.IN_PROGRESS,
            evidence_text="专题调度会会议纪要" if number == 0 else "",
        )
    summary.records = _records(actor, book, tasks)
    summary.seconds = time.perf_counter() - started
    if log:
        log(f"  {summary.line()}")
    return summary


@dataclass
class _Planned:
    spec: Spec | None
    unit: OrgUnit | None
    chain: Chain | None
    name: str
    group: str
    kind: str
    indicator: Indicator | None
    metric: str
    profile: str
    owner: str
    value: float = 0.0
    base: float | None = None
    parent: _Planned | None = None
    rule: dict[str, Any] = field(default_factory=dict)
    key: int = 0


def _owner(unit: OrgUnit, parks: dict[int, Park], spec: Spec) -> str:
    if unit.kind == OrgUnitKind.CITY:
        return spec.city_owner
    if unit.kind == OrgUnitKind.PARK:
        park = parks[unit.pk]
        return f"{park.short_name or park.name}管委会"
    if unit.name.endswith("高新区"):
        return f"{unit.name}管委会"
    return f"{unit.name}人民政府"


def _plan(
    book: TargetBook,
    city: OrgUnit,
    counties: list[OrgUnit],
    parks: list[Park],
    chains: list[Chain],
    indicators: dict[str, Indicator],
) -> list[_Planned]:
    """Every target with its value, from a probe of the October figures (unsaved targets)."""
    park_of = {p.org_unit_id: p for p in parks}
    planned: list[_Planned] = []
    for spec in SPECS:
        indicator = indicators.get(spec.indicator) if spec.indicator else None
        city_plan = _Planned(
            spec,
            city,
            None,
            spec.name,
            spec.group,
            spec.kind,
            indicator,
            spec.metric,
            spec.profile,
            spec.city_owner,
        )
        planned.append(city_plan)
        for county in counties:
            county_plan = _Planned(
                spec,
                county,
                None,
                spec.name,
                spec.group,
                spec.kind,
                indicator,
                spec.metric,
                spec.profile,
                _owner(county, park_of, spec),
                parent=city_plan,
            )
            planned.append(county_plan)
            for park in parks:
                if park.org_unit.parent_id == county.pk:
                    planned.append(
                        _Planned(
                            spec,
                            park.org_unit,
                            None,
                            spec.name,
                            spec.group,
                            spec.kind,
                            indicator,
                            spec.metric,
                            spec.profile,
                            _owner(park.org_unit, park_of, spec),
                            parent=county_plan,
                        )
                    )
    for chain in chains:
        planned.append(
            _Planned(
                None,
                None,
                chain,
                "产业链营业收入",
                "新产业",
                "absolute",
                indicators["revenue"],
                "",
                "linear",
                f"{chain.lead_department.short_name or chain.lead_department.name}（{chain.name}产业链链办）",
            )
        )
    by_name = {p.name: p for p in parks}
    for park_name, light in RANKS:
        ranked = by_name.get(park_name)
        if ranked is not None:
            planned.append(
                _Planned(
                    None,
                    ranked.org_unit,
                    None,
                    "园区亩均税收州内排位",
                    "一高",
                    "rank",
                    None,
                    "tax_per_mu",
                    "linear",
                    f"{ranked.short_name}管委会",
                    value=float(RANK_AHEAD[light]),  # replaced by the place aimed at, below
                    rule={"bottom": 0},
                )
            )
    for key, p in enumerate(planned, start=1):
        p.key = key
    probe = [
        Target(
            pk=p.key, book=book, name=p.name, kind=p.kind, indicator=p.indicator, metric=p.metric,
            org_unit=p.unit, chain=p.chain, annual_value=Decimal(1), profile=p.profile, rag_rule=p.rule,
        )
        for p in planned
    ]  # fmt: skip
    now = {
        row[c.TARGET_ID]: row for row in book_progress(probe, period=DISPATCH).iter_rows(named=True)
    }
    december = Month(YEAR - 1, 12)
    last_year = {
        row[c.TARGET_ID]: row for row in book_progress(probe, period=december).iter_rows(named=True)
    }
    park_index = {p.org_unit_id: i for i, p in enumerate(parks)}
    # parks and chains first: values aimed at their planned light
    for p in planned:
        if p.kind == "rank":
            place = now[p.key][c.ACTUAL]
            p.value = float(max(1, int(place or 1) - int(p.value)))
            continue
        row = now[p.key]
        p.base = last_year[p.key][c.AMOUNT]
        leaf = p.chain is not None or (p.unit is not None and p.unit.kind == OrgUnitKind.PARK)
        if not leaf:
            continue
        k = SPECS.index(p.spec) if p.spec else len(SPECS)
        i = park_index.get(p.unit.pk, 0) if p.unit else chains.index(p.chain) if p.chain else 0
        p.value = _aimed(p.kind, row, PATTERN[(i + 3 * k) % len(PATTERN)])
    # then counties from their parks (their sum); the city aims at its own light, never above
    # what its counties add up to (the parts cover the whole: 层层分解, counties may carry more)
    for level in (OrgUnitKind.COUNTY, OrgUnitKind.CITY):
        for p in planned:
            if p.unit is None or p.unit.kind != level or p.kind == "rank":
                continue
            parts = [q for q in planned if q.parent is p]
            if p.kind == "growth":
                bases = [q.base or 0.0 for q in parts]
                total = sum(bases)
                implied = sum(b * (1 + q.value / 100) for b, q in zip(bases, parts, strict=True))
                p.value = math.floor((implied / total - 1) * 1000) / 10 if total else 8.0
            else:
                p.value = sum(q.value for q in parts)
            if level == OrgUnitKind.CITY and p.spec is not None:
                p.value = min(p.value, _aimed(p.kind, now[p.key], CITY_LIGHTS[p.spec.name]))
    return planned


def _aimed(kind: str, row: dict[str, Any], light: str) -> float:
    """The target that gives ``row`` (a probe's figures) the ``light``."""
    progress = row[c.TIME_PROGRESS] or DISPATCH.month / 12
    actual = row[c.AMOUNT] or 0.0
    if kind == "growth":
        return _growth_target(row[c.GROWTH], light)
    if kind == "count":
        return float(_count_target(actual, light, progress))
    return _round_amount(actual / max(progress + AMOUNT_GAP[light], 0.05))


def _create(actor: Any, book: TargetBook, planned: list[_Planned]) -> list[Target]:
    created: dict[int, Target] = {}
    order = sorted(
        planned,
        key=lambda p: (
            p.parent is not None and p.parent.parent is not None,
            p.parent is not None,
            p.key,
        ),
    )
    for p in order:
        created[p.key] = services.target_create(
            actor=actor,
            book=book,
            name=p.name,
            group=p.group,
            kind=p.kind,
            annual_value=Decimal(str(round(p.value, 4))),
            base_value=None if p.base is None else Decimal(str(round(p.base, 4))),
            indicator=p.indicator,
            metric=p.metric,
            org_unit=p.unit,
            chain=p.chain,
            parent=created[p.parent.key] if p.parent else None,
            profile=p.profile,
            rag_rule=p.rule,
            owner_department=p.owner,
            sort_order=p.key,
        )
    return list(created.values())


def _milestones(
    actor: Any, book: TargetBook, city: OrgUnit, parks: list[Park], chains: list[Chain]
) -> int:
    by_park = {p.name: p for p in parks}
    by_chain = {ch.code: ch for ch in chains}
    count = 0
    for order, (group, title, owner, department, deadline, status, evidence) in enumerate(
        MILESTONES
    ):
        unit = city if owner == "city" else by_park[owner].org_unit if owner in by_park else None
        chain = by_chain.get(owner)
        if unit is None and chain is None:
            continue
        task = services.milestone_task_create(
            actor=actor, book=book, title=title, deadline=deadline, owner_unit=unit, chain=chain,
            owner_department=department, group=group, sort_order=order,
        )  # fmt: skip
        if status != MilestoneStatus.NOT_STARTED:
            services.milestone_task_update(
                actor=actor,
                task=task,
                status=status,
                note="按计划推进。" if status != MilestoneStatus.DONE else "已完成，见佐证材料。",
                evidence_text=evidence,
                on=deadline,
            )
        count += 1
    return count


def _records(actor: Any, book: TargetBook, tasks: list[Any]) -> int:
    figures = dispatch_figures(user=actor, year=FROZEN.year, month=FROZEN.month, book_id=book.pk)
    count = 0
    if figures.parks:
        best = figures.parks[0]
        services.accountability_record_create(
            actor=actor,
            book=book,
            kind=AccountabilityKind.COMMENDATION,
            unit=OrgUnit.objects.get(pk=best.scope_id),
            reason=f"{FROZEN.ytd_label}园区调度排名第1，目标任务全面超时序进度，予以通报表扬。",
            decided_on=dt.date(2026, 10, 20),
            decided_by="州“五好”园区和产业链建设工作专班",
        )
        count += 1
    if figures.counties:
        last = figures.counties[-1]
        task = next((t for t in tasks if t.owner_unit_id == last.scope_id), None)
        services.accountability_record_create(
            actor=actor,
            book=book,
            kind=AccountabilityKind.CRITICISM,
            unit=OrgUnit.objects.get(pk=last.scope_id),
            reason=f"{FROZEN.ytd_label}县市区调度排名末位，{last.red}项指标亮红灯，予以通报批评并限期整改。",
            decided_on=dt.date(2026, 10, 20),
            decided_by="州委督查室",
            task=task,
        )
        count += 1
    return count
