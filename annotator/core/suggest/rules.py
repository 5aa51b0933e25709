"""Rules per label: regular expressions, phrase lists and spaCy token patterns.

A regular expression's span is its first capturing group that took part in the
match, or the whole match when it has no group (so the quote rule can leave the
quotation marks out). Phrases are matched literally, case-sensitively, on the
project's word boundaries; a regular expression's span must also start and end on
them (no "52" of "B-52H"). No rule suggests part of a web address (the "9" of
https://t.co/9Xj...); a rule may match a whole one. Token patterns (lists of token dicts, spaCy's
``Matcher`` shape) need spaCy; without it they are reported and the rest works.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from annotator.core.suggest import Suggestion
from annotator.core.suggest.phrases import PhraseMatcher, on_token_boundaries

RuleKind = Literal["regex", "phrase", "tokens"]


@dataclass(frozen=True)
class Rule:
    label: str
    kind: RuleKind
    pattern: Any  # str for regex and phrase, a list of token dicts for tokens
    id: str = ""  # the name shown in tooltips and messages
    line: int | None = None  # where it was read, for messages

    @property
    def name(self) -> str:
        if self.id:
            return self.id
        return f"{self.label} rule on line {self.line}" if self.line else f"{self.label} {self.kind} rule"


class RuleProblem(ValueError):
    """A rule that cannot be used, named by its id or line; the other rules still work."""


# Scales and units after a number. Counted nouns are those reports count; extend
# the list in the project's rules file (see README "Suggestions").
_SCALES = r"thousand|million|billion|trillion|bn|mn|[kKmMbB]\b"
_UNITS = (
    r"percent|per\s?cent|percentage\s+points?|km|kilomet(?:er|re)s?|miles?|m|cm|mm|kg|kilograms?|tons?|tonnes?|"
    r"lbs?|pounds|dollars|euros|yuan|won|rubles?|roubles|yen|people|persons|soldiers|troops|civilians|"
    r"casualties|deaths|dead|wounded|refugees|workers|members|votes|seats|missiles|rockets|shells|drones|"
    r"warheads|tanks|aircraft|jets|ships|vessels|weapons|rounds|barrels|hectares|acres|square\s+(?:km|miles)|"
    r"years?|months?|weeks?|days?|hours?|minutes?|times"
)
_CURRENCY = "$€£¥₩₽"
_GAP = r"[ \u00a0]"  # within one line: a figure never runs over a line break
# Starts with one character class so that ``re`` skips to the next digit or currency
# sign in C (an alternation or look-behind first made it try every position: 2-3x
# slower on 2 MB). The look-behinds keep "380" of "A380", "14" of "3.14" and
# "5" of ".5" out; a currency sign may follow letters ("US$3.5bn" gives "$3.5bn").
FIGURE_REGEX = (
    rf"[\d{_CURRENCY}](?<![\d.,{_CURRENCY}][\d{_CURRENCY}])(?<![^\W\d_]\d)(?:(?<=[{_CURRENCY}]){_GAP}?\d|(?<=\d))"
    rf"(?:\d{{0,2}}(?:,\d{{3}})+|\d*)(?:\.\d+)?(?!\d)"
    rf"(?:{_GAP}?%|(?:{_GAP}?-?(?:{_SCALES}))?(?:{_GAP}(?:{_UNITS})\b)?)"
)
QUOTE_REGEX = r'"([^"\n]{1,2000})"|“([^”\n]{1,2000})”|„([^“”\n]{1,2000})[“”]|«\s?([^»\n]{1,2000}?)\s?»|‹\s?([^›\n]{1,2000}?)\s?›'

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("figure", "regex", FIGURE_REGEX, "figure: number with scale and unit"),
    Rule("quote", "regex", QUOTE_REGEX, "quote: between quotation marks"),
)


@dataclass
class CompiledRules:
    """Rules ready to run over texts; ``problems`` says which could not be used and why."""

    regexes: list[tuple[Rule, re.Pattern[str]]] = field(default_factory=list)
    phrases: PhraseMatcher[Rule] = field(default_factory=lambda: PhraseMatcher([]))
    token_rules: list[Rule] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _matcher: Any = None  # spaCy Matcher and its tokenizer, built when token rules exist

    def find(self, text: str) -> list[Suggestion]:
        found = [s for rule, regex in self.regexes for s in _regex_matches(rule, regex, text)]
        found += [Suggestion(start, end, rule.label, "rules", rule.name)
                  for start, end, rules in self.phrases.find(text) for rule in _distinct_labels(rules)]
        if self._matcher is not None:
            found += _token_matches(self._matcher, self.token_rules, text)
        return _outside_urls(found, text)


# A web address runs to the next space; punctuation at its end is the sentence's.
_URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)\S*[^\s.,;:!?)\]}'\"”’»]")


def _urls(text: str) -> list[tuple[int, int]]:
    """Where the web addresses are. Found from their marks with str.find: a regex scan of every
    position costs ~50 ms on 2 MB (a quarter of all the rules' work) where the finds cost ~2.
    Each mark's next place is kept until the scan passes it: finding a mark that the rest of the
    text lacks afresh at every address scanned to the end each time (~70 ms on 2 MB)."""
    urls: list[tuple[int, int]] = []
    marks = _UrlMarks(text)
    at = marks.next(0)
    while at != -1:
        starts = (at,) if text.startswith("www.", at) else (at - 5, at - 4, at - 3)  # https, http, ftp
        match = next((m for s in starts if s >= 0 and (m := _URL.match(text, s))), None)
        if match is not None and (not urls or match.start() >= urls[-1][1]):
            urls.append(match.span())
        at = marks.next(max(at + 1, match.end() if match else 0))
    return urls


class _UrlMarks:
    """The next "://" or "www." at or after a position, each text.find run once per place found."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.places = {mark: -2 for mark in ("://", "www.")}  # -2: not looked for yet; -1: none left

    def next(self, pos: int) -> int:
        for mark, place in self.places.items():
            if place == -2 or 0 <= place < pos:
                self.places[mark] = self.text.find(mark, pos)
        hits = [place for place in self.places.values() if place != -1]
        return min(hits) if hits else -1


def _outside_urls(found: list[Suggestion], text: str) -> list[Suggestion]:
    """Drop the suggestions that reach into a web address without covering it whole."""
    urls = _urls(text)
    if not urls:
        return found
    starts = [start for start, _ in urls]

    def cuts_a_url(s: Suggestion) -> bool:
        first = max(0, bisect.bisect_right(starts, s.start) - 1)  # the last URL starting where it does or before
        last = bisect.bisect_left(starts, s.end)  # URLs from here on start after it
        return any(s.start < end and not (s.start <= start and end <= s.end) for start, end in urls[first:last])

    return [s for s in found if not cuts_a_url(s)]


def compile_rules(rules: Iterable[Rule]) -> CompiledRules:
    """Compile every rule that can be; each one that cannot becomes one line in ``problems``."""
    compiled = CompiledRules()
    phrases: list[tuple[str, Rule]] = []
    for rule in rules:
        if rule.kind == "regex":
            try:
                regex = re.compile(rule.pattern)
            except re.error as exc:
                compiled.problems.append(f"{rule.name}: the regular expression does not compile: {exc}")
                continue
            if regex.search("") is not None:
                compiled.problems.append(f"{rule.name}: the regular expression matches empty text")
                continue
            compiled.regexes.append((rule, regex))
        elif rule.kind == "phrase":
            phrases.append((rule.pattern, rule))
        else:
            compiled.token_rules.append(rule)
    compiled.phrases = PhraseMatcher(phrases)
    if compiled.token_rules:
        compiled._matcher = _token_matcher(compiled)
    return compiled


def _distinct_labels(rules: Sequence[Rule]) -> list[Rule]:
    """One rule per label for a phrase listed several times."""
    return list({rule.label: rule for rule in reversed(rules)}.values())


def _regex_matches(rule: Rule, regex: re.Pattern[str], text: str) -> Iterator[Suggestion]:
    grouped = regex.groups > 0
    for match in regex.finditer(text):
        if grouped:
            group = next((g for g in range(1, regex.groups + 1) if match.start(g) >= 0), None)
            if group is None:
                continue
            start, end = match.span(group)
        else:
            start, end = match.span()
        while start < end and text[start].isspace():  # a span never starts or ends with a space
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end and on_token_boundaries(text, start, end):
            yield Suggestion(start, end, rule.label, "rules", rule.name)


# ------------------------------------------------------------ spaCy token patterns
# spaCy refuses texts longer than nlp.max_length; long documents are matched in
# pieces cut at paragraph breaks (a token pattern never spans a blank line).
_PIECE = 200_000


def _token_matcher(compiled: CompiledRules) -> Any:
    try:
        import spacy
        from spacy.matcher import Matcher
    except ImportError:
        names = ", ".join(rule.name for rule in compiled.token_rules)
        compiled.problems.append(f"{names}: token patterns need spaCy (pip install 'annotator[spacy]')")
        compiled.token_rules = []
        return None
    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab, validate=True)
    usable = []
    for rule in compiled.token_rules:
        try:
            matcher.add(str(len(usable)), [rule.pattern])
        except Exception as exc:  # spaCy's MatchPatternError, ValueError, TypeError for bad shapes
            compiled.problems.append(f"{rule.name}: not a valid spaCy token pattern: {_first_line(exc)}")
            continue
        usable.append(rule)
    compiled.token_rules = usable
    return (nlp, matcher) if usable else None


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines[:3])[:300]


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    while start < len(text):
        end = min(len(text), start + _PIECE)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            end = cut + 2 if cut > start else end
        yield start, text[start:end]
        start = end


def _token_matches(matcher_and_nlp: Any, rules: Sequence[Rule], text: str) -> Iterator[Suggestion]:
    nlp, matcher = matcher_and_nlp
    for offset, piece in _pieces(text):
        doc = nlp.make_doc(piece)
        for match_id, start, end in matcher(doc):
            rule = rules[int(nlp.vocab.strings[match_id])]
            span = doc[start:end]
            yield Suggestion(offset + span.start_char, offset + span.end_char, rule.label, "rules", rule.name)
