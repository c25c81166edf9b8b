"""Paired significance tests between two systems scored on the same items."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ._bootstrap import cluster_codes, resample_weights

PairedMethod = Literal["bootstrap", "permutation"]

# Float noise in sums of identical score vectors must not make |stat| < |observed|.
_TIE_EPS = 1e-12
# Bounds memory of the sign-flip matrix (chunk x n items floats).
_CHUNK = 1000


class PairedResult(BaseModel):
    """The difference ``a - b`` on shared items, with its CI and p-value."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)
    diff: float
    """Mean of per-item ``a - b`` over the shared items."""
    ci_low: float
    """Lower end of the (1 - alpha) CI of ``diff`` (paired bootstrap clustered by conversation)."""
    ci_high: float
    """Upper end of that CI."""
    p_value: float
    """Two-sided p-value of ``diff == 0``."""
    n: int
    """Shared items compared."""
    method: PairedMethod
    """How the p-value was computed: sign-flip ``permutation`` or clustered ``bootstrap``."""


def paired_test(
    a: Mapping[str, float],
    b: Mapping[str, float],
    clusters: Mapping[str, str],
    *,
    method: PairedMethod = "permutation",
    n_resamples: int = 5000,
    seed: int = 0,
    alpha: float = 0.05,
) -> PairedResult:
    """Compare two systems on the item ids they share (``clusters`` maps item id → conversation).

    The CI always comes from the clustered paired bootstrap. The p-value comes from a sign-flip
    permutation test (each item's ``a - b`` flips sign independently) or from the clustered
    bootstrap distribution shifted to the null. Both use ``(1 + hits) / (1 + n_resamples)`` so
    the p-value is never 0; identical systems give exactly 1.
    """
    if method not in ("bootstrap", "permutation"):
        raise ValueError(f"unknown method {method!r}")
    ids = sorted(set(a) & set(b))
    if not ids:
        raise ValueError("paired_test: the two systems share no item ids")
    missing = [i for i in ids if i not in clusters]
    if missing:
        raise ValueError(f"paired_test: no cluster for items {missing[:5]}")
    d = np.array([float(a[i]) - float(b[i]) for i in ids], dtype=np.float64)
    observed = float(d.mean())
    rng = np.random.default_rng(seed)

    codes, k = cluster_codes([clusters[i] for i in ids])
    sums = np.bincount(codes, weights=d, minlength=k)
    counts = np.bincount(codes, minlength=k).astype(np.float64)
    weights = resample_weights(k, n_resamples, rng)
    boot = (weights @ sums) / (weights @ counts)
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])

    if method == "bootstrap":
        hits = int(np.sum(np.abs(boot - observed) >= abs(observed) - _TIE_EPS))
    else:
        hits = 0
        for start in range(0, n_resamples, _CHUNK):
            size = min(_CHUNK, n_resamples - start)
            signs = rng.integers(0, 2, size=(size, len(d))) * 2.0 - 1.0
            hits += int(np.sum(np.abs(signs @ d) / len(d) >= abs(observed) - _TIE_EPS))
    p_value = min(1.0, (1 + hits) / (1 + n_resamples))
    return PairedResult(
        diff=observed,
        ci_low=float(low),
        ci_high=float(high),
        p_value=p_value,
        n=len(ids),
        method=method,
    )
