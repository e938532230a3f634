"""公示 → 异议 → 复核 → 定级: publicity, objections, review decisions, finalisation, withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from parkchain.core.errors import ApplicationError
from parkchain.evaluation.models import EnterpriseResult, ObjectionStatus, RunStatus
from parkchain.evaluation.services import (
    objection_decide,
    objection_submit,
    run_create,
    run_finalise,
    run_publish,
    run_withdraw,
)
from parkchain.evaluation.tests import world as ew

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 10)
DEADLINE = dt.date(2026, 6, 17)
AFTER = dt.date(2026, 6, 18)
REASON = "用地面积含已出租土地18亩，请复核。"


@pytest.fixture
def publicised(city_run, city_analyst):
    return run_publish(actor=city_analyst, run=city_run, deadline=DEADLINE, today=TODAY)


def _result(run, enterprise):
    return EnterpriseResult.objects.get(run=run, enterprise=enterprise)


def test_publishing_sets_the_deadline_and_records_who(publicised, city_analyst):
    assert publicised.status == RunStatus.PUBLICISED
    assert publicised.publicity_deadline == DEADLINE
    assert publicised.published_by == city_analyst
    assert publicised.published_at is not None
    assert publicised.history.first().history_user == city_analyst


def test_a_deadline_in_the_past_is_refused(city_run, city_analyst):
    with pytest.raises(ApplicationError, match="2026-06-09"):
        run_publish(actor=city_analyst, run=city_run, deadline=dt.date(2026, 6, 9), today=TODAY)


def test_a_county_user_cannot_publish(city_run, county_a_user):
    with pytest.raises(PermissionDenied):
        run_publish(actor=county_a_user, run=city_run, deadline=DEADLINE, today=TODAY)


def test_an_enterprise_objects_to_its_own_result(publicised, enterprise_user, figures):
    # when
    objection = objection_submit(
        actor=enterprise_user,
        run=publicised,
        enterprise=figures.enterprise_a1,
        reason=REASON,
        today=DEADLINE,
    )
    # then
    assert objection.status == ObjectionStatus.OPEN
    assert objection.submitted_by == enterprise_user
    assert objection.grade_before == _result(publicised, figures.enterprise_a1).grade


def test_an_enterprise_cannot_object_for_another_enterprise(publicised, enterprise_user, figures):
    # 峒河新材料 is outside the enterprise user's scope: the same answer as a missing enterprise
    with pytest.raises(Http404):
        objection_submit(
            actor=enterprise_user,
            run=publicised,
            enterprise=figures.enterprise_a1_second,
            reason=REASON,
            today=TODAY,
        )


def test_a_park_objects_for_an_enterprise_of_its_park(publicised, park_a1_user, figures):
    objection = objection_submit(
        actor=park_a1_user,
        run=publicised,
        enterprise=figures.enterprise_a1_second,
        reason=REASON,
        today=TODAY,
    )
    assert objection.enterprise == figures.enterprise_a1_second


@pytest.mark.parametrize("persona", ["leader", "chain_office_user", "tax_department_user"])
def test_readers_cannot_object(request, persona, publicised, figures):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        objection_submit(
            actor=user, run=publicised, enterprise=figures.enterprise_a1, reason=REASON, today=TODAY
        )


def test_an_objection_after_the_deadline_is_refused(publicised, enterprise_user, figures):
    with pytest.raises(ApplicationError, match="2026-06-17"):
        objection_submit(
            actor=enterprise_user,
            run=publicised,
            enterprise=figures.enterprise_a1,
            reason=REASON,
            today=AFTER,
        )
    assert not publicised.objections.exists()


def test_a_draft_run_takes_no_objections(city_run, enterprise_user, figures):
    with pytest.raises(ApplicationError):
        objection_submit(
            actor=enterprise_user, run=city_run, enterprise=figures.enterprise_a1, reason=REASON
        )


def test_one_open_objection_per_enterprise(publicised, enterprise_user, figures):
    objection_submit(
        actor=enterprise_user,
        run=publicised,
        enterprise=figures.enterprise_a1,
        reason=REASON,
        today=TODAY,
    )
    with pytest.raises(ApplicationError, match="already has an open objection"):
        objection_submit(
            actor=enterprise_user,
            run=publicised,
            enterprise=figures.enterprise_a1,
            reason=REASON,
            today=TODAY,
        )


def test_a_reason_is_required(publicised, enterprise_user, figures):
    with pytest.raises(ApplicationError):
        objection_submit(
            actor=enterprise_user,
            run=publicised,
            enterprise=figures.enterprise_a1,
            reason=" ",
            today=TODAY,
        )


@pytest.fixture
def objection(publicised, park_a1_user, figures):
    return objection_submit(
        actor=park_a1_user,
        run=publicised,
        enterprise=figures.enterprise_a1_second,
        reason=REASON,
        today=TODAY,
    )


def test_decisions_wait_for_the_end_of_the_publicity(objection, city_analyst):
    with pytest.raises(ApplicationError, match="2026-06-17"):
        objection_decide(
            actor=city_analyst, objection=objection, accept=False, note="维持", today=DEADLINE
        )


def test_an_accepted_objection_changes_the_grade_and_keeps_the_computed_one(
    objection, city_analyst, figures
):
    # given
    before = _result(objection.run, figures.enterprise_a1_second)
    new = "A" if before.grade != "A" else "B"
    # when
    decided = objection_decide(
        actor=city_analyst,
        objection=objection,
        accept=True,
        note="扣减出租土地后重新计算。",
        new_grade=new,
        today=AFTER,
    )
    # then
    after = _result(objection.run, figures.enterprise_a1_second)
    assert decided.status == ObjectionStatus.ACCEPTED
    assert (decided.grade_before, decided.grade_after) == (before.grade, new)
    assert decided.decided_by == city_analyst
    assert after.grade == new
    assert after.computed_grade == before.computed_grade
    assert after.grade_reason == before.grade_reason
    assert list(after.objections.all()) == [decided]
    objection.run.refresh_from_db()
    assert objection.run.status == RunStatus.UNDER_REVIEW


def test_a_rejected_objection_keeps_the_grade(objection, city_analyst, figures):
    before = _result(objection.run, figures.enterprise_a1_second).grade
    decided = objection_decide(
        actor=city_analyst, objection=objection, accept=False, note="依据充分，维持。", today=AFTER
    )
    assert decided.status == ObjectionStatus.REJECTED
    assert decided.grade_after == before
    assert _result(objection.run, figures.enterprise_a1_second).grade == before


def test_an_accepted_objection_needs_a_new_grade(objection, city_analyst):
    with pytest.raises(ApplicationError):
        objection_decide(
            actor=city_analyst, objection=objection, accept=True, note="调整", today=AFTER
        )


def test_an_objection_is_decided_once(objection, city_analyst):
    objection_decide(
        actor=city_analyst, objection=objection, accept=False, note="维持", today=AFTER
    )
    with pytest.raises(ApplicationError):
        objection_decide(
            actor=city_analyst, objection=objection, accept=False, note="再议", today=AFTER
        )


def test_a_county_cannot_decide_objections(objection, county_a_user):
    with pytest.raises(PermissionDenied):
        objection_decide(
            actor=county_a_user, objection=objection, accept=False, note="维持", today=AFTER
        )


def test_finalising_waits_for_open_objections(objection, city_analyst):
    with pytest.raises(ApplicationError, match="1 objection"):
        run_finalise(actor=city_analyst, run=objection.run, today=AFTER)
    objection_decide(
        actor=city_analyst, objection=objection, accept=False, note="维持", today=AFTER
    )
    final = run_finalise(actor=city_analyst, run=objection.run, today=AFTER)
    assert final.status == RunStatus.FINAL
    assert final.finalised_by == city_analyst


def test_finalising_before_the_deadline_is_refused(publicised, city_analyst):
    with pytest.raises(ApplicationError):
        run_finalise(actor=city_analyst, run=publicised, today=DEADLINE)


def test_a_draft_cannot_be_finalised(city_run, city_analyst):
    with pytest.raises(ApplicationError):
        run_finalise(actor=city_analyst, run=city_run, today=AFTER)


def test_one_final_run_per_year_and_region_until_it_is_withdrawn(
    publicised, city_analyst, figures, xiangxi
):
    # given: a final run
    run_finalise(actor=city_analyst, run=publicised, today=AFTER)
    second = run_create(
        actor=city_analyst, scheme_version=xiangxi, year=ew.YEAR, region=figures.city
    )
    run_publish(actor=city_analyst, run=second, deadline=DEADLINE, today=TODAY)
    # when / then
    with pytest.raises(ApplicationError, match="withdraw"):
        run_finalise(actor=city_analyst, run=second, today=AFTER)
    run_withdraw(actor=city_analyst, run=publicised, reason="数据更正后重新评价")
    assert run_finalise(actor=city_analyst, run=second, today=AFTER).status == RunStatus.FINAL


def test_withdrawal_needs_a_reason_and_is_recorded(city_run, city_analyst):
    with pytest.raises(ApplicationError):
        run_withdraw(actor=city_analyst, run=city_run, reason="")
    withdrawn = run_withdraw(actor=city_analyst, run=city_run, reason="口径错误")
    assert withdrawn.status == RunStatus.WITHDRAWN
    assert withdrawn.withdrawn_by == city_analyst
    assert withdrawn.history.first().status == RunStatus.WITHDRAWN


def test_real_today_is_used_when_none_is_given(city_run, city_analyst):
    today = timezone.localdate()
    run = run_publish(actor=city_analyst, run=city_run, deadline=today)
    assert run.publicity_deadline == today
