"""The park list's filter bar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parkchain.core.forms import SELECT, FilterForm
from parkchain.organisations.models import OrgUnit, ParkLevel, ParkType


class ParkFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("Park name"), "type": "search"}
        ),
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All counties"),
        widget=forms.Select(attrs=SELECT),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *ParkLevel.choices],
        widget=forms.Select(attrs=SELECT),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All types")), *ParkType.choices],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, data: Any, *, counties: QuerySet[OrgUnit]) -> None:
        super().__init__(data)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]
        self.drop_if_single("county")
