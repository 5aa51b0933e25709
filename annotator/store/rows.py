"""How a span row is read: the column list, the row -> Span conversions, and the timestamps written."""

from __future__ import annotations

import functools
from datetime import datetime, timezone
from typing import Any

from annotator.core.model import Span

# In Span's field order, NULLs turned into Span's defaults, so a row becomes a Span with Span._make.
SPAN_COLUMNS = (
    "id, doc_id, start, [end], label, annotator, coalesce(origin, 'manual'), note, reviewer,"
    " coalesce(created, ''), coalesce(updated, '')"
)
span_from_row = Span._make
span_from_list = functools.partial(tuple.__new__, Span)  # Span._make without its Python frame and length check


def row_text_order(row: list[Any]) -> tuple[int, int, int]:
    """``text_order`` of a span row in ``SPAN_COLUMNS`` order (id, doc_id, start, end, ...)."""
    return (row[2], -row[3], row[0])


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
