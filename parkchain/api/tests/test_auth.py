"""Token auth: missing, wrong, revoked and expired tokens answer 401 JSON; valid tokens and the session pass."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from parkchain.api.models import ApiToken
from parkchain.api.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    hash_key,
)

URL = "/api/parks"


def _assert_401(response):
    assert response.status_code == 401
    body = response.json()
    assert body["detail"]
    assert body["issues"] == []


def test_no_token_is_401(client, world):
    _assert_401(client.get(URL))


def test_wrong_token_is_401(client, county_a_user):
    api_token_create(actor=county_a_user, name="real")
    _assert_401(client.get(URL, headers={"Authorization": "Bearer pc_not-a-real-token"}))
    _assert_401(client.get(URL, headers={"Authorization": "Token pc_whatever"}))


def test_revoked_token_is_401(client, county_a_user):
    # given
    issued = api_token_create(actor=county_a_user, name="old")
    api_token_revoke(actor=county_a_user, pk=issued.token.pk)
    # when
    response = client.get(URL, headers={"Authorization": f"Bearer {issued.key}"})
    # then
    _assert_401(response)


def test_expired_token_is_401(client, county_a_user):
    # given
    issued = api_token_create(
        actor=county_a_user, name="short", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    # when
    response = client.get(URL, headers={"Authorization": f"Bearer {issued.key}"})
    # then
    _assert_401(response)


def test_token_of_an_inactive_user_is_401(client, county_a_user):
    issued = api_token_create(actor=county_a_user, name="t")
    county_a_user.is_active = False
    county_a_user.save()
    _assert_401(client.get(URL, headers={"Authorization": f"Bearer {issued.key}"}))


def test_valid_token_passes_and_records_its_use(client, county_a_user):
    # given
    issued = api_token_create(actor=county_a_user, name="erp")
    # when
    response = client.get(URL, headers={"Authorization": f"Bearer {issued.key}"})
    # then
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["items"]] == ["吉首经济开发区"]
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_the_key_is_stored_only_as_a_hash(county_a_user):
    issued = api_token_create(actor=county_a_user, name="erp")
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.key_hash == hash_key(issued.key)
    assert issued.key not in {token.key_hash, token.prefix, token.name}
    assert issued.key.startswith(token.prefix)


def test_session_auth_works_for_the_docs_page(client, county_a_user):
    client.force_login(county_a_user)
    assert client.get(URL).status_code == 200


def test_errors_follow_accept_language(client, world):
    assert client.get(URL).headers["Content-Language"] == "zh-hans"
    response = client.get(URL, headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "en"
    assert "Authorization: Bearer" in response.json()["detail"]


def test_authenticate_rejects_foreign_formats(county_a_user):
    assert api_token_authenticate(key="") is None
    assert api_token_authenticate(key="x" * 500) is None


def test_management_command_prints_the_token_once(county_a_user, capsys):
    # when
    call_command("api_token_create", county_a_user.username, "--name", "ERP", "--days", "30")
    # then
    key = capsys.readouterr().out.strip()
    assert api_token_authenticate(key=key) == county_a_user
    token = ApiToken.objects.get(user=county_a_user)
    assert token.expires_at is not None


@pytest.mark.parametrize("method", ["get", "post"])
def test_token_page_creates_lists_and_revokes_own_tokens(
    client, county_a_user, county_b_user, method
):
    # given
    client.force_login(county_a_user)
    other = api_token_create(actor=county_b_user, name="not yours")
    if method == "get":
        response = client.get("/account/tokens/")
        assert response.status_code == 200
        assert "not yours" not in response.content.decode()
        return
    # when
    response = client.post("/account/tokens/", {"name": "ERP sync", "expires_in": "90"})
    # then: the key is shown once, then only its prefix
    token = ApiToken.objects.get(user=county_a_user)
    text = response.content.decode()
    assert token.prefix in text
    shown = [w for w in text.split('"') if w.startswith(token.prefix) and len(w) > 20]
    assert len(shown) == 1
    assert api_token_authenticate(key=shown[0]) == county_a_user
    assert shown[0] not in client.get("/account/tokens/").content.decode()
    # revoking someone else's token answers 404; one's own works
    assert client.post(f"/account/tokens/{other.token.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
