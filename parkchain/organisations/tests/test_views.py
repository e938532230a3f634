"""Park pages: list (filters, sort, htmx fragment), detail, export — as the personas of conftest.py."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parkchain.enterprises.services import enterprise_update
from parkchain.enterprises.tests.factories import EnterpriseFactory
from parkchain.organisations.models import ParkLevel
from parkchain.organisations.tests.factories import ParkFactory
from parkchain.organisations.tests.visibility import PARK_A1, PARK_B1, PARK_OTHER

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_park_list_renders_in_chinese_for_the_city(client, city_analyst):
    # given
    client.force_login(city_analyst)
    # when
    response = client.get(reverse("organisations:park_list"))
    # then
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="zh-hans">' in text
    assert "园区" in text
    assert "一主一特" in text
    assert "共 2 个园区" in text
    assert PARK_A1 in text
    assert PARK_B1 in text
    assert PARK_OTHER not in text


def test_county_user_sees_only_his_county_parks(client, county_a_user):
    client.force_login(county_a_user)
    text = client.get(reverse("organisations:park_list")).content.decode()
    assert PARK_A1 in text
    assert PARK_B1 not in text


def test_park_list_filters_by_county_level_and_name(client, city_analyst, world):
    # given
    client.force_login(city_analyst)
    url = reverse("organisations:park_list")
    # when
    by_county = client.get(url, {"county": world.county_b.pk}).content.decode()
    by_level = client.get(url, {"level": ParkLevel.NATIONAL}).content.decode()
    by_name = client.get(url, {"q": "吉首"}).content.decode()
    # then
    assert PARK_B1 in by_county
    assert PARK_A1 not in by_county
    assert PARK_A1 not in by_level
    assert "没有符合条件的园区" in by_level
    assert PARK_A1 in by_name
    assert PARK_B1 not in by_name


def test_park_list_sorts_by_whitelisted_columns_only(client, city_analyst, world):
    # given
    client.force_login(city_analyst)
    world.park_b1.developed_area_km2 = Decimal("99.00")
    world.park_b1.save()
    url = reverse("organisations:park_list")
    # when
    largest_first = client.get(url, {"sort": "-developed_area"})
    not_allowed = client.get(url, {"sort": "org_unit__path"})
    # then
    page = largest_first.context["page"]
    assert [park.name for park in page.object_list] == [PARK_B1, PARK_A1]
    assert not_allowed.status_code == 200
    assert not_allowed.context["sorting"].key == "name"


def test_park_list_htmx_request_gets_the_results_fragment_only(client, city_analyst):
    client.force_login(city_analyst)
    response = client.get(reverse("organisations:park_list"), headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="results"')
    assert "<html" not in text
    assert PARK_A1 in text
    assert "HX-Request" in response["Vary"]


def test_park_detail_shows_areas_enterprises_chains_and_history(client, city_analyst, world):
    # given
    park = world.park_a1
    park.built_industrial_area_mu = Decimal("1234.5")
    park.standard_factory_area_m2 = Decimal("56000")
    park.featured_industry = "白酒"
    park._history_user = city_analyst
    park.save()
    client.force_login(city_analyst)
    # when
    response = client.get(reverse("organisations:park_detail", kwargs={"pk": park.pk}))
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert "12.50 km²" in text
    assert "1,234.5 亩" in text
    assert "56,000 m²" in text
    assert world.enterprise_a1.name in text
    assert world.enterprise_a1_second.name in text
    assert f"?park={park.pk}" in text  # link to the enterprise list filtered by this park
    assert world.chain_x.name in text  # park A1 is a key park of chain X
    assert "变更记录" in text
    assert "修改" in text
    assert "特色产业" in text


def test_park_detail_outside_the_scope_is_not_found(client, county_b_user, world):
    client.force_login(county_b_user)
    response = client.get(reverse("organisations:park_detail", kwargs={"pk": world.park_a1.pk}))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_park_detail_counts_only_enterprises_the_chain_office_may_see(
    client, chain_office_user, world
):
    # given: chain X's office sees key park A1, but only the chain's enterprises in it
    client.force_login(chain_office_user)
    # when
    response = client.get(reverse("organisations:park_detail", kwargs={"pk": world.park_a1.pk}))
    # then
    text = response.content.decode()
    assert world.enterprise_a1.name in text
    assert world.enterprise_a1_second.name not in text


def test_park_export_is_a_styled_workbook_of_the_parks_in_scope(client, county_a_user):
    # given
    client.force_login(county_a_user)
    # when
    response = client.get(reverse("organisations:park_export"))
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        "filename*=UTF-8''%E5%9B%AD%E5%8C%BA%E5%90%8D%E5%BD%95_" in response["Content-Disposition"]
    )
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "园区"
    assert sheet["A1"].font.b
    names = [row[0] for row in _rows(response.content)[1:]]
    assert names == [PARK_A1]


def test_park_export_applies_the_list_filters(client, city_analyst, world):
    client.force_login(city_analyst)
    response = client.get(reverse("organisations:park_export"), {"county": world.county_b.pk})
    names = [row[0] for row in _rows(response.content)[1:]]
    assert names == [PARK_B1]


def test_park_list_query_count_does_not_grow_with_rows(
    client, city_analyst, world, django_assert_max_num_queries
):
    # given
    client.force_login(city_analyst)
    url = reverse("organisations:park_list")
    with CaptureQueriesContext(connection) as few_parks:
        client.get(url)
    for _ in range(20):
        park = ParkFactory(county=world.county_a, region=world.region_a)
        EnterpriseFactory(park=park, region=world.region_a)
    # when / then
    with django_assert_max_num_queries(len(few_parks.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 22


def test_park_history_names_who_changed_what(client, city_analyst, world):
    # given
    enterprise_update(actor=city_analyst, enterprise=world.enterprise_a1, land_mu=Decimal("88"))
    park = world.park_a1
    park.planned_area_km2 = Decimal("20.00")
    park._history_user = city_analyst
    park.save()
    client.force_login(city_analyst)
    # when
    history = client.get(reverse("organisations:park_detail", kwargs={"pk": park.pk})).context[
        "history"
    ]
    # then
    change = history[0]
    assert change.action == "修改"
    assert change.who == "city_analyst"
    assert [(c.label, c.old, c.new) for c in change.changes] == [
        ("规划面积（km²）", "12.50", "20.00")
    ]
