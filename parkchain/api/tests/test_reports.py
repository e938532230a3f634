"""POST /api/reports: the web form's scope, calendar and validation rules, answered in JSON."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from parkchain.indicators.models import Observation, ObservationRevision, Source, Submission

URL = "/api/reports"
GOOD = {
    "output_value": 1000,
    "revenue": 900,
    "tax": 50,
    "value_added": 300,
    "profit": 80,
    "electricity": 100,
    "employees": 120,
    "rnd": 20,
    "fixed_investment": 10,
}


@pytest.fixture(autouse=True)
def _september_2025():
    # August 2025 is open (opens 1 Sept, due 10 Sept, locks 15 Sept)
    with time_machine.travel(dt.datetime(2025, 9, 5, 10, tzinfo=dt.UTC), tick=False):
        yield


def _post(client, headers, **body):
    payload = {"form": "ent_monthly", "year": 2025, "month": 8, "values": GOOD, **body}
    return client.post(URL, payload, content_type="application/json", headers=headers)


def test_enterprise_saves_its_report(client, world, enterprise_user, bearer):
    # given
    headers = bearer(enterprise_user)
    # when
    response = _post(client, headers, credit_code=world.enterprise_a1.credit_code.lower())
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["is_late"] is False
    assert body["created"] == len(GOOD)
    unit = world.enterprise_a1.org_unit
    assert Observation.objects.filter(org_unit=unit, year=2025, month=8).count() == len(GOOD)
    assert set(Observation.objects.values_list("source", flat=True)) == {Source.API}
    assert Observation.objects.filter(org_unit=unit, created_by=enterprise_user).count() == len(
        GOOD
    )
    assert not ObservationRevision.objects.filter(org_unit=unit).exists()  # creations: no revisions
    assert Submission.objects.get(org_unit=unit, year=2025, month=8).submitted_by == enterprise_user


def test_park_user_saves_by_unit_id(client, world, park_a1_user, bearer):
    response = _post(client, bearer(park_a1_user), unit_id=world.enterprise_a1_second.org_unit_id)
    assert response.status_code == 200, response.content


def test_broken_rules_answer_422_with_issues_and_save_nothing(
    client, world, enterprise_user, bearer
):
    # given: tax above revenue, and a negative output value
    values = {**GOOD, "tax": 5000, "output_value": -1}
    # when
    response = _post(
        client, bearer(enterprise_user), credit_code=world.enterprise_a1.credit_code, values=values
    )
    # then
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    fields = {issue["field"] for issue in body["issues"]}
    assert {"tax", "output_value"} <= fields
    assert all(issue["message"] for issue in body["issues"])
    assert not Observation.objects.exists()


def test_unknown_indicator_and_malformed_body_answer_422(client, world, enterprise_user, bearer):
    headers = bearer(enterprise_user)
    code = world.enterprise_a1.credit_code
    response = _post(client, headers, credit_code=code, values={"no_such_code": 1})
    assert response.status_code == 422
    response = _post(client, headers, credit_code=code, month=13)
    assert response.status_code == 422
    assert response.json()["issues"][0]["field"] == "month"
    response = _post(client, headers)  # neither credit_code nor unit_id
    assert response.status_code == 422


@pytest.mark.parametrize(
    "persona", ["county_b_user", "leader", "chain_office_user", "no_membership_user"]
)
def test_out_of_scope_or_read_only_answers_404(request, client, world, bearer, persona):
    # county B cannot see 湘泉酿酒; the leader and the chain office may read it but not write
    response = _post(
        client,
        bearer(request.getfixturevalue(persona)),
        credit_code=world.enterprise_a1.credit_code,
    )
    assert response.status_code == 404
    assert response.json()["detail"]
    assert not Observation.objects.exists()


def test_locked_period_answers_409(client, world, enterprise_user, bearer):
    response = _post(
        client, bearer(enterprise_user), credit_code=world.enterprise_a1.credit_code, month=6
    )
    assert response.status_code == 409
    body = response.json()
    assert body["issues"]
    assert body["issues"][0]["code"] == "period"
    assert body["detail"] == body["issues"][0]["message"]
