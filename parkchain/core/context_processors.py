"""Sidebar navigation and the signed-in user's role line, for every page that extends base.html."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkchain.core.people import display_name
from parkchain.organisations.models import Role
from parkchain.organisations.scopes import scope_for
from parkchain.organisations.selectors import membership_list

_ALL_BUT_ENTERPRISE = frozenset(Role.values) - {Role.ENTERPRISE}
# targets and the cockpit: every role but departments and enterprises (targets.permissions.READER_ROLES)
_TARGET_READERS = frozenset(Role.values) - {Role.ENTERPRISE, Role.DEPARTMENT}


@dataclass(frozen=True)
class NavItem:
    """One sidebar entry. ``section`` is the URL namespace (or URL name) that marks it active;
    ``roles`` limits it to users holding one of them (None: everyone)."""

    url_name: str
    label: str | Promise
    icon: str  # a Tabler icon name: https://tabler.io/icons
    section: str
    roles: frozenset[str] | None = None


# A new module is one line here (and its urls in config/urls.py), e.g.
#   NavItem("reporting:home", _("Data reporting"), "forms", "reporting"),        数据填报
#   NavItem("evaluation:home", _("Per-mu evaluation"), "chart-bar", "evaluation"),  亩均评价
#   NavItem("targets:home", _("Targets and dispatch"), "target-arrow", "targets"),  目标调度
#   NavItem("dashboard:home", _("Cockpit"), "dashboard", "dashboard"),              驾驶舱
NAVIGATION: tuple[NavItem, ...] = (
    NavItem("home", _("Home"), "home", "home"),
    NavItem("cockpit:home", _("Cockpit"), "dashboard", "cockpit", roles=_TARGET_READERS),
    NavItem(
        "organisations:park_list",
        _("Parks"),
        "building-factory-2",
        "organisations",
        roles=_ALL_BUT_ENTERPRISE,
    ),
    NavItem("enterprises:list", _("Enterprises"), "building-skyscraper", "enterprises"),
    NavItem("chains:list", _("Industrial chains"), "hierarchy-3", "chains"),
    NavItem("reporting:home", _("Data reporting"), "forms", "reporting"),
    NavItem("evaluation:home", _("Evaluation"), "award", "evaluation"),
    NavItem(
        "targets:home",
        _("Targets and dispatch"),
        "target-arrow",
        "targets",
        roles=_TARGET_READERS,
    ),
    NavItem(
        "reporting:import_list",
        _("Excel imports"),
        "file-import",
        "reporting:import_list",
        roles=_ALL_BUT_ENTERPRISE,
    ),
)

# Role names as the programmes say them (the model's labels are shared with other choices).
ROLE_LABELS: dict[str, str | Promise] = {
    Role.CITY_ADMIN: pgettext_lazy("role", "City task force"),
    Role.LEADER: pgettext_lazy("role", "City leader / chain leader"),
    Role.CHAIN_OFFICE: pgettext_lazy("role", "Chain office"),
    Role.COUNTY: pgettext_lazy("role", "County"),
    Role.PARK: pgettext_lazy("role", "Park management committee"),
    Role.DEPARTMENT: pgettext_lazy("role", "Department"),
    Role.ENTERPRISE: pgettext_lazy("role", "Enterprise"),
    Role.SUPERVISOR: pgettext_lazy("role", "Supervision office"),
}


@dataclass(frozen=True)
class ActiveNavItem:
    url: str
    label: str | Promise
    icon: str
    active: bool


def _nav_items(request: HttpRequest) -> list[ActiveNavItem]:
    scope = scope_for(request.user)
    match = request.resolver_match
    # a section is a namespace ("enterprises") or a full view name ("home", "reporting:import_list");
    # "evaluation:home" is in the evaluation section, not the home page's
    here = {match.namespace, match.view_name} if match else set()
    return [
        ActiveNavItem(
            url=reverse(item.url_name),
            label=item.label,
            icon=item.icon,
            active=item.section in here,
        )
        for item in NAVIGATION
        if item.roles is None or scope.has_role(*item.roles)
    ]


def _role_lines(request: HttpRequest) -> list[str]:
    """``["吉首市 · 县市区"]``: the unit (chain, department) and the role of each membership."""
    lines = []
    for membership in membership_list(user=request.user):
        target = membership.org_unit or membership.chain or membership.department
        label = ROLE_LABELS.get(membership.role, membership.get_role_display())
        lines.append(f"{target} · {label}" if target else str(label))
    if not lines and request.user.is_superuser:
        lines.append(str(_("System administrator")))
    return lines


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "role_lines": [], "user_display_name": ""}
    return {
        "user_display_name": display_name(user),
        "nav_items": SimpleLazyObject(lambda: _nav_items(request)),
        "role_lines": SimpleLazyObject(lambda: _role_lines(request)),
    }
