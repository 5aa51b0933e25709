"""Agreement on attribute values: Cohen's kappa per attribute over matched spans, per annotator pair.

Which spans are compared: for each pair of annotators (A, B) and each document both did, A's spans
are matched to B's one to one by the lenient span matching of span agreement (same label,
overlapping by at least one character, exact matches kept together; see ``relation_agreement``).
A matched pair of spans is one item for each attribute its label has a value for on either side.

An item's two categories are A's and B's values; a span without a value counts as the category
"none", so "asserted" against no value is a disagreement. An item where neither span has a value
says nothing about the attribute and is left out. Cohen's kappa is then computed per attribute
(``label.name``, e.g. ``claim.certainty``) over the pair's items; None when it is undefined (no
item, or both annotators always gave one and the same value: chance agreement is 1).

Over all pairs (``by_attribute``): the items and the values agreed summed over pairs, and the mean
of the pairs' kappas (Light's kappa; pairs with an undefined kappa left out). No Qt, no numpy
beyond ``agreement_stats``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotator.core.agreement_inputs import AgreementInputs, DocumentInput, SpanKey
from annotator.core.agreement_stats import cohen_kappa
from annotator.core.relation_agreement import lenient_span_map

Values = Mapping[str, Any]


def attribute_name(label: str, name: str) -> str:
    """How reports name an attribute: ``claim.certainty``."""
    return f"{label}.{name}"


def _items(document: DocumentInput, a: str, b: str) -> dict[str, list[tuple[Any, Any]]]:
    """Per attribute: (A's value, B's value) of each matched span pair of one document."""
    values_a: Mapping[SpanKey, Values] = document.attributes.get(a, {})
    values_b: Mapping[SpanKey, Values] = document.attributes.get(b, {})
    if not values_a and not values_b:
        return {}
    matched = lenient_span_map(list(document.spans.get(a, ())), list(document.spans.get(b, ())))
    items: dict[str, list[tuple[Any, Any]]] = {}
    for span_a, span_b in matched.items():
        held_a, held_b = values_a.get(span_a, {}), values_b.get(span_b, {})
        for name in sorted({*held_a, *held_b}):
            items.setdefault(attribute_name(span_a[2], name), []).append((held_a.get(name), held_b.get(name)))
    return items


def _score(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    agreed = sum(1 for x, y in pairs if x == y and type(x) is type(y))
    return {"items": len(pairs), "agreed": agreed,
            "observed": agreed / len(pairs) if pairs else None,
            "kappa": cohen_kappa([_category(x) for x, _ in pairs], [_category(y) for _, y in pairs]) if pairs else None}


def _category(value: Any) -> Any:
    """A value as a category that keeps yes/no apart from the numbers 1 and 0."""
    return (type(value).__name__, value)


def attribute_agreement(inputs: AgreementInputs) -> dict[str, Any]:
    """``{"pairs": [{a, b, documents, by_attribute: {"claim.certainty": {items, agreed, observed, kappa}}}],
    "by_attribute": {"claim.certainty": {label, attribute, items, agreed, mean_kappa, pairs}}}``."""
    names = list(inputs.annotators)
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            items: dict[str, list[tuple[Any, Any]]] = {}
            documents = 0
            for document in inputs.documents:
                if a in document.spans and b in document.spans:
                    documents += 1
                    for name, found in _items(document, a, b).items():
                        items.setdefault(name, []).extend(found)
            if documents:
                pairs.append({"a": a, "b": b, "documents": documents,
                              "by_attribute": {name: _score(items[name]) for name in sorted(items)}})
    return {"pairs": pairs, "by_attribute": _overall(pairs)}


def _overall(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    overall: dict[str, Any] = {}
    for name in sorted({name for pair in pairs for name in pair["by_attribute"]}):
        scores = [pair["by_attribute"][name] for pair in pairs if name in pair["by_attribute"]]
        kappas = [s["kappa"] for s in scores if s["kappa"] is not None]
        label, attribute = name.split(".", 1)
        overall[name] = {"label": label, "attribute": attribute, "items": sum(s["items"] for s in scores),
                         "agreed": sum(s["agreed"] for s in scores), "pairs": len(scores),
                         "mean_kappa": sum(kappas) / len(kappas) if kappas else None}
    return overall


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def attribute_table(report: dict[str, Any]) -> list[str]:
    """The attributes part of ``annotator agreement``'s text output."""
    rows = [(p, name, score) for p in report["pairs"] for name, score in p["by_attribute"].items()]
    if not rows:
        return ["", "Attributes: no matched span has an attribute value in the compared documents"]
    lines = ["", f"{'Attributes A':<14} {'B':<14} {'attribute':<22} {'items':>5} {'agreed':>6} {'kappa':>6}"]
    for pair, name, score in rows:
        lines.append(f"{pair['a']:<14} {pair['b']:<14} {name:<22} {score['items']:>5} {score['agreed']:>6} "
                     f"{_num(score['kappa']):>6}")
    if len(report["pairs"]) > 1:
        lines += ["", f"{'Attribute':<22} {'items':>5} {'agreed':>6} {'mean kappa':>10}"]
        for name, row in report["by_attribute"].items():
            lines.append(f"{name:<22} {row['items']:>5} {row['agreed']:>6} {_num(row['mean_kappa']):>10}")
    return lines
