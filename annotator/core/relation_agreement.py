"""Agreement on relations, per annotator pair and per relation label (A is the reference, B the prediction).

A relation is (head span, child span, label), each span (start, end, label); direction counts
(head -> child differs from child -> head). Relations are sets per annotator and document.

- strict: both ends exactly the same spans (offsets and span label), same relation label and direction;
- lenient: ends matched by the lenient span matching of ``core.agreement`` (same span label,
  overlapping by at least one character, one to one by a maximum matching), same relation
  label and direction: A's relation (h, c, L) matches B's (m(h), m(c), L), where m maps each
  of A's spans to the B span it was matched with.

precision = matched / B's relations, recall = matched / A's relations, F1 = 2 matched / (A + B);
None where the denominator is 0. Only documents both annotators of a pair did are compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from annotator.core.agreement_inputs import AgreementInputs, DocumentInput, RelationInput, SpanKey
from annotator.core.agreement_stats import maximum_matching


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _prf(matched: int, reference: int, predicted: int) -> dict[str, Any]:
    return {"precision": _ratio(matched, predicted), "recall": _ratio(matched, reference),
            "f1": _ratio(2 * matched, reference + predicted), "matched": matched,
            "reference": reference, "predicted": predicted}


def lenient_span_map(a: Sequence[SpanKey], b: Sequence[SpanKey]) -> dict[SpanKey, SpanKey]:
    """A maximum one-to-one matching of A's spans to B's spans of the same label that overlap (Kuhn's
    augmenting paths, exact matches tried first so an exact pair is never split)."""
    a, b = sorted(set(a)), sorted(set(b))
    edges = [sorted((j for j, (bs, be, bl) in enumerate(b) if bl == al and as_ < be and bs < ae),
                    key=lambda j, span=(as_, ae, al): b[j] != span)
             for as_, ae, al in a]
    return {a[i]: b[j] for j, i in maximum_matching(edges).items()}


def _ends(relations: Sequence[RelationInput]) -> list[SpanKey]:
    return [end for head, child, _label in relations for end in (head, child)]


def _compare(document: DocumentInput, a: str, b: str) -> tuple[Counter, Counter, Counter, Counter]:
    """Per relation label: A's count, B's count, strict matches, lenient matches (one document)."""
    ra, rb = set(document.relations.get(a, ())), set(document.relations.get(b, ()))
    ref = Counter(label for _h, _c, label in ra)
    pred = Counter(label for _h, _c, label in rb)
    strict = Counter(label for _h, _c, label in ra & rb)
    spans_a = [(s, e, lb) for s, e, lb in document.spans.get(a, ())] + _ends(list(ra))
    spans_b = [(s, e, lb) for s, e, lb in document.spans.get(b, ())] + _ends(list(rb))
    mapped = lenient_span_map(spans_a, spans_b)
    left = set(rb)
    lenient: Counter = Counter()
    for head, child, label in ra:
        candidate = (mapped.get(head), mapped.get(child), label)
        if candidate in left:
            left.discard(candidate)
            lenient[label] += 1
    return ref, pred, strict, lenient


def relation_agreement(inputs: AgreementInputs) -> dict[str, Any]:
    """``{"pairs": [{a, b, documents, strict, lenient, by_label: {L: {strict, lenient}}}], "by_label": {L:
    {relations, strict_f1, lenient_f1}}}`` for every pair of the selected annotators."""
    names = list(inputs.annotators)
    pairs = []
    totals: dict[str, Counter] = {key: Counter() for key in ("ref", "pred", "strict", "lenient")}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            sums: dict[str, Counter] = {key: Counter() for key in ("ref", "pred", "strict", "lenient")}
            documents = 0
            for document in inputs.documents:
                if a in document.spans and b in document.spans:
                    documents += 1
                    for key, counts in zip(("ref", "pred", "strict", "lenient"), _compare(document, a, b)):
                        sums[key].update(counts)
            if not documents:
                continue
            labels = sorted(set(sums["ref"]) | set(sums["pred"]))
            pairs.append({
                "a": a, "b": b, "documents": documents,
                "strict": _prf(sum(sums["strict"].values()), sum(sums["ref"].values()), sum(sums["pred"].values())),
                "lenient": _prf(sum(sums["lenient"].values()), sum(sums["ref"].values()), sum(sums["pred"].values())),
                "by_label": {label: {kind: _prf(sums[kind][label], sums["ref"][label], sums["pred"][label])
                                     for kind in ("strict", "lenient")} for label in labels},
            })
            for key in totals:
                totals[key].update(sums[key])
    labels = sorted(set(totals["ref"]) | set(totals["pred"]))
    by_label = {label: {"relations": totals["ref"][label] + totals["pred"][label],
                        "strict_f1": _ratio(2 * totals["strict"][label], totals["ref"][label] + totals["pred"][label]),
                        "lenient_f1": _ratio(2 * totals["lenient"][label], totals["ref"][label] + totals["pred"][label])}
                for label in labels}
    return {"pairs": pairs, "by_label": by_label}


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def relation_table(report: dict[str, Any]) -> list[str]:
    """The relations part of ``annotator agreement``'s text output."""
    if not report["pairs"] or not any(p["strict"]["reference"] + p["strict"]["predicted"] for p in report["pairs"]):
        return ["", "Relations: none in the compared documents"]
    lines = ["", f"{'Relations A':<14} {'B':<14} {'rels':>5}  {'strict P':>8} {'R':>6} {'F1':>6}  {'lenient P':>9} {'R':>6} {'F1':>6}"]
    for p in report["pairs"]:
        s, le = p["strict"], p["lenient"]
        lines.append(f"{p['a']:<14} {p['b']:<14} {s['reference'] + s['predicted']:>5}  {_num(s['precision']):>8} "
                     f"{_num(s['recall']):>6} {_num(s['f1']):>6}  {_num(le['precision']):>9} {_num(le['recall']):>6} "
                     f"{_num(le['f1']):>6}")
    lines += ["", f"{'Relation label':<14} {'rels':>6}  {'strict F1':>9}  {'lenient F1':>10}"]
    for name, row in report["by_label"].items():
        lines.append(f"{name:<14} {row['relations']:>6}  {_num(row['strict_f1']):>9}  {_num(row['lenient_f1']):>10}")
    return lines
