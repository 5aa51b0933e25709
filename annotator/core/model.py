"""Domain records shared by every layer."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
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
# R starts a relation from the selected span (the window binds it), so no label may use it.
LINK_KEY = "r"


MAX_NAME_LENGTH = 100  # labels and annotator names: a palette button, a column, a CoNLL tag
# Zero-width joiners are part of words in Persian and Indic scripts and of emoji sequences (👩‍🔬):
# allowed between two visible characters, never at an edge or next to a space.
_JOINERS = frozenset("\u200c\u200d")
_CONTROL_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\x00": "a NUL character"}


def _character(ch: str) -> str:
    """How a message names a character: 'a tab', 'U+200B ZERO WIDTH SPACE'."""
    return _CONTROL_NAMES.get(ch) or f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".rstrip()


def _bad_characters(name: str) -> Iterator[str]:
    """What in ``name`` a label or annotator name may not hold (see ``name_problem``)."""
    for i, ch in enumerate(name):
        category = unicodedata.category(ch)
        if ch == " ":
            if i == 0 or i == len(name) - 1 or name[i - 1] == " ":
                yield "spaces at an edge or two in a row"
        elif category in ("Cc", "Cs"):
            yield f"a control character ({_character(ch)})"
        elif category in ("Zs", "Zl", "Zp"):
            yield f"whitespace other than a plain space ({_character(ch)})"
        elif category == "Cf":
            inner = 0 < i < len(name) - 1 and not name[i - 1].isspace() and not name[i + 1].isspace()
            if not (ch in _JOINERS and inner):
                yield f"an invisible formatting character ({_character(ch)})"


def name_problem(name: str, what: str = "label") -> str | None:
    """Why ``name`` cannot name a label (or, with ``what``, an annotator), or None.

    A name is what the user sees in the palette, lists and every export (a CoNLL
    tag, a brat type, a JSON field), so it must look like what it is: some visible
    text, at most ``MAX_NAME_LENGTH`` characters, words separated by single plain
    spaces, and no tab, line break, NUL or other control character, no other kind
    of space (NBSP, U+2028), no invisible formatting character (bidi controls such
    as U+202E, zero-width space, soft hyphen) except a zero-width (non-)joiner
    inside a word. Callers strip surrounding spaces first where that is harmless.
    """
    if not name or name.isspace():
        return f"{'an' if what[0] in 'aeiou' else 'a'} {what} needs a name"
    if len(name) > MAX_NAME_LENGTH:
        return f"{what} {name[:20]!r}... is longer than {MAX_NAME_LENGTH} characters"
    bad = next(_bad_characters(name), None)
    if bad:
        return f"{what} {name!r} contains {bad}"
    return None


def label_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a label's name, or None (the rule of ``name_problem``)."""
    return name_problem(name, "label")


def name_key(name: str) -> str:
    """What a name looks like to a reader: NFKC case-folded, invisible formatting characters
    and surrounding spaces dropped ("GOLD", "gold\u200b", "ｇｏｌｄ" all give "gold")."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").strip()


def annotator_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an annotator's (for annotating, or owning merged work), or None.

    The rule of ``name_problem``, and nothing that reads as the reviewed layer: the
    gold layer is written only by reviewing, so "Gold", " gold ", "GOLD" or "gold"
    with a zero-width space are refused (compared by ``name_key``).
    """
    if name_key(name) == GOLD_ANNOTATOR:
        return f"{GOLD_ANNOTATOR!r} is reserved for the reviewed layer"
    return name_problem(name.strip(), "annotator")


def recorded_annotator_problem(name: str) -> str | None:
    """Why an annotator named in an imported or merged file cannot be stored, or None.

    Exactly ``gold`` is the reviewed layer as our exports write it; anything else
    follows ``annotator_name_problem`` (so "Gold" cannot pass for it).
    """
    return None if name == GOLD_ANNOTATOR else annotator_name_problem(name)


# Nesting and size a document's meta may have: our exports write it inside each
# record, and orjson refuses more than 254 levels; deeper values also overflow
# Python's recursion limit in json. 1 MiB of JSON is far beyond any real metadata.
MAX_META_DEPTH = 32
MAX_META_CHARACTERS = 1 << 20


def meta_problem(meta: Any) -> str | None:
    """Why ``meta`` cannot be stored as a document's meta, or None: an object of JSON values,
    at most ``MAX_META_DEPTH`` levels deep and about ``MAX_META_CHARACTERS`` long as JSON.

    Walks without recursion, so a value nested 100,000 deep is refused, not a crash.
    """
    if not isinstance(meta, dict):
        return "'meta' must be an object"
    size = 0
    stack: list[tuple[Any, int]] = [(meta, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_META_DEPTH:
                return f"'meta' is nested more than {MAX_META_DEPTH} levels deep"
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                size += (len(key) + 4 if isinstance(key, str) else 1)
                stack.append((item, depth + 1))
        elif isinstance(value, str):
            size += len(value) + 2
        elif value is None or isinstance(value, (bool, int, float)):
            size += 8
        else:
            return f"'meta' holds a {type(value).__name__}, not a JSON value"
        if size > MAX_META_CHARACTERS:
            return f"'meta' is larger than {MAX_META_CHARACTERS // (1 << 20)} MiB as JSON"
    return None


def offsets_problem(start: Any, end: Any, length: int, text: str = "the text") -> str | None:
    """Why ``start``-``end`` cannot be a span of ``text`` of ``length`` code points, or None.

    A span holds at least one character: 0 <= start < end <= length.
    """
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        return "start and end must be whole numbers"
    if end <= start:
        return f"span {start}-{end} is empty or reversed"
    if start < 0 or end > length:
        return f"span {start}-{end} is outside {text} (length {length})"
    return None


def hotkey_problem(key: str) -> str | None:
    """Why ``key`` cannot be a label's hotkey, or None ("" means no hotkey, which is fine)."""
    if key == "":
        return None
    if len(key) != 1 or key not in HOTKEY_CHARACTERS:
        return f"hotkey {key!r} is not one character 0-9 or a-z"
    if key in REVIEW_KEYS:
        return f"hotkey {key!r} is reserved: in review mode {key.upper()} means {REVIEW_KEYS[key]}"
    if key == LINK_KEY:
        return f"hotkey {key!r} is reserved: {key.upper()} starts a relation from the selected span"
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
