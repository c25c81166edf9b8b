"""Two real ``memobench run`` processes on one ``--out``: never a duplicate answer line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from memobench.testing import FakeOpenAIServer


def _cmd(base_url: str, data_dir: str, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "memobench", "run", "--agent", "no-memory",
        "--model", "openai:fake", "--base-url", base_url, "--data-path", data_dir,
        "--conversations", "conv-30", "--concurrency", "2", "--out", str(out), *extra,
    ]  # fmt: skip


def _ids(out: Path) -> Counter[str]:
    lines = (out / "answers.jsonl").read_text().splitlines()
    return Counter(json.loads(x)["item_id"] for x in lines)


def test_second_run_refuses_then_wait_resumes_without_duplicates(tmp_path, data_dir) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "MEMOBENCH_CACHE_DIR": str(tmp_path / "c"), "OPENAI_API_KEY": "sk-t"}
    out = tmp_path / "run"
    with FakeOpenAIServer(reply=lambda req: "answer", latency_s=0.2) as srv:
        first = subprocess.Popen(
            _cmd(srv.base_url, data_dir, out), env=env, stderr=subprocess.PIPE, text=True
        )
        # Start the others once the first holds the lock (it writes answers under it).
        while not (out / "answers.jsonl").exists():
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
            time.sleep(0.05)
        refused = subprocess.run(
            _cmd(srv.base_url, data_dir, out), env=env, capture_output=True, text=True
        )
        waited = subprocess.Popen(
            _cmd(srv.base_url, data_dir, out, "--wait"), env=env, stderr=subprocess.PIPE, text=True
        )
        assert first.wait(120) == 0
        assert waited.wait(120) == 0
        asked = srv.stats.by_path["/v1/chat/completions"]
    assert refused.returncode != 0
    assert f"in use by pid {first.pid} on" in refused.stderr and "--wait" in refused.stderr
    ids = _ids(out)
    assert len(ids) == 105 and max(ids.values()) == 1
    assert asked == 105  # the waiting run found everything answered and asked nothing
    assert not (out / "run.lock").exists()
