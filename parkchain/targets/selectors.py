"""Reads of target books, targets, milestones, dispatch figures, supervision and accountability,
through the scope door (organisations.scopes: a county user reads his county's and its parks'
targets, a chain office its chain's, the city roles everything of the city; departments and
enterprises nothing).

``dispatch_figures`` is the one function the bulletin, the cockpit and the pages read a month's
numbers from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from engine.periods import Month
from engine.targets import columns as c
from parkchain.chains.models import Chain
from parkchain.chains.selectors import chain_options
from parkchain.core.history import HistoryEntry, object_history
from parkchain.organisations.models import OrgUnit, OrgUnitKind
from parkchain.organisations.scopes import get_in_scope, scope_for
from parkchain.organisations.selectors import org_unit_list
from parkchain.targets.checks import CascadeIssue, cascade_issues
from parkchain.targets.data import (
    book_progress_cached,
    book_progress_months_cached,
    book_targets,
    latest_reported_month,
    snapshot_frame,
)
from parkchain.targets.figures import (
    DispatchFigures,
    ProgressPoint,
    empty_figures,
    figures_from_frame,
    progress_point,
)
from parkchain.targets.models import (
    AccountabilityRecord,
    BookStatus,
    DispatchSnapshot,
    MilestoneTask,
    MilestoneUpdate,
    SupervisionFollowUp,
    SupervisionTask,
    Target,
    TargetBook,
)

User = AbstractBaseUser | AnonymousUser


# -- books ------------------------------------------------------------------------------------------
def target_book_list(*, user: User, year: int | None = None) -> QuerySet[TargetBook]:
    """Books the user may read (drafts: the task force only), newest year first."""
    qs = scope_for(user).filter(TargetBook.objects.select_related("region", "issued_by"))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "region__path")


def target_book_get(*, user: User, pk: int) -> TargetBook:
    """404 when the book is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(target_book_list(user=user), pk=pk)


def target_book_for_year(*, user: User, year: int) -> TargetBook | None:
    """The book a user's dispatch pages default to: an issued book of ``year`` the user may read —
    his own city's first (a superuser: the first city's) — else the task force's draft."""
    books = list(target_book_list(user=user, year=year))
    if not books:
        return None
    home = scope_for(user).home_city_paths
    books.sort(
        key=lambda b: (
            b.status != BookStatus.ISSUED,
            not any(b.region.path.startswith(p) for p in home),
            b.region.path,
        )
    )
    return books[0]


def target_book_years(*, user: User) -> list[int]:
    """Years of the books the user may read, newest first."""
    return sorted(set(target_book_list(user=user).values_list("year", flat=True)), reverse=True)


@dataclass(frozen=True)
class DispatchChoice:
    """The book and month a dispatch page shows, and what the user may switch to."""

    book: TargetBook | None
    period: Month
    years: list[int]
    books: list[TargetBook]  # the books of the period's year the user may read

    @property
    def year(self) -> int:
        return self.period.year


def dispatch_choice(
    *,
    user: User,
    today: dt.date,
    year: int | None = None,
    month: Month | None = None,
    book_id: int | None = None,
) -> DispatchChoice:
    """Which book and month to show: ``book_id`` (404 when not readable), else the book of
    ``month``'s or ``year``'s year (``target_book_for_year``), else of this year (or the latest
    earlier year with a book); the month asked for when it is of the book's year, else the latest
    month with data (``dispatch_latest_month``)."""
    years = target_book_years(user=user)
    book: TargetBook | None = None
    if book_id is not None:
        book = target_book_get(user=user, pk=book_id)
        year = book.year
    elif month is not None:
        year = month.year
    if year is None:
        earlier = [y for y in years if y <= today.year]
        year = earlier[0] if earlier else (years[-1] if years else today.year)
    if book is None:
        book = target_book_for_year(user=user, year=year)
    if month is None or month.year != year:
        latest = dispatch_latest_month(user=user, book=book) if book is not None else None
        month = latest or Month(year, max(1, today.month - 1) if year == today.year else 12)
    books = list(target_book_list(user=user, year=year)) if book is not None else []
    return DispatchChoice(book=book, period=month, years=years, books=books)


def target_unit_options(*, user: User, book: TargetBook) -> QuerySet[OrgUnit]:
    """The city of ``book``, its counties and parks, those the user may read, as a tree."""
    return (
        org_unit_list(user=user)
        .filter(
            path__startswith=book.region.path,
            kind__in=[OrgUnitKind.CITY, OrgUnitKind.COUNTY, OrgUnitKind.PARK],
        )
        .order_by("path")
    )


def target_chain_options(*, user: User, book: TargetBook) -> QuerySet[Chain]:
    """The chains of the book's city the user may read."""
    return chain_options(user=user).filter(city_id=book.region_id).order_by("sort_order", "name")


# -- targets ----------------------------------------------------------------------------------------
def target_list(
    *,
    user: User,
    book: TargetBook | None = None,
    org_unit_id: int | None = None,
    chain_id: int | None = None,
    kind: str | None = None,
) -> QuerySet[Target]:
    """Targets the user may read, in book order, with what pages show of them loaded."""
    qs = scope_for(user).filter(
        Target.objects.select_related("book__region", "indicator", "org_unit", "chain", "parent")
    )
    if book is not None:
        qs = qs.filter(book=book)
    if org_unit_id:
        qs = qs.filter(org_unit_id=org_unit_id)
    if chain_id:
        qs = qs.filter(chain_id=chain_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("book_id", "sort_order", "id")


def target_get(*, user: User, pk: int) -> Target:
    """404 when the target is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(target_list(user=user), pk=pk)


def target_cascade_issues(*, user: User, book: TargetBook) -> list[CascadeIssue]:
    """Parent targets of ``book`` the user may read whose parts do not add up (the children are
    checked whether or not the user may read them; only the parent is named)."""
    visible = set(target_list(user=user, book=book).values_list("pk", flat=True))
    if not visible:
        return []
    everything = list(Target.objects.filter(book=book).select_related("org_unit", "chain"))
    return [issue for issue in cascade_issues(everything) if issue.target.pk in visible]


def target_history(*, user: User, target: Target) -> list[HistoryEntry]:
    """Who changed what of a target already fetched with ``target_get`` (目标调整); the target it is
    a part of is named only when the user may read it."""
    visible = set(target_list(user=user, book=target.book).values_list("pk", flat=True))
    return object_history(target, visible={Target: visible})


def target_progress_series(*, user: User, target: Target, through: Month) -> list[ProgressPoint]:
    """A target's figures month by month, January to ``through`` (of its book's year): frozen
    months as frozen (调度口径), the others live — each point the number ``dispatch_figures``
    shows for that month. ``target`` is already fetched with ``target_get``."""
    book = target.book
    if through.year != book.year:
        return []
    frozen = {
        s.month: s
        for s in dispatch_snapshot_list(user=user, book=book).filter(
            year=book.year, month__lte=through.month
        )
    }
    computed = book_targets(book)
    own = [t for t in computed if t.pk == target.pk]
    live = book_progress_months_cached(book, own, through=through.month)
    points = []
    for month in range(1, through.month + 1):
        snapshot = frozen.get(month)
        rows = []
        if snapshot is not None:  # a target added after the freeze is not in the frozen month
            rows = snapshot_frame(snapshot).filter(pl.col(c.TARGET_ID) == target.pk).to_dicts()
        is_frozen = bool(rows)
        if not rows:
            rows = live[month].filter(pl.col(c.TARGET_ID) == target.pk).to_dicts()
        if rows:
            points.append(progress_point(month, rows[0], frozen=is_frozen))
    return points


# -- milestones -------------------------------------------------------------------------------------
def milestone_task_list(
    *, user: User, book: TargetBook | None = None, status: str | None = None
) -> QuerySet[MilestoneTask]:
    """Milestone tasks the user may read, by deadline, with their update log."""
    updates = MilestoneUpdate.objects.select_related("created_by").order_by("created_at", "id")
    qs = scope_for(user).filter(
        MilestoneTask.objects.select_related("book", "owner_unit", "chain").prefetch_related(
            Prefetch("updates", queryset=updates)
        )
    )
    if book is not None:
        qs = qs.filter(book=book)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("book_id", "deadline", "sort_order", "id")


def milestone_task_get(*, user: User, pk: int) -> MilestoneTask:
    """404 when the task is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(milestone_task_list(user=user), pk=pk)


# -- dispatch ---------------------------------------------------------------------------------------
def dispatch_snapshot_list(
    *, user: User, book: TargetBook | None = None
) -> QuerySet[DispatchSnapshot]:
    """Frozen months (调度口径) of the books the user may read, newest first. Their figures are read
    through ``dispatch_figures`` (scoped per target), never from the snapshot directly."""
    qs = scope_for(user).filter(DispatchSnapshot.objects.select_related("book", "frozen_by"))
    if book is not None:
        qs = qs.filter(book=book)
    return qs.order_by("book_id", "-year", "-month")


def dispatch_latest_month(*, user: User, book: TargetBook) -> Month | None:
    """The month the dispatch pages open on: the latest month of the book's year with reports
    behind its targets, or the latest frozen month when later; None before any report."""
    reported = latest_reported_month(book)
    frozen = (
        dispatch_snapshot_list(user=user, book=book)
        .filter(year=book.year)
        .values_list("month", flat=True)
        .first()
    )
    months = [m for m in (reported, frozen) if m]
    return Month(book.year, max(months)) if months else None


def dispatch_figures(
    *, user: User, year: int, month: int, book_id: int | None = None
) -> DispatchFigures:
    """The month's dispatch figures the user may see (目标任务与按月调度).

    * The book: ``book_id`` (404 when the user may not read it), else ``target_book_for_year``.
    * ``source``: ``"snapshot"`` when the month was frozen (调度口径: figures as dispatched, later
      revisions of the statistics do not change them), else ``"live"`` from the observations
      (engine.targets.dispatch.target_progress: 完成率, 时序进度, 进度差, lights, forecast).
    * ``targets``: one ``TargetFigure`` per target the user may read, in book order.
    * ``counties``/``parks``/``chains``: rankings by the lights; places are among every unit of
      the book (the bulletin's ranking), rows only for units the user sees targets of.
    * ``red_items``: the user's red targets (furthest behind first) and milestones overdue at the
      month's end, with their owners. ``milestones``: the user's milestones with their state.
    """
    period = Month(year, month)
    if book_id is not None:
        book: TargetBook | None = target_book_get(user=user, pk=book_id)
    else:
        book = target_book_for_year(user=user, year=year)
    if book is None:
        return empty_figures(period)
    visible_ids = set(target_list(user=user, book=book).values_list("pk", flat=True))
    all_targets = book_targets(book)
    snapshot = dispatch_snapshot_list(user=user, book=book).filter(year=year, month=month).first()
    if snapshot is not None:
        frame = snapshot_frame(snapshot)
        frozen = {
            row[c.TARGET_ID]: row[c.TARGET]
            for row in frame.select(c.TARGET_ID, c.TARGET).to_dicts()
        }
        # targets added after the freeze are not part of the frozen month
        all_targets = [t for t in all_targets if t.pk in frozen]
    else:
        frame = book_progress_cached(book, all_targets, period=period)
    milestones = list(milestone_task_list(user=user, book=book))
    return figures_from_frame(
        period=period,
        book=book,
        source="snapshot" if snapshot is not None else "live",
        snapshot=snapshot,
        frame=frame,
        all_targets=all_targets,
        visible_ids=visible_ids,
        milestones=milestones,
    )


# -- supervision (督办) and accountability (奖惩问责) -------------------------------------------------
def supervision_task_list(
    *,
    user: User,
    book: TargetBook | None = None,
    year: int | None = None,
    quarter: int | None = None,
    status: str | None = None,
    overdue_on: dt.date | None = None,
) -> QuerySet[SupervisionTask]:
    """督办 tasks the user may read, with their follow-ups; ``overdue_on``: only those past due and
    not completed on that day."""
    follow_ups = SupervisionFollowUp.objects.select_related("created_by").order_by(
        "created_at", "id"
    )
    qs = scope_for(user).filter(
        SupervisionTask.objects.select_related(
            "book", "owner_unit", "chain", "target", "milestone"
        ).prefetch_related(Prefetch("follow_ups", queryset=follow_ups))
    )
    if book is not None:
        qs = qs.filter(book=book)
    if year is not None:
        qs = qs.filter(year=year)
    if quarter is not None:
        qs = qs.filter(quarter=quarter)
    if status:
        qs = qs.filter(status=status)
    if overdue_on is not None:
        qs = qs.filter(due_on__lt=overdue_on).exclude(status="done")
    return qs.order_by("book_id", "-year", "-quarter", "due_on", "id")


def supervision_task_get(*, user: User, pk: int) -> SupervisionTask:
    """404 when the task is missing *or* outside the user's scope (same answer)."""
    return get_in_scope(supervision_task_list(user=user), pk=pk)


def accountability_record_list(
    *, user: User, book: TargetBook | None = None, kind: str | None = None
) -> QuerySet[AccountabilityRecord]:
    """Reward and accountability records the user may read, newest first."""
    qs = scope_for(user).filter(
        AccountabilityRecord.objects.select_related("book", "unit", "chain", "task", "target")
    )
    if book is not None:
        qs = qs.filter(book=book)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("book_id", "-decided_on", "-id")
