"""A run re-computes exactly from what it stored, whatever happened to the live data since."""

from __future__ import annotations

import io

import pytest

from parkchain.core.errors import ApplicationError
from parkchain.evaluation.inputs import frame_from_parquet, frame_to_parquet
from parkchain.evaluation.models import EnterpriseResult, RunInput
from parkchain.evaluation.services import (
    county_run_create,
    park_run_create,
    run_reproduce,
)
from parkchain.evaluation.tests import world as ew
from parkchain.indicators.models import Observation

pytestmark = pytest.mark.django_db


def test_a_run_reproduces_exactly(city_run, city_analyst):
    reproduction = run_reproduce(run=city_run, actor=city_analyst)
    assert reproduction.matches
    assert reproduction.result_hash == city_run.result_hash
    assert reproduction.changed == []
    assert reproduction.inputs_changed_since is False


def test_a_run_still_reproduces_after_the_observations_changed(city_run, city_analyst, figures):
    # given: the 2025 tax of 湘泉酿酒 is corrected after the run
    Observation.objects.filter(
        org_unit=figures.enterprise_a1.org_unit, year=ew.YEAR, month=0, indicator__code="tax_annual"
    ).update(value=50)
    # when
    reproduction = run_reproduce(run=city_run, actor=city_analyst)
    # then: the stored inputs still give the stored results; the live data differ
    assert reproduction.matches
    assert reproduction.inputs_changed_since is True


def test_reproduction_detects_a_changed_result(city_run, figures):
    # given: someone edits a stored total in the database
    EnterpriseResult.objects.filter(run=city_run, enterprise=figures.enterprise_a1).update(
        total=999.0
    )
    # when
    reproduction = run_reproduce(run=city_run)
    # then
    assert not reproduction.matches
    assert reproduction.hash_matches  # the engine output is unchanged …
    assert reproduction.changed == [str(figures.enterprise_a1.pk)]  # … the stored row is not


def test_reproduction_detects_changed_stored_inputs(city_run, figures):
    # given: the stored input frame is altered
    stored = RunInput.objects.get(run=city_run, name="enterprises")
    frame = frame_from_parquet(stored.data)
    altered = frame.with_columns((frame["tax_annual"] * 3).alias("tax_annual"))
    stored.data = frame_to_parquet(altered)
    stored.save()
    # when
    reproduction = run_reproduce(run=city_run)
    # then
    assert not reproduction.matches
    assert not reproduction.hash_matches
    assert reproduction.changed


def test_park_and_county_runs_reproduce(figures, city_analyst):
    for create, code in ((park_run_create, "five_good"), (county_run_create, "county_mu")):
        run = create(
            actor=city_analyst, scheme_version=ew.version(code), year=ew.YEAR, region=figures.city
        )
        assert run_reproduce(run=run, actor=city_analyst).matches


def test_parquet_round_trip_keeps_the_frame(city_run):
    stored = RunInput.objects.get(run=city_run, name="enterprises")
    frame = frame_from_parquet(stored.data)
    assert frame_from_parquet(io.BytesIO(frame_to_parquet(frame)).getvalue()).equals(frame)


def test_official_runs_are_not_recomputed(figures, city_analyst):
    from parkchain.evaluation.tests.test_official_import import official_run

    run = official_run(figures, city_analyst)
    with pytest.raises(ApplicationError, match="official"):
        run_reproduce(run=run)
