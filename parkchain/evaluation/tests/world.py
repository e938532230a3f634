"""Evaluation data on the root ``world`` (conftest.py): 2025 figures, runs, objections, lists.

Used by this app's tests and by the scope-leak matrix (parkchain/organisations/tests/
test_scope_matrix.py). Every builder is idempotent within a test (it looks for what it made), so
the matrix can call it from each case. Runs are made by ``eval_admin`` (a superuser outside the
personas) through the services.

The 2025 figures (万元, tce, t, persons; land 30 亩 each, from the factory) give, in the city run
with the ``xiangxi`` preset, pools per county: county A 湘泉酿酒 / 峒河新材料 / 乾州食品 (graded),
county B 矮寨锌业 (graded) and 边城供应链 (5990, services: excluded).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from parkchain.enterprises.models import Enterprise
from parkchain.evaluation import services
from parkchain.evaluation.models import (
    EvaluationRun,
    ListSnapshot,
    Objection,
    SchemeVersion,
)
from parkchain.indicators.models import Indicator, Observation, Source
from parkchain.organisations.tests.factories import UserFactory

YEAR = 2025
# name → tax, value added, revenue, energy, emissions, employees, R&D, electricity (annual)
ANNUAL: dict[str, tuple[float, ...]] = {
    "湘泉酿酒有限公司": (900, 3000, 9000, 1500, 3.0, 300, 360, 500),
    "峒河新材料有限公司": (240, 1200, 4800, 2400, 6.0, 150, 96, 800),
    "乾州食品有限公司": (60, 500, 2600, 400, 2.0, 120, 0, 150),
    "边城供应链有限公司": (120, 400, 3000, 100, 0.5, 40, 0, 60),
    "矮寨锌业有限公司": (150, 900, 6000, 9000, 12.0, 200, 30, 3000),
    "天门山莓茶有限公司": (200, 800, 3500, 300, 1.0, 90, 40, 120),
}
ANNUAL_CODES = (
    "tax_annual",
    "value_added_annual",
    "revenue_annual",
    "energy_tce",
    "emissions",
    "employees_avg",
    "rnd_annual",
    "electricity_annual",
)
MONTHLY_CODES = ("output_value", "revenue", "tax", "profit", "electricity")


def add_figures(world: Any, year: int = YEAR) -> None:
    """Annual 亩均 data and December 本年累计 of ``year`` for the world's enterprises (once)."""
    codes = dict(Indicator.objects.values_list("code", "pk"))
    if Observation.objects.filter(year=year, month=0, indicator_id=codes["tax_annual"]).exists():
        return
    rows = []
    for enterprise in world.enterprises:
        figures = ANNUAL[enterprise.name]
        for code, value in zip(ANNUAL_CODES, figures, strict=True):
            rows.append((codes[code], enterprise.org_unit_id, 0, value))
        tax, revenue = figures[0], figures[2]
        monthly = (revenue * 1.02, revenue, tax, revenue * 0.08, figures[7])
        for code, value in zip(MONTHLY_CODES, monthly, strict=True):
            rows.append((codes[code], enterprise.org_unit_id, 12, value))
    Observation.objects.bulk_create(
        Observation(
            indicator_id=indicator,
            org_unit_id=unit,
            year=year,
            month=month,
            value=Decimal(str(round(value, 4))),
            source=Source.SEED,
        )
        for indicator, unit, month, value in rows
    )


def admin_user() -> Any:
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(username="eval_admin").first()
    return found or UserFactory.create(username="eval_admin", is_superuser=True, is_staff=True)


def version(code: str) -> SchemeVersion:
    return SchemeVersion.objects.filter(scheme__code=code).order_by("-version").first()  # type: ignore[return-value]


@dataclass(frozen=True)
class Runs:
    city: EvaluationRun  # 湘西州, publicised, an objection per enterprise
    county_a: EvaluationRun  # 吉首市, final
    other_city: EvaluationRun  # 张家界市, publicised, an objection for its enterprise

    @property
    def all(self) -> list[EvaluationRun]:
        return [self.city, self.county_a, self.other_city]


def _named(run: EvaluationRun) -> EvaluationRun:
    run.name = f"{run.region.name}:{run.kind}"  # type: ignore[attr-defined]  # for GetCase
    return run


def enterprise_runs(world: Any) -> Runs:
    """Three enterprise 亩均 runs (xiangxi v1) of 2025: city (publicised, with objections),
    county A (final) and the other city (publicised, with an objection)."""
    found = {
        r.title: r
        for r in EvaluationRun.objects.filter(title__startswith="matrix-mu-").select_related(
            "region"
        )
    }
    if len(found) == 3:
        return Runs(
            city=_named(found["matrix-mu-city"]),
            county_a=_named(found["matrix-mu-county-a"]),
            other_city=_named(found["matrix-mu-other"]),
        )
    add_figures(world)
    admin = admin_user()
    v = version("xiangxi")
    today = timezone.localdate()
    city = services.run_create(
        actor=admin, scheme_version=v, year=YEAR, region=world.city, title="matrix-mu-city"
    )
    county_a = services.run_create(
        actor=admin, scheme_version=v, year=YEAR, region=world.county_a, title="matrix-mu-county-a"
    )
    other = services.run_create(
        actor=admin, scheme_version=v, year=YEAR, region=world.other_city, title="matrix-mu-other"
    )
    for run in (city, other):
        services.run_publish(actor=admin, run=run, deadline=today + dt.timedelta(days=7))
        for result in run.enterprise_results.select_related("enterprise__org_unit"):
            services.objection_submit(
                actor=admin,
                run=run,
                enterprise=result.enterprise,
                reason=f"matrix objection of {result.enterprise.name}",
            )
    services.run_publish(actor=admin, run=county_a, deadline=today)
    services.run_finalise(actor=admin, run=county_a, today=today + dt.timedelta(days=1))
    return enterprise_runs(world)


def park_run(world: Any) -> EvaluationRun:
    found = EvaluationRun.objects.filter(title="matrix-park").select_related("region").first()
    if found:
        return _named(found)
    add_figures(world)
    run = services.park_run_create(
        actor=admin_user(),
        scheme_version=version("five_good"),
        year=YEAR,
        region=world.city,
        title="matrix-park",
    )
    return _named(run)


def county_run(world: Any) -> EvaluationRun:
    found = EvaluationRun.objects.filter(title="matrix-county").select_related("region").first()
    if found:
        return _named(found)
    add_figures(world)
    run = services.county_run_create(
        actor=admin_user(),
        scheme_version=version("county_mu"),
        year=YEAR,
        region=world.city,
        title="matrix-county",
    )
    return _named(run)


def all_runs(world: Any) -> list[EvaluationRun]:
    return [*enterprise_runs(world).all, park_run(world), county_run(world)]


def snapshots(world: Any) -> list[ListSnapshot]:
    """The 2025 lists of the city and of the other city, each named after its unit."""
    found = list(
        ListSnapshot.objects.filter(title__startswith="matrix-lists").select_related("scope_unit")
    )
    if len(found) < 2:
        add_figures(world)
        admin = admin_user()
        found = [
            services.lists_build(
                actor=admin, year=YEAR, month=0, scope=unit, title=f"matrix-lists-{unit.name}"
            )
            for unit in (world.city, world.other_city)
        ]
    for snapshot in found:
        snapshot.name = snapshot.scope_unit.name  # type: ignore[attr-defined]
    return found


def objections(world: Any) -> list[Objection]:
    enterprise_runs(world)
    return list(Objection.objects.select_related("enterprise", "run"))


def enterprise_named(name: str) -> Enterprise:
    return Enterprise.objects.select_related("org_unit").get(name=name)
