"""Template filters for list pages: which way a column header sorts next."""

from __future__ import annotations

from django import template
from django.core.paginator import Paginator

register = template.Library()


@register.filter
def sort_toggle(key: str, current: str) -> str:
    """``name`` → ``-name`` when the list is already sorted by ``name`` ascending, else ``name``."""
    return f"-{key}" if current == key else key


@register.filter
def elided_pages(paginator: Paginator[object], number: int) -> list[int | str]:
    """Page numbers around ``number`` with ellipses: 1 … 4 5 [6] 7 8 … 40."""
    return list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))
