"""``memobench llm ping`` and ``memobench cache stats|clear`` through click."""

from __future__ import annotations

from click.testing import CliRunner

from memobench.cli.cache import cache
from memobench.cli.llm import llm


def test_ping_against_fake_server(fake_openai):
    runner = CliRunner()
    args = [
        "ping",
        "--model",
        "openai:fake-model",
        "--base-url",
        fake_openai.base_url,
        "--prompt",
        "hi you",
    ]
    result = runner.invoke(llm, args)
    assert result.exit_code == 0, result.output
    assert "echo: hi you" in result.output
    assert "latency:" in result.output and "prompt=2" in result.output
    assert fake_openai.stats.requests == 1

    again = runner.invoke(llm, args)
    assert "cached: True" in again.output
    assert fake_openai.stats.requests == 1

    stats = runner.invoke(cache, ["stats"])
    assert stats.exit_code == 0
    assert (
        "entries: 1" in stats.output
        and "openai:fake-model" in stats.output
        and "hits=1" in stats.output
    )

    cleared = runner.invoke(cache, ["clear", "--yes"])
    assert "cleared 1 entries" in cleared.output
    assert "entries: 0" in runner.invoke(cache, ["stats"]).output


def test_ping_error_is_clean(fake_openai):
    from memobench.testing import Fault

    fake_openai.set_faults([Fault("500", times=100)])
    result = CliRunner().invoke(
        llm, ["ping", "--model", "openai:m", "--base-url", fake_openai.base_url, "--no-cache"]
    )
    assert result.exit_code != 0
    assert "500" in result.output and fake_openai.base_url in result.output
