"""The processes executor against the fake server: the same run as a local one, a shared
cache that never pays twice, and a worker killed midway losing only its in-flight items."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from _helpers import CONVERSATIONS, answers, config, samples
from click.testing import CliRunner

from memobench.cli import cli
from memobench.executors import ExecutorError, make_executor, run_config
from memobench.runner import Runner
from memobench.testing import FakeOpenAIServer


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")


def test_processes_match_local_and_rerun_is_free(
    tmp_path: Path, data_dir: str, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAIServer(latency_s=0.01) as srv:
        local = Runner(config(srv.base_url, data_dir, tmp_path / "local")).run()
        assert srv.stats.requests == 16  # 8 items x 2 conversations, cache empty
        # A fresh cache for the second run, so the workers really call the server.
        monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path / "cache2"))
        ex = make_executor("processes", workers=2)
        procs = run_config(config(srv.base_url, data_dir, tmp_path / "procs"), ex)
        assert srv.stats.requests == 32
        assert len(ex.procs) == 2  # type: ignore[attr-defined]
        # A rerun on any executor: nothing asked, nothing called.
        again = run_config(config(srv.base_url, data_dir, tmp_path / "procs"), ex)
        fresh = CliRunner().invoke(
            cli,
            [
                "run", "--agent", "no-memory", "--model", "openai:fake",
                "--base-url", srv.base_url, "--data-path", data_dir,
                "--conversations", ",".join(CONVERSATIONS), "--limit", "8", "--concurrency", "4",
                "--out", str(tmp_path / "procs-b"), "--executor", "processes", "--workers", "2",
            ],
        )  # fmt: skip
        assert fresh.exit_code == 0, fresh.output
        assert srv.stats.requests == 32
    assert (
        answers(tmp_path / "local") == answers(tmp_path / "procs") == answers(tmp_path / "procs-b")
    )
    assert (
        samples(tmp_path / "local") == samples(tmp_path / "procs") == samples(tmp_path / "procs-b")
    )
    assert local.run_id == procs.run_id == again.run_id
    assert local.tasks["qa"].metrics["f1"].value == procs.tasks["qa"].metrics["f1"].value
    assert "model calls 0 (+16 cached)" in fresh.output  # served from the shared cache
    assert not (tmp_path / "procs" / "run.lock").exists()


def test_killed_worker_loses_only_in_flight_items(tmp_path: Path, data_dir: str, env: None) -> None:
    out = tmp_path / "run"
    with FakeOpenAIServer(latency_s=0.3) as srv:
        cfg = config(srv.base_url, data_dir, out, limit=30, concurrency=2)
        ex = make_executor("processes", workers=2)
        failure: list[BaseException] = []

        def go() -> None:
            try:
                run_config(cfg, ex)
            except BaseException as exc:
                failure.append(exc)

        t = threading.Thread(target=go)
        t.start()
        deadline = time.time() + 120

        def lines():
            return (
                (out / "answers.jsonl").read_text().splitlines()
                if (out / "answers.jsonl").exists()
                else []
            )

        while len(lines()) < 6 and time.time() < deadline:
            time.sleep(0.05)
        victim = ex.procs[0]  # type: ignore[attr-defined]
        os.kill(victim.pid, signal.SIGKILL)
        t.join(180)
        assert not t.is_alive()
        assert failure and isinstance(failure[0], ExecutorError), failure
        assert "worker 0" in str(failure[0]) and "rerun" in str(failure[0])
        kept = lines()
        assert all(json.loads(x)["prediction"].startswith("echo:") for x in kept)
        assert not (out / "run.lock").exists()
        total = Runner(cfg).count_items(Runner(cfg).conversations)
        assert len(kept) < total  # the killed shard did not finish
        before = srv.stats.requests
        results = run_config(cfg, make_executor("processes", workers=2))
        # The rerun asks exactly what is missing: every item once in the log, and at most the
        # killed worker's in-flight items (concurrency 1 per worker) were paid for twice.
        ids = Counter(json.loads(x)["item_id"] for x in lines())
        assert len(ids) == total and max(ids.values()) == 1
        assert srv.stats.requests - before <= total - len(kept) + 1
    assert results.tasks["qa"].metrics["f1"].n == total


_TWICE = r"""
import asyncio, sys
from memobench.llm import get_llm
async def main():
    llm = get_llm("openai:fake", base_url=sys.argv[1])
    c = await llm.complete("the same prompt, asked by two processes at once")
    print(c.text)
asyncio.run(main())
"""


@pytest.mark.parametrize("claims", ["1", ""])
def test_two_processes_pay_once_for_one_prompt(tmp_path: Path, claims: str) -> None:
    import subprocess

    env = {
        **os.environ,
        "MEMOBENCH_CACHE_DIR": str(tmp_path / "cache"),
        "OPENAI_API_KEY": "sk-test",
        "MEMOBENCH_CACHE_CLAIMS": claims,
    }
    with FakeOpenAIServer(latency_s=1.5) as srv:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _TWICE, srv.base_url],
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=120)[0] for p in procs]
        assert all(p.returncode == 0 for p in procs)
    assert outs[0] == outs[1] and outs[0].startswith("echo:")
    # With claims the second process waits for the first one's entry; without, both pay.
    assert srv.stats.requests == (1 if claims else 2)
