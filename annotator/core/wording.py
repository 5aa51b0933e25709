"""Counts in messages: "1 span", "2 spans", "16,000 spans": every summary, prompt, undo text and the CLI
say a count through ``counted`` (never "1 spans" or "span(s)")."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` (thousands grouped: "16,000") and ``noun``, the noun in the plural (``plural``, else
    ``noun`` + "s") unless ``n`` is 1: ``counted(1, "entry", "entries")`` is "1 entry"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def verb(n: int, singular: str, plural: str) -> str:
    """The verb that agrees with ``n`` things: ``verb(1, "uses", "use")``."""
    return singular if n == 1 else plural
