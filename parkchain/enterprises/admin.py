"""Back-office editing of the enterprise registry (tens of thousands of rows: raw ids, no full counts)."""

from __future__ import annotations

from django.contrib import admin

from parkchain.core.admin_types import HistoryAdmin, TabularInline
from parkchain.enterprises.models import AboveScaleYear, Enterprise, ParkMembership, Qualification


class QualificationInline(TabularInline):
    model = Qualification
    extra = 0
    fields = ("kind", "granted_on", "expires_on", "certificate_no")


class AboveScaleYearInline(TabularInline):
    model = AboveScaleYear
    extra = 0
    fields = ("year", "is_above_scale")


class ParkMembershipInline(TabularInline):
    model = ParkMembership
    extra = 0
    raw_id_fields = ("park",)
    fields = ("park", "valid_from", "valid_to", "note")


@admin.register(Enterprise)
class EnterpriseAdmin(HistoryAdmin):
    list_display = ("name", "credit_code", "county", "park", "industry_code", "size", "land_mu")
    list_filter = ("size", "is_active", "county")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("org_unit", "county", "region", "park")
    list_select_related = ("county", "park")
    readonly_fields = ("created_at", "updated_at")
    inlines = (QualificationInline, AboveScaleYearInline, ParkMembershipInline)
    show_full_result_count = False
    list_per_page = 50


@admin.register(ParkMembership)
class ParkMembershipAdmin(HistoryAdmin):
    list_display = ("enterprise", "park", "valid_from", "valid_to")
    list_filter = ("park",)
    search_fields = ("enterprise__name", "enterprise__credit_code")
    raw_id_fields = ("enterprise", "park")
    list_select_related = ("enterprise", "park")
    show_full_result_count = False


@admin.register(Qualification)
class QualificationAdmin(HistoryAdmin):
    list_display = ("enterprise", "kind", "granted_on", "expires_on", "certificate_no")
    list_filter = ("kind",)
    search_fields = ("enterprise__name", "enterprise__credit_code", "certificate_no")
    raw_id_fields = ("enterprise",)
    list_select_related = ("enterprise",)
    date_hierarchy = "granted_on"
    show_full_result_count = False


@admin.register(AboveScaleYear)
class AboveScaleYearAdmin(HistoryAdmin):
    list_display = ("enterprise", "year", "is_above_scale")
    list_filter = ("year", "is_above_scale")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    raw_id_fields = ("enterprise",)
    list_select_related = ("enterprise",)
    show_full_result_count = False
