"""六个清单 inputs and computation: gather the frames ``engine.evaluation.lists`` reads, run the six lists.

The period: ``month`` 1–12 lists 本年累计 at that month (growth: the last completed year); month
0 is the whole year (December 本年累计, growth of that year). The universe is the enterprises of
the scope unit (city, county or park) at the end of the year that the acting user may read. The
latest final 亩均 grade of each enterprise gates relief, growth and 链主 eligibility.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from parkchain.core.ids import among
from parkchain.enterprises.models import AboveScaleYear, Qualification, QualificationKind
from parkchain.evaluation import inputs as gather
from parkchain.evaluation.models import (
    EnterpriseResult,
    EvaluationFlag,
    ListKind,
    RunStatus,
    SchemeKind,
)
from parkchain.indicators.models import Observation
from parkchain.organisations.models import OrgUnit, OrgUnitKind

MONTHLY_CODES = ("output_value", "revenue", "tax", "profit", "electricity", "rnd")
# evaluation flags → the lists' flag vocabulary
LIST_FLAGS = {
    "eliminated_capacity": "eliminated",
    "zombie": "eliminated",
    "major_accident": "major_accident",
    "illegal_land": "major_violation",
    "tax_arrears": "tax_arrears",
}


@dataclass(frozen=True)
class BuiltRow:
    kind: str
    rank: int
    enterprise_id: int
    chain_id: int | None
    value: float | None
    tier: str
    evidence: str
    extra: dict[str, Any]


@dataclass(frozen=True)
class BuiltLists:
    rule_version: str
    rules: dict[str, Any]
    rows: list[BuiltRow]


def _json(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def _monthly_frame(units: dict[int, int], year: int, growth_year: int) -> pl.DataFrame:
    """本年累计 rows (enterprise × year × month): every month of ``year`` and the two years before
    (同比, R12, 12-month look-back), and the Decembers of ``growth_year`` − 3 … ``growth_year``.
    ``units``: enterprise id → org unit id, the enterprises to read."""
    enterprise_of = {unit: enterprise for enterprise, unit in units.items()}
    wide: dict[tuple[int, int, int], dict[str, float]] = defaultdict(dict)
    decembers = range(growth_year - 3, growth_year + 1)
    observations = Observation.objects.filter(
        Q(year__in=(year, year - 1, year - 2)) | Q(year__in=decembers, month=12),
        among("org_unit_id", enterprise_of),
        month__gte=1,
        indicator__code__in=MONTHLY_CODES,
    ).values_list("org_unit_id", "year", "month", "indicator__code", "value")
    for unit_id, y, m, code, value in observations:
        enterprise_id = enterprise_of.get(unit_id)
        if enterprise_id is not None:
            wide[(enterprise_id, y, m)][code] = float(value)
    rows = [
        {gather.ENTERPRISE_ID: e, "year": y, "month": m, **{c: v.get(c) for c in MONTHLY_CODES}}
        for (e, y, m), v in wide.items()
    ]
    return pl.DataFrame(
        rows,
        schema={
            gather.ENTERPRISE_ID: pl.Int64,
            "year": pl.Int64,
            "month": pl.Int64,
            **dict.fromkeys(MONTHLY_CODES, pl.Float64),
        },
        orient="row",
    )


def latest_grades(enterprise_ids: Collection[int]) -> dict[int, str]:
    """The latest final 亩均 grade per enterprise (official results first within a year)."""
    grades: dict[int, str] = {}
    rows = (
        EnterpriseResult.objects.filter(
            among("enterprise_id", enterprise_ids),
            run__kind=SchemeKind.ENTERPRISE_MU,
            run__status=RunStatus.FINAL,
        )
        .exclude(grade="")
        .order_by("enterprise_id", "-run__year", "run__source")
        .values_list("enterprise_id", "grade")
    )
    for enterprise_id, grade in rows:
        if enterprise_id in enterprise_ids:
            grades.setdefault(enterprise_id, grade)
    return grades


def _attrs_frame(
    *, actor: AbstractBaseUser, scope_unit: OrgUnit, year: int
) -> tuple[pl.DataFrame, dict[int, int]]:
    """Per enterprise of the scope: the evaluation inputs' attributes, 规上 last year,
    qualifications, list flags and latest grade; and enterprise id → org unit id."""
    found = gather.enterprise_inputs(actor=actor, region=scope_unit, year=year)
    ids = set(found.units)
    above_prev = {
        enterprise_id
        for enterprise_id in AboveScaleYear.objects.filter(
            among("enterprise_id", ids), year=year - 1, is_above_scale=True
        ).values_list("enterprise_id", flat=True)
        if enterprise_id in ids
    }
    day = gather.year_end(year)
    qualifications: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, kind in (
        Qualification.objects.filter(among("enterprise_id", ids), granted_on__lte=day)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=day))
        .values_list("enterprise_id", "kind")
        .distinct()
    ):
        if enterprise_id in ids:
            qualifications[enterprise_id].append(kind)
    flags: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, flag in EvaluationFlag.objects.filter(
        among("enterprise_id", ids), year__in=(year, year - 1)
    ).values_list("enterprise_id", "flag"):
        if flag in LIST_FLAGS and enterprise_id in ids:
            flags[enterprise_id].append(LIST_FLAGS[flag])
    grades = latest_grades(ids)
    base = found.frame.select(
        gather.ENTERPRISE_ID,
        gather.COUNTY,
        gather.PARK,
        gather.ABOVE_SCALE,
        gather.INDUSTRY_CODE,
        gather.LAND_MU,
    )
    extra = pl.DataFrame(
        [
            {
                gather.ENTERPRISE_ID: e,
                "above_scale_prev": e in above_prev,
                "qualifications": sorted(set(qualifications.get(e, []))),
                "grade": grades.get(e),
                "flags": sorted(set(flags.get(e, []))),
            }
            for e in base[gather.ENTERPRISE_ID].to_list()
        ],
        schema={
            gather.ENTERPRISE_ID: pl.Int64,
            "above_scale_prev": pl.Boolean,
            "qualifications": pl.List(pl.Utf8),
            "grade": pl.Utf8,
            "flags": pl.List(pl.Utf8),
        },
        orient="row",
    )
    return base.join(extra, on=gather.ENTERPRISE_ID, how="left"), found.units


def _chain_frames(
    *,
    scope_unit: OrgUnit,
    enterprise_ids: Collection[int],
    monthly: pl.DataFrame,
    year: int,
    month: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    from parkchain.chains.models import Chain, ChainLink, LinkRole

    city = scope_unit
    if scope_unit.kind != OrgUnitKind.CITY:
        ids = [int(p) for p in scope_unit.path.strip("/").split("/") if p]
        city = OrgUnit.objects.filter(pk__in=ids, kind=OrgUnitKind.CITY).first() or scope_unit
    chains = pl.DataFrame(
        list(Chain.objects.filter(city=city).values_list("pk", "category")),
        schema={"chain_id": pl.Int64, "category": pl.Utf8},
        orient="row",
    )
    revenue_month = 12 if month == 0 else month
    latest = monthly.filter((pl.col("year") == year) & (pl.col("month") == revenue_month)).select(
        gather.ENTERPRISE_ID, "revenue", "rnd"
    )
    designated = set(
        Qualification.objects.filter(
            among("enterprise_id", enterprise_ids),
            kind=QualificationKind.CHAIN_MASTER,
            granted_on__lte=gather.year_end(year),
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=gather.year_end(year)))
        .values_list("enterprise_id", flat=True)
    ) & set(enterprise_ids)
    links = pl.DataFrame(
        [
            {
                "chain_id": chain_id,
                gather.ENTERPRISE_ID: enterprise_id,
                "principal": role in (LinkRole.MASTER, LinkRole.CORE),
                "designated": enterprise_id in designated and role == LinkRole.MASTER,
            }
            for chain_id, enterprise_id, role in ChainLink.objects.filter(
                among("enterprise_id", enterprise_ids), node__chain__city=city
            )
            .values_list("node__chain_id", "enterprise_id", "role")
            .distinct()
            if enterprise_id in enterprise_ids
        ],
        schema={
            "chain_id": pl.Int64,
            gather.ENTERPRISE_ID: pl.Int64,
            "principal": pl.Boolean,
            "designated": pl.Boolean,
        },
        orient="row",
    )
    links = (
        links.sort(
            "chain_id", gather.ENTERPRISE_ID, pl.col("principal"), descending=[False, False, True]
        )
        .unique(["chain_id", gather.ENTERPRISE_ID], keep="first", maintain_order=True)
        .join(latest, on=gather.ENTERPRISE_ID, how="left")
        .with_columns(pl.col("revenue").fill_null(0.0))
    )
    return chains, links


def lists_compute(
    *,
    actor: AbstractBaseUser,
    scope_unit: OrgUnit,
    year: int,
    month: int,
    rules: dict[str, Any] | None = None,
) -> BuiltLists:
    """The six lists of ``scope_unit`` for the period, as rows ready to store."""
    from engine.evaluation import lists as engine_lists
    from engine.periods import Month

    rule_set = (
        engine_lists.ListRules.model_validate(rules)
        if rules is not None
        else engine_lists.load_list_rules()
    )
    as_of = Month(year, month or 12)
    growth_year = year if month in (0, 12) else year - 1
    attrs, units = _attrs_frame(actor=actor, scope_unit=scope_unit, year=year)
    monthly = _monthly_frame(units, year, growth_year)
    n = rule_set.n_city if scope_unit.kind in (OrgUnitKind.CITY, OrgUnitKind.PROVINCE) else None
    n = n or rule_set.n_per_partition
    frames: dict[str, pl.DataFrame] = {
        ListKind.TOP_OUTPUT: engine_lists.top_output(
            monthly, attrs, as_of=as_of, rules=rule_set, n=n
        ),
        ListKind.TOP_TAX: engine_lists.top_tax(monthly, attrs, as_of=as_of, rules=rule_set, n=n),
        ListKind.RELIEF: engine_lists.relief(monthly, attrs, as_of=as_of, rules=rule_set, n=n),
        ListKind.NEW_ABOVE_SCALE: engine_lists.new_above_scale(
            monthly, attrs, as_of=as_of, rules=rule_set, n=n
        ),
        ListKind.GROWTH: engine_lists.growth(monthly, attrs, year=growth_year, rules=rule_set, n=n),
    }
    chains, links = _chain_frames(
        scope_unit=scope_unit,
        enterprise_ids=set(units),
        monthly=monthly,
        year=year,
        month=month,
    )
    if chains.height:
        frames[ListKind.CHAIN_MASTERS] = engine_lists.chain_masters(
            chains, links, attrs, rules=rule_set
        )
    common = {"rank", gather.ENTERPRISE_ID, "value", "tier", "evidence", "rule_version"}
    rows: list[BuiltRow] = []
    for kind, frame in frames.items():
        for record in frame.to_dicts():
            if record.get(gather.ENTERPRISE_ID) is None or record.get("rank") is None:
                # a chain without any candidate (缺链主) names no enterprise; an unranked row
                # (no value to rank by) is not on the list
                continue
            extra = {k: _json(v) for k, v in record.items() if k not in common}
            evidence = record.get("evidence") or ""
            rows.append(
                BuiltRow(
                    kind=kind,
                    rank=int(record["rank"]),
                    enterprise_id=int(record[gather.ENTERPRISE_ID]),
                    chain_id=record.get("chain_id"),
                    value=_json(record.get("value")),
                    tier=record.get("tier") or "",
                    evidence=evidence if isinstance(evidence, str) else json.dumps(evidence),
                    extra=extra,
                )
            )
    return BuiltLists(
        rule_version=rule_set.rule_version,
        rules=rule_set.model_dump(mode="json"),
        rows=rows,
    )
