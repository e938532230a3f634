"""``manage.py bulletin --month 2026-10 [--out path] [--freeze] [--supervision]``: the monthly
调度通报 as .docx (and the quarter's 督办清单)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from engine.periods import Month
from parkchain.core.errors import ApplicationError
from parkchain.targets.bulletin import bulletin_docx, supervision_list_docx
from parkchain.targets.models import TargetBook
from parkchain.targets.selectors import (
    dispatch_figures,
    supervision_task_list,
    target_book_for_year,
)
from parkchain.targets.services import dispatch_snapshot_freeze


class Command(BaseCommand):
    help = (
        "Build the monthly dispatch bulletin (调度通报) of a month as a Word document, from the "
        "frozen figures when the month is frozen, else from live data; --freeze freezes it first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="The month, e.g. 2026-10.")
        parser.add_argument("--out", help="Output file (default: bulletin-<month>.docx here).")
        parser.add_argument(
            "--freeze",
            action="store_true",
            help="Freeze the month's figures (调度口径) first, if not frozen yet (task force only).",
        )
        parser.add_argument(
            "--user",
            help="Build as this user, within his scope (default: the first active superuser).",
        )
        parser.add_argument("--book", type=int, help="Target book id (default: the year's book).")
        parser.add_argument("--issue", type=int, help="Issue number, 第N期 (default: the month).")
        parser.add_argument(
            "--date", help="Date on the bulletin, e.g. 2026-11-12 (default: today)."
        )
        parser.add_argument(
            "--supervision",
            action="store_true",
            help="Also write the quarter's supervision list (督办清单) next to the bulletin.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Month.parse(options["month"])
            day = (
                dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
            )
        except ValueError as err:
            raise CommandError(str(err)) from err
        user = self._user(options["user"])
        started = time.perf_counter()
        try:
            book = None
            if options["freeze"]:
                book = target_book_for_year(user=user, year=period.year)
                if book is None:
                    raise CommandError(f"No target book for {period.year} visible to {user}.")
                try:
                    dispatch_snapshot_freeze(
                        actor=user, book=book, year=period.year, month=period.month
                    )
                    self.stdout.write(f"Froze {period} ({book}).")
                except ApplicationError as err:
                    self.stdout.write(f"Not frozen: {err.message}")
            book_id = options["book"] or (book.pk if book else None)
            figures = dispatch_figures(
                user=user, year=period.year, month=period.month, book_id=book_id
            )
        except Http404 as err:
            raise CommandError(f"Target book {options['book']} not found for {user}.") from err
        if figures.book is None:
            raise CommandError(f"No target book for {period.year} visible to {user}.")
        computed = time.perf_counter()
        content = bulletin_docx(figures, issue=options["issue"], issued_on=day)
        out = Path(options["out"] or f"bulletin-{period}.docx")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        done = time.perf_counter()
        if options["supervision"]:
            self._supervision_list(user, figures.book, period, out, day)
        counts = ", ".join(f"{k} {v}" for k, v in figures.rag_counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"{out}: {figures.book} {figures.period_label}, {figures.source} figures, "
                f"{len(figures.targets)} targets ({counts}), {len(figures.red_items)} red items; "
                f"figures {computed - started:.2f} s, document {done - computed:.2f} s, "
                f"total {done - started:.2f} s"
            )
        )

    def _supervision_list(
        self, user: Any, book: TargetBook, period: Month, out: Path, day: dt.date
    ) -> None:
        tasks = list(
            supervision_task_list(user=user, book=book, year=period.year, quarter=period.quarter)
        )
        path = out.with_name(f"supervision-{period.year}-Q{period.quarter}.docx")
        path.write_bytes(
            supervision_list_docx(
                book=book, tasks=tasks, year=period.year, quarter=period.quarter, issued_on=day
            )
        )
        self.stdout.write(f"{path}: {len(tasks)} supervision tasks of {period.quarter_label}")

    def _user(self, username: str | None) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(
                f"No active user {username!r}." if username else "No superuser: pass --user."
            )
        return user
