"""The reporting calendar (填报日历): when a form's period opens, is due and locks; unlocks re-open it.

A period's window: it opens on the 1st of the month after the period (the following January for
annual forms, month 0), is due on ``form.due_day`` of the month ``form.due_month_offset`` months
after the period's last month, and locks ``form.lock_after_days`` days after the due date. From
``locks_on`` on, nobody writes — city admins included — unless a PeriodUnlock re-opens the period
for everyone or for the unit (or a unit above it) until its ``until`` date (inclusive).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from parkchain.indicators.models import ANNUAL, Periodicity, PeriodUnlock, ReportForm
from parkchain.organisations.models import OrgUnit


class PeriodState(StrEnum):
    INVALID = "invalid"  # not a period of this form (month 13, month 0 on a monthly form…)
    NOT_OPEN = "not_open"  # the period has not ended yet
    OPEN = "open"
    LOCKED = "locked"


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def period_is_valid(form: ReportForm, year: int, month: int) -> bool:
    if not 1990 <= year <= 2100:
        return False
    if form.periodicity == Periodicity.ANNUAL:
        return month == ANNUAL
    return 1 <= month <= 12


def period_window(form: ReportForm, year: int, month: int) -> tuple[dt.date, dt.date, dt.date]:
    """(opens_on, due_on, locks_on) of a period of ``form``; month 0 is the annual period."""
    last_month = 12 if month == ANNUAL else month
    open_year, open_month = _add_months(year, last_month, 1)
    due_year, due_month = _add_months(year, last_month, form.due_month_offset)
    opens_on = dt.date(open_year, open_month, 1)
    due_on = dt.date(due_year, due_month, form.due_day)
    locks_on = due_on + dt.timedelta(days=form.lock_after_days)
    return opens_on, due_on, locks_on


def period_unlocks(form: ReportForm, year: int, month: int, today: dt.date) -> list[PeriodUnlock]:
    """Unlocks of the period still running ``today`` (one query; check units with ``unlock_covers``)."""
    return list(
        PeriodUnlock.objects.filter(
            form=form, year=year, month=month, until__gte=today
        ).select_related("org_unit")
    )


def unlock_covers(unlocks: Iterable[PeriodUnlock], unit_path: str) -> bool:
    return any(u.org_unit is None or unit_path.startswith(u.org_unit.path) for u in unlocks)


def period_state(
    form: ReportForm,
    year: int,
    month: int,
    org_unit: OrgUnit | None,
    today: dt.date,
    *,
    unlocks: list[PeriodUnlock] | None = None,
) -> PeriodState:
    """Where the period stands for ``org_unit`` on ``today`` (None: for everyone, no unit unlocks)."""
    if not period_is_valid(form, year, month):
        return PeriodState.INVALID
    opens_on, _due_on, locks_on = period_window(form, year, month)
    if today < opens_on:
        return PeriodState.NOT_OPEN
    if today < locks_on:
        return PeriodState.OPEN
    if unlocks is None:
        unlocks = period_unlocks(form, year, month, today)
    path = org_unit.path if org_unit is not None else "\0"  # no unit: only period-wide unlocks
    return PeriodState.OPEN if unlock_covers(unlocks, path) else PeriodState.LOCKED


def period_is_open(
    form: ReportForm, year: int, month: int, org_unit: OrgUnit | None, today: dt.date
) -> bool:
    """True when ``org_unit`` may report the period on ``today`` (window or a running unlock)."""
    return period_state(form, year, month, org_unit, today) == PeriodState.OPEN
