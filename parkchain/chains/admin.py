"""Back-office editing of industrial chains, their nodes and enterprise links."""

from __future__ import annotations

from django.contrib import admin

from parkchain.chains.models import Chain, ChainLink, ChainNode
from parkchain.core.admin_types import HistoryAdmin, TabularInline


class ChainNodeInline(TabularInline):
    model = ChainNode
    extra = 0
    raw_id_fields = ("parent",)
    fields = ("name", "parent", "position", "importance", "sort_order")


@admin.register(Chain)
class ChainAdmin(HistoryAdmin):
    list_display = ("name", "code", "category", "leader_name", "lead_department", "sort_order")
    list_filter = ("category",)
    search_fields = ("name", "code", "leader_name")
    raw_id_fields = ("city", "lead_department")
    filter_horizontal = ("cooperating_departments", "key_parks")
    list_select_related = ("lead_department",)
    inlines = (ChainNodeInline,)


@admin.register(ChainNode)
class ChainNodeAdmin(HistoryAdmin):
    list_display = ("name", "chain", "parent", "position", "importance", "sort_order")
    list_filter = ("chain", "position")
    search_fields = ("name", "chain__name")
    raw_id_fields = ("chain", "parent")
    list_select_related = ("chain", "parent")


@admin.register(ChainLink)
class ChainLinkAdmin(HistoryAdmin):
    list_display = ("enterprise", "node", "role", "main_products")
    list_filter = ("role", "node__chain")
    search_fields = ("enterprise__name", "enterprise__credit_code", "node__name")
    raw_id_fields = ("enterprise", "node")
    list_select_related = ("enterprise", "node__chain")
    show_full_result_count = False
