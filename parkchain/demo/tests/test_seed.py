"""The demo data generator: deterministic, valid codes, consistent tree, realistic shape (county scale)."""

from __future__ import annotations

import io
import statistics

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F

from parkchain.chains.models import Chain, ChainLink, LinkRole, NodePosition
from parkchain.demo.generator import demo_flush, demo_seed
from parkchain.demo.management.commands.demo_logins import display_width
from parkchain.demo.users import DEMO_PASSWORD, DEMO_USERS
from parkchain.enterprises import credit_code
from parkchain.enterprises.models import Enterprise, EnterpriseSize, ParkMembership
from parkchain.organisations.models import Membership, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_demo():
    return demo_seed(scale="county", seed=42, history=False)


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        Enterprise.objects.order_by("credit_code").values_list(
            "credit_code",
            "name",
            "park__name",
            "size",
            "land_mu",
            "established_on",
            "industry_code",
        )
    )


def test_same_seed_gives_identical_enterprises():
    # given
    demo_seed(scale="county", seed=7, history=False)
    first = _snapshot()
    demo_flush()
    # when
    demo_seed(scale="county", seed=7, history=False)
    # then
    assert first
    assert _snapshot() == first


def test_another_seed_gives_other_enterprises():
    demo_seed(scale="county", seed=7, history=False)
    first = {code for code, *_ in _snapshot()}
    demo_flush()
    demo_seed(scale="county", seed=8, history=False)
    assert first != {code for code, *_ in _snapshot()}


def test_every_credit_code_validates_and_is_unique(county_demo):
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(codes) == county_demo.enterprises == len(set(codes))
    for code in codes:
        assert credit_code.validate(code) == code


def test_enterprise_names_are_unique(county_demo):
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))


def test_every_org_unit_path_is_parent_path_plus_own_id(county_demo):
    units = {unit.pk: unit for unit in OrgUnit.objects.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id) if unit.parent_id else None
        assert unit.path == f"{parent.path if parent else '/'}{unit.pk}/"
        assert unit.depth == (parent.depth + 1 if parent else 0)


def test_enterprises_in_parks_have_one_open_membership_of_their_park(county_demo):
    in_parks = Enterprise.objects.filter(park__isnull=False)
    assert in_parks.exists()
    for enterprise in in_parks.prefetch_related("park_memberships"):
        open_rows = [m for m in enterprise.park_memberships.all() if m.valid_to is None]
        assert [m.park_id for m in open_rows] == [enterprise.park_id]
    assert not in_parks.exclude(org_unit__parent=F("park__org_unit")).exists()
    outside = Enterprise.objects.filter(park__isnull=True)
    assert not outside.exclude(org_unit__parent=F("county")).exists()
    assert not ParkMembership.objects.filter(
        enterprise__park__isnull=True, valid_to__isnull=True
    ).exists()


def test_moved_enterprises_keep_their_old_membership(county_demo):
    closed = ParkMembership.objects.filter(valid_to__isnull=False).select_related("enterprise")
    assert closed.count() == county_demo.moved > 0
    for old in closed:
        new = ParkMembership.objects.get(enterprise=old.enterprise, valid_to__isnull=True)
        assert new.valid_from == old.valid_to
        assert new.park_id == old.enterprise.park_id != old.park_id


def test_size_distribution_is_skewed_like_a_poor_prefecture(county_demo):
    lands = [float(v) for v in Enterprise.objects.values_list("land_mu", flat=True)]
    assert statistics.median(lands) < statistics.mean(lands)
    sizes = list(Enterprise.objects.values_list("size", flat=True))
    assert EnterpriseSize.LARGE in sizes
    small_or_micro = sum(s in (EnterpriseSize.SMALL, EnterpriseSize.MICRO) for s in sizes)
    assert small_or_micro > 0.85 * len(sizes)


def test_each_chain_has_a_node_tree_with_all_three_positions(county_demo):
    chains = Chain.objects.prefetch_related("nodes")
    assert chains.count() == 9
    for chain in chains:
        nodes = list(chain.nodes.all())
        assert {n.position for n in nodes} == set(NodePosition.values)
        assert any(n.parent_id is None for n in nodes)
        assert any(n.parent_id is not None for n in nodes)
        assert all(1 <= n.importance <= 5 for n in nodes)


def test_anchor_is_baijiu_chain_master(county_demo):
    link = ChainLink.objects.select_related("enterprise", "node__chain").get(
        role=LinkRole.MASTER, node__chain__code="baijiu"
    )
    assert link.enterprise.name == "酒鬼酒股份有限公司"
    assert link.enterprise.size == EnterpriseSize.LARGE


def test_demo_users_exist_only_where_their_target_does(county_demo):
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {
        "admin",
        "city",
        "chain_baijiu",
        "county_jishou",
        "park_huayuan",
        "ent_jiugui",
    } <= usernames
    assert "county_luxi" not in usernames  # 泸溪县 is not part of the county-scale demo
    assert "park_gaoxin" not in usernames
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password(DEMO_PASSWORD)
    for membership in Membership.objects.select_related("org_unit"):
        membership.full_clean()


def test_seed_command_if_empty_leaves_existing_data_alone(county_demo):
    out = io.StringIO()
    call_command("seed_demo", "--scale", "county", "--seed", "1", "--if-empty", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert Enterprise.objects.count() == county_demo.enterprises


def test_seed_command_refuses_a_non_empty_database_without_flush(county_demo):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "county", "--seed", "1", stdout=io.StringIO())


def test_demo_logins_prints_an_aligned_table(county_demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith(("+", "|"))]
    assert len({display_width(line) for line in lines}) == 1
    text = out.getvalue()
    assert "ent_jiugui" in text
    assert DEMO_PASSWORD in text
    assert "county_luxi" not in text
    assert len(DEMO_USERS) == 14
