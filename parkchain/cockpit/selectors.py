"""Reads of the cockpit (驾驶舱) beyond the month's dispatch figures: what it is focused on (the
city, a county, a park or a chain), the key figures of the enterprises there and the latest 亩均
class distribution — each through the owning app's scoped selectors, in a fixed number of queries
whatever the number of counties, parks or enterprises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from engine.periods import Month
from parkchain.chains.models import Chain
from parkchain.chains.selectors import chain_link_list, chain_options
from parkchain.evaluation.models import EvaluationRun, RunStatus, SchemeKind
from parkchain.evaluation.selectors import (
    DistributionRow,
    enterprise_result_list,
    grade_distribution,
    run_list,
)
from parkchain.indicators.selectors import enterprise_values
from parkchain.organisations.models import OrgUnit, Park
from parkchain.organisations.scopes import get_in_scope
from parkchain.organisations.selectors import county_list, park_options
from parkchain.targets.figures import CHAIN, TargetFigure
from parkchain.targets.models import MilestoneTask

User = AbstractBaseUser | AnonymousUser

FocusKind = Literal["city", "county", "park", "chain"]
OUTPUT = "output_value"  # 工业总产值, the order of the enterprise table
KEY_INDICATORS = ("output_value", "revenue", "tax")  # 工业总产值, 营业收入, 实缴税金
ENTERPRISES_SHOWN = 10


@dataclass(frozen=True)
class Focus:
    """What the cockpit shows: the whole scope ("city"), or one county, park (org units) or chain."""

    kind: FocusKind
    unit: OrgUnit | None = None
    park: Park | None = None
    chain: Chain | None = None
    home: bool = False  # the user's whole scope: his one county, park or chain

    @property
    def name(self) -> str:
        if self.chain is not None:
            return self.chain.name
        return self.unit.name if self.unit is not None else ""

    @property
    def path(self) -> str | None:
        return self.unit.path if self.unit is not None else None

    def covers(self, figure: TargetFigure) -> bool:
        """A target about the focus or a unit under it (the city: every target)."""
        if self.kind == "city":
            return True
        if self.chain is not None:
            return figure.scope_kind == CHAIN and figure.scope_id == self.chain.pk
        unit = figure.target.org_unit
        return unit is not None and self.path is not None and unit.path.startswith(self.path)

    def covers_task(self, task: MilestoneTask) -> bool:
        """A milestone owned by the focus or a unit under it, or by the focused chain."""
        if self.kind == "city":
            return True
        if self.chain is not None:
            return task.chain_id == self.chain.pk
        unit = task.owner_unit
        return unit is not None and self.path is not None and unit.path.startswith(self.path)

    def is_about(self, figure: TargetFigure) -> bool:
        """A target of the focus itself (its KPI cards)."""
        if self.chain is not None:
            return figure.scope_kind == CHAIN and figure.scope_id == self.chain.pk
        return (
            self.unit is not None and figure.scope_id == self.unit.pk and figure.scope_kind != CHAIN
        )


def cockpit_focus(
    *,
    user: User,
    county_id: int | None = None,
    park_id: int | None = None,
    chain_id: int | None = None,
) -> Focus:
    """The drill-down asked for (``park_id`` and ``county_id`` are org unit ids, as in the
    rankings); 404 when the county, park or chain is missing or outside the user's scope."""
    if park_id is not None:
        park = get_in_scope(
            park_options(user=user).defer(None).select_related("org_unit"), org_unit_id=park_id
        )
        return Focus("park", unit=park.org_unit, park=park)
    if county_id is not None:
        return Focus("county", unit=get_in_scope(county_list(user=user), pk=county_id))
    if chain_id is not None:
        return Focus("chain", chain=get_in_scope(chain_options(user=user), pk=chain_id))
    return Focus("city")


@dataclass(frozen=True)
class EnterpriseFigures:
    """One enterprise's 1-N月 key figures (万元) and its latest 亩均 class."""

    enterprise_id: int
    name: str
    output: float | None
    output_growth: float | None  # 同比 %, on the same month of last year
    revenue: float | None
    tax: float | None
    grade: str


def cockpit_enterprises(
    *,
    user: User,
    period: Month,
    focus: Focus,
    run: EvaluationRun | None,
    limit: int = ENTERPRISES_SHOWN,
) -> list[EnterpriseFigures]:
    """The focus's largest enterprises by 1-N月 工业总产值 that the user may see (placed where they
    are today, as the targets count them), with 营业收入, 实缴税金, the output's 同比 and the class
    of ``run``. Empty for the city as a whole (the cockpit drills down first). Four queries,
    whatever the number of enterprises."""
    if focus.kind == "city":
        return []
    top = enterprise_values(user=user, year=period.year, month=period.month, codes=[OUTPUT])
    if focus.chain is not None:
        on_chain = chain_link_list(user=user, chain=focus.chain).values("enterprise__org_unit_id")
        top = top.filter(org_unit_id__in=on_chain)
    else:
        top = top.filter(org_unit__path__startswith=focus.path or "")
    rows = list(
        top.order_by("-value", "org_unit_id").values_list(
            "org_unit_id", "org_unit__enterprise__id", "org_unit__name", "value"
        )[:limit]
    )
    if not rows:
        return []
    units = [row[0] for row in rows]
    values: dict[tuple[int, str], float] = {
        (unit_id, code): float(value)
        for unit_id, code, value in enterprise_values(
            user=user, year=period.year, month=period.month, codes=KEY_INDICATORS[1:]
        )
        .filter(org_unit_id__in=units)
        .values_list("org_unit_id", "indicator__code", "value")
    }
    before = {
        unit_id: float(value)
        for unit_id, value in enterprise_values(
            user=user, year=period.year - 1, month=period.month, codes=[OUTPUT]
        )
        .filter(org_unit_id__in=units)
        .values_list("org_unit_id", "value")
    }
    grades: dict[int, str] = {}
    if run is not None:
        grades = dict(
            enterprise_result_list(user=user, run=run)
            .filter(enterprise_id__in=[row[1] for row in rows])
            .values_list("enterprise_id", "grade")
        )
    result = []
    for unit_id, enterprise_id, name, output in rows:
        last = before.get(unit_id)
        growth = (float(output) / last - 1) * 100 if last else None
        result.append(
            EnterpriseFigures(
                enterprise_id=enterprise_id,
                name=name,
                output=float(output),
                output_growth=growth,
                revenue=values.get((unit_id, "revenue")),
                tax=values.get((unit_id, "tax")),
                grade=grades.get(enterprise_id, ""),
            )
        )
    return result


def latest_mu_run(*, user: User) -> EvaluationRun | None:
    """The latest 亩均 evaluation of enterprises the user may read: a final one if any."""
    runs = run_list(user=user, kind=SchemeKind.ENTERPRISE_MU).exclude(status=RunStatus.WITHDRAWN)
    return runs.filter(status=RunStatus.FINAL).first() or runs.first()


def cockpit_grades(*, user: User, run: EvaluationRun, focus: Focus) -> list[DistributionRow]:
    """The run's A/B/C/D distribution where the cockpit looks: by county (the city), by park (a
    county: its parks; a park: itself), or the chain's own row."""
    if focus.kind == "chain" and focus.chain is not None:
        chain_id = focus.chain.pk
        return [r for r in grade_distribution(user=user, run=run, by="chain") if r.key == chain_id]
    if focus.kind == "city":
        return grade_distribution(user=user, run=run, by="county")
    parks = grade_distribution(user=user, run=run, by="park")
    if focus.park is not None:
        return [r for r in parks if r.key == focus.park.pk]
    county_id = focus.unit.pk if focus.unit is not None else 0
    in_county = set(park_options(user=user, county_id=county_id).values_list("pk", flat=True))
    return [r for r in parks if r.key in in_county]
