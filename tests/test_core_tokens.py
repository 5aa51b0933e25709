from annotator.core.tokens import snap_to_words, tokenize, trim_whitespace

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


def test_snapping_changes_nothing_in_tokenize():
    text = "Zu\u0308rich 👨\u200d👩\u200d👧 🇰🇷 👍🏽 ok 1\ufe0f\u20e3 © Kim Jong-un, 1.3"
    assert [(t.text, t.start, t.end) for t in tokenize(text)] == [  # as before snapping learnt about emoji
        ("Zu\u0308rich", 0, 7), ("👨\u200d👩\u200d👧", 8, 13), ("🇰🇷", 14, 16), ("👍🏽", 17, 19), ("ok", 20, 22),
        ("1", 23, 24), ("\ufe0f\u20e3", 24, 26), ("©", 27, 28), ("Kim", 29, 32), ("Jong-un", 33, 40), (",", 40, 41),
        ("1.3", 42, 45)]
