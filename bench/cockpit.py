"""Cockpit and bulletin speed at city and province scale (issue 5's targets).

    .venv/bin/python bench/cockpit.py [--scale city province] [--repeat 15]

1. Builds (once) a scratch SQLite database per scale, /tmp/parkchain-bench-cockpit-<scale>.sqlite3,
   with `seed_demo --scale <scale> --seed 42` (five years of monthly reports: ~265k observation
   rows for the city, ~5.2M for the province, about 3½ minutes on SQLite). The demo target book
   ("一高五新", 湘西州 2026) is seeded at both scales: at province scale 湘西州 is one of the 14
   cities, so its book computes over the province's tables. Built under a temporary name and
   renamed when complete, so an interrupted build is never mistaken for a finished one.
2. As the city task force (`city`), through Django's test client (no network, no browser):
   * the cockpit page `/cockpit/` for the demo's month (2026-10): one cold request (the month's
     figures computed), a warm-up, then the median and p95 of `--repeat` requests;
   * the cockpit drilled down to a county (`?county=`), the same way;
   * the bulletin end to end with a cold cache: `dispatch_figures` (every target's progress read
     from the reports) + `bulletin_docx`, the median of three builds, each after clearing the
     per-process figure cache.
3. Prints a table with the targets of the issue: the cockpit under 300 ms at province scale and
   under 100 ms at city scale (median), the bulletin under 10 s at province scale.

Set DATABASE_URL to measure PostgreSQL instead (the database must already hold the demo data).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MONTH = "2026-10"
TARGET_MS = {"city": 100.0, "province": 300.0}
BULLETIN_TARGET_S = 10.0


def db_path(scale: str) -> Path:
    return Path(f"/tmp/parkchain-bench-cockpit-{scale}.sqlite3")


def build(scale: str) -> None:
    """Migrate and seed a fresh database for ``scale`` in a child process (the seed holds one
    transaction for minutes; the parent measures afterwards on the finished file)."""
    final = db_path(scale)
    if final.exists():
        return
    building = final.with_suffix(".building.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{building}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*manage, "seed_demo", "--scale", scale, "--seed", "42", "-v0"], env=env, check=True
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", _CHECKPOINT, str(building)], env=env, check=True
    )
    building.rename(final)
    print(f"built {final} ({scale}) in {time.perf_counter() - started:.0f} s", flush=True)


_CHECKPOINT = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()"
)


@dataclass
class Timing:
    cold_ms: float
    median_ms: float
    p95_ms: float
    queries: int


def _page(client, url: str, repeat: int) -> Timing:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parkchain.targets import data

    data._CACHE.clear()
    started = time.perf_counter()
    response = client.get(url)
    cold = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    client.get(url)  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return Timing(cold, statistics.median(timings), p95, len(queries))


def _bulletin(user) -> tuple[float, float, float, int]:  # type: ignore[no-untyped-def]
    """Median over three cold builds: (figures s, document s, total s, document bytes)."""
    from engine.periods import Month
    from parkchain.targets import data
    from parkchain.targets.bulletin import bulletin_docx
    from parkchain.targets.selectors import dispatch_figures

    period = Month.parse(MONTH)
    runs = []
    for _ in range(3):
        data._CACHE.clear()
        started = time.perf_counter()
        figures = dispatch_figures(user=user, year=period.year, month=period.month)
        computed = time.perf_counter()
        content = bulletin_docx(figures, issued_on=dt.date(2026, 11, 12))
        done = time.perf_counter()
        runs.append((computed - started, done - computed, done - started, len(content)))
    runs.sort(key=lambda r: r[2])
    return runs[1]


def measure(scale: str, repeat: int, *, switch: bool) -> list[tuple[str, str, str, str]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from parkchain.enterprises.models import Enterprise
    from parkchain.indicators.models import Observation
    from parkchain.organisations.models import OrgUnit, OrgUnitKind
    from parkchain.targets.models import Target

    if switch:
        connection.close()
        connection.settings_dict["NAME"] = str(db_path(scale))
    user = get_user_model().objects.get(username="city")
    targets = Target.objects.count()
    print(
        f"\nscale={scale} enterprises={Enterprise.objects.count():,} "
        f"observations={Observation.objects.count():,} targets={targets} month={MONTH} "
        f"user=city repeat={repeat}",
        flush=True,
    )
    if not targets:
        raise SystemExit(f"no target book in {db_path(scale)}: seed_demo skipped it")
    client = Client()
    client.force_login(user)
    county = OrgUnit.objects.filter(kind=OrgUnitKind.COUNTY, name="吉首市").first()
    assert county is not None
    rows = []
    for label, url in (
        ("cockpit", f"{reverse('cockpit:home')}?month={MONTH}"),
        ("cockpit ?county=吉首市", f"{reverse('cockpit:home')}?month={MONTH}&county={county.pk}"),
    ):
        timing = _page(client, url, repeat)
        verdict = "ok" if timing.median_ms < TARGET_MS[scale] else "MISSED"
        rows.append(
            (
                label,
                f"cold {timing.cold_ms:,.0f} ms · median {timing.median_ms:,.1f} ms · "
                f"p95 {timing.p95_ms:,.1f} ms · {timing.queries} queries",
                f"< {TARGET_MS[scale]:.0f} ms median",
                verdict,
            )
        )
    figures_s, document_s, total_s, size = _bulletin(user)
    rows.append(
        (
            "bulletin (cold, end to end)",
            f"{total_s:.2f} s (dispatch_figures {figures_s:.2f} s + docx {document_s:.2f} s, "
            f"{size / 1024:.0f} KB)",
            f"< {BULLETIN_TARGET_S:.0f} s" if scale == "province" else "—",
            "ok" if total_s < BULLETIN_TARGET_S else "MISSED",
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--scale", nargs="+", choices=["city", "province"], default=["city", "province"]
    )
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    given = os.environ.get("DATABASE_URL")  # measure that database as it is
    if given is None:
        for scale in args.scale:
            build(scale)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_path(args.scale[0])}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")

    import django

    django.setup()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)

    table: list[tuple[str, str, str, str, str]] = []
    for scale in args.scale[:1] if given else args.scale:
        table += [(scale, *row) for row in measure(scale, args.repeat, switch=given is None)]
    widths = [max(len(str(r[i])) for r in table) for i in range(5)]
    header = ("scale", "what", "figures", "target", "")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
