"""The year's target book (目标任务书), milestones, monthly dispatch snapshots (调度口径), supervision
(督办) and reward/accountability records (奖惩问责).

A book belongs to a city and a year ("一高五新"); its quantitative targets are cascaded from the
city to counties and parks (``Target.parent``), or set for a chain. Progress is computed, never
stored, except in a ``DispatchSnapshot``: the month's figures frozen as dispatched, kept apart
from statistics revised later (年报口径). Rules: domain spec §4.12, engine.targets.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from engine.targets.rules import rag_rule
from parkchain.core.models import BaseModel
from parkchain.organisations.models import OrgUnit


class BookStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class TargetBook(BaseModel):
    """目标任务书: a city's targets for one year. Only issued books are seen below the task force."""

    region = models.ForeignKey(
        OrgUnit, verbose_name=_("city"), on_delete=models.PROTECT, related_name="target_books"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=8, choices=BookStatus.choices, default=BookStatus.DRAFT
    )
    description = models.TextField(_("description"), blank=True)
    issuer = models.CharField(
        _("issued by"),
        max_length=100,
        blank=True,
        help_text=_("The task force named on bulletins, e.g. 湘西州“五好”园区和产业链建设工作专班"),
    )
    bulletin_title = models.CharField(
        _("bulletin title"),
        max_length=200,
        blank=True,
        help_text=_("The red-headed title of the monthly bulletin."),
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target book")
        verbose_name_plural = _("target books")
        ordering = ["-year", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="target_book_one_per_year")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_issued(self) -> bool:
        return self.status == BookStatus.ISSUED


class TargetKind(models.TextChoices):
    ABSOLUTE = "absolute", _("Amount")
    GROWTH = "growth", _("Growth rate")
    COUNT = "count", _("Count")
    RANK = "rank", _("Ranking")


class ProfileKind(models.TextChoices):
    LINEAR = "linear", _("Linear (month ÷ 12)")
    SEASONAL = "seasonal", _("Seasonal (last year's cumulative share)")
    CUSTOM = "custom", _("Custom monthly shares")
    QUARTERLY = "quarterly", _("Quarterly")


class Metric(models.TextChoices):
    """Target metrics that are not a registry indicator (computed from other data)."""

    TAX_PER_MU = "tax_per_mu", _("Tax per mu (park tax ÷ built industrial land)")


class Target(BaseModel):
    """One quantitative target: an indicator (or metric) for a city, county, park or chain.

    ``annual_value``: an amount in the indicator's unit, a count, a growth rate in % or a place.
    ``parent``: the target this one is a share of (city → county → park); the parts must add up.
    """

    book = models.ForeignKey(
        TargetBook, verbose_name=_("target book"), on_delete=models.CASCADE, related_name="targets"
    )
    group = models.CharField(
        _("group"), max_length=30, blank=True, help_text=_("e.g. 一高, 新主体, 新项目")
    )
    name = models.CharField(_("name"), max_length=100)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TargetKind.choices)
    annual_value = models.DecimalField(_("annual target"), max_digits=20, decimal_places=4)
    base_value = models.DecimalField(
        _("base (last year)"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    profile = models.CharField(
        _("time progress"), max_length=10, choices=ProfileKind.choices, default=ProfileKind.LINEAR
    )
    profile_shares = models.JSONField(
        _("monthly shares"),
        null=True,
        blank=True,
        help_text=_("Custom profile: 12 cumulative shares of the year, December = 1."),
    )
    jan_feb_combined = models.BooleanField(
        _("January and February combined"),
        default=True,
        help_text=_("No January figure; the 1–2月 report counts as 2/12."),
    )
    rag_rule = models.JSONField(
        _("red/yellow/green rule"),
        default=dict,
        blank=True,
        help_text=_("Empty: the default rule of the kind (domain spec §4.12)."),
    )
    owner_department = models.CharField(_("responsible department"), max_length=100, blank=True)
    owner_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["book_id", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(org_unit__isnull=False, chain__isnull=True)
                | Q(org_unit__isnull=True, chain__isnull=False),
                name="target_unit_or_chain",
            ),
            models.CheckConstraint(
                condition=Q(indicator__isnull=False, metric="")
                | (Q(indicator__isnull=True) & ~Q(metric="")),
                name="target_indicator_or_metric",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_name} {self.name}"

    @property
    def scope_name(self) -> str:
        scope = self.org_unit if self.org_unit_id else self.chain
        return str(scope) if scope is not None else ""

    @property
    def owner(self) -> str:
        return " ".join(part for part in (self.owner_department, self.owner_person) if part)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            rag_rule(self.kind, self.rag_rule or {})
        except ValueError as err:
            errors["rag_rule"] = str(err)
        if self.profile == ProfileKind.CUSTOM and not _valid_shares(self.profile_shares):
            errors["profile_shares"] = _(
                "Give 12 cumulative shares between 0 and 1 that never decrease and end with 1."
            )
        if errors:
            raise ValidationError(errors)


def _valid_shares(shares: object) -> bool:
    if not isinstance(shares, list) or len(shares) != 12:
        return False
    if not all(isinstance(s, int | float) and 0 <= s <= 1 for s in shares):
        return False
    return all(a <= b for a, b in itertools.pairwise(shares)) and shares[-1] == 1


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")


class MilestoneTask(BaseModel):
    """A qualitative task of the book (调区扩区, 创建国家高新区, 园区污水集中处理设施…) with an owner,
    a deadline, evidence and a log of updates (``MilestoneUpdate``)."""

    book = models.ForeignKey(
        TargetBook,
        verbose_name=_("target book"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    group = models.CharField(_("group"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_department = models.CharField(_("responsible department"), max_length=100, blank=True)
    owner_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.NOT_STARTED,
    )
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="targets/evidence/%Y/%m/", blank=True
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone task")
        verbose_name_plural = _("milestone tasks")
        ordering = ["book_id", "deadline", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_unit__isnull=False, chain__isnull=True)
                | Q(owner_unit__isnull=True, chain__isnull=False),
                name="milestone_unit_or_chain",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self) -> str:
        scope = self.owner_unit if self.owner_unit_id else self.chain
        parts = (str(scope) if scope else "", self.owner_department, self.owner_person)
        return " ".join(part for part in parts if part)

    def is_overdue(self, on: dt.date) -> bool:
        """Past its deadline on ``on`` and not done (whatever the stored status says)."""
        return self.status != MilestoneStatus.DONE and self.deadline < on


class MilestoneUpdate(models.Model):
    """One entry of a milestone's log: the status it moved to, a note and evidence."""

    task = models.ForeignKey(
        MilestoneTask,
        verbose_name=_("milestone task"),
        on_delete=models.CASCADE,
        related_name="updates",
    )
    status = models.CharField(_("status"), max_length=12, choices=MilestoneStatus.choices)
    note = models.TextField(_("note"))
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="targets/evidence/%Y/%m/", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone update")
        verbose_name_plural = _("milestone updates")
        ordering = ["task_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.status}"


class DispatchSnapshot(models.Model):
    """The 调度口径 of one month: every target's figures as frozen at dispatch (``SnapshotFigure``).

    Kept apart from the observations: a revised statistic (年报口径) changes the live figures,
    never a frozen month.
    """

    book = models.ForeignKey(
        TargetBook,
        verbose_name=_("target book"),
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    frozen_at = models.DateTimeField(_("frozen at"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("dispatch snapshot")
        verbose_name_plural = _("dispatch snapshots")
        ordering = ["book_id", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "year", "month"], name="dispatch_snapshot_one_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.book} {self.year}-{self.month:02d}"


class SnapshotFigure(models.Model):
    """One target's figures in a frozen month: the engine's row (engine.targets.columns) as JSON."""

    snapshot = models.ForeignKey(
        DispatchSnapshot,
        verbose_name=_("dispatch snapshot"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="+"
    )
    annual_value = models.DecimalField(_("annual target"), max_digits=20, decimal_places=4)
    rag = models.CharField(_("light"), max_length=8)
    values = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("snapshot figure")
        verbose_name_plural = _("snapshot figures")
        ordering = ["snapshot_id", "target_id"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "target"], name="snapshot_figure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}/{self.target_id}: {self.rag}"


class SupervisionStatus(models.TextChoices):
    PENDING = "pending", _("Assigned")
    IN_PROGRESS = "in_progress", _("Being handled")
    DONE = "done", _("Completed")
    OVERDUE = "overdue", _("Overdue")


class SupervisionTask(BaseModel):
    """督办: a red target or an overdue milestone followed up in a quarter, with an owner and a due date."""

    book = models.ForeignKey(
        TargetBook,
        verbose_name=_("target book"),
        on_delete=models.PROTECT,
        related_name="supervision_tasks",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    title = models.CharField(_("title"), max_length=200)
    issue = models.TextField(_("problem"))
    requirement = models.TextField(_("requirement"), blank=True)
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_tasks",
    )
    milestone = models.ForeignKey(
        MilestoneTask,
        verbose_name=_("milestone task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_tasks",
    )
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_department = models.CharField(_("responsible department"), max_length=100, blank=True)
    owner_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SupervisionStatus.choices,
        default=SupervisionStatus.PENDING,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision task")
        verbose_name_plural = _("supervision tasks")
        ordering = ["book_id", "-year", "-quarter", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_unit__isnull=False, chain__isnull=True)
                | Q(owner_unit__isnull=True, chain__isnull=False),
                name="supervision_unit_or_chain",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self) -> str:
        scope = self.owner_unit if self.owner_unit_id else self.chain
        parts = (str(scope) if scope else "", self.owner_department, self.owner_person)
        return " ".join(part for part in parts if part)

    def is_overdue(self, on: dt.date) -> bool:
        return self.status != SupervisionStatus.DONE and self.due_on < on


class SupervisionFollowUp(models.Model):
    """One follow-up of a supervision task (整改进展): a note, evidence, the status it moved to."""

    task = models.ForeignKey(
        SupervisionTask,
        verbose_name=_("supervision task"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    status = models.CharField(_("status"), max_length=12, choices=SupervisionStatus.choices)
    note = models.TextField(_("note"))
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="targets/supervision/%Y/%m/", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision follow-up")
        verbose_name_plural = _("supervision follow-ups")
        ordering = ["task_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.status}"


class AccountabilityKind(models.TextChoices):
    REWARD = "reward", _("Reward")
    COMMENDATION = "commendation", _("Commendation")
    CRITICISM = "criticism", _("Circulated criticism")
    INTERVIEW = "interview", _("Admonitory talk")
    ACCOUNTABILITY = "accountability", _("Held accountable")


class AccountabilityRecord(BaseModel):
    """奖惩问责: a reward or an accountability measure for a unit (or chain), with its reason."""

    book = models.ForeignKey(
        TargetBook,
        verbose_name=_("target book"),
        on_delete=models.PROTECT,
        related_name="accountability_records",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AccountabilityKind.choices)
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("decided on"))
    decided_by = models.CharField(
        _("decided by"), max_length=100, blank=True, help_text=_("e.g. 州委督查室")
    )
    task = models.ForeignKey(
        SupervisionTask,
        verbose_name=_("supervision task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accountability_records",
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reward or accountability record")
        verbose_name_plural = _("reward and accountability records")
        ordering = ["book_id", "-decided_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, chain__isnull=True)
                | Q(unit__isnull=True, chain__isnull=False),
                name="accountability_unit_or_chain",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit if self.unit_id else self.chain
        return f"{scope} {self.get_kind_display()}"
