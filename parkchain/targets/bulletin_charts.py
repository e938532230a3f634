"""Charts of the 调度通报 as PNG images (Pillow; the bulletin is built without a browser).

One chart per ranking: each unit's mean gap to 时序进度 (pp) as a bar, coloured by its worst light
(red if any target is red, yellow if any is yellow, else green), with its red/yellow/green counts.
The numbers are the ranking rows of ``dispatch_figures`` — the same as the table above the chart.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from parkchain.targets.figures import RankingRow

FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
RED, YELLOW, GREEN, GREY = (214, 57, 57), (245, 159, 0), (47, 179, 68), (160, 170, 180)
SCALE = 2  # drawn at twice the size for a sharp print


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size * SCALE)
    return ImageFont.load_default(size * SCALE)


def _colour(row: RankingRow) -> tuple[int, int, int]:
    if row.red:
        return RED
    if row.yellow:
        return YELLOW
    if row.green:
        return GREEN
    return GREY


def gap_chart_png(
    rows: Sequence[RankingRow], *, title: str, unit: str | None = None
) -> bytes | None:
    """Horizontal bars of the mean gap to time progress, zero line in the middle; None if empty.
    ``unit`` follows each bar's figure (default: percentage points, translated)."""
    unit = _("pp") if unit is None else unit
    rows = [r for r in rows if r.mean_gap_pp is not None]
    if not rows:
        return None
    s = SCALE
    label_w, bar_w, count_w, row_h, top = 150 * s, 360 * s, 110 * s, 26 * s, 40 * s
    width = label_w + bar_w + count_w + 20 * s
    height = top + row_h * len(rows) + 30 * s
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((10 * s, 8 * s), title, fill=(30, 30, 30), font=_font(14))
    limit = max(1.0, max(abs(r.mean_gap_pp or 0.0) for r in rows))
    zero = label_w + bar_w // 2
    half = bar_w // 2 - 40 * s
    small = _font(11)
    for i, row in enumerate(rows):
        y = top + i * row_h
        gap = row.mean_gap_pp or 0.0
        draw.text((10 * s, y + 5 * s), row.name[:10], fill=(30, 30, 30), font=small)
        length = int(half * abs(gap) / limit)
        x0, x1 = (zero, zero + length) if gap >= 0 else (zero - length, zero)
        draw.rectangle((x0, y + 5 * s, max(x1, x0 + 1), y + row_h - 5 * s), fill=_colour(row))
        text = f"{gap:+.1f}{unit}"
        tx = x1 + 4 * s if gap >= 0 else x0 - 4 * s - int(draw.textlength(text, font=small))
        draw.text((tx, y + 5 * s), text, fill=(60, 60, 60), font=small)
        counts = f"● {row.red}  ● {row.yellow}  ● {row.green}"
        cx = label_w + bar_w + 10 * s
        for colour, part in zip((RED, YELLOW, GREEN), counts.split("  "), strict=True):
            draw.text((cx, y + 5 * s), part, fill=colour, font=small)
            cx += int(draw.textlength(part + "  ", font=small))
    draw.line((zero, top - 4 * s, zero, height - 24 * s), fill=(120, 120, 120), width=s)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
