"""The default registry (data migration 0003): indicators, forms with their items, validation rules."""

from __future__ import annotations

import pytest

from parkchain.indicators.models import (
    Indicator,
    Level,
    Periodicity,
    ReportForm,
    RuleKind,
    Severity,
    ValidationRule,
)

pytestmark = pytest.mark.django_db

ENTERPRISE_MONTHLY = [
    "output_value",
    "revenue",
    "tax",
    "value_added",
    "profit",
    "electricity",
    "employees",
    "rnd",
    "fixed_investment",
]


def test_enterprise_monthly_form_lists_its_nine_indicators_in_order():
    form = ReportForm.objects.get(code="ent_monthly")
    codes = [item.indicator.code for item in form.items.select_related("indicator")]
    assert codes == ENTERPRISE_MONTHLY
    assert (form.level, form.periodicity, form.due_day, form.due_month_offset) == (
        Level.ENTERPRISE,
        Periodicity.MONTHLY,
        10,
        1,
    )
    assert form.reviewer_level == Level.PARK


def test_flows_are_year_to_date_and_employees_are_a_stock():
    ytd = dict(Indicator.objects.filter(code__in=ENTERPRISE_MONTHLY).values_list("code", "is_ytd"))
    assert ytd.pop("employees") is False
    assert all(ytd.values())
    assert Indicator.objects.get(code="profit").non_negative is False


def test_annual_form_holds_every_input_of_the_mu_jun_formulas():
    form = ReportForm.objects.get(code="ent_annual")
    codes = set(form.items.values_list("indicator__code", flat=True))
    assert {
        "tax_annual",
        "value_added_annual",
        "revenue_annual",
        "employees_avg",
        "energy_tce",
        "emissions",
        "rnd_annual",
        "electricity_annual",
        "land_used",
    } <= codes
    assert (form.periodicity, form.due_month_offset, form.due_day) == (Periodicity.ANNUAL, 3, 28)


def test_park_form_has_the_growth_rate_as_an_imported_unaggregated_rate():
    form = ReportForm.objects.get(code="park_monthly")
    assert form.items.count() == 9
    assert form.reviewer_level == Level.COUNTY
    growth = Indicator.objects.get(code="industrial_va_growth")
    assert (growth.aggregation, growth.non_negative, growth.level) == ("none", False, Level.PARK)


def test_park_annual_form_collects_the_five_good_part_one_inputs_with_rates_capped_at_100():
    from engine.evaluation.parks import load_park_preset

    form = ReportForm.objects.get(code="park_annual")
    codes = set(form.items.values_list("indicator__code", flat=True))
    assert (form.level, form.periodicity, form.reviewer_level) == (
        Level.PARK,
        Periodicity.ANNUAL,
        Level.COUNTY,
    )
    # every column the 五好 preset reads is reported here, in the park monthly form, or computed
    # from the enterprises' data (亩均税收, R&D intensity, energy-intensity drop, 高企 increment)
    computed = {"tax_per_mu", "rnd_intensity", "energy_intensity_drop", "hitech_enterprises"}
    monthly = set(
        ReportForm.objects.get(code="park_monthly").items.values_list("indicator__code", flat=True)
    )
    scheme = load_park_preset("five_good")
    columns = {
        column
        for dimension in scheme.dimensions
        for i in dimension.indicators
        for column in (i.column, *i.plus_columns)
    }
    assert columns - computed - monthly == codes
    capped = {
        rule.left for rule in ValidationRule.objects.filter(form=form, operator="<=", right="100")
    }
    assert capped == {
        "leading_industry_share",
        "land_disposal_rate",
        "business_env_score",
        "reform_completion",
        "safety_env_score",
    }
    assert Indicator.objects.get(code="business_env_score").unit == "score"


def test_rules_cover_comparisons_year_to_date_and_jumps():
    rules = {rule.code: rule for rule in ValidationRule.objects.select_related("form")}
    tax = rules["tax_le_revenue"]
    assert (tax.kind, tax.left, tax.operator, tax.right, tax.severity) == (
        RuleKind.COMPARE,
        "tax",
        "<=",
        "revenue",
        Severity.ERROR,
    )
    assert tax.message.startswith("实缴税金不应大于营业收入")
    assert rules["revenue_jump"].severity == Severity.CONFIRM
    assert rules["revenue_jump"].threshold == 5
    assert rules["hitech_le_total_income"].form.code == "park_monthly"
    monotonic = {
        r.left
        for r in rules.values()
        if r.kind == RuleKind.YTD_NOT_DECREASING and r.form.code == "ent_monthly"
    }
    assert monotonic == set(ENTERPRISE_MONTHLY) - {"employees", "profit"}
