"""Exports of evaluation results (.xlsx): one row per enterprise, park or county, every component."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from parkchain.core.xlsx import Column, rows_to_xlsx
from parkchain.evaluation.models import CountyResult, EnterpriseResult, EvaluationRun, ParkResult

SCORE = "0.00"
VALUE = "#,##0.0000"


def _indicators(run: EvaluationRun) -> list[tuple[str, str]]:
    """(key, label) of every indicator of the run's scheme, in the scheme's order, groups merged."""
    found: list[tuple[str, str]] = []
    for group in (run.scheme_version.definition or {}).get("groups", []):
        for item in group.get("indicators", []):
            pair = (str(item.get("key")), str(item.get("label") or item.get("key")))
            if pair not in found:
                found.append(pair)
    return found


def _by_indicator(
    components: list[dict[str, Any]] | None, key: str = "indicator"
) -> dict[str, Any]:
    return {str(c.get(key)): c for c in components or []}


def enterprise_results_xlsx(run: EvaluationRun, results: Iterable[EnterpriseResult]) -> bytes:
    indicators = _indicators(run)
    columns = [
        Column(_("Rank"), 7),
        Column(_("Enterprise"), 32),
        Column(_("Unified social credit code"), 22),
        Column(_("County"), 12),
        Column(_("Park"), 20),
        Column(_("Group"), 12),
        Column(_("Ranking pool"), 14),
        Column(_("Status"), 10),
        Column(_("Status reason"), 18),
        Column(_("Land (mu)"), 10, "#,##0.00"),
    ]
    for _key, label in indicators:
        columns.append(Column(_("%(indicator)s: value") % {"indicator": label}, 14, VALUE))
        columns.append(Column(_("%(indicator)s: score") % {"indicator": label}, 12, SCORE))
    columns += [
        Column(_("Base score"), 10, SCORE),
        Column(_("Bonus"), 8, SCORE),
        Column(_("Penalty"), 8, SCORE),
        Column(_("Total score"), 10, SCORE),
        Column(_("Class (computed)"), 10),
        Column(_("Class"), 8),
        Column(_("Class reason"), 18),
    ]
    labels = {
        g.get("key"): g.get("label")
        for g in (run.scheme_version.definition or {}).get("groups", [])
    }

    def rows() -> Iterable[list[Any]]:
        for r in results:
            parts = _by_indicator(r.components)
            row: list[Any] = [
                r.rank,
                r.enterprise.name,
                r.enterprise.credit_code,
                r.county.name if r.county_id else "",
                r.park.name if r.park is not None else "",
                labels.get(r.group, r.group),
                r.pool,
                r.get_status_display(),
                r.status_reason,
                r.land_mu,
            ]
            for key, _label in indicators:
                part = parts.get(key) or {}
                row += [part.get("value"), part.get("score")]
            row += [
                r.base_score,
                r.bonus,
                r.penalty,
                r.total,
                r.computed_grade,
                r.grade,
                r.grade_reason,
            ]
            yield row

    return rows_to_xlsx(_("Results"), columns, rows())


def park_results_xlsx(run: EvaluationRun, parks: Iterable[ParkResult]) -> bytes:
    parks = list(parks)
    keys: list[tuple[str, str, str]] = []
    for p in parks:
        for c in p.components or []:
            key = (str(c.get("indicator")), str(c.get("half") or ""), str(c.get("label") or ""))
            if key not in keys:
                keys.append(key)
    columns = [
        Column(_("Rank"), 7),
        Column(_("Park"), 28),
        Column(_("Peer group"), 12),
        Column(_("Rank in peer group"), 10),
    ]
    for _key, half, label in keys:
        half_label = (
            pgettext("score half", "level") if half == "level" else pgettext("score half", "growth")
        )
        title = f"{label}（{half_label}）" if half else label
        columns.append(Column(title, 14, SCORE))
    columns += [
        Column(_("Part I (five goods)"), 12, SCORE),
        Column(_("Part II (park economy)"), 12, SCORE),
        Column(_("Deductions"), 10, SCORE),
        Column(_("Vetoed"), 8),
        Column(_("Veto items"), 24),
        Column(_("Total score"), 10, SCORE),
    ]

    def rows() -> Iterable[list[Any]]:
        for p in parks:
            scores = {
                (str(c.get("indicator")), str(c.get("half") or "")): c.get("score")
                for c in p.components or []
            }
            yield [
                p.rank,
                p.park.name,
                p.peer_group,
                p.rank_in_group,
                *[scores.get((k, h)) for k, h, _l in keys],
                p.part1,
                p.part2,
                p.deductions,
                _("yes") if p.veto else "",
                "、".join(str(v) for v in p.veto_items or []),
                p.total,
            ]

    return rows_to_xlsx(_("Parks"), columns, rows())


def county_results_xlsx(run: EvaluationRun, counties: Iterable[CountyResult]) -> bytes:
    counties = list(counties)
    keys: list[tuple[str, str]] = []
    for c in counties:
        for item in c.components or []:
            pair = (str(item.get("indicator")), str(item.get("label") or item.get("indicator")))
            if pair not in keys:
                keys.append(pair)
    columns = [Column(_("Rank"), 7), Column(_("County"), 16)]
    for _key, label in keys:
        columns.append(Column(_("%(indicator)s: value") % {"indicator": label}, 14, VALUE))
        columns.append(Column(_("%(indicator)s: score") % {"indicator": label}, 12, SCORE))
    columns += [
        Column(_("Total score"), 10, SCORE),
        Column(_("Class A"), 8),
        Column(_("Class B"), 8),
        Column(_("Class C"), 8),
        Column(_("Class D"), 8),
        Column(_("Land held by class D (mu)"), 14, "#,##0.0"),
    ]

    def rows() -> Iterable[list[Any]]:
        for c in counties:
            parts = _by_indicator(c.components)
            dist = c.distribution or {}
            row: list[Any] = [c.rank, c.county.name]
            for key, _label in keys:
                part = parts.get(key) or {}
                row += [part.get("value"), part.get("score")]
            row += [
                c.total,
                dist.get("n_a"),
                dist.get("n_b"),
                dist.get("n_c"),
                dist.get("n_d"),
                dist.get("land_d_mu"),
            ]
            yield row

    return rows_to_xlsx(_("Counties"), columns, rows())
