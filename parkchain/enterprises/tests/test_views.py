"""Enterprise pages: list (filters, sort, pagination, htmx fragment), detail, export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parkchain.chains.tests.factories import ChainLinkFactory
from parkchain.enterprises.models import EnterpriseSize, QualificationKind
from parkchain.enterprises.services import enterprise_update
from parkchain.enterprises.tests.factories import (
    AboveScaleYearFactory,
    EnterpriseFactory,
    QualificationFactory,
)
from parkchain.organisations.tests.visibility import (
    E_A1,
    E_A1_SECOND,
    E_A_DIRECT,
    E_B1,
    E_MOVED,
    E_OTHER,
    PARK_A1,
    PARK_B1,
)

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


def _names(response) -> set[str]:
    return {enterprise.name for enterprise in response.context["page"].object_list}


def _sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_enterprise_list_renders_in_chinese_for_the_city(client, city_analyst):
    # given
    client.force_login(city_analyst)
    # when
    response = client.get(reverse("enterprises:list"))
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in text
    assert "共 5 家企业" in text
    assert "全部县市区" in text
    assert "导出 Excel" in text
    assert "2025年度" in text
    assert "规上（2025年）" in text
    assert _names(response) == {E_A1, E_A1_SECOND, E_A_DIRECT, E_B1, E_MOVED}


def test_enterprise_user_sees_his_own_enterprise_only(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("enterprises:list"))
    assert _names(response) == {E_A1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "湘泉"}, {E_A1}),
        ({"county": "county_b"}, {E_B1, E_MOVED}),
        ({"park": "park_a1"}, {E_A1, E_A1_SECOND}),
        ({"chain": "chain_y"}, {E_B1, E_MOVED}),
        ({"size": EnterpriseSize.SMALL}, {E_A1, E_A1_SECOND, E_A_DIRECT, E_B1, E_MOVED}),
        ({"size": EnterpriseSize.LARGE}, set()),
    ],
)
def test_enterprise_list_filters(client, city_analyst, world, query, expected):
    # given
    client.force_login(city_analyst)
    objects = {
        "county_b": world.county_b,
        "park_a1": world.park_a1,
        "chain_y": world.chain_y,
    }
    params = {key: objects[value].pk if value in objects else value for key, value in query.items()}
    # when
    response = client.get(reverse("enterprises:list"), params)
    # then
    assert response.status_code == 200
    assert _names(response) == expected


def test_enterprise_list_finds_a_credit_code_typed_in_lower_case(client, city_analyst, world):
    client.force_login(city_analyst)
    code = world.enterprise_b1.credit_code
    response = client.get(reverse("enterprises:list"), {"q": code[:12].lower()})
    assert _names(response) == {E_B1}


def test_enterprise_list_filters_above_scale_of_the_chosen_year(client, city_analyst, world):
    # given: every enterprise is 规上 in 2025; only 湘泉 also in 2024
    AboveScaleYearFactory(enterprise=world.enterprise_a1, year=2024)
    client.force_login(city_analyst)
    url = reverse("enterprises:list")
    # when
    above_2024 = client.get(url, {"above_scale": "1", "year": 2024})
    below_2024 = client.get(url, {"above_scale": "0", "year": 2024})
    above_latest = client.get(url, {"above_scale": "1"})
    # then
    assert _names(above_2024) == {E_A1}
    assert _names(below_2024) == {E_A1_SECOND, E_A_DIRECT, E_B1, E_MOVED}
    assert above_latest.context["year"] == 2025
    assert len(_names(above_latest)) == 5


@time_machine.travel(TODAY, tick=False)
def test_enterprise_list_filters_valid_qualifications(client, city_analyst, world):
    # given: a little giant that expired and one that is valid
    QualificationFactory(
        enterprise=world.enterprise_b1,
        kind=QualificationKind.LITTLE_GIANT,
        granted_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2023, 1, 1),
    )
    QualificationFactory(
        enterprise=world.enterprise_a1,
        kind=QualificationKind.LITTLE_GIANT,
        granted_on=dt.date(2025, 1, 1),
        expires_on=None,
    )
    client.force_login(city_analyst)
    # when
    response = client.get(
        reverse("enterprises:list"), {"qualification": QualificationKind.LITTLE_GIANT}
    )
    # then
    assert _names(response) == {E_A1}
    assert "专精特新“小巨人”" in response.content.decode()


def test_enterprise_list_ignores_filters_outside_the_scope(client, county_a_user, world):
    # given: county A's user asks for county B's park
    client.force_login(county_a_user)
    # when
    response = client.get(reverse("enterprises:list"), {"park": world.park_b1.pk})
    # then: the invalid choice is dropped, never used to widen or leak
    assert _names(response) == {E_A1, E_A1_SECOND, E_A_DIRECT}


def test_enterprise_list_sorts_and_paginates(client, city_analyst, world):
    # given
    for n in range(30):
        EnterpriseFactory(
            name=f"批量企业{n:02d}有限公司", park=world.park_a1, region=world.region_a
        )
    client.force_login(city_analyst)
    url = reverse("enterprises:list")
    # when
    first = client.get(url, {"q": "批量", "sort": "-name"})
    second = client.get(url, {"q": "批量", "sort": "-name", "page": 2})
    junk_sort = client.get(url, {"sort": "credit_code); DROP"})
    # then
    assert [e.name for e in first.context["page"].object_list][:2] == [
        "批量企业29有限公司",
        "批量企业28有限公司",
    ]
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "共 30 条，第 2/2 页" in second.content.decode()
    assert junk_sort.context["sorting"].value == "name"


def test_enterprise_list_htmx_request_gets_the_results_fragment(client, city_analyst):
    client.force_login(city_analyst)
    response = client.get(
        reverse("enterprises:list"), {"q": "湘泉"}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="results"')
    assert "<html" not in text
    assert "filter-bar" not in text
    assert E_A1 in text
    assert 'hx-swap-oob="true"' in text  # keeps the filter form's hidden sort in step


def test_enterprise_list_without_results_says_what_to_do(client, city_analyst):
    client.force_login(city_analyst)
    response = client.get(reverse("enterprises:list"), {"q": "不存在的企业"})
    assert "没有符合条件的企业。请放宽筛选条件或清除搜索。" in response.content.decode()


def test_enterprise_detail_shows_identity_qualifications_parks_chains_and_history(
    client, city_analyst, world
):
    # given
    enterprise = world.enterprise_moved
    enterprise_update(
        actor=city_analyst,
        enterprise=enterprise,
        land_mu=Decimal("120.5"),
        registered_capital=Decimal("5000"),
    )
    client.force_login(city_analyst)
    # when
    response = client.get(reverse("enterprises:detail", kwargs={"pk": enterprise.pk}))
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert enterprise.credit_code in text
    assert "120.50 亩" in text
    assert "5,000.00 万元" in text
    assert "高新技术企业" in text
    assert "有效" in text
    assert "2025年" in text
    assert "规上" in text
    assert PARK_A1 in text
    assert PARK_B1 in text
    assert "2024-03-01" in text
    assert "2025-07-01" in text
    assert world.chain_y.name in text
    assert world.node_y.name in text
    assert "核心企业" in text
    history = response.context["history"]
    change = next(entry for entry in history if entry.changes)
    assert change.who == "city_analyst"
    assert change.action == "修改"
    assert ("用地（亩）", "30.00", "120.50") in [(c.label, c.old, c.new) for c in change.changes]
    assert any(entry.subject.startswith("入园记录") for entry in history)


def test_enterprise_detail_outside_the_scope_is_not_found(client, county_a_user, world):
    client.force_login(county_a_user)
    response = client.get(reverse("enterprises:detail", kwargs={"pk": world.enterprise_b1.pk}))
    assert response.status_code == 404


def test_enterprise_export_is_a_styled_workbook_of_the_enterprises_in_scope(client, county_b_user):
    # given
    client.force_login(county_b_user)
    # when
    response = client.get(reverse("enterprises:export"))
    # then
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95_" in disposition  # 企业名录_
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    rows = _sheet_rows(response.content)
    assert rows[0][:3] == ("企业", "统一社会信用代码", "县市区")
    assert {row[0] for row in rows[1:]} == {E_B1, E_MOVED}
    assert E_OTHER not in {row[0] for row in rows[1:]}


def test_enterprise_export_applies_the_list_filters(client, city_analyst, world):
    client.force_login(city_analyst)
    response = client.get(reverse("enterprises:export"), {"chain": world.chain_x.pk})
    assert {row[0] for row in _sheet_rows(response.content)[1:]} == {E_A1, E_B1}


def test_enterprise_export_stops_at_the_row_cap(client, city_analyst, settings):
    settings.EXPORT_MAX_ROWS = 2
    client.force_login(city_analyst)
    response = client.get(reverse("enterprises:export"))
    assert len(_sheet_rows(response.content)) == 3  # header + 2


def test_enterprise_list_query_count_does_not_grow_with_rows(
    client, city_analyst, world, django_assert_max_num_queries
):
    # given
    client.force_login(city_analyst)
    url = reverse("enterprises:list")
    with CaptureQueriesContext(connection) as few_rows:
        client.get(url)
    for _ in range(25):
        enterprise = EnterpriseFactory(park=world.park_b1, region=world.region_b)
        QualificationFactory(enterprise=enterprise)
        AboveScaleYearFactory(enterprise=enterprise, year=2025)
        ChainLinkFactory(enterprise=enterprise, node=world.node_y)
    # when / then
    with django_assert_max_num_queries(len(few_rows.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
