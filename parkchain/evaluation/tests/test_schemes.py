"""Schemes as versioned data: presets seeded, new versions, and immutability once used."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from parkchain.core.errors import ApplicationError
from parkchain.evaluation.models import Scheme, SchemeVersion, SchemeVersionInUse
from parkchain.evaluation.services import (
    canonical_hash,
    run_reproduce,
    scheme_version_create,
    scheme_version_parsed,
    scheme_version_update,
)

pytestmark = pytest.mark.django_db


def _with_floor(version: SchemeVersion, value: float) -> dict[str, Any]:
    definition = copy.deepcopy(version.definition)
    definition["abs_floor_d"]["value"] = value
    return definition


def test_the_presets_are_seeded_as_version_1():
    # given / when
    schemes = {s.code: s for s in Scheme.objects.all()}
    # then
    assert set(schemes) == {"xiangxi", "zj6", "huaian", "city5", "five_good", "county_mu"}
    for scheme in schemes.values():
        version = scheme.versions.get(version=1)
        assert scheme.is_preset
        assert version.definition_hash == canonical_hash(version.definition)
        assert scheme_version_parsed(version).code == scheme.code


def test_a_new_version_takes_the_next_number(city_analyst, xiangxi):
    # when
    created = scheme_version_create(
        actor=city_analyst,
        scheme=xiangxi.scheme,
        definition=_with_floor(xiangxi, 0.5),
        note="2025: lower floor",
    )
    # then
    assert created.version == 2
    assert created.definition["abs_floor_d"]["value"] == 0.5
    assert created.definition_hash != xiangxi.definition_hash
    assert created.created_by == city_analyst


def test_an_identical_definition_is_not_a_new_version(city_analyst, xiangxi):
    with pytest.raises(ApplicationError, match="identical"):
        scheme_version_create(
            actor=city_analyst, scheme=xiangxi.scheme, definition=copy.deepcopy(xiangxi.definition)
        )
    assert xiangxi.scheme.versions.count() == 1


def test_an_invalid_definition_is_refused_naming_the_field(city_analyst, xiangxi):
    # given
    definition = copy.deepcopy(xiangxi.definition)
    definition["groups"][0]["cuts"] = {"A": 0.7, "B": 0.6, "C": 0.95}
    # when / then
    with pytest.raises(ApplicationError) as raised:
        scheme_version_create(actor=city_analyst, scheme=xiangxi.scheme, definition=definition)
    assert "groups.0.cuts" in raised.value.message
    assert xiangxi.scheme.versions.count() == 1


def test_a_version_used_by_a_run_cannot_change(city_run, city_analyst, xiangxi):
    # given: city_run used xiangxi v1
    version = SchemeVersion.objects.get(pk=xiangxi.pk)
    # when / then: neither the model nor the service lets it change
    version.definition = _with_floor(xiangxi, 0.2)
    with pytest.raises(SchemeVersionInUse):
        version.save()
    with pytest.raises(ApplicationError, match="new version"):
        scheme_version_update(
            actor=city_analyst, version=xiangxi, definition=_with_floor(xiangxi, 0.2)
        )
    # and the run still reproduces from the untouched version
    assert SchemeVersion.objects.get(pk=xiangxi.pk).definition == xiangxi.definition
    assert run_reproduce(run=city_run).matches


def test_an_unused_version_can_be_corrected(city_analyst, xiangxi):
    # given
    draft = scheme_version_create(
        actor=city_analyst, scheme=xiangxi.scheme, definition=_with_floor(xiangxi, 0.5)
    )
    # when
    corrected = scheme_version_update(
        actor=city_analyst, version=draft, definition=_with_floor(xiangxi, 0.4)
    )
    # then
    assert corrected.version == 2
    assert SchemeVersion.objects.get(pk=draft.pk).definition["abs_floor_d"]["value"] == 0.4


@pytest.mark.parametrize("persona", ["county_a_user", "leader", "enterprise_user", "park_a1_user"])
def test_only_the_city_task_force_makes_scheme_versions(request, persona, world, xiangxi):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        scheme_version_create(
            actor=user, scheme=xiangxi.scheme, definition=_with_floor(xiangxi, 0.5)
        )
