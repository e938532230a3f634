"""Creating runs: inputs gathered as of the year end, engine results stored, who may run them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from parkchain.core.errors import ApplicationError
from parkchain.evaluation.inputs import frame_from_parquet
from parkchain.evaluation.models import (
    EnterpriseResult,
    EvaluationFlag,
    ParkEvent,
    RunInput,
    RunStatus,
    SchemeKind,
)
from parkchain.evaluation.services import (
    county_run_create,
    evaluation_flag_set,
    park_event_set,
    park_run_create,
    run_create,
)
from parkchain.evaluation.tests import world as ew
from parkchain.organisations.models import OrgUnitKind
from parkchain.organisations.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_a_run_stores_its_inputs_results_and_hashes(city_run, figures):
    # then: one result per enterprise of the city (in operation at the end of 2025)
    results = {
        r.enterprise.name: r for r in city_run.enterprise_results.select_related("enterprise")
    }
    assert set(results) == {e.name for e in figures.enterprises} - {"天门山莓茶有限公司"}
    assert city_run.status == RunStatus.DRAFT
    assert city_run.kind == SchemeKind.ENTERPRISE_MU
    assert len(city_run.input_hash) == 64
    assert len(city_run.result_hash) == 64
    stored = frame_from_parquet(RunInput.objects.get(run=city_run, name="enterprises").data)
    assert stored.height == 5
    assert (
        stored.filter(stored["enterprise_id"] == figures.enterprise_a1.pk)["tax_annual"][0] == 900
    )
    # services firms are outside the industrial scope; the others are graded with components
    assert results["边城供应链有限公司"].status == "excluded"
    graded = results["湘泉酿酒有限公司"]
    assert graded.grade in "ABCD"
    assert graded.grade == graded.computed_grade
    assert sum(c["score"] for c in graded.components) == pytest.approx(graded.base_score)
    assert graded.total == pytest.approx(graded.base_score + graded.bonus - graded.penalty)
    assert city_run.benchmarks


def test_an_enterprise_is_attributed_where_it_was_at_the_end_of_the_year(city_run, figures):
    # 矮寨锌业 moved from park A1 (county A) to park B1 (county B) on 2025-07-01
    moved = EnterpriseResult.objects.get(run=city_run, enterprise=figures.enterprise_moved)
    assert moved.park == figures.park_b1
    assert moved.county == figures.county_b
    assert moved.pool.endswith("433124")


def test_qualifications_and_flags_reach_the_engine(figures, city_analyst, xiangxi):
    # given: every world enterprise is 高新技术企业; 峒河新材料 had a major accident in 2025
    evaluation_flag_set(
        actor=city_analyst,
        enterprise=figures.enterprise_a1_second,
        year=ew.YEAR,
        flag="major_accident",
        note="较大事故",
    )
    # when
    run = run_create(actor=city_analyst, scheme_version=xiangxi, year=ew.YEAR, region=figures.city)
    # then
    frame = frame_from_parquet(RunInput.objects.get(run=run, name="enterprises").data)
    flags = dict(zip(frame["enterprise_id"].to_list(), frame["flags"].to_list(), strict=True))
    assert "hitech" in flags[figures.enterprise_a1.pk]
    assert "major_accident" in flags[figures.enterprise_a1_second.pk]
    forced = EnterpriseResult.objects.get(run=run, enterprise=figures.enterprise_a1_second)
    assert (forced.grade, forced.grade_reason) == ("D", "forced_d:major_accident")
    bonus = EnterpriseResult.objects.get(run=run, enterprise=figures.enterprise_a1)
    assert bonus.bonus == pytest.approx(3.0)  # 高新技术企业


def test_a_flag_with_count_zero_is_removed(figures, city_analyst):
    evaluation_flag_set(
        actor=city_analyst, enterprise=figures.enterprise_a1, year=ew.YEAR, flag="sublet", count=2
    )
    evaluation_flag_set(
        actor=city_analyst, enterprise=figures.enterprise_a1, year=ew.YEAR, flag="sublet", count=0
    )
    assert not EvaluationFlag.objects.exists()


@pytest.mark.parametrize(
    "persona", ["county_a_user", "leader", "supervisor", "park_a1_user", "enterprise_user"]
)
def test_only_the_city_task_force_creates_runs(request, persona, figures, xiangxi):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        run_create(actor=user, scheme_version=xiangxi, year=ew.YEAR, region=figures.city)


def test_a_city_task_force_cannot_evaluate_another_city(figures, city_analyst, xiangxi):
    with pytest.raises(PermissionDenied):
        run_create(
            actor=city_analyst, scheme_version=xiangxi, year=ew.YEAR, region=figures.other_city
        )


def test_a_region_without_enterprises_is_refused(figures, city_analyst, xiangxi):
    empty = OrgUnitFactory.create(
        name="古丈县", kind=OrgUnitKind.COUNTY, parent=figures.city, code="433126"
    )
    with pytest.raises(ApplicationError, match="古丈县"):
        run_create(actor=city_analyst, scheme_version=xiangxi, year=ew.YEAR, region=empty)


def test_a_park_scheme_given_to_run_create_makes_a_park_run(figures, city_analyst):
    run = run_create(
        actor=city_analyst,
        scheme_version=ew.version("five_good"),
        year=ew.YEAR,
        region=figures.city,
    )
    assert run.kind == SchemeKind.PARK_FIVE_GOOD
    assert {r.park for r in run.park_results.all()} == {figures.park_a1, figures.park_b1}


def test_a_park_veto_ranks_the_park_last(figures, city_analyst):
    # given
    park_event_set(actor=city_analyst, park=figures.park_a1, year=ew.YEAR, item="statistical_fraud")
    park_event_set(
        actor=city_analyst, park=figures.park_b1, year=ew.YEAR, item="larger_accident", count=2
    )
    # when
    run = park_run_create(
        actor=city_analyst,
        scheme_version=ew.version("five_good"),
        year=ew.YEAR,
        region=figures.city,
    )
    # then
    rows = {r.park: r for r in run.park_results.all()}
    assert rows[figures.park_a1].veto
    assert rows[figures.park_a1].veto_items == ["statistical_fraud"]
    assert rows[figures.park_a1].rank == 2
    assert rows[figures.park_b1].deductions == pytest.approx(2.0)
    assert ParkEvent.objects.count() == 2
    components = rows[figures.park_b1].components
    assert sum(c["score"] for c in components) == pytest.approx(
        rows[figures.park_b1].part1 + rows[figures.park_b1].part2
    )


def test_a_county_run_ranks_counties_and_reports_the_grade_distribution(
    city_run, figures, city_analyst
):
    # when
    run = county_run_create(
        actor=city_analyst,
        scheme_version=ew.version("county_mu"),
        year=ew.YEAR,
        region=figures.city,
    )
    # then
    rows = {r.county: r for r in run.county_results.all()}
    assert set(rows) == {figures.county_a, figures.county_b}
    assert sorted(r.rank for r in rows.values()) == [1, 2]
    county_a = rows[figures.county_a].distribution
    graded = city_run.enterprise_results.filter(county=figures.county_a, status="graded")
    assert county_a["run_id"] == city_run.pk
    assert county_a["n_graded"] == graded.count()
    assert county_a["n_d"] == graded.filter(grade="D").count()


def test_run_kind_and_scheme_kind_must_agree(figures, city_analyst, xiangxi):
    with pytest.raises(ApplicationError):
        park_run_create(
            actor=city_analyst, scheme_version=xiangxi, year=ew.YEAR, region=figures.city
        )


def test_gathering_inputs_names_the_firms_instead_of_nesting_the_scoped_query(
    figures, city_analyst
):
    # PostgreSQL planned nested loops over every observation when each read re-embedded the
    # scoped enterprise query as a sub-query (minutes on the demo city): the firms are read once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parkchain.evaluation.inputs import enterprise_inputs

    with CaptureQueriesContext(connection) as captured:
        found = enterprise_inputs(actor=city_analyst, region=figures.city, year=ew.YEAR)
    assert found.frame.height == len(found.units) == 5
    reads = [q["sql"] for q in captured.captured_queries]
    assert len([sql for sql in reads if "enterprises_enterprise" in sql]) == 1
    observations = [sql for sql in reads if "indicators_observation" in sql]
    assert len(observations) == 1
    assert "SELECT" not in observations[0].split(" WHERE ", 1)[1]


def test_the_parks_annual_report_feeds_the_five_good_part_one(figures, city_analyst):
    # given: the 园区年报 of 2025 — 营商环境 95 分 for park A1, 80 分 for park B1
    from decimal import Decimal

    from parkchain.indicators.models import Indicator, Observation

    score = Indicator.objects.get(code="business_env_score")
    for park, value in ((figures.park_a1, 95), (figures.park_b1, 80)):
        Observation.objects.create(
            indicator=score,
            org_unit=park.org_unit,
            year=ew.YEAR,
            month=0,
            value=Decimal(value),
            source="excel",
        )
    # when
    run = park_run_create(
        actor=city_analyst,
        scheme_version=ew.version("five_good"),
        year=ew.YEAR,
        region=figures.city,
    )
    # then: the reported scores are the values scored, and the better park scores more
    scored = {
        r.park: next(c for c in r.components if c["indicator"] == "business_env_score")
        for r in run.park_results.all()
    }
    assert scored[figures.park_a1]["value"] == 95
    assert scored[figures.park_b1]["value"] == 80
    assert scored[figures.park_a1]["score"] > scored[figures.park_b1]["score"]


def test_inputs_are_the_same_when_the_firms_are_too_many_to_send_as_parameters(
    figures, city_analyst, monkeypatch
):
    # a province's 50,000 enterprises pass SQLite's bound-parameter limit: the reads then go
    # unfiltered and the rows are kept to the firms in Python
    from parkchain.core import ids
    from parkchain.evaluation.inputs import enterprise_inputs

    listed = enterprise_inputs(actor=city_analyst, region=figures.city, year=ew.YEAR)
    monkeypatch.setattr(ids, "MAX_ID_PARAMETERS", 0)
    unfiltered = enterprise_inputs(actor=city_analyst, region=figures.city, year=ew.YEAR)
    assert unfiltered.frame.equals(listed.frame)
    assert unfiltered.units == listed.units
