"""The target, dispatch and supervision pages: who gets what, what the forms refuse, what they write.

Data: ``world.py`` (湘西州's 2026 book, October live, September frozen). Scope leaks of every
persona on every page: ``core/tests/test_page_scopes.py``.
"""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from engine.periods import Month
from parkchain.targets.data import book_progress, book_progress_months, book_targets
from parkchain.targets.models import (
    AccountabilityRecord,
    BookStatus,
    DispatchSnapshot,
    MilestoneTask,
    MilestoneUpdate,
    SupervisionFollowUp,
    SupervisionTask,
    Target,
)
from parkchain.targets.selectors import dispatch_figures, target_progress_series

READERS = ["city_analyst", "leader", "supervisor", "chain_office_user", "county_a_user",
           "county_b_user", "park_a1_user", "superuser"]  # fmt: skip
REFUSED = ["department_user", "tax_department_user", "enterprise_user", "no_membership_user"]
LIST_PAGES = ["targets:home", "targets:dispatch", "targets:supervision", "cockpit:home"]
DOCUMENTS = ["targets:bulletin", "targets:supervision_list"]
OCTOBER = {"month": "2026-10"}


def signed_in(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# -- who gets what ----------------------------------------------------------------------------------
@pytest.mark.parametrize("url_name", LIST_PAGES + DOCUMENTS)
@pytest.mark.parametrize("persona", READERS)
def test_readers_of_targets_get_the_pages_and_documents(client, request, books, persona, url_name):
    # given
    signed_in(client, request, persona)
    # when
    response = client.get(reverse(url_name), {**OCTOBER, "quarter": 3})
    # then
    assert response.status_code == 200
    if url_name in DOCUMENTS:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert docx_text(response.content)


@pytest.mark.parametrize("url_name", LIST_PAGES + DOCUMENTS)
@pytest.mark.parametrize("persona", REFUSED)
def test_departments_and_enterprises_are_refused(client, request, books, persona, url_name):
    signed_in(client, request, persona)
    assert client.get(reverse(url_name), OCTOBER).status_code == 403


@pytest.mark.parametrize("persona", REFUSED)
def test_the_nav_hides_targets_and_cockpit_from_departments_and_enterprises(
    client, request, books, persona
):
    signed_in(client, request, persona)
    text = client.get(reverse("home")).content.decode()
    assert reverse("targets:home") not in text
    assert reverse("cockpit:home") not in text


def test_the_nav_shows_targets_and_cockpit_to_a_county_user(client, request, books):
    signed_in(client, request, "county_a_user")
    text = client.get(reverse("home")).content.decode()
    assert reverse("targets:home") in text
    assert reverse("cockpit:home") in text


@pytest.mark.parametrize(
    ("persona", "status"),
    [("county_a_user", 200), ("county_b_user", 404), ("chain_office_user", 404), ("leader", 200)],
)
def test_a_target_page_is_404_outside_the_scope(client, request, books, persona, status):
    signed_in(client, request, persona)
    url = reverse("targets:detail", args=[books.target("吉首市").pk])
    assert client.get(url, OCTOBER).status_code == status


@pytest.mark.parametrize(
    "url_name",
    ["targets:target_new", "targets:milestone_new", "targets:supervision_from_red",
     "targets:accountability_new"],
)  # fmt: skip
@pytest.mark.parametrize(("persona", "status"), [("leader", 403), ("county_a_user", 403),
                                                  ("city_analyst", 200)])  # fmt: skip
def test_only_the_task_force_gets_the_forms(client, request, books, url_name, persona, status):
    signed_in(client, request, persona)
    assert client.get(reverse(url_name, args=[books.book.pk])).status_code == status


# -- a county user sees his county only ------------------------------------------------------------
OTHER_COUNTY = ("花垣县", "花垣工业集中区", "花垣工业区")


@pytest.mark.parametrize(
    "url_name", ["targets:home", "targets:dispatch", "targets:supervision", "cockpit:home"]
)
def test_a_county_users_pages_never_name_another_county(client, request, books, url_name):
    # given
    signed_in(client, request, "county_a_user")
    # when
    text = client.get(reverse(url_name), OCTOBER).content.decode()
    # then
    assert "吉首市" in text
    assert [name for name in OTHER_COUNTY if name in text] == []


def test_a_county_users_bulletin_never_names_another_county(client, request, books):
    # given
    signed_in(client, request, "county_a_user")
    # when
    response = client.get(reverse("targets:bulletin"), OCTOBER)
    # then
    text = docx_text(response.content)
    assert "吉首市" in text
    assert [name for name in OTHER_COUNTY if name in text] == []


def test_the_bulletin_download_is_the_bulletin_of_dispatch_figures(client, request, books):
    # given
    user = signed_in(client, request, "city_analyst")
    # when
    text = docx_text(client.get(reverse("targets:bulletin"), OCTOBER).content)
    # then: the city's headline, as dispatch_figures computes it (140 of 200 万元, 70.0 %)
    (city,) = dispatch_figures(user=user, year=2026, month=10).headline
    assert city.actual == pytest.approx(140.0)
    assert "140.0万元" in text
    assert "70.0%" in text
    assert "2026年1-10月" in text


# -- the pages show dispatch_figures' numbers -------------------------------------------------------
def test_the_book_page_shows_each_targets_figures(client, request, books):
    signed_in(client, request, "city_analyst")
    response = client.get(reverse("targets:home"), OCTOBER)
    text = response.content.decode()
    # 湘西州 140 of 200 (70.0 %), 花垣县 50 of 100: −33.3 pp, the cascade issue of 花垣县
    assert "140.0万元" in text
    assert "70.0%" in text
    assert "−33.3" in text
    assert [i.target.name for i in response.context["issues"]] == ["花垣县"]


def test_the_book_page_filters_by_light_level_and_county(client, request, books, world):
    signed_in(client, request, "city_analyst")
    red = client.get(reverse("targets:home"), {**OCTOBER, "rag": "red"}).context
    shown = {f.scope_name for _g, _n, names in red["groups"] for _name, rows in names for f in rows}
    assert shown == {"湘西州", "花垣县", "花垣工业集中区", "锰锌新材料产业链"}
    county = client.get(reverse("targets:home"), {**OCTOBER, "county": world.county_a.pk})
    shown = {
        f.scope_name
        for _g, _n, names in county.context["groups"]
        for _name, rows in names
        for f in rows
    }
    assert shown == {"吉首市", "吉首经济开发区"}
    parks = client.get(reverse("targets:home"), {**OCTOBER, "scope": "park"}).context
    shown = {
        f.scope_name for _g, _n, names in parks["groups"] for _name, rows in names for f in rows
    }
    assert shown == {"吉首经济开发区", "花垣工业集中区"}


def test_the_dispatch_page_says_where_its_figures_come_from(client, request, books):
    signed_in(client, request, "city_analyst")
    live = client.get(reverse("targets:dispatch"), OCTOBER).context["figures"]
    frozen = client.get(reverse("targets:dispatch"), {"month": "2026-09"}).context["figures"]
    assert (live.source, frozen.source) == ("live", "snapshot")


def test_a_targets_monthly_curve_is_the_months_dispatch_figures(books, city_analyst):
    # given
    target = books.target("吉首经济开发区")
    # when
    points = {p.month: p for p in target_progress_series(
        user=city_analyst, target=target, through=Month(2026, 10))}  # fmt: skip
    # then: September as frozen, October live — each the figure dispatch_figures shows
    for month, frozen in ((9, True), (10, False)):
        figures = dispatch_figures(user=city_analyst, year=2026, month=month)
        figure = next(f for f in figures.targets if f.pk == target.pk)
        assert points[month].frozen is frozen
        assert points[month].actual == pytest.approx(figure.actual)
        assert points[month].completion == pytest.approx(figure.completion)


def test_the_monthly_progress_reads_the_reports_once_and_matches_each_month(books):
    # given
    targets = book_targets(books.book)
    # when
    months = book_progress_months(targets, year=2026, through=10)
    # then
    for month in (9, 10):
        one = book_progress(targets, period=Month(2026, month))
        assert months[month].sort("target_id").equals(one.sort("target_id")), month


def test_the_target_page_shows_its_parts_and_chart(client, request, books):
    signed_in(client, request, "city_analyst")
    context = client.get(reverse("targets:detail", args=[books.target("湘西州").pk]), OCTOBER)
    assert {f.scope_name for f in context.context["children"]} == {"吉首市", "花垣县"}
    assert context.context["chart"]["series"][0]["data"][9] == pytest.approx(140.0)


# -- forms: bad input writes nothing ---------------------------------------------------------------
def test_the_target_form_refuses_a_target_for_neither_a_unit_nor_a_chain(client, request, books):
    # given
    signed_in(client, request, "city_analyst")
    before = Target.objects.count()
    # when
    response = client.post(
        reverse("targets:target_new", args=[books.book.pk]),
        {"name": "新目标", "kind": "absolute", "annual_value": "10", "profile": "linear",
         "sort_order": 0},
    )  # fmt: skip
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["org_unit"]
    assert response.context["form"].errors["indicator"]
    assert Target.objects.count() == before


def test_the_target_form_shows_the_services_refusal_and_writes_nothing(
    client, request, books, world
):
    # given: a ranking target for the city, which the service refuses
    signed_in(client, request, "city_analyst")
    before = Target.objects.count()
    investment = books.target("湘西州").indicator
    # when
    response = client.post(
        reverse("targets:target_new", args=[books.book.pk]),
        {"name": "排位", "kind": "rank", "annual_value": "3", "profile": "linear",
         "org_unit": world.city.pk, "indicator": investment.pk, "sort_order": 0},
    )  # fmt: skip
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "form-error" in response.content.decode()
    assert Target.objects.count() == before


def test_the_task_force_adds_a_target_through_the_form(client, request, books, world):
    signed_in(client, request, "city_analyst")
    investment = books.target("湘西州").indicator
    response = client.post(
        reverse("targets:target_new", args=[books.book.pk]),
        {"name": "产业投资", "kind": "absolute", "annual_value": "20", "profile": "linear",
         "org_unit": world.park_a1.org_unit.pk, "indicator": investment.pk,
         "parent": books.target("吉首市").pk, "group": "新项目", "sort_order": 9,
         "jan_feb_combined": "on"},
    )  # fmt: skip
    created = Target.objects.get(book=books.book, sort_order=9)
    assert response.status_code == 302
    assert response["Location"] == reverse("targets:detail", args=[created.pk])
    assert created.parent == books.target("吉首市")
    assert (
        created.history.first().history_user.username
        == request.getfixturevalue("city_analyst").username
    )


def test_the_adjustment_form_refuses_bad_shares_and_keeps_the_target(client, request, books):
    # given
    signed_in(client, request, "city_analyst")
    target = books.target("吉首市")
    # when: a custom profile whose shares do not end with 1
    response = client.post(
        reverse("targets:edit", args=[target.pk]),
        {"name": "吉首市", "annual_value": "150", "profile": "custom",
         "profile_shares": "0.1, 0.2, 0.3", "owner_department": "", "owner_person": ""},
    )  # fmt: skip
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    target.refresh_from_db()
    assert target.annual_value == 100
    assert target.profile == "linear"


def test_the_adjustment_form_changes_the_target_and_leaves_history(client, request, books):
    signed_in(client, request, "city_analyst")
    target = books.target("吉首市")
    response = client.post(
        reverse("targets:edit", args=[target.pk]),
        {"name": "吉首市", "annual_value": "120", "profile": "linear", "jan_feb_combined": "on",
         "rule_form": "amount", "yellow_band": "5"},
    )  # fmt: skip
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.annual_value, target.rag_rule) == (120, {"form": "amount", "yellow_pp": 5.0})
    page = client.get(reverse("targets:detail", args=[target.pk]), OCTOBER)
    assert len(page.context["history"]) == 2


def test_the_milestone_form_refuses_a_task_without_a_deadline(client, request, books, world):
    signed_in(client, request, "city_analyst")
    before = MilestoneTask.objects.count()
    response = client.post(
        reverse("targets:milestone_new", args=[books.book.pk]),
        {"title": "创建国家高新区", "owner_unit": world.county_a.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"]
    assert MilestoneTask.objects.count() == before


def test_the_accountability_form_refuses_a_record_without_a_reason(client, request, books, world):
    signed_in(client, request, "city_analyst")
    before = AccountabilityRecord.objects.count()
    response = client.post(
        reverse("targets:accountability_new", args=[books.book.pk]),
        {"kind": "criticism", "unit": world.county_b.pk, "decided_on": "2026-11-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert AccountabilityRecord.objects.count() == before


def test_the_task_force_records_a_criticism(client, request, books, world):
    signed_in(client, request, "city_analyst")
    response = client.post(
        reverse("targets:accountability_new", args=[books.book.pk]),
        {"kind": "criticism", "unit": world.county_b.pk, "decided_on": "2026-11-01",
         "reason": "产业投资连续两月红灯"},
    )  # fmt: skip
    assert response.status_code == 302
    assert AccountabilityRecord.objects.filter(reason="产业投资连续两月红灯").exists()


# -- issuing, freezing, the supervision list -------------------------------------------------------
def test_a_book_whose_parts_do_not_add_up_is_not_issued(client, request, books):
    # given: the 2027 draft (湘西州 220, its one part 吉首市 110)
    signed_in(client, request, "city_analyst")
    # when
    response = client.post(reverse("targets:book_issue", args=[books.draft.pk]), follow=True)
    # then
    books.draft.refresh_from_db()
    assert books.draft.status == BookStatus.DRAFT
    assert any("110" in str(m) for m in response.context["messages"])


def test_the_task_force_freezes_the_month_from_the_book_page(client, request, books):
    signed_in(client, request, "city_analyst")
    url = reverse("targets:book_freeze", args=[books.book.pk])
    first = client.post(url, {"month": "2026-10", "note": "十月调度会"}, follow=True)
    again = client.post(url, {"month": "2026-10"}, follow=True)
    assert DispatchSnapshot.objects.filter(book=books.book, month=10).count() == 1
    assert [m.level_tag for m in first.context["messages"]] == ["success"]
    assert [m.level_tag for m in again.context["messages"]] == ["error"]


def test_the_leader_cannot_freeze(client, request, books):
    signed_in(client, request, "leader")
    response = client.post(
        reverse("targets:book_freeze", args=[books.book.pk]), {"month": "2026-10"}
    )
    assert response.status_code == 403
    assert not DispatchSnapshot.objects.filter(book=books.book, month=10).exists()


def test_the_task_force_puts_the_red_items_on_the_supervision_list(client, request, books):
    signed_in(client, request, "city_analyst")
    before = SupervisionTask.objects.filter(book=books.book, quarter=4).count()
    response = client.post(
        reverse("targets:supervision_from_red", args=[books.book.pk]),
        {"quarter": 4, "due_on": "2027-01-31"},
    )
    assert response.status_code == 302
    assert SupervisionTask.objects.filter(book=books.book, quarter=4).count() > before


def test_the_supervision_page_filters_overdue_tasks(client, request, books):
    signed_in(client, request, "city_analyst")
    every = client.get(reverse("targets:supervision"), OCTOBER).context["tasks"]
    assert {t.title for t in every} == {
        "吉首市督办事项",
        "花垣工业集中区督办事项",
        "白酒产业链督办事项",
    }
    overdue = client.get(reverse("targets:supervision"), {**OCTOBER, "overdue": "on"})
    assert all(t.due_on < overdue.context["today"] for t in overdue.context["tasks"])


# -- follow-ups: the owner reports, others are refused ----------------------------------------------
def _task(books, owner):
    return next(t for t in books.supervision if t.name == owner and t.book_id == books.book.pk)


def test_the_owner_unit_reports_a_follow_up(client, request, books):
    # given
    signed_in(client, request, "county_a_user")
    task = _task(books, "吉首市")
    # when
    response = client.post(
        reverse("targets:supervision_task", args=[task.pk]),
        {"status": "in_progress", "note": "已制定赶超方案"},
    )
    # then
    assert response.status_code == 302
    assert SupervisionFollowUp.objects.filter(task=task, note="已制定赶超方案").exists()


def test_marking_a_task_done_without_evidence_is_refused(client, request, books):
    signed_in(client, request, "county_a_user")
    task = _task(books, "吉首市")
    response = client.post(
        reverse("targets:supervision_task", args=[task.pk]), {"status": "done", "note": "完成"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    task.refresh_from_db()
    assert task.status != "done"
    assert not SupervisionFollowUp.objects.filter(task=task, note="完成").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("supervisor", 403), ("leader", 403), ("county_b_user", 404), ("chain_office_user", 404)],
)
def test_others_cannot_report_a_follow_up(client, request, books, persona, status):
    # given
    signed_in(client, request, persona)
    task = _task(books, "吉首市")
    # when
    response = client.post(
        reverse("targets:supervision_task", args=[task.pk]),
        {"status": "in_progress", "note": "越权填报"},
    )
    # then
    assert response.status_code == status
    assert not SupervisionFollowUp.objects.filter(note="越权填报").exists()


def test_the_follow_up_form_is_shown_to_the_owner_only(client, request, books):
    task = _task(books, "吉首市")
    url = reverse("targets:supervision_task", args=[task.pk])
    signed_in(client, request, "county_a_user")
    assert client.get(url).context["form"] is not None
    signed_in(client, request, "supervisor")
    assert client.get(url).context["form"] is None


def test_the_chain_office_reports_progress_on_its_milestone(client, request, books):
    signed_in(client, request, "chain_office_user")
    task = next(m for m in books.milestones if m.name == "白酒产业链")
    response = client.post(
        reverse("targets:milestone", args=[task.pk]),
        {"status": "in_progress", "note": "招商图谱初稿完成"},
    )
    assert response.status_code == 302
    assert MilestoneUpdate.objects.filter(task=task, note="招商图谱初稿完成").exists()
    signed_in(client, request, "county_a_user")
    assert client.post(reverse("targets:milestone", args=[task.pk]), {}).status_code == 404
