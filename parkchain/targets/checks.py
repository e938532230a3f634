"""Checks of a target book: the cascade (parts add up, engine.targets.cascade), with messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.utils.translation import ngettext

from engine.targets import columns as c
from engine.targets.cascade import cascade_check
from parkchain.targets.models import Target


@dataclass(frozen=True)
class CascadeIssue:
    """A parent target whose parts do not add up (engine.targets.cascade)."""

    target: Target
    children: int
    parts: float | None
    difference: float | None
    message: str


def cascade_issues(targets: list[Target]) -> list[CascadeIssue]:
    """The failed cascade checks among ``targets`` (their children included), with messages."""
    frame = pl.DataFrame(
        [
            {
                c.TARGET_ID: t.pk,
                c.PARENT_ID: t.parent_id,
                c.KIND: t.kind,
                c.TARGET: float(t.annual_value),
                c.BASE: float(t.base_value) if t.base_value is not None else None,
            }
            for t in targets
        ],
        schema={
            c.TARGET_ID: pl.Int64,
            c.PARENT_ID: pl.Int64,
            c.KIND: pl.String,
            c.TARGET: pl.Float64,
            c.BASE: pl.Float64,
        },
        orient="row",
    )
    by_id = {t.pk: t for t in targets}
    issues = []
    for row in cascade_check(frame.lazy()).collect().iter_rows(named=True):
        if row[c.OK] is not False:
            continue
        target = by_id[row[c.TARGET_ID]]
        issues.append(
            CascadeIssue(
                target=target,
                children=row[c.CHILDREN],
                parts=row[c.PARTS],
                difference=row[c.DIFFERENCE],
                message=cascade_message(target, row),
            )
        )
    return issues


def cascade_message(target: Target, row: dict[str, Any]) -> str:
    """The message naming a failed check: which target, what the parts add up to, by how much."""
    parts, difference = float(row[c.PARTS]), float(row[c.DIFFERENCE])
    values = {
        "target": f"{target.scope_name}“{target.name}”",
        "children": row[c.CHILDREN],
        "parts": f"{parts:,.2f}",
        "whole": f"{float(target.annual_value):,.2f}",
        "difference": f"{-difference:,.2f}",
    }
    if target.kind == "growth":
        return (
            ngettext(
                "%(target)s: its %(children)s part, weighted by base, grows %(parts)s%%, "
                "below the target of %(whole)s%% by %(difference)s pp.",
                "%(target)s: its %(children)s parts, weighted by base, grow %(parts)s%%, "
                "below the target of %(whole)s%% by %(difference)s pp.",
                values["children"],
            )
            % values
        )
    return (
        ngettext(
            "%(target)s: its %(children)s part adds up to %(parts)s, short of %(whole)s by %(difference)s.",
            "%(target)s: its %(children)s parts add up to %(parts)s, short of %(whole)s by %(difference)s.",
            values["children"],
        )
        % values
    )
