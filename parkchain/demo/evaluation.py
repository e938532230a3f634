"""Demo evaluations for ``seed_demo``: the 2025 亩均 evaluation of 湘西州 and what surrounds it.

What ``make run`` shows (all through the evaluation services, by the demo users):

* evaluation flags of 2025 for a few enterprises (重大事故 → D, 违法用地, 淘汰落后产能, 转租,
  环保/安全处罚, 品牌标准, 军工 → exempt) and deduction/veto events of a few parks;
* ``xiangxi`` v2: the city task force lowers the preset's 亩均税收 floor from 1 to 0.3 万元/亩
  (湘西's 规下 enterprises pay little tax per 亩: under v1 over 40 % of them would be D);
* **final** 湘西州 2025 run (xiangxi v2): publicised 10–17 June 2026, two objections (one
  accepted C → B, one rejected), finalised 23 June;
* **draft** 湘西州 2025 run with the 淮安 preset (方案比较试算);
* **publicised** 吉首市 2025 run (county-level evaluation, xiangxi v2) with an open objection; its
  deadline is two weeks after the day the demo is seeded, so objections can be tried;
* final 2025 "五好" park run and county 亩均 league table (with the grade distribution);
* the 六个清单 of 湘西州 for 2026年1-10月.

Deterministic apart from primary keys and the publicised run's deadline (relative to today).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from parkchain.enterprises.models import Enterprise
from parkchain.evaluation import services
from parkchain.evaluation.models import (
    CountyResult,
    EnterpriseResult,
    EvaluationFlag,
    EvaluationRun,
    ListRow,
    ListSnapshot,
    Objection,
    ParkEvent,
    ParkResult,
    RunInput,
    Scheme,
    SchemeVersion,
)
from parkchain.indicators.models import Observation
from parkchain.organisations.models import OrgUnit, Park, Region

YEAR = 2025
CITY_CODE = "433100"
COUNTY_CODE = "433101"  # 吉首市: the county that runs its own (publicised) evaluation
CST = dt.timezone(dt.timedelta(hours=8))
PUBLISHED_ON = dt.date(2026, 6, 10)
DEADLINE = dt.date(2026, 6, 17)
OBJECTED_ON = dt.date(2026, 6, 12)
DECIDED_ON = dt.date(2026, 6, 22)
FINALISED_ON = dt.date(2026, 6, 23)
LISTS_PERIOD = (2026, 10)
FLOOR_2025 = 0.3  # 万元/亩: the 2025 floor of xiangxi v2

Log = Callable[[str], Any]


@dataclass
class EvaluationDemoSummary:
    runs: int = 0
    final_grades: dict[str, int] = field(default_factory=dict)
    flags: int = 0
    events: int = 0
    objections: int = 0
    list_rows: int = 0
    seconds: float = 0.0
    skipped: str = ""

    def line(self) -> str:
        if self.skipped:
            return f"evaluation: {self.skipped}"
        grades = " ".join(f"{g}{n}" for g, n in sorted(self.final_grades.items()))
        return (
            f"evaluation: {self.runs} runs (final 2025 亩均: {grades}), {self.flags} flags, "
            f"{self.events} park events, {self.objections} objections, {self.list_rows} list rows; "
            f"{self.seconds:.1f} s"
        )


def evaluation_demo_flush() -> None:
    """Delete the demo evaluation data (runs, results, objections, lists, flags, events, the
    versions and schemes the demo added); the preset schemes of the migration stay."""
    ListRow.objects.all().delete()
    ListSnapshot.objects.all().delete()
    Objection.objects.all().delete()
    Objection.history.all().delete()
    for model in (EnterpriseResult, ParkResult, CountyResult, RunInput):
        model.objects.all().delete()
    EvaluationRun.objects.all().delete()
    EvaluationRun.history.all().delete()
    EvaluationFlag.objects.all().delete()
    EvaluationFlag.history.all().delete()
    ParkEvent.objects.all().delete()
    ParkEvent.history.all().delete()
    SchemeVersion.objects.exclude(scheme__is_preset=True, version=1).delete()
    Scheme.objects.filter(is_preset=False).delete()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=CST)


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _flags(actor: Any, rng: random.Random, city: OrgUnit) -> int:
    """A few 2025 facts the schemes read, on enterprises picked deterministically (by credit code)."""
    firms = list(
        Enterprise.objects.filter(org_unit__path__startswith=city.path, is_active=True)
        .exclude(name="酒鬼酒股份有限公司")
        .order_by("credit_code")
        .values_list("pk", "industry_code", "credit_code")
    )
    industrial = [f for f in firms if f[1][:2].isdigit() and 13 <= int(f[1][:2]) <= 43]
    picks = rng.sample(industrial, min(len(industrial), 16))
    plan = [
        ("major_accident", 1, "2025年8月发生较大生产安全事故"),
        ("illegal_land", 1, "卫片执法发现违法占地12亩"),
        ("eliminated_capacity", 1, "列入2025年淘汰落后产能名单"),
        ("zombie", 1, "全年停产"),
        ("sublet", 2, "违规转租厂房给2家企业"),
        ("sublet", 1, "违规转租厂房"),
        ("env_violation", 1, "环保行政处罚1次"),
        ("env_violation", 2, "环保行政处罚2次"),
        ("safety_violation", 1, "安全生产行政处罚1次"),
        ("tax_arrears", 1, "欠缴税款"),
        ("brand_standard", 3, "主导制定行业标准1项、湖南老字号、地理标志产品"),
        ("brand_standard", 1, "主导制定团体标准1项"),
        ("brand_standard", 2, "湖南名牌产品2个"),
        ("military", 1, "军工配套（保密单位）"),
        ("tax_programme", 1, "享受国家税收专项政策"),
        ("energy_saving", 1, "2025年实施节能技改项目"),
    ]
    count = 0
    for (flag, times, note), (enterprise_id, _code, _cc) in zip(plan, picks, strict=False):
        enterprise = Enterprise.objects.select_related("org_unit").get(pk=enterprise_id)
        services.evaluation_flag_set(
            actor=actor, enterprise=enterprise, year=YEAR, flag=flag, count=times, note=note
        )
        count += 1
    return count


def _park_events(actor: Any, city: OrgUnit) -> int:
    parks = list(Park.objects.filter(org_unit__path__startswith=city.path).order_by("name"))
    plan = [
        ("larger_accident", 1, "2025年发生较大生产安全事故1起"),
        ("central_inspection_issue", 3, "中央环保督察反馈问题3项未按期整改"),
        ("provincial_inspection_issue", 2, "省级督察反馈问题2项未按期整改"),
        ("land_disposal_shortfall", 8, "批而未供土地处置率低于年度目标8个百分点"),
        ("negative_case_provincial", 1, "被省级层面通报为反面典型"),
    ]
    count = 0
    for (item, times, note), park in zip(plan, parks[1::2], strict=False):
        services.park_event_set(
            actor=actor, park=park, year=YEAR, item=item, count=times, note=note
        )
        count += 1
    return count


def _objection_target(run: EvaluationRun, grade: str, exclude: set[int]) -> EnterpriseResult | None:
    return (
        run.enterprise_results.filter(grade=grade, status="graded")
        .exclude(enterprise_id__in=exclude)
        .select_related("enterprise__org_unit", "county")
        .order_by("enterprise__credit_code")
        .first()
    )


def _county_user(result: EnterpriseResult, city_admin: Any) -> Any:
    """The demo county user of the result's county, else the city task force."""
    names = {"433101": "county_jishou", "433124": "county_huayuan", "433122": "county_luxi"}
    code = result.county.code if result.county else ""
    return _user(names.get(code, "")) or city_admin


def _backdate(run: EvaluationRun) -> None:
    """The workflow ran through the services today; date it as the demo's story tells it."""
    EvaluationRun.objects.filter(pk=run.pk).update(
        created_at=_at(PUBLISHED_ON - dt.timedelta(days=5)),
        published_at=_at(PUBLISHED_ON) if run.published_at else None,
        finalised_at=_at(FINALISED_ON) if run.finalised_at else None,
    )


def _final_city_run(
    city_admin: Any, version: SchemeVersion, city: OrgUnit
) -> tuple[EvaluationRun, int]:
    run = services.run_create(
        actor=city_admin,
        scheme_version=version,
        year=YEAR,
        region=city,
        title="湘西州2025年度工业企业亩均效益综合评价",
        note="评价对象：全州工业企业（规上、规下分组，按县市区排序）。",
    )
    run = services.run_publish(actor=city_admin, run=run, deadline=DEADLINE, today=PUBLISHED_ON)
    decisions: list[tuple[Objection, bool, str, str | None]] = []
    first = _objection_target(run, "C", set())
    if first is not None:
        objection = services.objection_submit(
            actor=_county_user(first, city_admin),
            run=run,
            enterprise=first.enterprise,
            reason="企业2025年用地中有18亩已于6月出租给关联企业并办理了备案，评价用地面积应相应扣减，请复核。",
            today=OBJECTED_ON,
        )
        note = "经自然资源部门核实，出租土地已备案，扣减用地后亩均税收达到B类水平，调整为B类。"
        decisions.append((objection, True, note, "B"))
    second = _objection_target(run, "D", {first.enterprise_id} if first else set())
    if second is not None:
        objection = services.objection_submit(
            actor=_county_user(second, city_admin),
            run=run,
            enterprise=second.enterprise,
            reason="企业2025年下半年新上技改项目，税收将明显增加，申请不列入D类。",
            today=OBJECTED_ON,
        )
        note = "评价以2025年度实缴税收为准，预期税收不作为调整依据，维持原等级。"
        decisions.append((objection, False, note, None))
    for objection, accept, note, grade in decisions:
        services.objection_decide(
            actor=city_admin,
            objection=objection,
            accept=accept,
            note=note,
            new_grade=grade,
            today=DECIDED_ON,
        )
    objections = len(decisions)
    Objection.objects.filter(run=run).update(
        submitted_at=_at(OBJECTED_ON), decided_at=_at(DECIDED_ON, 16)
    )
    run = services.run_finalise(actor=city_admin, run=run, today=FINALISED_ON)
    _backdate(run)
    return run, objections


def _publicised_county_run(
    city_admin: Any, version: SchemeVersion, county: OrgUnit
) -> tuple[EvaluationRun, int]:
    run = services.run_create(
        actor=city_admin,
        scheme_version=version,
        year=YEAR,
        region=county,
        title="吉首市2025年度工业企业亩均效益评价（公示）",
    )
    today = timezone.localdate()
    run = services.run_publish(actor=city_admin, run=run, deadline=today + dt.timedelta(days=14))
    target = _objection_target(run, "C", set()) or _objection_target(run, "D", set())
    if target is None:
        return run, 0
    services.objection_submit(
        actor=_county_user(target, city_admin),
        run=run,
        enterprise=target.enterprise,
        reason="企业反映2025年研发投入统计口径有误，R&D经费应按107-1表调整，请复核评价结果。",
    )
    return run, 1


def _final_simple_run(
    city_admin: Any, scheme_code: str, city: OrgUnit, title: str
) -> EvaluationRun:
    version = SchemeVersion.objects.filter(scheme__code=scheme_code).order_by("-version").first()
    if version is None:
        raise RuntimeError(
            f"the preset scheme {scheme_code} is missing (evaluation migration 0002)"
        )
    run = services.run_create(
        actor=city_admin, scheme_version=version, year=YEAR, region=city, title=title
    )
    run = services.run_publish(actor=city_admin, run=run, deadline=DEADLINE, today=PUBLISHED_ON)
    run = services.run_finalise(actor=city_admin, run=run, today=FINALISED_ON)
    _backdate(run)
    return run


@transaction.atomic
def evaluation_demo_seed(*, seed: int, log: Log | None = None) -> EvaluationDemoSummary:
    """Seed the demo evaluations (see the module docstring); skipped without 2025 annual data."""
    started = time.perf_counter()
    summary = EvaluationDemoSummary()
    region = Region.objects.filter(code=CITY_CODE).select_related("org_unit").first()
    city = region.org_unit if region else None
    city_admin = _user("city")
    if city is None or city_admin is None:
        summary.skipped = "no 湘西州 or no city task-force user; nothing seeded"
        return summary
    if not Observation.objects.filter(year=YEAR, month=0).exists():
        summary.skipped = f"no {YEAR} annual data (--no-observations); nothing seeded"
        return summary
    rng = random.Random(f"parkchain-demo-evaluation:{seed}")
    summary.flags = _flags(city_admin, rng, city)
    summary.events = _park_events(city_admin, city)

    preset = Scheme.objects.get(code="xiangxi")
    v1 = preset.versions.get(version=1)
    definition = dict(v1.definition)
    definition["abs_floor_d"] = {**definition["abs_floor_d"], "value": FLOOR_2025}
    v2 = services.scheme_version_create(
        actor=city_admin,
        scheme=preset,
        definition=definition,
        note="2025年度：全州规下企业税源薄，亩均税收D类底线由1万元/亩下调至0.3万元/亩（州工信局确认）。",
    )
    final, objections = _final_city_run(city_admin, v2, city)
    summary.objections += objections
    huaian = SchemeVersion.objects.filter(scheme__code="huaian").order_by("-version").first()
    if huaian is not None:
        services.run_create(
            actor=city_admin,
            scheme_version=huaian,
            year=YEAR,
            region=city,
            title="湘西州2025年度亩均评价（淮安方案比较试算）",
            note="草稿：与本州方案比较分组与分档的差异，不公示。",
        )
    county = Region.objects.filter(code=COUNTY_CODE).select_related("org_unit").first()
    if county is not None and county.org_unit is not None:
        _run, objections = _publicised_county_run(city_admin, v2, county.org_unit)
        summary.objections += objections
    _final_simple_run(city_admin, "five_good", city, "湘西州2025年度“五好”园区综合评价")
    _final_simple_run(city_admin, "county_mu", city, "湘西州2025年度县市区亩均效益评价")
    snapshot = services.lists_build(
        actor=city_admin, year=LISTS_PERIOD[0], month=LISTS_PERIOD[1], scope=city
    )
    summary.list_rows = snapshot.rows.count()
    summary.runs = EvaluationRun.objects.count()
    grades: dict[str, int] = {}
    for grade in final.enterprise_results.exclude(grade="").values_list("grade", flat=True):
        grades[grade] = grades.get(grade, 0) + 1
    summary.final_grades = grades
    summary.seconds = time.perf_counter() - started
    if log:
        log(f"  {summary.line()}")
    return summary
