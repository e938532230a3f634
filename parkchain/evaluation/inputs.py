"""Engine input frames gathered from the registry and the observations (docs/evaluation.md §1–2).

Reading stops here: the services pass these frames to ``engine.evaluation`` and store them with the
run (Parquet), so a run is re-computed from exactly what it read. Enterprises are attributed *as
of 31 December* of the year evaluated (the park they were in then, that park's county, else the
registered county), and only those the acting user's scope covers are read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from parkchain.core.ids import among
from parkchain.enterprises.models import (
    AboveScaleYear,
    Enterprise,
    ParkMembership,
    Qualification,
    QualificationKind,
)
from parkchain.evaluation.models import EvaluationFlag
from parkchain.indicators.models import ANNUAL, Observation
from parkchain.organisations.models import OrgUnit, OrgUnitKind, Park
from parkchain.organisations.scopes import scope_for

# registry codes of the annual 亩均 data (form ent_annual), one Float64 column each
ENTERPRISE_CODES: tuple[str, ...] = (
    "tax_annual",
    "value_added_annual",
    "revenue_annual",
    "energy_tce",
    "emissions",
    "employees_avg",
    "rnd_annual",
    "electricity_annual",
    "land_used",
)
# qualifications held at any time of the year become flags the schemes' bonus rules read
QUALIFICATION_FLAGS: dict[str, str] = {
    QualificationKind.HIGH_TECH: "hitech",
    QualificationKind.TECH_SME: "tech_sme",
    QualificationKind.SPECIALISED: "specialised",
    QualificationKind.LITTLE_GIANT: "little_giant",
    QualificationKind.CHAMPION: "champion",
    QualificationKind.LISTED: "listed",
    QualificationKind.CHAIN_MASTER: "chain_master",
}

ENTERPRISE_ID = "enterprise_id"
COUNTY = "county"
PARK = "park"
ABOVE_SCALE = "above_scale"
INDUSTRY_CODE = "industry_code"
LAND_MU = "land_mu"
YEARS_OPERATING = "years_operating"
FLAGS = "flags"

ENTERPRISE_SCHEMA: dict[str, Any] = {
    ENTERPRISE_ID: pl.Int64,
    COUNTY: pl.Utf8,
    PARK: pl.Utf8,
    ABOVE_SCALE: pl.Boolean,
    INDUSTRY_CODE: pl.Utf8,
    LAND_MU: pl.Float64,
    YEARS_OPERATING: pl.Float64,
    FLAGS: pl.List(pl.Utf8),
    **dict.fromkeys(ENTERPRISE_CODES, pl.Float64),
}


@dataclass(frozen=True)
class Place:
    """Where an enterprise was on 31 December of the year evaluated."""

    county_id: int
    park_id: int | None


@dataclass(frozen=True)
class EnterpriseInputs:
    frame: pl.DataFrame  # ENTERPRISE_SCHEMA, sorted by enterprise_id
    places: dict[int, Place]  # enterprise_id → Place
    county_codes: dict[str, int]  # the ``county`` column's code → county org unit id
    units: dict[int, int]  # enterprise_id → its org unit id (observations are keyed by unit)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def unit_code(unit: OrgUnit) -> str:
    """The code a frame names a unit by: its GB/T 2260 code, else its id."""
    return unit.code or str(unit.pk)


def counties_of(region: OrgUnit) -> list[OrgUnit]:
    """The county-level units a region covers (itself when it is one)."""
    if region.kind == OrgUnitKind.COUNTY:
        return [region]
    return list(
        OrgUnit.objects.filter(kind=OrgUnitKind.COUNTY, path__startswith=region.path).order_by(
            "path"
        )
    )


def _covering(day: dt.date) -> QuerySet[ParkMembership]:
    return ParkMembership.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day
    )


def enterprises_in_region(
    *, actor: AbstractBaseUser, region: OrgUnit, year: int
) -> QuerySet[Enterprise]:
    """Enterprises in operation in ``region`` on 31 December of ``year`` that ``actor`` may read."""
    day = year_end(year)
    covering = _covering(day)
    in_region_parks = covering.filter(park__org_unit__path__startswith=region.path).values(
        "enterprise_id"
    )
    outside_parks = ~Q(pk__in=covering.values("enterprise_id")) & Q(
        county__path__startswith=region.path
    )
    qs = Enterprise.objects.filter(Q(pk__in=in_region_parks) | outside_parks).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=day), is_active=True
    )
    return scope_for(actor).filter(qs, as_of=day)


def enterprise_inputs(*, actor: AbstractBaseUser, region: OrgUnit, year: int) -> EnterpriseInputs:
    """One row per enterprise of ``region`` (ENTERPRISE_SCHEMA): the 亩均 evaluation's input frame.

    ``land_mu`` is the reported 用地面积 of the year (``land_used``) when there is one, else the
    registry's land; ``years_operating`` counts from ``established_on`` to 31 December; ``flags``
    are the qualifications held during the year and the year's EvaluationFlags (repeated
    ``count`` times for per-item rules).
    """
    day = year_end(year)
    first_day = dt.date(year, 1, 1)
    enterprises = enterprises_in_region(actor=actor, region=region, year=year)
    firms = list(
        enterprises.values(
            "pk", "org_unit_id", "county_id", "industry_code", "land_mu", "established_on"
        )
    )
    # the firms are read once; the reads below are kept to them by ``among`` and in Python
    firm_ids = {f["pk"] for f in firms}
    unit_ids = {f["org_unit_id"] for f in firms}
    park_of: dict[int, int] = {
        enterprise_id: park_id
        for enterprise_id, park_id in _covering(day)
        .filter(among("enterprise_id", firm_ids))
        .values_list("enterprise_id", "park_id")
        if enterprise_id in firm_ids
    }
    park_county: dict[int, int | None] = dict(
        Park.objects.filter(pk__in=set(park_of.values())).values_list("pk", "org_unit__parent_id")
    )
    counties = {unit.pk: unit for unit in counties_of(region)}
    extra_counties = {f["county_id"] for f in firms} - set(counties)
    if extra_counties:  # a county outside the region cannot hold its firms, but stay total
        counties.update({u.pk: u for u in OrgUnit.objects.filter(pk__in=extra_counties)})
    above = {
        enterprise_id
        for enterprise_id in AboveScaleYear.objects.filter(
            among("enterprise_id", firm_ids), year=year, is_above_scale=True
        ).values_list("enterprise_id", flat=True)
        if enterprise_id in firm_ids
    }
    flags: dict[int, list[str]] = defaultdict(list)
    held = (
        Qualification.objects.filter(among("enterprise_id", firm_ids), granted_on__lte=day)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=first_day))
        .values_list("enterprise_id", "kind")
        .distinct()
        .order_by("enterprise_id", "kind")
    )
    for enterprise_id, kind in held:
        flag = QUALIFICATION_FLAGS.get(kind)
        if flag and enterprise_id in firm_ids:
            flags[enterprise_id].append(flag)
    for enterprise_id, flag, count in (
        EvaluationFlag.objects.filter(among("enterprise_id", firm_ids), year=year)
        .order_by("enterprise_id", "flag")
        .values_list("enterprise_id", "flag", "count")
    ):
        if enterprise_id in firm_ids:
            flags[enterprise_id].extend([flag] * max(count, 1))
    values: dict[int, dict[str, float]] = defaultdict(dict)
    for unit_id, code, value in Observation.objects.filter(
        among("org_unit_id", unit_ids),
        year=year,
        month=ANNUAL,
        indicator__code__in=ENTERPRISE_CODES,
    ).values_list("org_unit_id", "indicator__code", "value"):
        if unit_id in unit_ids:
            values[unit_id][code] = float(value)

    rows: list[dict[str, Any]] = []
    places: dict[int, Place] = {}
    for firm in firms:
        pk = firm["pk"]
        park_id = park_of.get(pk)
        county_id = (park_county.get(park_id) if park_id else None) or firm["county_id"]
        places[pk] = Place(county_id=county_id, park_id=park_id)
        reported = values.get(firm["org_unit_id"], {})
        land = reported.get("land_used")
        if land is None and firm["land_mu"] is not None:
            land = float(firm["land_mu"])
        established = firm["established_on"]
        rows.append(
            {
                ENTERPRISE_ID: pk,
                COUNTY: unit_code(counties[county_id]),
                PARK: str(park_id) if park_id else None,
                ABOVE_SCALE: pk in above,
                INDUSTRY_CODE: firm["industry_code"] or None,
                LAND_MU: land,
                YEARS_OPERATING: round((day - established).days / 365.25, 4)
                if established
                else None,
                FLAGS: sorted(flags.get(pk, [])),
                **{code: reported.get(code) for code in ENTERPRISE_CODES},
            }
        )
    frame = pl.DataFrame(rows, schema=ENTERPRISE_SCHEMA, orient="row").sort(ENTERPRISE_ID)
    return EnterpriseInputs(
        frame=frame,
        places=places,
        county_codes={unit_code(unit): pk for pk, unit in counties.items()},
        units={f["pk"]: f["org_unit_id"] for f in firms},
    )


def frame_to_parquet(frame: pl.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=False)
    return buffer.getvalue()


def frame_from_parquet(data: bytes | memoryview) -> pl.DataFrame:
    import io

    return pl.read_parquet(io.BytesIO(bytes(data)))


def ids_of(rows: Iterable[dict[str, Any]], key: str = ENTERPRISE_ID) -> list[int]:
    return [int(row[key]) for row in rows]


# ---------------------------------------------------------------------------------------------
# Parks (五好) and counties
# ---------------------------------------------------------------------------------------------
PARK_ID = "park_id"
# park monthly form (本年累计): the December value is the year's; "<code>_prev" the year before's
PARK_MONTHLY_CODES: tuple[str, ...] = (
    "total_income",
    "industrial_va_growth",
    "park_tax",
    "industrial_investment",
    "fdi",
    "domestic_capital",
    "import_export",
    "hitech_revenue",
    "new_above_scale",
)
PREVIOUS = "_prev"
LAND_BASES = ("planned_mu", "developed_mu", "built_industrial_mu", "supplied_industrial_mu")
KM2_TO_MU = 1500.0


@dataclass(frozen=True)
class ParkInputs:
    frame: pl.DataFrame  # park_id, level, block, is_chemical, land bases, indicator columns
    events: pl.DataFrame  # park_id, item, count


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


def _km2_to_mu(value: Any) -> float | None:
    return float(value) * KM2_TO_MU if value is not None else None


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def _park_sums(frame: pl.DataFrame) -> dict[int, dict[str, float]]:
    """Per park (as of year end): Σ R&D and revenue of 规上 firms, Σ energy and value added, 高企 count."""
    if frame.height == 0:
        return {}
    both = pl.col("rnd_annual").is_not_null() & pl.col("revenue_annual").is_not_null()
    energy = pl.col("energy_tce").is_not_null() & pl.col("value_added_annual").is_not_null()
    sums = (
        frame.filter(pl.col(PARK).is_not_null())
        .group_by(PARK)
        .agg(
            pl.col("rnd_annual").filter(both & pl.col(ABOVE_SCALE)).sum().alias("rnd"),
            pl.col("revenue_annual").filter(both & pl.col(ABOVE_SCALE)).sum().alias("revenue"),
            pl.col("energy_tce").filter(energy).sum().alias("energy"),
            pl.col("value_added_annual").filter(energy).sum().alias("value_added"),
            pl.col(FLAGS).list.contains("hitech").sum().alias("hitech"),
        )
    )
    return {int(row[PARK]): row for row in sums.to_dicts()}


def park_inputs(
    *, actor: AbstractBaseUser, region: OrgUnit, year: int, columns: Iterable[str]
) -> ParkInputs:
    """One row per park of ``region`` the actor may read, with every column a park scheme reads.

    * ``level``, ``block``, ``is_chemical`` (化工 among its leading or featured industries) and
      the land bases in 亩 (``planned_mu``, ``developed_mu`` from km² × 1500, ``built_industrial_mu``,
      ``supplied_industrial_mu``);
    * the park monthly form's December 本年累计 (``total_income``, ``park_tax``…) and, as
      ``<code>_prev``, the previous December's;
    * from the park's enterprises (as of each year end): ``tax_per_mu`` (park tax ÷ built
      industrial land), ``rnd_intensity`` (%, 规上), ``energy_intensity_drop`` (%, 1 − e_t/e_t−1
      with e = Σ综合能耗 ÷ Σ增加值), ``hitech_enterprises`` (net new 高新技术企业);
    * any other requested column: the park's annual observation (month 0) of the registry
      indicator with that code (``<code>_prev``: the year before), else null (the scheme's
      missing rule applies).
    """
    from parkchain.indicators.models import Indicator

    wanted = list(dict.fromkeys(columns))
    day = year_end(year)
    parks = list(
        scope_for(actor)
        .filter(Park.objects.filter(org_unit__path__startswith=region.path), as_of=day)
        .order_by("pk")
    )
    unit_to_park = {p.org_unit_id: p.pk for p in parks}
    monthly: dict[tuple[int, int, str], float] = {}
    for unit_id, y, code, value in Observation.objects.filter(
        org_unit_id__in=list(unit_to_park),
        year__in=(year, year - 1),
        month=12,
        indicator__code__in=PARK_MONTHLY_CODES,
    ).values_list("org_unit_id", "year", "indicator__code", "value"):
        monthly[(unit_to_park[unit_id], y, code)] = float(value)
    annual_codes = {c.removesuffix(PREVIOUS) for c in wanted} - set(PARK_MONTHLY_CODES)
    registered = set(
        Indicator.objects.filter(code__in=annual_codes, level="park").values_list("code", flat=True)
    )
    annual: dict[tuple[int, int, str], float] = {}
    for unit_id, y, code, value in Observation.objects.filter(
        org_unit_id__in=list(unit_to_park),
        year__in=(year, year - 1),
        month=ANNUAL,
        indicator__code__in=registered,
    ).values_list("org_unit_id", "year", "indicator__code", "value"):
        annual[(unit_to_park[unit_id], y, code)] = float(value)
    now = _park_sums(enterprise_inputs(actor=actor, region=region, year=year).frame)
    before = _park_sums(enterprise_inputs(actor=actor, region=region, year=year - 1).frame)

    rows: list[dict[str, Any]] = []
    for park in parks:
        industries = f"{park.leading_industries}、{park.featured_industry}"
        built = _num(park.built_industrial_area_mu)
        row: dict[str, Any] = {
            PARK_ID: park.pk,
            "level": park.level,
            "block": park.block or None,
            "is_chemical": "化工" in industries,
            "planned_mu": _km2_to_mu(park.planned_area_km2),
            "developed_mu": _km2_to_mu(park.developed_area_km2),
            "built_industrial_mu": built,
            "supplied_industrial_mu": _num(park.supplied_industrial_area_mu),
        }
        for code in PARK_MONTHLY_CODES:
            row[code] = monthly.get((park.pk, year, code))
            row[code + PREVIOUS] = monthly.get((park.pk, year - 1, code))
        tax = row["park_tax"]
        row["tax_per_mu"] = _ratio(tax, built) if tax is not None and built else None
        sums, previous = now.get(park.pk), before.get(park.pk)
        row["rnd_intensity"] = (
            _ratio(sums["rnd"] * 100, sums["revenue"]) if sums and sums["revenue"] else None
        )
        e_now = _ratio(sums["energy"], sums["value_added"]) if sums else None
        e_before = _ratio(previous["energy"], previous["value_added"]) if previous else None
        row["energy_intensity_drop"] = (
            (1 - e_now / e_before) * 100 if e_now is not None and e_before else None
        )
        row["hitech_enterprises"] = (
            float(sums["hitech"] - (previous["hitech"] if previous else 0)) if sums else None
        )
        for column in wanted:
            if column in row:
                continue
            code = column.removesuffix(PREVIOUS)
            y = year - 1 if column.endswith(PREVIOUS) else year
            row[column] = annual.get((park.pk, y, code))
        rows.append(row)
    schema: dict[str, Any] = {PARK_ID: pl.Int64, "level": pl.Utf8, "block": pl.Utf8}
    schema["is_chemical"] = pl.Boolean
    names = list(dict.fromkeys([*schema, *(rows[0] if rows else {}), *wanted]))
    schema.update({name: pl.Float64 for name in names if name not in schema})
    frame = pl.DataFrame(
        [{name: row.get(name) for name in names} for row in rows], schema=schema, orient="row"
    )
    from parkchain.evaluation.models import ParkEvent

    events = pl.DataFrame(
        list(
            ParkEvent.objects.filter(park_id__in=[p.pk for p in parks], year=year)
            .order_by("park_id", "item")
            .values_list("park_id", "item", "count")
        ),
        schema={PARK_ID: pl.Int64, "item": pl.Utf8, "count": pl.Float64},
        orient="row",
    )
    return ParkInputs(frame=frame, events=events)


def county_frame(inputs: EnterpriseInputs) -> pl.DataFrame:
    """The enterprise frame plus ``is_industrial`` (GB/T 4754 06–46), for a scheme's row filter."""
    division = pl.col(INDUSTRY_CODE).str.extract(r"(\d{2})", 1).cast(pl.Int64, strict=False)
    return inputs.frame.with_columns(
        division.is_between(6, 46).fill_null(False).alias("is_industrial")
    )
