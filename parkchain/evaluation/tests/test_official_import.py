"""Official results (provincial or city notice): validated in full, kept apart, never overwritten."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from parkchain.core.errors import ApplicationError
from parkchain.evaluation.models import EnterpriseResult, EvaluationRun, RunSource, RunStatus
from parkchain.evaluation.selectors import enterprise_latest_grade
from parkchain.evaluation.services import (
    OfficialImportInvalid,
    official_results_import,
    run_create,
    run_finalise,
    run_publish,
    run_withdraw,
)
from parkchain.evaluation.tests import world as ew

pytestmark = pytest.mark.django_db

HEADER = ("序号", "统一社会信用代码", "企业名称", "综合得分", "评价等级")


def workbook(rows, *, header=HEADER, sheet="2025年度评价结果") -> bytes:
    book = Workbook()
    ws = book.create_sheet(sheet)
    book.remove(book.worksheets[0])
    ws.append(["湘西州2025年度工业企业亩均效益综合评价结果（公告）"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def official_rows(world):
    return [
        (1, world.enterprise_a1.credit_code, world.enterprise_a1.name, 96.5, "A"),
        (
            2,
            world.enterprise_a1_second.credit_code.lower(),
            world.enterprise_a1_second.name,
            71,
            "B类",
        ),
        (3, world.enterprise_moved.credit_code, world.enterprise_moved.name, "", "C"),
    ]


def official_run(world, actor):
    scheme = ew.version("xiangxi").scheme
    return official_results_import(
        actor=actor,
        file=workbook(official_rows(world)),
        year=ew.YEAR,
        scheme=scheme,
        region=world.city,
    )


def test_an_official_notice_becomes_a_final_official_run(figures, city_analyst):
    # when
    run = official_run(figures, city_analyst)
    # then
    assert (run.source, run.status, run.year) == (RunSource.OFFICIAL, RunStatus.FINAL, ew.YEAR)
    grades = {r.enterprise: (r.grade, r.total) for r in run.enterprise_results.all()}
    assert grades == {
        figures.enterprise_a1: ("A", 96.5),
        figures.enterprise_a1_second: ("B", 71.0),
        figures.enterprise_moved: ("C", None),
    }
    moved = EnterpriseResult.objects.get(run=run, enterprise=figures.enterprise_moved)
    assert moved.county == figures.county_b


def test_every_bad_row_is_named_and_nothing_is_written(figures, city_analyst):
    # given
    good = figures.enterprise_a1.credit_code
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        (1, good, "湘泉酿酒有限公司", 96.5, "A"),
        (2, wrong_check, "错码企业", 80, "B"),  # row 4: check character
        (3, figures.enterprise_a_direct.credit_code, "乾州食品有限公司", 70, "E"),  # row 5: grade
        (4, figures.enterprise_moved.credit_code, "矮寨锌业有限公司", "九十", "B"),  # row 6: score
        (5, good, "湘泉酿酒有限公司", 96.5, "A"),  # row 7: duplicate
        (
            6,
            figures.enterprise_other.credit_code,
            "天门山莓茶有限公司",
            60,
            "C",
        ),  # row 8: elsewhere
    ]
    before = EvaluationRun.objects.count()
    # when
    with pytest.raises(OfficialImportInvalid) as raised:
        official_results_import(
            actor=city_analyst,
            file=workbook(rows),
            year=ew.YEAR,
            scheme=ew.version("xiangxi").scheme,
            region=figures.city,
        )
    # then
    where = {(i.sheet, i.row, i.column) for i in raised.value.issues}
    assert where == {
        ("2025年度评价结果", 4, "B"),
        ("2025年度评价结果", 5, "E"),
        ("2025年度评价结果", 6, "D"),
        ("2025年度评价结果", 7, "B"),
        ("2025年度评价结果", 8, "B"),
    }
    assert all(i.message and i.fix for i in raised.value.issues)
    assert EvaluationRun.objects.count() == before
    assert not EnterpriseResult.objects.exists()


def test_an_enterprise_outside_the_scope_answers_like_an_unknown_code(figures, city_analyst):
    # given: 天门山莓茶 (another city) and a valid code nobody registered
    from parkchain.enterprises import credit_code

    unknown = credit_code.build(region_code="433101", org_body="MA4L0X2Y")
    rows = [
        (1, figures.enterprise_other.credit_code, "", 60, "C"),
        (2, unknown, "", 60, "C"),
    ]
    # when
    with pytest.raises(OfficialImportInvalid) as raised:
        official_results_import(
            actor=city_analyst,
            file=workbook(rows),
            year=ew.YEAR,
            scheme=ew.version("xiangxi").scheme,
            region=figures.city,
        )
    # then: the two messages differ only by the code
    first, second = (i.message for i in raised.value.issues)
    assert first.replace(figures.enterprise_other.credit_code, "X") == second.replace(unknown, "X")


def test_a_file_without_the_grade_column_is_refused(figures, city_analyst):
    with pytest.raises(OfficialImportInvalid) as raised:
        official_results_import(
            actor=city_analyst,
            file=workbook([], header=("统一社会信用代码", "企业名称")),
            year=ew.YEAR,
            scheme=ew.version("xiangxi").scheme,
            region=figures.city,
        )
    assert "评价等级" in raised.value.issues[0].message


def test_only_the_city_task_force_imports_official_results(figures, county_a_user):
    with pytest.raises(PermissionDenied):
        official_results_import(
            actor=county_a_user,
            file=workbook(official_rows(figures)),
            year=ew.YEAR,
            scheme=ew.version("xiangxi").scheme,
            region=figures.city,
        )


def test_official_results_are_never_overwritten_by_platform_estimates(
    figures, city_analyst, xiangxi
):
    # given: the official notice, then a platform run of the same year and region, finalised
    official = official_run(figures, city_analyst)
    before = sorted(official.enterprise_results.values_list("enterprise_id", "grade", "total"))
    platform = run_create(
        actor=city_analyst, scheme_version=xiangxi, year=ew.YEAR, region=figures.city
    )
    run_publish(
        actor=city_analyst, run=platform, deadline=dt.date(2026, 6, 17), today=dt.date(2026, 6, 10)
    )
    run_finalise(actor=city_analyst, run=platform, today=dt.date(2026, 6, 18))
    # then: both are final, the official rows are untouched, and the official grade is the one shown
    official.refresh_from_db()
    assert official.status == RunStatus.FINAL
    assert (
        sorted(official.enterprise_results.values_list("enterprise_id", "grade", "total")) == before
    )
    latest = enterprise_latest_grade(user=city_analyst, enterprise=figures.enterprise_a1)
    assert latest is not None
    assert (latest.run, latest.source, latest.grade) == (official, RunSource.OFFICIAL, "A")
    assert latest.levers["land"] == "priority"
    # and the platform workflow refuses to touch the official run
    with pytest.raises(ApplicationError, match="official"):
        run_publish(actor=city_analyst, run=official, deadline=dt.date(2026, 12, 31))


def test_a_second_notice_waits_until_the_first_is_withdrawn(figures, city_analyst):
    first = official_run(figures, city_analyst)
    with pytest.raises(ApplicationError, match="withdraw"):
        official_run(figures, city_analyst)
    run_withdraw(actor=city_analyst, run=first, reason="省里发布了更正公告")
    assert official_run(figures, city_analyst).pk != first.pk
