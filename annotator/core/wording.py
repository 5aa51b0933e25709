"""Counts and articles in messages: "1 span", "2 spans", "16,000 spans": every summary, prompt, undo text and
the CLI say a count through ``counted`` (never "1 spans" or "span(s)"), and "a"/"an" before a word through
``with_article`` (never "a actor")."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` (thousands grouped: "16,000") and ``noun``, the noun in the plural (``plural``, else
    ``noun`` + "s") unless ``n`` is 1: ``counted(1, "entry", "entries")`` is "1 entry"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def counted_things(n: int, phrase: str) -> str:
    """``n`` and a phrase that starts with its things' plural noun (a reason something was left out:
    "spans whose label ...", "rejected relation pairs that ..."); for 1 that noun, the phrase's first
    word ending in s, is made singular, and its "that are" "that is": "1 span whose label ...",
    "1 status that is malformed"."""
    if n == 1:
        words = phrase.split(" ")
        for i, word in enumerate(words):
            if word.endswith("s"):
                words[i] = word[:-2] if word.endswith("uses") else word[:-1]
                return "1 " + " ".join(words).replace(" that are ", " that is ", 1)
    return f"{n:,} {phrase}"


def verb(n: int, singular: str, plural: str) -> str:
    """The verb that agrees with ``n`` things: ``verb(1, "uses", "use")``."""
    return singular if n == 1 else plural


def with_article(words: str) -> str:
    """``words`` after "a", or "an" when they start with a vowel (after any quote mark): "an actor span",
    "an 'actor' span", "a 'quote' span". By spelling: label names are short lowercase words."""
    return ("an " if words.lstrip("'\"“‘").lower()[:1] in tuple("aeiou") else "a ") + words
