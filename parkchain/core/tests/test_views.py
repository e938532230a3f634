"""Home page, global search, login, language switch, error pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parkchain.organisations.tests.visibility import (
    CHAIN_X,
    CHAIN_Y,
    COUNTY_A,
    COUNTY_B,
    E_A1,
    E_B1,
    E_OTHER,
    PARK_A1,
    PARK_B1,
)

pytestmark = pytest.mark.django_db


def test_home_shows_live_counts_of_the_city(client, city_analyst):
    # given
    client.force_login(city_analyst)
    # when
    response = client.get(reverse("home"))
    # then
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.park_count, summary.enterprise_count, summary.chain_count) == (2, 5, 2)
    assert (summary.above_scale_year, summary.above_scale_count) == (2025, 5)
    assert summary.breakdown_level == "county"
    assert {(row.name, row.park_count, row.enterprise_count) for row in summary.breakdown} == {
        (COUNTY_A, 1, 3),
        (COUNTY_B, 1, 2),
    }
    assert {chain.name: chain.enterprise_count for chain in summary.chains} == {
        CHAIN_X: 2,
        CHAIN_Y: 2,
    }
    high_tech = next(q for q in summary.qualifications if q.kind == "high_tech")
    assert high_tech.label == "高新技术企业"
    assert high_tech.count == 5
    text = response.content.decode()
    assert "总览" in text
    assert "各县市区企业" in text
    assert 'data-echarts="chart-home"' in text
    assert response.context["chart"]["xAxis"]["data"] == [COUNTY_A, COUNTY_B]


def test_home_of_a_county_user_breaks_down_by_park(client, county_a_user):
    client.force_login(county_a_user)
    summary = client.get(reverse("home")).context["summary"]
    assert summary.breakdown_level == "park"
    assert [(row.name, row.enterprise_count) for row in summary.breakdown] == [
        ("吉首经开区", 2),
        ("园区外", 1),
    ]
    assert summary.enterprise_count == 3


def test_home_of_an_enterprise_user_is_his_own_card(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("home"))
    text = response.content.decode()
    assert response.context["summary"].own.enterprise.name == E_A1
    assert E_A1 in text
    assert "完整档案" in text
    assert CHAIN_X in text
    assert E_B1 not in text


def test_home_of_a_user_without_role_says_whom_to_ask(client, no_membership_user):
    client.force_login(no_membership_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()


def test_top_bar_shows_the_name_role_and_scope(client, county_a_user):
    county_a_user.first_name, county_a_user.last_name = "丽", "向"
    county_a_user.save()
    client.force_login(county_a_user)
    text = client.get(reverse("home")).content.decode()
    assert "向丽" in text
    assert f"{COUNTY_A} · 县市区" in text
    assert 'hx-headers=\'{"x-csrftoken": "' in text


def test_navigation_lists_the_modules_of_the_role(client, enterprise_user, city_analyst):
    client.force_login(city_analyst)
    city_nav = list(client.get(reverse("home")).context["nav_items"])
    client.force_login(enterprise_user)
    enterprise_nav = list(client.get(reverse("home")).context["nav_items"])
    # 数据填报 (reporting) and 驾驶舱 (cockpit) are untranslated until the translator pass:
    # compared by URL. The cockpit comes right after home, for the roles that read targets.
    cockpit = reverse("cockpit:home")
    assert city_nav[1].url == cockpit
    city_modules = [item for item in city_nav if item.url != cockpit]
    assert [str(item.label) for item in city_modules[:4]] == ["首页", "园区", "企业", "产业链"]
    assert [str(item.label) for item in enterprise_nav[:3]] == ["首页", "企业", "产业链"]
    assert reverse("reporting:home") in [item.url for item in city_modules[4:]]
    assert reverse("reporting:home") in [item.url for item in enterprise_nav[3:]]
    assert cockpit not in [item.url for item in enterprise_nav]
    assert reverse("targets:home") not in [item.url for item in enterprise_nav]


def test_search_groups_parks_enterprises_and_chains_in_scope(client, county_b_user):
    # given
    client.force_login(county_b_user)
    # when
    response = client.get(reverse("search"), {"q": "花垣"})
    by_chain = client.get(reverse("search"), {"q": "锰锌"})
    # then
    results = response.context["results"]
    assert [park.name for park in results.parks] == [PARK_B1]
    assert [chain.name for chain in by_chain.context["results"].chains] == [CHAIN_Y]
    assert PARK_A1 not in response.content.decode()


def test_search_by_credit_code_stays_in_scope(client, county_a_user, world):
    client.force_login(county_a_user)
    mine = client.get(reverse("search"), {"q": world.enterprise_a1.credit_code})
    theirs = client.get(reverse("search"), {"q": world.enterprise_other.credit_code})
    assert [e.name for e in mine.context["results"].enterprises] == [E_A1]
    assert theirs.context["results"].total == 0
    assert E_OTHER not in theirs.content.decode()
    assert "您的范围内没有匹配结果" in theirs.content.decode()


def test_login_page_is_chinese_and_shows_no_data(client, world):
    response = client.get(reverse("login"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "parkchain" in text
    assert "园区与产业链数字化平台" in text
    assert "登录" in text
    assert PARK_A1 not in text
    assert E_A1 not in text


def test_pages_need_a_signed_in_user(client, world):
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_language_switch_to_english_and_back(client, city_analyst):
    # given
    client.force_login(city_analyst)
    # when
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("enterprises:list")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    chinese = client.get(reverse("enterprises:list")).content.decode()
    # then
    assert '<html lang="en">' in english
    assert "All counties" in english
    assert "Export to Excel" in english
    assert '<html lang="zh-hans">' in chinese
    assert "全部县市区" in chinese


def test_browser_language_does_not_override_chinese(client, city_analyst):
    client.force_login(city_analyst)
    response = client.get(reverse("home"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="zh-hans">' in response.content.decode()


def test_logout_is_a_post(client, city_analyst):
    client.force_login(city_analyst)
    text = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("logout")}" method="post"' in text
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_not_found_page_is_chinese_with_a_link_home(client, city_analyst):
    client.force_login(city_analyst)
    response = client.get("/no-such-page/")
    text = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in text
    assert 'href="/"' in text


def test_numbers_are_formatted_with_chinese_units(client, city_analyst, world):
    client.force_login(city_analyst)
    url = reverse("enterprises:detail", kwargs={"pk": world.enterprise_a1.pk})
    text = client.get(url).content.decode()
    assert "30.00 亩" in text


def test_error_templates_render_in_chinese(rf, city_analyst):
    from django.core.exceptions import PermissionDenied
    from django.template.loader import render_to_string
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = city_analyst
    forbidden = permission_denied(request, PermissionDenied()).content.decode()
    assert "无权操作" in forbidden
    assert 'href="/"' in forbidden
    assert "系统出错了" in render_to_string("500.html")
