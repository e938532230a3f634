"""Enterprise list export: column spec and one row per enterprise (same filters as the page)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkchain.core.xlsx import DATE, DECIMAL_2, Column
from parkchain.enterprises.models import Enterprise


def enterprise_columns(year: int | None) -> list[Column]:
    above_scale = (
        _("Above scale (%(year)s)") % {"year": year} if year else _("Above designated size")
    )
    return [
        Column(gettext_lazy("Enterprise"), 34),
        Column(gettext_lazy("Unified social credit code"), 22),
        Column(gettext_lazy("County"), 12),
        Column(gettext_lazy("Park"), 24),
        Column(gettext_lazy("Industry code"), 10),
        Column(gettext_lazy("Industry"), 22),
        Column(gettext_lazy("Size"), 8),
        Column(gettext_lazy("Established on"), 12, DATE),
        Column(gettext_lazy("Registered capital (10k yuan)"), 16, DECIMAL_2),
        Column(gettext_lazy("Land (mu)"), 12, DECIMAL_2),
        Column(above_scale, 12),
        Column(gettext_lazy("Valid qualifications"), 30),
        Column(gettext_lazy("Legal representative"), 12),
        Column(gettext_lazy("Address"), 30),
        Column(gettext_lazy("In operation"), 10),
    ]


def enterprise_rows(enterprises: Iterable[Enterprise]) -> Iterator[list[object]]:
    """Rows for ``enterprise_columns``; enterprises come from ``enterprise_table``."""
    for e in enterprises:
        yield [
            e.name,
            e.credit_code,
            e.county.name,
            e.park.name if e.park else "",
            e.industry_code,
            e.industry_name,
            e.get_size_display(),
            e.established_on,
            e.registered_capital,
            e.land_mu,
            _("Yes") if e.above_scale_flag else _("No"),  # type: ignore[attr-defined]
            "、".join(str(q.get_kind_display()) for q in e.valid_qualifications),  # type: ignore[attr-defined]
            e.legal_representative,
            e.address,
            _("Yes") if e.is_active else _("No"),
        ]
