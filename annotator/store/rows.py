"""How a span row is read: the column list, the row -> Span conversion, and the timestamps written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from annotator.core.model import Span

# In Span's field order, NULLs turned into Span's defaults, so a row becomes a Span with Span._make.
_SPAN_VALUES = ("id", "doc_id", "start", "[end]", "label", "annotator", "coalesce(origin, 'manual')", "note",
                "reviewer", "coalesce(created, '')", "coalesce(updated, '')")
SPAN_COLUMNS = ", ".join(_SPAN_VALUES)
span_from_row = Span._make


def span_column_arrays(known: Mapping[str, Any]) -> str:
    """SQL for one JSON array per Span field, but those ``known`` (the same in every row).

    Parsed by orjson, 10,000 spans cost ~1 ms, where Python's sqlite3 spends ~3 us making
    each 11-value row; a field known beforehand (the document, the one annotator asked
    for) is neither written by SQLite nor parsed.
    """
    wanted = [value for field, value in zip(Span._fields, _SPAN_VALUES) if field not in known]
    return "json_array(" + ", ".join(f"json_group_array({value})" for value in wanted) + ")"


def span_columns(arrays: list[list[Any]], known: Mapping[str, Any]) -> list[list[Any]]:
    """The arrays read by ``span_column_arrays(known)``, with the known fields filled in: all of Span's, in order."""
    count = len(arrays[0]) if arrays else 0
    read = iter(arrays)
    return [[known[field]] * count if field in known else next(read) for field in Span._fields]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
