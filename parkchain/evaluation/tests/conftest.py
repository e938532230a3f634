"""Fixtures of the evaluation app: the root ``world`` with 2025 figures (see world.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from parkchain.evaluation.models import SchemeVersion
from parkchain.evaluation.tests import world as ew


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Service messages are asserted in English (the msgids); pages still render in Chinese
    (the locale middleware activates zh-hans per request)."""
    with translation.override("en"):
        yield


@pytest.fixture
def figures(world: Any) -> Any:
    ew.add_figures(world)
    return world


@pytest.fixture
def xiangxi() -> SchemeVersion:
    return ew.version("xiangxi")


@pytest.fixture
def city_run(figures: Any, city_analyst: Any, xiangxi: SchemeVersion) -> Any:
    from parkchain.evaluation.services import run_create

    return run_create(actor=city_analyst, scheme_version=xiangxi, year=ew.YEAR, region=figures.city)
