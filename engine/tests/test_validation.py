"""engine.validation: rules configured as data over wide frames. No database."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.columns import COMPARED_TO, INDICATOR, MONTH, ROW, RULE, SEVERITY, UNIT_ID, YEAR
from engine.validation import (
    CONFIRM,
    ERROR,
    ISSUE_SCHEMA,
    NON_NEGATIVE_RULE,
    ExpressionError,
    Rule,
    parse_expression,
    validation_issues,
)

TAX_LE_REVENUE = Rule(
    code="tax_le_revenue",
    kind="compare",
    left="tax",
    operator="<=",
    right="revenue",
    message="Tax cannot exceed revenue.",
)
YTD = Rule(code="revenue_ytd", kind="ytd_monotonic", left="revenue", message="YTD fell.")
JUMP = Rule(
    code="revenue_jump",
    kind="jump",
    left="revenue",
    threshold=5,
    severity=CONFIRM,
    message="Over 5× last month.",
)


def wide(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            UNIT_ID: pl.Int64,
            YEAR: pl.Int64,
            MONTH: pl.Int64,
            ROW: pl.Int64,
            "tax": pl.Float64,
            "revenue": pl.Float64,
        },
    )


def test_tax_above_revenue_is_an_error_pointing_at_tax():
    # given
    frame = wide(
        [
            {"unit_id": 1, "year": 2026, "month": 3, "row": 2, "tax": 5.0, "revenue": 100.0},
            {"unit_id": 2, "year": 2026, "month": 3, "row": 3, "tax": 120.0, "revenue": 100.0},
            {"unit_id": 3, "year": 2026, "month": 3, "row": 4, "tax": 1.0, "revenue": None},
        ]
    )
    # when
    issues = validation_issues(frame, [TAX_LE_REVENUE])
    # then: only unit 2; a missing revenue is not checked
    assert issues.select(ROW, UNIT_ID, INDICATOR, RULE, SEVERITY, COMPARED_TO).to_dicts() == [
        {
            "row": 3,
            "unit_id": 2,
            "indicator": "tax",
            "rule": "tax_le_revenue",
            "severity": ERROR,
            "compared_to": 100.0,
        }
    ]
    assert issues["message"].to_list() == ["Tax cannot exceed revenue."]


def test_expressions_use_arithmetic_and_brackets():
    # given: tax <= (revenue - 10) * 0.5
    rule = Rule(code="r", kind="compare", left="tax", operator="<=", right="(revenue - 10) * 0.5")
    frame = wide(
        [
            {"unit_id": 1, "year": 2026, "month": 3, "row": 2, "tax": 45.0, "revenue": 100.0},
            {"unit_id": 2, "year": 2026, "month": 3, "row": 3, "tax": 46.0, "revenue": 100.0},
        ]
    )
    # when
    issues = validation_issues(frame, [rule])
    # then
    assert issues[UNIT_ID].to_list() == [2]
    assert issues[COMPARED_TO].to_list() == [45.0]


def test_division_by_zero_never_fires():
    rule = Rule(code="r", kind="compare", left="tax / revenue", operator="<=", right="1")
    frame = wide([{"unit_id": 1, "year": 2026, "month": 3, "row": 2, "tax": 5.0, "revenue": 0.0}])
    assert validation_issues(frame, [rule]).is_empty()


@pytest.mark.parametrize(
    "text", ["tax +", "tax ** 2", "__import__('os')", "tax; revenue", "(tax", "", "tax revenue"]
)
def test_unsafe_or_malformed_expressions_are_refused(text):
    with pytest.raises(ExpressionError):
        parse_expression(text)


def test_expression_codes_are_reported_in_order():
    assert parse_expression("tax + revenue * tax - 3").codes == ("tax", "revenue")


def test_rule_over_a_missing_indicator_does_not_apply():
    rule = Rule(code="r", kind="compare", left="profit", operator="<=", right="revenue")
    frame = wide([{"unit_id": 1, "year": 2026, "month": 3, "row": 2, "tax": 5.0, "revenue": 1.0}])
    assert validation_issues(frame, [rule]).is_empty()


def test_ytd_falling_against_stored_previous_month_is_an_error():
    # given: stored February YTD 100; March YTD 90 for unit 1, 110 for unit 2
    previous = wide(
        [
            {"unit_id": 1, "year": 2026, "month": 2, "row": None, "tax": None, "revenue": 100.0},
            {"unit_id": 2, "year": 2026, "month": 2, "row": None, "tax": None, "revenue": 100.0},
        ]
    )
    frame = wide(
        [
            {"unit_id": 1, "year": 2026, "month": 3, "row": 2, "tax": None, "revenue": 90.0},
            {"unit_id": 2, "year": 2026, "month": 3, "row": 3, "tax": None, "revenue": 110.0},
        ]
    )
    # when
    issues = validation_issues(frame, [YTD], previous=previous)
    # then
    assert issues.select(UNIT_ID, RULE, COMPARED_TO).to_dicts() == [
        {"unit_id": 1, "rule": "revenue_ytd", "compared_to": 100.0}
    ]


def test_ytd_in_january_is_not_compared_with_december():
    previous = wide(
        [{"unit_id": 1, "year": 2025, "month": 12, "row": None, "tax": None, "revenue": 900.0}]
    )
    frame = wide([{"unit_id": 1, "year": 2026, "month": 1, "row": 2, "tax": None, "revenue": 80.0}])
    assert validation_issues(frame, [YTD], previous=previous).is_empty()


def test_ytd_uses_rows_of_the_same_import_before_stored_values():
    # given: the import carries February (120) and March (110); stored February is 100
    previous = wide(
        [{"unit_id": 1, "year": 2026, "month": 2, "row": None, "tax": None, "revenue": 100.0}]
    )
    frame = wide(
        [
            {"unit_id": 1, "year": 2026, "month": 2, "row": 2, "tax": None, "revenue": 120.0},
            {"unit_id": 1, "year": 2026, "month": 3, "row": 3, "tax": None, "revenue": 110.0},
        ]
    )
    # when
    issues = validation_issues(frame, [YTD], previous=previous)
    # then: March is checked against the imported February
    assert issues.select(ROW, COMPARED_TO).to_dicts() == [{"row": 3, "compared_to": 120.0}]


def test_jump_over_threshold_needs_confirmation():
    previous = wide(
        [
            {"unit_id": 1, "year": 2026, "month": 2, "row": None, "tax": None, "revenue": 10.0},
            {"unit_id": 2, "year": 2026, "month": 2, "row": None, "tax": None, "revenue": 10.0},
            {"unit_id": 3, "year": 2026, "month": 2, "row": None, "tax": None, "revenue": 0.0},
        ]
    )
    frame = wide(
        [
            {"unit_id": 1, "year": 2026, "month": 3, "row": 2, "tax": None, "revenue": 50.0},
            {"unit_id": 2, "year": 2026, "month": 3, "row": 3, "tax": None, "revenue": 50.1},
            {"unit_id": 3, "year": 2026, "month": 3, "row": 4, "tax": None, "revenue": 500.0},
        ]
    )
    issues = validation_issues(frame, [JUMP], previous=previous)
    assert issues.select(UNIT_ID, SEVERITY).to_dicts() == [{"unit_id": 2, "severity": CONFIRM}]


def test_negative_values_of_non_negative_indicators_are_errors():
    frame = wide(
        [
            {"unit_id": 1, "year": 2026, "month": 3, "row": 2, "tax": -1.0, "revenue": -5.0},
        ]
    )
    issues = validation_issues(frame, [], non_negative=["revenue", "absent"])
    assert issues.select(INDICATOR, RULE, SEVERITY).to_dicts() == [
        {"indicator": "revenue", "rule": NON_NEGATIVE_RULE, "severity": ERROR}
    ]


def test_no_rules_give_an_empty_frame_with_the_issue_schema():
    frame = wide([{"unit_id": 1, "year": 2026, "month": 3, "row": 2, "tax": 1.0, "revenue": 2.0}])
    issues = validation_issues(frame, [])
    assert issues.is_empty()
    assert dict(issues.schema) == ISSUE_SCHEMA


def test_web_form_rows_without_row_column_are_accepted():
    frame = pl.DataFrame(
        {"unit_id": [1], "year": [2026], "month": [3], "tax": [9.0], "revenue": [1.0]}
    )
    issues = validation_issues(frame, [TAX_LE_REVENUE])
    assert issues[ROW].to_list() == [None]


values = st.one_of(st.none(), st.floats(-50, 500, allow_nan=False))


@given(
    st.lists(
        st.tuples(st.integers(1, 4), st.integers(1, 6), values, values),
        min_size=1,
        max_size=30,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.randoms(use_true_random=False),
)
def test_row_order_does_not_change_the_issues(rows, rnd):
    # given: a frame and the same frame shuffled
    frame = wide(
        [
            {"unit_id": u, "year": 2026, "month": m, "row": i + 2, "tax": t, "revenue": r}
            for i, (u, m, t, r) in enumerate(rows)
        ]
    )
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 10_000))
    rules = [TAX_LE_REVENUE, YTD, JUMP]
    # when
    first = validation_issues(frame, rules, non_negative=["tax", "revenue"])
    second = validation_issues(shuffled, rules, non_negative=["tax", "revenue"])
    # then
    assert first.to_dicts() == second.to_dicts()
