"""Cascading targets (目标分解): child targets added up, and the check that the parts cover the whole.

* Amounts and counts: the children's targets add up (Σ). The check passes when the parts reach
  the parent's target — over-allocation (层层加码) is allowed and shown as a positive
  ``DIFFERENCE``; with ``exact=True`` they must match within the tolerance.
* Growth rates: the children's growth weighted by their bases, ``Σ base_i × (1 + g_i) ÷ Σ base_i − 1``
  (the growth the parent gets if every child meets its target). It must reach the parent's target
  growth. Without every child's base the check cannot be made (``OK`` null).
* Rank targets do not add up and are not checked.
"""

from __future__ import annotations

import polars as pl

from engine.targets.columns import (
    BASE,
    CHILDREN,
    CHILDREN_BASE,
    DIFFERENCE,
    KIND,
    OK,
    PARENT_ID,
    PARTS,
    TARGET,
    TARGET_ID,
)

RELATIVE_TOLERANCE = 0.001  # amounts: 0.1 % (rounding of 万元 figures)
GROWTH_TOLERANCE_PP = 0.05  # growth: 0.05 pp


def aggregate_targets(children: pl.LazyFrame, *, by: str = PARENT_ID) -> pl.LazyFrame:
    """Per ``by``: ``CHILDREN`` (count), ``PARTS`` (Σ targets, or the base-weighted growth in % when
    the children are growth targets) and ``CHILDREN_BASE`` (Σ bases, null if any is missing).

    Requires ``by``, ``KIND``, ``TARGET`` and ``BASE``; the children of one parent share a kind.
    """
    weighted = pl.col(BASE) * (1 + pl.col(TARGET) / 100)
    all_bases = pl.col(BASE).null_count() == 0
    growth = (
        pl.when(all_bases & (pl.col(BASE).sum() > 0))
        .then((weighted.sum() / pl.col(BASE).sum() - 1) * 100)
        .otherwise(None)
    )
    return children.group_by(by).agg(
        pl.len().cast(pl.Int64).alias(CHILDREN),
        pl.col(KIND).first().alias("__child_kind"),
        pl.when(pl.col(KIND).first() == "growth")
        .then(growth)
        .otherwise(pl.col(TARGET).sum())
        .cast(pl.Float64)
        .alias(PARTS),
        pl.when(all_bases).then(pl.col(BASE).sum()).otherwise(None).alias(CHILDREN_BASE),
    )


def cascade_check(
    targets: pl.LazyFrame,
    *,
    exact: bool = False,
    tolerance: float = RELATIVE_TOLERANCE,
    growth_tolerance_pp: float = GROWTH_TOLERANCE_PP,
) -> pl.LazyFrame:
    """One row per parent target that has children (rank targets excepted): its ``TARGET_ID``,
    ``KIND``, ``TARGET``, ``CHILDREN``, ``PARTS``, ``CHILDREN_BASE``, ``DIFFERENCE`` (parts − target,
    in the unit or in pp) and ``OK`` (null when it cannot be checked).

    Requires ``TARGET_ID``, ``PARENT_ID``, ``KIND``, ``TARGET`` and ``BASE``.
    """
    children = targets.filter(pl.col(PARENT_ID).is_not_null())
    parts = aggregate_targets(children, by=PARENT_ID).rename({PARENT_ID: TARGET_ID})
    joined = (
        targets.filter(pl.col(KIND) != "rank")
        .select(TARGET_ID, KIND, TARGET)
        .join(parts, on=TARGET_ID, how="inner")
        .with_columns((pl.col(PARTS) - pl.col(TARGET)).alias(DIFFERENCE))
    )
    growth = pl.col(KIND) == "growth"
    slack = pl.when(growth).then(growth_tolerance_pp).otherwise(tolerance * pl.col(TARGET).abs())
    ok = (
        pl.when(pl.col("__child_kind") != pl.col(KIND))
        .then(pl.lit(False))
        .when(pl.col(PARTS).is_null())
        .then(None)
        .when(pl.lit(exact))
        .then(pl.col(DIFFERENCE).abs() <= slack)
        .otherwise(pl.col(DIFFERENCE) >= -slack)
    )
    return joined.with_columns(ok.alias(OK)).drop("__child_kind").sort(TARGET_ID)
