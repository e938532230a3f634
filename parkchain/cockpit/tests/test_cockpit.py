"""The cockpit (驾驶舱): the bulletin's numbers, drill-down within the scope, a fixed number of queries.

Data: the targets world (``parkchain/targets/tests/world.py``: 湘西州's 2026 book, October live).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkchain.indicators.models import Indicator, Observation, Source
from parkchain.organisations.models import OrgUnitKind
from parkchain.organisations.tests.factories import OrgUnitFactory, ParkFactory
from parkchain.targets.bulletin import actual_text, bulletin_docx, percent_text, pp_text
from parkchain.targets.models import Target
from parkchain.targets.selectors import dispatch_figures
from parkchain.targets.tests import world as tw

OCTOBER = {"month": "2026-10"}


@pytest.fixture
def books(world):
    return tw.build(world)


def signed_in(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def figures_row(f):
    return (f.pk, f.actual, f.completion, f.time_progress, f.gap_pp, f.rag, f.probability)


# -- the same numbers as the bulletin --------------------------------------------------------------
def test_the_cockpits_headline_is_dispatch_figures_and_the_bulletins(client, request, books):
    # given
    user = signed_in(client, request, "city_analyst")
    figures = dispatch_figures(user=user, year=2026, month=10)
    # when
    response = client.get(reverse("cockpit:home"), OCTOBER)
    # then: the KPI cards are the city's targets, with dispatch_figures' numbers …
    headline = response.context["headline"]
    assert [figures_row(f) for f in headline] == [figures_row(f) for f in figures.headline]
    (city,) = headline
    assert city.actual == pytest.approx(140.0)
    # … printed as the bulletin prints them
    document = docx.Document(io.BytesIO(bulletin_docx(figures, issued_on=dt.date(2026, 11, 12))))
    bulletin = "\n".join(p.text for p in document.paragraphs)
    page = response.content.decode()
    for text in (actual_text(city), percent_text(city.completion), pp_text(city.gap_pp)):
        assert text in bulletin
        assert text in page
    assert response.context["counts"] == figures.rag_counts
    assert [r.name for r in response.context["counties"]] == [r.name for r in figures.counties]


def test_the_cockpit_opens_on_the_latest_month_with_reports(client, request, books):
    signed_in(client, request, "city_analyst")
    response = client.get(reverse("cockpit:home"))
    assert str(response.context["choice"].period) == "2026-10"


# -- scopes ----------------------------------------------------------------------------------------
def test_a_county_users_cockpit_is_his_county(client, request, books, world):
    # given
    signed_in(client, request, "county_a_user")
    # when
    response = client.get(reverse("cockpit:home"), OCTOBER)
    # then
    focus = response.context["focus"]
    assert (focus.kind, focus.unit, focus.home) == ("county", world.county_a, True)
    assert {f.scope_name for f in response.context["headline"]} == {"吉首市"}
    assert [r.name for r in response.context["parks"]] == ["吉首经济开发区"]
    text = response.content.decode()
    assert [n for n in ("花垣县", "花垣工业集中区", "湘西州") if n in text] == []


@pytest.mark.parametrize(
    ("persona", "drill", "status"),
    [
        ("county_a_user", "county_b", 404),
        ("county_a_user", "park_b1", 404),
        ("county_a_user", "county_a", 200),
        ("chain_office_user", "county_b", 404),
        ("park_a1_user", "park_a1", 200),
        ("supervisor", "county_b", 200),
        ("city_analyst", "chain_z", 404),
        ("city_analyst", "chain_y", 200),
    ],
)
def test_drilling_outside_the_scope_is_404(client, request, books, world, persona, drill, status):
    # given
    signed_in(client, request, persona)
    params = {
        "county_a": {"county": world.county_a.pk},
        "county_b": {"county": world.county_b.pk},
        "park_a1": {"park": world.park_a1.org_unit_id},
        "park_b1": {"park": world.park_b1.org_unit_id},
        "chain_y": {"chain": world.chain_y.pk},
        "chain_z": {"chain": world.chain_z.pk},
    }[drill]
    # when
    response = client.get(reverse("cockpit:home"), {**OCTOBER, **params})
    # then
    assert response.status_code == status


def test_drilling_into_a_county_shows_its_targets_parks_and_enterprises(
    client, request, books, world
):
    # given: 湘泉酿酒 (park A1) reported its output
    Observation.objects.create(
        indicator=Indicator.objects.get(code="output_value"),
        org_unit=world.enterprise_a1.org_unit,
        year=2026,
        month=10,
        value=Decimal(880),
        source=Source.SEED,
    )
    signed_in(client, request, "supervisor")
    # when
    response = client.get(reverse("cockpit:home"), {**OCTOBER, "county": world.county_a.pk})
    # then
    context = response.context
    assert {f.scope_name for f in context["headline"]} == {"吉首市"}
    assert [r.name for r in context["parks"]] == ["吉首经济开发区"]
    assert [e.name for e in context["enterprises"]] == [world.enterprise_a1.name]
    assert reverse("enterprises:detail", args=[world.enterprise_a1.pk]) in (
        response.content.decode()
    )
    assert {i.scope_name for i in context["red_items"]} == {"吉首市"}  # its overdue milestone


def test_drilling_into_a_chain_shows_its_target(client, request, books, world):
    signed_in(client, request, "city_analyst")
    response = client.get(reverse("cockpit:home"), {**OCTOBER, "chain": world.chain_y.pk})
    assert [f.scope_name for f in response.context["headline"]] == ["锰锌新材料产业链"]
    assert response.context["own_rank"].name == "锰锌新材料产业链"


# -- speed: a fixed number of queries --------------------------------------------------------------
def _add_counties(world, books, count):
    """``count`` more counties with a park each, targets for both and the parks' reports."""
    investment = Indicator.objects.get(code="industrial_investment")
    city_target = books.target("湘西州")
    for n in range(count):
        county = OrgUnitFactory.create(
            name=f"新增县{n}", kind=OrgUnitKind.COUNTY, parent=world.city, code=f"43319{n}"
        )
        park = ParkFactory.create(name=f"新增园区{n}", county=county)
        county_target = Target.objects.create(
            book=books.book, name=f"新增县{n}", group="新项目", indicator=investment,
            org_unit=county, kind="absolute", annual_value=Decimal(50), parent=city_target,
        )  # fmt: skip
        Target.objects.create(
            book=books.book, name=f"新增园区{n}", group="新项目", indicator=investment,
            org_unit=park.org_unit, kind="absolute", annual_value=Decimal(50),
            parent=county_target,
        )  # fmt: skip
        Observation.objects.bulk_create(
            Observation(indicator=investment, org_unit=park.org_unit, year=year, month=month,
                        value=Decimal(value), source=Source.SEED)
            for year, month, value in ((2025, 10, 30), (2025, 12, 40), (2026, 10, 35))
        )  # fmt: skip


def _queries(client, params):
    client.get(reverse("cockpit:home"), params)  # warm: the month's figures are computed once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cockpit:home"), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("drill", ["city", "county"])
def test_the_cockpits_queries_do_not_grow_with_counties_and_parks(
    client, request, books, world, drill
):
    # given
    signed_in(client, request, "city_analyst")
    params = {**OCTOBER, **({"county": world.county_a.pk} if drill == "county" else {})}
    before = _queries(client, params)
    # when
    _add_counties(world, books, 4)
    after = _queries(client, params)
    # then
    assert after == before
    assert before <= 30, before
