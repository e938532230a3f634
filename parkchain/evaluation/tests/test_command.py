"""``manage.py evaluate``: runs through the services and prints a summary."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from parkchain.evaluation.models import EvaluationRun, RunStatus, SchemeKind

pytestmark = pytest.mark.django_db


def _call(*args, **env):
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_the_command_evaluates_and_counts_the_grades(figures, superuser, monkeypatch):
    # given
    monkeypatch.setenv("LANGUAGE", "en")
    # when
    output = _call("--scheme", "xiangxi", "--year", "2025", "--region", "433100")
    # then
    run = EvaluationRun.objects.get()
    graded = run.enterprise_results.filter(status="graded")
    assert f"Run #{run.pk}" in output
    assert "Grades: A " in output
    assert f"graded {graded.count()}" in output
    for grade in "ABCD":
        assert f"{grade} {graded.filter(grade=grade).count()}" in output
    assert "s in all" in output


def test_the_command_publishes_with_a_deadline(figures, city_analyst, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")
    output = _call(
        "--year",
        "2025",
        "--region",
        "433101",
        "--user",
        "city_analyst",
        "--publish",
        "--deadline",
        "2099-01-31",
    )
    run = EvaluationRun.objects.get()
    assert (run.status, str(run.publicity_deadline)) == (RunStatus.PUBLICISED, "2099-01-31")
    assert run.region == figures.county_a
    assert "2099-01-31" in output


def test_the_command_runs_park_and_county_kinds(figures, superuser):
    _call("--kind", "park_five_good", "--year", "2025", "--region", "433100")
    _call("--kind", "county_mu", "--year", "2025", "--region", "433100")
    assert set(EvaluationRun.objects.values_list("kind", flat=True)) == {
        SchemeKind.PARK_FIVE_GOOD,
        SchemeKind.COUNTY_MU,
    }


def test_the_command_speaks_chinese_by_default(figures, superuser, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    output = _call("--year", "2025", "--region", "433100")
    assert "#" in output  # the catalogue may still lack the new msgids; the command runs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--scheme", "nope", "--year", "2025", "--region", "433100"), "nope"),
        (("--scheme", "five_good", "--kind", "enterprise_mu", "--year", "2025"), "five_good"),
        (("--year", "2025", "--region", "999999"), "999999"),
        (("--year", "2025", "--region", "433100", "--user", "county_a_user"), "county_a_user"),
    ],
)
def test_the_command_explains_what_is_wrong(
    figures, superuser, county_a_user, monkeypatch, args, message
):
    monkeypatch.setenv("LANGUAGE", "en")
    with pytest.raises(CommandError, match=message):
        _call(*args)
    assert not EvaluationRun.objects.exists()
