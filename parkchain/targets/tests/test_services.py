"""Services: the task force writes the book; owner units report on their tasks; parts must add up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from parkchain.core.errors import ApplicationError
from parkchain.indicators.models import Indicator
from parkchain.targets.models import BookStatus, MilestoneStatus, SupervisionStatus, Target
from parkchain.targets.services import (
    accountability_record_create,
    milestone_task_update,
    supervision_follow_up_add,
    supervision_tasks_from_red,
    target_book_create,
    target_book_issue,
    target_create,
    target_update,
)


@pytest.fixture
def book(world, city_analyst):
    return target_book_create(
        actor=city_analyst, region=world.city, year=2028, title="2028年目标任务书"
    )


def investment():
    return Indicator.objects.get(code="industrial_investment")


def amount(actor, book, unit, value, parent=None, **kw):
    return target_create(
        actor=actor, book=book, name="产业投资", kind="absolute", annual_value=value,
        indicator=investment(), org_unit=unit, parent=parent, **kw,
    )  # fmt: skip


def test_the_task_force_drafts_a_book_named_after_its_city(book, world):
    assert book.status == BookStatus.DRAFT
    with translation.override("en"):
        assert world.city.name in book.issuer


def test_a_city_has_one_book_a_year(book, world, city_analyst):
    with pytest.raises(ApplicationError, match="2028"):  # 湘西州已有2028年的目标任务书
        target_book_create(actor=city_analyst, region=world.city, year=2028, title="again")


def test_a_county_user_cannot_draft_the_citys_book(world, county_a_user, books):
    # he reads the city's issued book, so the answer is "forbidden", not "not found"
    with pytest.raises(PermissionDenied):
        target_book_create(actor=county_a_user, region=world.city, year=2029, title="x")


def test_an_enterprise_user_does_not_even_find_the_city(world, enterprise_user):
    with pytest.raises(Http404):
        target_book_create(actor=enterprise_user, region=world.city, year=2029, title="x")


def test_issuing_fails_with_a_message_naming_the_parts_that_do_not_add_up(
    book, world, city_analyst
):
    # given: 湘西州 100, its counties 60 + 30
    city = amount(city_analyst, book, world.city, 100)
    amount(city_analyst, book, world.county_a, 60, parent=city)
    amount(city_analyst, book, world.county_b, 30, parent=city)
    # when / then
    with translation.override("en"), pytest.raises(ApplicationError) as failed:
        target_book_issue(actor=city_analyst, book=book)
    assert failed.value.message == (
        "湘西州“产业投资”: its 2 parts add up to 90.00, short of 100.00 by 10.00."
    )
    assert failed.value.extra["issues"] == [city.pk]
    book.refresh_from_db()
    assert book.status == BookStatus.DRAFT


def test_the_message_is_chinese_for_chinese_users(book, world, city_analyst):
    city = amount(city_analyst, book, world.city, 100)
    amount(city_analyst, book, world.county_a, 60, parent=city)
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as failed:
        target_book_issue(actor=city_analyst, book=book)
    assert "分解" in failed.value.message
    assert "湘西州“产业投资”" in failed.value.message


def test_growth_parts_are_checked_weighted_by_base(book, world, city_analyst):
    # given: 湘西州 +10 % (base 400); 吉首市 +8 % on 300, 花垣县 +15 % on 100 → +9.75 %
    def growth(unit, value, base, parent=None):
        return target_create(
            actor=city_analyst, book=book, name="产业投资增长", kind="growth", annual_value=value,
            base_value=base, indicator=investment(), org_unit=unit, parent=parent,
        )  # fmt: skip

    city = growth(world.city, 10, 400)
    growth(world.county_a, 8, 300, city)
    growth(world.county_b, 15, 100, city)
    with translation.override("en"), pytest.raises(ApplicationError) as failed:
        target_book_issue(actor=city_analyst, book=book)
    assert "grow 9.75%, below the target of 10.00% by 0.25 pp" in failed.value.message


def test_a_book_whose_parts_add_up_is_issued(book, world, city_analyst):
    city = amount(city_analyst, book, world.city, 100)
    amount(city_analyst, book, world.county_a, 60, parent=city)
    amount(city_analyst, book, world.county_b, 40, parent=city)
    issued = target_book_issue(actor=city_analyst, book=book)
    assert issued.status == BookStatus.ISSUED
    assert issued.issued_by == city_analyst


def test_a_part_has_its_parents_kind_and_indicator(book, world, city_analyst):
    city = amount(city_analyst, book, world.city, 100)
    with pytest.raises(ApplicationError):
        target_create(
            actor=city_analyst, book=book, name="增长", kind="growth", annual_value=5,
            indicator=investment(), org_unit=world.county_a, parent=city,
        )  # fmt: skip


def test_a_part_is_a_unit_under_its_parent(book, world, city_analyst):
    county_a = amount(city_analyst, book, world.county_a, 100)
    with pytest.raises(ApplicationError):
        amount(city_analyst, book, world.park_b1.org_unit, 50, parent=county_a)


def test_a_reported_rate_is_a_growth_target_of_a_park(book, world, city_analyst):
    rate = Indicator.objects.get(code="industrial_va_growth")
    with translation.override("en"), pytest.raises(ApplicationError, match="parks"):
        target_create(
            actor=city_analyst, book=book, name="增速", kind="growth", annual_value=7,
            indicator=rate, org_unit=world.county_a,
        )  # fmt: skip
    target = target_create(
        actor=city_analyst, book=book, name="增速", kind="growth", annual_value=7,
        indicator=rate, org_unit=world.park_a1.org_unit,
    )  # fmt: skip
    assert target.pk


def test_a_bad_rule_is_refused_with_its_reason(book, world, city_analyst):
    with pytest.raises(ApplicationError, match="ratio"):
        target_create(
            actor=city_analyst, book=book, name="增长", kind="growth", annual_value=5,
            indicator=investment(), org_unit=world.city, rag_rule={"form": "ratio"},
        )  # fmt: skip


def test_changing_a_target_keeps_its_history(books, city_analyst):
    target = books.target("吉首市")
    target_update(actor=city_analyst, target=target, annual_value=120, owner_person="张三")
    target.refresh_from_db()
    assert target.annual_value == 120
    latest, created = target.history.all()[:2]
    assert latest.history_user == city_analyst
    assert (created.annual_value, latest.annual_value) == (100, 120)


# -- milestones and supervision: the owner unit reports ----------------------------------------
def milestone(books, name):
    return next(m for m in books.milestones if m.name == name)


def test_the_owner_county_reports_progress_on_its_milestone(books, county_a_user):
    task = milestone(books, "吉首市")
    update = milestone_task_update(
        actor=county_a_user, task=task, status="in_progress", note="方案已上报省厅"
    )
    task.refresh_from_db()
    assert task.status == MilestoneStatus.IN_PROGRESS
    assert list(task.updates.all()) == [update]


def test_done_needs_evidence(books, county_a_user):
    task = milestone(books, "吉首市")
    with pytest.raises(ApplicationError):
        milestone_task_update(actor=county_a_user, task=task, status="done", note="已完成")
    milestone_task_update(
        actor=county_a_user, task=task, status="done", note="已完成", evidence_text="省政府批复",
        on=dt.date(2026, 10, 8),
    )  # fmt: skip
    task.refresh_from_db()
    assert task.completed_on == dt.date(2026, 10, 8)


def test_another_county_does_not_find_the_milestone(books, county_b_user):
    with pytest.raises(Http404):
        milestone_task_update(
            actor=county_b_user, task=milestone(books, "吉首市"), status="in_progress", note="x"
        )


@pytest.mark.parametrize("persona", ["leader", "supervisor"])
def test_read_only_roles_do_not_report(request, books, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        milestone_task_update(
            actor=user, task=milestone(books, "吉首市"), status="in_progress", note="x"
        )


def test_the_chain_office_reports_on_its_chains_milestone(books, chain_office_user):
    update = milestone_task_update(
        actor=chain_office_user,
        task=milestone(books, "白酒产业链"),
        status="in_progress",
        note="图谱更新中",
    )
    assert update.created_by == chain_office_user


def test_the_quarterly_list_takes_the_red_items_of_the_quarters_last_month(books, city_analyst):
    # when: Q3 → September (frozen): red 湘西州, 花垣县, 花垣工业集中区, 锰锌新材料产业链; 白酒's milestone overdue
    tasks = supervision_tasks_from_red(
        actor=city_analyst, book=books.book, quarter=3, due_on=dt.date(2026, 11, 30)
    )
    # then
    assert {t.title for t in tasks} == {
        "湘西州湘西州",
        "花垣县花垣县",
        "花垣工业集中区花垣工业集中区",
        "锰锌新材料产业链锰锌新材料产业链",
        "白酒产业链重点任务",
    }
    park = next(t for t in tasks if t.target and t.target.name == "花垣工业集中区")
    assert park.owner_unit == books.target("花垣工业集中区").org_unit
    assert park.owner_department == "花垣工业集中区责任部门"
    assert "2026年1-9月" in park.issue
    # and again: nothing twice
    assert (
        supervision_tasks_from_red(
            actor=city_analyst, book=books.book, quarter=3, due_on=dt.date(2026, 11, 30)
        )
        == []
    )


def test_the_county_follows_up_its_parks_supervision_task(books, county_b_user):
    task = next(t for t in books.supervision if t.name == "花垣工业集中区")
    with pytest.raises(ApplicationError):
        supervision_follow_up_add(actor=county_b_user, task=task, note="已整改", status="done")
    supervision_follow_up_add(
        actor=county_b_user, task=task, note="已整改", status="done", evidence_text="验收报告"
    )
    task.refresh_from_db()
    assert task.status == SupervisionStatus.DONE
    assert task.closed_at is not None


def test_the_supervision_office_reads_but_the_task_force_records_accountability(
    books, world, supervisor, city_analyst
):
    with pytest.raises(PermissionDenied):
        accountability_record_create(
            actor=supervisor, book=books.book, kind="interview", reason="x",
            decided_on=dt.date(2026, 10, 20), unit=world.county_b,
        )  # fmt: skip
    record = accountability_record_create(
        actor=city_analyst, book=books.book, kind="interview", reason="连续两月红灯",
        decided_on=dt.date(2026, 10, 20), unit=world.county_b, target=books.target("花垣县"),
    )  # fmt: skip
    assert record.get_kind_display()


def test_targets_of_another_city_are_refused(book, world, city_analyst):
    with pytest.raises(ApplicationError):
        amount(city_analyst, book, world.other_county, 10)
    assert not Target.objects.filter(book=book).exists()
