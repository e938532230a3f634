"""Enterprises: identity (统一社会信用代码), industry, land, qualifications, 规上 by year, dated park membership."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parkchain.core.models import BaseModel
from parkchain.enterprises import credit_code
from parkchain.organisations.models import OrgUnit, Park, Region

CREDIT_CODE_MESSAGES = {
    "length": _(
        "A unified social credit code has 18 characters; check for a missing or extra character."
    ),
    "characters": _(
        "A unified social credit code uses digits and capitals except I, O, Z, S, V; remove “%(expected)s”."
    ),
    "check_digit": _(
        "The check character (18th) of this unified social credit code is wrong: it should be “%(expected)s”. "
        "Check the code against the business licence."
    ),
}


def validate_credit_code(value: str) -> None:
    try:
        credit_code.validate(value)
    except credit_code.CreditCodeError as err:
        message = CREDIT_CODE_MESSAGES[err.reason]
        raise ValidationError(
            message, code=err.reason, params={"expected": err.expected or ""}
        ) from err


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Enterprise(BaseModel):
    """An enterprise (企业). Land in 亩, capital in 万元. ``park`` is the current park (see ParkMembership)."""

    org_unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("organisation unit"),
        on_delete=models.PROTECT,
        related_name="enterprise",
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    county = models.ForeignKey(
        OrgUnit,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="registered_enterprises",
        limit_choices_to={"kind": "county"},
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="enterprises"
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("current park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    industry_code = models.CharField(_("industry code (GB/T 4754)"), max_length=4, db_index=True)
    industry_name = models.CharField(_("industry"), max_length=100, blank=True)
    size = models.CharField(
        _("size"), max_length=8, choices=EnterpriseSize.choices, default=EnterpriseSize.SMALL
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    land_mu = models.DecimalField(_("land (mu)"), max_digits=10, decimal_places=2, default=0)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in operation"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["county", "park"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.credit_code = credit_code.normalise(self.credit_code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ParkMembership(BaseModel):
    """An enterprise's membership of a park over a date range (valid_to exclusive; None = still there).

    When an enterprise moves park, the old row is closed and a new one opened, so data for earlier
    periods stays with the old park and scopes resolve "as of" the period viewed.
    """

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="park_memberships",
    )
    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="memberships"
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to (exclusive)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("park membership")
        verbose_name_plural = _("park memberships")
        ordering = ["enterprise_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="park_membership_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.park} [{self.valid_from} – {self.valid_to or '…'})"

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class QualificationKind(models.TextChoices):
    HIGH_TECH = "high_tech", _("High-tech enterprise")
    TECH_SME = "tech_sme", _("Tech-based SME")
    SPECIALISED = "specialised", _("Specialised, refined, distinctive and innovative SME")
    LITTLE_GIANT = "little_giant", _("Little giant")
    CHAMPION = "champion", _("Single-product champion")
    LISTED = "listed", _("Listed company")
    CHAIN_MASTER = "chain_master", _("Chain master")


class Qualification(BaseModel):
    """A qualification (高新技术企业, 专精特新, 小巨人, 单项冠军, 上市, 链主…) with its dates."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    kind = models.CharField(_("qualification"), max_length=16, choices=QualificationKind.choices)
    granted_on = models.DateField(_("granted on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["enterprise_id", "kind", "granted_on"]
        indexes = [models.Index(fields=["kind", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_kind_display()}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.granted_on <= day and (self.expires_on is None or day < self.expires_on)


class AboveScaleYear(BaseModel):
    """规上 (above designated size) status of an enterprise for one statistical year (名录 is set yearly)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="above_scale_years",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    is_above_scale = models.BooleanField(_("above designated size"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("above-scale status")
        verbose_name_plural = _("above-scale status by year")
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="above_scale_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}: {self.is_above_scale}"
