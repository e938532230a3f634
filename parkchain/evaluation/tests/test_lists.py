"""六个清单 snapshots: built from the data of the period, frozen with their rule version."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from parkchain.core.errors import ApplicationError
from parkchain.evaluation.models import ListKind, ListRow
from parkchain.evaluation.services import lists_build
from parkchain.evaluation.tests import world as ew

pytestmark = pytest.mark.django_db


def test_a_snapshot_freezes_the_lists_and_their_rules(figures, city_analyst):
    # when
    snapshot = lists_build(actor=city_analyst, year=ew.YEAR, month=0, scope=figures.city)
    # then
    assert snapshot.rule_version.startswith("lists@")
    assert snapshot.rules["n_city"] == 20
    top_tax = list(snapshot.rows.filter(kind=ListKind.TOP_TAX).order_by("rank"))
    assert [r.enterprise for r in top_tax][:2] == [
        figures.enterprise_a1,
        figures.enterprise_a1_second,
    ]
    assert top_tax[0].value == pytest.approx(900)
    assert '"ytd"' in top_tax[0].evidence
    kinds = set(snapshot.rows.values_list("kind", flat=True))
    assert {ListKind.TOP_OUTPUT, ListKind.TOP_TAX, ListKind.NEW_ABOVE_SCALE} <= kinds
    assert snapshot.built_by == city_analyst


def test_a_county_builds_the_lists_of_its_county_only(figures, county_a_user):
    snapshot = lists_build(actor=county_a_user, year=ew.YEAR, month=0, scope=figures.county_a)
    enterprises = set(
        ListRow.objects.filter(snapshot=snapshot).values_list("enterprise__name", flat=True)
    )
    assert enterprises <= {"湘泉酿酒有限公司", "峒河新材料有限公司", "乾州食品有限公司"}
    assert enterprises


def test_lists_of_another_county_are_refused(figures, county_a_user):
    with pytest.raises(Http404):
        lists_build(actor=county_a_user, year=ew.YEAR, month=0, scope=figures.county_b)


@pytest.mark.parametrize("persona", ["leader", "enterprise_user", "chain_office_user"])
def test_readers_do_not_build_lists(request, persona, figures):
    user = request.getfixturevalue(persona)
    with pytest.raises((PermissionDenied, Http404)):
        lists_build(actor=user, year=ew.YEAR, month=0, scope=figures.city)


def test_the_month_must_be_a_month(figures, city_analyst):
    with pytest.raises(ApplicationError):
        lists_build(actor=city_analyst, year=ew.YEAR, month=13, scope=figures.city)
