"""Conversation-clustered bootstrap: LoCoMo has only 10 conversations, so items are not iid."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


def cluster_codes(clusters: Sequence[Hashable]) -> tuple[np.ndarray, int]:
    """Map cluster labels to integer codes ``0..k-1`` in sorted label order.

    Sorting (not first-seen order) makes the random draws, hence the CI, independent of the
    order items were written in, so a re-aggregation of a shuffled file gives the same numbers.
    """
    labels = sorted(set(clusters), key=str)
    index = {c: i for i, c in enumerate(labels)}
    codes = np.fromiter((index[c] for c in clusters), dtype=np.int64, count=len(clusters))
    return codes, len(labels)


def resample_weights(n_clusters: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """How often each cluster is drawn in each of ``n_boot`` resamples, shape (n_boot, k)."""
    draws = rng.integers(0, n_clusters, size=(n_boot, n_clusters))
    # Offsetting each row by row * k turns the per-row counts into one bincount.
    flat = (draws + np.arange(n_boot)[:, None] * n_clusters).ravel()
    return np.bincount(flat, minlength=n_boot * n_clusters).reshape(n_boot, n_clusters)


def clustered_bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    clusters: Sequence[Hashable],
    *,
    n_boot: int = 2000,
    alpha: float = 0.05,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile CI of the micro mean of ``values``, resampling whole clusters with replacement.

    Each resample draws ``k`` clusters (``k`` = number of distinct clusters) and takes the mean
    over every item of the drawn clusters (a cluster drawn twice counts twice).
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or len(x) != len(clusters):
        raise ValueError(f"values ({x.shape}) and clusters ({len(clusters)}) must align")
    if len(x) == 0:
        raise ValueError("clustered_bootstrap_ci needs at least one value")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    codes, k = cluster_codes(clusters)
    sums = np.bincount(codes, weights=x, minlength=k)
    counts = np.bincount(codes, minlength=k).astype(np.float64)
    weights = resample_weights(k, n_boot, np.random.default_rng(seed))
    stats = (weights @ sums) / (weights @ counts)
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)
