from __future__ import annotations

import numpy as np
import pytest

from memobench.stats import clustered_bootstrap_ci


def _brute_force(values, clusters, *, n_boot, alpha, seed):
    """Loop reference with the same random draws as the vectorised version."""
    labels = sorted(set(clusters), key=str)
    by_cluster = {c: [v for v, k in zip(values, clusters, strict=True) if k == c] for c in labels}
    draws = np.random.default_rng(seed).integers(0, len(labels), size=(n_boot, len(labels)))
    stats = []
    for row in draws:
        items = [v for j in row for v in by_cluster[labels[j]]]
        stats.append(sum(items) / len(items))
    return tuple(np.quantile(stats, [alpha / 2, 1 - alpha / 2]))


def test_two_clusters_enumerated_exactly():
    # Resamples of 2 clusters: {A,A} p=1/4, {A,B} p=1/2, {B,B} p=1/4, so the 2.5% / 97.5%
    # percentiles are the two cluster means (the pooled mean lies strictly between them).
    values = [1.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    clusters = ["A", "A", "B", "B", "B", "B"]
    low, high = clustered_bootstrap_ci(values, clusters, n_boot=4000, seed=3)
    assert (low, high) == (0.25, 1.0)


def test_matches_brute_force_reference():
    rng = np.random.default_rng(1)
    clusters = [f"c{i % 7}" for i in range(83)]
    values = rng.random(83).tolist()
    got = clustered_bootstrap_ci(values, clusters, n_boot=500, alpha=0.1, seed=11)
    want = _brute_force(values, clusters, n_boot=500, alpha=0.1, seed=11)
    assert got == pytest.approx(want, abs=1e-12)


def test_single_cluster_is_degenerate():
    assert clustered_bootstrap_ci([0.2, 0.4], ["x", "x"]) == pytest.approx((0.3, 0.3))


def test_ci_widens_with_fewer_conversations():
    # Conversation means alternate 0.3 / 0.7, so dropping conversations in pairs keeps the
    # between-conversation spread fixed and only the number of clusters shrinks.
    per = 30
    values, clusters = [], []
    for conv in range(10):
        values += [0.3 if conv % 2 == 0 else 0.7] * per
        clusters += [f"conv-{conv}"] * per
    widths = []
    for keep in (10, 6, 4):
        n = keep * per
        low, high = clustered_bootstrap_ci(values[:n], clusters[:n], seed=0)
        widths.append(high - low)
    assert widths[0] < widths[1] < widths[2]


def test_deterministic_with_seed():
    values = np.random.default_rng(0).random(50)
    clusters = [i % 5 for i in range(50)]
    first = clustered_bootstrap_ci(values, clusters, seed=42)
    assert clustered_bootstrap_ci(values, clusters, seed=42) == first
    assert clustered_bootstrap_ci(values, clusters, seed=43) != first


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        clustered_bootstrap_ci([], [])
    with pytest.raises(ValueError):
        clustered_bootstrap_ci([1.0], ["a", "b"])


def test_independent_of_item_order():
    rng = np.random.default_rng(2)
    values = rng.random(40)
    clusters = [f"c{i % 4}" for i in range(40)]
    order = rng.permutation(40)
    shuffled = clustered_bootstrap_ci(values[order], [clusters[i] for i in order], seed=5)
    assert shuffled == pytest.approx(clustered_bootstrap_ci(values, clusters, seed=5), abs=1e-12)
