"""Change history for pages: simple-history records turned into "who changed what, when, old → new".

The caller has already fetched the object through a scoped selector, and passes only historical
records of rows the user may see. Values that point at rows outside the user's scope (a key park of
another county, say) are named only when listed in ``visible``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Field, ForeignKey, ManyToManyField, Model, QuerySet
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from simple_history.models import DeletedObject
from simple_history.utils import get_m2m_reverse_field_name

from parkchain.core.people import display_name

HISTORY_LIMIT = 50

ACTIONS = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}

# Bookkeeping columns nobody edits by hand.
_SKIPPED_FIELDS = frozenset({"id", "created_at", "updated_at", "path", "depth", "org_unit"})


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    action: str
    subject: str  # "" for the page's own object, else e.g. "资质：高新技术企业"
    changes: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True)
class HistorySource:
    """Historical records of one model, already limited to rows the user may see.

    ``label`` names the row in the entries (e.g. the qualification kind); leave it None for the
    page's own object.
    """

    records: QuerySet[Any]
    label: Callable[[Any], str] | None = None


def object_history(
    obj: Model,
    *,
    related: Sequence[HistorySource] = (),
    visible: Mapping[type[Model], Collection[int]] | None = None,
    limit: int = HISTORY_LIMIT,
) -> list[HistoryEntry]:
    """Newest first, at most ``limit`` entries, merged from ``obj``'s history and ``related`` sources."""
    sources = [HistorySource(records=obj.history.all()), *related]  # type: ignore[attr-defined]
    entries: list[tuple[Any, HistoryEntry]] = []
    for source in sources:
        records = list(
            source.records.select_related(
                "history_user", *_foreign_keys(source.records.model)
            ).order_by("-history_date", "-history_id")[: limit + 1]
        )
        entries.extend(
            (record, _entry(record, previous, source.label, visible or {}))
            for record, previous in _with_previous(records)
        )
    entries.sort(key=lambda pair: (pair[0].history_date, pair[0].history_id), reverse=True)
    return [entry for _record, entry in entries[:limit]]


def _foreign_keys(historical_model: type[Model]) -> list[str]:
    """The tracked foreign keys of a historical model: fetched with the records, so naming old and
    new values in the diff costs no query per record."""
    return [
        f.name
        for f in historical_model._meta.fields
        if isinstance(f, ForeignKey) and f.name != "history_user" and f.name not in _SKIPPED_FIELDS
    ]


def _with_previous(records_newest_first: list[Any]) -> list[tuple[Any, Any | None]]:
    """Pair each record with the previous record of the same row (fetched only when not at hand)."""
    oldest_first = list(reversed(records_newest_first))
    last_seen: dict[Any, Any] = {}
    pairs: list[tuple[Any, Any | None]] = []
    for record in oldest_first:
        row_id = getattr(record, record.instance_type._meta.pk.attname)
        previous = last_seen.get(row_id)
        if previous is None and record.history_type == "~":
            previous = (
                record.prev_record
            )  # older than the window: one extra query, bounded by limit
        last_seen[row_id] = record
        pairs.append((record, previous))
    return list(reversed(pairs))


def _entry(
    record: Any,
    previous: Any | None,
    label: Callable[[Any], str] | None,
    visible: Mapping[type[Model], Collection[int]],
) -> HistoryEntry:
    changes: list[FieldChange] = []
    if record.history_type == "~" and previous is not None:
        delta = record.diff_against(previous, foreign_keys_are_objs=True)
        model = record.instance_type
        for change in delta.changes:
            if change.field in _SKIPPED_FIELDS:
                continue
            model_field = model._meta.get_field(change.field)
            changes.append(
                FieldChange(
                    label=capfirst(str(getattr(model_field, "verbose_name", change.field))),
                    old=_display(model_field, change.old, visible),
                    new=_display(model_field, change.new, visible),
                )
            )
    subject = ""
    separator = pgettext("label separator", ": ")
    if label is not None:
        subject = f"{capfirst(record.instance_type._meta.verbose_name)}{separator}{label(record)}"
    return HistoryEntry(
        when=record.history_date,
        who=_who(record),
        kind=record.history_type,
        action=str(ACTIONS.get(record.history_type, record.history_type)),
        subject=subject,
        changes=changes,
    )


def _who(record: Any) -> str:
    user = record.history_user
    if user is None:
        return _("System")
    return display_name(user)


def _display(
    model_field: Any, value: object, visible: Mapping[type[Model], Collection[int]]
) -> str:
    if isinstance(model_field, ManyToManyField):
        reverse_name = get_m2m_reverse_field_name(model_field)
        rows = value if isinstance(value, list) else []
        names = [_related_name(row.get(reverse_name), visible) for row in rows]
        return "、".join(names) if names else "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, DeletedObject):
        return _("#%(pk)s (deleted)") % {"pk": value.pk}
    if isinstance(value, Model):
        return _related_name(value, visible)
    if isinstance(model_field, Field) and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def _related_name(value: object, visible: Mapping[type[Model], Collection[int]]) -> str:
    if isinstance(value, DeletedObject):
        return _("#%(pk)s (deleted)") % {"pk": value.pk}
    if isinstance(value, Model):
        allowed = visible.get(type(value))
        if allowed is not None and value.pk not in allowed:
            return _("(outside your scope)")
        return str(value)
    return "—" if value is None else str(value)
