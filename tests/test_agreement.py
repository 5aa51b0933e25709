"""Agreement maths on plain data, checked against published worked examples and the krippendorff package."""

import math
import random
from collections import Counter

import krippendorff
import numpy as np
import pytest

from annotator.core.agreement import (
    AgreementError,
    AgreementInputs,
    DocumentInput,
    agreement_report,
    document_order,
    documents_by_agreement,
)
from annotator.core.agreement_stats import cohen_kappa, krippendorff_alpha, max_overlap_matching
from annotator.core.tokens import tokenize

TEXT = "Kim met Putin in Moscow on Friday and said no."


def report(docs, annotators=("ana", "ben"), **kw):
    return agreement_report(AgreementInputs(tuple(annotators), docs, ("actor", "claim", "quote", "figure"), **kw))


# ------------------------------------------------------- published examples
def test_cohen_kappa_wikipedia_example():
    # 50 proposals: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> kappa 0.4.
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_cohen_kappa_three_categories_sas_printout():
    # SAS PROC FREQ "Simple Kappa Coefficient" printout for the 3 x 3 table below: Kappa 0.4842
    # (reproduced in statsmodels, statsmodels/stats/tests/test_inter_rater.py, UnweightedCohens).
    # By hand: po = 13/19, pe = (5*0 + 8*13 + 6*6)/19^2 = 140/361.
    table = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]  # rows: rater A's category, columns: rater B's
    a = [row for row, counts in enumerate(table) for column, n in enumerate(counts) for _ in range(n)]
    b = [column for row, counts in enumerate(table) for column, n in enumerate(counts) for _ in range(n)]
    assert cohen_kappa(a, b) == pytest.approx(0.4842, abs=5e-5)


def test_cohen_kappa_six_categories_r_irr_anxiety_example():
    # R package irr: kappa2(anxiety[, 2:3]) on its `anxiety` data (20 subjects, ratings 1-6)
    # prints Kappa = -0.006289308 (reproduced in statsmodels' test_cohens_kappa_irr).
    rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
    rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
    assert cohen_kappa(rater2, rater3) == pytest.approx(-0.006289308, abs=5e-10)


def test_krippendorff_2011_nominal_example_with_missing_data():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", C.: four observers, 12 units.
    m = None
    rows = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],
        [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m],
    ]
    assert krippendorff_alpha(rows) == pytest.approx(0.743, abs=5e-4)


def test_alpha_and_kappa_are_undefined_without_variation():
    assert krippendorff_alpha([["a", "a"], ["a", "a"]]) is None
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None
    assert krippendorff_alpha([[1, None], [None, 2]]) is None  # no unit has two values


def test_krippendorff_alpha_matches_the_package_on_random_data():
    rng = random.Random(3)
    for _ in range(20):
        coders, units = rng.randint(2, 5), rng.randint(5, 60)
        rows = [[rng.choice([None, 0, 1, 2, 2, 3]) for _ in range(units)] for _ in range(coders)]
        ours = krippendorff_alpha(rows)
        matrix = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
        try:
            theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        except ValueError:
            theirs = None
        if ours is None or theirs is None or math.isnan(theirs):
            continue
        assert ours == pytest.approx(theirs, abs=1e-9)


# ----------------------------------------------------------------- matching
def test_maximum_matching_is_not_fooled_by_a_tempting_exact_match():
    # a1 = b1 exactly, but the maximum matching pairs a1-b2 and a2-b1.
    assert max_overlap_matching([(0, 10), (1, 2)], [(0, 10), (8, 20)]) == 2
    assert max_overlap_matching([(0, 5)], [(5, 9)]) == 0  # touching is not overlapping
    assert max_overlap_matching([(0, 10)], [(1, 2), (3, 4)]) == 1


# ------------------------------------------------------------- span scores
def test_strict_and_lenient_precision_recall_f1():
    # ana: Kim, Putin, Moscow (actor) ; ben: Kim, "Putin in" (actor), Friday (figure).
    docs = [DocumentInput(1, TEXT, {
        "ana": [(0, 3, "actor"), (8, 13, "actor"), (17, 23, "actor")],
        "ben": [(0, 3, "actor"), (8, 16, "actor"), (27, 33, "figure")],
    })]
    [pair] = report(docs)["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("ana", "ben", 1)
    assert pair["strict"]["precision"] == pytest.approx(1 / 3)
    assert pair["strict"]["recall"] == pytest.approx(1 / 3)
    assert pair["strict"]["f1"] == pytest.approx(1 / 3)
    assert pair["lenient"]["precision"] == pytest.approx(2 / 3)
    assert pair["lenient"]["recall"] == pytest.approx(2 / 3)
    assert pair["by_label"]["actor"]["lenient"]["f1"] == pytest.approx(2 * 2 / (3 + 2))
    assert pair["by_label"]["figure"]["strict"]["recall"] is None  # ana has no figure
    assert pair["by_label"]["figure"]["strict"]["precision"] == 0.0


def test_lenient_needs_the_same_label_and_counts_one_to_one():
    docs = [DocumentInput(1, TEXT, {
        "ana": [(0, 13, "quote")],
        "ben": [(0, 3, "quote"), (8, 13, "quote"), (0, 13, "claim")],
    })]
    [pair] = report(docs)["pairs"]
    assert pair["lenient"]["matched"] == 1
    assert pair["strict"]["matched"] == 0


def test_lenient_uses_a_maximum_matching_inside_a_cluster():
    docs = [DocumentInput(1, TEXT, {"ana": [(0, 10, "actor"), (1, 2, "actor")], "ben": [(0, 10, "actor"), (8, 20, "actor")]})]
    [pair] = report(docs)["pairs"]
    assert pair["lenient"]["matched"] == 2 and pair["strict"]["matched"] == 1


def test_duplicate_spans_count_once():
    docs = [DocumentInput(1, TEXT, {"ana": [(0, 3, "actor"), (0, 3, "actor")], "ben": [(0, 3, "actor")]})]
    [pair] = report(docs)["pairs"]
    assert pair["strict"]["f1"] == 1.0 and pair["strict"]["reference"] == 1


def test_pairs_compare_only_documents_both_did():
    docs = [
        DocumentInput(1, TEXT, {"ana": [(0, 3, "actor")], "ben": [(0, 3, "actor")]}),
        DocumentInput(2, TEXT + " x", {"ana": [(8, 13, "actor")], "cy": [(8, 13, "claim")]}),
        DocumentInput(3, TEXT + " y", {"ana": [(8, 13, "actor")]}),  # done by one: not compared at all
    ]
    out = report(docs, ("ana", "ben", "cy"))
    pairs = {(p["a"], p["b"]): p for p in out["pairs"]}
    assert pairs[("ana", "ben")]["documents"] == 1 and pairs[("ana", "ben")]["strict"]["f1"] == 1.0
    assert pairs[("ana", "cy")]["documents"] == 1 and pairs[("ana", "cy")]["strict"]["f1"] == 0.0
    assert ("ben", "cy") not in pairs
    assert out["warnings"] == ["no document was marked done by both ben and cy"]
    assert out["documents"] == 2
    assert [row["doc_id"] for row in out["per_document"]] == [2, 1] == documents_by_agreement(out)


# ------------------------------------------------------------- token level
def test_token_categories_and_cohen_kappa_by_hand():
    text = "a b c d"  # four tokens
    docs = [DocumentInput(1, text, {"ana": [(0, 3, "actor")], "ben": [(0, 1, "actor"), (6, 7, "claim")]})]
    # ana: actor actor O O ; ben: actor O O claim -> po = 2/4, pe = (2*1 + 2*2 + 0*1)/16
    pe = (2 * 1 + 2 * 2) / 16
    [pair] = report(docs)["pairs"]
    assert pair["cohen_kappa"] == pytest.approx((0.5 - pe) / (1 - pe))
    assert pair["tokens"] == 4


def test_overlapping_spans_give_a_token_the_longest_spans_label():
    text = "a b c d"
    # ben's token "b" is covered by claim (0-3, longer) and actor (2-3): claim wins.
    docs = [DocumentInput(1, text, {"ana": [(0, 3, "claim")], "ben": [(0, 3, "claim"), (2, 3, "actor")]})]
    out = report(docs)
    assert out["pairs"][0]["cohen_kappa"] == pytest.approx(1.0)
    # Equal length: the earlier start wins; equal start too: the label name first in the alphabet.
    docs = [DocumentInput(1, text, {"ana": [(0, 3, "claim")], "ben": [(2, 5, "actor"), (0, 3, "claim")]})]
    assert report(docs)["pairs"][0]["cohen_kappa"] != pytest.approx(1.0)  # token c becomes actor for ben
    docs = [DocumentInput(1, text, {"ana": [(0, 3, "actor")], "ben": [(0, 3, "quote"), (0, 3, "actor")]})]
    assert report(docs)["pairs"][0]["cohen_kappa"] == pytest.approx(1.0)


def test_a_span_over_part_of_a_token_labels_the_token():
    docs = [DocumentInput(1, "Muscovites", {"ana": [(0, 6, "actor")], "ben": [(0, 10, "actor")]})]
    out = report(docs)
    assert out["tokens"] == 1 and out["pairs"][0]["cohen_kappa"] is None  # one token, one category
    assert out["krippendorff_alpha"] is None


def test_agreement_counts_the_words_snapping_and_export_use():
    """Moscow-based is three tokens (as the window snaps and the exports tag), not one: ana's Moscow and
    ben's Moscow-based now disagree on two tokens."""
    docs = [DocumentInput(1, "Moscow-based", {"ana": [(0, 6, "actor")], "ben": [(0, 12, "actor")]})]
    out = report(docs)
    assert out["tokens"] == 3 and out["pairs"][0]["cohen_kappa"] is not None


def independent_alpha(docs, annotators):
    """The krippendorff package on a reliability matrix built token by token, slowly and simply."""
    labels = sorted({t[2] for d in docs for spans in d.spans.values() for t in spans})
    columns = []
    for doc in docs:
        if sum(a in doc.spans for a in annotators) < 2:
            continue
        for token in tokenize(doc.text):
            column = []
            for name in annotators:
                if name not in doc.spans:
                    column.append(np.nan)
                    continue
                covering = [t for t in doc.spans[name] if t[0] < token.end and token.start < t[1]]
                if not covering:
                    column.append(0)
                    continue
                best = min(covering, key=lambda t: (-(t[1] - t[0]), t[0], t[2]))
                column.append(labels.index(best[2]) + 1)
            columns.append(column)
    return np.array(columns, dtype=float).T


def random_documents(rng, count, annotators, labels=("actor", "claim", "quote")):
    words = ["Kim", "met", "Putin", "in", "Moscow", "on", "Friday", ",", "and", "said", "“no”", "😀", "朝鲜"]
    docs = []
    for doc_id in range(1, count + 1):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
        spans = {}
        for name in annotators:
            if rng.random() < 0.2:
                continue  # this annotator did not do the document
            marked = []
            for _ in range(rng.randint(0, 6)):
                start = rng.randrange(0, len(text) - 1)
                marked.append((start, min(len(text), start + rng.randint(1, 15)), rng.choice(labels)))
            spans[name] = marked
        docs.append(DocumentInput(doc_id, text, spans))
    return docs


def independent_kappa(x, y):
    n = len(x)
    po = sum(a == b for a, b in zip(x, y)) / n
    cx, cy = Counter(x), Counter(y)
    pe = sum(cx[k] * cy[k] for k in set(cx) | set(cy)) / (n * n)
    return (po - pe) / (1 - pe)


def test_alpha_and_kappa_match_independent_computations_on_random_documents():
    rng = random.Random(11)
    names = ("ana", "ben", "cy")
    docs = random_documents(rng, 60, names)
    out = report(docs, names)
    matrix = independent_alpha(docs, names)
    assert out["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"), abs=1e-9
    )
    for pair in out["pairs"]:
        i, j = names.index(pair["a"]), names.index(pair["b"])
        both = ~np.isnan(matrix[i]) & ~np.isnan(matrix[j])
        assert pair["tokens"] == int(both.sum())
        assert pair["cohen_kappa"] == pytest.approx(independent_kappa(list(matrix[i][both]), list(matrix[j][both])))


def test_span_scores_match_a_brute_force_count_on_random_documents():
    rng = random.Random(5)
    docs = random_documents(rng, 40, ("ana", "ben"))
    [pair] = report(docs)["pairs"]
    strict = lenient = ref = pred = 0
    for doc in docs:
        if "ana" not in doc.spans or "ben" not in doc.spans:
            continue
        a, b = set(doc.spans["ana"]), set(doc.spans["ben"])
        ref, pred, strict = ref + len(a), pred + len(b), strict + len(a & b)
        for label in {t[2] for t in a | b}:
            lenient += max_overlap_matching(
                [(s, e) for s, e, lb in a if lb == label], [(s, e) for s, e, lb in b if lb == label]
            )
    assert (pair["strict"]["matched"], pair["lenient"]["matched"]) == (strict, lenient)
    assert (pair["strict"]["reference"], pair["strict"]["predicted"]) == (ref, pred)


def test_document_order_without_tokens_is_the_reports_order():
    rng = random.Random(17)
    for names in (("ana", "ben"), ("ana", "ben", "cy")):
        docs = random_documents(rng, 80, names)
        inputs = AgreementInputs(names, docs, ("actor", "claim", "quote"))
        assert document_order(inputs) == documents_by_agreement(agreement_report(inputs))


def test_label_filter_compares_one_label():
    docs = [DocumentInput(1, TEXT, {"ana": [(0, 3, "actor"), (8, 13, "claim")], "ben": [(0, 3, "actor"), (8, 13, "quote")]})]
    out = report(docs, label="actor")
    assert out["pairs"][0]["strict"]["f1"] == 1.0
    assert list(out["by_label"]) == ["actor"]
    assert out["pairs"][0]["cohen_kappa"] == pytest.approx(1.0)


# -------------------------------------------------------------- edge cases
def test_fewer_than_two_annotators_is_refused():
    with pytest.raises(AgreementError, match="at least two annotators"):
        report([DocumentInput(1, TEXT, {"ana": []})], ("ana",))


def test_no_document_done_by_two_is_refused():
    docs = [DocumentInput(1, TEXT, {"ana": []}), DocumentInput(2, TEXT + ".", {"ben": []})]
    with pytest.raises(AgreementError, match="no document was marked done by at least two of ana, ben"):
        report(docs)


def test_a_span_outside_its_document_is_refused():
    with pytest.raises(AgreementError, match="outside document 1"):
        report([DocumentInput(1, "abc", {"ana": [(0, 9, "actor")], "ben": []})])
