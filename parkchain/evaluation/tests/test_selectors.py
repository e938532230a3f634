"""Reads: explanations, filters that never widen the scope, distributions, latest grades, tax masking."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.http import Http404

from parkchain.evaluation.models import EnterpriseResult, ListKind
from parkchain.evaluation.selectors import (
    enterprise_latest_grade,
    enterprise_result_explain,
    enterprise_result_get,
    enterprise_result_list,
    grade_distribution,
    list_snapshot_rows,
    run_get,
)
from parkchain.evaluation.services import (
    county_run_create,
    lists_build,
    run_create,
    run_finalise,
    run_publish,
    scheme_version_create,
)
from parkchain.evaluation.tests import world as ew

pytestmark = pytest.mark.django_db


def test_an_explanation_adds_up_and_names_the_levers(city_run, city_analyst, figures):
    # given
    result = EnterpriseResult.objects.get(run=city_run, enterprise=figures.enterprise_a1)
    # when
    explanation = enterprise_result_explain(user=city_analyst, result=result)
    # then
    assert explanation.components[0].indicator == "tax_per_mu"
    assert sum(c.score for c in explanation.components) == pytest.approx(result.base_score)
    assert {b["indicator"] for b in explanation.benchmarks} >= {"tax_per_mu"}
    assert all(b["pool"] == result.pool for b in explanation.benchmarks)
    assert set(explanation.levers) == {
        "land",
        "power",
        "energy_quota",
        "emission_rights",
        "subsidies",
    }


def test_the_explanation_says_what_class_a_would_take(figures, city_analyst, xiangxi):
    # given: cuts that give county A's pool of three one A (rank 1 of 3), 亩均税收 uncapped
    definition = copy.deepcopy(xiangxi.definition)
    definition["groups"][0]["cuts"] = {"A": 0.34, "B": 0.67, "C": 0.99}
    definition["groups"][0]["indicators"][0]["cap_mult"] = None
    definition["a_min"] = None
    version = scheme_version_create(
        actor=city_analyst, scheme=xiangxi.scheme, definition=definition
    )
    run = run_create(actor=city_analyst, scheme_version=version, year=ew.YEAR, region=figures.city)
    second = EnterpriseResult.objects.get(run=run, pool="above/433101", rank=2)
    leader = EnterpriseResult.objects.get(run=run, pool="above/433101", rank=1)
    assert (leader.grade, second.grade) == ("A", "B")
    # when
    explanation = enterprise_result_explain(user=city_analyst, result=second)
    # then: the tax per 亩 (and the tax in 万元) that would reach the lowest A total
    lift = explanation.lift
    assert lift is not None
    assert (lift.target, lift.indicator, lift.numerator) == ("A", "tax_per_mu", "tax_annual")
    assert lift.required_value > lift.current_value
    assert lift.target_total == pytest.approx(leader.total)
    assert lift.numerator_increase > 0
    # and none for the enterprise already in A
    assert enterprise_result_explain(user=city_analyst, result=leader).lift is None


def test_result_filters_narrow_and_never_widen_the_scope(
    city_run, county_a_user, city_analyst, figures
):
    # a county-B filter gives nothing to county A
    assert not enterprise_result_list(
        user=county_a_user, run=city_run, county_id=figures.county_b.pk
    ).exists()
    names = {
        r.enterprise.name
        for r in enterprise_result_list(
            user=city_analyst, run=city_run, county_id=figures.county_b.pk
        )
    }
    assert names == {"边城供应链有限公司", "矮寨锌业有限公司"}
    by_park = enterprise_result_list(user=city_analyst, run=city_run, park_id=figures.park_a1.pk)
    assert {r.enterprise for r in by_park} == {figures.enterprise_a1, figures.enterprise_a1_second}
    by_chain = enterprise_result_list(user=city_analyst, run=city_run, chain_id=figures.chain_y.pk)
    assert {r.enterprise for r in by_chain} == {figures.enterprise_b1, figures.enterprise_moved}
    by_q = enterprise_result_list(
        user=city_analyst, run=city_run, q=figures.enterprise_a1.credit_code.lower()
    )
    assert [r.enterprise for r in by_q] == [figures.enterprise_a1]
    graded = enterprise_result_list(
        user=city_analyst, run=city_run, status="graded", order="-total"
    )
    totals = [r.total for r in graded]
    assert totals == sorted(totals, reverse=True)


def test_a_result_is_found_by_id_or_by_run_and_enterprise(city_run, enterprise_user, figures):
    own = EnterpriseResult.objects.get(run=city_run, enterprise=figures.enterprise_a1)
    other = EnterpriseResult.objects.get(run=city_run, enterprise=figures.enterprise_a1_second)
    assert enterprise_result_get(user=enterprise_user, pk=own.pk) == own
    assert (
        enterprise_result_get(
            user=enterprise_user, run=city_run, enterprise_pk=figures.enterprise_a1.pk
        )
        == own
    )
    with pytest.raises(Http404):
        enterprise_result_get(user=enterprise_user, pk=other.pk)
    with pytest.raises(Http404):
        enterprise_result_explain(user=enterprise_user, result=other)


def test_the_grade_distribution_matches_the_county_run(city_run, city_analyst, figures):
    # given
    county = county_run_create(
        actor=city_analyst,
        scheme_version=ew.version("county_mu"),
        year=ew.YEAR,
        region=figures.city,
    )
    stored = {r.county_id: r.distribution for r in county.county_results.all()}
    # when
    rows = {
        row.key: row for row in grade_distribution(user=city_analyst, run=city_run, by="county")
    }
    # then: the same numbers on the page and in the county league table
    for county_id, distribution in stored.items():
        row = rows[county_id]
        assert (row.n_graded, row.n_a, row.n_b, row.n_c, row.n_d) == (
            distribution["n_graded"],
            distribution["n_a"],
            distribution["n_b"],
            distribution["n_c"],
            distribution["n_d"],
        )
        assert row.land_d_mu == pytest.approx(distribution["land_d_mu"])


def test_a_county_sees_only_its_own_counties_in_the_distribution(city_run, county_a_user, figures):
    rows = grade_distribution(user=county_a_user, run=city_run, by="county")
    assert [(row.name, row.n_total) for row in rows] == [("吉首市", 3)]


def test_no_latest_grade_before_a_run_is_final(city_run, city_analyst, figures):
    assert enterprise_latest_grade(user=city_analyst, enterprise=figures.enterprise_a1) is None
    run_publish(
        actor=city_analyst, run=city_run, deadline=dt.date(2026, 6, 17), today=dt.date(2026, 6, 10)
    )
    run_finalise(actor=city_analyst, run=city_run, today=dt.date(2026, 6, 18))
    latest = enterprise_latest_grade(user=city_analyst, enterprise=figures.enterprise_a1)
    assert latest is not None
    assert (
        latest.grade
        == EnterpriseResult.objects.get(run=city_run, enterprise=figures.enterprise_a1).grade
    )
    assert run_get(user=city_analyst, pk=city_run.pk) == latest.run


@pytest.fixture
def snapshot(figures, city_analyst):
    return lists_build(actor=city_analyst, year=ew.YEAR, month=0, scope=figures.city)


@pytest.mark.parametrize(
    ("persona", "hidden"),
    [
        ("city_analyst", False),
        ("leader", False),
        ("county_a_user", False),
        ("tax_department_user", False),
        ("enterprise_user", False),
        ("park_a1_user", True),
        ("chain_office_user", True),
        ("supervisor", True),
    ],
)
def test_tax_amounts_show_only_to_authorised_roles(request, snapshot, persona, hidden):
    # given
    user = request.getfixturevalue(persona)
    # when
    entries = list_snapshot_rows(user=user, snapshot=snapshot, kind=ListKind.TOP_TAX)
    # then: the rows (rank, enterprise) are there, the amounts only for authorised roles
    assert entries
    for entry in entries:
        assert entry.amount_hidden is hidden
        assert (entry.value is None) is hidden
        assert (entry.evidence == "") is hidden
    other = list_snapshot_rows(user=user, snapshot=snapshot, kind=ListKind.TOP_OUTPUT)
    assert all(e.value is not None and not e.amount_hidden for e in other)
