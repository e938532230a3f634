"""Evaluation: schemes (versioned data), runs, results, objections and list snapshots.

* 亩均效益综合评价 of enterprises (A/B/C/D), park "五好" scoring and county 亩均 ranking are
  computed by ``engine.evaluation``; this app stores what went in and what came out.
* A ``SchemeVersion`` is immutable once a run used it: a change is a new version
  (``services.scheme_version_create``); ``SchemeVersion.save`` refuses to change a used one.
* A run keeps its input frame (``RunInput``, Parquet) so ``services.run_reproduce`` re-computes
  it exactly years later, whatever happened to the observations since.
* Workflow: draft → publicised (公示, with a deadline) → under_review (异议复核) → final; any run
  may be withdrawn. Official results imported from a provincial notice are runs of source
  ``official``: kept apart, never recomputed, never overwritten by platform estimates.
* Result components (the explanation of a score) are a JSON list on each result row, not a table:
  they are read per enterprise (the explanation card) or all at once (reproduction), never
  filtered or summed in SQL, and a run writes 3,000 rows instead of ~20,000.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkchain.core.models import BaseModel
from parkchain.enterprises.models import Enterprise
from parkchain.organisations.models import OrgUnit, Park

GRADES = ("A", "B", "C", "D")


class SchemeKind(models.TextChoices):
    ENTERPRISE_MU = "enterprise_mu", _("Enterprise per-mu evaluation")
    PARK_FIVE_GOOD = "park_five_good", _("Five-good park evaluation")
    COUNTY_MU = "county_mu", _("County per-mu ranking")


class Grade(models.TextChoices):
    A = "A", _("A: priority development")
    B = "B", _("B: encouraged improvement")
    C = "C", _("C: supervised transformation")
    D = "D", _("D: rectification")


class Scheme(BaseModel):
    """An evaluation scheme (评价办法): a name for a line of versions. Presets are shared (city empty)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=SchemeKind.choices)
    is_preset = models.BooleanField(_("preset"), default=False)
    city = models.ForeignKey(
        OrgUnit,
        verbose_name=_("city"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: a preset every city may use."),
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["kind", "-is_preset", "code"]

    def __str__(self) -> str:
        return self.name


class SchemeVersionInUse(ValidationError):  # noqa: N818  # reads as the rule it enforces
    """A version some run used cannot change: create a new version instead."""


class SchemeVersion(BaseModel):
    """One immutable definition of a scheme (JSON validated by the engine's pydantic model)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    definition_hash = models.CharField(_("definition hash"), max_length=64, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="scheme_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} v{self.version}"

    @property
    def is_used(self) -> bool:
        return self.pk is not None and self.runs.exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to change the definition of a version a run used (the run must stay reproducible)."""
        if self.pk is not None and self.is_used:
            stored = SchemeVersion.objects.filter(pk=self.pk).values_list(
                "definition_hash", "definition"
            )
            old_hash, old_definition = stored.get()
            if old_hash != self.definition_hash or old_definition != self.definition:
                raise SchemeVersionInUse(
                    _(
                        "Version %(version)s of “%(scheme)s” was used by an evaluation run and "
                        "cannot change; save the change as a new version."
                    )
                    % {"version": self.version, "scheme": self.scheme.name},
                    code="in_use",
                )
        super().save(*args, **kwargs)


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLICISED = "publicised", _("Publicised")
    UNDER_REVIEW = "under_review", _("Under review")
    FINAL = "final", _("Final")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RunSource(models.TextChoices):
    PLATFORM = "platform", _("Platform estimate")
    OFFICIAL = "official", _("Official result")


class EvaluationRun(BaseModel):
    """One evaluation of a region for a year with one scheme version, and its workflow."""

    title = models.CharField(_("title"), max_length=200)
    scheme_version = models.ForeignKey(
        SchemeVersion,
        verbose_name=_("scheme version"),
        on_delete=models.PROTECT,
        related_name="runs",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SchemeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        OrgUnit,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The city or county evaluated."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=16, choices=RunSource.choices, default=RunSource.PLATFORM
    )
    publicity_deadline = models.DateField(
        _("publicity deadline"),
        null=True,
        blank=True,
        help_text=_("Objections are accepted until the end of this day."),
    )
    input_hash = models.CharField(_("input hash"), max_length=64, blank=True)
    result_hash = models.CharField(_("result hash"), max_length=64, blank=True)
    benchmarks = models.JSONField(
        _("benchmarks"), default=list, blank=True, help_text=_("Per group, pool and indicator.")
    )
    engine_seconds = models.FloatField(_("computing time (s)"), default=0.0)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publicised at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdraw_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=["benchmarks"])

    class Meta:
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        ordering = ["-year", "-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "year", "status"])]
        constraints = [
            # one final result per kind, year, region and source: a platform estimate and the
            # official result live side by side, neither replaces the other
            models.UniqueConstraint(
                fields=["kind", "year", "region", "source"],
                condition=models.Q(status="final"),
                name="evaluation_run_one_final",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_official(self) -> bool:
        return self.source == RunSource.OFFICIAL


class RunInput(models.Model):
    """A frame the engine read for a run (Parquet bytes): what ``run_reproduce`` re-computes from."""

    run = models.ForeignKey(
        EvaluationRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="inputs"
    )
    name = models.CharField(_("name"), max_length=40)  # "enterprises", "parks", "events"
    data = models.BinaryField(_("data (Parquet)"))
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("run input")
        verbose_name_plural = _("run inputs")
        ordering = ["run_id", "name"]
        constraints = [models.UniqueConstraint(fields=["run", "name"], name="run_input_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.name}"


class ResultStatus(models.TextChoices):
    GRADED = "graded", _("Graded")
    EXEMPT = "exempt", _("Exempt")
    DEFERRED = "deferred", _("Deferred")
    EXCLUDED = "excluded", _("Not evaluated")


class EnterpriseResult(models.Model):
    """One enterprise's 亩均 result in a run. ``computed_grade`` is the engine's; ``grade`` the
    current one (changed only by an accepted objection, recorded on the Objection)."""

    run = models.ForeignKey(
        EvaluationRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="enterprise_results",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="evaluation_results",
    )
    county = models.ForeignKey(
        OrgUnit,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the enterprise was at the end of the year evaluated."),
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    above_scale = models.BooleanField(_("above designated size"), default=False)
    land_mu = models.FloatField(_("land (mu)"), null=True, blank=True)
    group = models.CharField(_("group"), max_length=40, blank=True)
    pool = models.CharField(_("ranking pool"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ResultStatus.choices)
    status_reason = models.CharField(_("status reason"), max_length=200, blank=True)
    base_score = models.FloatField(_("base score"), null=True, blank=True)
    bonus = models.FloatField(_("bonus"), null=True, blank=True)
    penalty = models.FloatField(_("penalty"), null=True, blank=True)
    total = models.FloatField(_("total score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    pool_size = models.PositiveIntegerField(_("pool size"), null=True, blank=True)
    rank_pct = models.FloatField(_("rank percentile"), null=True, blank=True)
    computed_grade = models.CharField(
        _("computed grade"), max_length=1, choices=Grade.choices, blank=True
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    grade_reason = models.CharField(_("grade reason"), max_length=80, blank=True)
    components = models.JSONField(_("components"), default=list, blank=True)

    class Meta:
        verbose_name = _("enterprise result")
        verbose_name_plural = _("enterprise results")
        ordering = ["run_id", "pool", "rank", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="enterprise_result_unique")
        ]
        indexes = [
            models.Index(fields=["run", "grade"]),
            models.Index(fields=["enterprise", "run"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}@{self.run_id}: {self.grade or self.status}"


class ParkResult(models.Model):
    """One park's "五好" result in a run: Part I + Part II − deductions, veto, ranks; components JSON."""

    run = models.ForeignKey(
        EvaluationRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="park_results"
    )
    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="evaluation_results"
    )
    peer_group = models.CharField(_("peer group"), max_length=40, blank=True)
    part1 = models.FloatField(_("part I (five goods)"), null=True, blank=True)
    part2 = models.FloatField(_("part II (park economy)"), null=True, blank=True)
    deductions = models.FloatField(_("deductions"), default=0.0)
    veto = models.BooleanField(_("vetoed"), default=False)
    veto_items = models.JSONField(_("veto items"), default=list, blank=True)
    total = models.FloatField(_("total score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    rank_in_group = models.PositiveIntegerField(_("rank in peer group"), null=True, blank=True)
    components = models.JSONField(_("components"), default=list, blank=True)

    class Meta:
        verbose_name = _("park result")
        verbose_name_plural = _("park results")
        ordering = ["run_id", "rank", "park_id"]
        constraints = [models.UniqueConstraint(fields=["run", "park"], name="park_result_unique")]

    def __str__(self) -> str:
        return f"{self.park_id}@{self.run_id}: {self.total}"


class CountyResult(models.Model):
    """One county's 亩均 result in a run: aggregated indicators, score, rank, grade distribution."""

    run = models.ForeignKey(
        EvaluationRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="county_results",
    )
    county = models.ForeignKey(
        OrgUnit, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    total = models.FloatField(_("total score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    components = models.JSONField(_("components"), default=list, blank=True)
    distribution = models.JSONField(
        _("grade distribution"),
        default=dict,
        blank=True,
        help_text=_(
            "Counts and shares of A/B/C/D and the land held by class D (low-efficiency land)."
        ),
    )

    class Meta:
        verbose_name = _("county result")
        verbose_name_plural = _("county results")
        ordering = ["run_id", "rank", "county_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "county"], name="county_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.county_id}@{self.run_id}: {self.total}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection status", "Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Objection(BaseModel):
    """An objection (异议) to an enterprise's publicised result, and the review decision (复核)."""

    run = models.ForeignKey(
        EvaluationRun, verbose_name=_("run"), on_delete=models.PROTECT, related_name="objections"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.ForeignKey(
        EnterpriseResult,
        verbose_name=_("result"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    decision_note = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    grade_before = models.CharField(
        _("grade before"), max_length=1, choices=Grade.choices, blank=True
    )
    grade_after = models.CharField(
        _("grade after"), max_length=1, choices=Grade.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["run_id", "-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise"],
                condition=models.Q(status="open"),
                name="objection_one_open_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_status_display()}"


class FlagKind(models.TextChoices):
    """Facts the schemes' force-D, exemption, bonus and penalty rules read (besides qualifications,
    which ``inputs.QUALIFICATION_FLAGS`` turns into flags). Values are the presets' flag names."""

    # class D whatever the score (force_d_flags)
    MAJOR_ACCIDENT = "major_accident", _("Major safety or environmental accident")
    ELIMINATED_CAPACITY = "eliminated_capacity", _("Listed for eliminating obsolete capacity")
    ILLEGAL_LAND = "illegal_land", _("Illegal land use")
    ZOMBIE = "zombie", _("Long-term shutdown (zombie enterprise)")
    # not graded (exempt_flags)
    TOBACCO = "tobacco", _("Tobacco")
    MILITARY = "military", _("Military industry")
    TAX_PROGRAMME = "tax_programme", _("Special national tax programme")
    # penalties
    SUBLET = "sublet", _("Factory sublet against the rules (per tenant)")
    ENV_VIOLATION = "env_violation", _("Environmental penalty (per case)")
    SAFETY_VIOLATION = "safety_violation", _("Work-safety penalty (per case)")
    TAX_ARREARS = "tax_arrears", _("Tax arrears")
    DISHONEST = "dishonest", _("Listed as a dishonest judgment debtor")
    # bonuses
    BRAND_STANDARD = "brand_standard", _("Brand or standard (per item)")
    ENERGY_SAVING = "energy_saving", _("Energy-saving project")
    SAFETY_STANDARD = "safety_standard", _("Work-safety standardisation")


class EvaluationFlag(BaseModel):
    """A fact about an enterprise in a year that a scheme reads as a flag (``count`` repeats it)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="evaluation_flags",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    flag = models.CharField(_("flag"), max_length=32, choices=FlagKind.choices)
    count = models.PositiveSmallIntegerField(pgettext_lazy("number of times", "count"), default=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation flag")
        verbose_name_plural = _("evaluation flags")
        ordering = ["enterprise_id", "year", "flag"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "flag"], name="evaluation_flag_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}: {self.flag} ×{self.count}"


class ParkEvent(BaseModel):
    """A counted event of a park in a year that the park scheme deducts for or vetoes on
    (较大事故, 督察反馈问题未整改, 统计造假…): ``item`` is the scheme's item key."""

    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.CASCADE, related_name="evaluation_events"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    item = models.SlugField(_("item"), max_length=60)
    count = models.FloatField(pgettext_lazy("number of times", "count"), default=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("park event")
        verbose_name_plural = _("park events")
        ordering = ["park_id", "year", "item"]
        constraints = [
            models.UniqueConstraint(fields=["park", "year", "item"], name="park_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.park_id} {self.year}: {self.item} ×{self.count:g}"


class ListKind(models.TextChoices):
    TOP_OUTPUT = "top_output", _("Top output")
    TOP_TAX = "top_tax", _("Top taxpayers")
    RELIEF = "relief", _("Relief and efficiency")
    NEW_ABOVE_SCALE = "new_above_scale", _("New above-scale entrants")
    GROWTH = "growth", _("Highest growth")
    CHAIN_MASTERS = "chain_masters", _("Chain masters")


class ListSnapshot(BaseModel):
    """The 六个清单 of one scope (city, county or park) for a period, frozen when built."""

    scope_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("for unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), help_text=_("0 = the whole year"))
    rule_version = models.CharField(_("rule version"), max_length=64)
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("list snapshot")
        verbose_name_plural = _("list snapshots")
        ordering = ["-year", "-month", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ListRow(models.Model):
    """One enterprise on one list of a snapshot: rank, value, tier and the evidence."""

    snapshot = models.ForeignKey(
        ListSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="rows"
    )
    kind = models.CharField(_("list"), max_length=16, choices=ListKind.choices)
    rank = models.PositiveIntegerField(_("rank"))
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=40, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("list row")
        verbose_name_plural = _("list rows")
        ordering = ["snapshot_id", "kind", "chain_id", "rank", "id"]
        indexes = [models.Index(fields=["snapshot", "kind", "rank"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.rank}: {self.enterprise_id}"
