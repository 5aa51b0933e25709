"""Suggestion rules: the default figure and quote rules on real sentences, offsets after emoji and CJK,
rule files in spaCy's pattern shape, and bad rules named by id or line while the rest works."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.suggest.dictionary import Dictionary
from annotator.core.suggest.phrases import on_token_boundaries
from annotator.core.suggest.rules import DEFAULT_RULES, Rule, compile_rules
from annotator.io.patterns import read_rules, rules_path, write_rules

SAMPLES = Path(__file__).parent.parent / "sample_docs"


def found(text: str, rules=DEFAULT_RULES) -> list[tuple[str, str]]:
    compiled = compile_rules(rules)
    assert compiled.problems == []
    return [(text[s.start:s.end], s.label) for s in sorted(compiled.find(text))]


def test_default_figure_rule_on_the_sample_articles():
    threat = (SAMPLES / "korea-peninsula-threat.txt").read_text(encoding="utf-8")
    alliance = (SAMPLES / "north-korea-russia-alliance-2025.txt").read_text(encoding="utf-8")
    figures = [t for t, label in found(threat) if label == "figure"]
    assert "1.3 million soldiers" in figures and "10,000 troops" in figures
    assert "30,000 troops" in [t for t, label in found(alliance) if label == "figure"]


@pytest.mark.parametrize("sentence, figure", [
    ("Seoul says 1.3 million soldiers are ready.", "1.3 million soldiers"),
    ("About 10,000 troops were sent.", "10,000 troops"),
    ("Support fell to 40% in May.", "40%"),
    ("Support fell to 40 percent in May.", "40 percent"),
    ("The deal is worth $2 billion over ten years.", "$2 billion"),
    ("The border lies 5 km away.", "5 km"),
    ("Aid reached US$3.5bn.", "$3.5bn"),
    ("Costs of €5m and ₩300 billion", "€5m"),
])
def test_default_figure_rule_takes_scale_and_unit(sentence, figure):
    assert (figure, "figure") in found(sentence)


def test_figure_rule_does_not_cut_numbers_or_words():
    assert found("Flight A380 and version 3.14.") == [("3.14", "figure")]
    assert found("1,234,567 people") == [("1,234,567 people", "figure")]


@pytest.mark.parametrize("text", [
    "Read https://t.co/9XjveerZGF now.",
    "The B-52H flew over.",
    "See www.example.org/2024/report and http://x.kr/a/10,000 troops",
    "F16s and 3G networks, v2.0b",
])
def test_figures_start_and_end_on_words_and_never_inside_a_url(text):
    assert [t for t, label in found(text) if label == "figure"] == []


def test_figures_beside_words_and_urls_are_still_found():
    text = ("https://t.co/9XjveerZGF: 1.3 million soldiers, 10,000 troops (40%), $2 billion; "
            "5 km from the B-52H base 👍🏽 and 3 missiles.")
    assert [t for t, label in found(text) if label == "figure"] == [
        "1.3 million soldiers", "10,000 troops", "40%", "$2 billion", "5 km", "3 missiles"]


def test_a_regex_rule_on_the_url_itself_still_matches():
    rules = [Rule("source", "regex", r"https?://\S+")]
    assert found("Read https://t.co/9XjveerZGF now.", rules) == [("https://t.co/9XjveerZGF", "source")]


def test_regex_rules_match_on_word_boundaries_like_phrases():
    rules = [Rule("actor", "regex", r"Kim(?: Jong Un)?")]
    assert found("Kim met Kimberley; Kim Jong Un's aide.", rules) == [("Kim", "actor"), ("Kim Jong Un", "actor")]


def test_default_quote_rule_leaves_the_marks_out():
    threat = (SAMPLES / "korea-peninsula-threat.txt").read_text(encoding="utf-8")
    quotes = [t for t, label in found(threat) if label == "quote"]
    assert "But the threat is still there. In fact, the North Korean threat has only grown." in quotes
    text = 'He said "yes", then “no”, then « peut-être » and „vielleicht“.'
    assert [t for t, label in found(text) if label == "quote"] == ["yes", "no", "peut-être", "vielleicht"]


def test_offsets_are_code_points_after_emoji_and_cjk():
    text = "👩‍👩‍👧 東京 🇯🇵 said “平和 🕊 now” and sent 5,000 troops 👍🏽."
    compiled = compile_rules(DEFAULT_RULES)
    spans = {(text[s.start:s.end], s.label) for s in compiled.find(text)}
    assert spans == {("平和 🕊 now", "quote"), ("5,000 troops", "figure")}


def test_phrase_rules_match_whole_words_only():
    rules = [Rule("actor", "phrase", "Kim"), Rule("actor", "phrase", "UN")]
    # The project's tokenizer splits the clitic of "Kim's" and the hyphen of "Kim-Un", as snapping does.
    assert found("Kim met Kimberley at the UN, not UNESCO; Kim's aide; (Kim).", rules) == [
        ("Kim", "actor"), ("UN", "actor"), ("Kim", "actor"), ("Kim", "actor")]
    text = "東京 and Kim👍 and Kim-Un and Kimberley-Un"
    assert on_token_boundaries(text, text.index("Kim"), text.index("Kim") + 3)
    assert on_token_boundaries(text, text.index("Kim-Un"), text.index("Kim-Un") + 3)
    assert not on_token_boundaries(text, text.rindex("Kim"), text.rindex("Kim") + 3)  # inside Kimberley


def test_spacy_token_patterns_work(tmp_path):
    pytest.importorskip("spacy")
    path = tmp_path / "p.rules.jsonl"
    path.write_text('{"label": "actor", "pattern": [{"LOWER": "president"}, {"IS_TITLE": true}], "id": "president"}\n',
                    encoding="utf-8")
    rules = read_rules(path)
    assert rules.problems == []
    text = "😀 Then President Putin and president Xi met."
    assert found(text, rules.rules) == [("President Putin", "actor"), ("president Xi", "actor")]


def test_a_rules_file_names_each_bad_line_and_keeps_the_rest(tmp_path):
    path = tmp_path / "work.rules.jsonl"
    path.write_text(
        '{"label": "actor", "pattern": "Kim Jong Un"}\n'
        '{"label": "actor", "pattern": "Putin"\n'  # line 2: not JSON
        '\n'
        '{"label": "figure", "regex": "(\\\\d+ troops", "id": "troop count"}\n'  # line 4: bad regex
        '{"label": "actor", "phrases": ["Xi Jinping", "Moon Jae-in"]}\n'
        '{"pattern": "nobody"}\n',  # line 6: no label
        encoding="utf-8")
    rules = read_rules(path)
    assert [p.split(": ", 1)[0] for p in rules.problems] == [f"{path}:2", f"{path}:6"]
    assert "not valid JSON" in rules.problems[0] and "no 'label'" in rules.problems[1]
    compiled = compile_rules(rules.rules)
    assert len(compiled.problems) == 1
    assert compiled.problems[0].startswith("troop count: the regular expression does not compile")
    text = "Kim Jong Un met Xi Jinping; 300 troops."
    assert [(text[s.start:s.end], s.rule) for s in sorted(compiled.find(text))] == [
        ("Kim Jong Un", "actor rule on line 1"), ("Xi Jinping", "actor rule on line 5")]


def test_the_default_rules_file_round_trips(tmp_path):
    path = rules_path(tmp_path / "work.db")
    assert path.name == "work.rules.jsonl"
    write_rules(path, DEFAULT_RULES)
    again = read_rules(path)
    assert again.problems == [] and tuple(r.pattern for r in again.rules) == tuple(r.pattern for r in DEFAULT_RULES)
    assert [p.name for p in tmp_path.iterdir()] == ["work.rules.jsonl"]  # no temporary file left


def test_dictionary_takes_the_most_frequent_label_and_counts_rejections():
    dictionary = Dictionary.from_spans([("Kim", "actor"), ("Kim", "actor"), ("Kim", "claim"), ("Seoul", "actor")],
                                       rejected=[("Seoul", "actor")])
    text = "Kim went to Seoul; Kimchi is food."
    assert [(text[s.start:s.end], s.label, s.score) for s in dictionary.find(text)] == [("Kim", "actor", 0.667)]


def test_dictionary_prefers_the_longest_entry():
    dictionary = Dictionary.from_spans([("Kim", "actor"), ("Kim Jong Un", "actor")])
    text = "Kim Jong Un and Kim."
    assert [text[s.start:s.end] for s in dictionary.find(text)] == ["Kim Jong Un", "Kim"]



def test_dictionary_falls_back_to_a_shorter_entry_when_the_longer_ends_inside_a_word():
    dictionary = Dictionary.from_spans([("Kim", "actor"), ("Kim Jong", "actor")])
    text = "Kim Jongil met Kim Jong."
    assert [text[s.start:s.end] for s in dictionary.find(text)] == ["Kim", "Kim Jong"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(words=st.lists(st.sampled_from(["Kim", "Jong", "Un", "Seoul", "U.S.", "said", "’s", ",", "-", "👍", "首尔"]),
                      max_size=25),
       joins=st.lists(st.sampled_from([" ", "", " ", "\n"]), min_size=25, max_size=25),
       entries=st.lists(st.lists(st.sampled_from(["Kim", "Jong", "Un", "Seoul", "U.S.", "’s", "Kim Jong", "Jong Un",
                                                   "Kim Jong Un", "Un said", "Seoul,", "said"]), min_size=1,
                                 max_size=3), max_size=8))
def test_dictionary_keeps_the_leftmost_longest_of_the_entries_on_word_boundaries(words, joins, entries):
    """Checking the word boundaries only of the occurrences that could be kept gives what checking all
    of them and then keeping the leftmost, longest gives."""
    text = "".join(word + join for word, join in zip(words, joins))
    dictionary = Dictionary.from_spans([(" ".join(entry), "actor") for entry in entries])
    expected, reach = [], -1
    for start, end, _ in sorted(dictionary._matcher.find(text), key=lambda hit: (hit[0], -hit[1])):
        if start >= reach:
            expected.append((start, end))
            reach = end
    assert [(s.start, s.end) for s in dictionary.find(text)] == expected

def test_dictionary_without_one_documents_votes():
    dictionary = Dictionary.from_spans([("Kim", "actor"), ("Kim Jong Un", "actor"), ("Seoul", "actor"),
                                        ("Seoul", "claim"), ("Seoul", "claim")])
    text = "Kim Jong Un in Seoul."
    elsewhere = dictionary.without({("Kim Jong Un", "actor"): 1, ("Seoul", "claim"): 1})
    assert [(text[s.start:s.end], s.label) for s in elsewhere.find(text)] == [("Kim", "actor"), ("Seoul", "actor")]
    assert [(text[s.start:s.end], s.label) for s in dictionary.find(text)] == [("Kim Jong Un", "actor"),
                                                                              ("Seoul", "claim")]


def test_web_addresses_are_found_wherever_one_kind_of_mark_is_missing_from_the_rest():
    """Each mark ("://", "www.") is looked for once per place: a text with many addresses of one kind
    and none of the other gives the same addresses as scanning every position."""
    from annotator.core.suggest.rules import _URL, _urls

    pieces = ["see https://t.co/9Xj.", "(http://a.example/x?y=1)", "ftp://files.example/p", "1.3 million",
              "“quoted”", "B-52H", "👍🏽 東京"]
    for kinds in (pieces, [p for p in pieces if "www" not in p] + ["www.example.org/a"] * 3, pieces[1:]):
        text = " ".join(kinds[i % len(kinds)] for i in range(200))
        assert _urls(text) == [m.span() for m in _URL.finditer(text)]
