"""Writes of the evaluation module: schemes, runs and their workflow, objections, official results, lists.

Every service is keyword-only and atomic, checks the actor's scope (404 outside it, 403 when he may
not write) and raises ``ApplicationError`` with a translated message for broken business rules.
Who may do what:

* city task force (or superuser) with write access to the region: scheme versions, runs
  (``run_create``, ``park_run_create``, ``county_run_create``), publicity (``run_publish``),
  review decisions (``objection_decide``), ``run_finalise``, ``run_withdraw`` and
  ``official_results_import``;
* enterprise, county and park users: objections for enterprises they may write, while the run is
  publicised and the deadline has not passed;
* city, county and park users: 六个清单 snapshots of a unit they may write (``lists_build``).

A run stores its input frames (``RunInput``) and a ``result_hash`` over the engine's output, so
``run_reproduce`` can prove years later that the stored results are exactly what the stored
inputs and the scheme version give. Official runs (source ``official``) are never recomputed,
never published by the platform and never replaced by a platform run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ValidationError

from parkchain.core.errors import ApplicationError
from parkchain.enterprises.models import Enterprise
from parkchain.evaluation import inputs as gather
from parkchain.evaluation.models import (
    GRADES,
    CountyResult,
    EnterpriseResult,
    EvaluationFlag,
    EvaluationRun,
    ListKind,
    ListRow,
    ListSnapshot,
    Objection,
    ObjectionStatus,
    ParkEvent,
    ParkResult,
    ResultStatus,
    RunInput,
    RunSource,
    RunStatus,
    Scheme,
    SchemeKind,
    SchemeVersion,
    SchemeVersionInUse,
)
from parkchain.indicators.validation import Issue
from parkchain.organisations.models import OrgUnit, OrgUnitKind, Park, Role
from parkchain.organisations.scopes import scope_for

ENTERPRISES_INPUT = "enterprises"
PARKS_INPUT = "parks"
EVENTS_INPUT = "events"
HASH_DECIMALS = 6  # floats are compared and hashed at this precision (thread-count noise)

RUN_WRITER_ROLES = (Role.CITY_ADMIN,)
OBJECTOR_ROLES = (Role.ENTERPRISE, Role.COUNTY, Role.PARK)
LIST_BUILDER_ROLES = (Role.CITY_ADMIN, Role.COUNTY, Role.PARK)

# messages (constants so tests and pages can name them)
SCHEME_INVALID = gettext_lazy("The scheme definition is not valid: %(errors)s")
SCHEME_KIND_MISMATCH = gettext_lazy("A “%(kind)s” definition cannot be a version of “%(scheme)s”.")
SCHEME_UNCHANGED = gettext_lazy(
    "The definition is identical to version %(version)s of “%(scheme)s”; nothing was saved."
)
RUN_KIND_MISMATCH = gettext_lazy("“%(scheme)s” is not a scheme for %(kind)s.")
RUN_NO_ENTERPRISES = gettext_lazy(
    "No enterprise of %(region)s was in operation at the end of %(year)s; nothing to evaluate."
)
RUN_NO_PARKS = gettext_lazy("%(region)s has no park to evaluate.")
RUN_WRONG_STATUS = gettext_lazy("“%(run)s” is “%(status)s”; this needs a run that is %(needed)s.")
RUN_IS_OFFICIAL = gettext_lazy(
    "“%(run)s” holds official results imported from a notice; the platform does not change them."
)
DEADLINE_IN_PAST = gettext_lazy("The publicity deadline %(date)s has already passed.")
DEADLINE_NOT_PASSED = gettext_lazy(
    "The publicity period runs until %(date)s; decide objections and finalise after it."
)
OBJECTION_CLOSED = gettext_lazy(
    "Objections to “%(run)s” were accepted until %(date)s; the publicity period is over."
)
OBJECTION_NOT_PUBLICISED = gettext_lazy("“%(run)s” is not under publicity; objections are closed.")
OBJECTION_NO_RESULT = gettext_lazy("“%(enterprise)s” has no result in “%(run)s”.")
OBJECTION_ALREADY_OPEN = gettext_lazy(
    "“%(enterprise)s” already has an open objection to “%(run)s”; add to it instead."
)
OBJECTION_REASON_REQUIRED = gettext_lazy("Say why the result is wrong (at least 10 characters).")
OBJECTION_DECIDED = gettext_lazy("This objection was already decided (%(status)s).")
DECISION_NOTE_REQUIRED = gettext_lazy("Write the reason for the decision.")
DECISION_GRADE = gettext_lazy(
    "An accepted objection needs the new grade (A, B, C or D), different from the current “%(grade)s”."
)
DECISION_NO_GRADE = gettext_lazy("A rejected objection keeps the grade; leave the new grade empty.")
OPEN_OBJECTIONS = gettext_lazy("%(count)s objection(s) are still open; decide them first.")
ANOTHER_FINAL = gettext_lazy(
    "“%(other)s” is already the final %(source)s for %(year)s; withdraw it first."
)
WITHDRAW_REASON_REQUIRED = gettext_lazy("Say why the run is withdrawn.")
ALREADY_WITHDRAWN = gettext_lazy("“%(run)s” is already withdrawn.")
REPRODUCE_NO_INPUTS = gettext_lazy("“%(run)s” has no stored inputs to re-compute from.")
OFFICIAL_EXISTS = gettext_lazy(
    "Official results of %(year)s for %(region)s are already imported (“%(run)s”); withdraw "
    "them first to import a corrected notice."
)
LIST_PERIOD = gettext_lazy("Choose a month 1–12, or 0 for the whole year.")


# ---------------------------------------------------------------------------------------------
# permissions
# ---------------------------------------------------------------------------------------------
def _history_user(obj: object, actor: AbstractBaseUser | None) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]  # read by simple-history outside requests


def _require_visible(actor: AbstractBaseUser, qs: Any) -> None:
    if not scope_for(actor).filter(qs).exists():
        raise Http404


def _require_role(actor: AbstractBaseUser, unit: OrgUnit, roles: Iterable[str]) -> None:
    """403 unless the actor has one of ``roles`` and may write ``unit`` (superusers may)."""
    scope = scope_for(actor)
    if scope.everything:
        return
    if not scope.roles.intersection(roles):
        raise PermissionDenied
    if not scope.can_write(unit):
        raise PermissionDenied


def _require_run_writer(actor: AbstractBaseUser, run: EvaluationRun) -> None:
    _require_visible(actor, EvaluationRun.objects.filter(pk=run.pk))
    _require_role(actor, run.region, RUN_WRITER_ROLES)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


# ---------------------------------------------------------------------------------------------
# schemes
# ---------------------------------------------------------------------------------------------
def scheme_model(kind: str) -> type[BaseModel]:
    """The engine's pydantic model for a scheme kind."""
    from engine.evaluation.parks import CountyScheme, ParkScheme
    from engine.evaluation.scheme import MuScheme

    models: dict[str, type[BaseModel]] = {
        SchemeKind.ENTERPRISE_MU: MuScheme,
        SchemeKind.PARK_FIVE_GOOD: ParkScheme,
        SchemeKind.COUNTY_MU: CountyScheme,
    }
    return models[kind]


def canonical_hash(data: Any) -> str:
    """sha256 of canonical JSON (sorted keys, no spaces): the engine's ``scheme_hash`` for dicts."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scheme_definition_validate(*, kind: str, definition: dict[str, Any]) -> dict[str, Any]:
    """The definition as the engine's model dumps it (defaults filled in); ApplicationError when invalid."""
    try:
        parsed = scheme_model(kind).model_validate(definition)
    except ValidationError as err:
        errors = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '—'}: {e['msg']}" for e in err.errors()
        )
        raise ApplicationError(SCHEME_INVALID % {"errors": errors}) from err
    if getattr(parsed, "kind", kind) != kind:
        raise ApplicationError(SCHEME_KIND_MISMATCH % {"kind": parsed.kind, "scheme": kind})  # type: ignore[attr-defined]
    dumped: dict[str, Any] = parsed.model_dump(mode="json")
    return dumped


def scheme_version_parsed(version: SchemeVersion) -> Any:
    """The engine scheme object of a stored version (MuScheme, ParkScheme or CountyScheme)."""
    return scheme_model(version.scheme.kind).model_validate(version.definition)


@transaction.atomic
def scheme_create(
    *,
    actor: AbstractBaseUser,
    code: str,
    name: str,
    kind: str,
    definition: dict[str, Any],
    city: OrgUnit,
    description: str = "",
) -> Scheme:
    """A city's own scheme (e.g. a preset copied and adjusted), with its version 1."""
    _require_role(actor, city, RUN_WRITER_ROLES)
    normalised = scheme_definition_validate(kind=kind, definition=definition)
    scheme = Scheme(code=code, name=name, kind=kind, city=city, description=description)
    scheme.full_clean()
    _history_user(scheme, actor)
    scheme.save()
    _version_save(scheme=scheme, definition=normalised, actor=actor, note="", version=1)
    return scheme


def _version_save(
    *,
    scheme: Scheme,
    definition: dict[str, Any],
    actor: AbstractBaseUser | None,
    note: str,
    version: int,
) -> SchemeVersion:
    row = SchemeVersion(
        scheme=scheme,
        version=version,
        definition=definition,
        definition_hash=canonical_hash(definition),
        note=note,
        created_by_id=actor.pk if actor is not None else None,
    )
    row.full_clean()
    _history_user(row, actor)
    row.save()
    return row


@transaction.atomic
def scheme_version_create(
    *, actor: AbstractBaseUser, scheme: Scheme, definition: dict[str, Any], note: str = ""
) -> SchemeVersion:
    """A new version of ``scheme`` (versions are never edited once a run used them: edit = new version).

    The definition is validated by the engine's model; a definition identical to the latest
    version is refused (nothing to save).
    """
    _require_visible(actor, Scheme.objects.filter(pk=scheme.pk))
    scope = scope_for(actor)
    if not scope.everything and (
        Role.CITY_ADMIN not in scope.roles or (scheme.city is None and not scope.write_paths)
    ):
        raise PermissionDenied
    if scheme.city is not None:
        _require_role(actor, scheme.city, RUN_WRITER_ROLES)
    normalised = scheme_definition_validate(kind=scheme.kind, definition=definition)
    digest = canonical_hash(normalised)
    latest = SchemeVersion.objects.select_for_update().filter(scheme=scheme).order_by("-version")
    current = latest.first()
    if current is not None and current.definition_hash == digest:
        raise ApplicationError(
            SCHEME_UNCHANGED % {"version": current.version, "scheme": scheme.name}
        )
    number = (latest.aggregate(top=Max("version"))["top"] or 0) + 1
    return _version_save(
        scheme=scheme, definition=normalised, actor=actor, note=note, version=number
    )


@transaction.atomic
def scheme_version_update(
    *, actor: AbstractBaseUser, version: SchemeVersion, definition: dict[str, Any], note: str = ""
) -> SchemeVersion:
    """Correct a version no run has used yet; a used version raises ``SchemeVersionInUse``."""
    _require_visible(actor, SchemeVersion.objects.filter(pk=version.pk))
    scope = scope_for(actor)
    if not scope.everything and Role.CITY_ADMIN not in scope.roles:
        raise PermissionDenied
    normalised = scheme_definition_validate(kind=version.scheme.kind, definition=definition)
    row = SchemeVersion.objects.select_for_update().select_related("scheme").get(pk=version.pk)
    row.definition = normalised
    row.definition_hash = canonical_hash(normalised)
    row.note = note or row.note
    _history_user(row, actor)
    try:
        row.save()
    except SchemeVersionInUse as err:
        raise ApplicationError(str(err.messages[0])) from err
    return row


# ---------------------------------------------------------------------------------------------
# hashing and comparing results
# ---------------------------------------------------------------------------------------------
def _clean(value: Any) -> Any:
    """A value as hashed and compared: floats rounded, NaN as None, empty strings as None."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, HASH_DECIMALS) + 0.0  # + 0.0: −0.0 and 0.0 hash alike
    if value == "":
        return None
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


MU_FIELDS = (
    "group",
    "pool",
    "status",
    "status_reason",
    "base_score",
    "bonus",
    "penalty",
    "total",
    "rank",
    "pool_size",
    "grade",
    "grade_reason",
)
MU_COMPONENT_FIELDS = ("indicator", "value", "benchmark", "weight", "score", "guard")
PARK_FIELDS = (
    "peer_group",
    "part1",
    "part2",
    "deductions",
    "veto",
    "veto_items",
    "total",
    "rank",
    "rank_in_group",
)
PARK_COMPONENT_FIELDS = ("indicator", "half", "value", "value_used", "min", "max", "score")
COUNTY_FIELDS = ("total", "rank")
COUNTY_COMPONENT_FIELDS = ("indicator", "value", "min", "max", "score")


def _canonical(
    rows: dict[Any, dict[str, Any]], fields: tuple[str, ...], component_fields: tuple[str, ...]
) -> dict[str, list[Any]]:
    """key → [fields…, [[component fields…]…]]: what result hashes and comparisons look at."""
    out: dict[str, list[Any]] = {}
    for key in sorted(rows, key=str):
        row = rows[key]
        components = [
            [_clean(c.get(f)) for f in component_fields] for c in row.get("components", [])
        ]
        out[str(key)] = [*(_clean(row.get(f)) for f in fields), components]
    return out


def _grouped_components(frame: pl.DataFrame, key: str) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in _records(frame):
        grouped[row[key]].append({k: _json_value(v) for k, v in row.items() if k != key})
    return grouped


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def mu_result_rows(result: Any) -> dict[int, dict[str, Any]]:
    """Engine ``MuResult`` → enterprise_id → result fields + ``components`` (list of dicts)."""
    components = _grouped_components(result.components, gather.ENTERPRISE_ID)
    rows: dict[int, dict[str, Any]] = {}
    for row in _records(result.enterprises):
        enterprise_id = int(row[gather.ENTERPRISE_ID])
        rows[enterprise_id] = {
            **{k: _json_value(v) for k, v in row.items()},
            "components": components.get(row[gather.ENTERPRISE_ID], []),
        }
    return rows


def _stored_mu_rows(run: EvaluationRun) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for result in run.enterprise_results.all().order_by("enterprise_id"):
        rows[result.enterprise_id] = {
            "group": result.group,
            "pool": result.pool,
            "status": result.status,
            "status_reason": result.status_reason,
            "base_score": result.base_score,
            "bonus": result.bonus,
            "penalty": result.penalty,
            "total": result.total,
            "rank": result.rank,
            "pool_size": result.pool_size,
            "grade": result.computed_grade,
            "grade_reason": result.grade_reason,
            "components": result.components,
        }
    return rows


def park_result_rows(result: Any) -> dict[int, dict[str, Any]]:
    components = _grouped_components(result.components, gather.PARK_ID)
    return {
        int(row[gather.PARK_ID]): {
            **{k: _json_value(v) for k, v in row.items()},
            "components": components.get(row[gather.PARK_ID], []),
        }
        for row in _records(result.parks)
    }


def _stored_park_rows(run: EvaluationRun) -> dict[int, dict[str, Any]]:
    return {
        r.park_id: {
            "peer_group": r.peer_group,
            "part1": r.part1,
            "part2": r.part2,
            "deductions": r.deductions,
            "veto": r.veto,
            "veto_items": r.veto_items,
            "total": r.total,
            "rank": r.rank,
            "rank_in_group": r.rank_in_group,
            "components": r.components,
        }
        for r in run.park_results.all()
    }


def county_result_rows(result: Any, by: str) -> dict[str, dict[str, Any]]:
    components = _grouped_components(result.components, by)
    return {
        str(row[by]): {
            **{k: _json_value(v) for k, v in row.items()},
            "components": components.get(row[by], []),
        }
        for row in _records(result.counties)
    }


def _stored_county_rows(run: EvaluationRun) -> dict[str, dict[str, Any]]:
    return {
        gather.unit_code(r.county): {"total": r.total, "rank": r.rank, "components": r.components}
        for r in run.county_results.select_related("county")
    }


def _result_hash(canonical: dict[str, list[Any]]) -> str:
    return canonical_hash(canonical)


# ---------------------------------------------------------------------------------------------
# runs
# ---------------------------------------------------------------------------------------------
def _check_kind(scheme_version: SchemeVersion, kind: str) -> None:
    if scheme_version.scheme.kind != kind:
        raise ApplicationError(
            RUN_KIND_MISMATCH
            % {"scheme": scheme_version.scheme.name, "kind": SchemeKind(kind).label}
        )


def _run_title(scheme_version: SchemeVersion, year: int, region: OrgUnit) -> str:
    return _("%(region)s %(year)s %(scheme)s") % {
        "region": region.name,
        "year": year,
        "scheme": SchemeKind(scheme_version.scheme.kind).label,
    }


def _new_run(
    *,
    actor: AbstractBaseUser,
    scheme_version: SchemeVersion,
    year: int,
    region: OrgUnit,
    title: str,
    note: str,
    source: str = RunSource.PLATFORM,
    status: str = RunStatus.DRAFT,
) -> EvaluationRun:
    run = EvaluationRun(
        title=title or _run_title(scheme_version, year, region),
        scheme_version=scheme_version,
        kind=scheme_version.scheme.kind,
        year=year,
        region=region,
        status=status,
        source=source,
        note=note,
        created_by_id=actor.pk,
    )
    run.full_clean()
    _history_user(run, actor)
    run.save()
    return run


def _store_input(run: EvaluationRun, name: str, frame: pl.DataFrame) -> None:
    RunInput.objects.create(
        run=run, name=name, data=gather.frame_to_parquet(frame), rows=frame.height
    )


def _engine_input_hash(frame: pl.DataFrame, key: str) -> str:
    """Order-independent hash of an input frame (sorted by its key)."""
    sorted_frame = frame.sort(key)
    digest = hashlib.sha256()
    digest.update(json.dumps(sorted_frame.columns).encode())
    digest.update(
        sorted_frame.with_columns(
            pl.col(c).list.join("|") for c, t in sorted_frame.schema.items() if t == pl.List
        )
        .write_csv(float_precision=HASH_DECIMALS)
        .encode()
    )
    return digest.hexdigest()


@transaction.atomic
def run_create(
    *,
    actor: AbstractBaseUser,
    scheme_version: SchemeVersion,
    year: int,
    region: OrgUnit,
    title: str = "",
    note: str = "",
) -> EvaluationRun:
    """A draft run: gather the region's inputs for ``year``, evaluate them, store inputs and results.

    Dispatches on the scheme's kind (park and county schemes go to ``park_run_create`` and
    ``county_run_create``). Needs the city task force role with write access to ``region``.
    """
    if scheme_version.scheme.kind == SchemeKind.PARK_FIVE_GOOD:
        return park_run_create(
            actor=actor,
            scheme_version=scheme_version,
            year=year,
            region=region,
            title=title,
            note=note,
        )
    if scheme_version.scheme.kind == SchemeKind.COUNTY_MU:
        return county_run_create(
            actor=actor,
            scheme_version=scheme_version,
            year=year,
            region=region,
            title=title,
            note=note,
        )
    from engine.evaluation.mu import evaluate

    _require_role(actor, region, RUN_WRITER_ROLES)
    scheme = scheme_version_parsed(scheme_version)
    found = gather.enterprise_inputs(actor=actor, region=region, year=year)
    if found.frame.height == 0:
        raise ApplicationError(RUN_NO_ENTERPRISES % {"region": region.name, "year": year})
    started = time.perf_counter()
    result = evaluate(found.frame, scheme)
    seconds = time.perf_counter() - started
    run = _new_run(
        actor=actor,
        scheme_version=scheme_version,
        year=year,
        region=region,
        title=title,
        note=note,
    )
    _store_input(run, ENTERPRISES_INPUT, found.frame)
    rows = mu_result_rows(result)
    _store_mu_results(run, rows, found.places, found.frame)
    run.input_hash = str(getattr(result, "input_hash", "")) or _engine_input_hash(
        found.frame, gather.ENTERPRISE_ID
    )
    run.result_hash = _result_hash(_canonical(rows, MU_FIELDS, MU_COMPONENT_FIELDS))
    run.benchmarks = [
        {k: _json_value(v) for k, v in row.items()} for row in _records(result.benchmarks)
    ]
    run.engine_seconds = seconds
    run.save(update_fields=["input_hash", "result_hash", "benchmarks", "engine_seconds"])
    return run


def _store_mu_results(
    run: EvaluationRun,
    rows: dict[int, dict[str, Any]],
    places: dict[int, gather.Place],
    frame: pl.DataFrame,
) -> None:
    facts = {
        row[gather.ENTERPRISE_ID]: row
        for row in frame.select(gather.ENTERPRISE_ID, gather.LAND_MU, gather.ABOVE_SCALE).to_dicts()
    }
    land = {k: v[gather.LAND_MU] for k, v in facts.items()}
    above = {k: bool(v[gather.ABOVE_SCALE]) for k, v in facts.items()}
    fields = (
        "run",
        "enterprise",
        "county",
        "park",
        "above_scale",
        "land_mu",
        "group",
        "pool",
        "status",
        "status_reason",
        "base_score",
        "bonus",
        "penalty",
        "total",
        "rank",
        "pool_size",
        "rank_pct",
        "computed_grade",
        "grade",
        "grade_reason",
        "components",
    )
    values = []
    for enterprise_id, row in rows.items():
        place = places[enterprise_id]  # every input row has its place
        grade = row.get("grade") or ""
        values.append(
            (
                run.pk,
                enterprise_id,
                place.county_id,
                place.park_id,
                above.get(enterprise_id, False),
                land.get(enterprise_id),
                row.get("group") or "",
                row.get("pool") or "",
                row["status"],
                (row.get("status_reason") or "")[:200],
                row.get("base_score"),
                row.get("bonus"),
                row.get("penalty"),
                row.get("total"),
                row.get("rank"),
                row.get("pool_size"),
                row.get("rank_pct"),
                grade,
                grade,
                row.get("grade_reason") or "",
                row["components"],
            )
        )
    _insert_rows(EnterpriseResult, fields, values)


def _insert_rows(model: type[Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """INSERT many rows with one ``executemany`` (no model instances: a run writes 3,000 rows
    with their JSON components in a few hundredths of a second instead of half a second).
    Values are prepared by the fields themselves, so JSON and dates adapt as the ORM would."""
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(f.column)) for f in concrete)  # type: ignore[union-attr]
    placeholders = ", ".join(["%s"] * len(concrete))
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608  # names from model meta
    prepared = [
        tuple(
            f.get_db_prep_save(value, connection)  # type: ignore[union-attr]
            for f, value in zip(concrete, row, strict=True)
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), 5_000):
            cursor.executemany(sql, prepared[start : start + 5_000])


def _load_input(run: EvaluationRun, name: str) -> pl.DataFrame:
    stored = RunInput.objects.filter(run=run, name=name).values_list("data", flat=True).first()
    if stored is None:
        raise ApplicationError(REPRODUCE_NO_INPUTS % {"run": run.title})
    return gather.frame_from_parquet(stored)


@transaction.atomic
def park_run_create(
    *,
    actor: AbstractBaseUser,
    scheme_version: SchemeVersion,
    year: int,
    region: OrgUnit,
    title: str = "",
    note: str = "",
) -> EvaluationRun:
    """A draft "五好" park run: gather the parks of ``region`` (inputs.park_inputs) and their events."""
    from engine.evaluation.parks import evaluate_parks

    _check_kind(scheme_version, SchemeKind.PARK_FIVE_GOOD)
    _require_role(actor, region, RUN_WRITER_ROLES)
    scheme = scheme_version_parsed(scheme_version)
    found = gather.park_inputs(actor=actor, region=region, year=year, columns=scheme.input_columns)
    if found.frame.height == 0:
        raise ApplicationError(RUN_NO_PARKS % {"region": region.name})
    started = time.perf_counter()
    result = evaluate_parks(found.frame, scheme, found.events)
    seconds = time.perf_counter() - started
    run = _new_run(
        actor=actor,
        scheme_version=scheme_version,
        year=year,
        region=region,
        title=title,
        note=note,
    )
    _store_input(run, PARKS_INPUT, found.frame)
    _store_input(run, EVENTS_INPUT, found.events)
    rows = park_result_rows(result)
    ParkResult.objects.bulk_create(
        ParkResult(
            run=run,
            park_id=park_id,
            peer_group=row.get("peer_group") or "",
            part1=row.get("part1"),
            part2=row.get("part2"),
            deductions=row.get("deductions") or 0.0,
            veto=bool(row.get("veto")),
            veto_items=row.get("veto_items") or [],
            total=row.get("total"),
            rank=row.get("rank"),
            rank_in_group=row.get("rank_in_group"),
            components=row["components"],
        )
        for park_id, row in rows.items()
    )
    run.input_hash = _engine_input_hash(found.frame, gather.PARK_ID)
    run.result_hash = _result_hash(_canonical(rows, PARK_FIELDS, PARK_COMPONENT_FIELDS))
    run.benchmarks = [
        {k: _json_value(v) for k, v in row.items()} for row in _records(result.deductions)
    ]
    run.engine_seconds = seconds
    run.save(update_fields=["input_hash", "result_hash", "benchmarks", "engine_seconds"])
    return run


def _distribution_source(year: int, region: OrgUnit) -> EvaluationRun | None:
    """The enterprise run whose grades a county run reports: final first, then the latest draft."""
    runs = EvaluationRun.objects.filter(
        kind=SchemeKind.ENTERPRISE_MU, year=year, region=region
    ).exclude(status=RunStatus.WITHDRAWN)
    return (
        runs.filter(status=RunStatus.FINAL).order_by("source").first()
        or runs.order_by("-created_at", "-pk").first()
    )


@transaction.atomic
def county_run_create(
    *,
    actor: AbstractBaseUser,
    scheme_version: SchemeVersion,
    year: int,
    region: OrgUnit,
    title: str = "",
    note: str = "",
    grades_from: EvaluationRun | None = None,
) -> EvaluationRun:
    """A draft county 亩均 league table: aggregate the region's enterprise rows per county.

    Each county row also carries the A/B/C/D distribution and the land held by class D from
    ``grades_from`` (default: the region's final enterprise run of the year, else its latest).
    """
    from engine.evaluation.parks import evaluate_counties, grade_distribution

    _check_kind(scheme_version, SchemeKind.COUNTY_MU)
    _require_role(actor, region, RUN_WRITER_ROLES)
    scheme = scheme_version_parsed(scheme_version)
    found = gather.enterprise_inputs(actor=actor, region=region, year=year)
    if found.frame.height == 0:
        raise ApplicationError(RUN_NO_ENTERPRISES % {"region": region.name, "year": year})
    frame = gather.county_frame(found)
    started = time.perf_counter()
    result = evaluate_counties(frame, scheme)
    seconds = time.perf_counter() - started
    run = _new_run(
        actor=actor,
        scheme_version=scheme_version,
        year=year,
        region=region,
        title=title,
        note=note,
    )
    _store_input(run, ENTERPRISES_INPUT, frame)
    by = scheme.by
    rows = county_result_rows(result, by)
    distributions: dict[str, dict[str, Any]] = {}
    source = grades_from or _distribution_source(year, region)
    if source is not None:
        graded = pl.DataFrame(
            list(source.enterprise_results.values_list("enterprise_id", "status", "grade")),
            schema={gather.ENTERPRISE_ID: pl.Int64, "status": pl.Utf8, "grade": pl.Utf8},
            orient="row",
        ).with_columns(pl.col("grade").replace("", None))
        table = grade_distribution(graded, frame, by="county", land=gather.LAND_MU)
        for row in table.to_dicts():
            distributions[str(row["county"])] = {
                "run_id": source.pk,
                **{k: _json_value(v) for k, v in row.items() if k != "county"},
            }
    CountyResult.objects.bulk_create(
        CountyResult(
            run=run,
            county_id=found.county_codes[code],
            total=row.get("total"),
            rank=row.get("rank"),
            components=row["components"],
            distribution=distributions.get(code, {}),
        )
        for code, row in rows.items()
        if code in found.county_codes
    )
    run.input_hash = _engine_input_hash(frame, gather.ENTERPRISE_ID)
    run.result_hash = _result_hash(_canonical(rows, COUNTY_FIELDS, COUNTY_COMPONENT_FIELDS))
    run.engine_seconds = seconds
    run.save(update_fields=["input_hash", "result_hash", "engine_seconds"])
    return run


def _require_platform(run: EvaluationRun) -> None:
    if run.is_official:
        raise ApplicationError(RUN_IS_OFFICIAL % {"run": run.title})


def _require_status(run: EvaluationRun, *allowed: str) -> None:
    if run.status not in allowed:
        raise ApplicationError(
            RUN_WRONG_STATUS
            % {
                "run": run.title,
                "status": RunStatus(run.status).label,
                "needed": _(" or ").join(str(RunStatus(s).label) for s in allowed),
            }
        )


def _locked(run: EvaluationRun) -> EvaluationRun:
    return EvaluationRun.objects.select_for_update().select_related("region").get(pk=run.pk)


@transaction.atomic
def run_publish(
    *,
    actor: AbstractBaseUser,
    run: EvaluationRun,
    deadline: dt.date,
    today: dt.date | None = None,
) -> EvaluationRun:
    """公示: a draft becomes publicised until ``deadline`` (inclusive); objections are open meanwhile."""
    _require_run_writer(actor, run)
    run = _locked(run)
    _require_platform(run)
    _require_status(run, RunStatus.DRAFT)
    if deadline < _today(today):
        raise ApplicationError(DEADLINE_IN_PAST % {"date": deadline.isoformat()})
    run.status = RunStatus.PUBLICISED
    run.publicity_deadline = deadline
    run.published_at = timezone.now()
    run.published_by = actor  # type: ignore[assignment]
    _history_user(run, actor)
    run.save()
    return run


@transaction.atomic
def objection_submit(
    *,
    actor: AbstractBaseUser,
    run: EvaluationRun,
    enterprise: Enterprise,
    reason: str,
    today: dt.date | None = None,
) -> Objection:
    """异议: an enterprise (or its county or park) objects to its publicised result before the deadline."""
    _require_visible(actor, Enterprise.objects.filter(pk=enterprise.pk))
    _require_visible(actor, EvaluationRun.objects.filter(pk=run.pk))
    _require_role(actor, enterprise.org_unit, OBJECTOR_ROLES)
    run = _locked(run)
    _require_platform(run)
    if run.status != RunStatus.PUBLICISED:
        raise ApplicationError(OBJECTION_NOT_PUBLICISED % {"run": run.title})
    deadline = run.publicity_deadline
    if deadline is not None and _today(today) > deadline:
        raise ApplicationError(OBJECTION_CLOSED % {"run": run.title, "date": deadline.isoformat()})
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ApplicationError(str(OBJECTION_REASON_REQUIRED))
    result = EnterpriseResult.objects.filter(run=run, enterprise=enterprise).first()
    if result is None:
        raise ApplicationError(
            OBJECTION_NO_RESULT % {"enterprise": enterprise.name, "run": run.title}
        )
    if Objection.objects.filter(
        run=run, enterprise=enterprise, status=ObjectionStatus.OPEN
    ).exists():
        raise ApplicationError(
            OBJECTION_ALREADY_OPEN % {"enterprise": enterprise.name, "run": run.title}
        )
    objection = Objection(
        run=run,
        enterprise=enterprise,
        result=result,
        submitted_by_id=actor.pk,
        submitted_at=timezone.now(),
        reason=reason,
        grade_before=result.grade,
    )
    objection.full_clean()
    _history_user(objection, actor)
    objection.save()
    return objection


@transaction.atomic
def objection_decide(
    *,
    actor: AbstractBaseUser,
    objection: Objection,
    accept: bool,
    note: str,
    new_grade: str | None = None,
    today: dt.date | None = None,
) -> Objection:
    """复核: accept (with the new grade) or reject an objection once the publicity period is over.

    The first decision moves the run to "under review"; an accepted objection changes the
    result's ``grade`` (the engine's ``computed_grade`` and ``grade_reason`` are kept, so the run
    still reproduces), recorded on the objection with the grade before and after.
    """
    run = objection.run
    _require_run_writer(actor, run)
    run = _locked(run)
    _require_platform(run)
    _require_status(run, RunStatus.PUBLICISED, RunStatus.UNDER_REVIEW)
    deadline = run.publicity_deadline
    if deadline is not None and _today(today) <= deadline:
        raise ApplicationError(DEADLINE_NOT_PASSED % {"date": deadline.isoformat()})
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise ApplicationError(
            OBJECTION_DECIDED % {"status": ObjectionStatus(objection.status).label}
        )
    note = (note or "").strip()
    if not note:
        raise ApplicationError(str(DECISION_NOTE_REQUIRED))
    result = EnterpriseResult.objects.select_for_update().get(pk=objection.result_id)
    if accept:
        if new_grade not in GRADES or new_grade == result.grade:
            raise ApplicationError(DECISION_GRADE % {"grade": result.grade or "—"})
        objection.grade_after = new_grade
        result.grade = new_grade  # grade_reason stays the engine's: the objection says why
        result.save(update_fields=["grade"])
    elif new_grade:
        raise ApplicationError(str(DECISION_NO_GRADE))
    else:
        objection.grade_after = result.grade
    objection.status = ObjectionStatus.ACCEPTED if accept else ObjectionStatus.REJECTED
    objection.decision_note = note
    objection.decided_by = actor  # type: ignore[assignment]
    objection.decided_at = timezone.now()
    _history_user(objection, actor)
    objection.save()
    if run.status == RunStatus.PUBLICISED:
        run.status = RunStatus.UNDER_REVIEW
        _history_user(run, actor)
        run.save(update_fields=["status", "updated_at"])
    return objection


@transaction.atomic
def run_finalise(
    *, actor: AbstractBaseUser, run: EvaluationRun, today: dt.date | None = None
) -> EvaluationRun:
    """定级: a publicised (or reviewed) run becomes final once the deadline passed and no objection is open."""
    _require_run_writer(actor, run)
    run = _locked(run)
    _require_platform(run)
    _require_status(run, RunStatus.PUBLICISED, RunStatus.UNDER_REVIEW)
    deadline = run.publicity_deadline
    if deadline is not None and _today(today) <= deadline:
        raise ApplicationError(DEADLINE_NOT_PASSED % {"date": deadline.isoformat()})
    open_count = run.objections.filter(status=ObjectionStatus.OPEN).count()
    if open_count:
        raise ApplicationError(OPEN_OBJECTIONS % {"count": open_count})
    _require_no_other_final(run)
    run.status = RunStatus.FINAL
    run.finalised_at = timezone.now()
    run.finalised_by = actor  # type: ignore[assignment]
    _history_user(run, actor)
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError as err:  # a concurrent finalisation won the race
        raise ApplicationError(
            ANOTHER_FINAL % {"other": "…", "source": RunSource(run.source).label, "year": run.year}
        ) from err
    return run


def _require_no_other_final(run: EvaluationRun) -> None:
    other = (
        EvaluationRun.objects.filter(
            kind=run.kind,
            year=run.year,
            region=run.region,
            source=run.source,
            status=RunStatus.FINAL,
        )
        .exclude(pk=run.pk)
        .first()
    )
    if other is not None:
        raise ApplicationError(
            ANOTHER_FINAL
            % {"other": other.title, "source": RunSource(run.source).label, "year": run.year}
        )


@transaction.atomic
def run_withdraw(*, actor: AbstractBaseUser, run: EvaluationRun, reason: str) -> EvaluationRun:
    """撤回: any run (official ones too, e.g. a notice replaced by a corrected one), with a reason."""
    _require_run_writer(actor, run)
    run = _locked(run)
    if run.status == RunStatus.WITHDRAWN:
        raise ApplicationError(ALREADY_WITHDRAWN % {"run": run.title})
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(str(WITHDRAW_REASON_REQUIRED))
    run.status = RunStatus.WITHDRAWN
    run.withdrawn_at = timezone.now()
    run.withdrawn_by = actor  # type: ignore[assignment]
    run.withdraw_reason = reason[:300]
    _history_user(run, actor)
    run.save()
    return run


# ---------------------------------------------------------------------------------------------
# reproduction
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reproduction:
    """What re-computing a run from its stored inputs and scheme version gave.

    ``matches``: the engine gives exactly the stored results (to HASH_DECIMALS) and the stored
    ``result_hash``. ``changed`` names the keys (enterprise, park or county ids) whose stored row
    differs; ``inputs_changed_since``: the live data now give another input hash (the run is
    still reproducible from what it stored — that is the point).
    """

    run: EvaluationRun
    matches: bool
    result_hash: str
    stored_hash: str
    hash_matches: bool
    changed: list[str] = field(default_factory=list)
    inputs_changed_since: bool | None = None


def run_reproduce(*, run: EvaluationRun, actor: AbstractBaseUser | None = None) -> Reproduction:
    """Re-run the engine on the run's stored inputs and scheme version; compare with the stored rows.

    With ``actor``, also gathers the inputs the live data would give now and reports whether
    they changed since the run (reading only what the actor's scope allows).
    """
    _require_platform(run)
    scheme = scheme_version_parsed(run.scheme_version)
    live_hash: str | None = None
    if run.kind == SchemeKind.ENTERPRISE_MU:
        from engine.evaluation.mu import evaluate

        frame = _load_input(run, ENTERPRISES_INPUT)
        canonical = _canonical(
            mu_result_rows(evaluate(frame, scheme)), MU_FIELDS, MU_COMPONENT_FIELDS
        )
        stored = _canonical(_stored_mu_rows(run), MU_FIELDS, MU_COMPONENT_FIELDS)
        if actor is not None:
            now = gather.enterprise_inputs(actor=actor, region=run.region, year=run.year).frame
            live_hash = _engine_input_hash(now, gather.ENTERPRISE_ID)
            stored_hash = _engine_input_hash(frame, gather.ENTERPRISE_ID)
    elif run.kind == SchemeKind.PARK_FIVE_GOOD:
        from engine.evaluation.parks import evaluate_parks

        frame = _load_input(run, PARKS_INPUT)
        events = _load_input(run, EVENTS_INPUT)
        canonical = _canonical(
            park_result_rows(evaluate_parks(frame, scheme, events)),
            PARK_FIELDS,
            PARK_COMPONENT_FIELDS,
        )
        stored = _canonical(_stored_park_rows(run), PARK_FIELDS, PARK_COMPONENT_FIELDS)
        if actor is not None:
            now = gather.park_inputs(
                actor=actor, region=run.region, year=run.year, columns=scheme.input_columns
            ).frame
            live_hash = _engine_input_hash(now, gather.PARK_ID)
            stored_hash = _engine_input_hash(frame, gather.PARK_ID)
    else:
        from engine.evaluation.parks import evaluate_counties

        frame = _load_input(run, ENTERPRISES_INPUT)
        rows = county_result_rows(evaluate_counties(frame, scheme), scheme.by)
        canonical = _canonical(rows, COUNTY_FIELDS, COUNTY_COMPONENT_FIELDS)
        stored = _canonical(_stored_county_rows(run), COUNTY_FIELDS, COUNTY_COMPONENT_FIELDS)
        if actor is not None:
            found = gather.enterprise_inputs(actor=actor, region=run.region, year=run.year)
            live_hash = _engine_input_hash(gather.county_frame(found), gather.ENTERPRISE_ID)
            stored_hash = _engine_input_hash(frame, gather.ENTERPRISE_ID)
    digest = _result_hash(canonical)
    changed = sorted(
        (key for key in set(canonical) | set(stored) if canonical.get(key) != stored.get(key)),
        key=lambda k: (len(k), k),
    )
    hash_matches = digest == run.result_hash
    return Reproduction(
        run=run,
        matches=hash_matches and not changed,
        result_hash=digest,
        stored_hash=run.result_hash,
        hash_matches=hash_matches,
        changed=changed,
        inputs_changed_since=None if live_hash is None else live_hash != stored_hash,
    )


# ---------------------------------------------------------------------------------------------
# official results (imported from a provincial or city notice)
# ---------------------------------------------------------------------------------------------
OFFICIAL_SHEET_HEADERS = {
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "credit_code"),
    "grade": ("评价等级", "等级", "类别", "分类", "grade"),
    "total": ("综合得分", "得分", "总分", "total"),
    "name": ("企业名称", "单位名称", "名称", "name"),
}


class OfficialImportInvalid(ApplicationError):  # noqa: N818  # the name callers read
    """Every problem of an official-results file (sheet, row, column); nothing was written."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(
            _("%(count)s problem(s) in the file; nothing was imported.") % {"count": len(issues)}
        )
        self.issues = issues


@dataclass(frozen=True)
class _OfficialRow:
    row: int
    enterprise_id: int
    grade: str
    total: float | None


def _official_rows(
    *, actor: AbstractBaseUser, content: bytes, filename: str, region: OrgUnit, year: int
) -> tuple[list[_OfficialRow], list[Issue], dict[int, gather.Place]]:
    from openpyxl.utils import get_column_letter

    from parkchain.enterprises import credit_code as credit_codes
    from parkchain.indicators.excel import FileProblem, normalise_header, read_table, split_unit

    try:
        table = read_table(content, filename, key_aliases=OFFICIAL_SHEET_HEADERS["credit_code"])
    except FileProblem as unreadable:
        return [], [unreadable.issue], {}
    sheet = table.sheet
    header_row = None
    columns: dict[str, int] = {}
    for r, row in enumerate(table.rows[:10]):
        found: dict[str, int] = {}
        for c, cell in enumerate(row):
            name = split_unit(normalise_header(str(cell)))[0] if cell not in (None, "") else ""
            for key, aliases in OFFICIAL_SHEET_HEADERS.items():
                if name in {normalise_header(a) for a in aliases} and key not in found:
                    found[key] = c
        if "credit_code" in found:
            header_row, columns = r, found
            break
    issues: list[Issue] = []
    if header_row is None or "grade" not in columns:
        missing = "统一社会信用代码" if header_row is None else "评价等级"
        issues.append(
            Issue(
                sheet,
                (header_row + 1) if header_row is not None else 1,
                None,
                None,
                _("The header row lacks the column “%(column)s”.") % {"column": missing},
                _("Use the headers 统一社会信用代码, 企业名称, 评价等级 and 综合得分."),
            )
        )
        return [], issues, {}
    letter = {key: get_column_letter(index + 1) for key, index in columns.items()}
    visible = {
        e.credit_code: e.pk
        for e in gather.enterprises_in_region(actor=actor, region=region, year=year).only(
            "pk", "credit_code"
        )
    }
    places = gather.enterprise_inputs(actor=actor, region=region, year=year).places
    rows: list[_OfficialRow] = []
    seen: dict[str, int] = {}
    for index in range(header_row + 1, len(table.rows)):
        cells = table.rows[index]
        excel_row = index + 1
        if all(c in (None, "") for c in cells):
            continue

        def cell(key: str, cells: list[Any] = cells) -> Any:
            position = columns.get(key)
            return cells[position] if position is not None and position < len(cells) else ""

        raw_code = str(cell("credit_code") or "").strip()
        code = credit_codes.normalise(raw_code)
        problem = None
        try:
            credit_codes.validate(code)
        except credit_codes.CreditCodeError:
            problem = _("“%(code)s” is not a valid unified social credit code.") % {
                "code": raw_code
            }
        if problem is None and code not in visible:
            problem = _(
                "No enterprise with the credit code %(code)s is registered in %(region)s."
            ) % {"code": code, "region": region.name}
        if problem is None and code in seen:
            problem = _("The credit code %(code)s already appears in row %(row)s.") % {
                "code": code,
                "row": seen[code],
            }
        if problem is not None:
            issues.append(
                Issue(
                    sheet,
                    excel_row,
                    letter["credit_code"],
                    None,
                    problem,
                    _("Check the code against the notice and the enterprise registry."),
                )
            )
            continue
        seen[code] = excel_row
        grade = str(cell("grade") or "").strip().upper().removesuffix("类")
        if grade not in GRADES:
            issues.append(
                Issue(
                    sheet,
                    excel_row,
                    letter["grade"],
                    None,
                    _("“%(value)s” is not a grade.") % {"value": cell("grade")},
                    _("Write A, B, C or D."),
                )
            )
            continue
        total: float | None = None
        raw_total = cell("total")
        if raw_total not in (None, ""):
            try:
                total = float(str(raw_total).replace(",", ""))
            except ValueError:
                total = None
            if total is None or math.isnan(total) or math.isinf(total):
                issues.append(
                    Issue(
                        sheet,
                        excel_row,
                        letter.get("total"),
                        None,
                        _("“%(value)s” is not a number.") % {"value": raw_total},
                        _("Write the score as a number, or leave the cell empty."),
                    )
                )
                continue
        rows.append(_OfficialRow(excel_row, visible[code], grade, total))
    if not rows and not issues:
        issues.append(
            Issue(
                sheet,
                None,
                None,
                None,
                _("The sheet has no result rows."),
                _("Fill in one row per enterprise under the header."),
            )
        )
    return rows, issues, places


@transaction.atomic
def official_results_import(
    *,
    actor: AbstractBaseUser,
    file: Any,
    year: int,
    scheme: Scheme,
    region: OrgUnit | None = None,
    filename: str | None = None,
    title: str = "",
    note: str = "",
) -> EvaluationRun:
    """Import the grades of an official notice (.xlsx: 统一社会信用代码, 评价等级, 综合得分).

    Every row is validated (credit code with its check character, registered in the region and in
    the actor's scope — an enterprise outside it answers like an unknown code —, no duplicate,
    grade A–D, score a number or empty); any problem raises ``OfficialImportInvalid`` listing
    sheet, row and column of each, and nothing is written. The results become a *final* run of
    source ``official``, kept apart from platform estimates (they never replace each other).
    """
    region = region or _actor_city(actor)
    _require_role(actor, region, RUN_WRITER_ROLES)
    _require_visible(actor, Scheme.objects.filter(pk=scheme.pk))
    existing = (
        EvaluationRun.objects.filter(
            kind=scheme.kind, year=year, region=region, source=RunSource.OFFICIAL
        )
        .exclude(status=RunStatus.WITHDRAWN)
        .first()
    )
    if existing is not None:
        raise ApplicationError(
            OFFICIAL_EXISTS % {"year": year, "region": region.name, "run": existing.title}
        )
    content = file if isinstance(file, bytes) else file.read()
    name = filename or getattr(file, "name", "") or "official.xlsx"
    rows, issues, places = _official_rows(
        actor=actor, content=content, filename=name, region=region, year=year
    )
    if issues:
        raise OfficialImportInvalid(issues)
    version = scheme.versions.order_by("-version").first()
    if version is None:
        raise ApplicationError(REPRODUCE_NO_INPUTS % {"run": scheme.name})
    run = _new_run(
        actor=actor,
        scheme_version=version,
        year=year,
        region=region,
        title=title
        or _("%(region)s %(year)s official results") % {"region": region.name, "year": year},
        note=note or name,
        source=RunSource.OFFICIAL,
        status=RunStatus.FINAL,
    )
    run.finalised_at = timezone.now()
    run.finalised_by = actor  # type: ignore[assignment]
    ranked = sorted(rows, key=lambda r: -(r.total if r.total is not None else -math.inf))
    EnterpriseResult.objects.bulk_create(
        EnterpriseResult(
            run=run,
            enterprise_id=row.enterprise_id,
            county_id=places[row.enterprise_id].county_id,
            park_id=places[row.enterprise_id].park_id,
            status=ResultStatus.GRADED,
            total=row.total,
            rank=position if row.total is not None else None,
            pool_size=len(rows),
            computed_grade=row.grade,
            grade=row.grade,
            grade_reason="official",
        )
        for position, row in enumerate(ranked, start=1)
    )
    run.result_hash = canonical_hash(
        sorted([r.enterprise_id, r.grade, _clean(r.total)] for r in rows)
    )
    run.input_hash = hashlib.sha256(content).hexdigest()
    run.save()
    return run


def _actor_city(actor: AbstractBaseUser) -> OrgUnit:
    scope = scope_for(actor)
    city = (
        OrgUnit.objects.filter(path__in=scope.write_paths, kind=OrgUnitKind.CITY)
        .order_by("path")
        .first()
    )
    if city is None:
        raise PermissionDenied
    return city


# ---------------------------------------------------------------------------------------------
# flags and events (inputs the registry does not hold)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def evaluation_flag_set(
    *,
    actor: AbstractBaseUser,
    enterprise: Enterprise,
    year: int,
    flag: str,
    count: int = 1,
    note: str = "",
) -> EvaluationFlag | None:
    """Record (count > 0) or remove (count 0) a flag of an enterprise for a year (事故, 转租, 品牌…)."""
    _require_visible(actor, Enterprise.objects.filter(pk=enterprise.pk))
    scope_for(actor).require_write(enterprise.org_unit)
    existing = EvaluationFlag.objects.filter(enterprise=enterprise, year=year, flag=flag).first()
    if count <= 0:
        if existing is not None:
            _history_user(existing, actor)
            existing.delete()
        return None
    row = existing or EvaluationFlag(enterprise=enterprise, year=year, flag=flag)
    row.count = count
    row.note = note
    row.created_by = row.created_by or (actor if actor.pk else None)  # type: ignore[assignment]
    row.full_clean()
    _history_user(row, actor)
    row.save()
    return row


@transaction.atomic
def park_event_set(
    *,
    actor: AbstractBaseUser,
    park: Park,
    year: int,
    item: str,
    count: float = 1,
    note: str = "",
) -> ParkEvent | None:
    """Record (count > 0) or remove (count 0) a park's deduction or veto event for a year."""
    _require_visible(actor, Park.objects.filter(pk=park.pk))
    _require_role(actor, park.org_unit, (Role.CITY_ADMIN, Role.COUNTY))
    existing = ParkEvent.objects.filter(park=park, year=year, item=item).first()
    if count <= 0:
        if existing is not None:
            _history_user(existing, actor)
            existing.delete()
        return None
    row = existing or ParkEvent(park=park, year=year, item=item)
    row.count = count
    row.note = note
    row.created_by = row.created_by or (actor if actor.pk else None)  # type: ignore[assignment]
    row.full_clean()
    _history_user(row, actor)
    row.save()
    return row


# ---------------------------------------------------------------------------------------------
# 六个清单
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def lists_build(
    *,
    actor: AbstractBaseUser,
    year: int,
    month: int,
    scope: OrgUnit,
    rules: dict[str, Any] | None = None,
    title: str = "",
) -> ListSnapshot:
    """Build and freeze the six lists (六个清单) of ``scope`` (city, county or park) for a period.

    ``month`` 1–12 lists 本年累计 at that month (the growth list: the last completed year); 0 the
    whole year (December 本年累计). Only enterprises the actor may read are listed. ``rules`` overrides the engine's ``ListRules`` defaults (sizes,
    thresholds); the snapshot keeps the rules and their hash as ``rule_version``.
    """
    from parkchain.evaluation import lists as list_inputs

    if not 0 <= month <= 12:
        raise ApplicationError(str(LIST_PERIOD))
    _require_visible(actor, OrgUnit.objects.filter(pk=scope.pk))
    _require_role(actor, scope, LIST_BUILDER_ROLES)
    built = list_inputs.lists_compute(
        actor=actor, scope_unit=scope, year=year, month=month, rules=rules
    )
    snapshot = ListSnapshot(
        scope_unit=scope,
        year=year,
        month=month,
        rule_version=built.rule_version,
        rules=built.rules,
        built_by_id=actor.pk,
        title=title
        or _("%(unit)s %(period)s six lists")
        % {"unit": scope.name, "period": f"{year}" if month == 0 else f"{year}年1-{month}月"},
    )
    snapshot.full_clean()
    snapshot.save()
    ListRow.objects.bulk_create(
        ListRow(
            snapshot=snapshot,
            kind=row.kind,
            rank=row.rank,
            enterprise_id=row.enterprise_id,
            chain_id=row.chain_id,
            value=row.value,
            tier=row.tier,
            evidence=row.evidence,
            extra=row.extra,
        )
        for row in built.rows
        if row.kind in ListKind.values
    )
    return snapshot
