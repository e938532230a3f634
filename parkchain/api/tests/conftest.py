"""API test helpers: tokens for personas, and reporting data in the shared world."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from parkchain.api.services import api_token_create
from parkchain.indicators.models import (
    Indicator,
    Observation,
    ReportForm,
    Source,
    Submission,
    SubmissionStatus,
)

PERIOD = (2025, 8)  # after 矮寨锌业 moved from park A1 to park B1 (2025-07-01)
BEFORE_MOVE = (2025, 3)


@pytest.fixture
def bearer():
    """``bearer(user)`` → headers with a fresh token of ``user``."""

    def make(user: Any) -> dict[str, str]:
        key = api_token_create(actor=user, name="test").key
        return {"Authorization": f"Bearer {key}"}

    return make


def add_reports(world: Any, year: int, month: int) -> None:
    """One output value and one submitted report per enterprise for the period."""
    form = ReportForm.objects.get(code="ent_monthly")
    indicator = Indicator.objects.get(code="output_value")
    for i, enterprise in enumerate(world.enterprises):
        Observation.objects.create(
            indicator=indicator,
            org_unit=enterprise.org_unit,
            year=year,
            month=month,
            value=100 + i,
            source=Source.SEED,
        )
        Submission.objects.create(
            form=form,
            org_unit=enterprise.org_unit,
            year=year,
            month=month,
            status=SubmissionStatus.SUBMITTED,
            submitted_at=dt.datetime(year, month % 12 + 1, 5, 9, tzinfo=dt.UTC),
        )


@pytest.fixture
def reports(world):
    add_reports(world, *PERIOD)
    add_reports(world, *BEFORE_MOVE)
    return world
