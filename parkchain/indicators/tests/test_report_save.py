"""report_save: the single-unit write of the web form and the API (scope, calendar, rules, revisions)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from parkchain.core.errors import ApplicationError
from parkchain.indicators.calendar import period_is_open, period_window
from parkchain.indicators.models import (
    Observation,
    ObservationRevision,
    PeriodUnlock,
    Source,
    SubmissionStatus,
)
from parkchain.indicators.services import report_save
from parkchain.indicators.tests.import_fixtures import MONTH, TODAY, YEAR
from parkchain.indicators.validation import ReportInvalid


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests assert on message wording: read it in English (the msgids), not zh-hans."""
    with translation.override("en"):
        yield


VALUES = {
    "t_output": Decimal("100"),
    "t_revenue": Decimal("80"),
    "t_tax": Decimal("5"),
    "t_profit": Decimal("-2"),
    "t_employees": Decimal("20"),
}


def save(actor, registry, unit, values=None, **kwargs):
    params = {
        "actor": actor,
        "form": registry.form,
        "org_unit": unit,
        "year": YEAR,
        "month": MONTH,
        "values": values if values is not None else dict(VALUES),
        "source": Source.FORM,
        "today": TODAY,
    }
    params.update(kwargs)
    return report_save(**params)


def test_enterprise_user_saves_his_report_and_it_is_submitted(world, enterprise_user, registry):
    # when
    result = save(enterprise_user, registry, world.enterprise_a1.org_unit)
    # then
    assert result.created == 5
    assert result.submission.status == SubmissionStatus.SUBMITTED
    assert Observation.objects.filter(org_unit=world.enterprise_a1.org_unit).count() == 5
    # the creation is recorded on the values; revisions are for later changes only
    stored = Observation.objects.filter(org_unit=world.enterprise_a1.org_unit)
    assert set(stored.values_list("created_by", flat=True)) == {enterprise_user.pk}
    assert not stored.filter(created_at__isnull=True).exists()
    assert not ObservationRevision.objects.exists()


def test_saving_the_same_values_again_writes_nothing(world, enterprise_user, registry):
    save(enterprise_user, registry, world.enterprise_a1.org_unit)
    revisions = ObservationRevision.objects.count()
    result = save(enterprise_user, registry, world.enterprise_a1.org_unit)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 5)
    assert ObservationRevision.objects.count() == revisions


def test_a_correction_keeps_the_old_value_who_and_why(world, enterprise_user, registry):
    save(enterprise_user, registry, world.enterprise_a1.org_unit)
    save(
        enterprise_user,
        registry,
        world.enterprise_a1.org_unit,
        {"t_revenue": Decimal("85")},
        reason="typo",
    )
    revision = ObservationRevision.objects.filter(reason="typo").get()
    assert (revision.old_value, revision.new_value) == (Decimal("80"), Decimal("85"))
    assert revision.changed_by == enterprise_user


def test_rules_block_saving_and_list_every_issue(world, enterprise_user, registry):
    values = dict(VALUES, t_tax=Decimal("90"), t_output=Decimal("-1"))
    with pytest.raises(ReportInvalid) as invalid:
        save(enterprise_user, registry, world.enterprise_a1.org_unit, values)
    indicators = sorted(i.indicator for i in invalid.value.errors)
    assert indicators == ["t_output", "t_tax"]
    assert Observation.objects.count() == 0


def test_a_jump_needs_confirmation(world, enterprise_user, registry):
    # given: February revenue 10
    feb = TODAY.replace(month=3)
    save(
        enterprise_user,
        registry,
        world.enterprise_a1.org_unit,
        dict(VALUES, t_revenue=Decimal("10"), t_tax=Decimal("1")),
        month=2,
        today=feb,
    )
    # when: March revenue 80 (8×)
    with pytest.raises(ReportInvalid) as invalid:
        save(enterprise_user, registry, world.enterprise_a1.org_unit)
    assert [i.severity for i in invalid.value.issues] == ["confirm"]
    # then: confirmed, it saves
    result = save(enterprise_user, registry, world.enterprise_a1.org_unit, confirm_warnings=True)
    assert result.created == 5


def test_unit_outside_the_scope_is_not_found(world, county_b_user, registry):
    with pytest.raises(Http404):
        save(county_b_user, registry, world.enterprise_a1.org_unit)


def test_read_only_leader_is_refused(world, leader, registry):
    with pytest.raises(PermissionDenied):
        save(leader, registry, world.enterprise_a1.org_unit)


def test_a_locked_period_is_refused_even_for_city_admins_until_unlocked(
    world, city_analyst, registry
):
    late = dt.date(2026, 4, 20)
    with pytest.raises(ReportInvalid, match="1 error"):
        save(city_analyst, registry, world.enterprise_a1.org_unit, today=late)
    PeriodUnlock.objects.create(
        form=registry.form,
        year=YEAR,
        month=MONTH,
        org_unit=world.enterprise_a1.org_unit,
        until=dt.date(2026, 4, 30),
        reason="late",
        unlocked_by=city_analyst,
    )
    result = save(city_analyst, registry, world.enterprise_a1.org_unit, today=late)
    assert result.submission.is_late


def test_unknown_indicator_codes_are_refused(world, enterprise_user, registry):
    with pytest.raises(ApplicationError, match="Not on form"):
        save(enterprise_user, registry, world.enterprise_a1.org_unit, {"nonsense": Decimal(1)})


def test_period_window_of_a_monthly_form(registry):
    assert period_window(registry.form, 2026, 3) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 10),
        dt.date(2026, 4, 15),
    )
    assert not period_is_open(registry.form, 2026, 3, None, dt.date(2026, 3, 31))
    assert period_is_open(registry.form, 2026, 3, None, dt.date(2026, 4, 14))
    assert not period_is_open(registry.form, 2026, 3, None, dt.date(2026, 4, 15))
