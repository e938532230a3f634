"""Input shapes of the evaluation pages (no business rules: the services decide)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parkchain.chains.models import Chain
from parkchain.core.forms import SELECT, FilterForm
from parkchain.evaluation.models import Grade, ResultStatus, SchemeKind, SchemeVersion
from parkchain.organisations.models import OrgUnit, Park

CONTROL = {"class": "form-control"}


class RunFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *SchemeKind.choices],
        widget=forms.Select(attrs=SELECT),
    )
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, choices=[], widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class SchemeVersionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: SchemeVersion) -> str:
        return f"{obj.scheme.name} · v{obj.version}"


class RunCreateForm(forms.Form):
    scheme_version = SchemeVersionChoiceField(
        label=_("Scheme"), queryset=SchemeVersion.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    year = forms.IntegerField(
        label=_("Year evaluated"), min_value=2000, max_value=2100, widget=forms.NumberInput(CONTROL)
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=OrgUnit.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200, widget=forms.TextInput(CONTROL)
    )

    def __init__(
        self,
        *args: Any,
        versions: QuerySet[SchemeVersion],
        regions: QuerySet[OrgUnit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme_version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class ResultFilterForm(FilterForm):
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
    group = forms.ChoiceField(
        label=_("Group"), required=False, choices=[], widget=forms.Select(attrs=SELECT)
    )
    grade = forms.ChoiceField(
        label=_("Class"),
        required=False,
        choices=[("", _("All classes")), *[(g, g) for g in Grade.values]],
        widget=forms.Select(attrs=SELECT),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ResultStatus.choices],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(
        self,
        *args: Any,
        counties: QuerySet[OrgUnit],
        parks: QuerySet[Park],
        chains: QuerySet[Chain],
        groups: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]
        self.fields["park"].queryset = parks  # type: ignore[attr-defined]
        self.fields["chain"].queryset = chains  # type: ignore[attr-defined]
        self.fields["group"].choices = [("", _("All groups")), *groups]  # type: ignore[attr-defined]
        self.drop_if_single("county")


class PublishForm(forms.Form):
    deadline = forms.DateField(
        label=_("Objections until"),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )

    @staticmethod
    def default_deadline(today: dt.date) -> dt.date:
        return today + dt.timedelta(days=7)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )


class DecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Accept")), ("0", _("Reject"))],
        widget=forms.Select(attrs=SELECT),
    )
    new_grade = forms.ChoiceField(
        label=_("New class"),
        required=False,
        choices=[("", _("unchanged")), *[(g, g) for g in Grade.values]],
        widget=forms.Select(attrs=SELECT),
    )
    note = forms.CharField(
        label=_("Decision note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
