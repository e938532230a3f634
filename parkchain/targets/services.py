"""Writes of the target book, milestones, dispatch snapshots, supervision and accountability.

Who writes (on top of the scope door): the city task force (市专班) writes books, targets,
milestones, snapshots, supervision tasks and reward/accountability records; the owner unit of a
milestone or supervision task (its county, park or chain office — or the task force) reports its
progress. Read-only roles (leader, supervision office) write nothing. A row the actor may not read
answers 404, like a missing one; a row he may read but not write, 403.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.periods import Month
from engine.targets import columns as c
from parkchain.chains.models import Chain
from parkchain.core.errors import ApplicationError
from parkchain.indicators.models import Aggregation, Indicator
from parkchain.organisations.models import OrgUnit, OrgUnitKind, Role
from parkchain.organisations.scopes import scope_for
from parkchain.targets.checks import cascade_issues
from parkchain.targets.data import book_progress, book_targets
from parkchain.targets.figures import red_detail
from parkchain.targets.models import (
    AccountabilityRecord,
    BookStatus,
    DispatchSnapshot,
    MilestoneStatus,
    MilestoneTask,
    MilestoneUpdate,
    SnapshotFigure,
    SupervisionFollowUp,
    SupervisionStatus,
    SupervisionTask,
    Target,
    TargetBook,
    TargetKind,
)

Actor = AbstractBaseUser
UNCHANGED: Any = object()


def _history_user(obj: object, actor: Actor | None) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]  # read by simple-history outside requests


def _validated(obj: Any) -> None:
    """full_clean, with the model's messages turned into one ApplicationError.

    Foreign keys given as instances are not looked up again, and constraints are left to the
    database: the services check each business case first, with a message of its own (and
    Django's constraint validation costs a query per constraint and row)."""
    given = [
        f.name
        for f in obj._meta.concrete_fields
        if f.many_to_one and getattr(obj, f.attname) is not None
    ]
    try:
        obj.full_clean(exclude=given, validate_constraints=False)
    except ValidationError as err:
        messages = [f"{field}: {' '.join(errors)}" for field, errors in err.message_dict.items()]
        raise ApplicationError("; ".join(messages), extra={"errors": err.message_dict}) from err


# -- who may write -----------------------------------------------------------------------------------
def _require_task_force(actor: Actor, region: OrgUnit) -> None:
    """The city task force of ``region`` (or a superuser); 404 when the city is not the actor's."""
    from parkchain.targets.selectors import target_book_list

    scope = scope_for(actor)
    readable = scope.filter(OrgUnit.objects.filter(pk=region.pk)).exists()
    if not readable and not target_book_list(user=actor).filter(region=region).exists():
        raise Http404
    if not (scope.has_role(Role.CITY_ADMIN) and scope.can_write(region)):
        raise PermissionDenied


def can_report_on(actor: Actor, *, unit: OrgUnit | None, chain: Chain | None) -> bool:
    """True for the owner unit of a task (its county or park users, the chain's office) and the
    task force: who may report progress on a milestone or a 督办 task (pages show the form)."""
    scope = scope_for(actor)
    if unit is not None and scope.can_write(unit):
        return True
    return chain is not None and scope.can_write_chain(chain.pk, chain.city.path)


def _require_owner(actor: Actor, *, unit: OrgUnit | None, chain: Chain | None) -> None:
    if not can_report_on(actor, unit=unit, chain=chain):
        raise PermissionDenied


def _require_readable(actor: Actor, obj: Any) -> None:
    """404 when ``obj`` is outside the actor's scope (same answer as a missing row)."""
    if not scope_for(actor).filter(type(obj).objects.filter(pk=obj.pk)).exists():
        raise Http404


# -- books ------------------------------------------------------------------------------------------
@transaction.atomic
def target_book_create(
    *,
    actor: Actor,
    region: OrgUnit,
    year: int,
    title: str,
    description: str = "",
    issuer: str = "",
    bulletin_title: str = "",
) -> TargetBook:
    """A draft book for a city and year; the issuer and bulletin title default to the city's 专班."""
    if region.kind != OrgUnitKind.CITY:
        raise ApplicationError(_("A target book belongs to a city."))
    _require_task_force(actor, region)
    if TargetBook.objects.filter(region=region, year=year).exists():
        raise ApplicationError(
            _("%(city)s already has a target book for %(year)s.")
            % {"city": region.name, "year": year}
        )
    book = TargetBook(
        region=region,
        year=year,
        title=title,
        description=description,
        issuer=issuer
        or _("%(city)s “Five Good” Parks and Industrial Chains Task Force") % {"city": region.name},
        bulletin_title=bulletin_title
        or _("%(city)s “Five Good” Parks and Industrial Chains Dispatch Bulletin")
        % {"city": region.name},
    )
    _validated(book)
    _history_user(book, actor)
    book.save()
    return book


@transaction.atomic
def target_book_issue(*, actor: Actor, book: TargetBook) -> TargetBook:
    """Issue the book (下达): counties, parks and chain offices see it from now on.

    Refused while a cascade check fails (the message names each target whose parts do not add up).
    """
    _require_task_force(actor, book.region)
    targets = list(Target.objects.filter(book=book).select_related("org_unit", "chain"))
    if not targets:
        raise ApplicationError(_("The book has no targets yet."))
    issues = cascade_issues(targets)
    if issues:
        raise ApplicationError(
            " ".join(issue.message for issue in issues),
            extra={"issues": [issue.target.pk for issue in issues]},
        )
    book.status = BookStatus.ISSUED
    book.issued_at = timezone.now()
    book.issued_by = actor  # type: ignore[assignment]
    _history_user(book, actor)
    book.save()
    return book


# -- targets ----------------------------------------------------------------------------------------
def _check_scope(book: TargetBook, org_unit: OrgUnit | None, chain: Chain | None) -> None:
    if (org_unit is None) == (chain is None):
        raise ApplicationError(_("A target is set either for a unit or for a chain."))
    if org_unit is not None:
        if org_unit.kind not in (OrgUnitKind.CITY, OrgUnitKind.COUNTY, OrgUnitKind.PARK):
            raise ApplicationError(
                _("Targets and tasks are set for the city, its counties and its parks.")
            )
        if not org_unit.path.startswith(book.region.path):
            raise ApplicationError(
                _("%(unit)s is not in %(city)s.") % {"unit": org_unit, "city": book.region}
            )
    if chain is not None and chain.city_id != book.region_id:
        raise ApplicationError(
            _("%(chain)s is not a chain of %(city)s.") % {"chain": chain, "city": book.region}
        )


def _check_same_book(
    book: TargetBook, *rows: Target | MilestoneTask | SupervisionTask | None
) -> None:
    if any(row is not None and row.book_id != book.pk for row in rows):
        raise ApplicationError(_("Link only targets and tasks of the same target book."))


def _check_target(target: Target) -> None:
    indicator = target.indicator
    if (indicator is None) == (not target.metric):
        raise ApplicationError(_("Choose an indicator or a metric for the target."))
    is_rate = indicator is not None and indicator.aggregation == Aggregation.NONE
    if is_rate and target.kind != TargetKind.GROWTH:
        raise ApplicationError(
            _("%(indicator)s is a rate: set a growth target.") % {"indicator": indicator}
        )
    if is_rate and (target.org_unit is None or target.org_unit.kind != OrgUnitKind.PARK):
        raise ApplicationError(
            _("%(indicator)s is reported by each park and does not add up: set it for parks only.")
            % {"indicator": indicator}
        )
    if target.kind == TargetKind.RANK and (
        target.org_unit is None
        or target.org_unit.kind not in (OrgUnitKind.COUNTY, OrgUnitKind.PARK)
    ):
        raise ApplicationError(_("Ranking targets are set for counties and parks (州内排位)."))
    parent = target.parent
    if parent is not None:
        if parent.book_id != target.book_id or parent.pk == target.pk:
            raise ApplicationError(_("A target is a part of another target of the same book."))
        same_source = parent.indicator_id == target.indicator_id and parent.metric == target.metric
        if parent.kind != target.kind or not same_source:
            raise ApplicationError(
                _("A part must have the kind and the indicator of “%(parent)s”.")
                % {"parent": parent}
            )
        child_unit, parent_unit = target.org_unit, parent.org_unit
        if (
            child_unit is not None
            and parent_unit is not None
            and (
                child_unit.pk == parent_unit.pk or not child_unit.path.startswith(parent_unit.path)
            )
        ):
            raise ApplicationError(
                _("%(unit)s is not under %(parent)s.") % {"unit": child_unit, "parent": parent_unit}
            )
    _validated(target)


@transaction.atomic
def target_create(
    *,
    actor: Actor,
    book: TargetBook,
    name: str,
    kind: str,
    annual_value: Decimal | float | int,
    indicator: Indicator | None = None,
    metric: str = "",
    org_unit: OrgUnit | None = None,
    chain: Chain | None = None,
    base_value: Decimal | float | int | None = None,
    parent: Target | None = None,
    group: str = "",
    profile: str = "linear",
    profile_shares: list[float] | None = None,
    jan_feb_combined: bool = True,
    rag_rule: dict[str, Any] | None = None,
    owner_department: str = "",
    owner_person: str = "",
    sort_order: int = 0,
) -> Target:
    """A target of ``book`` for a unit (city, county, park) or a chain; ``parent``: the target it
    is a part of (same kind and indicator, a unit under the parent's)."""
    _require_task_force(actor, book.region)
    _check_scope(book, org_unit, chain)
    target = Target(
        book=book,
        name=name,
        kind=kind,
        annual_value=Decimal(str(annual_value)),
        indicator=indicator,
        metric=metric,
        org_unit=org_unit,
        chain=chain,
        base_value=None if base_value is None else Decimal(str(base_value)),
        parent=parent,
        group=group,
        profile=profile,
        profile_shares=profile_shares,
        jan_feb_combined=jan_feb_combined,
        rag_rule=rag_rule or {},
        owner_department=owner_department,
        owner_person=owner_person,
        sort_order=sort_order,
    )
    _check_target(target)
    _history_user(target, actor)
    target.save()
    return target


@transaction.atomic
def target_update(
    *,
    actor: Actor,
    target: Target,
    name: str = UNCHANGED,
    annual_value: Decimal | float | int = UNCHANGED,
    base_value: Decimal | float | int | None = UNCHANGED,
    profile: str = UNCHANGED,
    profile_shares: list[float] | None = UNCHANGED,
    jan_feb_combined: bool = UNCHANGED,
    rag_rule: dict[str, Any] = UNCHANGED,
    owner_department: str = UNCHANGED,
    owner_person: str = UNCHANGED,
) -> Target:
    """Change a target (目标调整); history keeps the old values. Frozen months keep theirs."""
    _require_task_force(actor, target.book.region)
    changes = {
        "name": name,
        "annual_value": annual_value,
        "base_value": base_value,
        "profile": profile,
        "profile_shares": profile_shares,
        "jan_feb_combined": jan_feb_combined,
        "rag_rule": rag_rule,
        "owner_department": owner_department,
        "owner_person": owner_person,
    }
    for field, value in changes.items():
        if value is UNCHANGED:
            continue
        if field in ("annual_value", "base_value") and value is not None:
            value = Decimal(str(value))
        setattr(target, field, value)
    _check_target(target)
    _history_user(target, actor)
    target.save()
    return target


# -- milestones -------------------------------------------------------------------------------------
@transaction.atomic
def milestone_task_create(
    *,
    actor: Actor,
    book: TargetBook,
    title: str,
    deadline: dt.date,
    owner_unit: OrgUnit | None = None,
    chain: Chain | None = None,
    owner_department: str = "",
    owner_person: str = "",
    group: str = "",
    description: str = "",
    sort_order: int = 0,
) -> MilestoneTask:
    """A qualitative task of the book (调区扩区, 创建国家高新区…) with its owner and deadline."""
    _require_task_force(actor, book.region)
    _check_scope(book, owner_unit, chain)
    task = MilestoneTask(
        book=book,
        title=title,
        deadline=deadline,
        owner_unit=owner_unit,
        chain=chain,
        owner_department=owner_department,
        owner_person=owner_person,
        group=group,
        description=description,
        sort_order=sort_order,
    )
    _validated(task)
    _history_user(task, actor)
    task.save()
    return task


EVIDENCE_NEEDED = gettext_lazy(
    "Attach evidence (a document or a description) to mark the task done."
)


@transaction.atomic
def milestone_task_update(
    *,
    actor: Actor,
    task: MilestoneTask,
    status: str,
    note: str,
    evidence_text: str = "",
    evidence_file: File[Any] | None = None,
    on: dt.date | None = None,
) -> MilestoneUpdate:
    """The owner unit reports progress: the new status, a note and evidence (required for done).

    Each report is kept in the task's log (``MilestoneUpdate``); the task shows the latest.
    """
    _require_readable(actor, task)
    _require_owner(actor, unit=task.owner_unit, chain=task.chain)
    if status not in MilestoneStatus.values:
        raise ApplicationError(_("Unknown status “%(status)s”.") % {"status": status})
    if not note.strip():
        raise ApplicationError(_("Say what was done."))
    if status == MilestoneStatus.DONE and not (
        evidence_text.strip() or evidence_file or task.evidence_text or task.evidence_file
    ):
        raise ApplicationError(str(EVIDENCE_NEEDED))
    update = MilestoneUpdate(task=task, status=status, note=note, evidence_text=evidence_text)
    if evidence_file is not None:
        update.evidence_file = evidence_file
    update.created_by = actor  # type: ignore[assignment]
    update.save()
    task.status = status
    if evidence_text:
        task.evidence_text = evidence_text
    if evidence_file is not None:
        task.evidence_file = update.evidence_file
    task.completed_on = (on or timezone.localdate()) if status == MilestoneStatus.DONE else None
    _history_user(task, actor)
    task.save()
    return update


@transaction.atomic
def milestones_mark_overdue(*, book: TargetBook, as_of: dt.date) -> int:
    """Set "overdue" on the book's tasks past their deadline on ``as_of`` and not done (system
    housekeeping, run when a month is frozen or a bulletin built). Returns how many changed."""
    late = MilestoneTask.objects.filter(book=book, deadline__lt=as_of).exclude(
        status__in=[MilestoneStatus.DONE, MilestoneStatus.OVERDUE]
    )
    count = 0
    for task in late:
        task.status = MilestoneStatus.OVERDUE
        task.save(update_fields=["status", "updated_at"])
        count += 1
    return count


# -- dispatch snapshots (调度口径) ------------------------------------------------------------------
def _json(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@transaction.atomic
def dispatch_snapshot_freeze(
    *, actor: Actor, book: TargetBook, year: int, month: int, note: str = ""
) -> DispatchSnapshot:
    """Freeze the month's figures of every target of the book as dispatched (调度口径).

    Later revisions of the statistics change the live figures, never this month's; the bulletin
    and the pages read the frozen figures for a frozen month. A month is frozen once.
    """
    _require_task_force(actor, book.region)
    if not book.is_issued:
        raise ApplicationError(_("Issue the target book before dispatching it."))
    existing = DispatchSnapshot.objects.filter(book=book, year=year, month=month).first()
    if existing is not None:
        raise ApplicationError(
            _("%(period)s was already frozen on %(date)s.")
            % {
                "period": Month(year, month).ytd_label,
                "date": timezone.localtime(existing.frozen_at).date().isoformat(),
            }
        )
    if year != book.year:
        raise ApplicationError(_("The book sets targets for %(year)s.") % {"year": book.year})
    milestones_mark_overdue(book=book, as_of=_month_end(Month(year, month)))
    frame = book_progress(book_targets(book), period=Month(year, month))
    try:
        snapshot = DispatchSnapshot.objects.create(
            book=book,
            year=year,
            month=month,
            frozen_at=timezone.now(),
            frozen_by_id=actor.pk,
            note=note,
        )
    except IntegrityError as err:  # frozen by someone else meanwhile
        raise ApplicationError(_("The month was frozen meanwhile.")) from err
    SnapshotFigure.objects.bulk_create(
        SnapshotFigure(
            snapshot=snapshot,
            target_id=row[c.TARGET_ID],
            annual_value=Decimal(str(row[c.TARGET])),
            rag=row[c.RAG],
            values={key: _json(value) for key, value in row.items()},
        )
        for row in frame.iter_rows(named=True)
    )
    return snapshot


def _month_end(period: Month) -> dt.date:
    from parkchain.targets.figures import month_end

    return month_end(period)


# -- supervision (督办) -------------------------------------------------------------------------------
@transaction.atomic
def supervision_task_create(
    *,
    actor: Actor,
    book: TargetBook,
    title: str,
    issue: str,
    quarter: int,
    due_on: dt.date,
    year: int | None = None,
    owner_unit: OrgUnit | None = None,
    chain: Chain | None = None,
    target: Target | None = None,
    milestone: MilestoneTask | None = None,
    requirement: str = "",
    owner_department: str = "",
    owner_person: str = "",
) -> SupervisionTask:
    """A 督办 task for a quarter, owned by a unit (or chain office), due on a date."""
    _require_task_force(actor, book.region)
    _check_scope(book, owner_unit, chain)
    _check_same_book(book, target, milestone)
    task = SupervisionTask(
        book=book,
        year=year or book.year,
        quarter=quarter,
        title=title,
        issue=issue,
        requirement=requirement,
        target=target,
        milestone=milestone,
        owner_unit=owner_unit,
        chain=chain,
        owner_department=owner_department,
        owner_person=owner_person,
        due_on=due_on,
    )
    _validated(task)
    _history_user(task, actor)
    task.save()
    return task


DEFAULT_REQUIREMENT = gettext_lazy(
    "Analyse the causes, set out measures to catch up and report the progress in writing before the due date."
)


@transaction.atomic
def supervision_tasks_from_red(
    *,
    actor: Actor,
    book: TargetBook,
    quarter: int,
    due_on: dt.date,
    requirement: str = "",
) -> list[SupervisionTask]:
    """The quarterly 督办清单: a task for each red target of the quarter's last month (its frozen
    figures when frozen) and each milestone overdue then; items already on the quarter's list are
    skipped. Returns the tasks created."""
    from parkchain.targets.selectors import dispatch_figures

    _require_task_force(actor, book.region)
    if not 1 <= quarter <= 4:
        raise ApplicationError(_("A quarter is 1–4."))
    figures = dispatch_figures(user=actor, year=book.year, month=quarter * 3, book_id=book.pk)
    existing = SupervisionTask.objects.filter(book=book, year=book.year, quarter=quarter)
    have_targets = set(existing.values_list("target_id", flat=True))
    have_milestones = set(existing.values_list("milestone_id", flat=True))
    created = []
    for item in figures.red_items:
        if item.kind == "target" and item.target_id not in have_targets:
            figure = next(f for f in figures.targets if f.pk == item.target_id)
            target = figure.target
            created.append(
                supervision_task_create(
                    actor=actor,
                    book=book,
                    quarter=quarter,
                    due_on=due_on,
                    title=item.title,
                    issue=_("%(period)s: %(detail)s.")
                    % {"period": figures.period_label, "detail": red_detail(figure)},
                    requirement=requirement or str(DEFAULT_REQUIREMENT),
                    target=target,
                    owner_unit=target.org_unit,
                    chain=target.chain,
                    owner_department=target.owner_department,
                    owner_person=target.owner_person,
                )
            )
        elif item.milestone_id is not None and item.milestone_id not in have_milestones:
            milestone = MilestoneTask.objects.get(pk=item.milestone_id)
            created.append(
                supervision_task_create(
                    actor=actor,
                    book=book,
                    quarter=quarter,
                    due_on=due_on,
                    title=item.title,
                    issue=item.detail,
                    requirement=requirement or str(DEFAULT_REQUIREMENT),
                    milestone=milestone,
                    owner_unit=milestone.owner_unit,
                    chain=milestone.chain,
                    owner_department=milestone.owner_department,
                    owner_person=milestone.owner_person,
                )
            )
    return created


@transaction.atomic
def supervision_follow_up_add(
    *,
    actor: Actor,
    task: SupervisionTask,
    note: str,
    status: str | None = None,
    evidence_text: str = "",
    evidence_file: File[Any] | None = None,
) -> SupervisionFollowUp:
    """The owner unit reports on a 督办 task (整改进展); "done" needs evidence and closes it."""
    _require_readable(actor, task)
    _require_owner(actor, unit=task.owner_unit, chain=task.chain)
    new_status = status or (
        SupervisionStatus.IN_PROGRESS if task.status == SupervisionStatus.PENDING else task.status
    )
    if new_status not in SupervisionStatus.values:
        raise ApplicationError(_("Unknown status “%(status)s”.") % {"status": new_status})
    if not note.strip():
        raise ApplicationError(_("Say what was done."))
    if new_status == SupervisionStatus.DONE and not (evidence_text.strip() or evidence_file):
        raise ApplicationError(str(EVIDENCE_NEEDED))
    follow_up = SupervisionFollowUp(
        task=task, status=new_status, note=note, evidence_text=evidence_text
    )
    if evidence_file is not None:
        follow_up.evidence_file = evidence_file
    follow_up.created_by = actor  # type: ignore[assignment]
    follow_up.save()
    task.status = new_status
    task.closed_at = timezone.now() if new_status == SupervisionStatus.DONE else None
    _history_user(task, actor)
    task.save()
    return follow_up


# -- rewards and accountability (奖惩问责) ----------------------------------------------------------
@transaction.atomic
def accountability_record_create(
    *,
    actor: Actor,
    book: TargetBook,
    kind: str,
    reason: str,
    decided_on: dt.date,
    unit: OrgUnit | None = None,
    chain: Chain | None = None,
    task: SupervisionTask | None = None,
    target: Target | None = None,
    decided_by: str = "",
) -> AccountabilityRecord:
    """Record a reward (表扬, 奖励) or an accountability measure (通报批评, 约谈, 问责) for a unit."""
    _require_task_force(actor, book.region)
    _check_scope(book, unit, chain)
    _check_same_book(book, target, task)
    record = AccountabilityRecord(
        book=book,
        kind=kind,
        reason=reason,
        decided_on=decided_on,
        unit=unit,
        chain=chain,
        task=task,
        target=target,
        decided_by=decided_by,
    )
    _validated(record)
    _history_user(record, actor)
    record.save()
    return record
