"""Input shapes of the reporting pages (web entry, review, unlock); the rules live in the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parkchain.indicators.models import FormItem, ReportForm

NUMBER = {"class": "form-control text-end", "inputmode": "decimal", "autocomplete": "off"}


class ReportEntryForm(forms.Form):
    """One decimal input per form item (named by indicator code), a reason and the confirmation box."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Required when you change values that were already submitted."),
    )
    confirm_warnings = forms.BooleanField(
        label=_("I confirm these values are correct"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self,
        *args: Any,
        items: Iterable[FormItem],
        stored: dict[str, Decimal | None],
        disabled: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.codes: list[str] = []
        self.stored = stored
        for item in items:
            code = item.indicator.code
            self.codes.append(code)
            self.fields[code] = forms.DecimalField(
                label=item.indicator.name,
                required=False,
                max_digits=20,
                decimal_places=4,
                initial=_shown(stored.get(code), item.indicator.decimals),
                disabled=disabled,
                widget=forms.TextInput(attrs=NUMBER),
            )
        if disabled:
            self.fields["reason"].disabled = True
            self.fields["confirm_warnings"].disabled = True

    def values(self) -> dict[str, Decimal | None]:
        return {code: self.cleaned_data.get(code) for code in self.codes}

    def changes_stored_values(self) -> bool:
        """True when a value that was stored before is changed or cleared."""
        return any(
            self.stored.get(code) is not None and self.cleaned_data.get(code) != self.stored[code]
            for code in self.codes
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class ReviewFilterForm(forms.Form):
    form = forms.ModelChoiceField(
        label=_("Report form"),
        queryset=ReportForm.objects.none(),
        to_field_name="code",
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    period = forms.RegexField(
        label=_("Period"),
        regex=r"^\d{4}(-\d{1,2})?$",
        required=False,
        help_text=_("2026-10 for a month, 2025 for a year"),
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "2026-10"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, forms_qs: Any, statuses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["form"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = forms_qs
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)  # noqa: S101
        status.choices = [("", _("All")), *statuses]


class UnlockForm(forms.Form):
    form = forms.ModelChoiceField(
        label=_("Report form"),
        queryset=ReportForm.objects.none(),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    month = forms.IntegerField(
        label=_("Month"),
        min_value=0,
        max_value=12,
        help_text=_("0 for an annual form"),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    unit = forms.CharField(
        label=_("Only for"),
        required=False,
        max_length=100,
        help_text=_("Credit code of an enterprise or name of a park; empty: the whole period"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    until = forms.DateField(
        label=_("Open until"),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args: Any, forms_qs: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["form"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = forms_qs
        self.fields["until"].initial = today + dt.timedelta(days=7)


def _shown(value: Decimal | None, decimals: int) -> Decimal | None:
    """A stored value as the indicator shows it (4 stored places → its own decimals, 248827.8000 → 248827.80)."""
    if value is None:
        return None
    shown = value.quantize(Decimal(1).scaleb(-decimals))
    # never round away stored precision: re-saving the form unchanged must not change the value
    return shown if shown == value else value.normalize()
