"""``manage.py evaluate``: run an evaluation (亩均, 五好 or county) and print a summary.

    manage.py evaluate --scheme xiangxi --year 2025 [--region 433100] [--publish] [--deadline 2026-07-10]
    manage.py evaluate --kind park_five_good --year 2025
    manage.py evaluate --kind county_mu --year 2025

The run is made by ``--user`` (default: the first active superuser) through the services, so the
same scope and role rules apply as on the pages. The summary is printed in the active language
(``LANGUAGE=en`` or ``LANGUAGE=zh_CN`` in the environment switches it).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parkchain.core.errors import ApplicationError
from parkchain.evaluation.models import GRADES, Scheme, SchemeKind
from parkchain.evaluation.services import run_create, run_publish
from parkchain.organisations.models import OrgUnit, OrgUnitKind

DEFAULT_SCHEME: dict[str, str] = {
    SchemeKind.ENTERPRISE_MU: "xiangxi",
    SchemeKind.PARK_FIVE_GOOD: "five_good",
    SchemeKind.COUNTY_MU: "county_mu",
}
PUBLICITY_DAYS = 7


def _language() -> str | None:
    wanted = os.environ.get("LANGUAGE", "").split(":")[0].lower()
    if wanted.startswith("en"):
        return "en"
    if wanted.startswith("zh"):
        return "zh-hans"
    return None


class Command(BaseCommand):
    help = "Run an evaluation (enterprise 亩均, park 五好 or county ranking) and print a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", help="Scheme code (default: the preset of the kind).")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--region", help="GB/T 2260 code of the city or county (default: the only city)."
        )
        parser.add_argument("--kind", choices=SchemeKind.values)
        parser.add_argument(
            "--scheme-version", type=int, help="Scheme version (default: the latest)."
        )
        parser.add_argument("--publish", action="store_true", help="Publicise the run (公示).")
        parser.add_argument(
            "--deadline",
            type=dt.date.fromisoformat,
            help=f"Publicity deadline, YYYY-MM-DD (default: in {PUBLICITY_DAYS} days).",
        )
        parser.add_argument("--user", help="Username of the actor (default: a superuser).")

    def handle(self, *args: Any, **options: Any) -> None:
        language = _language()
        if language:
            with translation.override(language):
                self._handle(**options)
        else:
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        actor = self._actor(options["user"])
        scheme = self._scheme(options["scheme"], options["kind"])
        version = (
            scheme.versions.filter(version=options["scheme_version"]).first()
            if options["scheme_version"]
            else scheme.versions.order_by("-version").first()
        )
        if version is None:
            raise CommandError(
                _("Scheme “%(scheme)s” has no such version.") % {"scheme": scheme.code}
            )
        region = self._region(options["region"])
        started = time.perf_counter()
        try:
            run = run_create(
                actor=actor, scheme_version=version, year=options["year"], region=region
            )
            if options["publish"]:
                deadline = options["deadline"] or timezone.localdate() + dt.timedelta(
                    days=PUBLICITY_DAYS
                )
                run = run_publish(actor=actor, run=run, deadline=deadline)
        except ApplicationError as err:
            raise CommandError(err.message) from err
        except PermissionDenied as err:
            raise CommandError(
                _("%(user)s may not run evaluations for %(region)s.")
                % {"user": actor.get_username(), "region": region.name}
            ) from err
        seconds = time.perf_counter() - started
        self._summary(run, seconds)

    def _actor(self, username: str | None) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        actor = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError(
                _("No such active user: %(user)s.") % {"user": username}
                if username
                else _("No active superuser; name the actor with --user.")
            )
        return actor

    def _scheme(self, code: str | None, kind: str | None) -> Scheme:
        code = code or DEFAULT_SCHEME.get(kind or SchemeKind.ENTERPRISE_MU)
        scheme = Scheme.objects.filter(code=code).first()
        if scheme is None:
            known = ", ".join(Scheme.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(
                _("No scheme “%(code)s”; known: %(known)s.") % {"code": code, "known": known}
            )
        if kind and scheme.kind != kind:
            raise CommandError(
                _("Scheme “%(code)s” is a %(kind)s scheme.")
                % {"code": scheme.code, "kind": SchemeKind(scheme.kind).label}
            )
        return scheme

    def _region(self, code: str | None) -> OrgUnit:
        if code:
            region = OrgUnit.objects.filter(
                code=code, kind__in=(OrgUnitKind.CITY, OrgUnitKind.COUNTY, OrgUnitKind.PROVINCE)
            ).first()
            if region is None:
                raise CommandError(_("No city or county with the code %(code)s.") % {"code": code})
            return region
        cities = list(OrgUnit.objects.filter(kind=OrgUnitKind.CITY)[:2])
        if len(cities) != 1:
            raise CommandError(_("Name the city or county with --region (a GB/T 2260 code)."))
        return cities[0]

    def _summary(self, run: Any, seconds: float) -> None:
        write = self.stdout.write
        write(
            _("Run #%(id)s “%(title)s” (%(status)s), scheme %(scheme)s v%(version)s.")
            % {
                "id": run.pk,
                "title": run.title,
                "status": run.get_status_display(),
                "scheme": run.scheme_version.scheme.code,
                "version": run.scheme_version.version,
            }
        )
        if run.kind == SchemeKind.ENTERPRISE_MU:
            rows = list(run.enterprise_results.values_list("status", "grade"))
            grades = Counter(grade for _status, grade in rows if grade)
            statuses = Counter(status for status, _grade in rows)
            write(
                _(
                    "Enterprises: %(total)s; graded %(graded)s, exempt %(exempt)s, deferred %(deferred)s, not evaluated %(excluded)s."
                )
                % {
                    "total": len(rows),
                    "graded": statuses.get("graded", 0),
                    "exempt": statuses.get("exempt", 0),
                    "deferred": statuses.get("deferred", 0),
                    "excluded": statuses.get("excluded", 0),
                }
            )
            write(
                _("Grades: %(grades)s.")
                % {"grades": ", ".join(f"{g} {grades.get(g, 0)}" for g in GRADES)}
            )
        elif run.kind == SchemeKind.PARK_FIVE_GOOD:
            write(_("Parks: %(count)s.") % {"count": run.park_results.count()})
            for result in run.park_results.select_related("park").order_by("rank")[:5]:
                write(f"  {result.rank:>3}  {result.park.name}  {result.total:.2f}")
        else:
            write(_("Counties: %(count)s.") % {"count": run.county_results.count()})
            for result in run.county_results.select_related("county").order_by("rank"):
                total = f"{result.total:.2f}" if result.total is not None else "—"
                write(f"  {result.rank or '—':>3}  {result.county.name}  {total}")
        if run.publicity_deadline:
            write(_("Publicised until %(date)s.") % {"date": run.publicity_deadline.isoformat()})
        write(
            _("Computed in %(engine).2f s (engine), %(total).2f s in all.")
            % {"engine": run.engine_seconds, "total": seconds}
        )
