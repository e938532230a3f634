"""Import speed: a 100,000-row enterprise monthly workbook, ours vs django-import-export, side by side.

    .venv/bin/python bench/import_100k.py [--rows 100000] [--repeat 3] [--iex-rows 10000] [--iex-full]

1. Builds (once) /tmp/parkchain-bench-import.sqlite3 with `seed_demo --scale city --seed 42` and
   keeps it as the pristine base; every measurement runs on a fresh copy of it.
2. Writes (once) /tmp/parkchain-bench-import-<rows>.xlsx: the city's enterprises × the most recent
   months (one row per enterprise-month, 本年累计 values that grow within each year), with a
   报告期 column and one column per indicator of the monthly enterprise form (`ent_monthly` of the
   default registry, or a bench form when the registry is absent). Periods are re-opened with
   PeriodUnlock rows, as a city admin does for a historical backfill.
3. Times (a) ours: batch_create + batch_validate + batch_apply as the city admin (every cell
   checked, rules, revisions, submissions), ``--repeat`` times on fresh copies (median and
   best printed, with the load average and a machine control: a fixed pure-Python loop, so
   figures from different days can be read against the machine's speed that day) and (b) a straightforward django-import-export
   ModelResource for Observation (``Resource.import_data(dry_run=False, use_transactions=True)``)
   fed the same values as one row per enterprise × indicator × month (the model's shape).
   django-import-export runs on a slice (``--iex-rows`` wide rows, default 10,000) and is
   extrapolated linearly unless ``--iex-full``; the output says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = Path("/tmp/parkchain-bench-import.sqlite3")
WORK = Path("/tmp/parkchain-bench-import-work.sqlite3")
FORM_CODE = "ent_monthly"


def _use_database(path: Path) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = str(path)


def _fresh_copy() -> None:
    from django.db import connection

    _use_database(BASE)
    with connection.cursor() as cursor:  # WAL mode: fold the log into the file before copying it
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{WORK}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(BASE, WORK)
    _use_database(WORK)


def _months_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` months before the current one, oldest first."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append((year, month))
    return list(reversed(out))


def _form_and_items():  # type: ignore[no-untyped-def]
    from parkchain.indicators.models import (
        FormItem,
        Indicator,
        Level,
        MeasureUnit,
        Periodicity,
        ReportForm,
    )

    form = ReportForm.objects.filter(code=FORM_CODE).first()
    if form is None:  # no default registry: a form of our own with the usual indicators
        form = ReportForm.objects.create(
            code=FORM_CODE, name="企业月报", level=Level.ENTERPRISE, periodicity=Periodicity.MONTHLY
        )
        specs = [
            ("output_value", "工业总产值"),
            ("revenue", "营业收入"),
            ("tax", "实缴税金"),
            ("value_added", "工业增加值"),
            ("profit", "利润总额"),
            ("electricity", "用电量"),
            ("employees", "从业人员"),
            ("rnd", "R&D经费"),
        ]
        for order, (code, name) in enumerate(specs):
            indicator, _ = Indicator.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "unit": MeasureUnit.WAN_YUAN,
                    "level": Level.ENTERPRISE,
                    "periodicity": Periodicity.MONTHLY,
                    "is_ytd": code != "employees",
                },
            )
            FormItem.objects.create(form=form, indicator=indicator, order=order)
    items = list(FormItem.objects.filter(form=form).select_related("indicator").order_by("order"))
    return form, items


def _values(code: str, rng: random.Random, base: float, month: int) -> float:
    """本年累计 that grows with the month; tax ≤ revenue, value added ≤ output, profit ≤ revenue."""
    factors = {
        "output_value": 1.0,
        "revenue": 0.95,
        "tax": 0.04,
        "value_added": 0.25,
        "profit": 0.06,
        "electricity": 0.02,
        "rnd": 0.015,
        "fixed_investment": 0.05,
    }
    if code == "employees":
        return float(int(base / 20) + 10)
    return round(base * factors.get(code, 0.01) * month, 1)


def _build_base(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from parkchain.enterprises.models import Enterprise

    _use_database(BASE)
    call_command("migrate", verbosity=0)
    if not Enterprise.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", scale="city", seed=42, verbosity=0)
        print(f"seeded city scale in {time.perf_counter() - started:.1f} s")


def _unlock_periods(periods: list[tuple[int, int]], today: dt.date) -> None:
    from django.contrib.auth import get_user_model

    from parkchain.indicators.models import PeriodUnlock

    form, _items = _form_and_items()
    admin = get_user_model().objects.get(username="city")
    PeriodUnlock.objects.bulk_create(
        [
            PeriodUnlock(
                form=form,
                year=y,
                month=m,
                until=today + dt.timedelta(days=2),
                reason="bench: historical backfill",
                unlocked_by=admin,
            )
            for y, m in periods
        ]
    )


def _workbook(path: Path, rows: int, today: dt.date) -> tuple[list[tuple[int, int]], list[str]]:
    """Write the wide workbook (once) and return its periods and indicator codes."""
    from openpyxl import Workbook

    from parkchain.enterprises.models import Enterprise
    from parkchain.indicators.excel import indicator_header

    _form, items = _form_and_items()
    enterprises = list(Enterprise.objects.order_by("pk").values_list("credit_code", "name"))
    months_needed = -(-rows // len(enterprises))
    periods = _months_back(today, months_needed)
    codes = [item.indicator.code for item in items]
    if path.exists():
        return periods, codes
    rng = random.Random(42)
    bases = {code: rng.uniform(500, 20_000) for code, _name in enterprises}
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("数据")
    ws.append(["统一社会信用代码", "企业名称", "报告期"] + [indicator_header(i) for i in items])
    written = 0
    for year, month in periods:
        for code, name in enterprises:
            if written >= rows:
                break
            ws.append(
                [code, name, f"{year}-{month:02d}"]
                + [_values(c, rng, bases[code], month) for c in codes]
            )
            written += 1
    workbook.save(path)
    return periods, codes


def _ours(path: Path, today: dt.date) -> tuple[float, dict[str, object]]:
    from django.contrib.auth import get_user_model

    from parkchain.indicators.imports import batch_apply, batch_create, batch_validate

    form, _items = _form_and_items()
    admin = get_user_model().objects.get(username="city")
    content = path.read_bytes()
    started = time.perf_counter()
    batch = batch_create(
        actor=admin,
        form=form,
        upload=content,
        year=today.year,
        month=today.month,
        original_name=path.name,
    )
    batch = batch_validate(batch=batch, today=today)
    validated = time.perf_counter()
    if batch.status != "ready":
        print("validation failed:", batch.error_count, batch.errors[:3])
        raise SystemExit(1)
    batch = batch_apply(batch=batch, actor=admin, confirm_warnings=True, today=today)
    finished = time.perf_counter()
    assert batch.status == "applied", batch.errors[:3]
    return finished - started, {
        "validate_s": round(validated - started, 2),
        "apply_s": round(finished - validated, 2),
        "rows": batch.row_count,
        "new": batch.summary.get("new"),
        "changed": batch.summary.get("changed"),
        "unchanged": batch.summary.get("unchanged"),
    }


def _iex(path: Path, wide_rows: int) -> tuple[float, int]:
    """django-import-export on the first ``wide_rows`` rows, as long rows (one per observation)."""
    import tablib
    from import_export import fields, resources, widgets
    from python_calamine import CalamineWorkbook

    from parkchain.indicators.models import Indicator, Observation, Source
    from parkchain.organisations.models import OrgUnit

    _form, items = _form_and_items()
    codes = [item.indicator.code for item in items]

    class ObservationResource(resources.ModelResource):
        indicator = fields.Field(
            attribute="indicator",
            column_name="indicator",
            widget=widgets.ForeignKeyWidget(Indicator, field="code"),
        )
        org_unit = fields.Field(
            attribute="org_unit",
            column_name="credit_code",
            widget=widgets.ForeignKeyWidget(OrgUnit, field="enterprise__credit_code"),
        )

        class Meta:
            model = Observation
            fields = ("indicator", "org_unit", "year", "month", "value", "source")
            import_id_fields = ("indicator", "org_unit", "year", "month")

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("数据").to_python()
    dataset = tablib.Dataset(
        headers=["credit_code", "indicator", "year", "month", "value", "source"]
    )
    for row in sheet[1 : wide_rows + 1]:
        year, month = (int(x) for x in str(row[2]).split("-"))
        for offset, code in enumerate(codes):
            value = row[3 + offset]
            if value != "":
                dataset.append([row[0], code, year, month, value, Source.EXCEL.value])
    started = time.perf_counter()
    result = ObservationResource().import_data(dataset, dry_run=False, use_transactions=True)
    elapsed = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        print("django-import-export reported errors:", result.totals)
    return elapsed, len(dataset)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--iex-rows", type=int, default=10_000)
    parser.add_argument(
        "--iex-full", action="store_true", help="run django-import-export on every row"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours (median reported)")
    parser.add_argument("--ours-only", action="store_true", help="skip django-import-export")
    parser.add_argument("--profile", action="store_true", help="cProfile our import (top 25)")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"sqlite:///{BASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import config.settings as project_settings

    if "import_export" not in project_settings.INSTALLED_APPS:
        project_settings.INSTALLED_APPS.append("import_export")  # dev dependency, bench only
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.utils import timezone

    today = timezone.localdate()
    _build_base(args)
    xlsx = Path(f"/tmp/parkchain-bench-import-{args.rows}.xlsx")
    periods, codes = _workbook(xlsx, args.rows, today)
    if not _unlocked(periods):
        _unlock_periods(periods, today)
    from parkchain.enterprises.models import Enterprise

    print(
        f"workbook: {args.rows:,} rows = {Enterprise.objects.count():,} enterprises × {len(periods)} months "
        f"({periods[0][0]}-{periods[0][1]:02d} … {periods[-1][0]}-{periods[-1][1]:02d}), "
        f"{len(codes)} indicator columns ({', '.join(codes)}) = {args.rows * len(codes):,} values; "
        f"{xlsx.stat().st_size / 1e6:.1f} MB"
    )

    print(f"load average (1, 5, 15 min): {_load()}; machine control: {_control():.2f} s")
    timings: list[float] = []
    for run in range(max(1, args.repeat)):
        _fresh_copy()
        profiling = args.profile and run == 0
        if profiling:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        elapsed, detail = _ours(xlsx, today)
        timings.append(elapsed)
        print(f"ours run {run + 1} (validate + apply): {elapsed:.2f} s  {detail}")
        if profiling:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    ours = statistics.median(timings)
    print(
        f"ours (validate + apply): median {ours:.2f} s, best {min(timings):.2f} s over "
        f"{len(timings)} runs; load average {_load()}"
    )
    if args.ours_only:
        return

    _fresh_copy()
    iex_rows = args.rows if args.iex_full else min(args.iex_rows, args.rows)
    iex_time, long_rows = _iex(xlsx, iex_rows)
    if iex_rows < args.rows:
        estimate = iex_time * args.rows / iex_rows
        print(
            f"django-import-export: {iex_time:.1f} s for {iex_rows:,} wide rows ({long_rows:,} observation rows); "
            f"EXTRAPOLATED linearly to {args.rows:,} rows: {estimate:.0f} s"
        )
    else:
        estimate = iex_time
        print(
            f"django-import-export: {iex_time:.1f} s for {args.rows:,} rows ({long_rows:,} observation rows)"
        )
    print(
        f"ratio: {estimate / ours:.1f}× faster (ours {ours:.2f} s vs django-import-export {estimate:.0f} s)"
    )
    print(f"under 10 s: {'yes' if ours < 10 else 'NO'} (median of ours)")


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _control() -> float:
    """Seconds for a fixed pure-Python loop (10M additions): the machine's speed right now."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def _unlocked(periods: list[tuple[int, int]]) -> bool:
    from parkchain.indicators.models import PeriodUnlock

    return PeriodUnlock.objects.filter(reason="bench: historical backfill").count() >= len(periods)


if __name__ == "__main__":
    main()
