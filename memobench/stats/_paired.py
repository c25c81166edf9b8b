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
# Bounds memory of the sign-flip matrix (chunk x k conversations floats).
_CHUNK = 1000


def min_attainable_p(n_clusters: int) -> float:
    """Smallest two-sided p-value a conversation-level sign-flip test can give with ``k`` clusters.

    Only ``2**k`` sign patterns exist and the all-flipped one ties with the observed one, so
    ``p >= 2 / 2**k``: 4 conversations can never go below 0.125, 5 never below 0.0625.
    """
    if n_clusters < 1:
        raise ValueError(f"need at least one cluster, got {n_clusters}")
    return min(1.0, 2.0 ** (1 - n_clusters))


class PairedResult(BaseModel):
    """The difference ``a - b`` on shared items, with its CI and p-value."""

    model_config = ConfigDict(frozen=True)
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
    n_clusters: int = 0
    """Conversations the shared items come from (the unit that is resampled or sign-flipped)."""
    min_p_value: float = 0.0
    """Smallest p-value attainable with ``n_clusters`` conversations (``2 / 2**k``)."""
    exact: bool = False
    """True when every conversation-level sign pattern was enumerated (no Monte Carlo error)."""


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

    Items of one conversation are not independent, so the conversation is the unit of
    inference. The CI comes from the clustered paired bootstrap. The p-value comes from a
    conversation-level sign-flip permutation test (each conversation's summed ``a - b`` flips
    sign as a whole) or from the clustered bootstrap shifted to the null. With ``2**k <=
    n_resamples`` the permutation test enumerates all sign patterns and is exact; otherwise it
    samples them and uses ``(1 + hits) / (1 + n_resamples)``. Either p-value is floored at
    :func:`min_attainable_p` (a bootstrap on ``k`` clusters cannot honestly claim more than the
    exact test can); identical systems give exactly 1.
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

    floor = min_attainable_p(k)
    exact = False
    if method == "bootstrap":
        hits = int(np.sum(np.abs(boot - observed) >= abs(observed) - _TIE_EPS))
        p_value = (1 + hits) / (1 + n_resamples)
    elif 2**k <= n_resamples:
        exact = True
        p_value = _exact_sign_flip(sums, observed, len(d))
    else:
        hits = 0
        for start in range(0, n_resamples, _CHUNK):
            size = min(_CHUNK, n_resamples - start)
            signs = rng.integers(0, 2, size=(size, k)) * 2.0 - 1.0
            hits += int(np.sum(np.abs(signs @ sums) / len(d) >= abs(observed) - _TIE_EPS))
        p_value = (1 + hits) / (1 + n_resamples)
    p_value = min(1.0, max(p_value, floor))
    return PairedResult(
        diff=observed,
        ci_low=float(low),
        ci_high=float(high),
        p_value=p_value,
        n=len(ids),
        method=method,
        n_clusters=k,
        min_p_value=floor,
        exact=exact,
    )


def _exact_sign_flip(sums: np.ndarray, observed: float, n_items: int) -> float:
    """Share of all ``2**k`` conversation sign patterns at least as extreme as the observed one."""
    k = len(sums)
    patterns = (np.arange(2**k)[:, None] >> np.arange(k)[None, :]) & 1
    stats = np.abs((patterns * 2.0 - 1.0) @ sums) / n_items
    return float(np.mean(stats >= abs(observed) - _TIE_EPS))
