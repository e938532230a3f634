"""Back-office editing of the organisation registries, with history on every change."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import User

from parkchain.core.admin_types import BaseUserAdmin, HistoryAdmin, TabularInline
from parkchain.organisations.models import Department, Membership, OrgUnit, Park, Region
from parkchain.organisations.services import org_unit_create, org_unit_move


@admin.register(OrgUnit)
class OrgUnitAdmin(HistoryAdmin):
    list_display = ("name", "kind", "parent", "code", "depth", "path")
    list_filter = ("kind", "depth")
    search_fields = ("name", "code", "path")
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "depth", "created_at", "updated_at")
    list_select_related = ("parent",)
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        # Paths are maintained by the services only: creating or re-parenting goes through them.
        if not change:
            created = org_unit_create(
                name=obj.name, kind=obj.kind, parent=obj.parent, code=obj.code
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        new_parent = obj.parent
        moved = "parent" in form.changed_data and new_parent is not None
        if moved:
            obj.parent_id = form.initial.get("parent")  # save the other fields first, then move
        super().save_model(request, obj, form, change)
        if moved:
            org_unit_move(unit=obj, new_parent=new_parent)


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "org_unit")


@admin.register(Park)
class ParkAdmin(HistoryAdmin):
    list_display = (
        "name",
        "short_name",
        "level",
        "park_type",
        "region",
        "planned_area_km2",
        "developed_area_km2",
        "has_management_company",
    )
    list_filter = ("level", "park_type", "block", "has_management_company")
    search_fields = ("name", "short_name", "leading_industries", "featured_industry")
    raw_id_fields = ("org_unit", "region")
    list_select_related = ("region",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = ("name", "short_name", "city", "supplies_enterprise_data")
    list_filter = ("supplies_enterprise_data",)
    search_fields = ("name", "short_name")
    raw_id_fields = ("city",)


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ("user", "role", "org_unit", "chain", "department")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "org_unit__name")
    raw_id_fields = ("user", "org_unit", "chain", "department")
    list_select_related = ("user", "org_unit", "chain", "department")


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("org_unit", "chain", "department")
    fields = ("role", "org_unit", "chain", "department")


admin.site.unregister(User)


@admin.register(User)
class ParkchainUserAdmin(BaseUserAdmin):
    inlines = (MembershipInline,)
