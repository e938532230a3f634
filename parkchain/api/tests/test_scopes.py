"""Scope leaks over the API: for every persona and list endpoint, no out-of-scope enterprise, park or
chain appears in the JSON; out-of-scope detail ids and credit codes answer 404 exactly like missing ones."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest

from parkchain.api.tests.conftest import BEFORE_MOVE, PERIOD
from parkchain.core.tests.test_page_scopes import forbidden, leaks, shows_name
from parkchain.organisations.tests.visibility import PERSONAS, VISIBLE, Visible


@dataclass(frozen=True)
class Endpoint:
    path: str
    query: Callable[[Any], dict[str, Any]] = lambda w: {}
    label: str = ""
    shows: Callable[[Visible], Iterable[str]] | None = None

    @property
    def id(self) -> str:
        return f"{self.path}[{self.label}]" if self.label else self.path


def _period(period: tuple[int, int], **extra: Any) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"year": period[0], "month": period[1], **extra}


ENDPOINTS = [
    Endpoint("/api/parks", shows=lambda v: v.parks),
    Endpoint("/api/parks", lambda w: {"county": w.county_b.pk}, "county=B"),
    Endpoint("/api/parks", lambda w: {"q": "花垣"}, "q"),
    Endpoint("/api/enterprises", lambda w: {"page_size": 100}, shows=lambda v: v.enterprises),
    Endpoint("/api/enterprises", lambda w: {"county": w.county_b.pk}, "county=B"),
    Endpoint("/api/enterprises", lambda w: {"county": w.county_a.pk}, "county=A"),
    Endpoint("/api/enterprises", lambda w: {"park": w.park_b1.pk}, "park=B1"),
    Endpoint("/api/enterprises", lambda w: {"park": w.park_other.pk}, "park=other"),
    Endpoint("/api/enterprises", lambda w: {"chain": w.chain_y.pk}, "chain=Y"),
    Endpoint("/api/enterprises", lambda w: {"chain": w.chain_z.pk}, "chain=Z"),
    Endpoint("/api/enterprises", lambda w: {"q": "有限公司"}, "q"),
    Endpoint("/api/chains", shows=lambda v: v.chains),
    Endpoint("/api/observations", _period(PERIOD), "after move", shows=lambda v: v.enterprises),
    Endpoint("/api/observations", _period(BEFORE_MOVE), "before move", shows=lambda v: v.enterprises_before_move),
    Endpoint("/api/observations", _period(PERIOD, form="ent_monthly"), "form"),
    Endpoint("/api/submissions", _period(PERIOD), "after move", shows=lambda v: v.enterprises),
    Endpoint("/api/submissions", _period(BEFORE_MOVE), "before move", shows=lambda v: v.enterprises_before_move),
    Endpoint("/api/submissions", _period(PERIOD, status="submitted", form="ent_monthly"), "status"),
]  # fmt: skip


def _before_move_forbidden(world, v: Visible) -> dict[str, str]:
    # before the move, 矮寨锌业 is county A's (park A1) and not county B's
    return forbidden(world, Visible(**{**v.__dict__, "enterprises": v.enterprises_before_move}))


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_endpoints_return_nothing_outside_the_scope(
    request, client, reports, bearer, persona, endpoint
):
    # given
    user = request.getfixturevalue(persona)
    v = VISIBLE[persona]
    # when
    response = client.get(endpoint.path, endpoint.query(reports), headers=bearer(user))
    # then
    if persona == "no_membership_user" and "form" in endpoint.query(reports):
        assert response.status_code == 404  # not even the forms are his to read
        return
    assert response.status_code == 200, response.content
    text = json.dumps(response.json(), ensure_ascii=False)
    not_allowed = (
        _before_move_forbidden(reports, v)
        if endpoint.label == "before move"
        else forbidden(reports, v)
    )
    assert leaks(text, not_allowed) == []
    if endpoint.shows is not None:
        missing = sorted(name for name in endpoint.shows(v) if not shows_name(text, name))
        assert missing == []


@dataclass(frozen=True)
class Detail:
    path: Callable[[Any], str]
    objects: Callable[[Any], list[Any]]
    visible: Callable[[Visible], Iterable[str]]
    missing: str


DETAILS = {
    "park": Detail(lambda o: f"/api/parks/{o.pk}", lambda w: w.parks, lambda v: v.parks, "/api/parks/999999"),
    "enterprise": Detail(lambda o: f"/api/enterprises/{o.pk}", lambda w: w.enterprises, lambda v: v.enterprises, "/api/enterprises/999999"),
    "credit_code": Detail(lambda o: f"/api/enterprises/by-code/{o.credit_code.lower()}", lambda w: w.enterprises, lambda v: v.enterprises, "/api/enterprises/by-code/91433100MA4L000000"),
}  # fmt: skip


@pytest.mark.parametrize("kind", DETAILS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_out_of_scope_detail_answers_404_like_a_missing_id(
    request, client, world, bearer, persona, kind
):
    # given
    detail = DETAILS[kind]
    headers = bearer(request.getfixturevalue(persona))
    visible = set(detail.visible(VISIBLE[persona]))
    missing = client.get(detail.missing, headers=headers)
    assert missing.status_code == 404
    for obj in detail.objects(world):
        # when
        response = client.get(detail.path(obj), headers=headers)
        # then
        if obj.name in visible:
            assert response.status_code == 200
            assert response.json()["name"] == obj.name
        else:
            assert response.status_code == 404, obj.name
            assert response.json() == missing.json()


LIST_QUERY_BOUND = 10  # auth (token + user), scope, count, rows, prefetches: never one per row


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_list_endpoints_do_not_query_per_row(
    client, reports, superuser, bearer, endpoint, django_assert_max_num_queries
):
    headers = bearer(superuser)
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get(endpoint.path, endpoint.query(reports), headers=headers)
    assert response.status_code == 200
