"""Chain pages: list, detail (nodes by position, chart, history), exports."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkchain.organisations.tests.visibility import (
    CHAIN_X,
    CHAIN_Y,
    CHAIN_Z,
    E_A1,
    E_B1,
    PARK_A1,
    PARK_B1,
)

pytestmark = pytest.mark.django_db


def _sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_chain_list_renders_the_city_chains_in_chinese(client, city_analyst):
    # given
    client.force_login(city_analyst)
    # when
    response = client.get(reverse("chains:list"))
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in text
    assert "链长" in text
    assert "牵头部门" in text
    assert "重点园区" in text
    assert CHAIN_X in text
    assert CHAIN_Y in text
    assert CHAIN_Z not in text
    assert "吉首经开区" in text  # chain X's key park, by its short name


def test_chain_list_counts_only_enterprises_the_user_may_see(client, county_a_user):
    # given: chain X has 湘泉 (county A) and 边城 (county B)
    client.force_login(county_a_user)
    # when
    response = client.get(reverse("chains:list"))
    # then
    counts = {chain.name: chain.enterprise_count for chain in response.context["chains"]}
    assert counts == {CHAIN_X: 1, CHAIN_Y: 0}
    assert "花垣工业区" not in response.content.decode()  # chain Y's key park is county B's


def test_chain_list_searches_by_name(client, city_analyst):
    client.force_login(city_analyst)
    response = client.get(reverse("chains:list"), {"q": "白酒"})
    assert [chain.name for chain in response.context["chains"]] == [CHAIN_X]


def test_chain_detail_groups_nodes_by_position_with_visible_enterprises(
    client, county_a_user, world
):
    # given
    client.force_login(county_a_user)
    # when
    response = client.get(reverse("chains:detail", kwargs={"pk": world.chain_x.pk}))
    # then
    text = response.content.decode()
    assert response.status_code == 200
    sections = {label: roots for _value, label, roots, _count in response.context["sections"]}
    assert list(sections) == ["上游", "中游", "下游"]
    assert [root.node.name for root in sections["中游"]] == ["白酒酿造"]
    assert [child.node.name for child in sections["中游"][0].children] == ["酱香基酒"]
    assert E_A1 in text
    assert "链主企业" in text
    assert E_B1 not in text  # on chain X, but in county B
    assert world.industry_department.name in text
    assert "变更记录" in text


def test_chain_detail_carries_a_tree_chart_of_the_nodes(client, city_analyst, world):
    client.force_login(city_analyst)
    response = client.get(reverse("chains:detail", kwargs={"pk": world.chain_x.pk}))
    text = response.content.decode()
    assert 'data-echarts="chart-chain"' in text
    option = response.context["chart"]
    assert option["series"][0]["type"] == "tree"
    assert json.dumps(option, ensure_ascii=False).count("酱香基酒") == 1
    assert response.context["chart_height"] >= 320


def test_chain_detail_of_another_city_is_not_found(client, city_analyst, world):
    client.force_login(city_analyst)
    response = client.get(reverse("chains:detail", kwargs={"pk": world.chain_z.pk}))
    assert response.status_code == 404


def test_chain_export_lists_the_chains_in_scope(client, city_analyst):
    # given
    client.force_login(city_analyst)
    # when
    response = client.get(reverse("chains:export"))
    # then
    assert response.status_code == 200
    assert "filename*=UTF-8''%E4%BA%A7%E4%B8%9A%E9%93%BE_" in response["Content-Disposition"]
    rows = _sheet_rows(response.content)
    assert rows[0][0] == "产业链"
    assert [row[0] for row in rows[1:]] == [CHAIN_X, CHAIN_Y]
    assert rows[1][6] == PARK_A1
    assert rows[2][6] == PARK_B1


def test_chain_detail_export_has_one_row_per_node_and_visible_enterprise(
    client, county_b_user, world
):
    # given: county B sees 边城 on chain X's 下游 node, not 湘泉 (county A)
    client.force_login(county_b_user)
    # when
    response = client.get(reverse("chains:detail_export", kwargs={"pk": world.chain_x.pk}))
    # then
    assert response.status_code == 200
    rows = _sheet_rows(response.content)
    assert rows[0][:4] == ("环节", "产业环节", "节点", "企业")
    assert [(row[0], row[1], row[3]) for row in rows[1:]] == [("下游", "商贸流通", E_B1)]


def test_chain_detail_export_outside_the_scope_is_not_found(client, county_a_user, world):
    client.force_login(county_a_user)
    url = reverse("chains:detail_export", kwargs={"pk": world.chain_z.pk})
    assert client.get(url).status_code == 404
