"""engine.evaluation.parks: 五好 park scoring — Method E in peer groups, deductions, vetoes. No database."""

# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, check-untyped-defs=False
# (the pyproject override for "engine.tests.*" does not reach engine/evaluation/tests)

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from engine.evaluation.parks import (
    PARK_PRESETS,
    ParkScheme,
    evaluate_parks,
    load_park_preset,
)

# A scheme small enough to compute by hand: Part I = one indicator (60), Part II = one indicator
# scored ½ level + ½ growth (40), three deductions, two vetoes.
SMALL = {
    "code": "small",
    "name": "小方案",
    "dimensions": [
        {
            "key": "projects",
            "label": "产业项目好",
            "indicators": [
                {
                    "key": "tax_per_mu",
                    "label": "亩均税收",
                    "unit": "万元/亩",
                    "part": "I",
                    "column": "tax_per_mu",
                    "weight": 60,
                }
            ],
        },
        {
            "key": "economy",
            "label": "园区经济评价",
            "indicators": [
                {
                    "key": "total_income",
                    "label": "技工贸总收入",
                    "unit": "万元",
                    "part": "II",
                    "column": "total_income",
                    "column_prev": "total_income_prev",
                    "halves": True,
                    "weight": 40,
                }
            ],
        },
    ],
    "deductions": [
        {"item": "larger_accident", "label": "较大事故", "points": 1},
        {"item": "central_inspection_issue", "label": "中央督察问题", "points": 0.3},
        {
            "item": "sewage_noncompliant",
            "label": "污水处理不达标",
            "points": 3,
            "per_count": False,
            "unless": "is_chemical",
        },
        {"item": "land_shortfall", "label": "土地处置差额", "points": 0.1, "max_points": 3},
    ],
    "vetoes": [
        {"item": "statistical_fraud", "label": "统计造假"},
        {"item": "sewage_noncompliant", "label": "化工园区污水", "only_if": "is_chemical"},
    ],
}


def small_scheme(**changes) -> ParkScheme:
    return ParkScheme.model_validate({**SMALL, **changes})


def three_parks(**overrides) -> pl.DataFrame:
    data = {
        "park_id": [1, 2, 3],
        "level": ["provincial"] * 3,
        "is_chemical": [False, False, True],
        "tax_per_mu": [10.0, 20.0, 30.0],
        "total_income": [100.0, 300.0, 200.0],
        "total_income_prev": [80.0, 300.0, 100.0],
    }
    return pl.DataFrame({**data, **overrides})


def scores(result) -> dict[int, float]:
    return dict(zip(result.parks["park_id"], result.parks["total"], strict=True))


def ranks(result) -> dict[int, int]:
    return dict(zip(result.parks["park_id"], result.parks["rank"], strict=True))


# ---------------------------------------------------------------------------------------------
# Method E by hand
# ---------------------------------------------------------------------------------------------
def test_three_parks_scored_by_method_e_by_hand():
    # given: 亩均税收 10/20/30; 技工贸总收入 100/300/200, last year 80/300/100 (growth 25/0/100 %)
    parks = three_parks()
    # when
    result = evaluate_parks(parks, small_scheme())
    # then, Part I (w 60, min 10, max 30): 60×0.6 = 36; 60×(0.6+0.4×0.5) = 48; 60
    # level half (w 20, min 100, max 300): 12; 20; 20×(0.6+0.4×0.5) = 16
    # growth half (w 20, min 0, max 100): 20×(0.6+0.4×0.25) = 14; 12; 20
    table = result.parks.sort("park_id")
    assert table["part1"].to_list() == pytest.approx([36, 48, 60])
    assert table["part2"].to_list() == pytest.approx([26, 32, 36])
    assert table["total"].to_list() == pytest.approx([62, 80, 96])
    assert table["rank"].to_list() == [3, 2, 1]
    assert table["rank_in_group"].to_list() == [3, 2, 1]
    assert result.parks["park_id"].to_list() == [3, 2, 1]  # sorted by rank


def test_components_explain_each_half():
    # when
    result = evaluate_parks(three_parks(), small_scheme())
    # then
    park1 = result.components.filter(pl.col("park_id") == 1)
    assert park1["indicator"].to_list() == ["tax_per_mu", "total_income", "total_income"]
    assert park1["half"].to_list() == [None, "level", "growth"]
    assert park1["value"].to_list() == pytest.approx([10, 100, 25])
    assert park1["min"].to_list() == pytest.approx([10, 100, 0])
    assert park1["max"].to_list() == pytest.approx([30, 300, 100])
    assert park1["weight"].to_list() == pytest.approx([60, 20, 20])
    assert park1["score"].to_list() == pytest.approx([36, 12, 14])
    assert park1["unit"].to_list() == ["万元/亩", "万元", "%"]


def test_components_add_up_to_the_parts():
    # when
    result = evaluate_parks(three_parks(), small_scheme())
    # then
    sums = result.components.group_by("park_id").agg(pl.col("score").sum()).sort("park_id")
    parts = result.parks.sort("park_id")
    assert sums["score"].to_list() == pytest.approx((parts["part1"] + parts["part2"]).to_list())


def test_lower_is_better_indicator_gives_the_lowest_value_full_marks():
    # given
    spec = {**SMALL}
    spec["dimensions"] = [
        {
            **SMALL["dimensions"][0],
            "indicators": [{**SMALL["dimensions"][0]["indicators"][0], "direction": "-"}],
        },
        SMALL["dimensions"][1],
    ]
    # when
    result = evaluate_parks(three_parks(), ParkScheme.model_validate(spec))
    # then
    assert result.parks.sort("park_id")["part1"].to_list() == pytest.approx([60, 48, 36])


def test_peer_groups_are_scored_separately_and_a_group_of_one_gets_full_marks():
    # given: park 4 is the only national park, with the smallest values of all
    parks = pl.concat(
        [
            three_parks(),
            pl.DataFrame(
                {
                    "park_id": [4],
                    "level": ["national"],
                    "is_chemical": [False],
                    "tax_per_mu": [1.0],
                    "total_income": [10.0],
                    "total_income_prev": [20.0],
                }
            ),
        ]
    )
    # when
    result = evaluate_parks(parks, small_scheme())
    # then
    national = result.parks.filter(pl.col("park_id") == 4).row(0, named=True)
    assert national["total"] == pytest.approx(100)
    assert national["peer_group"] == "national"
    assert national["peer_group_size"] == 1
    assert national["rank_in_group"] == 1
    assert national["rank"] == 1
    flags = result.components.filter(pl.col("park_id") == 4)["flag"].to_list()
    assert flags == ["no_spread"] * 3
    # the provincial parks are unchanged by park 4
    assert scores(result)[3] == pytest.approx(96)


def test_optional_regional_block_splits_the_peer_groups():
    # given
    parks = three_parks(block=["daxiangxi", "daxiangxi", "czt"])
    # when
    result = evaluate_parks(parks, small_scheme(peer_groups=["level", "block"]))
    # then
    table = result.parks.sort("park_id")
    assert table["peer_group"].to_list() == [
        "provincial/daxiangxi",
        "provincial/daxiangxi",
        "provincial/czt",
    ]
    assert table["rank_in_group"].to_list() == [2, 1, 1]


def test_missing_value_scores_the_base_and_is_flagged():
    # given
    parks = three_parks(tax_per_mu=[None, 20.0, 30.0])
    # when
    result = evaluate_parks(parks, small_scheme())
    # then: 60 × 0.6 = 36; min/max come from the parks that reported
    row = result.components.filter((pl.col("park_id") == 1) & (pl.col("indicator") == "tax_per_mu"))
    assert row["score"].item() == pytest.approx(36)
    assert row["flag"].item() == "missing"
    assert row["min"].item() == 20
    assert result.parks.filter(pl.col("park_id") == 2)["part1"].item() == pytest.approx(36)


def test_missing_rule_zero_scores_nothing():
    # given
    parks = three_parks(tax_per_mu=[None, 20.0, 30.0])
    # when
    result = evaluate_parks(parks, small_scheme(missing="zero"))
    # then
    assert result.parks.filter(pl.col("park_id") == 1)["part1"].item() == 0


def test_growth_over_a_zero_base_is_missing():
    # given
    parks = three_parks(total_income_prev=[0.0, 300.0, 100.0])
    # when
    result = evaluate_parks(parks, small_scheme())
    # then
    growth = result.components.filter((pl.col("park_id") == 1) & (pl.col("half") == "growth"))
    assert growth["value"].item() is None
    assert growth["flag"].item() == "missing"
    assert growth["score"].item() == pytest.approx(12)


def test_equal_totals_share_the_better_rank():
    # given: parks 1 and 2 identical, park 3 lower
    parks = three_parks(
        tax_per_mu=[30.0, 30.0, 10.0],
        total_income=[300.0, 300.0, 100.0],
        total_income_prev=[150.0, 150.0, 100.0],
    )
    # when
    result = evaluate_parks(parks, small_scheme())
    # then
    assert ranks(result) == {1: 1, 2: 1, 3: 3}


def test_winsorising_clips_to_the_group_quantiles():
    # given: one outlier; quantiles (0, 0.5) clip it to the median 20
    parks = three_parks(tax_per_mu=[10.0, 20.0, 1000.0])
    # when
    result = evaluate_parks(parks, small_scheme(winsorise=(0.0, 0.5)))
    # then
    tax = result.components.filter(pl.col("indicator") == "tax_per_mu").sort("park_id")
    assert tax["value_used"].to_list() == [10, 20, 20]
    assert tax["flag"].to_list() == [None, None, "winsorised"]
    assert tax["score"].to_list() == pytest.approx([36, 60, 60])


def test_plus_columns_are_added_into_one_value():
    # given: 高新技术企业数 + 研发平台数
    spec = {**SMALL}
    spec["dimensions"] = [
        {
            "key": "innovation",
            "label": "创新平台好",
            "indicators": [
                {
                    "key": "hitech_and_platforms",
                    "label": "高企与平台数",
                    "part": "I",
                    "column": "hitech_enterprises",
                    "plus_columns": ["platforms"],
                    "weight": 60,
                }
            ],
        },
        SMALL["dimensions"][1],
    ]
    parks = three_parks(hitech_enterprises=[1, 5, 2], platforms=[1, 1, 8])
    # when
    result = evaluate_parks(parks, ParkScheme.model_validate(spec))
    # then: 2, 6, 10
    values = result.components.filter(pl.col("part") == "I").sort("park_id")["value"]
    assert values.to_list() == [2, 6, 10]


# ---------------------------------------------------------------------------------------------
# Deductions and vetoes
# ---------------------------------------------------------------------------------------------
def test_deductions_are_per_count_and_subtracted_from_the_total():
    # given: park 2 (80 points) had 2 较大事故 and 3 中央督察 issues
    events = pl.DataFrame(
        {
            "park_id": [2, 2, 2],
            "item": ["larger_accident", "central_inspection_issue", "larger_accident"],
            "count": [1, 3, 1],
        }
    )
    # when
    result = evaluate_parks(three_parks(), small_scheme(), events)
    # then: 80 − 2 × 1 − 3 × 0.3 = 77.1
    park2 = result.parks.filter(pl.col("park_id") == 2).row(0, named=True)
    assert park2["deductions"] == pytest.approx(2.9)
    assert park2["total"] == pytest.approx(77.1)
    assert park2["veto"] is False
    applied = result.deductions.sort("item")
    assert applied["item"].to_list() == ["central_inspection_issue", "larger_accident"]
    assert applied["points"].to_list() == pytest.approx([0.9, 2.0])


def test_a_deduction_can_drop_a_park_below_another():
    # given: park 3 (96) loses 17 points: 3 for sewage (not chemical here) and 14 accidents
    parks = three_parks(is_chemical=[False, False, False])
    events = pl.DataFrame(
        {
            "park_id": [3, 3],
            "item": ["sewage_noncompliant", "larger_accident"],
            "count": [5, 14],
        }
    )
    # when
    result = evaluate_parks(parks, small_scheme(), events)
    # then: sewage is −3 once (not per count): 96 − 3 − 14 = 79 < 80
    assert scores(result)[3] == pytest.approx(79)
    assert ranks(result) == {2: 1, 3: 2, 1: 3}


def test_deduction_is_capped_at_its_maximum():
    # given: 50 percentage points short × 0.1 = 5, capped at 3
    events = pl.DataFrame({"park_id": [1], "item": ["land_shortfall"], "count": [50]})
    # when
    result = evaluate_parks(three_parks(), small_scheme(), events)
    # then
    assert result.parks.filter(pl.col("park_id") == 1)["deductions"].item() == pytest.approx(3)


def test_veto_ranks_the_park_below_every_non_vetoed_park():
    # given: the best park (3, 96 points) committed 统计造假
    events = pl.DataFrame({"park_id": [3], "item": ["statistical_fraud"], "count": [1]})
    # when
    result = evaluate_parks(three_parks(), small_scheme(), events)
    # then
    vetoed = result.parks.filter(pl.col("park_id") == 3).row(0, named=True)
    assert vetoed["veto"] is True
    assert vetoed["veto_items"] == ["statistical_fraud"]
    assert vetoed["commendable"] is False
    assert vetoed["total"] == pytest.approx(96)  # the score is kept, the place is not
    assert ranks(result) == {2: 1, 1: 2, 3: 3}
    assert result.parks["park_id"].to_list() == [2, 1, 3]


def test_vetoed_parks_are_ordered_among_themselves_by_total():
    # given
    events = pl.DataFrame(
        {"park_id": [2, 3], "item": ["statistical_fraud", "statistical_fraud"], "count": [1, 1]}
    )
    # when
    result = evaluate_parks(three_parks(), small_scheme(), events)
    # then
    assert ranks(result) == {1: 1, 3: 2, 2: 3}


def test_sewage_vetoes_a_chemical_park_and_deducts_three_from_others():
    # given: park 3 is a chemical park, park 1 is not
    events = pl.DataFrame(
        {"park_id": [1, 3], "item": ["sewage_noncompliant", "sewage_noncompliant"], "count": [1, 1]}
    )
    # when
    result = evaluate_parks(three_parks(), small_scheme(), events)
    # then
    table = result.parks.sort("park_id")
    assert table["veto"].to_list() == [False, False, True]
    assert table["deductions"].to_list() == pytest.approx([3, 0, 0])
    assert table["veto_items"].to_list() == [[], [], ["sewage_noncompliant"]]


def test_zero_counts_have_no_effect_and_unknown_items_are_reported():
    # given
    events = pl.DataFrame(
        {
            "park_id": [1, 2, 99],
            "item": ["statistical_fraud", "alien_item", "larger_accident"],
            "count": [0, 1, 1],
        }
    )
    # when
    result = evaluate_parks(three_parks(), small_scheme(), events)
    # then
    assert not result.parks["veto"].any()
    assert result.parks["deductions"].sum() == 0
    assert result.ignored_events.select("park_id", "item").rows() == [
        (2, "alien_item"),
        (99, "larger_accident"),
    ]


# ---------------------------------------------------------------------------------------------
# Inputs and the scheme
# ---------------------------------------------------------------------------------------------
def test_missing_columns_are_named():
    # given
    parks = three_parks().drop("total_income_prev")
    # when / then
    with pytest.raises(ValueError, match="total_income_prev"):
        evaluate_parks(parks, small_scheme())


def test_duplicate_parks_are_rejected():
    # given
    parks = pl.concat([three_parks(), three_parks().head(1)])
    # when / then
    with pytest.raises(ValueError, match="duplicate park_id"):
        evaluate_parks(parks, small_scheme())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {
                "parts": [
                    {"key": "I", "label": "五好", "total": 50},
                    {"key": "II", "label": "经济", "total": 40},
                ]
            },
            "Part I weights sum to 60",
        ),
        ({"method": {"base": 0.6, "span": 0.5}}, "base \\+ span must be 1"),
        ({"winsorise": (0.9, 0.1)}, "winsorise"),
        (
            {"vetoes": [{"item": "x", "label": "a"}, {"item": "x", "label": "b"}]},
            "duplicate veto item",
        ),
        ({"surprise": 1}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_schemes_are_rejected(change, message):
    # when / then
    with pytest.raises(ValidationError, match=message):
        small_scheme(**change)


def test_duplicate_indicator_keys_are_rejected():
    # given
    spec = {**SMALL}
    spec["dimensions"] = [SMALL["dimensions"][0], SMALL["dimensions"][0] | {"key": "other"}]
    # when / then
    with pytest.raises(ValidationError, match="duplicate indicator key"):
        ParkScheme.model_validate(spec)


def test_halves_need_a_previous_year_column():
    # given
    indicator = {**SMALL["dimensions"][1]["indicators"][0], "column_prev": None}
    spec = {
        **SMALL,
        "dimensions": [
            SMALL["dimensions"][0],
            {**SMALL["dimensions"][1], "indicators": [indicator]},
        ],
    }
    # when / then
    with pytest.raises(ValidationError, match="column_prev"):
        ParkScheme.model_validate(spec)


def test_scheme_is_frozen_and_round_trips():
    # given
    scheme = small_scheme()
    # when / then
    assert ParkScheme.model_validate(scheme.model_dump(mode="json")) == scheme
    with pytest.raises(ValidationError):
        scheme.code = "other"


# ---------------------------------------------------------------------------------------------
# The five_good preset
# ---------------------------------------------------------------------------------------------
def test_five_good_preset_has_ten_plus_ten_indicators_worth_sixty_and_forty():
    # when
    scheme = load_park_preset("five_good")
    # then
    items = scheme.indicator_items()
    part1 = [i for _, i in items if i.part == "I"]
    part2 = [i for _, i in items if i.part == "II"]
    assert len(part1) == 10
    assert len(part2) == 10
    assert sum(i.weight for i in part1) == 60
    assert sum(i.weight for i in part2) == 40
    assert [d.label for d in scheme.dimensions][:5] == [
        "规划定位好",
        "创新平台好",
        "产业项目好",
        "体制机制好",
        "发展形象好",
    ]
    assert all(i.halves for i in part2 if i.key != "industrial_va_growth")
    assert scheme.method.base == 0.6
    assert scheme.peer_groups == ("level",)
    assert PARK_PRESETS == ("five_good",)


def test_five_good_preset_reads_the_park_monthly_registry_codes():
    # when
    columns = set(load_park_preset("five_good").input_columns)
    # then
    registry = {
        "total_income",
        "industrial_va_growth",
        "park_tax",
        "industrial_investment",
        "fdi",
        "domestic_capital",
        "import_export",
        "hitech_revenue",
        "new_above_scale",
    }
    assert registry <= columns
    assert {"statistical_fraud", "major_accident"} <= {
        v.item for v in load_park_preset("five_good").vetoes
    }


def test_unknown_preset_is_refused():
    # when / then
    with pytest.raises(ValueError, match="unknown park preset"):
        load_park_preset("../zj6")


def test_five_good_preset_evaluates_a_realistic_frame():
    # given: two national and three provincial parks, every input present
    scheme = load_park_preset("five_good")
    rows = []
    for park_id in range(1, 6):
        row = {
            "park_id": park_id,
            "level": "national" if park_id <= 2 else "provincial",
            "is_chemical": park_id == 5,
        }
        for position, column in enumerate(scheme.input_columns):
            row.setdefault(column, float(10 + (park_id * 7 + position * 3) % 11))
        rows.append(row)
    events = pl.DataFrame({"park_id": [5], "item": ["major_accident"], "count": [1]})
    # when
    result = evaluate_parks(pl.DataFrame(rows), scheme, events)
    # then
    assert result.parks.height == 5
    assert result.components.height == 5 * (10 + 9 * 2 + 1)  # Part I, 9 halved, 1 whole
    assert result.parks.filter(pl.col("veto"))["park_id"].to_list() == [5]
    assert result.parks["rank"].max() == 5
    assert result.parks.filter(pl.col("park_id") == 5)["rank"].item() == 5
    assert ((result.parks["part1"] <= 60 + 1e-9) & (result.parks["part1"] >= 36 - 1e-9)).all()


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------
values = st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False))
positive = st.floats(1, 1e6, allow_nan=False)


@st.composite
def park_frames(draw) -> pl.DataFrame:
    n = draw(st.integers(1, 7))
    return pl.DataFrame(
        {
            "park_id": list(range(1, n + 1)),
            "level": draw(
                st.lists(st.sampled_from(["national", "provincial"]), min_size=n, max_size=n)
            ),
            "is_chemical": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
            "tax_per_mu": draw(st.lists(values, min_size=n, max_size=n)),
            "total_income": draw(st.lists(values, min_size=n, max_size=n)),
            "total_income_prev": draw(st.lists(values, min_size=n, max_size=n)),
        },
        schema_overrides={
            "tax_per_mu": pl.Float64,
            "total_income": pl.Float64,
            "total_income_prev": pl.Float64,
        },
    )


@st.composite
def event_frames(draw, n_parks: int) -> pl.DataFrame:
    items = [
        "larger_accident",
        "central_inspection_issue",
        "sewage_noncompliant",
        "statistical_fraud",
    ]
    rows = draw(
        st.lists(
            st.tuples(st.integers(1, n_parks), st.sampled_from(items), st.integers(0, 3)),
            max_size=6,
        )
    )
    return pl.DataFrame(
        rows, schema={"park_id": pl.Int64, "item": pl.Utf8, "count": pl.Int64}, orient="row"
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_row_order_does_not_change_the_result(data):
    # given
    parks = data.draw(park_frames())
    events = data.draw(event_frames(parks.height))
    shuffled = parks.sample(fraction=1.0, shuffle=True, seed=data.draw(st.integers(0, 999)))
    # when
    first = evaluate_parks(parks, small_scheme(), events)
    second = evaluate_parks(shuffled, small_scheme(), events.reverse())
    # then
    assert first.parks.sort("park_id").equals(second.parks.sort("park_id"))
    assert first.components.equals(second.components)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_components_sum_to_the_parts_and_deductions_to_the_total(data):
    # given
    parks = data.draw(park_frames())
    events = data.draw(event_frames(parks.height))
    # when
    result = evaluate_parks(parks, small_scheme(), events)
    # then
    sums = result.components.group_by("park_id").agg(pl.col("score").sum())
    table = result.parks.join(sums, on="park_id")
    assert (table["score"] - table["part1"] - table["part2"]).abs().max() < 1e-9
    assert (
        table["part1"] + table["part2"] - table["deductions"] - table["total"]
    ).abs().max() < 1e-9
    deducted = result.deductions.group_by("park_id").agg(pl.col("points").sum())
    check = table.join(deducted, on="park_id", how="left").with_columns(
        pl.col("points").fill_null(0)
    )
    assert (check["points"] - check["deductions"]).abs().max() < 1e-9


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_raising_a_value_never_lowers_the_score(data):
    # given: a park with a reported 技工贸总收入, raised by some amount
    parks = data.draw(park_frames()).with_columns(
        pl.col("total_income").fill_null(100.0), pl.col("tax_per_mu").fill_null(5.0)
    )
    park_id = data.draw(st.integers(1, parks.height))
    column = data.draw(st.sampled_from(["total_income", "tax_per_mu"]))
    raise_by = data.draw(st.floats(0, 1e6, allow_nan=False))
    raised = parks.with_columns(
        pl.when(pl.col("park_id") == park_id)
        .then(pl.col(column) + raise_by)
        .otherwise(pl.col(column))
    )
    # when
    before = evaluate_parks(parks, small_scheme())
    after = evaluate_parks(raised, small_scheme())
    # then
    assert scores(after)[park_id] >= scores(before)[park_id] - 1e-9


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_vetoed_parks_never_rank_above_non_vetoed_ones(data):
    # given
    parks = data.draw(park_frames())
    events = data.draw(event_frames(parks.height))
    # when
    table = evaluate_parks(parks, small_scheme(), events).parks
    # then
    clean = table.filter(~pl.col("veto"))["rank"]
    vetoed = table.filter(pl.col("veto"))["rank"]
    if clean.len() and vetoed.len():
        assert clean.max() < vetoed.min()


def test_a_growth_over_a_near_zero_base_is_the_largest_value_not_a_missing_one():
    # given: 技工贸总收入 raised from 0 to 1 over a previous year of 2.2e-308 (growth overflows
    # to +inf); found by hypothesis in CI
    parks = pl.DataFrame(
        {
            "park_id": [1, 2],
            "level": ["national", "national"],
            "is_chemical": [False, False],
            "tax_per_mu": [5.0, 5.0],
            "total_income": [0.0, 100.0],
            "total_income_prev": [2.2251e-308, None],
        }
    )
    raised = parks.with_columns(
        pl.when(pl.col("park_id") == 1)
        .then(1.0)
        .otherwise(pl.col("total_income"))
        .alias("total_income")
    )
    # when
    before = evaluate_parks(parks, small_scheme())
    after = evaluate_parks(raised, small_scheme())
    # then: the score does not fall, and the growth is scored, not flagged missing
    assert scores(after)[1] >= scores(before)[1]
    growth = after.components.filter((pl.col("park_id") == 1) & (pl.col("half") == "growth"))
    assert growth["flag"].to_list() != ["missing"]
    assert growth["value_used"][0] == 1e300
