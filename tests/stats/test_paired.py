from __future__ import annotations

import numpy as np
import pytest

from memobench.stats import PairedResult, min_attainable_p, paired_test


def _systems(n=200, n_conv=10, gap=0.15, seed=0):
    rng = np.random.default_rng(seed)
    ids = [f"conv-{i % n_conv}:q{i}" for i in range(n)]
    base = rng.random(n)
    a = {i: float(v) for i, v in zip(ids, np.clip(base + gap, 0, 1), strict=True)}
    b = {i: float(v) for i, v in zip(ids, base, strict=True)}
    clusters = {i: i.split(":")[0] for i in ids}
    return a, b, clusters


@pytest.mark.parametrize("method", ["permutation", "bootstrap"])
def test_identical_systems_p_is_one(method):
    a, _, clusters = _systems()
    res = paired_test(a, dict(a), clusters, method=method)
    assert res.diff == 0.0
    assert res.p_value == pytest.approx(1.0)
    assert (res.ci_low, res.ci_high) == (0.0, 0.0)


@pytest.mark.parametrize("method", ["permutation", "bootstrap"])
def test_clearly_better_system_is_significant(method):
    a, b, clusters = _systems()
    res = paired_test(a, b, clusters, method=method, n_resamples=2000)
    assert res.diff > 0.1
    assert res.p_value < 0.05
    assert 0 < res.ci_low <= res.diff <= res.ci_high
    assert res.method == method and res.n == 200


def test_gap_inside_one_conversation_is_not_significant():
    """All of a 200-item gap sits in 1 of 10 conversations: a per-item test would call it
    highly significant; per conversation it is one sign among ten. Exactly: flipping the one
    non-zero conversation is the only pattern as extreme, so p = 2 / 2 = 1 over its sign, and
    every pattern has |sum| equal to that conversation's, so p = 1."""
    ids = [f"conv-{i % 10}:q{i}" for i in range(200)]
    clusters = {i: i.split(":")[0] for i in ids}
    b = {i: 0.5 for i in ids}
    a = {i: (0.9 if clusters[i] == "conv-3" else 0.5) for i in ids}
    res = paired_test(a, b, clusters, method="permutation", n_resamples=5000)
    assert res.diff == pytest.approx(0.04)
    assert res.n_clusters == 10 and res.exact
    assert res.p_value == pytest.approx(1.0)


def test_uses_only_shared_items_and_is_antisymmetric():
    a, b, clusters = _systems(n=50)
    b_extra = dict(b, **{"conv-99:q0": 1.0})
    ab = paired_test(a, b_extra, clusters)
    ba = paired_test(b, a, clusters)
    assert ab.n == 50
    assert ab.diff == pytest.approx(-ba.diff)
    assert ab.p_value == pytest.approx(ba.p_value)


def test_hand_computed_diff():
    a = {"x": 1.0, "y": 0.5, "z": 0.0}
    b = {"x": 0.0, "y": 0.5, "z": 0.5}
    res = paired_test(a, b, {"x": "c1", "y": "c1", "z": "c2"})
    assert res.diff == pytest.approx((1.0 + 0.0 - 0.5) / 3)


def test_deterministic_with_seed():
    a, b, clusters = _systems(gap=0.01)
    first = paired_test(a, b, clusters, seed=7)
    assert paired_test(a, b, clusters, seed=7) == first
    assert isinstance(first, PairedResult)


def test_errors():
    with pytest.raises(ValueError, match="share no item"):
        paired_test({"a": 1.0}, {"b": 1.0}, {"a": "c", "b": "c"})
    with pytest.raises(ValueError, match="no cluster"):
        paired_test({"a": 1.0}, {"a": 1.0}, {})
    with pytest.raises(ValueError, match="unknown method"):
        paired_test({"a": 1.0}, {"a": 1.0}, {"a": "c"}, method="ttest")  # type: ignore[arg-type]


def _per_conv(deltas: dict[str, list[float]]):
    """Systems whose per-item ``a - b`` is given per conversation."""
    a, b, clusters = {}, {}, {}
    for conv, ds in deltas.items():
        for j, delta in enumerate(ds):
            item = f"{conv}:q{j}"
            a[item], b[item], clusters[item] = 0.5 + delta / 2, 0.5 - delta / 2, conv
    return a, b, clusters


@pytest.mark.parametrize("method", ["permutation", "bootstrap"])
def test_four_conversations_never_below_one_eighth(method):
    # a beats b on every one of 40 items, but they come from 4 conversations: 2**4 sign
    # patterns, two of them as extreme as the observed one, so p >= 2/16 whatever the method.
    a, b, clusters = _per_conv({f"c{c}": [1.0] * 10 for c in range(4)})
    res = paired_test(a, b, clusters, method=method, n_resamples=5000)
    assert res.n == 40 and res.n_clusters == 4
    assert res.min_p_value == 0.125
    assert res.p_value >= 0.125
    if method == "permutation":
        assert res.exact and res.p_value == 0.125


def test_exact_enumeration_hand_computed():
    # Conversation sums of a - b: 3, 1, -1, 2 (observed total 5). Sign patterns with
    # |total| >= 5: +(3+1+1+2)=7, 3+1-1+2=5, 3-1+1+2=5 and their mirrors -> 6 of 16.
    a, b, clusters = _per_conv({"c0": [1.0, 1.0, 1.0], "c1": [1.0], "c2": [-1.0], "c3": [1.0, 1.0]})
    res = paired_test(a, b, clusters)
    assert res.exact and res.n_clusters == 4
    assert res.p_value == pytest.approx(6 / 16)


def test_items_within_a_conversation_do_not_count_as_independent():
    # Item-level sign flips would call 200 agreeing items overwhelming evidence (p ~ 1/5001);
    # with 3 conversations the honest floor is 2/8.
    a, b, clusters = _per_conv({f"c{c}": [0.2] * 200 for c in range(3)})
    assert paired_test(a, b, clusters).p_value == pytest.approx(0.25)


def test_monte_carlo_path_respects_the_floor():
    # 12 conversations -> 4096 patterns > n_resamples, so the sampled test runs.
    a, b, clusters = _per_conv({f"c{c:02d}": [1.0, 0.5] for c in range(12)})
    res = paired_test(a, b, clusters, n_resamples=1000)
    assert not res.exact
    assert res.p_value >= res.min_p_value == 2.0**-11
    assert res.p_value == pytest.approx(1 / 1001)


def test_exact_null_rate_is_at_most_alpha():
    # Under the null (each conversation's effect symmetric about 0) an exact test rejects at
    # most alpha of the time; enumerate every sign assignment of fixed magnitudes to check it.
    mags = [0.3, 0.1, 0.5, 0.2, 0.4, 0.7]
    rejections = 0
    for pattern in range(2 ** len(mags)):
        signs = [1.0 if pattern >> i & 1 else -1.0 for i in range(len(mags))]
        a, b, clusters = _per_conv(
            {f"c{i}": [s * m] for i, (s, m) in enumerate(zip(signs, mags, strict=True))}
        )
        rejections += paired_test(a, b, clusters).p_value <= 0.05
    assert rejections / 2 ** len(mags) <= 0.05


@pytest.mark.parametrize(("k", "floor"), [(1, 1.0), (2, 0.5), (4, 0.125), (10, 2.0**-9)])
def test_min_attainable_p(k, floor):
    assert min_attainable_p(k) == floor


def test_min_attainable_p_rejects_no_clusters():
    with pytest.raises(ValueError, match="at least one cluster"):
        min_attainable_p(0)
