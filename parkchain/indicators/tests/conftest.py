"""Fixtures of the indicators app: our own small registry (see import_fixtures)."""

from __future__ import annotations

import pytest

from parkchain.indicators.tests.import_fixtures import Registry, registry_create


@pytest.fixture
def registry(db: None) -> Registry:
    return registry_create()
