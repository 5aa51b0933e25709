"""Inter-annotator agreement on plain data: span F1, Cohen's kappa, Krippendorff's alpha.

What is compared
- A document counts for an annotator when it appears in that document's ``spans``
  mapping (the store puts there the annotators who marked it done). A pair of
  annotators is compared on the documents both did; alpha uses every document
  done by at least two selected annotators, the others' values being missing.
- Spans are sets per annotator and document: an identical (start, end, label)
  marked twice counts once.

Span level (A is the reference, B the prediction)
- strict: same start, end and label;
- lenient: same label and overlapping by at least one character, matched one
  to one by a maximum matching (exact, not greedy).
  precision = matched / B's spans, recall = matched / A's spans, F1 = 2 matched / (A + B);
  None where the denominator is 0.

Token level (kappa, alpha): tokens come from ``core.tokens``; a token's category is
the label of a span sharing at least one character with it, else "O". When several
spans cover a token, the longest wins; ties go to the earliest start, then to the
label name in alphabetical order.

Per document: ``agreement`` is the mean over compared pairs of strict span F1
(1.0 when neither annotator marked anything), with lenient F1 and token kappa beside it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.core.agreement_inputs import AgreementError, AgreementInputs, DocumentInput  # noqa: F401 (re-exported)
from annotator.core.agreement_stats import alpha_from_codes, kappa_from_codes, max_overlap_matching
from annotator.core.tokens import token_bounds

OUTSIDE = "O"


@dataclass
class _AnnotatorSpans:
    start: np.ndarray  # global offsets: document base + code-point offset
    end: np.ndarray
    label: np.ndarray  # index into the label list
    doc: np.ndarray  # index into the compared documents


class _Corpus:
    """All compared documents laid end to end, so every step is one numpy pass."""

    def __init__(self, inputs: AgreementInputs, *, tokens: bool = True) -> None:
        names = list(inputs.annotators)
        if len(set(names)) < 2:
            raise AgreementError(f"agreement needs at least two annotators (selected: {', '.join(names) or 'none'})")
        self.names = names
        self.docs = [d for d in inputs.documents if sum(name in d.spans for name in names) >= 2]
        if not self.docs:
            raise AgreementError(f"no document was marked done by at least two of {', '.join(names)}")
        self.labels = self._labels(inputs)
        label_index = {name: i for i, name in enumerate(self.labels)}
        lengths = np.array([len(d.text) for d in self.docs], dtype=np.int64)
        ends = np.cumsum(lengths + 1)
        self.base = np.concatenate(([0], ends[:-1])).astype(np.int64)
        self.total = int(ends[-1]) if len(ends) else 1  # beyond every global offset
        self.done = np.array([[name in d.spans for d in self.docs] for name in names], dtype=bool).reshape(len(names), -1)
        if tokens:  # the span figures do not need them, and tokenizing is most of the work
            self._tokens()
        self.spans = [self._spans(name, label_index, lengths, inputs.label) for name in names]

    def _labels(self, inputs: AgreementInputs) -> list[str]:
        if inputs.label is not None:
            return [inputs.label]
        seen = {t[2] for d in self.docs for name in self.names for t in d.spans.get(name, ())}
        return [name for name in inputs.labels if name in seen] + sorted(seen - set(inputs.labels))

    def _tokens(self) -> None:
        parts = [np.zeros(0, dtype=np.int64)]
        counts = []
        for doc in self.docs:
            bounds = token_bounds(doc.text)
            parts.append(np.fromiter(itertools.chain.from_iterable(bounds), dtype=np.int64, count=2 * len(bounds)))
            counts.append(len(bounds))
        offsets = np.repeat(self.base, counts)
        pairs = np.concatenate(parts).reshape(-1, 2)
        self.tok_start = pairs[:, 0] + offsets
        self.tok_end = pairs[:, 1] + offsets
        self.tok_doc = np.repeat(np.arange(len(self.docs)), counts)

    def _spans(self, name: str, label_index: dict[str, int], lengths: np.ndarray, only: str | None) -> _AnnotatorSpans:
        rows: list[tuple[int, int, str]] = []
        counts = []
        for doc in self.docs:
            spans = doc.spans.get(name, ())
            if only is not None:
                spans = [t for t in spans if t[2] == only]
            rows += spans
            counts.append(len(spans))
        doc = np.repeat(np.arange(len(self.docs)), counts)
        start = np.array([t[0] for t in rows], dtype=np.int64)
        end = np.array([t[1] for t in rows], dtype=np.int64)
        label = np.array([label_index[t[2]] for t in rows], dtype=np.int64)
        bad = (start < 0) | (end <= start) | (end > lengths[doc])
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise AgreementError(
                f"span {start[i]}-{end[i]} of {name} is outside document {self.docs[doc[i]].doc_id}"
            )
        start, end = start + self.base[doc], end + self.base[doc]
        order = np.lexsort((label, end, start))
        start, end, label, doc = start[order], end[order], label[order], doc[order]
        keep = np.ones(len(start), dtype=bool)
        keep[1:] = (start[1:] != start[:-1]) | (end[1:] != end[:-1]) | (label[1:] != label[:-1])
        return _AnnotatorSpans(start[keep], end[keep], label[keep], doc[keep])

    def categories(self, i: int) -> np.ndarray:
        """Token categories of annotator ``i``: 0 = outside, label index + 1 otherwise."""
        spans = self.spans[i]
        first = np.searchsorted(self.tok_end, spans.start, side="right")
        stop = np.searchsorted(self.tok_start, spans.end, side="left")
        counts = np.maximum(stop - first, 0)
        name_rank = np.argsort(np.argsort(np.array(self.labels, dtype=object)))
        # Rank by priority: shorter first, then later start, then later label name; the highest rank wins.
        rank_order = np.lexsort((-name_rank[spans.label], -spans.start, spans.end - spans.start))
        rank = np.empty(len(rank_order), dtype=np.int64)
        rank[rank_order] = np.arange(len(rank_order))
        total = int(counts.sum())
        runs = np.repeat(np.cumsum(counts) - counts, counts)
        tokens = np.repeat(first, counts) + (np.arange(total) - runs)
        best = np.full(len(self.tok_start), -1, dtype=np.int64)
        np.maximum.at(best, tokens, np.repeat(rank, counts))
        label_by_rank = np.empty(len(rank), dtype=np.int64)
        label_by_rank[rank] = spans.label
        cats = np.zeros(len(best), dtype=np.int64)
        covered = best >= 0
        cats[covered] = label_by_rank[best[covered]] + 1
        return cats


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _prf(matched: float, reference: float, predicted: float) -> dict[str, Any]:
    return {
        "precision": _ratio(matched, predicted),
        "recall": _ratio(matched, reference),
        "f1": _ratio(2 * matched, reference + predicted),
        "matched": int(matched),
        "reference": int(reference),
        "predicted": int(predicted),
    }


def _subset(spans: _AnnotatorSpans, docs: np.ndarray) -> _AnnotatorSpans:
    keep = docs[spans.doc]
    return _AnnotatorSpans(spans.start[keep], spans.end[keep], spans.label[keep], spans.doc[keep])


def _strict_matches(a: _AnnotatorSpans, b: _AnnotatorSpans) -> tuple[np.ndarray, np.ndarray]:
    """Label and document of each span both have exactly (each side is already a set)."""
    start = np.concatenate((a.start, b.start))
    end = np.concatenate((a.end, b.end))
    label = np.concatenate((a.label, b.label))
    doc = np.concatenate((a.doc, b.doc))
    order = np.lexsort((label, end, start))
    start, end, label, doc = start[order], end[order], label[order], doc[order]
    same = (start[1:] == start[:-1]) & (end[1:] == end[:-1]) & (label[1:] == label[:-1])
    return label[1:][same], doc[1:][same]


def _lenient_matches(a: _AnnotatorSpans, b: _AnnotatorSpans, lane: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cluster of overlapping same-label spans: its label, document and maximum matching size."""
    # Each label gets its own lane of offsets, so spans of different labels never overlap.
    start = np.concatenate((a.start, b.start)) + lane * np.concatenate((a.label, b.label))
    end = np.concatenate((a.end, b.end)) + lane * np.concatenate((a.label, b.label))
    side = np.concatenate((np.zeros(len(a.start), bool), np.ones(len(b.start), bool)))
    label = np.concatenate((a.label, b.label))
    doc = np.concatenate((a.doc, b.doc))
    if len(start) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    order = np.lexsort((end, start))
    start, end, side, label, doc = start[order], end[order], side[order], label[order], doc[order]
    reach = np.maximum.accumulate(end)
    new_cluster = np.ones(len(start), dtype=bool)
    new_cluster[1:] = start[1:] >= reach[:-1]
    cluster = np.cumsum(new_cluster) - 1
    heads = np.flatnonzero(new_cluster)
    in_b = np.bincount(cluster, weights=side).astype(np.int64)
    in_a = np.bincount(cluster) - in_b
    matched = np.where((in_a > 0) & (in_b > 0), 1, 0)
    complex_clusters = np.flatnonzero((in_a > 1) & (in_b > 1))
    if len(complex_clusters):
        bounds = np.append(heads, len(start)).tolist()
        starts, ends, sides = start.tolist(), end.tolist(), side.tolist()
        for c in complex_clusters.tolist():
            members = range(bounds[c], bounds[c + 1])
            matched[c] = max_overlap_matching(
                [(starts[k], ends[k]) for k in members if not sides[k]],
                [(starts[k], ends[k]) for k in members if sides[k]],
            )
    return label[heads], doc[heads], matched


def _pair_spans(corpus: _Corpus, i: int, j: int) -> dict[str, Any]:
    """Span matches of a pair on the documents both did: per label ("counts") and per document."""
    n_labels, n_docs = len(corpus.labels), len(corpus.docs)
    common = corpus.done[i] & corpus.done[j]
    a, b = _subset(corpus.spans[i], common), _subset(corpus.spans[j], common)
    ref = np.bincount(a.label, minlength=n_labels)
    pred = np.bincount(b.label, minlength=n_labels)
    s_label, s_doc = _strict_matches(a, b)
    l_label, l_doc, l_matched = _lenient_matches(a, b, corpus.total)
    strict = np.bincount(s_label, minlength=n_labels)
    lenient = np.bincount(l_label, weights=l_matched, minlength=n_labels)
    return {
        "common": common,
        "ref": np.bincount(a.doc, minlength=n_docs),
        "pred": np.bincount(b.doc, minlength=n_docs),
        "strict": np.bincount(s_doc, minlength=n_docs),
        "lenient": np.bincount(l_doc, weights=l_matched, minlength=n_docs),
        "counts": (ref, pred, strict, lenient),
    }


def _pair(corpus: _Corpus, i: int, j: int, cats: list[np.ndarray]) -> tuple[dict[str, Any], dict[str, Any]]:
    n_labels, n_docs = len(corpus.labels), len(corpus.docs)
    per_doc = _pair_spans(corpus, i, j)
    common = per_doc["common"]
    ref, pred, strict, lenient = per_doc["counts"]
    tokens = common[corpus.tok_doc]
    ca, cb = cats[i][tokens], cats[j][tokens]
    categories = n_labels + 1
    by_label = {
        name: {"strict": _prf(strict[k], ref[k], pred[k]), "lenient": _prf(lenient[k], ref[k], pred[k])}
        for k, name in enumerate(corpus.labels)
    }
    report = {
        "a": corpus.names[i],
        "b": corpus.names[j],
        "documents": int(common.sum()),
        "tokens": int(tokens.sum()),
        "strict": _prf(strict.sum(), ref.sum(), pred.sum()),
        "lenient": _prf(lenient.sum(), ref.sum(), pred.sum()),
        "cohen_kappa": kappa_from_codes(ca, cb, categories),
        "by_label": by_label,
    }
    per_doc["kappa"] = _kappa_per_doc(corpus.tok_doc[tokens], ca, cb, categories, n_docs)
    return report, per_doc


def _kappa_per_doc(doc: np.ndarray, a: np.ndarray, b: np.ndarray, categories: int, n_docs: int) -> np.ndarray:
    n = np.bincount(doc, minlength=n_docs).astype(np.float64)
    agree = np.bincount(doc, weights=(a == b), minlength=n_docs)
    ma = np.bincount(doc * categories + a, minlength=n_docs * categories).reshape(n_docs, categories)
    mb = np.bincount(doc * categories + b, minlength=n_docs * categories).reshape(n_docs, categories)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = agree / n
        expected = (ma * mb).sum(axis=1) / (n * n)
        kappa = (observed - expected) / (1.0 - expected)
    kappa[(n == 0) | (expected >= 1.0)] = np.nan
    return kappa


def _alpha(corpus: _Corpus, cats: list[np.ndarray]) -> float | None:
    present = [corpus.done[i][corpus.tok_doc] for i in range(len(cats))]
    return alpha_from_codes(cats, present, len(corpus.labels) + 1)


def _per_document(corpus: _Corpus, pair_docs: list[dict[str, np.ndarray]]) -> list[dict[str, Any]]:
    n_docs = len(corpus.docs)
    pairs = np.zeros(n_docs)
    strict_sum, lenient_sum = np.zeros(n_docs), np.zeros(n_docs)
    kappa_sum, kappa_n = np.zeros(n_docs), np.zeros(n_docs)
    for p in pair_docs:
        total = p["ref"] + p["pred"]
        with np.errstate(divide="ignore", invalid="ignore"):
            strict = np.where(total > 0, 2 * p["strict"] / total, 1.0)
            lenient = np.where(total > 0, 2 * p["lenient"] / total, 1.0)
        common = p["common"]
        pairs += common
        strict_sum += np.where(common, strict, 0.0)
        lenient_sum += np.where(common, lenient, 0.0)
        if "kappa" in p:
            has_kappa = common & ~np.isnan(p["kappa"])
            kappa_sum += np.where(has_kappa, np.nan_to_num(p["kappa"]), 0.0)
            kappa_n += has_kappa
    rows = []
    for d, doc in enumerate(corpus.docs):
        if not pairs[d]:
            continue
        rows.append({
            "doc_id": doc.doc_id,
            "title": doc.title,
            "annotators": [name for k, name in enumerate(corpus.names) if corpus.done[k][d]],
            "agreement": float(strict_sum[d] / pairs[d]),
            "strict_f1": float(strict_sum[d] / pairs[d]),
            "lenient_f1": float(lenient_sum[d] / pairs[d]),
            "cohen_kappa": float(kappa_sum[d] / kappa_n[d]) if kappa_n[d] else None,
        })
    rows.sort(key=lambda r: (r["agreement"], r["lenient_f1"], r["doc_id"]))
    return rows


def agreement_report(inputs: AgreementInputs) -> dict[str, Any]:
    """Every agreement figure for the selection, as plain JSON-ready data (see the module docstring)."""
    names = list(inputs.annotators)
    corpus = _Corpus(inputs)
    cats = [corpus.categories(i) for i in range(len(names))]
    pairs, pair_docs, warnings = [], [], list(inputs.notes)
    ref_total = np.zeros(len(corpus.labels))
    pred_total, strict_total, lenient_total = ref_total.copy(), ref_total.copy(), ref_total.copy()
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if not (corpus.done[i] & corpus.done[j]).any():
                warnings.append(f"no document was marked done by both {names[i]} and {names[j]}")
                continue
            report, per_doc = _pair(corpus, i, j, cats)
            pairs.append(report)
            pair_docs.append(per_doc)
            ref, pred, strict, lenient = per_doc["counts"]
            ref_total += ref
            pred_total += pred
            strict_total += strict
            lenient_total += lenient
    by_label = {
        name: {
            "strict_f1": _ratio(2 * strict_total[k], ref_total[k] + pred_total[k]),
            "lenient_f1": _ratio(2 * lenient_total[k], ref_total[k] + pred_total[k]),
            "spans": int(ref_total[k] + pred_total[k]),
        }
        for k, name in enumerate(corpus.labels)
    }
    return {
        "annotators": names,
        "label": inputs.label,
        "documents": len(corpus.docs),
        "tokens": int(len(corpus.tok_start)),
        "pairs": pairs,
        "krippendorff_alpha": _alpha(corpus, cats),
        "by_label": by_label,
        "per_document": _per_document(corpus, pair_docs),
        "warnings": warnings,
    }


def documents_by_agreement(report: Mapping[str, Any]) -> list[int]:
    """Document ids of a report, least agreement first (the ones to discuss)."""
    return [row["doc_id"] for row in report["per_document"]]


def document_order(inputs: AgreementInputs) -> list[int]:
    """The ids of ``documents_by_agreement(agreement_report(inputs))``, without tokenizing.

    The order needs only the span figures (strict, then lenient F1 per document),
    so this skips the token-level kappa and alpha: several times quicker.
    """
    corpus = _Corpus(inputs, tokens=False)
    n = len(corpus.names)
    pair_docs = [_pair_spans(corpus, i, j) for i in range(n) for j in range(i + 1, n)]
    return [row["doc_id"] for row in _per_document(corpus, [p for p in pair_docs if p["common"].any()])]


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def agreement_table(report: Mapping[str, Any], worst: int = 10) -> list[str]:
    """The report as readable text lines (the CLI's default output)."""
    alpha = report["krippendorff_alpha"]
    label = f", label {report['label']}" if report.get("label") else ""
    lines = [
        f"Annotators {', '.join(report['annotators'])}{label}",
        f"Documents  {report['documents']} done by at least two; {report['tokens']} tokens",
        f"Krippendorff's alpha (tokens, nominal): {_num(alpha)}",
        "",
        f"{'A (reference)':<14} {'B':<14} {'docs':>5}  {'strict P':>8} {'R':>6} {'F1':>6}  {'lenient P':>9} {'R':>6} {'F1':>6}  {'kappa':>6}",
    ]
    for p in report["pairs"]:
        s, le = p["strict"], p["lenient"]
        lines.append(
            f"{p['a']:<14} {p['b']:<14} {p['documents']:>5}  {_num(s['precision']):>8} {_num(s['recall']):>6} {_num(s['f1']):>6}"
            f"  {_num(le['precision']):>9} {_num(le['recall']):>6} {_num(le['f1']):>6}  {_num(p['cohen_kappa']):>6}"
        )
    lines += ["", f"{'Label':<14} {'spans':>6}  {'strict F1':>9}  {'lenient F1':>10}"]
    for name, row in report["by_label"].items():
        lines.append(f"{name:<14} {row['spans']:>6}  {_num(row['strict_f1']):>9}  {_num(row['lenient_f1']):>10}")
    rows = report["per_document"][:worst]
    if rows:
        lines += ["", f"Least agreement (mean pairwise strict span F1), {len(rows)} of {len(report['per_document'])} documents:"]
        for row in rows:
            title = (row["title"] or "")[:40]
            lines.append(
                f"  doc {row['doc_id']:<6} {_num(row['agreement'], 2):>5}  lenient {_num(row['lenient_f1'], 2):>5}"
                f"  kappa {_num(row['cohen_kappa'], 2):>5}  {title}"
            )
    lines += [f"Note: {w}" for w in report.get("warnings", [])]
    return lines
