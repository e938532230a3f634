"""Filtering a read by a list of ids the caller already holds (from a scoped query)."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q

MAX_ID_PARAMETERS = 20_000  # under SQLite's 32,766 bound parameters, with room for the rest


def among(field: str, ids: Collection[int]) -> Q:
    """Keep ``field`` to ``ids`` as a literal list when it is short enough to send; else no filter,
    and the caller keeps its rows in Python (it must always check membership).

    Not a sub-query of the scoped query the ids came from: nested in each read, PostgreSQL
    planned nested loops over the observations (minutes on the demo city). Not an unbounded
    list either: a province's 50,000 enterprises pass SQLite's limit of bound parameters."""
    if len(ids) <= MAX_ID_PARAMETERS:
        return Q(**{f"{field}__in": sorted(ids)})
    return Q()
