"""manage.py api_token_create <username> --name "ERP sync" [--days 365]: prints a new API token once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parkchain.api.services import api_token_create
from parkchain.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--days", type=int, default=None, help="expires after N days")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["username"], is_active=True)
        except get_user_model().DoesNotExist as err:
            raise CommandError(f"No active user {options['username']!r}.") from err
        days = options["days"]
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            issued = api_token_create(actor=user, name=options["name"], expires_at=expires_at)
        except ApplicationError as err:
            raise CommandError(err.message) from err
        self.stdout.write(issued.key)
        self.stderr.write(
            f"Token {issued.token.prefix}… for {user.get_username()}"
            + (f", expires {issued.token.expires_at:%Y-%m-%d}" if expires_at else "")
            + ". Store it now: it cannot be shown again."
        )
