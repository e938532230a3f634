"""``manage.py seed_demo``: the deterministic demo data (county, city or province scale)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from parkchain.demo.evaluation import evaluation_demo_flush, evaluation_demo_seed
from parkchain.demo.generator import SCALES, demo_data_exists, demo_flush, demo_seed
from parkchain.demo.targets import targets_demo_flush, targets_demo_seed
from parkchain.enterprises.models import Enterprise
from parkchain.organisations.models import OrgUnit


class Command(BaseCommand):
    help = (
        "Create the demo data: a Xiangxi-like prefecture (city, ~3,000 enterprises), two of its "
        "counties (county, ~300) or a Hunan-like province (province, ~50,000). Same seed, same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=SCALES, default="city")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds enterprises.",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete the demo data (org tree, enterprises, chains, demo users) first.",
        )
        parser.add_argument(
            "--no-observations",
            action="store_true",
            help="Skip the reported data (observations and submissions of the report forms).",
        )
        parser.add_argument(
            "--observations-from",
            type=int,
            choices=range(2022, 2027),
            metavar="YEAR",
            help=(
                "First year of monthly reported data (default 2022: five years at every scale; "
                "at province scale that is ~6M rows and a few minutes on SQLite)."
            ),
        )
        parser.add_argument(
            "--no-evaluation",
            action="store_true",
            help="Skip the demo evaluations (亩均 runs, objections, 五好, county ranking, 六个清单).",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the django-simple-history rows for the seeded records (faster).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo_data_exists():
            count = Enterprise.objects.count()
            self.stdout.write(f"Demo data already present ({count} enterprises); nothing to do.")
            return
        scale, seed = options["scale"], options["seed"]
        with transaction.atomic():
            if options["flush"]:
                evaluation_demo_flush()
                targets_demo_flush()
                demo_flush(log=self.stdout.write)
            elif OrgUnit.objects.exists():
                raise CommandError(
                    "The database already has an organisation tree. Use --flush to replace it "
                    "with the demo data, or --if-empty to keep it."
                )
            self.stdout.write(f"Seeding the demo data: scale={scale}, seed={seed} …")
            summary = demo_seed(
                scale=scale,
                seed=seed,
                history=not options["no_history"],
                observations=not options["no_observations"],
                observations_from=options["observations_from"],
                log=self.stdout.write,
            )
            evaluated = None
            if not options["no_observations"] and not options["no_evaluation"]:
                evaluated = evaluation_demo_seed(seed=seed, log=self.stdout.write)
            targets = None if options["no_observations"] else targets_demo_seed()
        for line in summary.lines():
            self.stdout.write(self.style.SUCCESS(line))
        if evaluated is not None:
            self.stdout.write(self.style.SUCCESS(evaluated.line()))
        if targets is not None:
            self.stdout.write(self.style.SUCCESS(targets.line()))
