from __future__ import annotations

import numpy as np
import pytest

from memobench.stats import PairedResult, paired_test


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


def test_noise_is_not_significant():
    rng = np.random.default_rng(5)
    ids = [f"c{i % 8}:q{i}" for i in range(160)]
    a = {i: float(rng.random()) for i in ids}
    b = {i: float(rng.random()) for i in ids}
    res = paired_test(a, b, {i: i.split(":")[0] for i in ids})
    assert res.p_value > 0.05


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
