"""``answers.jsonl`` damage made for real: torn last lines, non-JSON and wrong-schema lines."""

from __future__ import annotations

import json
import os
from pathlib import Path

from memobench.rundir import AnswerError, AnswerRecord, RunDir, read_answer_log


def _rec(i: int, **kw) -> AnswerRecord:  # type: ignore[no-untyped-def]
    return AnswerRecord(
        task="qa", item_id=f"conv-1:q{i}", conversation_id="conv-1", prediction=f"a{i}", **kw
    )


def test_torn_last_line_is_terminated_before_appending(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    rd.append_answer(_rec(0))
    rd.append_answer(_rec(1))
    rd.close()
    # A crash mid-write: the file ends inside the second record.
    size = rd.answers.stat().st_size
    os.truncate(rd.answers, size - 9)
    assert not rd.answers.read_bytes().endswith(b"\n")
    log = read_answer_log(rd.answers)
    assert set(log.answered) == {("qa", "conv-1:q0")}
    assert len(log.problems) == 1 and f"{rd.answers}:2: torn last line" in log.problems[0]

    rd = RunDir(tmp_path)  # the resumed process redoes the torn item
    rd.append_answer(_rec(1))
    rd.append_answer(_rec(2))
    rd.close()
    lines = rd.answers.read_text().split("\n")
    assert lines[-1] == ""  # every record ends its own line
    assert [json.loads(x)["item_id"] for x in lines[:1] + lines[2:-1]] == [
        "conv-1:q0",
        "conv-1:q1",
        "conv-1:q2",
    ]
    log = rd.answer_log()
    assert set(log.answered) == {("qa", f"conv-1:q{i}") for i in range(3)}
    # The fragment is now an inner line: reported, skipped, never fatal.
    assert len(log.problems) == 1 and ":2: not JSON" in log.problems[0]


def test_malformed_lines_are_reported_with_line_and_skipped(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    good = _rec(0).to_line()
    wrong_schema = json.dumps({"task": "qa", "prediction": "x"}) + "\n"  # no item_id
    rd.answers.write_text(good + "{not json\n" + wrong_schema + "[1, 2]\n" + _rec(1).to_line())
    log = rd.answer_log()
    assert set(log.answered) == {("qa", "conv-1:q0"), ("qa", "conv-1:q1")}
    assert [p.split(": ", 1)[0] for p in log.problems] == [
        f"{rd.answers}:2",
        f"{rd.answers}:3",
        f"{rd.answers}:4",
    ]
    assert "not JSON" in log.problems[0] and "not an answer record" in log.problems[1]
    assert set(rd.done()) == set(log.answered)


def test_errored_items_are_not_done_and_a_later_answer_wins(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    err = AnswerError(type="ConnectionError", message="boom", attempts=1)
    rd.append_answer(_rec(0, error=err).model_copy(update={"prediction": None}))
    rd.append_answer(_rec(1, error=err).model_copy(update={"prediction": None}))
    rd.append_answer(_rec(1))
    rd.close()
    log = rd.answer_log()
    assert set(log.errored) == {("qa", "conv-1:q0")}
    assert set(log.answered) == {("qa", "conv-1:q1")}
    # An answered line keeps the old shape (no "error" key); an errored line carries it.
    first, _, third = rd.answers.read_text().splitlines()
    assert json.loads(first)["error"]["type"] == "ConnectionError"
    assert "error" not in json.loads(third)
