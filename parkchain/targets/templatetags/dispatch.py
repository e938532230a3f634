"""Numbers of the dispatch pages, formatted exactly as the bulletin prints them (targets.bulletin):
``{% load dispatch %}`` then ``{{ figure|annual }}``, ``{{ figure.completion|percent }}``,
``{{ figure.gap_pp|pp }}``, ``{{ figure.rag|rag_label }}``."""

from __future__ import annotations

from typing import Any

from django import template

from engine.targets import columns as c
from parkchain.core.people import display_name
from parkchain.targets import bulletin
from parkchain.targets.figures import TargetFigure
from parkchain.targets.models import TargetKind

register = template.Library()

RAG_CSS = {c.GREEN: "green", c.YELLOW: "yellow", c.RED: "red"}


@register.filter
def annual(figure: TargetFigure) -> str:
    return bulletin.annual_text(figure)


@register.filter
def actual(figure: TargetFigure) -> str:
    return bulletin.actual_text(figure)


@register.filter
def measure(figure: TargetFigure) -> str:
    return bulletin.measure_text(figure)


@register.filter
def forecast(figure: TargetFigure) -> str:
    """The year-end forecast in the target's measure (growth targets: the growth in %)."""
    if figure.kind == TargetKind.RANK:
        return "—"
    unit = "%" if figure.kind == TargetKind.GROWTH else figure.unit
    return bulletin.amount_text(figure.forecast, unit)


@register.filter
def amount(value: float | None, unit: str) -> str:
    return bulletin.amount_text(value, unit)


@register.filter
def percent(ratio: float | None) -> str:
    return bulletin.percent_text(ratio)


@register.filter
def pp(gap: float | None) -> str:
    return bulletin.pp_text(gap)


@register.filter
def gap_css(gap: float | None) -> str:
    """Text colour of a gap: ahead of time progress green, behind red, level or none grey."""
    if gap is None or round(gap, 1) == 0:
        return "text-secondary"
    return "text-green" if gap > 0 else "text-red"


@register.filter
def rag_label(rag: str | None) -> str:
    return bulletin.rag_label(rag)


@register.filter
def rag_css(rag: str | None) -> str:
    """Tabler colour name of a light (``status-green``, ``bg-red-lt`` …); grey without figures."""
    return RAG_CSS.get(rag or "", "secondary")


@register.filter
def person(user: Any) -> str:
    """A user as pages name people (田晓明), or "" for none."""
    return display_name(user) if user is not None else ""


@register.inclusion_tag("targets/_rag.html")
def rag_dot(rag: str | None, label: bool = False) -> dict[str, Any]:
    """A coloured dot for a light, with its name (``label``) or as a tooltip."""
    return {"css": rag_css(rag), "text": rag_label(rag), "label": label}
