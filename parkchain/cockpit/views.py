"""驾驶舱: the city at a glance for a month, drilling down to a county, a park or a chain (and on to
the enterprise pages).

Every target number comes from one ``dispatch_figures`` call (the bulletin's numbers); the rest
from the cockpit's selectors. A user sees his own scope: a county user's cockpit is his county.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from engine.periods import Month
from engine.targets import columns as c
from parkchain.cockpit.selectors import (
    Focus,
    cockpit_enterprises,
    cockpit_focus,
    cockpit_grades,
    latest_mu_run,
)
from parkchain.core.http import AuthenticatedHttpRequest
from parkchain.evaluation.charts import grade_distribution_option
from parkchain.targets import charts
from parkchain.targets.figures import CHAIN, DispatchFigures, RankingRow, TargetFigure
from parkchain.targets.forms import month_choices
from parkchain.targets.permissions import dispatch_reader
from parkchain.targets.selectors import dispatch_choice, dispatch_figures

RANKING_SHOWN = 10


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _month(value: str | None) -> Month | None:
    try:
        return Month.parse(value) if value else None
    except ValueError:
        return None


def _home(request: AuthenticatedHttpRequest, figures: DispatchFigures, focus: Focus) -> Focus:
    """The whole scope of a user whose highest targets are one county's, park's or chain's (a
    county user's cockpit is his county): focused on that unit."""
    if focus.kind != "city":
        return focus
    scopes = {(f.scope_kind, f.scope_id) for f in figures.top_level}
    if len(scopes) != 1:
        return focus
    ((kind, scope_id),) = scopes
    asked = {"county": "county_id", "park": "park_id", CHAIN: "chain_id"}.get(kind)
    if asked is None:
        return focus
    home = cockpit_focus(user=request.user, **{asked: scope_id})
    return replace(home, home=True)


def _headline(figures: DispatchFigures, focus: Focus) -> list[TargetFigure]:
    """The KPI cards: the focus's own targets; for the whole scope, the highest level the user
    sees (the city's targets for the city roles)."""
    if focus.kind != "city":
        return [f for f in figures.targets if focus.is_about(f)]
    return figures.top_level


def _parks(figures: DispatchFigures, focus: Focus) -> list[RankingRow]:
    """The park ranking rows under the focus (the city: every park the user sees)."""
    if focus.kind == "city":
        return figures.parks
    ids = {f.scope_id for f in figures.of_scope("park") if focus.covers(f)}
    return [r for r in figures.parks if r.scope_id in ids]


def _counts(figures: list[TargetFigure]) -> dict[str, int]:
    counts = dict.fromkeys(c.RAG_ORDER, 0)
    for figure in figures:
        counts[figure.rag] = counts.get(figure.rag, 0) + 1
    return counts


@require_GET
def cockpit_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not dispatch_reader(user=user):
        raise PermissionDenied
    focus = cockpit_focus(
        user=user,
        county_id=_int(request.GET.get("county")),
        park_id=_int(request.GET.get("park")),
        chain_id=_int(request.GET.get("chain")),
    )
    choice = dispatch_choice(
        user=user, today=timezone.localdate(), month=_month(request.GET.get("month"))
    )
    book = choice.book
    figures = dispatch_figures(
        user=user,
        year=choice.period.year,
        month=choice.period.month,
        book_id=book.pk if book is not None else None,
    )
    focus = _home(request, figures, focus)
    covered = [f for f in figures.targets if focus.covers(f)]
    headline = _headline(figures, focus)
    parks = _parks(figures, focus)
    chains = [f for f in covered if f.scope_kind == CHAIN]
    red_targets = {f.pk for f in covered if f.rag == c.RED}
    late = {s.task.pk for s in figures.milestones if s.is_overdue and focus.covers_task(s.task)}
    red_items = [
        item
        for item in figures.red_items
        if item.target_id in red_targets or item.milestone_id in late
    ]
    run = latest_mu_run(user=user)
    grades = cockpit_grades(user=user, run=run, focus=focus) if run is not None else []
    own = next(
        (
            r
            for r in (*figures.counties, *figures.parks, *figures.chains)
            if focus.kind != "city"
            and r.scope_kind == focus.kind
            and r.scope_id
            == (focus.chain.pk if focus.chain else focus.unit.pk if focus.unit else 0)
        ),
        None,
    )
    counts = _counts(covered)
    context: dict[str, Any] = {
        "choice": choice,
        "book": book,
        "figures": figures,
        "focus": focus,
        "headline": headline,
        "counts": counts,
        "covered": len(covered),
        "own_rank": own,
        "counties": figures.counties if focus.kind == "city" else [],
        "parks": parks,
        "parks_top": parks[:RANKING_SHOWN],
        "chains": chains,
        "red_items": red_items,
        "run": run,
        "grades": grades,
        "enterprises": cockpit_enterprises(user=user, period=choice.period, focus=focus, run=run),
        "months": month_choices(choice.year),
        "charts": {
            "headline": charts.completion_bar_option(headline) if headline else None,
            "rag": charts.rag_pie_option(counts),
            "counties_gap": charts.gap_bar_option(figures.counties)
            if focus.kind == "city" and figures.counties
            else None,
            "parks": charts.rag_stack_option(parks[:RANKING_SHOWN]) if parks else None,
            "chains": charts.completion_bar_option(chains, by_scope=True) if chains else None,
            "grades": grade_distribution_option(grades) if len(grades) > 1 else None,
        },
    }
    return render(request, "cockpit/home.html", context)
