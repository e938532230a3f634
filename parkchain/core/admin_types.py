"""Base classes for the apps' admin modules, typed for mypy.

simple-history ships no type information, and django-stubs makes the admin classes generic
without making them subscriptable at run time: mypy sees the typed Django bases, Python runs the
real ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

if TYPE_CHECKING:
    HistoryAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
    BaseUserAdmin = UserAdmin[Any]
else:
    from simple_history.admin import SimpleHistoryAdmin as HistoryAdmin

    TabularInline = admin.TabularInline
    BaseUserAdmin = UserAdmin

__all__ = ["BaseUserAdmin", "HistoryAdmin", "TabularInline"]
