"""Progress lines: steady interval, rate and ETA, and a real redirected CLI run that shows them."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from memobench.errors import ConfigError
from memobench.progress import LogReporter, eta_s, format_duration, make_reporter
from memobench.progress._reporter import interval_from_env


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_lines_come_at_the_interval_with_rate_eta_errors_and_cost() -> None:
    clock, out = Clock(), io.StringIO()
    rep = LogReporter(out, interval_s=15.0, clock=clock, cost=lambda: 0.125)
    rep.start("answer", 100)
    for i in range(60):  # one item a second for 60 s
        clock.t += 1.0
        rep.advance("answer", error=(i == 3))
    lines = out.getvalue().splitlines()
    assert len(lines) == 4  # at 15, 30, 45, 60 s; not one per item
    assert lines[0] == ("answer 15/100 (15%) 1.00/s ETA 1m25s elapsed 15s errors 1 cost $0.1250")
    assert lines[-1].startswith("answer 60/100 (60%) 1.00/s ETA 40s elapsed 1m00s errors 1")


def test_the_end_of_a_phase_is_always_reported() -> None:
    clock, out = Clock(), io.StringIO()
    rep = LogReporter(out, interval_s=3600, clock=clock)
    rep.start("ingest", 3)
    for _ in range(3):
        clock.t += 2.0
        rep.advance("ingest")
    assert out.getvalue().splitlines() == ["ingest 3/3 (100%) 0.50/s ETA 0s elapsed 6s errors 0"]


def test_resumed_items_count_as_done_but_not_in_the_rate() -> None:
    assert eta_s(0, 10, 5.0) is None and format_duration(None) == "?"
    assert eta_s(10, 10, 5.0) == 0.0
    assert format_duration(3725) == "1h02m" and format_duration(245) == "4m05s"


def test_interval_env_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMOBENCH_PROGRESS_INTERVAL", "2.5")
    assert interval_from_env() == 2.5
    monkeypatch.setenv("MEMOBENCH_PROGRESS_INTERVAL", "soon")
    with pytest.raises(ConfigError, match="MEMOBENCH_PROGRESS_INTERVAL"):
        interval_from_env()


def test_no_terminal_means_lines_on_the_given_stream() -> None:
    out = io.StringIO()
    rep = make_reporter(None, stream=out, interval_s=0.0)
    assert isinstance(rep, LogReporter)


SLOW_AGENT = '''
import time
from memobench.agents import Answer

class Slow:
    """Abstains after a pause, so a run lasts long enough for several progress lines."""
    version = "1"

    def __init__(self, *, context):
        pass

    def ingest(self, session, *, now):
        pass

    async def answer(self, question, *, now):
        time.sleep(0.03)
        return Answer(text="Not mentioned in the conversation")
'''


def test_a_run_redirected_to_a_file_shows_steady_progress_lines(
    tmp_path: Path, locomo_path: Path
) -> None:
    agent = tmp_path / "slow_agent.py"
    agent.write_text(SLOW_AGENT)
    log_path = tmp_path / "run.log"
    env = {**os.environ, "MEMOBENCH_PROGRESS_INTERVAL": "0.5"}
    cmd = [sys.executable, "-m", "memobench", "run", "--agent", f"{agent}:Slow"]
    cmd += ["--model", "mock:unused", "--data-path", str(locomo_path.parents[1])]
    cmd += ["--conversations", "conv-30", "--out", str(tmp_path / "run")]
    with open(log_path, "w") as log_file:  # a file, not a terminal
        proc = subprocess.run(cmd, stdout=log_file, stderr=subprocess.STDOUT, env=env)
    text = log_path.read_text()
    assert proc.returncode == 0, text
    lines = [ln for ln in text.splitlines() if ln.startswith("answer ")]
    pattern = re.compile(r"answer (\d+)/(\d+) \(\d+%\) [\d.]+/s ETA (\S+) elapsed \S+ errors 0")
    parsed = [pattern.match(ln) for ln in lines]
    assert all(parsed), lines
    done = [int(m.group(1)) for m in parsed if m]
    total = int(parsed[0].group(2)) if parsed[0] else 0
    # ~100 questions at 0.03 s: about 3 s, so several lines 0.5 s apart, not one per item.
    assert 3 <= len(lines) < total / 4, lines
    assert done == sorted(done) and done[-1] == total
    assert any(m.group(3) not in ("0s", "?") for m in parsed if m)  # a real ETA before the end
    assert any(ln.startswith("ingest ") and "ETA" in ln for ln in text.splitlines())
    # The score phase reports too, counting the answers it scored.
    assert f"score {total}/{total} (100%)" in text
