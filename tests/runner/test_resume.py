"""A run killed with SIGKILL midway resumes without re-asking finished items.

The reader is a real OpenAI-compatible HTTP server (the fake one) and the run is a real
``memobench run`` subprocess, so this is exactly what a user's Ctrl-C or crash looks like.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from memobench.testing import FakeOpenAIServer


def reply(req) -> str:  # type: ignore[no-untyped-def]
    # Deterministic answer per prompt, so an interrupted and a clean run must agree exactly.
    return (
        "Not mentioned"
        if "Select the correct answer" in req.prompt
        else f"answer {len(req.prompt) % 7}"
    )


def _cmd(base_url: str, data_dir: str, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "memobench",
        "run",
        "--agent",
        "no-memory",
        "--model",
        "openai:fake",
        "--base-url",
        base_url,
        "--data-path",
        data_dir,
        "--conversations",
        "conv-30",
        "--concurrency",
        "2",
        "--out",
        str(out),
    ]


def _lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return (
        [json.loads(x) for x in path.read_text().splitlines() if x.strip()] if path.exists() else []
    )


def test_kill_and_resume(tmp_path: Path, data_dir: str) -> None:
    env = {
        **os.environ,
        "MEMOBENCH_CACHE_DIR": str(tmp_path / "cache"),
        "OPENAI_API_KEY": "sk-test",
    }
    out = tmp_path / "run"
    with FakeOpenAIServer(reply=reply, latency_s=0.05) as srv:
        proc = subprocess.Popen(
            _cmd(srv.base_url, data_dir, out),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.time() + 60
        while len(_lines(out / "answers.jsonl")) < 30 and time.time() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        answered_before = len(_lines(out / "answers.jsonl"))
        assert 30 <= answered_before < 105, "the run must have been killed midway"
        requests_before = srv.stats.by_path["/v1/chat/completions"]

        done = subprocess.run(
            _cmd(srv.base_url, data_dir, out), env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        requests_after = srv.stats.by_path["/v1/chat/completions"]

        clean = subprocess.run(
            _cmd(srv.base_url, data_dir, tmp_path / "clean"),
            env={**env, "MEMOBENCH_CACHE_DIR": str(tmp_path / "cache2")},
            capture_output=True,
            text=True,
        )
        assert clean.returncode == 0, clean.stderr

    answers = _lines(out / "answers.jsonl")
    ids = Counter(a["item_id"] for a in answers)
    assert len(ids) == 105 and max(ids.values()) == 1  # every item once: nothing re-asked
    # The resumed process asked only what was missing (plus, at most, the requests that were
    # in flight when the process was killed: their answers never reached the disk).
    resumed_requests = requests_after - requests_before
    assert 105 - answered_before <= resumed_requests <= 105 - answered_before + 2
    a = json.loads((out / "results.json").read_text())["tasks"]["qa"]["metrics"]
    b = json.loads((tmp_path / "clean" / "results.json").read_text())["tasks"]["qa"]["metrics"]
    assert a == b
