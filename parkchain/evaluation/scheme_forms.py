"""Input shapes of the scheme pages: the common knobs of a scheme, the whole definition as JSON, and
the upload of an official notice. No business rules: the engine's model (through the services)
decides what a valid scheme is; these forms only catch what can be said next to a field.

Knob field names point into the definition: ``weight__<group>__<indicator>`` (positions), so a
knob maps back to exactly one place of the JSON whatever the keys are.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parkchain.core.forms import SELECT
from parkchain.evaluation.models import Scheme, SchemeKind
from parkchain.organisations.models import OrgUnit

CONTROL = {"class": "form-control"}
NUMBER = {"class": "form-control form-control-sm text-end", "step": "any"}
WEIGHT_TOLERANCE = 1e-6
NOTE_FIELD = forms.CharField(
    label=_("Note on this version"),
    required=False,
    max_length=300,
    help_text=_("What changed and why (who decided it), e.g. “2025: D floor lowered to 0.3”."),
    widget=forms.TextInput(CONTROL),
)


def _number(**kwargs: Any) -> forms.FloatField:
    return forms.FloatField(widget=forms.NumberInput(NUMBER), **kwargs)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 6)


class SchemeKnobsForm(forms.Form):
    """The knobs people change every year, laid over the current definition.

    Enterprise schemes: per indicator the weight and the cap (× weight), per group the cut-offs
    A/B/C (percent of the ranked pool), the land floor, the absolute floor for D and the A floor.
    Park and county schemes: per indicator the weight.
    """

    def __init__(self, *args: Any, kind: str, definition: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.definition = definition
        self.group_errors: dict[int, list[str]] = {}
        self.fields["note"] = copy.deepcopy(NOTE_FIELD)
        if kind == SchemeKind.ENTERPRISE_MU:
            self._enterprise_fields()
        elif kind == SchemeKind.PARK_FIVE_GOOD:
            for d, dimension in enumerate(definition.get("dimensions", [])):
                for i, indicator in enumerate(dimension.get("indicators", [])):
                    self.fields[f"weight__{d}__{i}"] = _number(
                        label=indicator.get("label", ""),
                        min_value=0,
                        initial=indicator.get("weight"),
                    )
        else:
            for i, indicator in enumerate(definition.get("indicators", [])):
                self.fields[f"weight__0__{i}"] = _number(
                    label=indicator.get("label", ""), min_value=0, initial=indicator.get("weight")
                )

    # -- enterprise schemes ------------------------------------------------------------------
    def _enterprise_fields(self) -> None:
        definition = self.definition
        for g, group in enumerate(definition.get("groups", [])):
            for i, indicator in enumerate(group.get("indicators", [])):
                self.fields[f"weight__{g}__{i}"] = _number(
                    label=indicator.get("label", ""), min_value=0, initial=indicator.get("weight")
                )
                self.fields[f"cap__{g}__{i}"] = _number(
                    label=_("cap (× weight)"),
                    required=False,
                    min_value=0.01,
                    initial=indicator.get("cap_mult"),
                    help_text=_("Empty: no cap."),
                )
            cuts = group.get("cuts") or {}
            for grade in ("A", "B", "C"):
                self.fields[f"cut_{grade}__{g}"] = _number(
                    label=gettext("%(grade)s up to (%%)") % {"grade": grade},
                    min_value=0.01,
                    max_value=100,
                    initial=_percent(cuts.get(grade)),
                )
        self.fields["land_floor_mu"] = _number(
            label=_("Land floor (mu)"),
            required=False,
            min_value=0.01,
            initial=definition.get("land_floor_mu"),
            help_text=_("Land below this counts as this much in per-mu indicators; empty: none."),
        )
        keys = self.indicator_keys()
        choices = [("", _("— none —")), *keys.items()]
        floor = definition.get("abs_floor_d") or {}
        self.fields["abs_floor_indicator"] = forms.ChoiceField(
            label=_("Absolute floor for D: indicator"),
            required=False,
            choices=choices,
            initial=floor.get("indicator", ""),
            widget=forms.Select(attrs=SELECT),
        )
        self.fields["abs_floor_value"] = _number(
            label=_("below"),
            required=False,
            initial=floor.get("value"),
            help_text=_("An enterprise below this value is class D whatever its rank."),
        )
        a_min = definition.get("a_min") or {}
        self.fields["a_min_indicator"] = forms.ChoiceField(
            label=_("Floor for A: indicator"),
            required=False,
            choices=choices,
            initial=a_min.get("indicator", ""),
            widget=forms.Select(attrs=SELECT),
        )
        self.fields["a_min_value"] = _number(
            label=_("at least"), required=False, initial=a_min.get("value")
        )
        self.fields["a_min_benchmark"] = forms.BooleanField(
            label=_("and at least the pool's benchmark"),
            required=False,
            initial=bool(a_min.get("use_benchmark")),
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        )

    def indicator_keys(self) -> dict[str, str]:
        """Indicator key → label over every group (the floors name one of them)."""
        found: dict[str, str] = {}
        for group in self.definition.get("groups", []):
            for indicator in group.get("indicators", []):
                found.setdefault(indicator["key"], indicator.get("label") or indicator["key"])
        return found

    def groups(self) -> list[dict[str, Any]]:
        """The layout of the knobs: per group (dimension) its label, indicator rows and cut fields."""
        out = []
        if self.kind == SchemeKind.ENTERPRISE_MU:
            blocks = self.definition.get("groups", [])
        elif self.kind == SchemeKind.PARK_FIVE_GOOD:
            blocks = self.definition.get("dimensions", [])
        else:
            blocks = [{"label": "", "indicators": self.definition.get("indicators", [])}]
        for g, block in enumerate(blocks):
            rows = []
            for i, indicator in enumerate(block.get("indicators", [])):
                rows.append(
                    {
                        "indicator": indicator,
                        "weight": self[f"weight__{g}__{i}"],
                        "cap": self[f"cap__{g}__{i}"] if f"cap__{g}__{i}" in self.fields else None,
                    }
                )
            cuts = [self[f"cut_{x}__{g}"] for x in "ABC" if f"cut_{x}__{g}" in self.fields]
            out.append(
                {
                    "index": g,
                    "label": block.get("label", ""),
                    "rows": rows,
                    "cuts": cuts,
                    "errors": self.group_errors.get(g, []),
                }
            )
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.kind == SchemeKind.ENTERPRISE_MU:
            self._clean_enterprise(data)
        return data

    def _clean_enterprise(self, data: dict[str, Any]) -> None:
        strict = self.definition.get("require_weights_100", True)
        for g, group in enumerate(self.definition.get("groups", [])):
            weights = [data.get(f"weight__{g}__{i}") for i in range(len(group["indicators"]))]
            if strict and None not in weights and abs(sum(weights) - 100) > WEIGHT_TOLERANCE:  # type: ignore[arg-type]
                self.group_errors.setdefault(g, []).append(
                    gettext("The weights of “%(group)s” sum to %(total)s, not 100.")
                    % {"group": group.get("label", ""), "total": f"{sum(weights):g}"}  # type: ignore[arg-type]
                )
            cuts = [data.get(f"cut_{x}__{g}") for x in "ABC"]
            if None not in cuts and not cuts[0] < cuts[1] < cuts[2]:  # type: ignore[operator]
                self.add_error(
                    f"cut_B__{g}",
                    gettext("The cut-offs must increase: A below B below C (C at most 100)."),
                )
        if self.group_errors:
            self.add_error(None, gettext("Correct the weights marked below."))
        for prefix in ("abs_floor", "a_min"):
            indicator = data.get(f"{prefix}_indicator")
            value = data.get(f"{prefix}_value")
            if prefix == "abs_floor" and indicator and value is None:
                self.add_error(
                    "abs_floor_value", gettext("Give the value, or choose no indicator.")
                )
            if (
                prefix == "a_min"
                and indicator
                and value is None
                and not data.get("a_min_benchmark")
            ):
                self.add_error(
                    "a_min_value",
                    gettext("Give a value or tick the benchmark, or choose no indicator."),
                )

    def definition_with_knobs(self) -> dict[str, Any]:
        """A copy of the definition with the knobs' values in place (call after is_valid)."""
        data = self.cleaned_data
        definition = copy.deepcopy(self.definition)
        if self.kind == SchemeKind.ENTERPRISE_MU:
            for g, group in enumerate(definition.get("groups", [])):
                for i, indicator in enumerate(group["indicators"]):
                    indicator["weight"] = data[f"weight__{g}__{i}"]
                    indicator["cap_mult"] = data.get(f"cap__{g}__{i}")
                group["cuts"] = {x: round(data[f"cut_{x}__{g}"] / 100, 6) for x in "ABC"}
            definition["land_floor_mu"] = data.get("land_floor_mu")
            floor = data.get("abs_floor_indicator")
            definition["abs_floor_d"] = (
                {"indicator": floor, "value": data["abs_floor_value"]} if floor else None
            )
            a_min = data.get("a_min_indicator")
            definition["a_min"] = (
                {
                    "indicator": a_min,
                    "value": data.get("a_min_value"),
                    "use_benchmark": bool(data.get("a_min_benchmark")),
                }
                if a_min
                else None
            )
        elif self.kind == SchemeKind.PARK_FIVE_GOOD:
            for d, dimension in enumerate(definition.get("dimensions", [])):
                for i, indicator in enumerate(dimension["indicators"]):
                    indicator["weight"] = data[f"weight__{d}__{i}"]
        else:
            for i, indicator in enumerate(definition.get("indicators", [])):
                indicator["weight"] = data[f"weight__0__{i}"]
        return definition


class SchemeJsonForm(forms.Form):
    """The whole definition as JSON (the advanced way: anything the engine's model accepts)."""

    prefix = "json"

    definition = forms.CharField(
        label=_("Definition (JSON)"),
        widget=forms.Textarea(
            attrs={"class": "form-control font-monospace", "rows": 24, "spellcheck": "false"}
        ),
    )
    note = copy.deepcopy(NOTE_FIELD)

    def clean_definition(self) -> dict[str, Any]:
        text = self.cleaned_data["definition"]
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as err:
            raise forms.ValidationError(
                gettext("This is not valid JSON: %(problem)s (line %(line)s, column %(column)s).")
                % {"problem": err.msg, "line": err.lineno, "column": err.colno}
            ) from err
        if not isinstance(parsed, dict):
            raise forms.ValidationError(gettext("The definition must be a JSON object { … }."))
        return parsed


def definition_text(definition: dict[str, Any]) -> str:
    return json.dumps(definition, ensure_ascii=False, indent=2)


class OfficialImportForm(forms.Form):
    file = forms.FileField(
        label=_("Notice (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.csv"}
        ),
    )
    year = forms.IntegerField(
        label=_("Year evaluated"), min_value=2000, max_value=2100, widget=forms.NumberInput(CONTROL)
    )
    scheme = forms.ModelChoiceField(
        label=_("Scheme the notice applied"),
        queryset=Scheme.objects.none(),
        widget=forms.Select(attrs=SELECT),
        help_text=_("Its latest version is recorded with the results."),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=OrgUnit.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Leave empty for “<region> <year> official results”."),
        widget=forms.TextInput(CONTROL),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("E.g. the notice's document number; empty: the file name."),
        widget=forms.TextInput(CONTROL),
    )

    def __init__(
        self,
        *args: Any,
        schemes: QuerySet[Scheme],
        regions: QuerySet[OrgUnit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
