"""How a span row is read: the column list, the row -> Span conversion, and the timestamps written."""

from __future__ import annotations

from datetime import datetime, timezone

from annotator.core.model import Span

# In Span's field order, NULLs turned into Span's defaults, so a row becomes a Span with Span._make.
_SPAN_VALUES = ("id", "doc_id", "start", "[end]", "label", "annotator", "coalesce(origin, 'manual')", "note",
                "reviewer", "coalesce(created, '')", "coalesce(updated, '')")
SPAN_COLUMNS = ", ".join(_SPAN_VALUES)
# The same values as one JSON array per column (for SpanRows.from_columns): parsed by orjson,
# 10,000 spans cost ~1 ms, where Python's sqlite3 spends ~3 us making each 11-value row.
SPAN_COLUMN_ARRAYS = "json_array(" + ", ".join(f"json_group_array({value})" for value in _SPAN_VALUES) + ")"
span_from_row = Span._make


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
