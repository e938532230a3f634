"""dispatch_figures: a month's figures per target from the reports, rankings, red items with
owners, and frozen months (调度口径) that later revisions do not change."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from engine.periods import Month
from parkchain.core.errors import ApplicationError
from parkchain.indicators.models import Observation
from parkchain.targets.data import book_progress
from parkchain.targets.models import DispatchSnapshot, Target
from parkchain.targets.selectors import dispatch_figures
from parkchain.targets.services import dispatch_snapshot_freeze, target_update


def figures_of(user, month=10):
    return dispatch_figures(user=user, year=2026, month=month)


def by_scope(figures):
    return {f.scope_name: f for f in figures.targets}


def test_a_parks_figure_is_its_own_report_against_time_progress(books, city_analyst):
    # when: October, 吉首经济开发区 reported 90 of its 100
    park = by_scope(figures_of(city_analyst))["吉首经济开发区"]
    # then: 90 % against 10/12 = 83.3 %: 6.7 pp ahead, green
    assert park.actual == pytest.approx(90.0)
    assert park.completion == pytest.approx(0.90)
    assert park.time_progress == pytest.approx(10 / 12)
    assert park.gap_pp == pytest.approx(90 - 250 / 3)
    assert park.rag == "green"
    assert park.unit == "万元"


def test_a_county_adds_up_its_parks_and_the_city_its_counties(books, city_analyst):
    figures = by_scope(figures_of(city_analyst))
    # then: 花垣县 = its park's 50 (of 100: red); 湘西州 = 90 + 50 = 140 of 200 (70 %: red)
    assert figures["花垣县"].actual == pytest.approx(50.0)
    assert figures["花垣县"].rag == "red"
    assert figures["湘西州"].actual == pytest.approx(140.0)
    assert figures["湘西州"].completion == pytest.approx(0.70)
    assert figures["湘西州"].rag == "red"


def test_a_chain_adds_up_the_enterprises_on_it(books, city_analyst):
    figures = by_scope(figures_of(city_analyst))
    # then: 白酒: 湘泉酿酒 50 + 边城供应链 40; 锰锌: 边城供应链 40 + 矮寨锌业 20
    assert figures["白酒产业链"].actual == pytest.approx(90.0)
    assert figures["锰锌新材料产业链"].actual == pytest.approx(60.0)
    assert figures["锰锌新材料产业链"].rag == "red"


def test_the_same_units_last_year_give_the_growth(books, city_analyst):
    # 吉首经济开发区: 90 this October against 80 last October
    park = by_scope(figures_of(city_analyst))["吉首经济开发区"]
    assert park.previous == pytest.approx(80.0)
    assert park.growth == pytest.approx(12.5)


def test_red_items_name_their_owners_furthest_behind_first(books, city_analyst):
    # when
    items = figures_of(city_analyst).red_items
    # then
    targets = [i for i in items if i.kind == "target"]
    assert targets[0].scope_name == "花垣县"  # 50 % against 83.3 %: furthest behind
    park = next(i for i in targets if i.scope_name == "花垣工业集中区")
    assert park.owner == "花垣工业集中区责任部门"
    assert "55.6%" in park.detail


def test_a_milestone_past_its_deadline_at_the_months_end_is_a_red_item(books, city_analyst):
    # 吉首市's task is due on 30 September and not done
    september = {
        i.scope_name for i in figures_of(city_analyst, 9).red_items if i.kind == "milestone"
    }
    october = {
        i.scope_name for i in figures_of(city_analyst, 10).red_items if i.kind == "milestone"
    }
    assert september == {"白酒产业链"}
    assert october == {"白酒产业链", "吉首市"}


def test_counties_and_parks_are_ranked_by_their_lights(books, city_analyst):
    figures = figures_of(city_analyst)
    assert [(r.name, r.rank, r.red) for r in figures.counties] == [
        ("吉首市", 1, 0),
        ("花垣县", 2, 1),
    ]
    assert [r.name for r in figures.parks] == ["吉首经济开发区", "花垣工业集中区"]


def test_a_frozen_month_keeps_its_figures_after_the_statistics_are_revised(books, city_analyst):
    # given: September was frozen with 吉首经济开发区 at 81
    before = by_scope(figures_of(city_analyst, 9))["吉首经济开发区"]
    # when: the statistics office revises September to 99 and the target is raised
    Observation.objects.filter(
        org_unit=books.target("吉首经济开发区").org_unit, year=2026, month=9
    ).update(value=99)
    target_update(actor=city_analyst, target=books.target("吉首经济开发区"), annual_value=150)
    # then: the 调度口径 is unchanged …
    after = figures_of(city_analyst, 9)
    assert after.source == "snapshot"
    assert by_scope(after)["吉首经济开发区"].actual == before.actual == pytest.approx(81.0)
    assert by_scope(after)["吉首经济开发区"].annual == 100.0
    # … while the live figures (年报口径) follow the revision
    targets = list(
        Target.objects.filter(book=books.book).select_related(
            "book__region", "indicator", "org_unit", "chain"
        )
    )
    live = book_progress(targets, period=Month(2026, 9))
    row = live.filter(live["target_id"] == books.target("吉首经济开发区").pk).row(0, named=True)
    assert row["actual"] == pytest.approx(99.0)


def test_an_unfrozen_month_is_live(books, city_analyst):
    assert figures_of(city_analyst, 10).source == "live"


def test_the_task_force_freezes_a_month_once(books, city_analyst):
    # when
    snapshot = dispatch_snapshot_freeze(actor=city_analyst, book=books.book, year=2026, month=10)
    # then
    assert snapshot.figures.count() == 7
    assert figures_of(city_analyst, 10).source == "snapshot"
    with translation.override("en"), pytest.raises(ApplicationError, match="already frozen"):
        dispatch_snapshot_freeze(actor=city_analyst, book=books.book, year=2026, month=10)


@pytest.mark.parametrize("persona", ["leader", "supervisor", "county_a_user"])
def test_only_the_task_force_freezes(request, books, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        dispatch_snapshot_freeze(actor=user, book=books.book, year=2026, month=10)
    assert not DispatchSnapshot.objects.filter(month=10).exists()


def test_a_year_without_a_book_has_no_figures(books, city_analyst):
    figures = dispatch_figures(user=city_analyst, year=2030, month=3)
    assert figures.source == "none"
    assert figures.targets == []
