"""In a real browser: a county user signs in, sees only his county, gets 404 for another county's
enterprise, and reads the pages in Chinese. Screenshots go to artifacts/screenshots/.

Runs Debian's Chromium through Playwright's sync API (``make browser-deps`` installs it).
Playwright runs an event loop in this thread, so Django's async-unsafe guard would refuse the
ORM calls the fixtures and the live server make here: ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set for
these tests only (the usual practice with Playwright and Django's live server).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from parkchain.organisations.tests.factories import DEFAULT_PASSWORD
from parkchain.organisations.tests.visibility import (
    E_A1,
    E_A1_SECOND,
    E_A_DIRECT,
    E_B1,
    E_MOVED,
    E_OTHER,
    PARK_A1,
    PARK_B1,
    PARK_OTHER,
    PARK_SHORT_NAME,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _allow_orm_under_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (make browser-deps)")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_county_user_signs_in_and_sees_only_his_county_in_chinese(
    live_server, world, county_a_user, page
):
    # given
    failed_static = []
    page.on(
        "response",
        lambda r: failed_static.append(r.url) if "/static/" in r.url and r.status >= 400 else None,
    )
    base = live_server.url

    # when: he signs in through the form
    page.goto(base + reverse("login"))
    shot(page, "01-login")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("input[name=username]", county_a_user.username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + reverse("home"))
    shot(page, "02-home-county-a")

    # then: the home page is his, in Chinese
    html = page.content()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    headings = " ".join(page.locator("h1, h2, h3").all_inner_texts())
    assert CJK.search(headings), f"headings are not Chinese: {headings!r}"
    for outsider in (E_B1, E_MOVED, E_OTHER, PARK_B1, PARK_OTHER):
        assert outsider not in html

    # when: he opens the park list
    page.goto(base + reverse("organisations:park_list"))
    shot(page, "03-parks-county-a")
    html = page.content()
    # then: his park only
    assert PARK_A1 in html or PARK_SHORT_NAME[PARK_A1] in html
    for outsider in (PARK_B1, PARK_SHORT_NAME[PARK_B1], PARK_OTHER, PARK_SHORT_NAME[PARK_OTHER]):
        assert outsider not in html

    # when: he opens the enterprise list
    page.goto(base + reverse("enterprises:list"))
    shot(page, "04-enterprises-county-a")
    html = page.content()
    # then: his county's enterprises only (in his park and outside parks)
    for own in (E_A1, E_A1_SECOND, E_A_DIRECT):
        assert own in html
    for outsider in (E_B1, E_MOVED, E_OTHER):
        assert outsider not in html
    assert world.enterprise_b1.credit_code not in html

    # when: he types the address of county B's enterprise
    response = page.goto(
        base + reverse("enterprises:detail", kwargs={"pk": world.enterprise_b1.pk})
    )
    shot(page, "05-other-county-enterprise-404")
    # then: not found, and nothing of it is shown
    assert response is not None
    assert response.status == 404
    html = page.content()
    assert E_B1 not in html
    assert world.enterprise_b1.credit_code not in html
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    # and the stylesheets and scripts were served
    assert failed_static == []
