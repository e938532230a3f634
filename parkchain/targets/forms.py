"""Input shapes of the target and dispatch pages (no business rules: the services decide).

Choices of units, chains, indicators and targets come from the scoped selectors (the views pass
them in), so a form never offers a row the user may not read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from engine.periods import Month
from engine.targets import columns as c
from engine.targets.rules import FORMS_OF_KIND
from parkchain.chains.models import Chain
from parkchain.core.forms import SELECT, FilterForm
from parkchain.indicators.models import Indicator
from parkchain.organisations.models import OrgUnit
from parkchain.targets.models import (
    AccountabilityKind,
    Metric,
    MilestoneStatus,
    ProfileKind,
    SupervisionStatus,
    SupervisionTask,
    Target,
    TargetKind,
)

CONTROL = {"class": "form-control"}
CHECK = {"class": "form-check-input"}
DATE = {"class": "form-control", "type": "date"}
TEXTAREA = {"class": "form-control", "rows": 3}

SCOPE_KINDS = [
    ("city", _("City")),
    ("county", _("Counties")),
    ("park", _("Parks")),
    ("chain", _("Chains")),
]
RAG_CHOICES = [
    (c.RED, pgettext_lazy("light", "Red")),
    (c.YELLOW, pgettext_lazy("light", "Yellow")),
    (c.GREEN, pgettext_lazy("light", "Green")),
    (c.NONE, pgettext_lazy("light", "No figures")),
]
RULE_FORMS = [
    ("amount", _("Completion against time progress (pp)")),
    ("ratio", _("Completion ÷ time progress (ratio)")),
    ("count", _("Count, one unit forgiven")),
    ("growth", _("Growth against the target (pp)")),
    ("rank", _("Place against the target place")),
]


INDENT = {"city": "", "county": "　", "park": "　　"}


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """The city, its counties and parks, indented as a tree (ordered by path)."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{INDENT.get(obj.kind, '')}{obj.name}"


class TargetChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Target) -> str:
        return f"{obj.scope_name} · {obj.name}"


def month_choices(year: int) -> list[tuple[str, str]]:
    return [(str(Month(year, m)), Month(year, m).ytd_label) for m in range(1, 13)]


# -- filter bars ----------------------------------------------------------------------------------
class BookFilterForm(FilterForm):
    """The target book page: year, month of the figures, level, county, light."""

    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, choices=[], widget=forms.Select(attrs=SELECT)
    )
    month = forms.ChoiceField(
        label=_("Month"), required=False, choices=[], widget=forms.Select(attrs=SELECT)
    )
    scope = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *SCOPE_KINDS],
        widget=forms.Select(attrs=SELECT),
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        required=False,
        queryset=OrgUnit.objects.none(),
        empty_label=_("All counties"),
        widget=forms.Select(attrs=SELECT),
    )
    rag = forms.ChoiceField(
        label=_("Light"),
        required=False,
        choices=[("", _("All lights")), *RAG_CHOICES],
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(
        self, *args: Any, years: list[int], year: int, counties: QuerySet[OrgUnit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["month"].choices = [("", _("Latest month")), *month_choices(year)]  # type: ignore[attr-defined]
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]
        self.drop_if_single("county")


class SupervisionFilterForm(FilterForm):
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        choices=[("", _("All quarters")), *((q, _("Q%(q)d") % {"q": q}) for q in range(1, 5))],
        widget=forms.Select(attrs=SELECT),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *SupervisionStatus.choices],
        widget=forms.Select(attrs=SELECT),
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"), required=False, widget=forms.CheckboxInput(attrs=CHECK)
    )


# -- the book -------------------------------------------------------------------------------------
class BookForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("City"), queryset=OrgUnit.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(CONTROL)
    )
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(CONTROL))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(TEXTAREA)
    )
    issuer = forms.CharField(
        label=_("Issued by"),
        required=False,
        max_length=100,
        help_text=_("Empty: the city's task force."),
        widget=forms.TextInput(CONTROL),
    )
    bulletin_title = forms.CharField(
        label=_("Bulletin title"),
        required=False,
        max_length=200,
        widget=forms.TextInput(CONTROL),
    )

    def __init__(self, *args: Any, regions: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class FreezeForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"), choices=[], widget=forms.Select(attrs=SELECT))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, widget=forms.TextInput(CONTROL)
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(year)  # type: ignore[attr-defined]

    def period(self) -> Month:
        return Month.parse(self.cleaned_data["month"])


# -- targets --------------------------------------------------------------------------------------
class _RuleFields(forms.Form):
    """The red/yellow/green rule as two fields; ``rag_rule()`` gives the stored JSON."""

    rule_form = forms.ChoiceField(
        label=_("Red/yellow/green rule"),
        required=False,
        choices=[("", _("The default of the kind")), *RULE_FORMS],
        widget=forms.Select(attrs=SELECT),
    )
    yellow_band = forms.DecimalField(
        label=_("Yellow band"),
        required=False,
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        help_text=_(
            # xgettext:no-python-format
            "pp behind time progress (amounts, counts), pp below the target (growth), places "
            "(ranking), % of time progress (ratio). Empty: the default."
        ),
        widget=forms.NumberInput({**CONTROL, "step": "0.5"}),
    )

    def rag_rule(self) -> dict[str, Any]:
        form = self.cleaned_data.get("rule_form") or ""
        band = self.cleaned_data.get("yellow_band")
        rule: dict[str, Any] = {"form": form} if form else {}
        if band is not None:
            if form == "ratio":
                rule["ratio_yellow"] = float(band) / 100
            elif form == "rank":
                rule["places"] = int(band)
            else:
                rule["yellow_pp"] = float(band)
        return rule

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        form, kind = cleaned.get("rule_form"), cleaned.get("kind") or getattr(self, "kind", None)
        if form and kind and form not in FORMS_OF_KIND.get(kind, ()):
            self.add_error("rule_form", _("This rule does not suit the kind of target."))
        return cleaned


def _shares(text: str) -> list[float] | None:
    if not text.strip():
        return None
    parts = [p for p in text.replace("，", ",").replace(" ", ",").split(",") if p]
    try:
        return [float(p) for p in parts]
    except ValueError as err:
        raise forms.ValidationError(_("Give 12 numbers separated by commas.")) from err


class _TargetValues(_RuleFields):
    name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(CONTROL))
    annual_value = forms.DecimalField(
        label=_("Annual target"),
        max_digits=20,
        decimal_places=4,
        # xgettext:no-python-format
        help_text=_("An amount in the indicator's unit, a count, a growth rate in % or a place."),
        widget=forms.NumberInput({**CONTROL, "step": "any"}),
    )
    base_value = forms.DecimalField(
        label=_("Base (last year)"),
        required=False,
        max_digits=20,
        decimal_places=4,
        widget=forms.NumberInput({**CONTROL, "step": "any"}),
    )
    profile = forms.ChoiceField(
        label=_("Time progress"),
        choices=ProfileKind.choices,
        initial=ProfileKind.LINEAR,
        widget=forms.Select(attrs=SELECT),
    )
    profile_shares = forms.CharField(
        label=_("Monthly shares"),
        required=False,
        help_text=_("Custom profile: 12 cumulative shares of the year, December = 1."),
        widget=forms.TextInput(CONTROL),
    )
    jan_feb_combined = forms.BooleanField(
        label=_("January and February combined"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(CHECK),
    )
    owner_department = forms.CharField(
        label=_("Responsible department"),
        required=False,
        max_length=100,
        widget=forms.TextInput(CONTROL),
    )
    owner_person = forms.CharField(
        label=_("Responsible person"),
        required=False,
        max_length=50,
        widget=forms.TextInput(CONTROL),
    )

    def clean_profile_shares(self) -> list[float] | None:
        return _shares(self.cleaned_data.get("profile_shares") or "")


class TargetCreateForm(_TargetValues):
    group = forms.CharField(
        label=pgettext_lazy("target book", "Group"),
        required=False,
        max_length=30,
        help_text=_("e.g. 一高, 新主体, 新项目"),
        widget=forms.TextInput(CONTROL),
    )
    org_unit = UnitChoiceField(
        label=_("Unit"),
        required=False,
        queryset=OrgUnit.objects.none(),
        empty_label="—",
        help_text=_("The city, a county or a park; or choose a chain instead."),
        widget=forms.Select(attrs=SELECT),
    )
    chain = forms.ModelChoiceField(
        label=_("Chain"),
        required=False,
        queryset=Chain.objects.none(),
        empty_label="—",
        widget=forms.Select(attrs=SELECT),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=TargetKind.choices, widget=forms.Select(attrs=SELECT)
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        required=False,
        queryset=Indicator.objects.none(),
        empty_label="—",
        help_text=_("An indicator of the registry; or choose a metric instead."),
        widget=forms.Select(attrs=SELECT),
    )
    metric = forms.ChoiceField(
        label=_("Metric"),
        required=False,
        choices=[("", "—"), *Metric.choices],
        widget=forms.Select(attrs=SELECT),
    )
    parent = TargetChoiceField(
        label=_("Part of"),
        required=False,
        queryset=Target.objects.none(),
        empty_label=_("— none —"),
        help_text=_("The target this one is a share of (城市 → 县市区 → 园区)."),
        widget=forms.Select(attrs=SELECT),
    )
    sort_order = forms.IntegerField(
        label=_("Order"), min_value=0, initial=0, widget=forms.NumberInput(CONTROL)
    )

    field_order = [
        "group",
        "name",
        "org_unit",
        "chain",
        "kind",
        "indicator",
        "metric",
        "parent",
        "annual_value",
        "base_value",
        "profile",
        "profile_shares",
        "jan_feb_combined",
        "rule_form",
        "yellow_band",
        "owner_department",
        "owner_person",
        "sort_order",
    ]

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        chains: QuerySet[Chain],
        indicators: QuerySet[Indicator],
        parents: QuerySet[Target],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["chain"].queryset = chains  # type: ignore[attr-defined]
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if bool(cleaned.get("org_unit")) == bool(cleaned.get("chain")):
            self.add_error("org_unit", _("Choose either a unit or a chain."))
        if bool(cleaned.get("indicator")) == bool(cleaned.get("metric")):
            self.add_error("indicator", _("Choose either an indicator or a metric."))
        return cleaned


class TargetEditForm(_TargetValues):
    """What a target adjustment (目标调整) may change; its unit, kind and indicator stay."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)


# -- milestones -----------------------------------------------------------------------------------
class MilestoneCreateForm(forms.Form):
    group = forms.CharField(
        label=pgettext_lazy("target book", "Group"),
        required=False,
        max_length=30,
        help_text=_("e.g. 新平台, 新机制"),
        widget=forms.TextInput(CONTROL),
    )
    title = forms.CharField(label=_("Task"), max_length=200, widget=forms.TextInput(CONTROL))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(TEXTAREA)
    )
    owner_unit = UnitChoiceField(
        label=_("Responsible unit"),
        required=False,
        queryset=OrgUnit.objects.none(),
        empty_label="—",
        widget=forms.Select(attrs=SELECT),
    )
    chain = forms.ModelChoiceField(
        label=_("Chain"),
        required=False,
        queryset=Chain.objects.none(),
        empty_label="—",
        widget=forms.Select(attrs=SELECT),
    )
    owner_department = forms.CharField(
        label=_("Responsible department"),
        required=False,
        max_length=100,
        widget=forms.TextInput(CONTROL),
    )
    owner_person = forms.CharField(
        label=_("Responsible person"),
        required=False,
        max_length=50,
        widget=forms.TextInput(CONTROL),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(DATE))

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit], chains: QuerySet[Chain], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["chain"].queryset = chains  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("owner_unit")) == bool(cleaned.get("chain")):
            self.add_error("owner_unit", _("Choose either a unit or a chain."))
        return cleaned


class ProgressForm(forms.Form):
    """A progress report on a milestone (or a follow-up of a 督办 task): status, note, evidence."""

    status = forms.ChoiceField(label=_("Status"), choices=[], widget=forms.Select(attrs=SELECT))
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(TEXTAREA))
    evidence_text = forms.CharField(
        label=_("Evidence"),
        required=False,
        help_text=_("A document's title and number, or a description. Needed to mark it done."),
        widget=forms.Textarea({**TEXTAREA, "rows": 2}),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        widget=forms.ClearableFileInput(CONTROL),
    )

    def __init__(self, *args: Any, statuses: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses  # type: ignore[attr-defined]


MILESTONE_STATUSES = [
    (s.value, s.label) for s in MilestoneStatus if s.value != MilestoneStatus.OVERDUE
]
FOLLOW_UP_STATUSES = [
    (s.value, s.label) for s in SupervisionStatus if s.value != SupervisionStatus.PENDING
]


# -- supervision and accountability ---------------------------------------------------------------
class FromRedForm(forms.Form):
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(q, _("Q%(q)d") % {"q": q}) for q in range(1, 5)],
        widget=forms.Select(attrs=SELECT),
    )
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(DATE))
    requirement = forms.CharField(
        label=_("Requirement"),
        required=False,
        help_text=_("Empty: analyse the causes, set out measures, report in writing."),
        widget=forms.Textarea({**TEXTAREA, "rows": 2}),
    )


class AccountabilityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AccountabilityKind.choices, widget=forms.Select(attrs=SELECT)
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        required=False,
        queryset=OrgUnit.objects.none(),
        empty_label="—",
        widget=forms.Select(attrs=SELECT),
    )
    chain = forms.ModelChoiceField(
        label=_("Chain"),
        required=False,
        queryset=Chain.objects.none(),
        empty_label="—",
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(TEXTAREA))
    decided_on = forms.DateField(
        label=_("Decided on"), initial=timezone.localdate, widget=forms.DateInput(DATE)
    )
    decided_by = forms.CharField(
        label=_("Decided by"),
        required=False,
        max_length=100,
        help_text=_("e.g. 州委督查室"),
        widget=forms.TextInput(CONTROL),
    )
    task = forms.ModelChoiceField(
        label=_("Supervision task"),
        required=False,
        queryset=SupervisionTask.objects.none(),
        empty_label=_("— none —"),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        chains: QuerySet[Chain],
        tasks: QuerySet[SupervisionTask],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["chain"].queryset = chains  # type: ignore[attr-defined]
        self.fields["task"].queryset = tasks  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if bool(cleaned.get("unit")) == bool(cleaned.get("chain")):
            self.add_error("unit", _("Choose either a unit or a chain."))
        return cleaned
