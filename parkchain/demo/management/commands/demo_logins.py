"""``manage.py demo_logins``: the demo users that exist, as a table (printed by ``make run``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from parkchain.demo.users import DEMO_PASSWORD, DEMO_USERS

HEADERS = ("角色", "用户名", "密码", "可见范围")


def display_width(text: str) -> int:
    """Terminal columns: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def render_table(rows: Sequence[tuple[str, ...]]) -> str:
    """An ASCII-bordered table whose columns line up with CJK text."""
    table = [HEADERS, *rows]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(HEADERS))]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(row: tuple[str, ...]) -> str:
        return "| " + " | ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)) + " |"

    return "\n".join([rule, line(HEADERS), rule, *(line(r) for r in rows), rule])


class Command(BaseCommand):
    help = "List the demo logins present in the database (role, username, password, what they see)."

    def handle(self, *args: Any, **options: Any) -> None:
        present = set(
            get_user_model()
            .objects.filter(username__in=[u.username for u in DEMO_USERS], is_active=True)
            .values_list("username", flat=True)
        )
        rows = [
            (u.label, u.username, DEMO_PASSWORD, u.sees)
            for u in DEMO_USERS
            if u.username in present
        ]
        if not rows:
            self.stdout.write("No demo users yet: run `manage.py seed_demo` (or `make demo`).")
            return
        self.stdout.write("Demo logins (every password is the same):")
        self.stdout.write(render_table(rows))
