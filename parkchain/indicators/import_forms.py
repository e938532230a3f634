"""Input shape of the import pages: the upload (form, period, file) and the template request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parkchain.core.forms import SELECT, month_label
from parkchain.indicators.models import BatchStatus, ReportForm

MONTH_CHOICES = [("0", _("Annual"))] + [(str(m), month_label(m)) for m in range(1, 13)]


class PeriodForm(forms.Form):
    form = forms.ChoiceField(label=_("Report form"), widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1990,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, choices=MONTH_CHOICES, widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, report_forms: QuerySet[ReportForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report_forms = {f.code: f for f in report_forms}
        self.fields["form"].choices = [(f.code, f.name) for f in self.report_forms.values()]  # type: ignore[attr-defined]

    def report_form(self) -> ReportForm:
        return self.report_forms[self.cleaned_data["form"]]


class UploadForm(PeriodForm):
    file = forms.FileField(
        label=_("File (.xlsx, .xls or .csv)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.csv"}
        ),
    )


class ApplyForm(forms.Form):
    confirm_warnings = forms.BooleanField(label=_("I have checked the warnings"), required=False)


class BatchFilterForm(forms.Form):
    form = forms.CharField(required=False)
    status = forms.ChoiceField(
        required=False, choices=[("", _("All statuses")), *BatchStatus.choices]
    )
