"""Writes to the organisation tree. Paths are maintained here and nowhere else."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from parkchain.organisations.models import OrgUnit, OrgUnitKind

_ALLOWED_PARENT = {
    OrgUnitKind.PROVINCE: (None,),
    OrgUnitKind.CITY: (None, OrgUnitKind.PROVINCE),
    OrgUnitKind.COUNTY: (OrgUnitKind.CITY,),
    OrgUnitKind.PARK: (OrgUnitKind.COUNTY,),
    OrgUnitKind.ENTERPRISE: (OrgUnitKind.COUNTY, OrgUnitKind.PARK),
}


def _check_parent(kind: str, parent: OrgUnit | None) -> None:
    from django.core.exceptions import ValidationError

    allowed = _ALLOWED_PARENT[OrgUnitKind(kind)]
    parent_kind = OrgUnitKind(parent.kind) if parent else None
    if parent_kind not in allowed:
        raise ValidationError(
            "A %(kind)s cannot sit under a %(parent)s.",
            params={"kind": kind, "parent": parent_kind or "nothing"},
        )


@transaction.atomic
def org_unit_create(*, name: str, kind: str, parent: OrgUnit | None, code: str = "") -> OrgUnit:
    """Create a unit under ``parent`` and give it its materialised path ``<parent path><id>/``."""
    _check_parent(kind, parent)
    unit = OrgUnit(name=name, kind=kind, parent=parent, code=code)
    unit.depth = (parent.depth + 1) if parent else 0
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def org_unit_move(*, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Re-parent ``unit``; the paths of its whole subtree are rewritten in one UPDATE."""
    _check_parent(unit.kind, new_parent)
    old_path = unit.path
    new_path = f"{new_parent.path}{unit.pk}/"
    depth_shift = new_parent.depth + 1 - unit.depth
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    unit.refresh_from_db()
    unit.parent = new_parent
    unit.save(update_fields=["parent"])
    return unit


def org_unit_rename(*, unit: OrgUnit, name: str) -> OrgUnit:
    unit.name = name
    unit.full_clean()
    unit.save(update_fields=["name", "updated_at"])
    return unit
