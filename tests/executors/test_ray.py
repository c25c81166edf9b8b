"""The Ray executor on a real local Ray cluster (one per module: starting Ray is slow)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from _helpers import answers, config, samples

from memobench.executors import ExecutorError, make_executor, run_config, start_local_ray
from memobench.runner import Runner
from memobench.testing import FakeOpenAIServer

ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'memobench[ray]')")


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    start_local_ray(2)  # what the executor starts: 2 CPUs, no dashboard, 80 MB object store
    try:
        yield
    finally:
        ray.shutdown()
    assert not ray.is_initialized()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")


def test_ray_matches_local_and_rerun_is_free(
    cluster: None, tmp_path: Path, data_dir: str, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAIServer(latency_s=0.01) as srv:
        Runner(config(srv.base_url, data_dir, tmp_path / "local")).run()
        monkeypatch.setenv(
            "MEMOBENCH_CACHE_DIR", str(tmp_path / "cache2")
        )  # workers must really call
        ex = make_executor("ray", workers=2)
        res = run_config(config(srv.base_url, data_dir, tmp_path / "ray"), ex)
        assert srv.stats.requests == 32
        assert len(set(ex.pids.values())) == 2  # type: ignore[attr-defined]  # two Ray workers
        assert all(pid != os.getpid() for pid in ex.pids.values())  # type: ignore[attr-defined]
        fresh = run_config(config(srv.base_url, data_dir, tmp_path / "ray-b"), ex)
        assert srv.stats.requests == 32  # the rerun is served by the cache the workers filled
    assert answers(tmp_path / "local") == answers(tmp_path / "ray") == answers(tmp_path / "ray-b")
    assert samples(tmp_path / "local") == samples(tmp_path / "ray")
    assert (fresh.usage["total"].calls, fresh.usage["total"].cache_hits) == (0, 16)
    assert res.usage["total"].calls == 16
    assert ray.is_initialized()  # a joined cluster is left running by the executor


def test_killed_ray_worker_then_resume(
    cluster: None, tmp_path: Path, data_dir: str, env: None
) -> None:
    out = tmp_path / "run"
    log = out / "answers.jsonl"
    with FakeOpenAIServer(latency_s=0.3) as srv:
        cfg = config(srv.base_url, data_dir, out, limit=30, concurrency=2)
        ex = make_executor("ray", workers=2)
        failure: list[BaseException] = []

        def go() -> None:
            try:
                run_config(cfg, ex)
            except BaseException as exc:
                failure.append(exc)

        t = threading.Thread(target=go)
        t.start()
        deadline = time.time() + 120
        while (
            not log.exists() or len(log.read_text().splitlines()) < 6
        ) and time.time() < deadline:
            time.sleep(0.05)
        os.kill(ex.pids[0], signal.SIGKILL)  # type: ignore[attr-defined]
        t.join(180)
        assert failure and isinstance(failure[0], ExecutorError), failure
        assert "ray worker 0" in str(failure[0])
        kept = log.read_text().splitlines()
        assert 6 <= len(kept) < 60
        assert not (out / "run.lock").exists()
        results = run_config(cfg, make_executor("ray", workers=2))
    ids = Counter(json.loads(x)["item_id"] for x in log.read_text().splitlines())
    assert len(ids) == 60 and max(ids.values()) == 1
    assert results.tasks["qa"].metrics["f1"].n == 60
