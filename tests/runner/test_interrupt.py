"""Ctrl-C (SIGINT) on a real ``memobench run``: finished answers are kept, the lock is freed,
and a rerun asks only what is missing."""

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


def _cmd(base_url: str, data_dir: str, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "memobench", "run", "--agent", "no-memory",
        "--model", "openai:fake", "--base-url", base_url, "--data-path", data_dir,
        "--conversations", "conv-30", "--concurrency", "2", "--out", str(out),
    ]  # fmt: skip


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_ctrl_c_keeps_finished_work(tmp_path: Path, data_dir: str) -> None:
    env = {**os.environ, "MEMOBENCH_CACHE_DIR": str(tmp_path / "c"), "OPENAI_API_KEY": "sk-t"}
    out = tmp_path / "run"
    with FakeOpenAIServer(reply=lambda req: "answer", latency_s=0.1) as srv:
        proc = subprocess.Popen(
            _cmd(srv.base_url, data_dir, out),
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            # As a terminal's Ctrl-C finds it: a suite started as a background job of a
            # non-interactive shell inherits SIGINT ignored, and Python keeps it ignored.
            preexec_fn=_default_sigint,
        )
        deadline = time.time() + 60
        while len(_lines(out / "answers.jsonl")) < 20 and time.time() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) != 0
        kept = _lines(out / "answers.jsonl")
        assert 20 <= len(kept) < 105
        assert all(json.loads(x)["prediction"] == "answer" for x in kept)  # whole lines only
        assert not (out / "run.lock").exists()  # released on the way out
        done = subprocess.run(
            _cmd(srv.base_url, data_dir, out), env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    ids = Counter(json.loads(x)["item_id"] for x in _lines(out / "answers.jsonl"))
    assert len(ids) == 105 and max(ids.values()) == 1
