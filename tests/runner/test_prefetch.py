"""Items prepared ahead: a quarter more items than ``--concurrency`` are in progress, while the
endpoint still sees at most ``--concurrency`` calls at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from memobench.runner import RunConfig, Runner, prefetched
from memobench.testing import FakeOpenAIServer

AGENT = """
import asyncio, os

LOG = os.environ["AGENT_CALL_LOG"]

def _log(mark):
    with open(LOG, "a") as fh:
        fh.write(mark + "\\n")

class Counting:
    def __init__(self, *, context): pass
    async def ingest(self, session, *, now): pass
    async def answer(self, question, *, now):
        _log("+")
        await asyncio.sleep(0.02)
        _log("-")
        return "an answer"
"""


def _peak(log: Path) -> int:
    running = peak = 0
    for mark in log.read_text().split():
        running += 1 if mark == "+" else -1
        peak = max(peak, running)
    return peak


def test_prefetched_is_a_quarter_from_four_on() -> None:
    assert [prefetched(c) for c in (1, 2, 3, 4, 8, 32, 128)] == [0, 0, 0, 1, 2, 8, 32]


@pytest.mark.parametrize(("concurrency", "peak"), [(1, 1), (3, 3), (8, 10)])
def test_items_in_progress_are_concurrency_plus_prefetch(
    tmp_path: Path, data_dir: str, monkeypatch: pytest.MonkeyPatch, concurrency: int, peak: int
) -> None:
    agent = tmp_path / "counting.py"
    agent.write_text(AGENT)
    log = tmp_path / "calls.log"
    monkeypatch.setenv("AGENT_CALL_LOG", str(log))
    Runner(
        RunConfig(
            agent=f"{agent}:Counting",
            model="mock:reader",
            data_path=data_dir,
            conversations=("conv-30",),
            limit=40,
            concurrency=concurrency,
            out=tmp_path / "run",
        )
    ).run()
    assert log.read_text().count("+") == 40
    assert _peak(log) == peak


def test_the_endpoint_still_sees_at_most_concurrency_calls(
    tmp_path: Path, data_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with FakeOpenAIServer(reply="7 May 2023", latency_s=0.05) as srv:
        res = Runner(
            RunConfig(
                agent="no-memory",
                model="openai:fake",
                base_url=srv.base_url,
                data_path=data_dir,
                conversations=("conv-30",),
                limit=60,
                concurrency=8,
                out=tmp_path / "run",
            )
        ).run()
        assert srv.stats.max_in_flight == 8  # 10 items in progress, 8 calls at once
    assert res.tasks["qa"].metrics["f1"].n == 60
