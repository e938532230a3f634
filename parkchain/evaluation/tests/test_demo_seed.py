"""The demo evaluations (parkchain/demo/evaluation.py), at county scale."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from parkchain.demo.evaluation import evaluation_demo_flush, evaluation_demo_seed
from parkchain.demo.generator import demo_seed
from parkchain.evaluation.models import (
    EvaluationFlag,
    EvaluationRun,
    ListSnapshot,
    Objection,
    ObjectionStatus,
    RunStatus,
    SchemeVersion,
)
from parkchain.evaluation.services import run_reproduce

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    demo_seed(scale="county", seed=42, history=False)
    return evaluation_demo_seed(seed=42)


def test_the_demo_shows_a_final_a_draft_and_a_publicised_2025_evaluation(seeded):
    # then
    runs = {
        (r.kind, r.region.code, r.status) for r in EvaluationRun.objects.select_related("region")
    }
    assert ("enterprise_mu", "433100", RunStatus.FINAL) in runs
    assert ("enterprise_mu", "433100", RunStatus.DRAFT) in runs
    assert ("enterprise_mu", "433101", RunStatus.PUBLICISED) in runs
    assert ("park_five_good", "433100", RunStatus.FINAL) in runs
    assert ("county_mu", "433100", RunStatus.FINAL) in runs
    assert set(seeded.final_grades) == {"A", "B", "C", "D"}
    assert seeded.flags > 0
    assert seeded.events > 0
    assert seeded.list_rows > 0


def test_the_demo_final_run_uses_xiangxi_v2_and_had_objections(seeded):
    final = EvaluationRun.objects.get(kind="enterprise_mu", status=RunStatus.FINAL)
    assert (final.scheme_version.scheme.code, final.scheme_version.version) == ("xiangxi", 2)
    decided = set(final.objections.values_list("status", flat=True))
    assert decided == {ObjectionStatus.ACCEPTED, ObjectionStatus.REJECTED}
    assert final.finalised_at.date().isoformat() == "2026-06-23"
    assert run_reproduce(run=final).matches


def test_the_publicised_run_is_open_for_objections(seeded):
    publicised = EvaluationRun.objects.get(status=RunStatus.PUBLICISED)
    assert publicised.publicity_deadline > timezone.localdate()
    assert publicised.objections.filter(status=ObjectionStatus.OPEN).count() == 1


def test_the_demo_evaluation_is_flushed(seeded):
    evaluation_demo_flush()
    assert not EvaluationRun.objects.exists()
    assert not Objection.objects.exists()
    assert not EvaluationFlag.objects.exists()
    assert not ListSnapshot.objects.exists()
    assert SchemeVersion.objects.count() == 6  # the presets of the migration stay


def test_seed_demo_reseeds_over_an_evaluated_database(seeded):
    out = io.StringIO()
    call_command("seed_demo", "--scale", "county", "--flush", "--no-history", stdout=out)
    assert "evaluation:" in out.getvalue()
    assert EvaluationRun.objects.filter(status=RunStatus.FINAL, kind="enterprise_mu").count() == 1
