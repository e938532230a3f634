"""The enterprise list's filter bar."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parkchain.chains.models import Chain
from parkchain.core.forms import SELECT, FilterForm
from parkchain.enterprises.models import EnterpriseSize, QualificationKind
from parkchain.organisations.models import OrgUnit, Park

ABOVE_SCALE_CHOICES = [
    ("", _("Above scale: all")),
    ("1", _("Above-scale only")),
    ("0", _("Below scale only")),
]


class EnterpriseFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "placeholder": _("Name or credit code"),
                "type": "search",
            }
        ),
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All counties"),
        widget=forms.Select(attrs=SELECT),
    )
    park = forms.ModelChoiceField(
        label=_("Park"),
        queryset=Park.objects.none(),
        required=False,
        empty_label=_("All parks"),
        widget=forms.Select(attrs=SELECT),
    )
    chain = forms.ModelChoiceField(
        label=_("Industrial chain"),
        queryset=Chain.objects.none(),
        required=False,
        empty_label=_("All chains"),
        widget=forms.Select(attrs=SELECT),
    )
    qualification = forms.ChoiceField(
        label=_("Qualification"),
        required=False,
        choices=[("", _("All qualifications")), *QualificationKind.choices],
        widget=forms.Select(attrs=SELECT),
    )
    above_scale = forms.ChoiceField(
        label=_("Above designated size"),
        required=False,
        choices=ABOVE_SCALE_CHOICES,
        widget=forms.Select(attrs=SELECT),
    )
    year = forms.TypedChoiceField(
        label=_("Statistical year"),
        required=False,
        coerce=int,
        choices=[],
        widget=forms.Select(attrs=SELECT),
    )
    size = forms.ChoiceField(
        label=_("Size"),
        required=False,
        choices=[("", _("All sizes")), *EnterpriseSize.choices],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(
        self,
        data: Any,
        *,
        counties: QuerySet[OrgUnit],
        parks: QuerySet[Park],
        chains: QuerySet[Chain],
        years: Sequence[int],
    ) -> None:
        super().__init__(data)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]
        self.fields["park"].queryset = parks  # type: ignore[attr-defined]
        self.fields["chain"].queryset = chains  # type: ignore[attr-defined]
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (year, _("%(year)s statistics") % {"year": year}) for year in years
        ]
        self.drop_if_single("county")
        self.drop_if_single("park")
        if not years:
            del self.fields["year"]

    def above_scale_choice(self) -> bool | None:
        raw = self.value("above_scale")
        return None if raw is None else raw == "1"
