"""Scope-matrix rows for the reporting-page selectors (desk, entry, reported card, review, unlocks).

Built on ``completeness_world`` (March and August 2025 reports of the shared world); the desk
is read on 2025-09-05, so its monthly period is August 2025.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any

from django.http import Http404

from parkchain.indicators.models import PeriodUnlock, Submission
from parkchain.indicators.tests import completeness_world as reporting
from parkchain.organisations.tests.visibility import Visible

DESK_DAY = dt.date(2025, 9, 5)
EVERY_FORM = {"ent_monthly", "ent_annual", "park_monthly", "park_annual"}
FOLLOWED = {
    "city_admin": EVERY_FORM,
    "leader": EVERY_FORM,
    "supervisor": EVERY_FORM,
    "county": EVERY_FORM,
    "park": {"ent_monthly", "ent_annual"},
}
PARK_FORMS = ("park_monthly", "park_annual")


def desk_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    reporting.ensure_reports(w)
    rows: list[Hashable] = []
    for item in f(user=u, today=DESK_DAY):
        rows.extend(("own", item.form.code, unit.unit.name, unit.status) for unit in item.units)
        rows.extend(("count", item.form.code, s, n) for s, _label, n in item.counts if n)
        rows.append(("form", item.form.code, item.follows))
    return rows


def desk_expected(w: Any, v: Visible) -> set[Hashable]:
    rows: set[Hashable] = set()
    followed: set[str] = set(EVERY_FORM) if v.everything else set()
    for role in v.roles:
        followed |= FOLLOWED.get(role, set())
    own: dict[str, set[str]] = {}
    if "enterprise" in v.roles:
        (name,) = v.enterprises
        own = {"ent_monthly": {name}, "ent_annual": {name}}
        for unit in own["ent_monthly"]:
            rows.add(
                ("own", "ent_monthly", unit, reporting.STATUS.get(unit, ("not_submitted",))[0])
            )
            rows.add(("own", "ent_annual", unit, "not_submitted"))
    if "park" in v.roles:
        (park,) = v.parks
        for code in PARK_FORMS:
            own[code] = {park}
            rows.add(("own", code, park, "not_submitted"))
    for code in EVERY_FORM:
        if code in followed or code in own:
            rows.add(("form", code, code in followed))
    if "ent_monthly" in followed:
        counts = Counter(reporting.STATUS[e][0] for e in v.enterprises if e in reporting.STATUS)
        rows |= {("count", "ent_monthly", s, n) for s, n in counts.items()}
    return rows


def entry_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    form = reporting.form()
    reporting.ensure_reports(w)
    rows: list[Hashable] = []
    for year, month in (reporting.AFTER, reporting.BEFORE):
        for e in w.enterprises:
            entry = f(user=u, form=form, unit_id=e.org_unit_id, year=year, month=month)
            rows.extend(("value", e.name, month) for r in entry.rows if r.value is not None)
            if entry.submission is not None:
                rows.append(("submission", e.name, entry.submission.status, month))
    return rows


def _period_expected(
    v: Visible, make: Callable[[str, int], Hashable], only_reported: bool
) -> set[Hashable]:
    after = {
        make(e, reporting.AFTER[1])
        for e in v.enterprises
        if not only_reported or e in reporting.STATUS
    }
    before = {
        make(e, reporting.BEFORE[1])
        for e in v.enterprises_before_move
        if not only_reported or e in reporting.STATUS
    }
    return after | before


def entry_expected(w: Any, v: Visible) -> set[Hashable]:
    values = _period_expected(v, lambda e, m: ("value", e, m), only_reported=False)
    submissions = _period_expected(
        v, lambda e, m: ("submission", e, reporting.STATUS[e][0], m), only_reported=True
    )
    return values | submissions


def reported_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    reporting.ensure_reports(w)
    rows: list[Hashable] = []
    for e in w.enterprises:
        data = f(user=u, enterprise=e)
        if data is not None:
            rows.append((e.name, data.year, data.month))
    return rows


def reported_expected(w: Any, v: Visible) -> set[Hashable]:
    return {(e, *reporting.AFTER) for e in v.enterprises}


def _visible_submissions(get: Callable[..., Any], u: Any) -> list[Any]:
    found = []
    for s in Submission.objects.order_by("pk"):
        with contextlib.suppress(Http404):
            found.append(get(user=u, pk=s.pk))
    return found


def review_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    reporting.ensure_reports(w)
    return [(s.org_unit.name, s.month) for s in _visible_submissions(f, u)]


def review_expected(w: Any, v: Visible) -> set[Hashable]:
    return _period_expected(v, lambda e, m: (e, m), only_reported=True)


def history_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    reporting.ensure_reports(w)
    return [
        (s.org_unit.name, s.month)
        for s in Submission.objects.select_related("org_unit")
        if f(user=u, submission=s)
    ]


def ensure_unlocks(w: Any) -> None:
    if PeriodUnlock.objects.exists():
        return
    form = reporting.form()
    user = _any_user()
    PeriodUnlock.objects.create(
        form=form, year=2025, month=1, until=DESK_DAY, reason="全部", unlocked_by=user
    )
    for e in w.enterprises:
        PeriodUnlock.objects.create(
            form=form,
            year=2025,
            month=1,
            org_unit=e.org_unit,
            until=DESK_DAY,
            reason=e.name,
            unlocked_by=user,
        )


def _any_user() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.order_by("pk").first()


def unlock_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    ensure_unlocks(w)
    return [("unit", x.org_unit.name) if x.org_unit else ("everyone",) for x in f(user=u)]


def unlock_expected(w: Any, v: Visible) -> set[Hashable]:
    rows: set[Hashable] = {("unit", e.name) for e in w.enterprises if e.name in v.org_units}
    if v.roles or v.everything:
        rows.add(("everyone",))
    return rows
