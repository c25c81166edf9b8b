"""Damaged answer files and concurrent writers, produced for real (files cut, processes raced)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from memobench.cli import cli
from memobench.rundir import RunDir, read_answer_log
from memobench.testing import FakeOpenAIServer


def _cli_run(data_dir: str, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli,
        ["run", "--agent", "no-memory", "--model", "mock:reader", "--data-path", data_dir,
         "--conversations", "conv-30", "--limit", "12", "--out", str(out), *extra],
    )  # fmt: skip


@pytest.fixture
def finished_run(tmp_path: Path, data_dir: str, scripted_reader: list[str]) -> Path:
    out = tmp_path / "run"
    result = _cli_run(data_dir, out)
    assert result.exit_code == 0, result.output
    assert len(scripted_reader) == 12
    return out


def _parsed(path: Path) -> tuple[list[dict], list[int]]:  # type: ignore[type-arg]
    good, bad = [], []
    for n, line in enumerate(path.read_text().split("\n"), start=1):
        if not line.strip():
            continue
        try:
            good.append(json.loads(line))
        except json.JSONDecodeError:
            bad.append(n)
    return good, bad


def test_torn_last_line_is_terminated_before_appending(
    finished_run: Path, data_dir: str, scripted_reader: list[str]
) -> None:
    answers = finished_run / "answers.jsonl"
    lines = answers.read_text().splitlines(keepends=True)
    answers.write_text("".join(lines[:5]) + lines[5][: len(lines[5]) // 2])  # crash mid-write
    scripted_reader.clear()
    result = _cli_run(data_dir, finished_run)
    assert result.exit_code == 0, result.output
    good, bad = _parsed(answers)
    assert len(good) == 5 + 7  # the torn item and the six never written were asked again
    assert scripted_reader == []  # ... and every model call came from the cache
    assert bad == [6]  # the fragment stays on a line of its own; nothing was glued onto it
    assert sorted(Counter(r["item_id"] for r in good).values()) == [1] * 12
    log = read_answer_log(answers)
    assert len(log.answered) == 12 and len(log.problems) == 1
    assert "answers.jsonl:6: not JSON" in log.problems[0]


def test_malformed_lines_are_reported_skipped_and_asked_again(
    finished_run: Path, data_dir: str, scripted_reader: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    answers = finished_run / "answers.jsonl"
    lines = answers.read_text().splitlines(keepends=True)
    lines[2] = "this is not json\n"
    lines[4] = json.dumps([1, 2, 3]) + "\n"
    lines[7] = json.dumps({"task": "qa", "prediction": "x"}) + "\n"  # wrong schema
    answers.write_text("".join(lines))
    scripted_reader.clear()
    with caplog.at_level(logging.WARNING, logger="memobench.run"):
        result = _cli_run(data_dir, finished_run)
    assert result.exit_code == 0, result.output
    good, _ = _parsed(answers)
    assert len(good) == 11 + 3  # 9 intact + 2 JSON lines that are no record, then 3 asked again
    messages = "\n".join(r.getMessage() for r in caplog.records)
    for n in (3, 5, 8):
        assert f"answers.jsonl:{n}: not" in messages
    assert len(RunDir(finished_run).done()) == 12
    # Reading commands never trip on the damage.
    assert CliRunner().invoke(cli, ["score", str(finished_run)]).exit_code == 0


def _slow_reply(req) -> str:  # type: ignore[no-untyped-def]
    time.sleep(0.25)
    return "Not mentioned" if "Select the correct answer" in req.prompt else "answer"


def _proc(base_url: str, data_dir: str, out: Path, *extra: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "memobench", "run", "--agent", "no-memory",
           "--model", "openai:fake", "--base-url", base_url, "--data-path", data_dir,
           "--conversations", "conv-30", "--limit", "16", "--concurrency", "2",
           "--out", str(out), *extra]  # fmt: skip
    env = {**os.environ, "OPENAI_API_KEY": "sk-test"}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for_answers(out: Path, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        path = out / "answers.jsonl"
        if path.exists() and len(path.read_text().splitlines()) >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"no {n} answers in {out} within {timeout} s")


def _wait_for_holder(out: Path, pid: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if json.loads((out / "run.lock").read_text()).get("pid") == pid:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"pid {pid} did not take the lock of {out} within {timeout} s")


def test_second_process_refuses_then_waits_without_duplicates(
    tmp_path: Path, data_dir: str
) -> None:
    out = tmp_path / "run"
    release = threading.Event()

    def gated(req) -> str:  # type: ignore[no-untyped-def]
        release.wait(120)  # the first run holds the directory until the test lets it go
        return _slow_reply(req)

    with FakeOpenAIServer(reply=gated) as server:
        first = _proc(server.base_url, data_dir, out)
        _wait_for_holder(out, first.pid)
        refused = _proc(server.base_url, data_dir, out)
        _, err = refused.communicate(timeout=120)
        assert refused.returncode == 2, err
        assert f"is in use by pid {first.pid} on " in err and "--wait" in err
        waiting = _proc(server.base_url, data_dir, out, "--wait")
        time.sleep(1.0)
        assert waiting.poll() is None  # queued behind the first
        release.set()
        assert first.wait(timeout=120) == 0
        assert waiting.wait(timeout=120) == 0, waiting.stderr.read() if waiting.stderr else ""
    ids = [json.loads(x)["item_id"] for x in (out / "answers.jsonl").read_text().splitlines()]
    assert len(ids) == 16 and len(set(ids)) == 16


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path, data_dir: str) -> None:
    out = tmp_path / "run"
    with FakeOpenAIServer(reply=_slow_reply) as server:
        victim = _proc(server.base_url, data_dir, out)
        _wait_for_answers(out, 2)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        holder = json.loads((out / "run.lock").read_text())
        assert holder["pid"] == victim.pid  # the dead holder's record is still there ...
        again = _proc(server.base_url, data_dir, out)
        _, err = again.communicate(timeout=120)
        assert again.returncode == 0, err  # ... but the lock died with it
    ids = [json.loads(x)["item_id"] for x in (out / "answers.jsonl").read_text().splitlines()]
    assert sorted(Counter(ids).values()) == [1] * 16
