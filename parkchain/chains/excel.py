"""Chain exports: the chain list, and one chain's node → enterprise rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy

from parkchain.chains.models import Chain, ChainLink
from parkchain.core.xlsx import DECIMAL_2, INTEGER, Column

CHAIN_COLUMNS = [
    Column(gettext_lazy("Industrial chain"), 24),
    Column(gettext_lazy("Category"), 12),
    Column(gettext_lazy("Chain leader"), 12),
    Column(gettext_lazy("Chain leader's post"), 22),
    Column(gettext_lazy("Lead department"), 22),
    Column(gettext_lazy("Cooperating departments"), 34),
    Column(gettext_lazy("Key parks"), 34),
    Column(gettext_lazy("Nodes"), 8, INTEGER),
    Column(gettext_lazy("Enterprises"), 10, INTEGER),
]

LINK_COLUMNS = [
    Column(gettext_lazy("Position"), 8),
    Column(gettext_lazy("Segment"), 20),
    Column(gettext_lazy("Node"), 24),
    Column(gettext_lazy("Enterprise"), 34),
    Column(gettext_lazy("Unified social credit code"), 22),
    Column(gettext_lazy("County"), 12),
    Column(gettext_lazy("Park"), 24),
    Column(gettext_lazy("Role in chain"), 12),
    Column(gettext_lazy("Main products"), 30),
    Column(gettext_lazy("Land (mu)"), 12, DECIMAL_2),
]


def chain_rows(chains: Iterable[Chain]) -> Iterator[list[object]]:
    """Rows for CHAIN_COLUMNS; chains come from ``chain_table``."""
    for chain in chains:
        yield [
            chain.name,
            chain.get_category_display(),
            chain.leader_name,
            chain.leader_title,
            chain.lead_department.name,
            "、".join(d.name for d in chain.cooperating_departments.all()),
            "、".join(p.name for p in chain.visible_key_parks),  # type: ignore[attr-defined]
            chain.node_count,  # type: ignore[attr-defined]
            chain.enterprise_count,  # type: ignore[attr-defined]
        ]


def link_rows(links: Iterable[ChainLink]) -> Iterator[list[object]]:
    """Rows for LINK_COLUMNS; links come from ``chain_export_links``."""
    for link in links:
        node, enterprise = link.node, link.enterprise
        yield [
            node.get_position_display(),
            node.parent.name if node.parent else node.name,
            node.name if node.parent else "",
            enterprise.name,
            enterprise.credit_code,
            enterprise.county.name,
            enterprise.park.name if enterprise.park else "",
            link.get_role_display(),
            link.main_products,
            enterprise.land_mu,
        ]
