"""Seed the bundled presets as schemes with version 1: the four enterprise 亩均 presets
(zj6, huaian, city5, xiangxi), the "五好" park scheme and the county 亩均 league table.

Definitions are read from ``engine/evaluation/presets/*.json`` as they are at this migration and
normalised by the engine's pydantic models (defaults filled in), so the stored JSON — and its
hash — is exactly what a run reads. Later preset changes arrive as new versions, never as edits.
"""

import hashlib
import json
from pathlib import Path

from django.db import migrations

PRESETS = (
    ("xiangxi", "enterprise_mu"),
    ("zj6", "enterprise_mu"),
    ("huaian", "enterprise_mu"),
    ("city5", "enterprise_mu"),
    ("five_good", "park_five_good"),
    ("county_mu", "county_mu"),
)
PRESET_DIR = Path(__file__).resolve().parents[3] / "engine" / "evaluation" / "presets"


def _normalised(code, kind):
    from engine.evaluation.parks import CountyScheme, ParkScheme
    from engine.evaluation.scheme import MuScheme

    model = {"enterprise_mu": MuScheme, "park_five_good": ParkScheme, "county_mu": CountyScheme}[kind]
    data = json.loads((PRESET_DIR / f"{code}.json").read_text(encoding="utf-8"))
    return model.model_validate(data).model_dump(mode="json")


def _hash(definition):
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed(apps, schema_editor):
    Scheme = apps.get_model("evaluation", "Scheme")
    SchemeVersion = apps.get_model("evaluation", "SchemeVersion")
    for code, kind in PRESETS:
        definition = _normalised(code, kind)
        scheme, _created = Scheme.objects.get_or_create(
            code=code,
            defaults={
                "name": definition.get("name", code)[:100],
                "kind": kind,
                "is_preset": True,
                "description": (definition.get("description") or definition.get("note") or ""),
            },
        )
        if not SchemeVersion.objects.filter(scheme=scheme).exists():
            SchemeVersion.objects.create(
                scheme=scheme,
                version=1,
                definition=definition,
                definition_hash=_hash(definition),
                note="预置方案（engine/evaluation/presets）",
            )


def unseed(apps, schema_editor):
    Scheme = apps.get_model("evaluation", "Scheme")
    SchemeVersion = apps.get_model("evaluation", "SchemeVersion")
    codes = [code for code, _kind in PRESETS]
    SchemeVersion.objects.filter(scheme__code__in=codes, runs__isnull=True).delete()
    Scheme.objects.filter(code__in=codes, versions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
