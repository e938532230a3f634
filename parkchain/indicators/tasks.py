"""Background entry points for import batches (django-tasks; the db worker runs them: `manage.py db_worker`).

Each task takes the batch id (task arguments must be JSON), loads the batch and calls the service;
progress is written on the batch row, so the page can be left and found again.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django_tasks import task

from parkchain.core.errors import ApplicationError
from parkchain.indicators.imports import batch_apply, batch_validate
from parkchain.indicators.models import BatchStatus, ImportBatch

logger = logging.getLogger(__name__)


@task()
def batch_validate_task(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("form", "uploaded_by").get(pk=batch_id)
    try:
        batch_validate(batch=batch)
    except Exception:
        logger.exception("validating import batch %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, progress_note="validation failed"
        )
        raise


@task()
def batch_apply_task(batch_id: int, actor_id: int, confirm_warnings: bool) -> None:
    batch = ImportBatch.objects.select_related("form", "uploaded_by").get(pk=batch_id)
    actor = get_user_model().objects.get(pk=actor_id)
    try:
        batch_apply(batch=batch, actor=actor, confirm_warnings=confirm_warnings)
    except ApplicationError as err:
        ImportBatch.objects.filter(pk=batch_id).update(progress_note=err.message[:200])
    except Exception:
        logger.exception("applying import batch %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.READY,
            progress=0,
            progress_note="applying failed; nothing was written",
        )
        raise
