"""Numbers the Chinese way: 万元/亿元 with thousands separators, 亩, percentages.

Registered as a template builtin, so every template can use ``{{ x|wan }}`` without ``{% load %}``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

register = template.Library()

Number = int | float | Decimal | str | None


def _to_decimal(value: Number) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def group(value: Number, places: int = 0) -> str:
    """1234567.891 → '1,234,567.89' (places=2); None → '—'."""
    number = _to_decimal(value)
    if number is None:
        return "—"
    return f"{number:,.{places}f}"


@register.filter
def num(value: Number, places: int = 0) -> str:
    return group(value, places)


@register.filter
def wan(value: Number, places: int = 0) -> str:
    """An amount stored in 万元, shown as '12,345 万元'."""
    text = group(value, places)
    unit = _("10k yuan")  # 万元 (kept out of the f-string so makemessages finds it)
    return text if text == "—" else f"{text} {unit}"


@register.filter
def money(value: Number) -> str:
    """An amount stored in 万元, shown in 亿元 from 1亿 up (as reports do), else in 万元."""
    number = _to_decimal(value)
    if number is None:
        return "—"
    if abs(number) >= 10_000:
        unit = _("100m yuan")  # 亿元
        return f"{number / 10_000:,.2f} {unit}"
    unit = _("10k yuan")
    return f"{number:,.0f} {unit}"


@register.filter
def mu(value: Number, places: int = 1) -> str:
    text = group(value, places)
    unit = _("mu")  # 亩
    return text if text == "—" else f"{text} {unit}"


@register.filter
def km2(value: Number, places: int = 2) -> str:
    text = group(value, places)
    return text if text == "—" else f"{text} km²"


@register.filter
def pct(value: Number, places: int = 1) -> str:
    text = group(value, places)
    return text if text == "—" else f"{text}%"
