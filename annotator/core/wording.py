"""Counts in messages: "1 span", "2 spans" (summaries, prompts and the CLI say a count one way)."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, the noun in the plural (``plural``, else ``noun`` + "s") unless ``n`` is 1."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def verb(n: int, singular: str, plural: str) -> str:
    """The verb that agrees with ``n`` things: ``verb(1, "uses", "use")``."""
    return singular if n == 1 else plural
