"""Builders shared by the test_mu_* files (no tests here): enterprise rows and small schemes."""

from __future__ import annotations

from typing import Any

import polars as pl

from engine.evaluation.mu import MuResult
from engine.evaluation.scheme import MuScheme

INDICATOR_COLUMNS = (
    "tax_annual",
    "value_added_annual",
    "revenue_annual",
    "energy_tce",
    "emissions",
    "employees_avg",
    "rnd_annual",
    "electricity_annual",
)

SCHEMA: dict[str, Any] = {
    "enterprise_id": pl.Int64,
    "county": pl.String,
    "park": pl.String,
    "above_scale": pl.Boolean,
    "industry_code": pl.String,
    "land_mu": pl.Float64,
    "years_operating": pl.Float64,
    "flags": pl.List(pl.String),
    **dict.fromkeys(INDICATOR_COLUMNS, pl.Float64),
}


def firm(
    enterprise_id: int,
    *,
    county: str = "433101",
    above_scale: bool | None = True,
    industry_code: str | None = "1311",
    land_mu: float | None = 10.0,
    years_operating: float | None = 10.0,
    flags: tuple[str, ...] | list[str] = (),
    **values: float | None,
) -> dict[str, Any]:
    """One enterprise row: an established 规上 manufacturer of 10 亩 unless told otherwise."""
    unknown = set(values) - set(INDICATOR_COLUMNS)
    assert not unknown, unknown
    return {
        "enterprise_id": enterprise_id,
        "county": county,
        "park": None,
        "above_scale": above_scale,
        "industry_code": industry_code,
        "land_mu": land_mu,
        "years_operating": years_operating,
        "flags": list(flags),
        **{column: values.get(column) for column in INDICATOR_COLUMNS},
    }


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


def tax_only_scheme(**overrides: Any) -> MuScheme:
    """One group, one indicator: 亩均税收 weight 100 against a fixed benchmark of 1 万元/亩, so a
    firm on 1 亩 scores 100 × its tax (万元) — handy for crafting totals. No cap unless given."""
    indicator = {
        "key": "tax_per_mu",
        "label": "亩均税收",
        "unit": "万元/亩",
        "numerator": "tax_annual",
        "denominator": "land_mu",
        "weight": 100,
        "benchmark": "fixed",
        "benchmark_fixed": 1.0,
        "cap_mult": None,
    }
    indicator.update(overrides.pop("indicator", {}))
    definition: dict[str, Any] = {
        "code": "test",
        "name": "测试方案",
        "scope": {"industry_prefixes": [], "min_land_mu_below_scale": None, "grace_years": None},
        "land_floor_mu": None,
        "groups": [
            {
                "key": "all",
                "label": "全部企业",
                "indicators": [indicator],
                "cuts": {"A": 0.2, "B": 0.6, "C": 0.95},
            }
        ],
    }
    groups_override = overrides.pop("group", {})
    definition["groups"][0].update(groups_override)
    definition.update(overrides)
    return MuScheme.model_validate(definition)


def row(result: MuResult, enterprise_id: int) -> dict[str, Any]:
    found = result.enterprises.filter(pl.col("enterprise_id") == enterprise_id)
    assert found.height == 1
    return found.row(0, named=True)


def component(result: MuResult, enterprise_id: int, indicator: str) -> dict[str, Any]:
    found = result.components.filter(
        (pl.col("enterprise_id") == enterprise_id) & (pl.col("indicator") == indicator)
    )
    assert found.height == 1
    return found.row(0, named=True)


def grades(result: MuResult) -> dict[int, str | None]:
    return dict(result.enterprises.select("enterprise_id", "grade").iter_rows())
