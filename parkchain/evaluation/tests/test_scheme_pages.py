"""The scheme pages: the schemes, a definition in words with its versions, the task force's edit
(a used version is never changed, a new one is made; invalid input saves nothing), and the import
of an official notice through the page (every bad row named, nothing written)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from parkchain.evaluation.models import (
    EnterpriseResult,
    EvaluationRun,
    RunSource,
    Scheme,
    SchemeVersion,
)
from parkchain.evaluation.services import official_results_import, scheme_version_create
from parkchain.evaluation.tests import world as ew
from parkchain.evaluation.tests.test_official_import import official_rows, workbook
from parkchain.organisations.tests.visibility import PERSONAS

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_TASK_FORCE = [p for p in PERSONAS if p not in ("city_analyst", "superuser")]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _scheme(code: str) -> Scheme:
    return Scheme.objects.get(code=code)


def _knobs(version: SchemeVersion, **changes: Any) -> dict[str, Any]:
    """The knobs form filled with ``version``'s values, then ``changes``."""
    definition = version.definition
    data: dict[str, Any] = {"note": ""}
    for g, group in enumerate(definition["groups"]):
        for i, indicator in enumerate(group["indicators"]):
            data[f"weight__{g}__{i}"] = indicator["weight"]
            data[f"cap__{g}__{i}"] = indicator.get("cap_mult", 2.0) or ""
        for grade in "ABC":
            data[f"cut_{grade}__{g}"] = group["cuts"][grade] * 100
    data["land_floor_mu"] = definition.get("land_floor_mu") or ""
    floor = definition.get("abs_floor_d") or {}
    data["abs_floor_indicator"] = floor.get("indicator", "")
    data["abs_floor_value"] = floor.get("value", "")
    a_min = definition.get("a_min") or {}
    data["a_min_indicator"] = a_min.get("indicator", "")
    data["a_min_value"] = "" if a_min.get("value") is None else a_min["value"]
    if a_min.get("use_benchmark"):
        data["a_min_benchmark"] = "on"
    data.update(changes)
    return data


def _use(version: SchemeVersion, world: Any, actor: Any) -> EvaluationRun:
    """A run that used ``version`` (an official notice records the scheme's latest version)."""
    run = official_results_import(
        actor=actor,
        file=workbook(official_rows(world)),
        year=ew.YEAR,
        scheme=version.scheme,
        region=world.city,
    )
    assert run.scheme_version == version
    return run


# -- reading --------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", PERSONAS)
def test_schemes_and_their_definitions_render_for_every_reader(request, world, persona):
    # given
    client = _client(request.getfixturevalue(persona))
    # when
    index = client.get(reverse("evaluation:schemes"))
    details = [client.get(reverse("evaluation:scheme", args=[s.pk])) for s in Scheme.objects.all()]
    # then
    assert index.status_code == 200
    if persona == "no_membership_user":  # presets are reference data of the users of a city
        assert {d.status_code for d in details} == {404}
        return
    assert {d.status_code for d in details} == {200}
    text = _text(index)
    assert all(s.name in text for s in Scheme.objects.all())
    shows_edit = 'id="scheme-edit"' in _text(details[0])
    assert shows_edit is (persona in ("city_analyst", "superuser"))


def test_the_enterprise_definition_reads_as_the_scheme(world, city_analyst):
    page = _text(
        _client(city_analyst).get(reverse("evaluation:scheme", args=[_scheme("xiangxi").pk]))
    )
    # weights, formula, cap, cuts, floors, forced D, bonus and levers are all said
    for needle in ("亩均税收", "规上工业企业", "规下工业企业", "高新技术企业", "违规转租厂房"):
        assert needle in page
    assert "÷" in page
    assert 'id="abs-floor"' in page
    assert 'id="levers"' in page
    assert "bg-red-lt" in page  # D: excluded


def test_park_and_county_definitions_read_too(world, leader):
    client = _client(leader)
    park = _text(client.get(reverse("evaluation:scheme", args=[_scheme("five_good").pk])))
    county = _text(client.get(reverse("evaluation:scheme", args=[_scheme("county_mu").pk])))
    assert "规划定位好" in park
    assert "统计数据造假" in park  # a veto item
    assert "较大生产安全事故" in park  # a deduction
    assert "Σ" in county


def test_the_version_history_names_the_runs_that_used_each_version(figures, city_analyst, xiangxi):
    # given
    run = _use(xiangxi, figures, city_analyst)
    # when
    page = _text(_client(city_analyst).get(reverse("evaluation:scheme", args=[xiangxi.scheme.pk])))
    # then
    assert 'id="versions"' in page
    assert run.title in page
    assert reverse("evaluation:run", args=[run.pk]) in page
    assert xiangxi.definition_hash[:12] in page


def test_an_older_version_can_be_read(world, city_analyst, xiangxi):
    definition = {**xiangxi.definition, "land_floor_mu": 2.0}
    scheme_version_create(actor=city_analyst, scheme=xiangxi.scheme, definition=definition)
    page = _text(
        _client(city_analyst).get(
            reverse("evaluation:scheme", args=[xiangxi.scheme.pk]) + "?version=1"
        )
    )
    assert "bg-yellow-lt" in page  # not the current version


# -- editing ------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", NOT_TASK_FORCE)
def test_only_the_city_task_force_may_change_a_scheme(request, world, persona, xiangxi):
    client = _client(request.getfixturevalue(persona))
    url = reverse("evaluation:scheme_edit", args=[xiangxi.scheme.pk])
    expected = 404 if persona == "no_membership_user" else 403
    assert client.get(url).status_code == expected
    assert client.post(url, _knobs(xiangxi)).status_code == expected
    assert SchemeVersion.objects.filter(scheme=xiangxi.scheme).count() == 1


def test_every_scheme_has_an_edit_page(world, city_analyst):
    client = _client(city_analyst)
    for scheme in Scheme.objects.all():
        response = client.get(reverse("evaluation:scheme_edit", args=[scheme.pk]))
        assert response.status_code == 200, scheme.code
        assert 'name="weight__0__0"' in _text(response), scheme.code


def test_the_edit_page_shows_the_knobs_with_the_current_values(world, city_analyst, xiangxi):
    page = _text(
        _client(city_analyst).get(reverse("evaluation:scheme_edit", args=[xiangxi.scheme.pk]))
    )
    assert 'name="weight__0__0"' in page
    assert 'name="cut_A__0"' in page
    assert 'value="20.0"' in page  # A up to 20 %
    assert 'name="json-definition"' in page
    assert 'id="version-note"' in page


def test_a_change_to_a_used_version_becomes_a_new_version(figures, city_analyst, xiangxi):
    # given: a person's version 2, used by a run
    v2 = scheme_version_create(
        actor=city_analyst,
        scheme=xiangxi.scheme,
        definition={**xiangxi.definition, "land_floor_mu": 2.0},
        note="v2",
    )
    _use(v2, figures, city_analyst)
    before = (v2.definition_hash, json.dumps(v2.definition, sort_keys=True))
    # when: the D floor goes from 1 to 0.3 万元/亩 and A takes the top 25 %
    response = _client(city_analyst).post(
        reverse("evaluation:scheme_edit", args=[xiangxi.scheme.pk]),
        _knobs(v2, abs_floor_value=0.3, cut_A__0=25, note="2025: D floor 0.3"),
    )
    # then
    assert response.status_code == 302
    v2.refresh_from_db()
    assert (v2.definition_hash, json.dumps(v2.definition, sort_keys=True)) == before
    v3 = SchemeVersion.objects.get(scheme=xiangxi.scheme, version=3)
    assert v3.definition["abs_floor_d"]["value"] == 0.3
    assert v3.definition["groups"][0]["cuts"]["A"] == 0.25
    assert v3.note == "2025: D floor 0.3"
    assert v3.created_by == city_analyst


def test_a_preset_as_published_is_never_edited_in_place(world, city_analyst, xiangxi):
    response = _client(city_analyst).post(
        reverse("evaluation:scheme_edit", args=[xiangxi.scheme.pk]),
        _knobs(xiangxi, land_floor_mu=2),
    )
    assert response.status_code == 302
    xiangxi.refresh_from_db()
    assert xiangxi.definition["land_floor_mu"] == 1.0
    assert (
        SchemeVersion.objects.get(scheme=xiangxi.scheme, version=2).definition["land_floor_mu"]
        == 2.0
    )


def test_a_version_nobody_used_yet_is_corrected_in_place(world, city_analyst, xiangxi):
    # given
    v2 = scheme_version_create(
        actor=city_analyst,
        scheme=xiangxi.scheme,
        definition={**xiangxi.definition, "land_floor_mu": 2.0},
    )
    # when
    response = _client(city_analyst).post(
        reverse("evaluation:scheme_edit", args=[xiangxi.scheme.pk]),
        _knobs(v2, land_floor_mu=3, note="typo: 3 亩"),
    )
    # then
    assert response.status_code == 302
    assert SchemeVersion.objects.filter(scheme=xiangxi.scheme).count() == 2
    v2.refresh_from_db()
    assert v2.definition["land_floor_mu"] == 3.0
    assert v2.note == "typo: 3 亩"


def test_weights_that_do_not_add_up_are_refused_next_to_the_group(world, city_analyst, xiangxi):
    # when
    response = _client(city_analyst).post(
        reverse("evaluation:scheme_edit", args=[xiangxi.scheme.pk]),
        _knobs(xiangxi, weight__0__0=35, cut_B__1=10),
    )
    # then
    text = _text(response)
    assert response.status_code == 200
    assert "group-error" in text
    assert "105" in text
    assert text.count("invalid-feedback") >= 2  # the weights and the cut-offs of group 2
    assert SchemeVersion.objects.filter(scheme=xiangxi.scheme).count() == 1


def test_json_that_does_not_parse_is_refused_in_the_box(world, city_analyst, xiangxi):
    response = _client(city_analyst).post(
        reverse("evaluation:scheme_edit", args=[xiangxi.scheme.pk]),
        {"json-definition": '{"code": "xiangxi",', "json-note": ""},
    )
    text = _text(response)
    assert response.status_code == 200
    assert "json-error" in text
    assert "advanced" in text
    assert " open" in text
    assert SchemeVersion.objects.filter(scheme=xiangxi.scheme).count() == 1


def test_a_definition_the_engine_refuses_is_refused_in_the_box_and_nothing_saved(
    world, city_analyst, xiangxi
):
    # given: cut-offs that decrease
    definition = json.loads(json.dumps(xiangxi.definition))
    definition["groups"][0]["cuts"] = {"A": 0.6, "B": 0.2, "C": 0.95}
    # when
    response = _client(city_analyst).post(
        reverse("evaluation:scheme_edit", args=[xiangxi.scheme.pk]),
        {"json-definition": json.dumps(definition, ensure_ascii=False), "json-note": "bad"},
    )
    # then
    text = _text(response)
    assert response.status_code == 200
    assert "json-error" in text
    assert "groups.0.cuts" in text
    assert SchemeVersion.objects.filter(scheme=xiangxi.scheme).count() == 1


def test_a_valid_json_definition_is_saved_as_a_new_version(world, city_analyst, xiangxi):
    definition = json.loads(json.dumps(xiangxi.definition))
    definition["groups"][1]["indicators"][0]["weight"] = 60
    definition["groups"][1]["indicators"][1]["weight"] = 40
    response = _client(city_analyst).post(
        reverse("evaluation:scheme_edit", args=[xiangxi.scheme.pk]),
        {"json-definition": json.dumps(definition), "json-note": "规下 60/40"},
    )
    assert response.status_code == 302
    v2 = SchemeVersion.objects.get(scheme=xiangxi.scheme, version=2)
    assert v2.definition["groups"][1]["indicators"][0]["weight"] == 60
    assert v2.note == "规下 60/40"


def test_park_weights_are_knobs_too(world, city_analyst):
    version = SchemeVersion.objects.get(scheme__code="five_good")
    data = {"note": "swap"}
    for d, dimension in enumerate(version.definition["dimensions"]):
        for i, indicator in enumerate(dimension["indicators"]):
            data[f"weight__{d}__{i}"] = indicator["weight"]
    data["weight__0__0"], data["weight__0__1"] = 7, 5  # Part I still 60
    response = _client(city_analyst).post(
        reverse("evaluation:scheme_edit", args=[version.scheme.pk]), data
    )
    assert response.status_code == 302
    v2 = SchemeVersion.objects.get(scheme=version.scheme, version=2)
    assert v2.definition["dimensions"][0]["indicators"][0]["weight"] == 7


# -- official results ---------------------------------------------------------------------------
def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("公告.xlsx", content, content_type=XLSX)


@pytest.mark.parametrize("persona", NOT_TASK_FORCE)
def test_only_the_city_task_force_imports_official_results(request, world, persona):
    client = _client(request.getfixturevalue(persona))
    assert client.get(reverse("evaluation:official_import")).status_code == 403
    assert client.get(reverse("evaluation:official_import") + "?template=1").status_code == 403


def test_the_template_has_the_columns_the_import_reads(world, city_analyst):
    response = _client(city_analyst).get(reverse("evaluation:official_import") + "?template=1")
    assert response["Content-Type"] == XLSX
    header = next(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert header == ("统一社会信用代码", "企业名称", "评价等级", "综合得分")


def test_an_official_notice_imported_through_the_page_opens_its_run(figures, city_analyst, xiangxi):
    # when
    response = _client(city_analyst).post(
        reverse("evaluation:official_import"),
        {
            "file": _upload(workbook(official_rows(figures))),
            "year": ew.YEAR,
            "scheme": xiangxi.scheme.pk,
            "region": figures.city.pk,
            "title": "",
            "note": "湘工信〔2026〕12号",
        },
    )
    # then
    run = EvaluationRun.objects.get(source=RunSource.OFFICIAL)
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:run", args=[run.pk])
    assert run.note == "湘工信〔2026〕12号"
    assert run.enterprise_results.count() == 3


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    figures, city_analyst, xiangxi
):
    # given: row 4 has a grade E (column E), row 5 a credit code with a wrong check character
    good = official_rows(figures)
    code = figures.enterprise_a_direct.credit_code
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    rows = [
        good[0],
        (2, figures.enterprise_a1_second.credit_code, "峒河", 70, "E"),
        (3, wrong, "错码", 60, "C"),
    ]
    # when
    response = _client(city_analyst).post(
        reverse("evaluation:official_import"),
        {
            "file": _upload(workbook(rows)),
            "year": ew.YEAR,
            "scheme": xiangxi.scheme.pk,
            "region": figures.city.pk,
        },
    )
    # then
    text = _text(response)
    assert response.status_code == 200
    assert 'id="official-issues"' in text
    table = text.split('id="official-issues"', 1)[1]
    assert "<td>4</td><td>E</td>" in table
    assert "<td>5</td><td>B</td>" in table
    assert "2025年度评价结果" in table
    assert not EvaluationRun.objects.exists()
    assert not EnterpriseResult.objects.exists()


def test_a_second_notice_for_the_same_year_is_refused_with_the_reason(
    figures, city_analyst, xiangxi
):
    _use(xiangxi, figures, city_analyst)
    response = _client(city_analyst).post(
        reverse("evaluation:official_import"),
        {
            "file": _upload(workbook(official_rows(figures))),
            "year": ew.YEAR,
            "scheme": xiangxi.scheme.pk,
            "region": figures.city.pk,
        },
    )
    assert response.status_code == 200
    assert "alert-danger" in _text(response)
    assert EvaluationRun.objects.count() == 1
