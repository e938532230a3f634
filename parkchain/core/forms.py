"""Shared pieces of filter forms (the input shape of list pages; no business rules)."""

from __future__ import annotations

from typing import Any

from django import forms

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
