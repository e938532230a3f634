"""Fixtures of the targets app: the root ``world`` with target books and reported data (world.py)."""

from __future__ import annotations

from typing import Any

import pytest

from parkchain.targets.tests import world as tw


@pytest.fixture
def books(world: Any) -> tw.TargetsWorld:
    return tw.build(world)
