"""Back office for evaluation: schemes and facts are edited here; runs and results are only read
(they change through the services: publish, objections, finalise, withdraw)."""

from __future__ import annotations

from django.contrib import admin

from parkchain.core.admin_types import HistoryAdmin
from parkchain.evaluation.models import (
    EnterpriseResult,
    EvaluationFlag,
    EvaluationRun,
    ListSnapshot,
    Objection,
    ParkEvent,
    Scheme,
    SchemeVersion,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Scheme)
class SchemeAdmin(HistoryAdmin):
    list_display = ("code", "name", "kind", "is_preset", "city")
    list_filter = ("kind", "is_preset")
    search_fields = ("code", "name")
    raw_id_fields = ("city",)


@admin.register(SchemeVersion)
class SchemeVersionAdmin(HistoryAdmin):
    list_display = ("scheme", "version", "definition_hash", "created_by", "created_at", "note")
    list_filter = ("scheme__kind",)
    search_fields = ("scheme__code", "scheme__name", "note")
    raw_id_fields = ("scheme", "created_by")

    def get_readonly_fields(self, request, obj=None):
        # a version a run used is immutable (SchemeVersion.save refuses too)
        if obj is not None and obj.is_used:
            return ("scheme", "version", "definition", "definition_hash", "created_by")
        return ("definition_hash",)

    def save_model(self, request, obj, form, change):
        from parkchain.evaluation.services import canonical_hash, scheme_definition_validate

        obj.definition = scheme_definition_validate(kind=obj.scheme.kind, definition=obj.definition)
        obj.definition_hash = canonical_hash(obj.definition)
        super().save_model(request, obj, form, change)


@admin.register(EvaluationRun)
class EvaluationRunAdmin(HistoryAdmin):
    list_display = ("title", "kind", "year", "region", "status", "source", "created_at")
    list_filter = ("kind", "status", "source", "year")
    search_fields = ("title",)
    readonly_fields = [f.name for f in EvaluationRun._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EnterpriseResult)
class EnterpriseResultAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "run", "group", "pool", "status", "total", "rank", "grade")
    list_filter = ("status", "grade", "run")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    list_select_related = ("enterprise", "run")
    show_full_result_count = False


@admin.register(Objection)
class ObjectionAdmin(HistoryAdmin):
    list_display = ("enterprise", "run", "status", "grade_before", "grade_after", "submitted_at")
    list_filter = ("status",)
    search_fields = ("enterprise__name",)
    readonly_fields = [f.name for f in Objection._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EvaluationFlag)
class EvaluationFlagAdmin(HistoryAdmin):
    list_display = ("enterprise", "year", "flag", "count", "note")
    list_filter = ("year", "flag")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    raw_id_fields = ("enterprise", "created_by")


@admin.register(ParkEvent)
class ParkEventAdmin(HistoryAdmin):
    list_display = ("park", "year", "item", "count", "note")
    list_filter = ("year", "item")
    raw_id_fields = ("park", "created_by")


@admin.register(ListSnapshot)
class ListSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("title", "scope_unit", "year", "month", "rule_version", "created_at")
    list_filter = ("year",)
