"""Input shapes of the 六个清单 pages: the year filter, the build form, the list tab (no business rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parkchain.core.forms import SELECT, FilterForm
from parkchain.evaluation.models import ListKind
from parkchain.organisations.models import OrgUnit, OrgUnitKind

CONTROL = {"class": "form-control"}


def _months_label(month: int) -> str:
    if month == 1:
        return gettext("Month %(m)s") % {"m": month}
    return gettext("Months 1–%(m)s") % {"m": month}


months_label = lazy(_months_label, str)

PERIOD_CHOICES = [(0, _("Whole year")), *((m, months_label(m)) for m in range(1, 13))]


def period_label(year: int, month: int) -> str:
    """2026, 10 → "2026年1–10月"; 2025, 0 → "2025年全年" (in the active language)."""
    if month == 0:
        return gettext("%(year)s, whole year") % {"year": year}
    if month == 1:
        return gettext("%(year)s, month 1") % {"year": year}
    return gettext("%(year)s, months 1–%(month)s") % {"year": year, "month": month}


def list_kind(raw: str | None) -> str:
    """The list asked for in ``?kind=`` (the first list when missing or unknown)."""
    return raw if raw in ListKind.values else ListKind.TOP_OUTPUT.value


class SnapshotFilterForm(FilterForm):
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, choices=[], widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    KIND_PREFIX = {OrgUnitKind.COUNTY: "· ", OrgUnitKind.PARK: "·· "}

    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{self.KIND_PREFIX.get(obj.kind, '')}{obj.name}"  # type: ignore[call-overload]


class ListBuildForm(forms.Form):
    prefix = "build"  # the filter bar on the same page has a year too

    scope = UnitChoiceField(
        label=_("For"), queryset=OrgUnit.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(CONTROL)
    )
    month = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        choices=PERIOD_CHOICES,
        help_text=_("Year to date at the end of that month, or the whole year."),
        widget=forms.Select(attrs=SELECT),
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Leave empty for “<unit> <period> six lists”."),
        widget=forms.TextInput(CONTROL),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = units  # type: ignore[attr-defined]
