"""List pages: sorting over a whitelist of columns, and pagination (the same for every list)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F, Model, QuerySet
from django.db.models.expressions import OrderBy

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Sorting:
    """The sort asked for in ``?sort=`` (``name`` or ``-name``), checked against a whitelist."""

    key: str
    descending: bool
    fields: tuple[str, ...]

    @property
    def value(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def order_by(self) -> list[OrderBy]:
        """Nulls last both ways, so empty areas never top a list; the primary key breaks ties."""
        direction = [
            F(name).desc(nulls_last=True) if self.descending else F(name).asc(nulls_last=True)
            for name in self.fields
        ]
        return [*direction, F("pk").asc()]


def sorting_from(raw: str | None, *, allowed: Mapping[str, Sequence[str]], default: str) -> Sorting:
    """Read ``raw`` (e.g. ``-enterprise_count``); anything not in ``allowed`` falls back to ``default``."""
    value = (raw or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in allowed:
        descending = default.startswith("-")
        key = default.lstrip("-")
    return Sorting(key=key, descending=descending, fields=tuple(allowed[key]))


def sort_queryset(qs: QuerySet[M], sorting: Sorting) -> QuerySet[M]:
    return qs.order_by(*sorting.order_by())


def page_of(
    items: QuerySet[Any] | Sequence[Any], number: str | None, per_page: int = 0
) -> Page[Any]:
    """The page ``number`` (1-based; junk or out of range gives the first or last page)."""
    paginator = Paginator(items, per_page or settings.PAGE_SIZE)
    return paginator.get_page(number)
