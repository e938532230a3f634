"""The targets app's lines of the scope-leak matrix (organisations/tests/test_scope_matrix.py).

Data: ``parkchain/targets/tests/world.py`` (every row named after the unit or chain it is about).
Who reads what (organisations/scopes.py, "targets and dispatch"):

* the city's task force, leader and supervision office: everything of 湘西州's issued book; the
  task force also the draft;
* a county or park user: the rows about his unit and the units under it, in issued books;
* a chain office: the rows about its chain;
* departments (even one that supplies data and reads every enterprise), enterprises, users
  without membership: nothing; a superuser: everything, 张家界市's book included.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.http import Http404

from parkchain.organisations.tests.visibility import ALL_UNITS, CHAINS, CITY_UNITS, Visible
from parkchain.targets.selectors import target_book_get, target_get
from parkchain.targets.tests import world as tw

UNIT_ROLES = {"city_admin", "leader", "supervisor", "county", "park"}
CITY_ROLES = {"city_admin", "leader", "supervisor"}
BOOK_SCOPES = frozenset(
    {
        "湘西州",
        "吉首市",
        "花垣县",
        "吉首经济开发区",
        "花垣工业集中区",
        "白酒产业链",
        "锰锌新材料产业链",
    }
)
DRAFT_SCOPES = frozenset({"湘西州", "吉首市"})
OTHER_SCOPES = frozenset({"张家界市", "永定区", "张家界高新技术产业开发区", "莓茶产业链"})
COUNTIES = frozenset({"吉首市", "花垣县"})
PARKS = frozenset({"吉首经济开发区", "花垣工业集中区"})
BOOK_CHAINS = frozenset({"白酒产业链", "锰锌新材料产业链"})


def about(v: Visible) -> frozenset[str]:
    """The units and chains whose rows (in 湘西州's issued book) persona ``v`` reads."""
    if v.everything:
        return BOOK_SCOPES
    units = v.org_units if v.roles & UNIT_ROLES else frozenset()
    chains: frozenset[str] = frozenset()
    if v.roles & CITY_ROLES:
        chains = v.chains
    if "chain_office" in v.roles:
        chains = chains | v.chains
    return BOOK_SCOPES & (units | chains)


def visible_rows(v: Visible) -> frozenset[str]:
    """Row names (world.py labels) of every book the persona reads."""
    rows = set(about(v))
    if v.everything or "city_admin" in v.roles:
        rows |= {f"{tw.DRAFT}{name}" for name in DRAFT_SCOPES}
    if v.everything:
        rows |= OTHER_SCOPES
    return frozenset(rows)


def books(v: Visible) -> frozenset[str]:
    found = set()
    if (
        v.everything
        or (v.roles & UNIT_ROLES and v.org_units & CITY_UNITS)
        or ("chain_office" in v.roles and v.chains & CHAINS)
    ):
        found.add("湘西州")
    if v.everything or "city_admin" in v.roles:
        found.add("湘西州（草稿）")
    if v.everything:
        found.add("张家界市")
    return frozenset(found)


def names(rows: Iterable[Any]) -> list[str]:
    return [row.name for row in rows]


def _world(w: Any) -> tw.TargetsWorld:
    return tw.build(w)


def _got(get: Callable[..., Any], user: Any, objects: Iterable[Any]) -> list[str]:
    found = []
    for obj in objects:
        with contextlib.suppress(Http404):
            get(user=user, pk=obj.pk)
            found.append(obj.name)
    return found


def _labelled(rows: Iterable[Any], objects: Iterable[Any]) -> list[str]:
    labels = {obj.pk: obj.name for obj in objects}
    return [labels[row.pk] for row in rows]


# -- rows (selector, world, user) and expectations (world, visible) ---------------------------------
def book_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    t = _world(w)
    return _labelled(f(user=u), [t.book, t.draft, t.other])


def book_get_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    t = _world(w)
    return _got(f, u, [t.book, t.draft, t.other])


def book_for_year_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    t = _world(w)
    found = f(user=u, year=tw.YEAR)
    return [_labelled([found], [t.book, t.other])[0] if found else None]


def book_for_year_expected(w: Any, v: Visible) -> set[Hashable]:
    return {"湘西州" if "湘西州" in books(v) else None}


def target_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    return _labelled(f(user=u), _world(w).targets)


def target_get_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    return _got(f, u, _world(w).targets)


def cascade_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    t = _world(w)
    return [issue.target.name for book in (t.book, t.other) for issue in f(user=u, book=book)]


def milestone_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    return _labelled(f(user=u), _world(w).milestones)


def milestone_get_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    return _got(f, u, _world(w).milestones)


def milestone_names(v: Visible) -> frozenset[str]:
    milestones = {
        "湘西州",
        "吉首市",
        "花垣工业集中区",
        "白酒产业链",
        f"{tw.DRAFT}吉首市",
        "张家界市",
    }
    return visible_rows(v) & milestones


def milestones_expected(w: Any, v: Visible) -> set[Hashable]:
    return set(milestone_names(v))


def snapshot_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    t = _world(w)
    return [(_labelled([s.book], [t.book, t.other])[0], s.month) for s in f(user=u)]


def snapshot_expected(w: Any, v: Visible) -> set[Hashable]:
    return {(book, tw.FROZEN.month) for book in books(v) - {"湘西州（草稿）"}}


def supervision_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    tasks = f(user=u)
    return [
        (name, len(task.follow_ups.all()))
        for name, task in zip(_labelled(tasks, _world(w).supervision), tasks, strict=True)
    ]


def supervision_get_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    return _got(f, u, _world(w).supervision)


def supervision_names(v: Visible) -> frozenset[str]:
    return visible_rows(v) & {"吉首市", "花垣工业集中区", "白酒产业链", "张家界市"}


def supervision_expected(w: Any, v: Visible) -> set[Hashable]:
    return {(name, 1) for name in supervision_names(v)}


def record_rows(f: Callable[..., Any], w: Any, u: Any) -> list[str]:
    return _labelled(f(user=u), _world(w).records)


def records_expected(w: Any, v: Visible) -> set[Hashable]:
    return set(visible_rows(v) & {"吉首市", "花垣县", "白酒产业链", "永定区"})


def dispatch_rows(
    f: Callable[..., Any], w: Any, u: Any, *, month: int = tw.LIVE.month
) -> list[Hashable]:
    t = _world(w)
    try:
        figures = f(user=u, year=tw.YEAR, month=month, book_id=t.book.pk)
    except Http404:
        return []
    rows: list[Hashable] = [("target", figure.scope_name) for figure in figures.targets]
    rows += [("county", r.name, r.rank, r.of) for r in figures.counties]
    rows += [("park", r.name, r.rank, r.of) for r in figures.parks]
    rows += [("chain", r.name) for r in figures.chains]
    rows += [("red", item.kind, item.scope_name) for item in figures.red_items]
    rows += [
        (
            "milestone",
            state.task.owner_unit.name if state.task.owner_unit else state.task.chain.name,
        )
        for state in figures.milestones
    ]
    rows.append(("source", figures.source))
    rows.append(("frame", frozenset(figures.frame["target_id"].to_list())))
    return rows


def dispatch_expected(w: Any, v: Visible, *, month: int = tw.LIVE.month) -> set[Hashable]:
    t = _world(w)
    scopes = about(v)
    if "湘西州" not in books(v):
        return set()
    rows: set[Hashable] = {("target", s) for s in scopes}
    # places among every county / park of the book: A1 and 吉首市 are green, B1 and 花垣县 red
    rows |= {("county", s, 1 if s == "吉首市" else 2, 2) for s in scopes & COUNTIES}
    rows |= {("park", s, 1 if s == "吉首经济开发区" else 2, 2) for s in scopes & PARKS}
    rows |= {("chain", s) for s in scopes & BOOK_CHAINS}
    rows |= {("red", "target", s) for s in scopes & tw.RED_TARGETS}
    if month == tw.LIVE.month:  # September: 白酒产业链's (Aug 31) only; October: 吉首市's too
        rows |= {("red", "milestone", s) for s in scopes & tw.OVERDUE_MILESTONES}
    else:
        rows |= {("red", "milestone", s) for s in scopes & {"白酒产业链"}}
    rows |= {
        ("milestone", s) for s in scopes & {"湘西州", "吉首市", "花垣工业集中区", "白酒产业链"}
    }
    rows.add(("source", "live" if month == tw.LIVE.month else "snapshot"))
    rows.add(
        ("frame", frozenset(x.pk for x in t.targets if x.book_id == t.book.pk and x.name in scopes))
    )
    return rows


def dispatch_frozen_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    return dispatch_rows(f, w, u, month=tw.FROZEN.month)


def dispatch_frozen_expected(w: Any, v: Visible) -> set[Hashable]:
    return dispatch_expected(w, v, month=tw.FROZEN.month)


# -- the choice of book and month, the options of the forms ------------------------------------------
BOOK_YEAR = {"湘西州": tw.YEAR, "湘西州（草稿）": tw.YEAR + 1, "张家界市": tw.YEAR}
# the month a book's dispatch pages open on: 湘西州's October reports; the draft (2027) has none,
# so December of its year; 张家界市 has no reports, only its frozen September
BOOK_LATEST = {"湘西州": "2026-10", "湘西州（草稿）": None, "张家界市": "2026-09"}
BOOK_OPENS_ON = {**BOOK_LATEST, "湘西州（草稿）": "2027-12"}
BOOK_UNITS = {
    "湘西州": frozenset({"湘西州", "吉首市", "花垣县", "吉首经济开发区", "花垣工业集中区"}),
    "张家界市": frozenset({"张家界市", "永定区", "张家界高新技术产业开发区"}),
}
BOOK_UNITS["湘西州（草稿）"] = BOOK_UNITS["湘西州"]
BOOK_CHAIN_NAMES = {
    "湘西州": BOOK_CHAINS,
    "湘西州（草稿）": BOOK_CHAINS,
    "张家界市": frozenset({"莓茶产业链"}),
}
TODAY = dt.date(2026, 11, 15)


def _books(w: Any) -> list[Any]:
    t = _world(w)
    return [t.book, t.draft, t.other]


def _book_label(book: Any, w: Any) -> str | None:
    return _labelled([book], _books(w))[0] if book is not None else None


def _can(get: Callable[..., Any], u: Any, obj: Any) -> bool:
    try:
        get(user=u, pk=obj.pk)
    except Http404:
        return False
    return True


def readable_books(w: Any, u: Any) -> list[Any]:
    """The books ``u`` may open (``target_book_get``): what a page passes on."""
    return [book for book in _books(w) if _can(target_book_get, u, book)]


def book_years_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    _world(w)
    return list(f(user=u))


def book_years_expected(w: Any, v: Visible) -> set[Hashable]:
    return {BOOK_YEAR[b] for b in books(v)}


def unit_option_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    # every book, readable or not: the options are the units the user reads, whatever the book
    return [(book.name, unit.name) for book in _books(w) for unit in f(user=u, book=book)]


def unit_option_expected(w: Any, v: Visible) -> set[Hashable]:
    return {(book, unit) for book, units in BOOK_UNITS.items() for unit in units & v.org_units}


def chain_option_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    return [(book.name, chain.name) for book in _books(w) for chain in f(user=u, book=book)]


def chain_option_expected(w: Any, v: Visible) -> set[Hashable]:
    return {(b, chain) for b, chains in BOOK_CHAIN_NAMES.items() for chain in chains & v.chains}


def latest_month_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    rows: list[Hashable] = []
    for book in readable_books(w, u):
        month = f(user=u, book=book)
        rows.append((book.name, str(month) if month else None))
    return rows


def latest_month_expected(w: Any, v: Visible) -> set[Hashable]:
    return {(book, BOOK_LATEST[book]) for book in books(v)}


def _choice_row(how: str, choice: Any, w: Any) -> Hashable:
    return (
        how,
        _book_label(choice.book, w),
        str(choice.period),
        tuple(choice.years),
        frozenset(_book_label(b, w) for b in choice.books),
    )


def choice_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    _world(w)
    rows = [_choice_row("default", f(user=u, today=TODAY), w)]
    for book in _books(w):
        with contextlib.suppress(Http404):  # a book the user may not read: 404
            rows.append(
                _choice_row(f"book={book.name}", f(user=u, today=TODAY, book_id=book.pk), w)
            )
    return rows


def choice_expected(w: Any, v: Visible) -> set[Hashable]:
    readable = books(v)
    years = tuple(sorted({BOOK_YEAR[b] for b in readable}, reverse=True))

    def of_year(year: int) -> frozenset[str]:
        return frozenset(b for b in readable if BOOK_YEAR[b] == year)

    rows: set[Hashable] = set()
    if "湘西州" in readable:  # this year's issued book of the user's city
        rows.add(("default", "湘西州", BOOK_OPENS_ON["湘西州"], years, of_year(tw.YEAR)))
    else:  # nothing to read: this year, last month, no book
        assert not readable
        rows.add(("default", None, "2026-10", years, frozenset()))
    for book in readable:
        year = BOOK_YEAR[book]
        rows.add((f"book={book}", book, BOOK_OPENS_ON[book], years, of_year(year)))
    return rows


# -- a target's curve and history -----------------------------------------------------------------
def readable_targets(w: Any, u: Any) -> list[Any]:
    """The targets ``u`` may open (``target_get``): what a page passes on."""
    return [t for t in _world(w).targets if _can(target_get, u, t)]


def series_rows(f: Callable[..., Any], w: Any, u: Any) -> list[Hashable]:
    through = tw.LIVE
    return [
        (target.name, point.month, point.frozen)
        for target in readable_targets(w, u)
        for point in f(user=u, target=target, through=through)
    ]


def series_expected(w: Any, v: Visible) -> set[Hashable]:
    # January to October of the 2026 books (the 2027 draft: none); September frozen (调度口径)
    return {
        (name, month, month == tw.FROZEN.month)
        for name in visible_rows(v)
        if not name.startswith(tw.DRAFT)
        for month in range(1, tw.LIVE.month + 1)
    }


HISTORY_NAMES = ALL_UNITS | CHAINS
"""Names a target's history is searched for: units (the target's parent is about a county or the
city) and chains."""


def history_texts(f: Callable[..., Any], w: Any, u: Any) -> list[tuple[str, str]]:
    found = []
    for target in readable_targets(w, u):
        lines = []
        for entry in f(user=u, target=target):
            lines.append(f"{entry.action} {entry.subject}")
            lines.extend(f"{c.label}: {c.old} → {c.new}" for c in entry.changes)
        found.append((target.name, "\n".join(lines)))
    return found


def history_allowed(v: Visible, name: str) -> frozenset[str]:
    """A target's own unit or chain, and those of the targets the user reads (its parent is named
    only when he reads it)."""
    return frozenset({n.removeprefix(tw.DRAFT) for n in visible_rows(v) | {name}})
