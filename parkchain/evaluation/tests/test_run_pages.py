"""The run pages as each persona sees them: distribution, ranked results, explanation, exports,
report, and the 公示 → 异议 → 复核 → 定级 workflow driven through the forms."""

from __future__ import annotations

import datetime as dt
import html
import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from parkchain.evaluation import services
from parkchain.evaluation.models import ObjectionStatus, RunStatus
from parkchain.evaluation.tests import world as ew

pytestmark = pytest.mark.django_db

COUNTY_A_NAMES = ("湘泉酿酒有限公司", "峒河新材料有限公司", "乾州食品有限公司")
COUNTY_B_NAMES = ("边城供应链有限公司", "矮寨锌业有限公司")
OTHER_CITY_NAMES = ("天门山莓茶有限公司",)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _xlsx_text(response: Any) -> str:
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)


def _docx_text(response: Any) -> str:
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return " ".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def runs(world: Any) -> ew.Runs:
    return ew.enterprise_runs(world)


def test_city_analyst_sees_every_enterprise_of_the_city_ranked_with_classes(
    runs: ew.Runs, city_analyst: Any
) -> None:
    response = _client(city_analyst).get(reverse("evaluation:run", args=[runs.city.pk]))
    assert response.status_code == 200
    page = _text(response)
    for name in ("湘泉酿酒有限公司", "峒河新材料有限公司", "矮寨锌业有限公司"):
        assert name in page
    assert "天门山莓茶有限公司" not in page  # the other city's run is another run
    assert 'data-echarts="chart-grades"' in page


def test_county_user_sees_only_his_county_in_the_page_the_export_and_the_report(
    runs: ew.Runs, county_a_user: Any
) -> None:
    client = _client(county_a_user)
    pages = [
        _text(client.get(reverse("evaluation:run", args=[runs.city.pk]))),
        _text(client.get(reverse("evaluation:run", args=[runs.city.pk]) + "?by=park")),
        _text(client.get(reverse("evaluation:run", args=[runs.city.pk]) + "?by=chain")),
        _xlsx_text(client.get(reverse("evaluation:run_export", args=[runs.city.pk]))),
        _docx_text(client.get(reverse("evaluation:run_report", args=[runs.city.pk]))),
    ]
    for content in pages:
        for name in COUNTY_B_NAMES + OTHER_CITY_NAMES:
            assert name not in content
    assert "湘泉酿酒有限公司" in pages[0]
    assert "湘泉酿酒有限公司" in pages[3]
    assert "花垣" not in pages[0]  # not even the other county's name in the distribution


def test_another_countys_result_is_not_found_like_a_missing_one(
    runs: ew.Runs, county_a_user: Any
) -> None:
    other = ew.enterprise_named("矮寨锌业有限公司")
    client = _client(county_a_user)
    assert (
        client.get(reverse("evaluation:result", args=[runs.city.pk, other.pk])).status_code == 404
    )
    assert client.get(reverse("evaluation:result", args=[runs.city.pk, 999_999])).status_code == 404
    assert client.get(reverse("evaluation:run", args=[runs.other_city.pk])).status_code == 404


def test_the_explanation_shows_each_indicator_against_its_benchmark(
    runs: ew.Runs, enterprise_user: Any
) -> None:
    own = ew.enterprise_named("湘泉酿酒有限公司")
    response = _client(enterprise_user).get(
        reverse("evaluation:result", args=[runs.county_a.pk, own.pk])
    )
    assert response.status_code == 200
    explanation = response.context["explanation"]
    assert explanation.components, "every scored indicator is listed"
    base = sum(c.score or 0 for c in explanation.components)
    assert base == pytest.approx(explanation.result.base_score)
    page = _text(response)
    for component in explanation.components:
        assert html.escape(component.label) in page


def test_a_lower_class_enterprise_is_told_what_class_a_would_take(
    runs: ew.Runs, city_analyst: Any
) -> None:
    results = runs.city.enterprise_results.filter(status="graded").exclude(grade="A")
    result = results.order_by("-total").first()
    if result is None:
        pytest.skip("every graded enterprise of the fixture is class A")
    response = _client(city_analyst).get(
        reverse("evaluation:result", args=[runs.city.pk, result.enterprise_id])
    )
    lift = response.context["explanation"].lift
    if lift is not None:
        assert lift.required_value > (lift.current_value or 0)
        assert "alert-info" in _text(response)


def test_leader_reads_but_gets_no_workflow_buttons_and_cannot_publish(
    world: Any, leader: Any
) -> None:
    ew.add_figures(world)
    run = services.run_create(
        actor=ew.admin_user(), scheme_version=ew.version("xiangxi"), year=ew.YEAR, region=world.city
    )
    client = _client(leader)
    page = _text(client.get(reverse("evaluation:run", args=[run.pk])))
    assert reverse("evaluation:run_publish", args=[run.pk]) not in page
    client.post(reverse("evaluation:run_publish", args=[run.pk]), {"deadline": "2099-01-01"})
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT


def test_publicity_objection_review_and_finalisation_through_the_pages(
    world: Any, city_analyst: Any, enterprise_user: Any
) -> None:
    ew.add_figures(world)
    analyst = _client(city_analyst)
    version = ew.version("xiangxi")
    response = analyst.post(
        reverse("evaluation:run_new"),
        {"scheme_version": version.pk, "year": ew.YEAR, "region": world.city.pk, "title": "2025"},
    )
    assert response.status_code == 302
    run = runs_of(world)[-1]
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=5)
    analyst.post(
        reverse("evaluation:run_publish", args=[run.pk]), {"deadline": deadline.isoformat()}
    )
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLICISED

    own = ew.enterprise_named("湘泉酿酒有限公司")
    _client(enterprise_user).post(
        reverse("evaluation:objection_new", args=[run.pk, own.pk]),
        {"reason": "我司2025年税收含一笔留抵退税，请复核"},
    )
    objection = run.objections.get()
    assert objection.status == ObjectionStatus.OPEN

    # finalising is refused while the objection is open (the page says why; nothing changes)
    analyst.post(reverse("evaluation:run_finalise", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLICISED

    before = run.enterprise_results.get(enterprise=own).grade
    new_grade = "B" if before == "A" else "A"
    with time_machine.travel(deadline + dt.timedelta(days=1)):
        analyst = _client(city_analyst)  # a new session: the old one would have expired
        analyst.post(
            reverse("evaluation:objection_decide", args=[objection.pk]),
            {"accept": "1", "new_grade": new_grade, "note": "核实留抵退税后调整"},
        )
        objection.refresh_from_db()
        assert objection.status == ObjectionStatus.ACCEPTED
        analyst.post(reverse("evaluation:run_finalise", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.FINAL
    result = run.enterprise_results.get(enterprise=own)
    assert result.grade == new_grade
    assert result.computed_grade == before  # the engine's class is kept: the run still reproduces

    # the enterprise page shows the final class with its levers
    page = _text(_client(enterprise_user).get(reverse("enterprises:detail", args=[own.pk])))
    assert reverse("evaluation:result", args=[run.pk, own.pk]) in page


def runs_of(world: Any) -> list[Any]:
    from parkchain.evaluation.models import EvaluationRun

    return list(EvaluationRun.objects.filter(region=world.city).order_by("pk"))


def test_park_and_county_league_tables_render_with_their_components(
    world: Any, city_analyst: Any, park_a1_user: Any
) -> None:
    park_run = ew.park_run(world)
    county_run = ew.county_run(world)
    client = _client(city_analyst)
    page = _text(client.get(reverse("evaluation:run", args=[park_run.pk])))
    assert "吉首经济开发区" in page
    assert "花垣工业集中区" in page
    row = park_run.park_results.first()
    assert row is not None
    detail = client.get(reverse("evaluation:park_result", args=[park_run.pk, row.park_id]))
    assert detail.status_code == 200
    assert _text(client.get(reverse("evaluation:run", args=[county_run.pk]))).count("吉首市") >= 1
    # a park user sees his own park's row only
    own = _text(_client(park_a1_user).get(reverse("evaluation:run", args=[park_run.pk])))
    assert "吉首经济开发区" in own
    assert "花垣工业集中区" not in own
    for response in (
        client.get(reverse("evaluation:run_export", args=[park_run.pk])),
        client.get(reverse("evaluation:run_export", args=[county_run.pk])),
    ):
        assert response.status_code == 200
        assert _xlsx_text(response)
