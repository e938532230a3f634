"""Park list export: column spec and one row per park (same filters as the page)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkchain.core.xlsx import DATE, DECIMAL_1, DECIMAL_2, INTEGER, Column
from parkchain.organisations.models import Park

PARK_COLUMNS = [
    Column(gettext_lazy("Park"), 30),
    Column(gettext_lazy("Short name"), 14),
    Column(gettext_lazy("County"), 12),
    Column(gettext_lazy("Level"), 8),
    Column(gettext_lazy("Type"), 16),
    Column(gettext_lazy("Leading industries"), 24),
    Column(gettext_lazy("Featured industry"), 16),
    Column(gettext_lazy("Approved on"), 12, DATE),
    Column(gettext_lazy("Planned area (km²)"), 12, DECIMAL_2),
    Column(gettext_lazy("Developed area (km²)"), 12, DECIMAL_2),
    Column(gettext_lazy("Built industrial land (mu)"), 14, DECIMAL_1),
    Column(gettext_lazy("Supplied industrial land (mu)"), 14, DECIMAL_1),
    Column(gettext_lazy("Standard factory floor area (m²)"), 16, INTEGER),
    Column(gettext_lazy("Management committee + company"), 12),
    Column(gettext_lazy("Enterprises"), 10, INTEGER),
    Column(gettext_lazy("Address"), 30),
]


def park_rows(parks: Iterable[Park]) -> Iterator[list[object]]:
    """Rows for PARK_COLUMNS; parks come from ``park_list`` (with ``enterprise_count``)."""
    for park in parks:
        county = park.org_unit.parent
        yield [
            park.name,
            park.short_name,
            county.name if county else "",
            park.get_level_display(),
            park.get_park_type_display(),
            park.leading_industries,
            park.featured_industry,
            park.approved_on,
            park.planned_area_km2,
            park.developed_area_km2,
            park.built_industrial_area_mu,
            park.supplied_industrial_area_mu,
            park.standard_factory_area_m2,
            _("Yes") if park.has_management_company else _("No"),
            park.enterprise_count,  # type: ignore[attr-defined]
            park.address,
        ]
