"""Reads of industrial chains, always through the scope door."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from parkchain.chains.models import Chain, ChainLink, ChainNode
from parkchain.organisations.scopes import get_in_scope, scope_for

User = AbstractBaseUser | AnonymousUser


def chain_list(*, user: User, search: str | None = None) -> QuerySet[Chain]:
    """Chains the user may see, with node counts and the number of enterprises *he* may see on each."""
    scope = scope_for(user)
    visible_links = scope.q_for(ChainLink, prefix="nodes__links__")
    qs = scope.filter(Chain.objects.select_related("lead_department", "city"))
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.annotate(
        node_count=Count("nodes", distinct=True),
        enterprise_count=Count("nodes__links__enterprise", filter=visible_links, distinct=True),
    )


def chain_get(*, user: User, pk: int) -> Chain:
    """404 when the chain is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(chain_list(user=user), pk=pk)


def chain_link_list(
    *, user: User, chain: Chain | None = None, enterprise_id: int | None = None
) -> QuerySet[ChainLink]:
    qs = scope_for(user).filter(ChainLink.objects.select_related("enterprise__park", "node__chain"))
    if chain is not None:
        qs = qs.filter(node__chain=chain)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs


@dataclass
class NodeView:
    """A chain node with its children and the enterprises the user may see on it."""

    node: ChainNode
    links: list[ChainLink] = field(default_factory=list)
    children: list[NodeView] = field(default_factory=list)

    @property
    def enterprise_total(self) -> int:
        return len(self.links) + sum(child.enterprise_total for child in self.children)


def chain_node_tree(*, user: User, chain: Chain) -> list[NodeView]:
    """The chain's node tree (roots first, children in order) with visible enterprises per node. Two queries."""
    nodes = list(
        scope_for(user).filter(ChainNode.objects.filter(chain=chain)).order_by("sort_order", "id")
    )
    views = {n.pk: NodeView(node=n) for n in nodes}
    for link in chain_link_list(user=user, chain=chain).order_by("-role", "enterprise__name"):
        if link.node_id in views:
            views[link.node_id].links.append(link)
    roots: list[NodeView] = []
    for n in nodes:
        parent = views.get(n.parent_id) if n.parent_id else None
        (parent.children if parent else roots).append(views[n.pk])
    return roots


def chain_position_summary(*, user: User, chain: Chain) -> dict[str, int]:
    """Visible enterprises per position (上游/中游/下游)."""
    rows = (
        chain_link_list(user=user, chain=chain)
        .values("node__position")
        .annotate(n=Count("enterprise", distinct=True))
    )
    return {row["node__position"]: row["n"] for row in rows}


def chains_of_enterprise(*, user: User, enterprise_id: int) -> QuerySet[ChainLink]:
    return chain_link_list(user=user, enterprise_id=enterprise_id).filter(
        ~Q(node__chain__isnull=True)
    )
