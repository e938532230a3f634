"""Industrial chains (产业链): 链长, lead and cooperating departments, key parks, node tree, enterprise links."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parkchain.core.models import BaseModel
from parkchain.enterprises.models import Enterprise
from parkchain.organisations.models import Department, OrgUnit, Park


class ChainCategory(models.TextChoices):
    ADVANTAGE = "advantage", _("Advantage chain")
    EMERGING = "emerging", _("Emerging chain")
    CULTIVATING = "cultivating", _("Cultivating chain")


class Chain(BaseModel):
    """A priority chain of the city. The 链长 is a city leader; the lead department runs the chain office."""

    city = models.ForeignKey(
        OrgUnit, verbose_name=_("city"), on_delete=models.PROTECT, related_name="chains"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(
        _("category"), max_length=16, choices=ChainCategory.choices, default=ChainCategory.ADVANTAGE
    )
    leader_name = models.CharField(_("chain leader"), max_length=50, blank=True)
    leader_title = models.CharField(_("chain leader's post"), max_length=100, blank=True)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="led_chains",
    )
    cooperating_departments = models.ManyToManyField(
        Department,
        verbose_name=_("cooperating departments"),
        blank=True,
        related_name="cooperating_chains",
    )
    key_parks = models.ManyToManyField(
        Park, verbose_name=_("key parks"), blank=True, related_name="key_chains"
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(m2m_fields=[cooperating_departments, key_parks])

    class Meta:
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class NodePosition(models.TextChoices):
    UPSTREAM = "up", _("Upstream")
    MIDSTREAM = "mid", _("Midstream")
    DOWNSTREAM = "down", _("Downstream")


class ChainNode(BaseModel):
    """A node of a chain's tree: segment → sub-segment → product/technology, with its position and importance (1–5)."""

    chain = models.ForeignKey(
        Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(_("position"), max_length=4, choices=NodePosition.choices)
    importance = models.PositiveSmallIntegerField(_("importance"), default=3)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.CharField(_("description"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        ordering = ["chain_id", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.name}"


class LinkRole(models.TextChoices):
    MASTER = "master", _("Chain master")
    CORE = "core", _("Core enterprise")
    SUPPORTING = "supporting", _("Supporting enterprise")


class ChainLink(BaseModel):
    """An enterprise on a chain node (an enterprise may sit on several nodes and chains)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="chain_links",
    )
    node = models.ForeignKey(
        ChainNode, verbose_name=_("chain node"), on_delete=models.CASCADE, related_name="links"
    )
    role = models.CharField(
        _("role in chain"), max_length=16, choices=LinkRole.choices, default=LinkRole.SUPPORTING
    )
    main_products = models.CharField(_("main products"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise on chain node")
        verbose_name_plural = _("enterprises on chain nodes")
        ordering = ["node_id", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "node"], name="chain_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.node}"
