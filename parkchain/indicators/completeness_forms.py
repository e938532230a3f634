"""The completeness page's filter bar: form, period, and the county/park drilled into (input shape only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from engine.completeness import latest_open_period
from parkchain.core.forms import SELECT, FilterForm, month_label
from parkchain.indicators.models import ANNUAL, Periodicity, ReportForm
from parkchain.organisations.models import OrgUnit, Park

PREFERRED_FORM = "ent_monthly"


class CompletenessFilterForm(FilterForm):
    form = forms.ChoiceField(
        label=_("Report form"), required=False, widget=forms.Select(attrs=SELECT)
    )
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, choices=[], widget=forms.Select(attrs=SELECT)
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        required=False,
        coerce=int,
        choices=[("", _("Latest period"))] + [(str(m), month_label(m)) for m in range(1, 13)],
        widget=forms.Select(attrs=SELECT),
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

    def __init__(
        self,
        data: Any,
        *,
        report_forms: Iterable[ReportForm],
        counties: QuerySet[OrgUnit],
        parks: QuerySet[Park],
        today: dt.date,
    ) -> None:
        super().__init__(data)
        self.report_forms = {f.code: f for f in report_forms}
        self.today = today
        # the default form first, so the select shows what the page shows before anything is chosen
        codes = sorted(self.report_forms, key=lambda code: code != PREFERRED_FORM)
        self.fields["form"].choices = [(code, self.report_forms[code].name) for code in codes]  # type: ignore[attr-defined]
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            ("", _("Year")),
            *((str(y), str(y)) for y in range(today.year, today.year - 6, -1)),
        ]
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]
        self.fields["park"].queryset = parks  # type: ignore[attr-defined]
        self.drop_if_single("county")

    def report_form(self) -> ReportForm | None:
        """The chosen form; else the enterprise monthly report; else the first form."""
        chosen = self.report_forms.get(self.value("form") or "")
        if chosen is not None:
            return chosen
        return self.report_forms.get(PREFERRED_FORM) or next(iter(self.report_forms.values()), None)

    def period(self, report_form: ReportForm) -> tuple[int, int]:
        """(year, month) chosen, defaulting to the period whose window opened last (month 0: annual)."""
        annual = report_form.periodicity == Periodicity.ANNUAL
        default_year, default_month = latest_open_period(self.today, annual=annual)
        year = self.value("year") or default_year
        if annual:
            return year, ANNUAL
        return year, self.value("month") or (default_month if year == default_year else 12)
