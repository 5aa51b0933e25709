"""Code point <-> UTF-16 mapping and newline normalization: the offset rule, proven."""

import sys

import pytest

from annotator.core.offsets import OffsetError, Utf16Map, codepoint_to_utf16, first_astral, utf16_to_codepoint
from annotator.core.text import NewlineRemap, normalize_newlines, sha256_text

SAMPLES = {
    "ascii": "North Korea sent 10,000 troops.",
    "emoji": "Troops 😀 arrived 🚀 today",
    "zwj family": "The family 👨\u200d👩\u200d👧 travelled",
    "flag": "Flags 🇰🇷 and 🇰🇵 flew",
    "cjk": "朝鲜和俄罗斯签署了条约 𠀋 extension-B",
    "combining": "Cafe\u0301 de Pe\u0301kin",
    "tabs and nbsp": "a\tb\u00a0c\u2028d\u2029e",
}


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
def test_every_code_point_boundary_round_trips(text):
    mapping = Utf16Map(text)
    assert mapping.utf16_length == utf16_units(text)
    for offset in range(len(text) + 1):
        position = mapping.to_utf16(offset)
        assert position == utf16_units(text[:offset])
        assert mapping.to_codepoint(position) == offset


def test_a_position_inside_a_surrogate_pair_is_refused():
    text = "a😀b"
    assert codepoint_to_utf16(text, 2) == 3
    with pytest.raises(OffsetError, match="surrogate"):
        utf16_to_codepoint(text, 2)


@pytest.mark.parametrize("bad", [-1, 99])
def test_out_of_range_positions_are_refused(bad):
    with pytest.raises(OffsetError):
        Utf16Map("abc").to_utf16(bad)
    with pytest.raises(OffsetError):
        Utf16Map("abc").to_codepoint(bad)


def test_span_through_utf16_boundary_keeps_its_text():
    text = SAMPLES["zwj family"]
    start, end = text.index("👨"), text.index(" travelled")
    mapping = Utf16Map(text)
    qt_start, qt_end = mapping.to_utf16(start), mapping.to_utf16(end)
    encoded = text.encode("utf-16-le")
    assert encoded[qt_start * 2 : qt_end * 2].decode("utf-16-le") == text[start:end]


def test_crlf_and_lone_cr_become_lf_and_nothing_else_changes():
    raw = "one\r\ntwo\rthree\nfour\u2028five\u00a0six"
    assert normalize_newlines(raw) == "one\ntwo\nthree\nfour\u2028five\u00a0six"


def test_newline_remap_moves_offsets_with_the_text():
    raw = "Kim\r\nsaid\r\n😀 “yes”\r\n"
    text = normalize_newlines(raw)
    remap = NewlineRemap(raw)
    for word in ("Kim", "said", "😀", "“yes”"):
        start = raw.index(word)
        end = start + len(word)
        assert text[remap(start) : remap(end)] == word


def test_sha256_is_of_the_utf8_text():
    assert sha256_text("a") == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"


@pytest.mark.parametrize(("text", "first"), [("", None), ("plain", None), ("é and 北京", None), ("a😀b😀", 1),
                                             ("🇫🇷 flag", 0), ("lone \ud800 surrogate", None)])
def test_first_astral_is_where_code_points_and_utf16_part(text, first):
    assert first_astral(text) == first
    if first is not None:
        assert codepoint_to_utf16(text, first + 1) == first + 2  # the character takes two UTF-16 units


LONG_MIX = ("Ø Ù Û \u20d8 \u04d8 中 \u06d8 \ufed8 𠀋 😀 \U000E0067 \U0010FFFF tail " * 8)  # past 64: the size test


@pytest.mark.parametrize("text", [LONG_MIX, "\n" * 70 + "😀", "Ø" * 70 + "𠀋Ø😀"], ids=["mix", "newlines", "latin"])
def test_astral_characters_are_found_among_bytes_that_look_like_surrogates(text):
    """Characters whose UTF-16 has a byte D8-DB (Ø, Arabic, CJK) are not taken for astral ones."""
    mapping = Utf16Map(text)
    assert mapping.utf16_length == utf16_units(text)
    for offset in range(len(text) + 1):
        assert mapping.to_utf16(offset) == utf16_units(text[:offset])


@pytest.mark.parametrize("text", [*SAMPLES.values(), LONG_MIX, "😀", "😀😀", "a😀", "😀a", "𠀋Ø😀\n" * 40],
                         ids=[*SAMPLES.keys(), "mix", "one", "two", "after", "before", "lines"])
def test_in_utf16_units_is_the_text_as_utf16_code_units(text):
    """Each astral character becomes its two surrogates (what Qt holds), every other character stays,
    and the str is stored 2 bytes a character, so PySide copies it instead of converting each one."""
    units = Utf16Map(text).in_utf16_units(text)
    assert [ord(c) for c in units] == list(memoryview(text.encode("utf-16-le")).cast("H"))
    assert units.encode("utf-16-le", "surrogatepass").decode("utf-16-le") == text
    assert sys.getsizeof(units) <= sys.getsizeof("\u0100" * len(units))  # (at most 2 bytes a character)
