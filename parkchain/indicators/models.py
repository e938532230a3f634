"""Indicator registry, observations (indicator × unit × period → value), report forms, calendar,
submissions, validation rules and import batches (DHIS2-style data sets, data values and approvals).

Periods are (year, month): month 1–12 for monthly values, month 0 for annual values. Monthly
values that are 本年累计 (``Indicator.is_ytd``) are stored as reported; 当月 values, 同比 and
shares are derived (engine.periods). New indicators are rows, not migrations.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parkchain.core.models import BaseModel
from parkchain.organisations.models import OrgUnit

ANNUAL = 0  # month value of an annual observation


class MeasureUnit(models.TextChoices):
    WAN_YUAN = "wan_yuan", _("10k yuan")
    YI_YUAN = "yi_yuan", _("100m yuan")
    WAN_USD = "wan_usd", _("10k US dollars")
    PERSON = "person", _("persons")
    WAN_KWH = "wan_kwh", _("10k kWh")
    TCE = "tce", _("tonnes of standard coal")
    TONNE = "tonne", _("tonnes")
    COUNT = "count", _("count")
    PERCENT = "percent", _("%")
    MU = "mu", _("mu")
    SCORE = "score", _("points")


class Level(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PARK = "park", _("Park")
    COUNTY = "county", _("County")


class Periodicity(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    AVERAGE = "average", _("Average")
    NONE = "none", _("Not aggregated")  # rates imported from statistics, e.g. 规模工业增加值增速


class Direction(models.TextChoices):
    HIGHER_BETTER = "up", _("Higher is better")
    LOWER_BETTER = "down", _("Lower is better")
    NEUTRAL = "neutral", _("Neutral")


class Indicator(BaseModel):
    """An indicator of the registry (工业总产值, 营业收入, 实缴税金…). ``formula`` is over other codes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=16, choices=MeasureUnit.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    periodicity = models.CharField(_("periodicity"), max_length=16, choices=Periodicity.choices)
    aggregation = models.CharField(
        _("aggregation"), max_length=16, choices=Aggregation.choices, default=Aggregation.SUM
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER_BETTER
    )
    is_ytd = models.BooleanField(
        _("year to date"), default=False, help_text=_("Reported as 本年累计 (1–N月).")
    )
    non_negative = models.BooleanField(_("never negative"), default=True)
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    formula = models.CharField(
        _("formula"),
        max_length=200,
        blank=True,
        help_text=_("Over other indicator codes, e.g. tax / revenue * 100"),
    )
    source = models.CharField(
        _("source"), max_length=50, blank=True, help_text=_("统计, 税务, 电力, 自然资源, 企业自报…")
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["level", "periodicity", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    FORM = "form", _("Web form")
    EXCEL = "excel", _("Excel import")
    API = "api", _("API")
    DEPARTMENT = "department", _("Department data")
    SEED = "seed", _("Demo data")


class Observation(models.Model):
    """One value: indicator × org unit × period.

    Its creation is recorded on the row (created_by / created_at / created_batch); every later
    change or removal leaves an ObservationRevision behind.
    """

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="observations",
        db_index=False,  # prefix of observation_unique / of the (org_unit, year, month) index
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        on_delete=models.PROTECT,
        related_name="observations",
        db_index=False,  # prefix of observation_unique / of the (org_unit, year, month) index
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"),
        validators=[MinValueValidator(0), MaxValueValidator(12)],
        help_text=_("0 = annual"),
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # no index: only a rollback looks values up by batch, and it touches most of the batch's
    # rows anyway (a scan is no slower there), while every import would write one more B-tree
    # entry per value (≈ 0.4 s of a 900,000-value import)
    batch = models.ForeignKey(
        "indicators.ImportBatch",
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
        db_index=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # the creation of the value (no revision row is written for it; revisions record changes and
    # removals only). NULL on values created before these fields existed: their creation is the
    # revision with old_value NULL.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), null=True, blank=True)
    created_batch = models.ForeignKey(
        "indicators.ImportBatch",
        verbose_name=_("created by import batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["org_unit_id", "indicator_id", "year", "month"]
        constraints = [
            # unit first: it also serves "everything of one unit" (the enterprise page, the
            # import's stored values), so no separate (org_unit, year, month) index is kept —
            # one index fewer to maintain on every insert
            models.UniqueConstraint(
                fields=["org_unit", "indicator", "year", "month"], name="observation_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "month", "indicator"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.org_unit_id} {self.year}-{self.month:02d} = {self.value}"


class ObservationRevision(models.Model):
    """Who changed which value when, from what to what, and why. new=None: removed.

    Creations are recorded on the Observation itself (created_*), not here; old=None only appears
    on rows written before that (legacy creations).
    """

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # prefix of the (org_unit, year, month) index
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    old_value = models.DecimalField(
        _("old value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    new_value = models.DecimalField(
        _("new value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    batch = models.ForeignKey(
        "indicators.ImportBatch",
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("observation revision")
        verbose_name_plural = _("observation revisions")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["org_unit", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.org_unit_id} {self.year}-{self.month:02d}: {self.old_value} → {self.new_value}"


class ReportForm(BaseModel):
    """A data set (报表): the indicators one level reports per period, with its calendar rule.

    A period's window: it opens on the 1st of the following month (following January for annual
    forms), is due on ``due_day`` of that month and locks ``lock_after_days`` after the due date.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    periodicity = models.CharField(_("periodicity"), max_length=16, choices=Periodicity.choices)
    indicators = models.ManyToManyField(
        Indicator, through="FormItem", verbose_name=_("indicators"), related_name="forms"
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day"), default=10, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    due_month_offset = models.PositiveSmallIntegerField(
        _("due months after the period"),
        default=1,
        help_text=_("Monthly forms: 1 (next month). Annual forms: e.g. 3 (March)."),
    )
    lock_after_days = models.PositiveSmallIntegerField(_("locks days after due"), default=5)
    reviewer_level = models.CharField(
        _("reviewed by"),
        max_length=16,
        choices=Level.choices,
        default=Level.PARK,
        help_text=_("Enterprise reports outside parks are reviewed by their county."),
    )
    instructions = models.TextField(_("instructions"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["level", "periodicity", "code"]

    def __str__(self) -> str:
        return self.name


class FormItem(models.Model):
    form = models.ForeignKey(
        ReportForm, verbose_name=_("report form"), on_delete=models.CASCADE, related_name="items"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="form_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("form item")
        verbose_name_plural = _("form items")
        ordering = ["form_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "indicator"], name="form_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.form_id}:{self.indicator_id}"


class PeriodUnlock(BaseModel):
    """A city admin re-opened a locked period of a form (for everyone, or one unit) until a date. Recorded."""

    form = models.ForeignKey(
        ReportForm, verbose_name=_("report form"), on_delete=models.CASCADE, related_name="unlocks"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the whole period is re-opened."),
    )
    until = models.DateField(_("open until"))
    reason = models.CharField(_("reason"), max_length=300)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unlocked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("period unlock")
        verbose_name_plural = _("period unlocks")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.form} {self.year}-{self.month:02d} → {self.until}"


class SubmissionStatus(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class Submission(BaseModel):
    """The status of one unit's report for one form and period (未报/已报/退回/已审核)."""

    form = models.ForeignKey(
        ReportForm,
        verbose_name=_("report form"),
        on_delete=models.PROTECT,
        related_name="submissions",
        db_index=False,  # the unique (form, unit, period) index serves it
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.NOT_SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_late = models.BooleanField(_("late"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)

    # the history is read per submission (by id) and by date; the FK indexes simple-history would
    # add to its table only slow down the import, which writes one history row per submission
    history = HistoricalRecords(no_db_index=["form", "org_unit", "submitted_by", "reviewed_by"])

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["form_id", "-year", "-month", "org_unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "org_unit", "year", "month"], name="submission_unique"
            )
        ]
        indexes = [models.Index(fields=["form", "year", "month", "status"])]

    def __str__(self) -> str:
        return f"{self.form} {self.org_unit} {self.year}-{self.month:02d}: {self.status}"


class RuleKind(models.TextChoices):
    COMPARE = "compare", _("Comparison")  # left <op> right, e.g. tax <= revenue
    YTD_NOT_DECREASING = "ytd_monotonic", _("Year-to-date value does not decrease")
    JUMP = (
        "jump",
        _("Jump against last month"),
    )  # value > threshold × last month's → needs confirmation


class Severity(models.TextChoices):
    ERROR = "error", _("Error (blocks saving)")
    CONFIRM = "confirm", _("Warning (needs confirmation)")


class ValidationRule(BaseModel):
    """A DHIS2-style validation rule, configured as data. Expressions are over indicator codes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    form = models.ForeignKey(
        ReportForm,
        verbose_name=_("report form"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text=_("Empty: every form that has the indicators."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    left = models.CharField(
        _("left side"),
        max_length=200,
        help_text=_("An indicator code or an expression over codes."),
    )
    operator = models.CharField(
        _("operator"),
        max_length=2,
        blank=True,
        choices=[("<=", "≤"), ("<", "<"), (">=", "≥"), (">", ">"), ("==", "=")],
    )
    right = models.CharField(_("right side"), max_length=200, blank=True)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("JUMP: ratio to last month, e.g. 5"),
    )
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR
    )
    message = models.CharField(
        _("message"),
        max_length=300,
        help_text=_("Shown to the user; say what is wrong and how to fix it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Validating")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to apply")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    FAILED = "failed", _("Failed")


class ImportBatch(BaseModel):
    """One uploaded file: validated in full, previewed, applied atomically or not at all, reversible."""

    form = models.ForeignKey(
        ReportForm, verbose_name=_("report form"), on_delete=models.PROTECT, related_name="batches"
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.EXCEL
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("for unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The uploader's unit (the city for city admins): who else sees the batch."),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True, help_text=_("0 = annual")
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(
        _("summary"),
        default=dict,
        blank=True,
        help_text=_("new / changed / unchanged counts and a sample of the diff"),
    )
    confirmed_warnings = models.BooleanField(_("warnings confirmed"), default=False)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    rolled_back_at = models.DateTimeField(_("rolled back at"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rolled back by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
