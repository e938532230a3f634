"""The seeded reported data (county scale): consistent 本年累计 series, rules hold, 规上 only, submissions."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from parkchain.demo.generator import demo_seed
from parkchain.demo.observations import LAST_PERIOD
from parkchain.enterprises.models import AboveScaleYear, Enterprise
from parkchain.indicators.models import (
    Indicator,
    Observation,
    Source,
    Submission,
    SubmissionStatus,
)
from parkchain.organisations.models import OrgUnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_demo():
    return demo_seed(scale="county", seed=42, history=False)


def _values(codes, *, month_min=1):
    """{(unit, year, month): {code: value}} of the monthly observations of ``codes``."""
    found: dict[tuple[int, int, int], dict[str, Decimal]] = defaultdict(dict)
    rows = Observation.objects.filter(indicator__code__in=codes, month__gte=month_min).values_list(
        "org_unit_id", "year", "month", "indicator__code", "value"
    )
    for unit, year, month, code, value in rows:
        found[(unit, year, month)][code] = value
    return found


def test_reported_data_is_seeded_for_every_form(county_demo):
    reported = county_demo.reported
    assert reported is not None
    assert reported.monthly_rows > 10_000
    assert reported.annual_rows > 5_000
    assert reported.park_rows > 500
    assert Observation.objects.count() == reported.rows
    assert not Observation.objects.exclude(source=Source.SEED).exists()
    assert Submission.objects.count() == reported.submissions


def test_same_seed_gives_the_same_figures(county_demo):
    first = sorted(
        Observation.objects.filter(org_unit__name="酒鬼酒股份有限公司").values_list(
            "indicator__code", "year", "month", "value"
        )
    )
    out = io.StringIO()
    call_command("seed_demo", "--scale", "county", "--flush", "--no-history", stdout=out)
    again = sorted(
        Observation.objects.filter(org_unit__name="酒鬼酒股份有限公司").values_list(
            "indicator__code", "year", "month", "value"
        )
    )
    assert first
    assert again == first
    assert "observations" in out.getvalue()


def test_year_to_date_flows_never_decrease_within_a_year(county_demo):
    flows = list(
        Indicator.objects.filter(is_ytd=True, forms__code__in=["ent_monthly", "park_monthly"])
        .exclude(code="profit")
        .values_list("code", flat=True)
    )
    assert "revenue" in flows
    assert "total_income" in flows
    series: dict[tuple[int, str, int], list[tuple[int, Decimal]]] = defaultdict(list)
    for (unit, year, month), values in _values(flows).items():
        for code, value in values.items():
            series[(unit, code, year)].append((month, value))
    assert series
    for key, points in series.items():
        values = [value for _month, value in sorted(points)]
        assert values == sorted(values), key


def test_tax_value_added_and_profit_respect_the_comparison_rules(county_demo):
    rows = _values(["tax", "revenue", "value_added", "output_value", "profit"])
    assert rows
    for key, v in rows.items():
        assert v["tax"] <= v["revenue"], key
        assert v["value_added"] <= v["output_value"], key
        assert v["profit"] <= v["revenue"], key
    annual = _values(["tax_annual", "revenue_annual"], month_min=0)
    for key, v in annual.items():
        if key[2] == 0:
            assert v["tax_annual"] <= v["revenue_annual"], key
    parks = _values(["hitech_revenue", "total_income"])
    assert parks
    for key, v in parks.items():
        assert v["hitech_revenue"] <= v["total_income"], key


def test_monthly_data_only_for_enterprises_above_scale_that_year(county_demo):
    above = set(
        AboveScaleYear.objects.filter(is_above_scale=True).values_list(
            "enterprise__org_unit_id", "year"
        )
    )
    monthly = set(
        Observation.objects.filter(indicator__code="revenue").values_list("org_unit_id", "year")
    )
    assert monthly
    assert monthly <= above
    kinds = set(
        Observation.objects.filter(indicator__forms__code="ent_monthly").values_list(
            "org_unit__kind", flat=True
        )
    )
    assert kinds == {OrgUnitKind.ENTERPRISE}
    park_kinds = set(
        Observation.objects.filter(indicator__forms__code="park_monthly").values_list(
            "org_unit__kind", flat=True
        )
    )
    assert park_kinds == {OrgUnitKind.PARK}


def test_annual_revenue_matches_december_and_the_above_scale_threshold(county_demo):
    december = {
        (unit, year): value
        for unit, year, value in Observation.objects.filter(
            indicator__code="revenue", month=12
        ).values_list("org_unit_id", "year", "value")
    }
    annual = {
        (unit, year): value
        for unit, year, value in Observation.objects.filter(
            indicator__code="revenue_annual"
        ).values_list("org_unit_id", "year", "value")
    }
    above = {
        (unit, year): flag
        for unit, year, flag in AboveScaleYear.objects.values_list(
            "enterprise__org_unit_id", "year", "is_above_scale"
        )
    }
    shared = set(december) & set(annual)
    assert shared
    for key in shared:
        assert abs(december[key] - annual[key]) <= Decimal("0.2"), key
    for key, value in annual.items():
        if above.get(key):
            assert value >= 2000, key
        else:
            assert value < 2000, key


def test_anchor_is_large_and_festive(county_demo):
    rows = dict(
        Observation.objects.filter(
            org_unit__name="酒鬼酒股份有限公司", indicator__code="revenue", year=2025
        ).values_list("month", "value")
    )
    year_total = rows[12]
    assert year_total > 100_000  # tens of 亿元
    september = rows[9] - rows[8]
    july = rows[7] - rows[6]
    assert september > july  # mid-autumn peak


def test_january_is_first_or_combined_with_february(county_demo):
    january = set(
        Observation.objects.filter(indicator__code="revenue", month=1).values_list(
            "org_unit_id", "year"
        )
    )
    february = set(
        Observation.objects.filter(indicator__code="revenue", month=2).values_list(
            "org_unit_id", "year"
        )
    )
    assert february - january  # some report 1-2月 combined
    assert january


def test_open_period_has_a_mix_of_statuses_and_not_submitted_has_no_values(county_demo):
    year, month = LAST_PERIOD
    statuses = set(
        Submission.objects.filter(form__code="ent_monthly", year=year, month=month).values_list(
            "status", flat=True
        )
    )
    assert statuses == set(SubmissionStatus.values)
    missing = Submission.objects.filter(
        year=year, month=month, status=SubmissionStatus.NOT_SUBMITTED
    ).values_list("org_unit_id", flat=True)
    assert not Observation.objects.filter(year=year, month=month, org_unit_id__in=missing).exists()
    old = Submission.objects.filter(form__code="ent_monthly", year=2023)
    assert set(old.values_list("status", flat=True)) == {SubmissionStatus.APPROVED}
    assert old.filter(is_late=True).exists()


def test_every_reported_unit_period_has_its_submission(county_demo):
    submitted = set(
        Submission.objects.exclude(status=SubmissionStatus.NOT_SUBMITTED).values_list(
            "org_unit_id", "year", "month"
        )
    )
    reported = set(Observation.objects.values_list("org_unit_id", "year", "month"))
    assert reported == submitted


def test_flush_removes_reported_data(county_demo):
    call_command(
        "seed_demo", "--scale", "county", "--flush", "--no-observations", stdout=io.StringIO()
    )
    assert Enterprise.objects.exists()
    assert not Observation.objects.exists()
    assert not Submission.objects.exists()
