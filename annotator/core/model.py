"""Domain records shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

DOC_STATUSES = ("new", "in_progress", "done", "skipped")
REVIEW_STATUSES = ("unreviewed", "in_review", "reviewed")
SPAN_ORIGINS = ("manual", "imported", "suggested", "merged", "gold")

# The reviewed ("gold") layer is stored as the spans of this reserved annotator;
# each gold span records the reviewer who accepted it.
GOLD_ANNOTATOR = "gold"

# Review mode binds these plain keys window-wide (next / previous disagreement,
# accept agreed, reject all), so no label may use them as its hotkey.
REVIEW_KEYS = {"n": "next disagreement", "p": "previous disagreement", "a": "accept agreed spans", "x": "reject all"}
HOTKEY_CHARACTERS = "0123456789abcdefghijklmnopqrstuvwxyz"


def annotator_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an annotator's (for annotating, or owning merged work), or None.

    The gold layer is written only by reviewing; "Gold" or " gold " would read as it in lists and exports.
    """
    if not name.strip():
        return "an annotator needs a name"
    if name.strip().lower() == GOLD_ANNOTATOR:
        return f"{GOLD_ANNOTATOR!r} is reserved for the reviewed layer"
    return None


def hotkey_problem(key: str) -> str | None:
    """Why ``key`` cannot be a label's hotkey, or None ("" means no hotkey, which is fine)."""
    if key == "":
        return None
    if len(key) != 1 or key not in HOTKEY_CHARACTERS:
        return f"hotkey {key!r} is not one character 0-9 or a-z"
    if key in REVIEW_KEYS:
        return f"hotkey {key!r} is reserved: in review mode {key.upper()} means {REVIEW_KEYS[key]}"
    return None


@dataclass(frozen=True)
class Label:
    name: str
    color: str  # "#rrggbb"
    hotkey: str = ""
    description: str = ""
    order: int = 0


class Span(NamedTuple):
    """One labelled span. A NamedTuple, not a dataclass: documents carry tens of
    thousands of them and a tuple is built from a database row in C."""

    id: int
    doc_id: int
    start: int  # code-point offset into the document text, inclusive
    end: int  # code-point offset, exclusive
    label: str
    annotator: str
    origin: str = "manual"
    note: str | None = None
    reviewer: str | None = None
    created: str = ""
    updated: str = ""

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]


def text_order(span: Any) -> tuple[int, int, int]:
    """Text order of anything with start, end and id: by start, longer (outer) spans first, then by id."""
    return (span.start, -span.end, span.id)


@dataclass(frozen=True)
class Document:
    id: int
    uid: str
    sha256: str
    title: str
    text: str
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    created: str = ""


# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
# Lightened variants keep black text readable on top of the highlight.
DEFAULT_LABELS: tuple[Label, ...] = (
    Label("actor", "#e69f00", "1", "A person, group, organisation or state that acts or is acted upon.", 0),
    Label("claim", "#56b4e9", "2", "An assertion presented as fact or opinion that could be checked.", 1),
    Label("quote", "#cc79a7", "3", "Words attributed to a speaker, direct or reported.", 2),
    Label("figure", "#009e73", "4", "A number, amount, date or statistic stated in the text.", 3),
)

# Further Okabe-Ito colours offered for labels the user adds.
EXTRA_COLORS = ("#f0e442", "#0072b2", "#d55e00", "#999999")
