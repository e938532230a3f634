"""Shared pieces of filter forms (the input shape of list pages; no business rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext

SELECT = {"class": "form-select"}


class FilterForm(forms.Form):
    """A GET filter bar: every field optional, invalid values ignored (``value()`` gives None)."""

    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def value(self, name: str) -> Any:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or None

    def pk(self, name: str) -> int | None:
        """The primary key chosen in a model choice field (None when empty or invalid)."""
        chosen = self.value(name)
        return chosen.pk if chosen is not None else None

    def drop_if_single(self, name: str) -> None:
        """Hide a choice with one option only (a county user's county filter says nothing)."""
        field = self.fields[name]
        queryset = getattr(field, "queryset", None)
        if queryset is not None and queryset.count() <= 1:
            del self.fields[name]


def _month_label(month: int) -> str:
    return gettext("Month %(m)s") % {"m": month}


# Evaluated when rendered, in the user's language (a plain % on a lazy string would freeze it at import).
month_label = lazy(_month_label, str)
