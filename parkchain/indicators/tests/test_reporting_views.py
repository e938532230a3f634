"""Reporting pages: desk, web entry (rules, warnings, locks), unlocks, review. Clock fixed on 2026-11-05."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from parkchain.indicators.models import (
    Indicator,
    Observation,
    ObservationRevision,
    PeriodUnlock,
    ReportForm,
    Source,
    Submission,
    SubmissionStatus,
)

pytestmark = pytest.mark.django_db

CST = dt.timezone(dt.timedelta(hours=8))
OPEN = (2026, 10)  # opens 2026-11-01, due 11-10, locks 11-15
LOCKED = (2026, 1)

GOOD = {
    "output_value": "1200",
    "revenue": "1000",
    "tax": "50",
    "value_added": "300",
    "profit": "80",
    "electricity": "40",
    "employees": "120",
    "rnd": "10",
    "fixed_investment": "0",
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 11, 5, 10, 0, tzinfo=CST), tick=False):
        yield


def entry_url(unit, period=OPEN, form="ent_monthly"):
    return reverse("reporting:entry", args=[form, unit.pk, *period])


def store(unit, year, month, values):
    for code, value in values.items():
        Observation.objects.create(
            indicator=Indicator.objects.get(code=code),
            org_unit=unit,
            year=year,
            month=month,
            value=Decimal(value),
            source=Source.SEED,
        )


def test_desk_shows_the_enterprise_form_with_its_deadline(client, enterprise_user, world):
    client.force_login(enterprise_user)
    response = client.get(reverse("reporting:home"))
    assert response.status_code == 200
    text = response.content.decode()
    assert entry_url(world.enterprise_a1.org_unit) in text
    assert "2026-11-10" in text  # due date of 2026年1-10月


def test_sidebar_has_the_reporting_entry(client, county_a_user):
    client.force_login(county_a_user)
    response = client.get(reverse("home"))
    assert reverse("reporting:home") in response.content.decode()


def test_entry_happy_path_saves_values_and_marks_submitted(client, enterprise_user, world):
    unit = world.enterprise_a1.org_unit
    client.force_login(enterprise_user)
    assert client.get(entry_url(unit)).status_code == 200
    response = client.post(entry_url(unit), GOOD)
    assert response.status_code == 302
    assert Observation.objects.filter(org_unit=unit, year=2026, month=10).count() == 9
    assert Observation.objects.get(org_unit=unit, indicator__code="tax", month=10).value == 50
    submission = Submission.objects.get(org_unit=unit, year=2026, month=10)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert not submission.is_late


def test_entry_shows_rule_errors_next_to_the_field_and_writes_nothing(
    client, enterprise_user, world
):
    unit = world.enterprise_a1.org_unit
    client.force_login(enterprise_user)
    response = client.post(entry_url(unit), {**GOOD, "tax": "5000"})
    assert response.status_code == 200
    assert "实缴税金不应大于营业收入" in response.content.decode()
    assert not Observation.objects.filter(org_unit=unit).exists()
    assert not ObservationRevision.objects.exists()
    assert not Submission.objects.filter(org_unit=unit).exists()


def test_entry_warnings_need_confirmation(client, enterprise_user, world):
    unit = world.enterprise_a1.org_unit
    store(unit, 2026, 9, {**dict.fromkeys(GOOD, "10"), "fixed_investment": "0"})
    client.force_login(enterprise_user)
    jump = {**GOOD, "revenue": "1000", "output_value": "1200"}  # > 5 × September's 10
    response = client.post(entry_url(unit), jump)
    assert response.status_code == 200
    assert "5倍" in response.content.decode()
    assert 'name="confirm_warnings"' in response.content.decode()
    assert not Observation.objects.filter(org_unit=unit, month=10).exists()
    # when confirmed
    response = client.post(entry_url(unit), {**jump, "confirm_warnings": "on"})
    assert response.status_code == 302, response.content.decode()[-6000:]
    assert Observation.objects.filter(org_unit=unit, month=10).count() == 9


def test_changing_submitted_values_needs_a_reason(client, enterprise_user, world):
    unit = world.enterprise_a1.org_unit
    client.force_login(enterprise_user)
    client.post(entry_url(unit), GOOD)
    response = client.post(entry_url(unit), {**GOOD, "revenue": "1100"})
    assert response.status_code == 200
    assert Observation.objects.get(org_unit=unit, indicator__code="revenue", month=10).value == 1000
    response = client.post(entry_url(unit), {**GOOD, "revenue": "1100", "reason": "更正收入"})
    assert response.status_code == 302
    revision = ObservationRevision.objects.filter(indicator__code="revenue").first()
    assert (revision.old_value, revision.new_value, revision.reason) == (1000, 1100, "更正收入")


def test_locked_period_is_read_only(client, enterprise_user, world):
    unit = world.enterprise_a1.org_unit
    client.force_login(enterprise_user)
    response = client.get(entry_url(unit, LOCKED))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="locked"' in text
    assert "2026-02-15" in text  # the lock date
    assert "ti-send" not in text  # no submit button
    assert "disabled" in text
    assert client.post(entry_url(unit, LOCKED), GOOD).status_code == 403
    assert not Observation.objects.exists()


def test_city_admin_unlocks_a_period_for_one_unit_on_record(
    client, city_analyst, enterprise_user, world
):
    client.force_login(city_analyst)
    response = client.post(
        reverse("reporting:unlock"),
        {
            "form": "ent_monthly",
            "year": "2026",
            "month": "1",
            "unit": world.enterprise_a1.credit_code,
            "until": "2026-11-20",
            "reason": "企业申请更正1月数据",
        },
    )
    assert response.status_code == 302
    unlock = PeriodUnlock.objects.get()
    assert (unlock.org_unit, unlock.unlocked_by, unlock.until) == (
        world.enterprise_a1.org_unit,
        city_analyst,
        dt.date(2026, 11, 20),
    )
    assert unlock.history.count() == 1
    # the enterprise may now report January
    client.force_login(enterprise_user)
    response = client.post(entry_url(world.enterprise_a1.org_unit, LOCKED), GOOD)
    assert response.status_code == 302
    assert Observation.objects.filter(org_unit=world.enterprise_a1.org_unit, month=1).count() == 9


@pytest.mark.parametrize("persona", ["county_a_user", "park_a1_user", "enterprise_user", "leader"])
def test_only_the_city_task_force_unlocks(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reporting:unlock")).status_code == 403


def test_county_b_user_gets_404_on_county_a_entry(client, county_b_user, world):
    client.force_login(county_b_user)
    assert client.get(entry_url(world.enterprise_a1.org_unit)).status_code == 404
    assert client.post(entry_url(world.enterprise_a1.org_unit), GOOD).status_code == 404
    assert not Observation.objects.exists()


def test_entry_of_a_park_form_for_an_enterprise_is_404(client, city_analyst, world):
    client.force_login(city_analyst)
    url = entry_url(world.enterprise_a1.org_unit, form="park_monthly")
    assert client.get(url).status_code == 404


def _submitted(client, enterprise_user, world):
    client.force_login(enterprise_user)
    client.post(entry_url(world.enterprise_a1.org_unit), GOOD)
    return Submission.objects.get(org_unit=world.enterprise_a1.org_unit)


def test_park_user_approves_and_returns_with_history(client, enterprise_user, park_a1_user, world):
    submission = _submitted(client, enterprise_user, world)
    client.force_login(park_a1_user)
    page = client.get(reverse("reporting:review"), {"form": "ent_monthly", "period": "2026-10"})
    assert world.enterprise_a1.name in page.content.decode()
    action = reverse("reporting:review_action", args=[submission.pk])
    assert client.post(action, {"action": "approve"}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED
    assert submission.reviewed_by == park_a1_user
    client.post(action, {"action": "return", "reason": "用电量与电费单不符"})
    submission.refresh_from_db()
    assert (submission.status, submission.return_reason) == (
        SubmissionStatus.RETURNED,
        "用电量与电费单不符",
    )
    history = client.get(reverse("reporting:submission", args=[submission.pk]))
    assert history.status_code == 200
    assert submission.history.count() >= 3


def test_return_needs_a_reason(client, enterprise_user, park_a1_user, world):
    submission = _submitted(client, enterprise_user, world)
    client.force_login(park_a1_user)
    client.post(reverse("reporting:review_action", args=[submission.pk]), {"action": "return"})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_enterprise_cannot_approve_its_own_report(client, enterprise_user, world):
    submission = _submitted(client, enterprise_user, world)
    response = client.post(
        reverse("reporting:review_action", args=[submission.pk]), {"action": "approve"}
    )
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_county_b_cannot_see_or_review_county_a_submissions(
    client, enterprise_user, county_b_user, world
):
    submission = _submitted(client, enterprise_user, world)
    client.force_login(county_b_user)
    action = reverse("reporting:review_action", args=[submission.pk])
    assert client.post(action, {"action": "approve"}).status_code == 404
    page = client.get(reverse("reporting:review"), {"form": "ent_monthly", "period": "2026-10"})
    assert world.enterprise_a1.name not in page.content.decode()


def test_enterprise_detail_shows_the_reported_data_card(client, enterprise_user, world):
    unit = world.enterprise_a1.org_unit
    store(unit, 2026, 9, {**GOOD, "revenue": "900"})
    store(unit, 2026, 10, GOOD)
    client.force_login(enterprise_user)
    response = client.get(reverse("enterprises:detail", args=[world.enterprise_a1.pk]))
    text = response.content.decode()
    assert 'data-testid="reported-data"' in text
    assert "100" in text  # October's 当月 revenue: 1000 − 900
    assert ReportForm.objects.get(code="ent_monthly").name in text


@pytest.mark.parametrize(
    ("unit", "percent", "points"),
    [
        ("wan_yuan", Decimal("10"), None),
        ("percent", None, Decimal("2.2")),
        ("score", None, Decimal("2.2")),
    ],
)
def test_year_on_year_is_a_ratio_for_amounts_and_a_difference_in_points_for_rates(
    unit, percent, points
):
    from parkchain.indicators.models import FormItem, Indicator
    from parkchain.indicators.selectors import EntryRow

    row = EntryRow(
        item=FormItem(indicator=Indicator(code="x", unit=unit)),
        value=Decimal("24.2"),
        last_month=None,
        last_year=Decimal("22.0"),
    )
    assert row.yoy_percent == percent
    assert row.yoy_points == points
