"""tokenize() with span edges as cuts: the same tokens as the original piece-by-piece definition
(every cut strictly inside a token or whitespace run splits it there; no space folded into ``ws``
where a span starts on it or ends just after it), for any text and any cuts, at any position."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.tokens import _TOKEN, Token, split_tokens, tokenize

PIECES = ["Kim", "U.S.", "Trump’s", "Russia-North", "don't", "1,300.5", "J.", "t.co/9XjveerZGF", " ", " ", "  ",
          "\t", "\r\n", "\n\n", "\u00a0", "\u2028", "\x1c", "\x85", " \t ", "\u3000", "東京", "タワー", "北京市", "👍🏽", "👨\u200d👩\u200d👧", "🇰🇷",
          "e\u0301", "हिन्दी", ".", ",", "(", "—", "..."]


def reference_tokenize(text: str, starts: set[int], ends: set[int]) -> list[Token]:
    """The definition as first written (pieces x cuts): the oracle, fine on small texts."""
    cuts = starts | ends

    def cut(start: int, end: int):
        if cuts and end - start > 1:
            for c in sorted(c for c in cuts if start < c < end):
                yield start, c
                start = c
        yield start, end

    def pieces():
        done = 0
        for match in _TOKEN.finditer(text):
            start, end = match.span()
            if start > done:
                yield from cut(done, start)
            yield from cut(start, end)
            done = end
        if done < len(text):
            yield from cut(done, len(text))

    tokens: list[Token] = []
    for start, end in pieces():
        if text[start] == " " and tokens:
            last = tokens[-1]
            if (not last.ws and last.end == start and not text[last.start].isspace()
                    and start not in starts and start + 1 not in ends):
                tokens[-1] = last._replace(ws=True)
                start += 1
                if start == end:
                    continue
        tokens.append(Token(len(tokens), text[start:end], start, end, False))
    return tokens


texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_cuts_give_the_reference_tokens(data):
    text = data.draw(texts)
    offsets = st.integers(0, len(text))
    starts = data.draw(st.sets(offsets, max_size=12))
    ends = data.draw(st.sets(offsets, max_size=12))
    expected = reference_tokenize(text, starts, ends)
    assert tokenize(text, starts, ends) == expected
    assert split_tokens(text, tokenize(text), starts, ends) == expected


@settings(max_examples=100, deadline=None)
@given(texts)
def test_a_cut_at_every_position(text):
    every = set(range(len(text) + 1))
    for starts, ends in ((every, set()), (set(), every), (every, every), (set(range(0, len(text), 2)), set(range(1, len(text), 3)))):
        expected = reference_tokenize(text, starts, ends)
        assert tokenize(text, starts, ends) == expected
        assert split_tokens(text, tokenize(text), starts, ends) == expected


def test_cuts_may_come_as_lists_in_any_order():
    text = "See t.co/9XjveerZGF now, 東京 👍🏽\r\nok"
    starts, ends = [14, 4, 4], [25, 11]
    assert tokenize(text, starts, ends) == reference_tokenize(text, set(starts), set(ends))
    tokens = [(t.text, t.ws) for t in tokenize(text, starts, ends)]
    assert tokens[5:8] == [("9X", False), ("jve", False), ("erZGF", True)]  # split inside the link
    assert tokens[9:11] == [(",", False), (" ", False)]  # a span ends after the space: not folded into ws
