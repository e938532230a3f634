"""Excel/CSV imports: every bad input names sheet/row/column and writes nothing; the good path,
the preview diff, atomicity, idempotent re-imports, rollback and scope."""

from __future__ import annotations

import io
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import load_workbook

from parkchain.core.errors import ApplicationError
from parkchain.enterprises import credit_code
from parkchain.enterprises.models import Enterprise
from parkchain.indicators.imports import (
    batch_apply,
    batch_create,
    batch_error_workbook,
    batch_issues,
    batch_rollback,
    batch_validate,
)
from parkchain.indicators.models import (
    BatchStatus,
    Observation,
    ObservationRevision,
    PeriodUnlock,
    Submission,
    SubmissionStatus,
)
from parkchain.indicators.tests.import_fixtures import (
    HEADERS,
    MONTH,
    TODAY,
    YEAR,
    csv_bytes,
    row_for,
    xlsx_bytes,
)
from parkchain.organisations.models import OrgUnit, OrgUnitKind


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests assert on message wording: read it in English (the msgids), not zh-hans."""
    with translation.override("en"):
        yield


def validated(actor, registry, content, *, name="报表.xlsx", year=YEAR, month=MONTH, today=TODAY):
    batch = batch_create(
        actor=actor, form=registry.form, upload=content, year=year, month=month, original_name=name
    )
    return batch_validate(batch=batch, today=today)


def only_issue(batch):
    issues = [i for i in batch_issues(batch) if i.is_error]
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def value_of(enterprise, code, registry):
    obs = Observation.objects.filter(
        org_unit=enterprise.org_unit, indicator=registry.indicators[code], year=YEAR, month=MONTH
    ).first()
    return obs.value if obs else None


# -------------------------------------------------------------------------------------------------
# the good path
# -------------------------------------------------------------------------------------------------
def test_city_admin_imports_a_workbook_and_every_value_is_stored_with_its_creation(
    world, city_analyst, registry
):
    # given
    content = xlsx_bytes([row_for(world.enterprise_a1), row_for(world.enterprise_b1, 200, 150, 9)])
    # when
    batch = validated(city_analyst, registry, content)
    # then: the preview counts 2 rows × 5 values, all new
    assert batch.status == BatchStatus.READY, batch.errors
    assert batch.summary["new"] == 10
    assert batch.summary["changed"] == batch.summary["unchanged"] == 0
    assert batch.summary["units"] == 2
    assert Observation.objects.count() == 0  # validation writes nothing
    # when
    batch = batch_apply(batch=batch, actor=city_analyst, today=TODAY)
    # then
    assert batch.status == BatchStatus.APPLIED
    assert value_of(world.enterprise_b1, "t_revenue", registry) == Decimal("150")
    # the creation is recorded on each value, not as a revision (revisions are changes only)
    created = Observation.objects.filter(created_batch=batch, batch=batch)
    assert created.count() == 10
    assert set(created.values_list("created_by", flat=True)) == {city_analyst.pk}
    assert not created.filter(created_at__isnull=True).exists()
    assert not ObservationRevision.objects.exists()
    submission = Submission.objects.get(org_unit=world.enterprise_b1.org_unit, form=registry.form)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert not submission.is_late
    assert submission.history.count() == 1


def test_preview_shows_old_and_new_values_of_changed_cells(world, city_analyst, registry):
    # given: a stored revenue of 80 for 湘泉酿酒
    first = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1)]))
    batch_apply(batch=first, actor=city_analyst, today=TODAY)
    # when: the next upload says 90
    batch = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1, 100, 90)]))
    # then
    assert batch.summary["changed"] == 1
    assert batch.summary["unchanged"] == 4
    [sample] = batch.summary["sample"]
    assert sample["indicator"] == "营业收入"
    assert (sample["old"], sample["new"], sample["row"]) == (80.0, 90.0, 2)


def test_reimporting_the_same_file_changes_nothing(world, city_analyst, registry):
    # given
    content = xlsx_bytes([row_for(world.enterprise_a1), row_for(world.enterprise_b1)])
    first = batch_apply(
        batch=validated(city_analyst, registry, content), actor=city_analyst, today=TODAY
    )
    revisions = ObservationRevision.objects.count()
    # when
    again = validated(city_analyst, registry, content)
    again = batch_apply(batch=again, actor=city_analyst, today=TODAY)
    # then
    assert again.summary["identical_to"] == first.pk
    assert f"#{first.pk}" in again.summary["identical_note"]
    assert again.summary["new"] == again.summary["changed"] == 0
    assert ObservationRevision.objects.count() == revisions
    assert Observation.objects.filter(batch=again).count() == 0


def test_an_error_in_the_last_row_writes_nothing(world, city_analyst, registry):
    # given: four good rows and a bad one at the end
    rows = [
        row_for(e) for e in (world.enterprise_a1, world.enterprise_a1_second, world.enterprise_b1)
    ]
    rows.append(row_for(world.enterprise_moved, 100, 80, "五万"))
    # when
    batch = validated(city_analyst, registry, xlsx_bytes(rows))
    # then
    assert batch.status == BatchStatus.INVALID
    assert only_issue(batch).row == 5
    with pytest.raises(ApplicationError):
        batch_apply(batch=batch, actor=city_analyst, today=TODAY)
    assert Observation.objects.count() == 0


def test_apply_rechecks_the_calendar_and_writes_nothing_when_the_period_locked_since(
    world, city_analyst, registry
):
    # given: validated while open
    batch = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1)]))
    # when: applied after the lock date
    batch = batch_apply(batch=batch, actor=city_analyst, today=TODAY.replace(day=20))
    # then
    assert batch.status == BatchStatus.INVALID
    assert "locked" in only_issue(batch).message
    assert Observation.objects.count() == 0


# -------------------------------------------------------------------------------------------------
# rollback
# -------------------------------------------------------------------------------------------------
def test_rollback_restores_old_values_and_removes_created_ones(world, city_analyst, registry):
    # given: batch 1 creates values; batch 2 changes one and creates others
    one = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1)]))
    batch_apply(batch=one, actor=city_analyst, today=TODAY)
    two = validated(
        city_analyst,
        registry,
        xlsx_bytes([row_for(world.enterprise_a1, 100, 90), row_for(world.enterprise_b1)]),
    )
    two = batch_apply(batch=two, actor=city_analyst, today=TODAY)
    # then: one revision, the change (80 → 90); the creations are on the observations
    [change] = ObservationRevision.objects.all()
    assert (change.old_value, change.new_value, change.batch) == (Decimal("80"), Decimal("90"), two)
    assert Observation.objects.filter(created_batch=one).count() == 5
    assert Observation.objects.filter(created_batch=two).count() == 5
    # when
    two = batch_rollback(batch=two, actor=city_analyst)
    # then
    assert two.status == BatchStatus.ROLLED_BACK
    assert value_of(world.enterprise_a1, "t_revenue", registry) == Decimal("80")
    assert value_of(world.enterprise_b1, "t_revenue", registry) is None
    restored = Observation.objects.get(
        org_unit=world.enterprise_a1.org_unit, indicator=registry.indicators["t_revenue"]
    )
    assert (restored.batch, restored.created_batch) == (one, one)
    rollback = ObservationRevision.objects.exclude(reason="")
    assert set(rollback.values_list("reason", flat=True)) == {f"rollback of batch #{two.pk}"}
    # the restored change and the 5 removed creations
    assert rollback.filter(old_value=Decimal("90"), new_value=Decimal("80")).count() == 1
    assert rollback.filter(new_value__isnull=True).count() == 5
    # and batch 1 can now be rolled back in turn (its values are its own again)
    batch_rollback(batch=one, actor=city_analyst)
    assert Observation.objects.count() == 0


def test_rollback_is_refused_when_a_later_batch_changed_the_values(world, city_analyst, registry):
    # given
    one = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1)]))
    one = batch_apply(batch=one, actor=city_analyst, today=TODAY)
    two = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1, 100, 90)]))
    two = batch_apply(batch=two, actor=city_analyst, today=TODAY)
    # when / then
    with pytest.raises(ApplicationError) as refused:
        batch_rollback(batch=one, actor=city_analyst)
    assert f"batch #{two.pk}" in refused.value.message
    assert value_of(world.enterprise_a1, "t_revenue", registry) == Decimal("90")


# -------------------------------------------------------------------------------------------------
# scope
# -------------------------------------------------------------------------------------------------
def test_county_b_user_gets_unknown_credit_code_for_county_a_enterprises(
    world, county_b_user, registry
):
    # given: one county A enterprise and one code that exists nowhere (valid check digit)
    nowhere = credit_code.build(region_code="433124", org_body="YY999999")
    content = xlsx_bytes(
        [
            row_for(world.enterprise_b1),
            row_for(world.enterprise_a1),
            [nowhere, "不存在有限公司", 1, 1, 0, 0, 1],
        ]
    )
    # when
    batch = validated(county_b_user, registry, content)
    # then: the same answer for both, naming row and column
    issues = [i for i in batch_issues(batch) if i.is_error]
    assert [(i.row, i.column) for i in issues] == [(3, "A"), (4, "A")]
    assert issues[0].message.replace(world.enterprise_a1.credit_code, "X") == issues[
        1
    ].message.replace(nowhere, "X")
    assert "Unknown credit code" in issues[0].message
    assert Observation.objects.count() == 0


def test_another_users_batch_cannot_be_applied_outside_his_scope(
    world, city_analyst, county_b_user, registry
):
    batch = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1)]))
    with pytest.raises(PermissionDenied):
        batch_apply(batch=batch, actor=county_b_user, today=TODAY)


def test_read_only_leader_cannot_upload(world, leader, registry):
    with pytest.raises(PermissionDenied):
        batch_create(actor=leader, form=registry.form, upload=b"x", year=YEAR, month=MONTH)


# -------------------------------------------------------------------------------------------------
# bad input: each names sheet/row/column and writes nothing
# -------------------------------------------------------------------------------------------------
def test_mistyped_credit_code_says_the_check_character_is_wrong_and_what_it_should_be(
    world, city_analyst, registry
):
    # given: the last character changed
    good = world.enterprise_a1.credit_code
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    row = row_for(world.enterprise_a1)
    row[0] = wrong
    # when
    batch = validated(city_analyst, registry, xlsx_bytes([row]))
    # then
    issue = only_issue(batch)
    assert (issue.sheet, issue.row, issue.column) == ("数据", 2, "A")
    assert "check character" in issue.message
    assert f"“{good[17]}”" in issue.message
    assert Observation.objects.count() == 0


def test_wrong_header_names_the_column_and_lists_the_expected_headers(
    world, city_analyst, registry
):
    headers = [*HEADERS[:4], "税收合计（万元）", *HEADERS[5:]]
    batch = validated(
        city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1)], headers=headers)
    )
    messages = {(i.row, i.column): i for i in batch_issues(batch)}
    assert "税收合计" in messages[(1, "E")].message
    assert "实缴税金（万元）" in messages[(1, "E")].fix
    # and the required 实缴税金 column is reported missing
    assert any(
        "实缴税金（万元）" in i.message and "missing" in i.message for i in batch_issues(batch)
    )
    assert batch.status == BatchStatus.INVALID


def test_missing_key_header_is_reported_on_row_one(world, city_analyst, registry):
    batch = validated(
        city_analyst, registry, xlsx_bytes([["a", "b"]], headers=["名称", "营业收入"])
    )
    issue = only_issue(batch)
    assert issue.row == 1
    assert "统一社会信用代码" in issue.message


def test_merged_cells_are_refused_with_their_range(world, city_analyst, registry):
    content = xlsx_bytes(
        [row_for(world.enterprise_a1), row_for(world.enterprise_b1)], merge="C2:D2"
    )
    batch = validated(city_analyst, registry, content)
    issue = only_issue(batch)
    assert (issue.row, issue.column) == (2, "C")
    assert "C2:D2" in issue.message


def test_text_in_a_numeric_cell_is_an_error_at_that_cell(world, city_analyst, registry):
    batch = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1, "约100万")]))
    issue = only_issue(batch)
    assert (issue.sheet, issue.row, issue.column) == ("数据", 2, "C")
    assert "约100万" in issue.message


def test_a_formula_in_a_numeric_cell_is_an_error(world, city_analyst, registry):
    content = xlsx_bytes([row_for(world.enterprise_a1)], formulas={"D2": "=C2*0.8"})
    batch = validated(city_analyst, registry, content)
    issue = only_issue(batch)
    assert (issue.row, issue.column) == (2, "D")
    assert "formula" in issue.message


def test_negative_value_of_a_never_negative_indicator_is_an_error(world, city_analyst, registry):
    # given: tax negative (never negative), profit negative (allowed)
    batch = validated(
        city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1, 100, 80, -1, -3)])
    )
    issue = only_issue(batch)
    assert (issue.row, issue.column, issue.indicator) == (2, "E", "t_tax")
    assert "negative" in issue.message


def test_rule_tax_above_revenue_is_reported_at_the_tax_cell(world, city_analyst, registry):
    batch = validated(
        city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1, 100, 80, 90)])
    )
    issue = only_issue(batch)
    assert (issue.row, issue.column) == (2, "E")
    assert "Tax cannot exceed revenue" in issue.message


def test_duplicate_rows_name_the_first_row(world, city_analyst, registry):
    content = xlsx_bytes(
        [row_for(world.enterprise_a1), row_for(world.enterprise_b1), row_for(world.enterprise_a1)]
    )
    issue = only_issue(validated(city_analyst, registry, content))
    assert (issue.row, issue.column) == (4, "A")
    assert "first at row 2" in issue.message


def test_a_locked_period_is_refused(world, city_analyst, registry):
    batch = validated(
        city_analyst,
        registry,
        xlsx_bytes([row_for(world.enterprise_a1)]),
        today=TODAY.replace(day=20),
    )
    assert "locked" in only_issue(batch).message
    assert Observation.objects.count() == 0


def test_an_unlock_reopens_a_locked_period(world, city_analyst, registry):
    PeriodUnlock.objects.create(
        form=registry.form,
        year=YEAR,
        month=MONTH,
        until=TODAY.replace(day=30),
        reason="late data",
        unlocked_by=city_analyst,
    )
    later = TODAY.replace(day=20)
    batch = validated(
        city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1)]), today=later
    )
    assert batch.status == BatchStatus.READY, batch.errors
    batch_apply(batch=batch, actor=city_analyst, today=later)
    assert Submission.objects.get(org_unit=world.enterprise_a1.org_unit).is_late


def test_a_period_not_yet_ended_is_refused(world, city_analyst, registry):
    batch = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1)]), month=4)
    assert "opens for reporting" in only_issue(batch).message


def test_a_period_outside_the_calendar_is_refused(world, city_analyst, registry):
    batch = validated(city_analyst, registry, xlsx_bytes([row_for(world.enterprise_a1)]), month=13)
    assert "not a reporting period" in only_issue(batch).message


def test_an_empty_file_is_refused_before_storing(world, city_analyst, registry):
    with pytest.raises(ApplicationError, match="empty"):
        batch_create(actor=city_analyst, form=registry.form, upload=b"", year=YEAR, month=MONTH)


def test_an_empty_sheet_is_reported(world, city_analyst, registry):
    batch = validated(city_analyst, registry, xlsx_bytes([], headers=[]))
    assert "empty" in only_issue(batch).message


def test_a_file_over_the_size_limit_is_refused(world, city_analyst, registry, settings):
    settings.IMPORT_MAX_MB = 1
    with pytest.raises(ApplicationError, match="limit is 1 MB"):
        batch_create(
            actor=city_analyst,
            form=registry.form,
            upload=b"x" * (1024 * 1024 + 1),
            year=YEAR,
            month=MONTH,
        )


def test_a_file_that_is_not_a_spreadsheet_is_refused(world, city_analyst, registry):
    batch = validated(city_analyst, registry, b"%PDF-1.7 not a workbook", name="scan.pdf")
    assert "not a spreadsheet" in only_issue(batch).message


def test_a_password_protected_workbook_says_so(world, city_analyst, registry):
    # given: what Excel writes for an encrypted .xlsx: an OLE compound file with EncryptionInfo
    content = (
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
    )
    batch = validated(city_analyst, registry, content)
    issue = only_issue(batch)
    assert "password-protected" in issue.message
    assert "文件→信息→保护工作簿" in issue.fix


def test_the_template_of_another_month_is_refused(world, city_analyst, registry):
    from parkchain.indicators.excel import TemplateRow, template_build
    from parkchain.indicators.validation import form_items

    template = template_build(
        form=registry.form,
        items=form_items(registry.form),
        rows=[TemplateRow(world.enterprise_a1.credit_code, world.enterprise_a1.name)],
        year=YEAR,
        month=2,
        due_on=TODAY,
    )
    issue = only_issue(validated(city_analyst, registry, template))
    assert "2026年2月" in issue.message


# -------------------------------------------------------------------------------------------------
# tolerant reading
# -------------------------------------------------------------------------------------------------
def test_headers_in_full_width_other_brackets_and_yuan_are_understood(
    world, city_analyst, registry
):
    # given: 元 instead of 万元, 【】 brackets, full-width spaces
    headers = [
        "统一社会信用代码",
        "企业名称",
        "工业总产值【万元】",
        "营业收入（元）",
        "　实缴税金 (万元)",
        "利润总额/万元",
        "从业人员",
    ]
    row = row_for(world.enterprise_a1, 100, 800_000)
    # when
    batch = validated(city_analyst, registry, xlsx_bytes([row], headers=headers))
    batch_apply(batch=batch, actor=city_analyst, today=TODAY)
    # then: 800,000 元 = 80 万元, and the preview said so
    assert value_of(world.enterprise_a1, "t_revenue", registry) == Decimal("80")
    assert any("divided by 10,000" in c for c in batch.summary["conversions"])


def test_a_gbk_csv_imports_like_a_workbook(world, city_analyst, registry):
    content = csv_bytes([row_for(world.enterprise_a1)], encoding="gbk")
    batch = validated(city_analyst, registry, content, name="月报.csv")
    assert batch.status == BatchStatus.READY, batch.errors
    assert batch.summary["new"] == 5


def test_empty_rows_and_rows_without_values_are_not_data(world, city_analyst, registry):
    rows = [
        row_for(world.enterprise_a1),
        [None] * 7,
        [world.enterprise_b1.credit_code, world.enterprise_b1.name, None, None, None, None, None],
    ]
    batch = validated(city_analyst, registry, xlsx_bytes(rows))
    assert batch.status == BatchStatus.READY, batch.errors
    assert batch.summary["rows"] == 1
    assert batch.summary["skipped_empty"] == 1


def test_a_name_that_differs_from_the_register_is_a_warning_to_confirm(
    world, city_analyst, registry
):
    row = row_for(world.enterprise_a1)
    row[1] = "湘泉酒业"
    batch = validated(city_analyst, registry, xlsx_bytes([row]))
    assert batch.status == BatchStatus.READY
    assert batch.summary["warnings"] == 1
    with pytest.raises(ApplicationError, match="confirm"):
        batch_apply(batch=batch, actor=city_analyst, today=TODAY)
    batch = batch_apply(batch=batch, actor=city_analyst, confirm_warnings=True, today=TODAY)
    assert batch.status == BatchStatus.APPLIED


# -------------------------------------------------------------------------------------------------
# error workbook
# -------------------------------------------------------------------------------------------------
def test_error_workbook_is_the_users_workbook_with_an_error_column_and_red_cells(
    world, city_analyst, registry
):
    # given
    content = xlsx_bytes([row_for(world.enterprise_a1), row_for(world.enterprise_b1, "n/a")])
    batch = validated(city_analyst, registry, content)
    # when
    workbook = load_workbook(io.BytesIO(batch_error_workbook(batch=batch)))
    # then
    ws = workbook["数据"]
    assert ws["H1"].value == "错误说明"
    assert "n/a" in ws["H3"].value
    assert ws["H2"].value is None
    assert ws["C3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["A2"].value == world.enterprise_a1.credit_code  # the user's own data is kept


def test_error_workbook_of_a_csv_upload_is_an_xlsx_copy(world, city_analyst, registry):
    content = csv_bytes([row_for(world.enterprise_a1, "n/a")])
    batch = validated(city_analyst, registry, content, name="月报.csv")
    ws = load_workbook(io.BytesIO(batch_error_workbook(batch=batch))).worksheets[0]
    assert ws["H1"].value == "错误说明"
    assert ws["C2"].fill.fgColor.rgb.endswith("FFC7CE")


# -------------------------------------------------------------------------------------------------
# size
# -------------------------------------------------------------------------------------------------
def _many_enterprises(world, n):
    """``n`` enterprises under park A1, created in bulk (factories would take minutes)."""
    park_unit = world.park_a1.org_unit
    units = OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                name=f"批量企业{i:05d}",
                kind=OrgUnitKind.ENTERPRISE,
                parent=park_unit,
                depth=park_unit.depth + 1,
            )
            for i in range(n)
        ]
    )
    for unit in units:
        unit.path = f"{park_unit.path}{unit.pk}/"
    OrgUnit.objects.bulk_update(units, ["path"])
    return Enterprise.objects.bulk_create(
        [
            Enterprise(
                org_unit=unit,
                credit_code=credit_code.build(region_code="433101", org_body=f"B{i:07d}"),
                name=unit.name,
                county=world.county_a,
                region=world.region_a,
                park=world.park_a1,
                industry_code="1512",
            )
            for i, unit in enumerate(units)
        ]
    )


def test_a_5000_row_import_validates_and_applies_quickly(world, city_analyst, registry):
    # given
    enterprises = _many_enterprises(world, 5000)
    rows = [row_for(e, 100 + i % 7, 80, 5, 3, 20) for i, e in enumerate(enterprises)]
    content = xlsx_bytes(rows)
    # when
    started = time.perf_counter()
    batch = validated(city_analyst, registry, content)
    batch = batch_apply(batch=batch, actor=city_analyst, today=TODAY)
    elapsed = time.perf_counter() - started
    # then
    assert batch.status == BatchStatus.APPLIED, batch.errors[:3]
    assert Observation.objects.filter(batch=batch).count() == 25_000
    assert elapsed < 15


@pytest.mark.parametrize("indicator_offset", [0, 70_000], ids=["packed key", "ids too large"])
def test_values_are_written_in_the_order_of_the_observation_key(indicator_offset):
    import polars as pl

    from engine.columns import MONTH, UNIT_ID, YEAR
    from parkchain.indicators.imports import INDICATOR_ID, _in_key_order

    rows = pl.DataFrame(
        {
            UNIT_ID: [7, 3, 3, 3, 3, 2**20],
            INDICATOR_ID: [x + indicator_offset for x in [1, 2, 1, 1, 1, 1]],
            YEAR: [2026, 2025, 2026, 2025, 2025, 2024],
            MONTH: [1, 12, 0, 3, 0, 5],
        }
    )
    ordered = _in_key_order(rows)
    assert ordered.rows() == sorted(rows.rows())
