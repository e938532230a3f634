"""Reports in the shared ``world`` for completeness and scope tests, and what each persona should see.

August 2025 (after 矮寨锌业 moved to park B1) and March 2025 (before): every enterprise has an
output value; submissions differ by enterprise (``STATUS``), 乾州食品 and 天门山莓茶 have none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from parkchain.indicators.models import (
    Indicator,
    Observation,
    ReportForm,
    Source,
    Submission,
    SubmissionStatus,
)
from parkchain.organisations.tests.visibility import (
    E_A1,
    E_A1_SECOND,
    E_B1,
    E_MOVED,
    Visible,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
AFTER = (2025, 8)
BEFORE = (2025, 3)
# enterprise → (status, late); missing: no Submission row (未报)
STATUS: dict[str, tuple[str, bool]] = {
    E_A1: (SubmissionStatus.APPROVED, False),
    E_A1_SECOND: (SubmissionStatus.SUBMITTED, False),
    E_B1: (SubmissionStatus.SUBMITTED, True),
    E_MOVED: (SubmissionStatus.RETURNED, False),
}


def form(code: str = "ent_monthly") -> ReportForm:
    return ReportForm.objects.get(code=code)


def ensure_reports(world: Any) -> Any:
    """Create the reports once per test (the matrix calls this from every case)."""
    if Submission.objects.exists():
        return world
    monthly = form()
    indicator = Indicator.objects.get(code="output_value")
    for year, month in (AFTER, BEFORE):
        for enterprise in world.enterprises:
            Observation.objects.create(
                indicator=indicator,
                org_unit=enterprise.org_unit,
                year=year,
                month=month,
                value=100,
                source=Source.SEED,
            )
            if enterprise.name not in STATUS:
                continue
            status, late = STATUS[enterprise.name]
            day = 20 if late else 5
            Submission.objects.create(
                form=monthly,
                org_unit=enterprise.org_unit,
                year=year,
                month=month,
                status=status,
                is_late=False,  # lateness must come from the calendar (due on the 10th)
                submitted_at=dt.datetime(year, month + 1, day, 9, tzinfo=SHANGHAI),
            )
    return world


def expected_status(v: Visible, *, before: bool = False) -> set[tuple[str, str, bool]]:
    """(enterprise, status, late) per unit expected in the persona's scope."""
    names = v.enterprises_before_move if before else v.enterprises
    return {(name, *STATUS.get(name, (SubmissionStatus.NOT_SUBMITTED, False))) for name in names}


def to_chase(v: Visible, *, before: bool = False) -> set[str]:
    return {
        name
        for name, status, late in expected_status(v, before=before)
        if late or status in (SubmissionStatus.NOT_SUBMITTED, SubmissionStatus.RETURNED)
    }
