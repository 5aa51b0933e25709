from annotator.core.tokens import rebuild_text, snap_to_words, token_bounds, tokenize, trim_whitespace

TEXT = "Kim Jong Un met Trump, twice; 1.3 million soldiers."


def test_tokens_carry_offsets_into_the_text():
    tokens = tokenize(TEXT)
    assert [t.text for t in tokens][:6] == ["Kim", "Jong", "Un", "met", "Trump", ","]
    assert all(TEXT[t.start : t.end] == t.text for t in tokens)
    assert "1.3" in [t.text for t in tokens]
    assert tokens[4].ws is False and tokens[5].ws is True


def test_tokens_of_emoji_and_cjk_text():
    text = "俄罗斯 😀 sent troops 🇰🇷."
    assert all(text[t.start : t.end] == t.text for t in tokenize(text))


def test_snapping_grows_to_whole_words_and_trims_punctuation():
    start = TEXT.index("ong")  # inside "Jong"
    assert snap_to_words(TEXT, start, start + 6) == (TEXT.index("Jong"), TEXT.index("Jong") + len("Jong Un"))
    comma = TEXT.index("Trump,")
    assert snap_to_words(TEXT, comma - 1, comma + 7) == (comma, comma + len("Trump"))
    assert snap_to_words(TEXT, comma, comma + 8) == (comma, comma + len("Trump, twice"))


def test_snapping_refuses_whitespace_and_punctuation_only():
    assert snap_to_words(TEXT, TEXT.index(";"), TEXT.index(";") + 2) is None
    assert trim_whitespace("a   b", 1, 4) is None


def test_snapping_does_not_swallow_unspaced_scripts():
    text = "朝鲜和俄罗斯签署了条约"
    assert snap_to_words(text, 3, 6) == (3, 6)


def test_snapping_keeps_combining_accents_with_their_letter():
    text = "Cafe\u0301 ouvert"
    assert snap_to_words(text, 0, 2) == (0, 5)


def test_exact_mode_trims_only_whitespace():
    assert trim_whitespace(" Trump, ", 0, 8) == (1, 7)


def test_combining_accents_zwj_sequences_and_flags_stay_whole():
    text = "Zu\u0308rich 👨\u200d👩\u200d👧 🇰🇷 👍🏽 ok"
    assert [t.text for t in tokenize(text)] == ["Zu\u0308rich", "👨\u200d👩\u200d👧", "🇰🇷", "👍🏽", "ok"]


SYMBOLS = ["👍", "👍🏽", "🇯🇵", "👨\u200d👩\u200d👧", "#\ufe0f\u20e3", "1\ufe0f\u20e3", "❤\ufe0f", "©",
           "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"]


def test_snapping_labels_emoji_and_symbols_whole_from_any_part_of_them():
    for symbol in SYMBOLS:
        text = f"ok, {symbol}. done"
        first, last = 4, 4 + len(symbol)
        for start in range(2, last):  # from the comma or space before it, or from inside it
            for end in range(max(start, first) + 1, last + 2):  # to inside it, or the full stop after it
                bounds = snap_to_words(text, start, end)
                assert bounds is not None and text[bounds[0] : bounds[1]] == symbol, (symbol, start, end)


def test_snapping_keeps_emoji_apart_from_the_word_beside_them():
    text = "ok👍 great"
    assert snap_to_words(text, 2, 3) == (2, 3)  # the emoji alone
    assert snap_to_words(text, 0, 1) == (0, 2)  # the word alone
    flags = "🇯🇵🇰🇷"
    assert snap_to_words(flags, 1, 3) == (0, 4)  # half of each flag: both flags
    assert snap_to_words(flags, 2, 3) == (2, 4)


def test_snapping_and_tokens_agree_on_graphemes():
    """One rule: a keycap, a subdivision flag and a Devanagari word are one token each (they were 2, 7 and 4)."""
    scotland = "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"
    text = f"Zu\u0308rich 👨\u200d👩\u200d👧 🇰🇷 👍🏽 ok 1\ufe0f\u20e3 © {scotland} हिन्दी Kim Jong-un, 1.3"
    words = [t.text for t in tokenize(text) if not t.text.isspace()]
    assert words == ["Zu\u0308rich", "👨\u200d👩\u200d👧", "🇰🇷", "👍🏽", "ok", "1\ufe0f\u20e3", "©", scotland, "हिन्दी",
                     "Kim", "Jong", "-", "un", ",", "1.3"]
    for token in tokenize(text):
        if token.text.strip() not in ("", "-", ","):
            assert snap_to_words(text, token.start, token.start + 1) == (token.start, token.end), token


WORDS = "Russia-North Korea met Trump’s envoy in the U.S. and D.C., e.g. Kim J. Un; Mr. O'Brien don't pay 1,300.5."


def test_words_split_at_hyphens_and_clitics_and_keep_abbreviations():
    assert [t.text for t in tokenize(WORDS)] == [
        "Russia", "-", "North", "Korea", "met", "Trump", "’s", "envoy", "in", "the", "U.S.", "and", "D.C.", ",",
        "e.g.", "Kim", "J.", "Un", ";", "Mr.", "O'Brien", "do", "n't", "pay", "1,300.5", "."]


def test_abbreviation_at_a_sentence_end_keeps_its_dot():
    text = "He lives in the U.S. Then he left."
    assert [t.text for t in tokenize(text)][:5] == ["He", "lives", "in", "the", "U.S."]


def test_unspaced_scripts_are_one_token_per_character():
    text = "朝鲜和俄罗斯 東京タワー ภาษา"
    assert [t.text for t in tokenize(text)] == list("朝鲜和俄罗斯") + list("東京タワー") + ["ภ", "า", "ษ", "า"]


REBUILD = [
    "Kim 😀 met 👨\u200d👩\u200d👧 in 🇰🇷.",
    "俄罗斯和朝鲜签署了条约。東京へ行く",
    "\tAlice Smith\t\tsaid:\n\n  two  spaces ",
    "line one\nline two\n",  # a CRLF file after import (newlines normalized)
    "a\u2028b\u2029c\x85d\x1ce",
    "Trump\xa0said\u3000yes\u200bno",
    " leading and trailing ",
    "e\u0301 \u0301 alone",
]


def test_text_is_rebuilt_from_tokens_and_space_flags():
    for text in REBUILD:
        tokens = tokenize(text)
        assert rebuild_text(tokens) == text
        assert "".join(t.text + " " * t.ws for t in tokens) == text
        assert all(text[t.start : t.end] == t.text for t in tokens)
        assert all(t.text == " " or " " not in t.text or t.text.isspace() for t in tokens)


def test_whitespace_other_than_one_space_is_a_token():
    tokens = tokenize("a\tb  c\nd")
    assert [(t.text, t.ws) for t in tokens] == [("a", False), ("\t", False), ("b", True), (" ", False), ("c", False),
                                                 ("\n", False), ("d", False)]


def test_span_boundaries_inside_tokens_split_them():
    text = "Russia-North talks, x  y"
    tokens = tokenize(text, starts={2, 21}, ends={10, 22})  # 21: a span starting on the space after x
    assert [t.text for t in tokens] == ["Ru", "ssia", "-", "Nor", "th", "talks", ",", "x", " ", " ", "y"]
    assert rebuild_text(tokens) == text
    bounds = {t.start for t in tokens} | {t.end for t in tokens}
    assert {2, 10, 21, 22} <= bounds


def test_token_bounds_are_the_non_whitespace_tokens():
    for text in REBUILD + [WORDS]:
        assert token_bounds(text) == [(t.start, t.end) for t in tokenize(text) if not t.text.isspace()]
