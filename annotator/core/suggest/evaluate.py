"""Precision, recall and F1 of suggestions against finished documents, per label (exact spans)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from annotator.core.suggest import Place


def precision_recall_f1(matched: float, reference: float, predicted: float) -> dict[str, Any]:
    """The agreement module's counts and ratios; imported when first needed, since it loads numpy
    (~0.1 s) and the window imports this module at start-up."""
    from annotator.core.agreement import _prf

    return _prf(matched, reference, predicted)


class Tally:
    """Matched, reference and predicted span counts per label, summed over documents."""

    def __init__(self) -> None:
        self.matched: Counter[str] = Counter()
        self.reference: Counter[str] = Counter()
        self.predicted: Counter[str] = Counter()

    def add(self, reference: Iterable[Place], predicted: Iterable[Place]) -> None:
        wanted, offered = set(reference), set(predicted)
        self.reference.update(label for _, _, label in wanted)
        self.predicted.update(label for _, _, label in offered)
        self.matched.update(label for _, _, label in wanted & offered)

    def report(self, labels: Sequence[str]) -> dict[str, Any]:
        """``by_label`` (every label in ``labels``, then any other seen) and ``all`` (micro-averaged)."""
        seen = list(labels) + sorted((set(self.reference) | set(self.predicted)) - set(labels))
        by_label = {label: precision_recall_f1(self.matched[label], self.reference[label], self.predicted[label])
                    for label in seen}
        total = precision_recall_f1(sum(self.matched.values()), sum(self.reference.values()),
                                    sum(self.predicted.values()))
        return {"by_label": by_label, "all": total}


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def evaluation_table(report: dict[str, Any]) -> list[str]:
    """The text the CLI prints for ``annotator suggest --evaluate``."""
    lines = [f"Evaluated on {report['documents']} done documents ({report['records']} annotators' records)",
             "", f"{'Source':<11} {'Label':<14} {'ref':>6} {'sugg':>6} {'match':>6}  {'P':>6} {'R':>6} {'F1':>6}"]
    for source, result in report["sources"].items():
        if "unavailable" in result:
            lines.append(f"{source:<11} {'':<14} {result['unavailable']}")
            continue
        for label, row in [*result["by_label"].items(), ("(all)", result["all"])]:
            lines.append(f"{source:<11} {label:<14} {row['reference']:>6} {row['predicted']:>6} {row['matched']:>6}  "
                         f"{_number(row['precision']):>6} {_number(row['recall']):>6} {_number(row['f1']):>6}")
        if result.get("note"):
            lines.append(f"{'':<11} {result['note']}")
    return lines
