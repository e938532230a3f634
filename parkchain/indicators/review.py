"""Writes of the review workflow: approve or return a submitted report, unlock a locked period.

Who reviews: a park, county or city task-force user whose write scope covers the reporting unit
*strictly below* his own unit (nobody approves his own report); a superuser. Every change goes
through ``full_clean`` and leaves django-simple-history rows with a change reason.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkchain.core.errors import ApplicationError
from parkchain.indicators.calendar import period_is_valid, period_window
from parkchain.indicators.models import (
    PeriodUnlock,
    ReportForm,
    Submission,
    SubmissionStatus,
)
from parkchain.organisations.models import OrgUnit, Role
from parkchain.organisations.scopes import scope_for

REVIEWER_ROLES = (Role.PARK, Role.COUNTY, Role.CITY_ADMIN)
MAX_UNLOCK_DAYS = 62


def submission_can_review(*, actor: AbstractBaseUser, submission: Submission) -> bool:
    """True when ``actor`` reviews ``submission``: a reviewer role over a unit strictly below his own."""
    scope = scope_for(actor)
    if scope.everything:
        return True
    if not scope.has_role(*REVIEWER_ROLES):
        return False
    path = submission.org_unit.path
    return any(path.startswith(p) and path != p for p in scope.write_paths)


def _require_review(actor: AbstractBaseUser, submission: Submission) -> None:
    if not submission_can_review(actor=actor, submission=submission):
        raise PermissionDenied


@transaction.atomic
def submission_approve(*, actor: AbstractBaseUser, submission: Submission) -> Submission:
    """已报 → 已审核. Only a submitted report can be approved."""
    _require_review(actor, submission)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ApplicationError(
            _("Only a submitted report can be approved; this one is “%(status)s”.")
            % {"status": submission.get_status_display()}
        )
    submission.status = SubmissionStatus.APPROVED
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = actor  # type: ignore[assignment]
    submission.return_reason = ""
    submission.full_clean()
    submission._change_reason = _("Approved")  # type: ignore[attr-defined]
    submission.save()
    return submission


@transaction.atomic
def submission_return(
    *, actor: AbstractBaseUser, submission: Submission, reason: str
) -> Submission:
    """已报 or 已审核 → 退回, with the reason the reporting unit will read."""
    _require_review(actor, submission)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            _("Say why the report is returned, so the unit knows what to correct.")
        )
    if submission.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
        raise ApplicationError(
            _("Only a submitted or approved report can be returned; this one is “%(status)s”.")
            % {"status": submission.get_status_display()}
        )
    submission.status = SubmissionStatus.RETURNED
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = actor  # type: ignore[assignment]
    submission.return_reason = reason[:300]
    submission.full_clean()
    submission._change_reason = reason[:100]  # type: ignore[attr-defined]
    submission.save()
    return submission


def period_unlock_can_create(*, actor: AbstractBaseUser) -> bool:
    """Only the city task force (and a superuser) re-opens locked periods."""
    scope = scope_for(actor)
    return scope.everything or Role.CITY_ADMIN in scope.roles


@transaction.atomic
def period_unlock_create(
    *,
    actor: AbstractBaseUser,
    form: ReportForm,
    year: int,
    month: int,
    until: dt.date,
    reason: str,
    org_unit: OrgUnit | None = None,
    today: dt.date | None = None,
) -> PeriodUnlock:
    """Re-open a period of ``form`` (for everyone, or for ``org_unit``) until ``until`` (inclusive)."""
    if not period_unlock_can_create(actor=actor):
        raise PermissionDenied
    scope = scope_for(actor)
    if org_unit is not None:
        scope.require_write(org_unit)
    today = today or timezone.localdate()
    if not period_is_valid(form, year, month):
        raise ApplicationError(
            _("%(year)s-%(month)s is not a period of “%(form)s”.")
            % {"year": year, "month": month, "form": form.name}
        )
    opens_on, _due, _locks = period_window(form, year, month)
    if opens_on > today:
        raise ApplicationError(_("This period has not opened yet; there is nothing to unlock."))
    if until < today:
        raise ApplicationError(_("The unlock must run until today or later."))
    if until > today + dt.timedelta(days=MAX_UNLOCK_DAYS):
        raise ApplicationError(
            _("Unlock for at most %(days)s days; extend it again if needed.")
            % {"days": MAX_UNLOCK_DAYS}
        )
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the unlock; it is kept on record."))
    unlock = PeriodUnlock(
        form=form,
        year=year,
        month=month,
        org_unit=org_unit,
        until=until,
        reason=reason[:300],
        unlocked_by=actor,  # type: ignore[misc]
    )
    unlock.full_clean()
    unlock._change_reason = reason[:100]  # type: ignore[attr-defined]
    unlock.save()
    return unlock
