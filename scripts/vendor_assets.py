"""Copy the front-end libraries installed by `npm ci` into static/vendor (served by Django; no CDN)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

FILES = {
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    "@tabler/core/dist/css/tabler.min.css": "tabler/css/tabler.min.css",
    "@tabler/core/dist/js/tabler.min.js": "tabler/js/tabler.min.js",
    "@tabler/icons-webfont/dist/tabler-icons.min.css": "tabler-icons/tabler-icons.min.css",
}
DIRS = {"@tabler/icons-webfont/dist/fonts": "tabler-icons/fonts"}


def main() -> int:
    missing = [src for src in [*FILES, *DIRS] if not (NODE / src).exists()]
    if missing:
        print("Missing npm files (run `npm ci` first): " + ", ".join(missing), file=sys.stderr)  # noqa: T201
        return 1
    for src, dst in FILES.items():
        target = VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    for src, dst in DIRS.items():
        shutil.copytree(NODE / src, VENDOR / dst, dirs_exist_ok=True)
    print(f"Vendored {len(FILES)} files and {len(DIRS)} folders into {VENDOR.relative_to(ROOT)}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
