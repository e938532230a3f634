"""Import batches for the scope-leak matrix (parkchain/organisations/tests/test_scope_matrix.py).

One batch per org unit of the world, uploaded by a user outside every persona: a persona sees a
batch exactly when the batch's unit is one of the org units it may read.
"""

from __future__ import annotations

from typing import Any

from parkchain.indicators.models import ImportBatch, Level, Periodicity, ReportForm
from parkchain.organisations.tests.factories import UserFactory


def batch_units(world: Any) -> list[Any]:
    return [
        world.city,
        world.county_a,
        world.county_b,
        world.park_a1.org_unit,
        world.park_b1.org_unit,
        world.enterprise_a1.org_unit,
        world.enterprise_moved.org_unit,
        world.other_city,
    ]


def world_batches(world: Any) -> list[ImportBatch]:
    """The batches (created once per test), each with ``name`` = its unit's name (for GetCase)."""
    existing = list(
        ImportBatch.objects.filter(original_name__startswith="matrix-").select_related("scope_unit")
    )
    if existing:
        for batch in existing:
            batch.name = batch.scope_unit.name  # type: ignore[attr-defined, union-attr]
        return existing
    form, _created = ReportForm.objects.get_or_create(
        code="matrix_form",
        defaults={"name": "matrix", "level": Level.ENTERPRISE, "periodicity": Periodicity.MONTHLY},
    )
    uploader = UserFactory.create(username="matrix_uploader")
    return world_batches_named(
        [
            ImportBatch.objects.create(
                form=form,
                uploaded_by_id=uploader.pk,
                scope_unit=unit,
                year=2026,
                month=3,
                original_name=f"matrix-{unit.name}.xlsx",
                sha256="0" * 64,
            )
            for unit in batch_units(world)
        ]
    )


def world_batches_named(batches: list[ImportBatch]) -> list[ImportBatch]:
    for batch in batches:
        batch.name = batch.scope_unit.name  # type: ignore[attr-defined, union-attr]
    return batches


def batch_list_rows(f: Any, world: Any, user: Any) -> list[str]:
    world_batches(world)
    return [b.scope_unit.name for b in f(user=user) if b.original_name.startswith("matrix-")]


def batch_get_rows(f: Any, world: Any, user: Any) -> list[str]:
    import contextlib

    from django.http import Http404

    found = []
    for batch in world_batches(world):
        with contextlib.suppress(Http404):
            found.append(f(user=user, pk=batch.pk).scope_unit.name)
    return found


def batch_expected(world: Any, visible: Any) -> set[str]:
    return {u.name for u in batch_units(world) if u.name in visible.org_units}
