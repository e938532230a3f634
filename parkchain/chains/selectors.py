"""Reads of industrial chains, always through the scope door."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Model, Prefetch, Q, QuerySet

from parkchain.chains.models import Chain, ChainLink, ChainNode, NodePosition
from parkchain.core.history import HistoryEntry, HistorySource, object_history
from parkchain.organisations.models import Park
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
    return get_in_scope(chain_list(user=user).prefetch_related("cooperating_departments"), pk=pk)


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

    def walk(self, depth: int = 0) -> Iterator[tuple[int, NodeView]]:
        """This node and its descendants, depth-first, with their depth (for indented tables)."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


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


def chain_options(*, user: User) -> QuerySet[Chain]:
    """Chains for filter bars: the rows of ``chain_list`` without the counting."""
    return scope_for(user).filter(Chain.objects.all()).only("pk", "name")


def chain_count(*, user: User) -> int:
    return scope_for(user).filter(Chain.objects.all()).count()


def _visible_parks(user: User) -> QuerySet[Park]:
    return scope_for(user).filter(Park.objects.all()).order_by("org_unit__path", "name")


def chain_table(*, user: User, search: str | None = None) -> QuerySet[Chain]:
    """``chain_list`` for the list page and export: key parks (only those the user may see) as
    ``visible_key_parks`` and cooperating departments prefetched."""
    return chain_list(user=user, search=search).prefetch_related(
        Prefetch("key_parks", queryset=_visible_parks(user), to_attr="visible_key_parks"),
        "cooperating_departments",
    )


def chain_key_parks(*, user: User, chain: Chain) -> QuerySet[Park]:
    """The chain's key parks the user may see (a county user does not see other counties' parks)."""
    return _visible_parks(user).filter(key_chains=chain)


def chains_of_park(*, user: User, park: Park) -> QuerySet[Chain]:
    """Chains that name ``park`` (already fetched with ``park_get``) as a key park."""
    return chain_list(user=user).filter(key_parks=park)


def chain_tree_by_position(*, user: User, chain: Chain) -> dict[str, list[NodeView]]:
    """``chain_node_tree`` grouped by the position of each top-level node: 上游 → 中游 → 下游."""
    groups: dict[str, list[NodeView]] = {position: [] for position in NodePosition.values}
    for root in chain_node_tree(user=user, chain=chain):
        groups.setdefault(root.node.position, []).append(root)
    return groups


def chain_export_links(*, user: User, chain: Chain) -> QuerySet[ChainLink]:
    """Node → enterprise rows of a chain for the Excel export, in node order."""
    return (
        chain_link_list(user=user, chain=chain)
        .select_related("node__parent", "enterprise__county", "enterprise__park")
        .order_by("node__position", "node__sort_order", "node_id", "-role", "enterprise__name")
    )


def chain_history(*, user: User, chain: Chain) -> list[HistoryEntry]:
    """Changes to a chain already fetched with ``chain_get`` and to its nodes, newest first.

    Key parks outside the user's scope are not named.
    """
    nodes = HistorySource(
        records=ChainNode.history.filter(chain_id=chain.pk), label=lambda record: record.name
    )
    visible: dict[type[Model], Collection[int]] = {
        Park: set(_visible_parks(user).values_list("pk", flat=True))
    }
    return object_history(chain, related=[nodes], visible=visible)
