"""Writes to the enterprise registry: validated, atomic, with history (django-simple-history)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkchain.core.errors import ApplicationError
from parkchain.enterprises.models import Enterprise, ParkMembership
from parkchain.organisations.models import OrgUnit, OrgUnitKind, Park, Region
from parkchain.organisations.scopes import scope_for
from parkchain.organisations.services import org_unit_create, org_unit_move, org_unit_rename


def _history_user(obj: object, actor: AbstractBaseUser | None) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]  # read by simple-history outside requests


@transaction.atomic
def enterprise_create(
    *,
    actor: AbstractBaseUser | None,
    credit_code: str,
    name: str,
    county: OrgUnit,
    region: Region,
    industry_code: str,
    park: Park | None = None,
    joined_on: dt.date | None = None,
    land_mu: Decimal = Decimal(0),
    **fields: object,
) -> Enterprise:
    """Register an enterprise under its park (or its county when outside parks), with its org unit."""
    if county.kind != OrgUnitKind.COUNTY:
        raise ApplicationError(_("An enterprise must be registered in a county-level unit."))
    if actor is not None:
        scope_for(actor).require_write(park.org_unit if park else county)
    parent = park.org_unit if park else county
    unit = org_unit_create(name=name, kind=OrgUnitKind.ENTERPRISE, parent=parent, code=credit_code)
    enterprise = Enterprise(
        org_unit=unit,
        credit_code=credit_code,
        name=name,
        county=county,
        region=region,
        industry_code=industry_code,
        park=park,
        land_mu=land_mu,
        **fields,
    )
    enterprise.full_clean()
    _history_user(enterprise, actor)
    enterprise.save()
    if park is not None:
        membership = ParkMembership(
            enterprise=enterprise, park=park, valid_from=joined_on or timezone.localdate()
        )
        membership.full_clean()
        _history_user(membership, actor)
        membership.save()
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: AbstractBaseUser | None, enterprise: Enterprise, **fields: object
) -> Enterprise:
    """Change plain fields (not park: use enterprise_move_park). History keeps the old values."""
    if actor is not None:
        scope_for(actor).require_write(enterprise.org_unit)
    forbidden = {
        "park",
        "park_id",
        "org_unit",
        "org_unit_id",
        "county",
        "county_id",
    } & fields.keys()
    if forbidden:
        raise ApplicationError(_("Use the park move to change an enterprise's park or county."))
    for key, value in fields.items():
        setattr(enterprise, key, value)
    enterprise.full_clean()
    _history_user(enterprise, actor)
    enterprise.save()
    if "name" in fields:
        org_unit_rename(unit=enterprise.org_unit, name=enterprise.name)
    return enterprise


@transaction.atomic
def enterprise_move_park(
    *,
    actor: AbstractBaseUser | None,
    enterprise: Enterprise,
    park: Park | None,
    on: dt.date,
    note: str = "",
) -> Enterprise:
    """Move an enterprise to ``park`` (None = leaves parks) from ``on``; earlier periods stay with the old park."""
    if actor is not None:
        scope = scope_for(actor)
        scope.require_write(enterprise.org_unit)
        if park is not None:
            scope.require_write(park.org_unit)
    current = ParkMembership.objects.filter(enterprise=enterprise, valid_to__isnull=True).first()
    if current is not None:
        if current.valid_from >= on:
            raise ApplicationError(
                _("The move date must be after the start of the current park membership.")
            )
        current.valid_to = on
        _history_user(current, actor)
        current.save()
    if park is not None:
        membership = ParkMembership(enterprise=enterprise, park=park, valid_from=on, note=note)
        membership.full_clean()
        _history_user(membership, actor)
        membership.save()
        new_parent = park.org_unit
        county = park.org_unit.parent
    else:
        new_parent = enterprise.county
        county = enterprise.county
    org_unit_move(unit=enterprise.org_unit, new_parent=new_parent)
    enterprise.refresh_from_db()
    enterprise.park = park
    if county is None:  # a park always sits under a county (org_unit_create enforces it)
        raise ApplicationError(_("The park has no county."))
    if county.pk != enterprise.county_id:
        # a move into another county re-registers the firm there: its GB/T 2260 region follows
        enterprise.county = county
        new_region = Region.objects.filter(org_unit=county).first()
        if new_region is not None:
            enterprise.region = new_region
    _history_user(enterprise, actor)
    enterprise.save()
    return enterprise
