"""The organisation tree (DHIS2-style org units), regions, parks, departments and memberships."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parkchain.core.models import BaseModel


class OrgUnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County-level unit")
    PARK = "park", _("Park")
    ENTERPRISE = "enterprise", _("Enterprise")


class OrgUnit(BaseModel):
    """A node of the organisation tree: city → county → park → enterprise.

    ``path`` is a materialised path of primary keys (``/1/4/17/``) so "everything under X"
    is one indexed ``path LIKE '/1/4/%'`` filter. Paths are maintained by
    ``organisations.services.org_unit_create``/``org_unit_move``, never by hand.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    code = models.CharField(_("code"), max_length=32, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def is_descendant_of(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")


region_code_validator = RegexValidator(r"^\d{6}$", _("A GB/T 2260 region code has six digits."))


class Region(BaseModel):
    """An administrative division with its GB/T 2260 code (433100 湘西州, 433101 吉首市…)."""

    code = models.CharField(
        _("GB/T 2260 code"), max_length=6, unique=True, validators=[region_code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    org_unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="region",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ParkLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    OTHER = "other", _("Other")


class ParkType(models.TextChoices):
    ECONOMIC_DEVELOPMENT = "etdz", _("Economic development zone")
    HIGH_TECH = "hitech", _("High-tech zone")
    INDUSTRIAL_CLUSTER = "cluster", _("Industrial concentration zone")
    SPECIALISED = "specialised", _("Specialised industrial park")
    OTHER = "other", _("Other")


class ParkBlock(models.TextChoices):
    """Hunan's four regional blocks, used for the provincial "五好" ranking groups."""

    CZT = "czt", _("Changsha–Zhuzhou–Xiangtan")
    DONGTING = "dongting", _("Dongting Lake")
    XIANGNAN = "xiangnan", _("South Hunan")
    DAXIANGXI = "daxiangxi", _("Greater West Hunan")


class Park(BaseModel):
    """An industrial park (园区). Areas: planned/developed in km², industrial land in 亩, factories in m²."""

    org_unit = models.OneToOneField(
        OrgUnit, verbose_name=_("organisation unit"), on_delete=models.PROTECT, related_name="park"
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=ParkLevel.choices)
    park_type = models.CharField(_("type"), max_length=16, choices=ParkType.choices)
    block = models.CharField(
        _("regional block"), max_length=16, choices=ParkBlock.choices, blank=True
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="parks"
    )
    leading_industries = models.CharField(
        _("leading industries"),
        max_length=200,
        blank=True,
        help_text=_("一主 (二主 for national parks); separate with 、"),
    )
    featured_industry = models.CharField(_("featured industry"), max_length=100, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    planned_area_km2 = models.DecimalField(
        _("planned area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    developed_area_km2 = models.DecimalField(
        _("developed area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    built_industrial_area_mu = models.DecimalField(
        _("built industrial land (mu)"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    supplied_industrial_area_mu = models.DecimalField(
        _("supplied industrial land (mu)"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    standard_factory_area_m2 = models.DecimalField(
        _("standard factory floor area (m²)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
    )
    has_management_company = models.BooleanField(
        _("management committee + company"),
        default=False,
        help_text=_("管委会+公司 operating model"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["org_unit__path", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def leading_industry_list(self) -> list[str]:
        return [
            item
            for item in self.leading_industries.replace("，", "、").replace(",", "、").split("、")
            if item
        ]


class Department(BaseModel):
    """A government department (税务, 人社, 自然资源, 工信…) that leads chains, handles appeals or supplies data."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    city = models.ForeignKey(
        OrgUnit, verbose_name=_("city"), on_delete=models.PROTECT, related_name="departments"
    )
    supplies_enterprise_data = models.BooleanField(
        _("supplies enterprise data"),
        default=False,
        help_text=_(
            "Tax, power, land or statistics departments read the enterprise registry to supply data."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City task force")
    LEADER = "leader", _("City leader")
    CHAIN_OFFICE = "chain_office", _("Chain office")
    COUNTY = "county", _("County")
    PARK = "park", _("Park")
    DEPARTMENT = "department", _("Department")
    ENTERPRISE = "enterprise", _("Enterprise")
    SUPERVISOR = "supervisor", _("Supervision office")


class Membership(BaseModel):
    """A user's role and the unit (or chain, or department) it covers. Scopes resolve from these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "role"]

    def clean(self) -> None:
        membership_check_target(self)

    def __str__(self) -> str:
        target = self.org_unit or self.chain or self.department
        return f"{self.user} · {self.get_role_display()} · {target}"


ROLE_TARGET = {
    Role.CITY_ADMIN: "org_unit",
    Role.LEADER: "org_unit",
    Role.SUPERVISOR: "org_unit",
    Role.COUNTY: "org_unit",
    Role.PARK: "org_unit",
    Role.ENTERPRISE: "org_unit",
    Role.CHAIN_OFFICE: "chain",
    Role.DEPARTMENT: "department",
}
ROLE_UNIT_KIND = {
    Role.CITY_ADMIN: OrgUnitKind.CITY,
    Role.LEADER: OrgUnitKind.CITY,
    Role.SUPERVISOR: OrgUnitKind.CITY,
    Role.COUNTY: OrgUnitKind.COUNTY,
    Role.PARK: OrgUnitKind.PARK,
    Role.ENTERPRISE: OrgUnitKind.ENTERPRISE,
}


def membership_check_target(self: Membership) -> None:
    """Each role covers one kind of target: an org unit of the right kind, a chain or a department."""
    from django.core.exceptions import ValidationError

    target = ROLE_TARGET[Role(self.role)]
    for field in ("org_unit", "chain", "department"):
        is_set = getattr(self, f"{field}_id") is not None
        if field == target and not is_set:
            raise ValidationError({field: _("This role needs a %(field)s.") % {"field": field}})
        if field != target and is_set:
            raise ValidationError(
                {
                    field: _("This role covers a %(target)s, not a %(field)s.")
                    % {"target": target, "field": field}
                }
            )
    kind = ROLE_UNIT_KIND.get(Role(self.role))
    if kind is not None and self.org_unit is not None and self.org_unit.kind != kind:
        raise ValidationError(
            {
                "org_unit": _("This role needs an organisation unit of kind %(kind)s.")
                % {"kind": kind.label}
            }
        )
