"""Agreement statistics on plain category data: Cohen's kappa, Krippendorff's alpha, interval matching.

Categories are small non-negative integers (0 is "no label" in the token-level
use). Everything here is independent of documents and spans.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when chance agreement is 1."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    codes = {value: i for i, value in enumerate(dict.fromkeys([*a, *b]))}
    return kappa_from_codes(np.array([codes[v] for v in a]), np.array([codes[v] for v in b]), len(codes))


def kappa_from_codes(a: np.ndarray, b: np.ndarray, categories: int) -> float | None:
    n = len(a)
    if n == 0:
        return None
    observed = float(np.count_nonzero(a == b)) / n
    expected = float(np.dot(np.bincount(a, minlength=categories), np.bincount(b, minlength=categories))) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(rows: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Nominal Krippendorff's alpha; one row per coder, one column per unit, None = missing."""
    values = dict.fromkeys(v for row in rows for v in row if v is not None)
    codes = {value: i for i, value in enumerate(values)}
    units = max((len(row) for row in rows), default=0)
    counts = np.zeros((units, max(len(codes), 1)), dtype=np.int64)
    for row in rows:
        for unit, value in enumerate(row):
            if value is not None:
                counts[unit, codes[value]] += 1
    return alpha_from_counts(counts)


def alpha_from_counts(counts: np.ndarray) -> float | None:
    """Nominal alpha from a units x categories matrix of how many coders chose each category.

    Units with fewer than two values are not pairable and drop out. From the
    coincidence matrix o: n_c = sum_k o_ck is the count of c in pairable units and
    alpha = 1 - (n - 1) * (n - sum_c o_cc) / (n^2 - sum_c n_c^2).
    None when alpha is undefined (no pairable unit, or one category only).
    """
    per_unit = counts.sum(axis=1)
    pairable = per_unit >= 2
    counts, per_unit = counts[pairable], per_unit[pairable]
    n_c = counts.sum(axis=0).astype(np.float64)
    n = float(n_c.sum())
    expected = n * n - float(np.dot(n_c, n_c))
    if n == 0 or expected == 0:
        return None
    same = float((counts * (counts - 1) / (per_unit - 1)[:, None]).sum())
    return 1.0 - (n - 1.0) * (n - same) / expected


def alpha_from_codes(codes: Sequence[np.ndarray], present: Sequence[np.ndarray], categories: int) -> float | None:
    """Nominal alpha from one category array per coder over the same units, and where each has a value.

    Same result as ``alpha_from_counts`` without building the units x categories
    matrix: per unit, sum_c n_uc (n_uc - 1) = 2 * (pairs of coders who agree).
    """
    m = np.sum(present, axis=0)
    pairable = m >= 2
    n_c = np.zeros(categories, dtype=np.float64)
    for code, has in zip(codes, present):
        n_c += np.bincount(code[has & pairable], minlength=categories)
    agreeing = np.zeros(len(m), dtype=np.int64)
    for i in range(len(codes)):
        for j in range(i + 1, len(codes)):
            agreeing += present[i] & present[j] & (codes[i] == codes[j])
    n = float(n_c.sum())
    expected = n * n - float(np.dot(n_c, n_c))
    if n == 0 or expected == 0:
        return None
    # Units with m coders weigh 1 / (m - 1); there are only a few distinct m.
    weights = np.bincount(m[pairable], weights=agreeing[pairable])
    same = sum(2.0 * w / (k - 1) for k, w in enumerate(weights) if k >= 2)
    return 1.0 - (n - 1.0) * (n - same) / expected


def max_overlap_matching(reference: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> int:
    """Size of a maximum one-to-one matching of intervals that overlap by at least one position.

    Callers use it only on the rare clusters where both sides have two or more
    intervals, so the graphs are tiny.
    """
    edges = [[j for j, (ps, pe) in enumerate(predicted) if rs < pe and ps < re] for rs, re in reference]
    return len(maximum_matching(edges))


def maximum_matching(edges: Sequence[Sequence[int]]) -> dict[int, int]:
    """A maximum one-to-one matching of a bipartite graph (Kuhn's augmenting paths): ``edges[i]`` lists the
    right-hand nodes left-hand node ``i`` may take, in order of preference; returns right node -> left node."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(edges)):
        augment(i, set())
    return owner
