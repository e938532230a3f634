"""Who may use the targets and dispatch pages: boolean role predicates, not row readers (the rows
are read through ``targets.selectors``, which apply the scope). The pages answer 403 or hide a
form on these; the services check the write again.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from parkchain.organisations.models import Role
from parkchain.organisations.scopes import scope_for
from parkchain.targets.models import TargetBook

User = AbstractBaseUser | AnonymousUser

READER_ROLES = frozenset(Role.values) - {Role.ENTERPRISE, Role.DEPARTMENT}
"""Roles that read targets and dispatch (in their scope); departments and enterprises read none."""


def dispatch_reader(*, user: User) -> bool:
    """True when the user holds a role that reads targets (the pages answer 403 otherwise)."""
    return scope_for(user).has_role(*READER_ROLES)


def in_task_force(*, user: User) -> bool:
    """True for a city task force user (creates target books; the services check the city)."""
    return scope_for(user).has_role(Role.CITY_ADMIN)


def task_force_of(*, user: User, book: TargetBook | None) -> bool:
    """True for the city task force that writes ``book`` (the pages show its forms; the services
    check it again)."""
    scope = scope_for(user)
    return book is not None and scope.has_role(Role.CITY_ADMIN) and scope.can_write(book.region)
