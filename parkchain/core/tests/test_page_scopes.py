"""Page-level scope leaks: what each persona's pages, exports and search show.

For every persona × list page / export, no enterprise, park or chain outside the persona's scope
is named (enterprise names and credit codes, park names and short names, chain names), in the HTML
or in the .xlsx. Detail pages of rows in scope name nothing outside it either; detail pages of rows
outside the scope answer 404 exactly like a missing row (same status, same templates). Searching
for an out-of-scope enterprise's name or credit code finds nothing.

Expected rows come from ``organisations/tests/visibility.py``. Park names a persona may read are
his parks plus the current park of every enterprise he sees (an enterprise row shows its park); an
enterprise's own detail page may also name the parks it was in before (its park history).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkchain.evaluation.tests import world as evaluation_world
from parkchain.evaluation.tests.scope_cases import snapshot_visible
from parkchain.organisations.tests.visibility import (
    ENTERPRISE_PARKS_EVER,
    PARK_SHORT_NAME,
    PERSONAS,
    VISIBLE,
    Visible,
    allowed_parks,
    forbidden_strings,
)
from parkchain.targets.tests import scope_cases as targets_scope
from parkchain.targets.tests import world as targets_world

NO_SCOPE_STATUSES = {200, 403}
CSRF_TOKEN = re.compile(
    r'(csrfmiddlewaretoken" value="|"x-csrftoken": ")[^"]+'
)  # a user without membership may get an empty page or a refusal


@dataclass(frozen=True)
class Page:
    """A list page or export, with the query string to send (which may try to widen the scope)."""

    url_name: str
    query: Callable[[Any], dict[str, Any]] = lambda w: {}
    label: str = ""
    xlsx: bool = False
    shows: Callable[[Visible], Iterable[str]] | None = None  # names the page must show
    headers: dict[str, str] = field(default_factory=dict)
    docx: bool = False
    refused: frozenset[str] = frozenset()  # personas answered 403 (a module they have no part in)

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.label}]" if self.label else self.url_name


LIST_PAGES = [
    Page("home"),
    Page("organisations:park_list", shows=lambda v: v.parks),
    Page("organisations:park_list", lambda w: {"county": w.county_b.pk}, "county=B"),
    Page("organisations:park_list", lambda w: {"county": w.county_a.pk}, "county=A"),
    Page("organisations:park_export", xlsx=True, shows=lambda v: v.parks),
    Page("organisations:park_export", lambda w: {"county": w.county_b.pk}, "county=B", xlsx=True),
    Page("enterprises:list", shows=lambda v: v.enterprises),
    Page("enterprises:list", lambda w: {"county": w.county_b.pk}, "county=B"),
    Page("enterprises:list", lambda w: {"county": w.county_a.pk}, "county=A"),
    Page("enterprises:list", lambda w: {"park": w.park_b1.pk}, "park=B1"),
    Page("enterprises:list", lambda w: {"park": w.park_a1.pk}, "park=A1"),
    Page("enterprises:list", lambda w: {"chain": w.chain_y.pk}, "chain=Y"),
    Page("enterprises:list", lambda w: {"chain": w.chain_z.pk}, "chain=Z"),
    Page("enterprises:list", lambda w: {"year": 2025, "above_scale": "yes"}, "above_scale"),
    Page("enterprises:list", lambda w: {"sort": "-park"}, "sort=-park"),
    Page(
        "enterprises:list",
        label="htmx",
        headers={"HX-Request": "true", "HX-Target": "results"},
        shows=lambda v: v.enterprises,
    ),
    Page("enterprises:export", xlsx=True, shows=lambda v: v.enterprises),
    Page("enterprises:export", lambda w: {"county": w.county_b.pk}, "county=B", xlsx=True),
    Page("enterprises:export", lambda w: {"chain": w.chain_x.pk}, "chain=X", xlsx=True),
    Page("chains:list", shows=lambda v: v.chains),
    Page("chains:export", xlsx=True, shows=lambda v: v.chains),
    Page("evaluation:lists"),
    Page("evaluation:schemes"),
]

# Targets and dispatch, and the cockpit: departments and enterprises have no part in them (403).
NO_TARGETS = frozenset({"department_user", "tax_department_user", "enterprise_user"})


def _targets(query: dict[str, Any]) -> Callable[[Any], dict[str, Any]]:
    """The query, on the world with its target books (targets/tests/world.py)."""

    def build(w: Any) -> dict[str, Any]:
        targets_world.build(w)
        return {"month": "2026-10", **query}

    return build


LIST_PAGES += [
    Page(
        "targets:home",
        _targets({}),
        refused=NO_TARGETS,
        shows=lambda v: targets_scope.about(v),
    ),
    Page(
        "targets:home", _targets({"rag": "red", "scope": "park"}), "red parks", refused=NO_TARGETS
    ),
    Page("targets:dispatch", _targets({}), refused=NO_TARGETS),
    Page("targets:dispatch", _targets({"month": "2026-09"}), "frozen", refused=NO_TARGETS),
    Page("targets:supervision", _targets({}), refused=NO_TARGETS),
    Page("targets:bulletin", _targets({}), docx=True, refused=NO_TARGETS),
    Page("targets:supervision_list", _targets({"quarter": 3}), docx=True, refused=NO_TARGETS),
    Page("cockpit:home", _targets({}), refused=NO_TARGETS),
]


@dataclass(frozen=True)
class Detail:
    url_name: str
    objects: Callable[[Any], list[Any]]  # world -> every object of the kind
    visible: Callable[[Visible], Iterable[str]]
    extra_parks: Callable[[str], Iterable[str]] = lambda name: ()  # parks this page may name
    xlsx: bool = False


DETAILS = [
    Detail("organisations:park_detail", lambda w: w.parks, lambda v: v.parks),
    Detail(
        "enterprises:detail",
        lambda w: w.enterprises,
        lambda v: v.enterprises,
        extra_parks=lambda name: ENTERPRISE_PARKS_EVER[name],
    ),
    Detail("chains:detail", lambda w: w.chains, lambda v: v.chains),
    Detail("chains:detail_export", lambda w: w.chains, lambda v: v.chains, xlsx=True),
    # 六个清单 of the city and of the other city (named after their unit; tabs: test_list_pages)
    Detail("evaluation:list_snapshot", lambda w: evaluation_world.snapshots(w), snapshot_visible),
    # rows of issued books (named after the unit or chain they are about: targets/tests/world.py)
    Detail(
        "targets:detail",
        lambda w: _issued(targets_world.build(w).targets),
        targets_scope.visible_rows,
    ),
    Detail(
        "targets:milestone",
        lambda w: _issued(targets_world.build(w).milestones),
        targets_scope.visible_rows,
    ),
    Detail(
        "targets:supervision_task",
        lambda w: targets_world.build(w).supervision,
        targets_scope.visible_rows,
    ),
]


def _issued(rows: list[Any]) -> list[Any]:
    return [row for row in rows if not row.name.startswith(targets_world.DRAFT)]


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def xlsx_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    parts: list[str] = []
    for sheet in workbook.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(value) for value in row if value is not None)
    return "\n".join(parts)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def page_text(response: Any, *, xlsx: bool, docx: bool = False) -> str:
    content = body(response)
    if docx:
        return docx_text(content)
    return xlsx_text(content) if xlsx else content.decode()


def forbidden(world: Any, v: Visible, *, extra_parks: Iterable[str] = ()) -> dict[str, str]:
    """forbidden_strings plus the (generated) credit codes of enterprises outside the scope."""
    found = forbidden_strings(v, extra_parks=extra_parks)
    for enterprise in world.enterprises:
        if enterprise.name not in v.enterprises:
            found[enterprise.credit_code] = enterprise.name
    return found


def leaks(text: str, not_allowed: dict[str, str], *, query: str = "") -> list[str]:
    """The forbidden strings present in ``text`` (those contained in the echoed query excepted)."""
    return sorted(
        f"{needle} ({what})"
        for needle, what in not_allowed.items()
        if needle in text and needle not in query
    )


def same_answer_text(response: Any, url: str) -> str:
    """The body with the requested path and the per-response CSRF token blanked out."""
    text = body(response).decode(errors="replace").replace(url, "<url>")
    return CSRF_TOKEN.sub(r"\1<token>", text)


def shows_name(text: str, name: str) -> bool:
    return name in text or PARK_SHORT_NAME.get(name, "\0") in text


@pytest.fixture
def signed_in(request, client, world):
    """``signed_in(persona)`` → (client signed in as the persona, the user)."""

    def sign_in(persona: str) -> tuple[Any, Any]:
        user = request.getfixturevalue(persona)
        client.force_login(user)
        return client, user

    return sign_in


def check_status(persona: str, response: Any, refused: frozenset[str] = frozenset()) -> bool:
    """Assert the status; False when a user without scope was refused (nothing more to check)."""
    if persona in refused:
        assert response.status_code == 403
        return False
    if persona == "no_membership_user":
        assert response.status_code in NO_SCOPE_STATUSES
        return response.status_code == 200
    assert response.status_code == 200
    return True


# ---------------------------------------------------------------------------------------------
# lists and exports
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", LIST_PAGES, ids=lambda p: p.id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_list_pages_and_exports_name_nothing_outside_the_scope(signed_in, world, persona, page):
    # given
    client, _user = signed_in(persona)
    v = VISIBLE[persona]
    # when
    response = client.get(reverse(page.url_name), page.query(world), headers=page.headers)
    # then
    if not check_status(persona, response, page.refused):
        return
    text = page_text(response, xlsx=page.xlsx, docx=page.docx)
    assert leaks(text, forbidden(world, v)) == []
    if page.shows is not None:
        missing = sorted(name for name in page.shows(v) if not shows_name(text, name))
        assert missing == [], "rows in scope are missing: is the page empty?"


# ---------------------------------------------------------------------------------------------
# detail pages
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("detail", DETAILS, ids=lambda d: d.url_name)
@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_pages_in_scope_name_nothing_outside_it(signed_in, world, persona, detail):
    # given
    client, _user = signed_in(persona)
    v = VISIBLE[persona]
    visible = set(detail.visible(v))
    for obj in detail.objects(world):
        if obj.name not in visible:
            continue
        # when
        response = client.get(reverse(detail.url_name, kwargs={"pk": obj.pk}))
        # then
        assert response.status_code == 200, obj.name
        text = page_text(response, xlsx=detail.xlsx)
        assert obj.name in text or shows_name(text, obj.name)
        not_allowed = forbidden(world, v, extra_parks=detail.extra_parks(obj.name))
        assert leaks(text, not_allowed) == [], obj.name


@pytest.mark.parametrize("detail", DETAILS, ids=lambda d: d.url_name)
@pytest.mark.parametrize("persona", PERSONAS)
def test_out_of_scope_detail_answers_404_like_a_missing_row(signed_in, world, persona, detail):
    # given
    client, _user = signed_in(persona)
    visible = set(detail.visible(VISIBLE[persona]))
    objects = detail.objects(world)
    missing_pk = max(obj.pk for obj in objects) + 10_000
    missing_url = reverse(detail.url_name, kwargs={"pk": missing_pk})
    missing = client.get(missing_url)
    assert missing.status_code == 404
    missing_templates = [t.name for t in missing.templates]
    missing_text = same_answer_text(missing, missing_url)
    for obj in objects:
        if obj.name in visible:
            continue
        url = reverse(detail.url_name, kwargs={"pk": obj.pk})
        # when
        hidden = client.get(url)
        # then
        assert hidden.status_code == 404, obj.name
        assert [t.name for t in hidden.templates] == missing_templates, obj.name
        assert same_answer_text(hidden, url) == missing_text, obj.name


# ---------------------------------------------------------------------------------------------
# search
# ---------------------------------------------------------------------------------------------
SEARCH_PAGES = ["search", "enterprises:list"]


def _queries(enterprise: Any) -> list[str]:
    # a fragment, so the echoed query never contains the full name or the full code
    return [enterprise.name[:4], enterprise.credit_code[:17], enterprise.credit_code[:17].lower()]


@pytest.mark.parametrize("url_name", SEARCH_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_search_finds_no_enterprise_outside_the_scope(signed_in, world, persona, url_name):
    # given
    client, _user = signed_in(persona)
    v = VISIBLE[persona]
    not_allowed = forbidden(world, v)
    for enterprise in world.enterprises:
        for query in _queries(enterprise):
            # when
            response = client.get(reverse(url_name), {"q": query})
            # then
            if not check_status(persona, response):
                continue
            text = body(response).decode()
            assert leaks(text, not_allowed, query=query) == [], query
            if enterprise.name in v.enterprises:
                assert enterprise.name in text, f"{query} should find {enterprise.name}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_search_finds_no_park_or_chain_outside_the_scope(signed_in, world, persona):
    # given
    client, _user = signed_in(persona)
    v = VISIBLE[persona]
    not_allowed = forbidden(world, v)
    queries = [park.short_name for park in world.parks] + [chain.name[:2] for chain in world.chains]
    for query in queries:
        # when
        response = client.get(reverse("search"), {"q": query})
        # then
        if not check_status(persona, response):
            continue
        text = body(response).decode()
        assert leaks(text, not_allowed, query=query) == [], query
    for park in world.parks:
        if park.name in allowed_parks(v):
            continue
        response = client.get(reverse("search"), {"q": park.short_name})
        assert park.name not in body(response).decode()


# ---------------------------------------------------------------------------------------------
# rendering: no template source reaches the user (a multi-line {# #} comment is printed as text)
# ---------------------------------------------------------------------------------------------
RAW_TEMPLATE = re.compile(r"\{#|#\}|\{%|%\}|\{\{\s*[\w.]+[^{}]*\}\}")  # JSON's "}}" is fine


def page_urls(world: Any) -> list[str]:
    urls = [reverse(p.url_name) for p in LIST_PAGES if not (p.xlsx or p.docx)] + [reverse("search")]
    for detail in DETAILS:
        if not detail.xlsx:
            urls += [reverse(detail.url_name, kwargs={"pk": o.pk}) for o in detail.objects(world)]
    return sorted(set(urls))


def test_pages_show_no_raw_template_syntax(signed_in, world):
    # given
    client, _user = signed_in("superuser")
    for url in page_urls(world):
        # when
        text = body(client.get(url, {"q": "湘泉"} if "search" in url else {})).decode()
        # then
        raw = sorted({text[m.start() - 30 : m.end() + 30] for m in RAW_TEMPLATE.finditer(text)})
        assert raw == [], url
