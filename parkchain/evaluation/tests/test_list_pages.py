"""The 六个清单 pages as each persona sees them: the snapshots, building one through the form, the
six tabs, the .xlsx of a tab; no enterprise outside the scope, tax amounts only for allowed roles."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from parkchain.core.tests.test_page_scopes import forbidden, leaks
from parkchain.evaluation.models import ListKind, ListRow, ListSnapshot
from parkchain.evaluation.services import lists_build
from parkchain.evaluation.tests import world as ew
from parkchain.organisations.tests.visibility import PERSONAS, VISIBLE

pytestmark = pytest.mark.django_db

# 2025 taxes of world.py, as the 税收清单 shows them (万元)
TAX_SHOWN = {"湘泉酿酒有限公司": "900 ", "峒河新材料有限公司": "240 "}
TAX_HIDDEN_FROM = {"supervisor", "chain_office_user", "park_a1_user", "department_user"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _xlsx_rows(response: Any) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _xlsx_text(response: Any) -> str:
    return " ".join(str(c) for row in _xlsx_rows(response) for c in row if c is not None)


@pytest.fixture
def snapshot(figures: Any) -> ListSnapshot:
    """The city's 2025 lists (built by a superuser outside the personas)."""
    return next(s for s in ew.snapshots(figures) if s.scope_unit == figures.city)


@pytest.fixture
def other_snapshot(figures: Any) -> ListSnapshot:
    return next(s for s in ew.snapshots(figures) if s.scope_unit == figures.other_city)


def _detail(snapshot: ListSnapshot, kind: str = "") -> str:
    url = reverse("evaluation:list_snapshot", args=[snapshot.pk])
    return f"{url}?kind={kind}" if kind else url


def _export(snapshot: ListSnapshot, kind: str) -> str:
    return reverse("evaluation:list_export", args=[snapshot.pk]) + f"?kind={kind}"


# -- the snapshots ------------------------------------------------------------------------------
def test_the_index_lists_snapshots_and_offers_the_build_form_to_builders(
    snapshot, other_snapshot, city_analyst, leader
):
    # when
    admin_page = _text(_client(city_analyst).get(reverse("evaluation:lists")))
    leader_page = _text(_client(leader).get(reverse("evaluation:lists")))
    # then
    assert snapshot.title in admin_page
    assert snapshot.title in leader_page
    assert other_snapshot.title not in admin_page
    assert 'id="build-form"' in admin_page
    assert 'id="build-form"' not in leader_page


def test_the_index_says_what_to_do_when_there_is_no_snapshot(world, county_a_user, leader):
    county = _text(_client(county_a_user).get(reverse("evaluation:lists")))
    reader = _text(_client(leader).get(reverse("evaluation:lists")))
    assert "empty-title" in county
    assert 'id="build-form"' in county
    assert "empty-title" in reader
    assert 'id="build-form"' not in reader


def test_the_city_task_force_builds_the_lists_through_the_form(figures, city_analyst):
    # when
    response = _client(city_analyst).post(
        reverse("evaluation:lists"),
        {
            "build-scope": figures.city.pk,
            "build-year": ew.YEAR,
            "build-month": 0,
            "build-title": "2025年度六个清单",
        },
    )
    # then
    snapshot = ListSnapshot.objects.get(title="2025年度六个清单")
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:list_snapshot", args=[snapshot.pk])
    assert snapshot.built_by == city_analyst
    assert ListRow.objects.filter(snapshot=snapshot, kind=ListKind.TOP_TAX).exists()


def test_a_county_builds_for_its_county_but_may_not_choose_the_city(figures, county_a_user):
    client = _client(county_a_user)
    page = _text(client.get(reverse("evaluation:lists")))
    options = page.split('name="build-scope"', 1)[1].split("</select>", 1)[0]
    assert figures.county_a.name in options
    assert figures.park_a1.name in options
    assert figures.city.name not in options
    assert figures.county_b.name not in options
    # when
    refused = client.post(
        reverse("evaluation:lists"),
        {"build-scope": figures.city.pk, "build-year": ew.YEAR, "build-month": 0},
    )
    built = client.post(
        reverse("evaluation:lists"),
        {"build-scope": figures.county_a.pk, "build-year": ew.YEAR, "build-month": 0},
    )
    # then
    assert refused.status_code == 200
    assert "invalid-feedback" in _text(refused)
    assert ListSnapshot.objects.filter(scope_unit=figures.city).count() == 0
    assert built.status_code == 302
    assert ListSnapshot.objects.filter(scope_unit=figures.county_a).count() == 1


def test_a_bad_period_is_refused_next_to_the_field(figures, city_analyst):
    response = _client(city_analyst).post(
        reverse("evaluation:lists"),
        {"build-scope": figures.city.pk, "build-year": ew.YEAR, "build-month": 13},
    )
    assert response.status_code == 200
    assert "invalid-feedback" in _text(response)
    assert not ListSnapshot.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "supervisor", "enterprise_user"])
def test_readers_may_not_post_a_build(request, figures, persona):
    user = request.getfixturevalue(persona)
    response = _client(user).post(
        reverse("evaluation:lists"),
        {"build-scope": figures.city.pk, "build-year": ew.YEAR, "build-month": 0},
    )
    assert response.status_code == 403
    assert not ListSnapshot.objects.exists()


# -- the lists: scope -------------------------------------------------------------------------
@pytest.mark.parametrize("persona", PERSONAS)
def test_tabs_and_exports_name_nothing_outside_the_scope(request, snapshot, figures, persona):
    # given
    user = request.getfixturevalue(persona)
    client = _client(user)
    v = VISIBLE[persona]
    not_allowed = forbidden(figures, v)
    seen: set[str] = set()
    for kind in ListKind.values:
        # when
        page = client.get(_detail(snapshot, kind))
        export = client.get(_export(snapshot, kind))
        if persona == "no_membership_user":
            assert page.status_code == export.status_code == 404
            continue
        # then
        assert page.status_code == export.status_code == 200, kind
        page_text, export_text = _text(page), _xlsx_text(export)
        assert leaks(page_text, not_allowed) == [], kind
        assert leaks(export_text, not_allowed) == [], kind
        seen |= {name for name in v.enterprises if name in page_text and name in export_text}
    # every enterprise of the city in scope is on some list (all of them pay tax)
    if persona != "no_membership_user":
        assert seen == set(v.enterprises) - {"天门山莓茶有限公司"}


def test_a_county_user_sees_his_county_rows_of_the_city_lists_only(snapshot, county_b_user):
    client = _client(county_b_user)
    page = _text(client.get(_detail(snapshot, ListKind.TOP_TAX)))
    export = _xlsx_text(client.get(_export(snapshot, ListKind.TOP_TAX)))
    for text in (page, export):
        assert "矮寨锌业有限公司" in text
        assert "边城供应链有限公司" in text
        for name in ("湘泉酿酒有限公司", "峒河新材料有限公司", "乾州食品有限公司"):
            assert name not in text
    assert 'id="scope-note"' in page


def test_another_citys_lists_answer_404_like_a_missing_one(other_snapshot, city_analyst):
    client = _client(city_analyst)
    missing = ListSnapshot.objects.order_by("-pk").first().pk + 1000
    for url in (
        _detail(other_snapshot),
        _export(other_snapshot, ListKind.TOP_TAX),
        reverse("evaluation:list_snapshot", args=[missing]),
    ):
        assert client.get(url).status_code == 404, url


# -- the lists: tax amounts ---------------------------------------------------------------------
@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - {"no_membership_user"}))
def test_tax_amounts_are_shown_only_to_the_roles_allowed(request, snapshot, persona):
    # given
    client = _client(request.getfixturevalue(persona))
    v = VISIBLE[persona]
    hidden = persona in TAX_HIDDEN_FROM
    # when
    page = _text(client.get(_detail(snapshot, ListKind.TOP_TAX)))
    rows = _xlsx_rows(client.get(_export(snapshot, ListKind.TOP_TAX)))
    # then
    if v.enterprises:  # nobody on the list: nothing to hide, nothing said
        assert ('id="amounts-restricted"' in page) is hidden
    by_name = {row[1]: row for row in rows[1:]}
    value_at = rows[0].index(next(h for h in rows[0] if "10k yuan" in str(h) or "万元" in str(h)))
    for name, shown in TAX_SHOWN.items():
        if name not in v.enterprises:
            continue
        assert name in page
        assert name in by_name
        if hidden:
            assert shown not in page
            assert by_name[name][value_at] == "—"
        else:
            assert shown in page
            assert by_name[name][value_at] == pytest.approx(float(shown))


def test_other_lists_keep_their_amounts_for_roles_without_tax_access(snapshot, park_a1_user):
    page = _text(_client(park_a1_user).get(_detail(snapshot, ListKind.TOP_OUTPUT)))
    assert 'id="amounts-restricted"' not in page
    assert "湘泉酿酒有限公司" in page


# -- the lists: content -------------------------------------------------------------------------
def test_each_tab_shows_its_list_with_a_chart_where_it_helps(snapshot, city_analyst):
    client = _client(city_analyst)
    output = _text(client.get(_detail(snapshot, ListKind.TOP_OUTPUT)))
    chains = _text(client.get(_detail(snapshot, ListKind.CHAIN_MASTERS)))
    assert 'data-echarts="chart-list"' in output
    assert reverse("enterprises:detail", args=[snapshot.rows.first().enterprise_id]) in output
    assert 'data-echarts="chart-list"' not in chains
    # every chain of the city shows a chain master, a candidate, one in cultivation or a gap
    assert "白酒产业链" in chains
    assert "锰锌新材料产业链" in chains
    assert "莓茶产业链" not in chains


def test_a_chain_without_anybody_on_the_list_shows_a_gap(figures, city_analyst):
    # given: lists of county A, where chain Y has no enterprise
    snapshot = lists_build(actor=city_analyst, year=ew.YEAR, month=0, scope=figures.county_a)
    # when
    page = _text(_client(city_analyst).get(_detail(snapshot, ListKind.CHAIN_MASTERS)))
    export = _xlsx_text(_client(city_analyst).get(_export(snapshot, ListKind.CHAIN_MASTERS)))
    # then
    assert "锰锌新材料产业链" in page
    assert "table-danger" in page
    assert "锰锌新材料产业链" in export


def test_tabs_swap_as_htmx_fragments(snapshot, city_analyst):
    response = _client(city_analyst).get(
        _detail(snapshot, ListKind.TOP_TAX), headers={"HX-Request": "true"}
    )
    text = _text(response)
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="results"')
    assert "HX-Request" in response["Vary"]


def test_an_unknown_tab_falls_back_to_the_first_list(snapshot, city_analyst):
    response = _client(city_analyst).get(_detail(snapshot, "nonsense"))
    assert response.status_code == 200
    assert 'aria-selected="true">' in _text(response)
