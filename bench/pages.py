"""Page speed at a given demo scale: median and p95 server time of the main pages per persona.

    .venv/bin/python bench/pages.py --scale city [--repeat 20]

Builds (once) a scratch SQLite database /tmp/parkchain-bench-<scale>.sqlite3 with
`seed_demo --scale <scale> --seed 42`, then requests each page through Django's test client
(no network, no browser) and prints the figures. Set DATABASE_URL to measure PostgreSQL instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["county", "city", "province"], default="city")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    db_file = Path(f"/tmp/parkchain-bench-{args.scale}.sqlite3")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_file}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")

    import django

    django.setup()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the park user's 404 is expected
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from parkchain.enterprises.models import Enterprise

    call_command("migrate", verbosity=0)
    if not Enterprise.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", scale=args.scale, seed=42, verbosity=0)
        print(f"seeded {args.scale} in {time.perf_counter() - started:.1f} s")

    jiugui = (
        Enterprise.objects.filter(name__startswith="酒鬼酒").first() or Enterprise.objects.first()
    )
    assert jiugui is not None
    pages = [
        ("home", reverse("home")),
        ("parks", reverse("organisations:park_list")),
        ("enterprises", reverse("enterprises:list")),
        ("enterprises ?q=酒", reverse("enterprises:list") + "?q=酒"),
        ("enterprises p.20 sort=land", reverse("enterprises:list") + "?sort=-land&page=20"),
        ("enterprise detail", reverse("enterprises:detail", args=[jiugui.pk])),
        ("chains", reverse("chains:list")),
        ("search ?q=酒", reverse("search") + "?q=酒"),
    ]
    users = [
        u
        for u in ("city", "county_jishou", "park_gaoxin")
        if get_user_model().objects.filter(username=u).exists()
    ]
    print(
        f"scale={args.scale} enterprises={Enterprise.objects.count():,} repeat={args.repeat} db={os.environ['DATABASE_URL'].split(':')[0]}"
    )
    print(f"{'page':30} {'user':15} {'median ms':>10} {'p95 ms':>8} {'status':>7}")
    for username in users:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for label, url in pages:
            timings = []
            status = 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                status = response.status_code
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            print(
                f"{label:30} {username:15} {statistics.median(timings):10.1f} {p95:8.1f} {status:7}"
            )


if __name__ == "__main__":
    main()
