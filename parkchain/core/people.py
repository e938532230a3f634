"""How people are named on pages: Chinese names family name first, without a space."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser

_CJK = re.compile(r"[\u4e00-\u9fff]")


def display_name(user: AbstractBaseUser) -> str:
    """田晓明 for first_name 晓明 + last_name 田; John Smith for Latin names; else the user name."""
    first = str(getattr(user, "first_name", "") or "").strip()
    last = str(getattr(user, "last_name", "") or "").strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    full = f"{first} {last}".strip()
    return full or str(user.get_username())
