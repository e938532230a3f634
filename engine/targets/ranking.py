"""Rankings: a rank target's place among its peers, and counties / parks / chains ranked by their
targets' lights (the bulletin's 排名).

Unit ranking rule (stated in the bulletin): fewer red targets first, then more green targets,
then the larger mean 进度差 (pp, over targets with a gap in pp), then the unit key; places are
1, 2, 3 … without ties.
"""

from __future__ import annotations

import polars as pl

from engine.targets.columns import (
    ACTUAL,
    AMOUNT,
    GAP_PP,
    GREEN,
    GROWTH,
    KIND,
    MEAN_GAP_PP,
    NONE,
    PEER_ID,
    RAG,
    RANK,
    RANK_BY,
    RANK_OF,
    RED,
    SELF_PEER,
    TARGET_ID,
    TARGETS,
    YELLOW,
)

VALUE = "peer_value"


def peer_places(peers: pl.LazyFrame, targets: pl.LazyFrame) -> pl.LazyFrame:
    """A rank target's ``ACTUAL`` place and ``RANK_OF`` among its peers, highest value first.

    ``peers``: ``TARGET_ID``, ``PEER_ID``, ``AMOUNT`` and ``GROWTH`` (each peer's figures for the
    period, engine.targets.actuals); ``targets``: ``TARGET_ID``, ``SELF_PEER``, ``RANK_BY``
    (value | growth). Peers without a figure are not ranked. Ties share the better place.
    """
    ranked = (
        peers.join(targets.select(TARGET_ID, SELF_PEER, RANK_BY), on=TARGET_ID, how="inner")
        .with_columns(
            pl.when(pl.col(RANK_BY) == "growth")
            .then(pl.col(GROWTH))
            .otherwise(pl.col(AMOUNT))
            .alias(VALUE)
        )
        .filter(pl.col(VALUE).is_not_null())
        .with_columns(
            pl.col(VALUE).rank("min", descending=True).over(TARGET_ID).cast(pl.Int64).alias(ACTUAL),
            pl.len().over(TARGET_ID).cast(pl.Int64).alias(RANK_OF),
        )
    )
    return ranked.filter(pl.col(PEER_ID) == pl.col(SELF_PEER)).select(TARGET_ID, ACTUAL, RANK_OF)


def unit_ranking(progress: pl.LazyFrame, *, by: str) -> pl.LazyFrame:
    """One row per ``by`` value: ``TARGETS``, the counts ``GREEN``/``YELLOW``/``RED``/``NONE``,
    ``MEAN_GAP_PP`` (targets other than rank targets) and ``RANK`` (rule: module docstring).

    Requires ``by``, ``RAG``, ``GAP_PP`` and ``KIND``.
    """
    gap = pl.col(GAP_PP).filter(pl.col(KIND) != "rank")
    return (
        progress.group_by(by)
        .agg(
            pl.len().cast(pl.Int64).alias(TARGETS),
            *((pl.col(RAG) == c).sum().cast(pl.Int64).alias(c) for c in (GREEN, YELLOW, RED, NONE)),
            gap.mean().alias(MEAN_GAP_PP),
        )
        .sort(
            [RED, GREEN, MEAN_GAP_PP, by],
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .with_row_index(RANK, offset=1)
        .with_columns(pl.col(RANK).cast(pl.Int64))
    )
