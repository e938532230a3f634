"""Completeness page and chase list: scope (a county B user sees no county A unit), the numbers, drill-down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from parkchain.core.tests.test_page_scopes import forbidden, leaks, page_text
from parkchain.indicators.tests import completeness_world as reporting
from parkchain.organisations.tests.visibility import (
    E_A1,
    E_A1_SECOND,
    E_A_DIRECT,
    E_B1,
    E_MOVED,
    PERSONAS,
    VISIBLE,
    Visible,
)

PAGES = [("reporting:completeness", False), ("reporting:chase_list", True)]
PERIODS = {"after move": reporting.AFTER, "before move": reporting.BEFORE}


def _query(period, **extra):
    return {"form": "ent_monthly", "year": period[0], "month": period[1], **extra}


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize(("url_name", "xlsx"), PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_completeness_pages_name_nothing_outside_the_scope(
    request, client, world, persona, url_name, xlsx, period
):
    # given
    reporting.ensure_reports(world)
    client.force_login(request.getfixturevalue(persona))
    v = VISIBLE[persona]
    before = period == "before move"
    if before:
        v = Visible(**{**v.__dict__, "enterprises": v.enterprises_before_move})
    # when
    response = client.get(reverse(url_name), _query(PERIODS[period]))
    # then
    assert response.status_code == 200
    text = page_text(response, xlsx=xlsx)
    assert leaks(text, forbidden(world, v)) == []
    missing = sorted(name for name in reporting.to_chase(v) if name not in text)
    assert missing == [], "units to chase in scope are missing"


def test_county_b_user_sees_only_county_b_units(client, world, county_b_user):
    # given
    reporting.ensure_reports(world)
    client.force_login(county_b_user)
    # when
    text = client.get(reverse("reporting:completeness"), _query(reporting.AFTER)).content.decode()
    # then
    for name in (E_A1, E_A1_SECOND, E_A_DIRECT):
        assert name not in text
    assert E_B1 in text  # late
    assert E_MOVED in text  # returned


def test_totals_and_rates(client, world, city_analyst):
    # given
    reporting.ensure_reports(world)
    client.force_login(city_analyst)
    # when
    response = client.get(reverse("reporting:completeness"), _query(reporting.AFTER))
    # then: 5 expected (the other city's firm is not ours); 3 reported (1 late), 1 returned, 1 not
    totals = response.context["totals"]
    assert (totals["expected"], totals["reported"], totals["approved"]) == (5, 3, 1)
    assert (totals["returned"], totals["not_submitted"], totals["late"]) == (1, 1, 1)
    assert totals["rate"] == pytest.approx(3 / 5)
    assert totals["on_time_rate"] == pytest.approx(2 / 5)
    chased = {row["name"] for row in response.context["chase"]}
    assert chased == {E_A_DIRECT, E_B1, E_MOVED}
    assert response.context["chart"]["series"][0]["data"]


def test_drill_down_into_a_county_keeps_its_units_only(client, world, city_analyst):
    # given
    reporting.ensure_reports(world)
    client.force_login(city_analyst)
    # when
    response = client.get(
        reverse("reporting:completeness"), _query(reporting.AFTER, county=world.county_a.pk)
    )
    # then
    assert response.context["totals"]["expected"] == 3
    assert {row["name"] for row in response.context["chase"]} == {E_A_DIRECT}
    assert response.context["chart_by_park"] is True


def test_htmx_request_gets_the_results_fragment(client, world, city_analyst):
    client.force_login(city_analyst)
    response = client.get(
        reverse("reporting:completeness"), _query(reporting.AFTER), headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="results">')
    assert "<html" not in text


def test_default_period_is_last_month(client, world, city_analyst, monkeypatch):
    # given
    client.force_login(city_analyst)
    monkeypatch.setattr(
        "parkchain.indicators.completeness_views.timezone.localdate", lambda: dt.date(2026, 1, 12)
    )
    # when
    response = client.get(reverse("reporting:completeness"))
    # then
    report = response.context["report"]
    assert (report.form.code, report.year, report.month) == ("ent_monthly", 2025, 12)
    assert report.due_on == dt.date(2026, 1, 10)


def test_annual_form_expects_every_enterprise(client, world, county_a_user):
    client.force_login(county_a_user)
    response = client.get(reverse("reporting:completeness"), {"form": "ent_annual", "year": 2025})
    report = response.context["report"]
    assert report.month == 0
    assert response.context["totals"]["not_submitted"] == 3
