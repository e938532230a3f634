"""Schemes are data: validation with clear messages, presets, round trips and the version hash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from engine.evaluation.scheme import (
    INDUSTRY_06_46,
    PRESETS,
    MuScheme,
    load_preset,
    scheme_hash,
)

PRESET_DIR = Path(__file__).resolve().parent.parent / "presets"


def definition(**changes: Any) -> dict[str, Any]:
    data = load_preset("xiangxi").model_dump(mode="json")
    data.update(changes)
    return data


def above_indicators(data: dict[str, Any]) -> list[dict[str, Any]]:
    indicators: list[dict[str, Any]] = data["groups"][0]["indicators"]
    return indicators


@pytest.mark.parametrize("code", PRESETS)
def test_every_preset_validates_and_round_trips(code):
    scheme = load_preset(code)
    assert scheme.code == code
    assert scheme.kind == "enterprise_mu"
    assert MuScheme.model_validate(scheme.model_dump(mode="json")) == scheme
    assert MuScheme.model_validate(json.loads((PRESET_DIR / f"{code}.json").read_text())) == scheme


def test_presets_carry_the_published_weights():
    def weights(code: str, group: int) -> dict[str, float]:
        return {i.label: i.weight for i in load_preset(code).groups[group].indicators}

    assert weights("zj6", 0) == {
        "亩均税收": 30,
        "亩均增加值": 20,
        "单位能耗增加值": 20,
        "单位排放增加值": 10,
        "全员劳动生产率": 10,
        "R&D经费支出占营业收入比重": 10,
    }
    assert weights("zj6", 1) == {"亩均税收": 50, "单位电耗税收": 50}
    assert weights("huaian", 0) == {
        "亩均税收": 45,
        "亩均销售收入": 35,
        "绿色发展（单位电耗税收）": 20,
    }
    assert weights("city5", 0) == {
        "亩均税收": 45,
        "亩均销售收入": 20,
        "单位能耗增加值": 15,
        "研发经费投入强度": 15,
        "全员劳动生产率": 5,
    }
    assert weights("city5", 1) == {"亩均税收": 100}
    assert weights("xiangxi", 1) == {"亩均税收": 70, "亩均营业收入": 30}
    assert {i.method for i in load_preset("huaian").groups[0].indicators} == {"R2"}
    assert load_preset("huaian").groups[0].indicators[0].benchmark_multiplier == 2.0
    assert load_preset("city5").groups[0].cuts.model_dump() == {"A": 0.25, "B": 0.70, "C": 0.95}


def test_the_xiangxi_default():
    scheme = load_preset("xiangxi")
    assert scheme.scope.industry_prefixes == INDUSTRY_06_46
    assert (scheme.scope.min_land_mu_below_scale, scheme.scope.grace_years) == (3, 2)
    assert scheme.scope.exempt_industries == ("44", "45", "46")
    assert (scheme.land_floor_mu, scheme.small_land) == (1.0, "floor")
    assert {g.partition_by for g in scheme.groups} == {("county",)}
    assert {i.missing for g in scheme.groups for i in g.indicators} == {"group_average"}
    assert {i.cap_mult for g in scheme.groups for i in g.indicators} == {2.0}
    assert {"major_accident", "eliminated_capacity", "illegal_land"} <= set(scheme.force_d_flags)
    assert scheme.abs_floor_d is not None
    assert scheme.abs_floor_d.value == 1.0
    assert scheme.a_min is not None
    assert scheme.a_min.use_benchmark
    assert {b.flag: b.points for b in scheme.bonus}["hitech"] == 3
    assert set(scheme.levers) == {"A", "B", "C", "D"}


def test_unknown_preset():
    with pytest.raises(ValueError, match="unknown 亩均 preset 'nowhere'; presets: zj6, huaian"):
        load_preset("nowhere")


def test_weights_of_a_group_must_sum_to_100():
    data = definition()
    above_indicators(data)[0]["weight"] = 35
    with pytest.raises(ValidationError, match="group 'above': weights sum to 105, not 100"):
        MuScheme.model_validate(data)
    data["require_weights_100"] = False
    assert MuScheme.model_validate(data).groups[0].weight_total == 105


@pytest.mark.parametrize(
    "cuts",
    [
        {"A": 0.6, "B": 0.2, "C": 0.95},
        {"A": 0, "B": 0.6, "C": 0.95},
        {"A": 0.2, "B": 0.6, "C": 1.2},
    ],
)
def test_cuts_must_increase_within_0_and_1(cuts):
    data = definition()
    data["groups"][0]["cuts"] = cuts
    with pytest.raises(ValidationError, match="cuts must increase within"):
        MuScheme.model_validate(data)


def test_indicator_keys_are_unique_within_a_group():
    data = definition()
    above_indicators(data)[1]["key"] = "tax_per_mu"
    with pytest.raises(ValidationError, match="indicator keys repeat: tax_per_mu"):
        MuScheme.model_validate(data)


def test_floors_must_refer_to_a_scored_indicator():
    with pytest.raises(ValidationError, match="abs_floor_d refers to indicator 'tax'"):
        MuScheme.model_validate(definition(abs_floor_d={"indicator": "tax", "value": 1}))
    with pytest.raises(ValidationError, match="a_min refers to indicator 'profit_per_mu'"):
        MuScheme.model_validate(
            definition(a_min={"indicator": "profit_per_mu", "use_benchmark": True})
        )


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        MuScheme.model_validate(definition(cut_a=0.2))
    data = definition()
    above_indicators(data)[0]["wieght"] = 30
    with pytest.raises(ValidationError, match="wieght"):
        MuScheme.model_validate(data)


def test_a_fixed_benchmark_needs_its_value():
    data = definition()
    above_indicators(data)[0]["benchmark"] = "fixed"
    with pytest.raises(ValidationError, match="benchmark 'fixed' needs a positive benchmark_fixed"):
        MuScheme.model_validate(data)


def test_method_defaults_r2_doubles_the_benchmark_m_and_e_winsorise():
    data = definition()
    indicators = above_indicators(data)
    for indicator, method in zip(indicators[:3], ("R2", "M", "E"), strict=True):
        indicator["method"] = method
        del indicator["benchmark_multiplier"]
        del indicator["winsorise"]
    r2, m, e = MuScheme.model_validate(data).groups[0].indicators[:3]
    assert (r2.benchmark_multiplier, r2.winsorise) == (2.0, None)
    assert (m.benchmark_multiplier, m.winsorise) == (1.0, (0.01, 0.99))
    assert e.winsorise == (0.01, 0.99)


def test_industry_prefixes_are_digits():
    data = definition()
    data["scope"]["exempt_industries"] = ["D44"]
    with pytest.raises(ValidationError, match="industry prefix 'D44' must be 1–4 digits"):
        MuScheme.model_validate(data)


def test_schemes_are_frozen():
    scheme = load_preset("xiangxi")
    with pytest.raises(ValidationError, match="frozen"):
        scheme.code = "other"


def test_the_hash_identifies_a_version():
    scheme = load_preset("xiangxi")
    assert scheme_hash(scheme) == scheme_hash(load_preset("xiangxi"))
    assert len(scheme_hash(scheme)) == 64
    data = definition()
    above_indicators(data)[0]["cap_mult"] = 3.0
    assert scheme_hash(MuScheme.model_validate(data)) != scheme_hash(scheme)
    # key order in the stored JSON does not matter
    reordered = dict(reversed(list(definition().items())))
    assert scheme_hash(MuScheme.model_validate(reordered)) == scheme_hash(scheme)
