"""The form on the API token page (input shape only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
    ("", _("Never")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("e.g. ERP monthly sync")}
        ),
    )
    expires_in = forms.ChoiceField(
        label=_("Expires"),
        choices=EXPIRY_CHOICES,
        initial="365",
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def days(self) -> int | None:
        raw = self.cleaned_data.get("expires_in")
        return int(raw) if raw else None
