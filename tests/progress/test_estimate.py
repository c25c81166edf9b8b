"""The pre-run duration estimate: the embedded model's measured pace, and items still to ask."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from memobench.llm import cache_dir, local_speed
from memobench.llm._local_speed import (
    MIN_CALLS,
    REFERENCE_CALLS_PER_S,
    SPEED_FILE,
    SpeedMeter,
    record_speed,
)
from memobench.progress import pending_items, pre_run_estimate, print_pre_run_estimate
from memobench.runner import RunConfig, Runner


class Clock:
    def __init__(self) -> None:
        self.t = 50.0

    def __call__(self) -> float:
        return self.t


def test_overlapping_calls_count_their_span_once(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr("memobench.llm._local_speed.time.monotonic", clock)
    meter = SpeedMeter()
    meter.begin()
    clock.t += 1.0
    meter.begin()  # a second call in flight: the busy span does not double
    clock.t += 1.0
    meter.end()
    clock.t += 1.0
    meter.end()
    clock.t += 10.0  # idle: not busy time
    meter.begin()
    clock.t += 1.0
    meter.end()
    assert meter.calls == 3 and meter.busy_s == pytest.approx(4.0)


def test_a_run_records_its_pace_for_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr("memobench.llm._local_speed.time.monotonic", clock)
    before = local_speed("smollm2-135m")
    assert before is not None and not before.measured
    assert before.calls_per_s == REFERENCE_CALLS_PER_S["smollm2-135m"]

    few = SpeedMeter()
    for _ in range(MIN_CALLS - 1):
        few.begin()
        clock.t += 1.0
        few.end()
    assert record_speed("smollm2-135m", few, 2) is None  # too few calls to mean anything
    assert not (cache_dir() / SPEED_FILE).exists()

    meter = SpeedMeter()
    for _ in range(40):  # two at a time, 2 s each: 1 call/s
        meter.begin()
        meter.begin()
        clock.t += 2.0
        meter.end()
        meter.end()
    record_speed("smollm2-135m", meter, 2)
    after = local_speed("smollm2-135m")
    assert after is not None and after.measured
    assert after.calls_per_s == pytest.approx(1.0) and after.calls == 80 and after.workers == 2
    stored = json.loads((cache_dir() / SPEED_FILE).read_text())
    assert set(stored) == {"smollm2-135m"}
    assert local_speed("no-such-model") is None


def test_the_line_says_how_long_and_where_the_pace_comes_from() -> None:
    assert pre_run_estimate("openai:gpt-4o-mini", 1986) is None  # not an embedded model
    rate = REFERENCE_CALLS_PER_S["smollm2-135m"]
    assert pre_run_estimate("local:smollm2-135m", int(30 * rate)) is None  # under a minute
    line = pre_run_estimate("local:smollm2-135m", 1986)
    assert line is not None
    seconds = round(1986 / rate)
    expected = f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"
    assert f"about {expected} for 1,986 calls to local:smollm2-135m" in line
    assert "reference figure" in line


def test_items_already_answered_are_not_estimated(
    tmp_path: Path, data_dir: str, scripted_reader: object
) -> None:
    out = tmp_path / "run"
    common = {"agent": "no-memory", "data_path": data_dir, "conversations": ("conv-30",)}
    Runner(RunConfig(**common, model="mock:reader", limit=5, out=out, progress=False)).run()
    runner = Runner(RunConfig(**common, model="local:smollm2-135m", out=out, progress=False))
    assert pending_items(runner) == 105 - 5  # conv-30 has 105 questions; 5 are answered
    stream = io.StringIO()
    line = print_pre_run_estimate(runner, stream)
    assert line is not None and stream.getvalue() == line + "\n"
    assert "for 100 calls to local:smollm2-135m" in line
