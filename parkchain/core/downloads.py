"""File downloads: an attachment whose (Chinese) name travels RFC 5987-encoded, with an ASCII
fallback for old clients. Shared by the .xlsx exports and the .docx reports."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(
    content: bytes,
    *,
    content_type: str,
    name: str | Promise,
    extension: str,
    fallback: str,
    stamped: bool = True,
) -> HttpResponse:
    """``<name>_<YYYYMMDD>.<extension>`` (``<name>.<extension>`` when not ``stamped``, for names
    that carry their own period); ``<fallback>_<YYYYMMDD>.<extension>`` for ASCII-only clients."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"{name}_{stamp}.{extension}" if stamped else f"{name}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{fallback}_{stamp}.{extension}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return response


def docx_response(
    content: bytes, *, name: str | Promise, fallback: str = "report", stamped: bool = True
) -> HttpResponse:
    return attachment(
        content,
        content_type=DOCX_CONTENT_TYPE,
        name=name,
        extension="docx",
        fallback=fallback,
        stamped=stamped,
    )
