from __future__ import annotations

import json
from pathlib import Path
from statistics import fmean

import pytest
from _fabricate import SHA, item_ids, make_run, make_standard_runs, qa_score

from memobench.leaderboard import (
    FLAG_DIFFERENT_PROMPT,
    FLAG_DIFFERENT_READER,
    IncompatibleRunsError,
    Leaderboard,
    build_leaderboard,
    verify_leaderboard,
)


def _write(board: Leaderboard, path: Path) -> Path:
    path.write_text(board.model_dump_json(indent=2), encoding="utf-8")
    return path


def _entry(board: Leaderboard, agent: str):
    return next(e for e in board.entries if e.agent.name == agent)


def _hand_mean(agent: str) -> float:
    return fmean(qa_score(agent, n, cat) for n, (_, _, cat) in enumerate(item_ids()))


def test_build_then_verify_passes(tmp_path, runs):
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=500)
    assert [e.agent.name for e in board.entries] == ["oracle", "rag", "no-memory"]
    assert [e.rank for e in board.entries] == [1, 2, 3]
    assert board.dataset.sha256 == SHA and board.tasks["qa"].main_metric == "f1"
    assert board.entries[0].run_path == "runs/run-oracle"
    assert len(board.comparisons) == 3
    # 4 conversations: a conversation-level sign flip has 16 patterns, so p can never be below
    # 2/16; every pair here differs the same way in all 4, so each p sits exactly on that floor.
    assert all(c.result.min_p_value == 0.125 for c in board.comparisons)
    assert all(c.result.p_value >= 0.125 for c in board.comparisons)
    assert verify_leaderboard(_write(board, tmp_path / "lb.json")) == []


def test_derived_columns_hand_computed(tmp_path, runs):
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=200)
    nomem, rag, oracle = (_hand_mean(a) for a in ("no-memory", "rag", "oracle"))
    qa = _entry(board, "rag").tasks["qa"]
    assert qa.metrics["f1"].value == pytest.approx(rag)
    assert qa.memory_gain == pytest.approx(rag - nomem)
    assert qa.gap_to_oracle == pytest.approx(oracle - rag)
    assert _entry(board, "no-memory").tasks["qa"].memory_gain == 0.0
    assert _entry(board, "oracle").tasks["qa"].gap_to_oracle == 0.0
    # 24 questions, $0.02 per run
    assert _entry(board, "rag").n_questions == 24
    assert _entry(board, "rag").cost_per_100_questions == pytest.approx(0.02 * 100 / 24)
    cat1_4 = [qa_score("rag", n, cat) for n, (_, _, cat) in enumerate(item_ids()) if cat != 5]
    assert qa.metrics["f1_cat1_4"].value == pytest.approx(fmean(cat1_4))
    assert qa.metrics["f1"].n_clusters == 4
    assert _entry(board, "no-memory").tasks["qa"].metrics["f1"].n_missing == 1


def test_unknown_cost_is_none(tmp_path):
    runs = make_standard_runs(tmp_path, rag={"cost": None})
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=100)
    assert _entry(board, "rag").cost_usd is None
    assert _entry(board, "rag").cost_per_100_questions is None


def test_no_reference_rows_gives_none(tmp_path):
    board = build_leaderboard([make_run(tmp_path, "rag")], base_dir=tmp_path)
    assert board.entries[0].tasks["qa"].memory_gain is None
    assert board.entries[0].tasks["qa"].gap_to_oracle is None
    assert board.comparisons == []


def test_tampered_sample_fails_verify_naming_it(tmp_path, runs):
    path = _write(build_leaderboard(runs, base_dir=tmp_path, n_resamples=200), tmp_path / "lb.json")
    samples = tmp_path / "runs" / "run-rag" / "samples.jsonl"
    lines = samples.read_text().splitlines()
    first = json.loads(lines[0])
    first["scores"]["f1"] = 0.987654
    lines[0] = json.dumps(first)
    samples.write_text("\n".join(lines) + "\n")
    problems = verify_leaderboard(path)
    assert problems
    text = "\n".join(problems)
    assert "runs/run-rag/results.json: qa.metrics.f1.value" in text
    assert "entry rag.qa.metrics.f1.value" in text


def test_tampered_leaderboard_number_fails_verify(tmp_path, runs):
    path = _write(build_leaderboard(runs, base_dir=tmp_path, n_resamples=200), tmp_path / "lb.json")
    data = json.loads(path.read_text())
    data["entries"][1]["tasks"]["qa"]["memory_gain"] = 0.9
    path.write_text(json.dumps(data))
    problems = verify_leaderboard(path)
    assert any("entries[1].tasks.qa.memory_gain" in p for p in problems)


def test_missing_run_dir_is_reported(tmp_path, runs):
    path = _write(build_leaderboard(runs, base_dir=tmp_path, n_resamples=100), tmp_path / "lb.json")
    (tmp_path / "runs" / "run-oracle" / "results.json").unlink()
    assert any("cannot read run" in p for p in verify_leaderboard(path))


def test_mismatched_sha_refuses_naming_run(tmp_path):
    runs = make_standard_runs(tmp_path, rag={"sha": "b" * 64})
    with pytest.raises(IncompatibleRunsError) as err:
        build_leaderboard(runs, base_dir=tmp_path)
    msg = str(err.value)
    assert "dataset.sha256" in msg and "run-rag" in msg and "b" * 64 in msg


def test_mismatched_versions_refuse(tmp_path):
    runs = make_standard_runs(tmp_path, oracle={"scoring_version": "2"}, rag={"task_version": "9"})
    with pytest.raises(IncompatibleRunsError) as err:
        build_leaderboard(runs, base_dir=tmp_path)
    msg = str(err.value)
    assert "tasks.qa.scoring_version" in msg and "run-oracle" in msg
    assert "tasks.qa.task_version" in msg and "run-rag" in msg


def test_different_reader_and_prompt_flagged(tmp_path):
    runs = make_standard_runs(
        tmp_path, rag={"reader": "openai/gpt-4.1"}, oracle={"prompt_hash": "q" * 64}
    )
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=100)
    assert _entry(board, "rag").flags == [FLAG_DIFFERENT_READER]
    assert _entry(board, "oracle").flags == [FLAG_DIFFERENT_PROMPT]
    assert _entry(board, "no-memory").flags == []
    assert board.majority_reader == "openai/gpt-4o-mini"


def test_prompts_are_compared_for_the_tasks_a_run_scored(tmp_path):
    """A QA-only run asked the same QA prompts as three-task baselines: not flagged. A QA
    prompt of its own is flagged; so is a three-task run's own dialogue prompt."""
    runs = make_standard_runs(tmp_path)
    qa = {"qa/qa": "a" * 64, "qa/qa_cat5": "b" * 64}
    three_tasks = {**qa, "dialogue/next_turn": "c" * 64, "event_summary/summarize": "d" * 64}
    _edit(runs[0], prompt_hashes=three_tasks)
    _edit(runs[1], prompt_hashes=three_tasks)
    _edit(runs[2], prompt_hashes=qa)  # the QA-only system (these runs scored QA only)
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=50)
    assert all(e.flags == [] for e in board.entries)
    _edit(runs[2], prompt_hashes={**qa, "qa/qa": "e" * 64})
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=50)
    assert _entry(board, "oracle").flags == [FLAG_DIFFERENT_PROMPT]
    _edit(runs[2], prompt_hashes={"qa/qa": "a" * 64})  # one of its task's prompts is missing
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=50)
    assert _entry(board, "oracle").flags == [FLAG_DIFFERENT_PROMPT]


def test_rebuild_is_order_independent(tmp_path, runs):
    a = build_leaderboard(runs, base_dir=tmp_path, n_resamples=200, created_at="t")
    b = build_leaderboard(runs[::-1], base_dir=tmp_path, n_resamples=200, created_at="t")
    assert a == b


# -- comparability: every refusal path names the difference ---------------------------------

BASE_OPTIONS = {
    "conversations": None,
    "limit": None,
    "protocol": "locomo",
    "dedupe": False,
    "errata": None,
    "task_options": {},
}


def _edit(
    run_dir: Path, *, options=None, judges=None, dataset=None, seed=None, drop=0, prompt_hashes=None
):  # type: ignore[no-untyped-def]
    """Rewrite a fabricated run: run options, QA judges, dataset name, seed, or drop items."""
    from memobench.results import RunResults

    path = run_dir / "results.json"
    res = RunResults.model_validate_json(path.read_text(encoding="utf-8"))
    spec = res.spec.model_copy(
        update={
            "options": {**BASE_OPTIONS, **(options or {})},
            **({"seed": seed} if seed is not None else {}),
            **({"prompt_hashes": prompt_hashes} if prompt_hashes is not None else {}),
            **(
                {"dataset": res.spec.dataset.model_copy(update={"name": dataset})}
                if dataset
                else {}
            ),
        }
    )
    tasks = dict(res.tasks)
    if judges is not None:
        tasks["qa"] = tasks["qa"].model_copy(update={"extra": {"judges": judges}})
    res = res.model_copy(update={"spec": spec, "tasks": tasks})
    path.write_text(res.model_dump_json(indent=2), encoding="utf-8")
    if drop:
        lines = (run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines()
        (run_dir / "samples.jsonl").write_text("\n".join(lines[:-drop]) + "\n", encoding="utf-8")


def _refusal(tmp_path: Path, **rag_edit) -> str:  # type: ignore[no-untyped-def]
    runs = make_standard_runs(tmp_path)
    for run in runs:
        _edit(run)
    _edit(runs[1], **rag_edit)  # runs[1] is run-rag
    with pytest.raises(IncompatibleRunsError) as err:
        build_leaderboard(runs, base_dir=tmp_path)
    return str(err.value)


def test_same_options_build(tmp_path):
    runs = make_standard_runs(tmp_path)
    for run in runs:
        _edit(run, options={"limit": 6, "conversations": ["conv-26"]})
    assert len(build_leaderboard(runs, base_dir=tmp_path, n_resamples=50).entries) == 3


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [
        ("limit", 5, "5 in run-rag"),
        ("conversations", ["conv-26"], '["conv-26"] in run-rag'),
        ("protocol", "blind", '"blind" in run-rag'),
        ("dedupe", True, "true in run-rag"),
        ("errata", "locomo-errata-1", '"locomo-errata-1" in run-rag'),
    ],
)
def test_different_run_option_refuses_naming_it(tmp_path, option, value, shown):
    msg = _refusal(tmp_path, options={option: value})
    assert f"options.{option} differs" in msg and shown in msg
    # the other runs are named with their own value
    assert "run-oracle" in msg and "run-no-memory" in msg
    assert msg.count("differs") == 1  # only the option that differs


def test_task_options_are_compared_for_the_tasks_the_runs_scored(tmp_path):
    msg = _refusal(tmp_path, options={"task_options": {"qa": {"max_items": 4}}})
    assert "tasks.qa.options differs: {} in run-no-memory" in msg
    assert '{"max_items": 4} in run-rag' in msg and msg.count("differs") == 1
    # Options of a task none of these (QA-only) runs ran do not make them incomparable: a
    # three-task baseline and a QA-only memory system share the QA table.
    runs = make_standard_runs(tmp_path / "other")
    for run in runs:
        _edit(run)
    _edit(runs[1], options={"task_options": {"dialogue": {"max_items": 16}}})
    assert len(build_leaderboard(runs, base_dir=tmp_path / "other", n_resamples=50).entries) == 3


def test_different_seed_refuses(tmp_path):
    msg = _refusal(tmp_path, seed=3)
    assert "seed differs: 0 in run-no-memory" in msg and "3 in run-rag" in msg


def test_different_dataset_name_refuses_and_per_dataset_boards_build(tmp_path):
    from memobench.leaderboard import build_leaderboards

    msg = _refusal(tmp_path, dataset="beam-100k")
    assert "dataset.name differs" in msg and "beam-100k in run-rag" in msg
    assert "one board per dataset" in msg
    runs = sorted((tmp_path / "runs").iterdir())
    boards = build_leaderboards(runs, base_dir=tmp_path, n_resamples=50)
    assert sorted(boards) == ["beam-100k", "locomo-mini"]
    assert [e.agent.name for e in boards["beam-100k"].entries] == ["rag"]
    assert [e.agent.name for e in boards["locomo-mini"].entries] == ["oracle", "no-memory"]
    assert boards["beam-100k"].dataset.name == "beam-100k"


def test_different_judge_refuses(tmp_path):
    judge = {"mode": "strict", "model": "openai:gpt-4o-mini", "prompt_sha256": "j" * 64, "k": 1}
    runs = make_standard_runs(tmp_path)
    for run in runs:
        _edit(run, judges={"judge_strict": judge})
    _edit(runs[1], judges={"judge_strict": {**judge, "model": "openai:gpt-4.1"}})
    with pytest.raises(IncompatibleRunsError) as err:
        build_leaderboard(runs, base_dir=tmp_path)
    msg = str(err.value)
    assert "tasks.qa.judges.judge_strict differs" in msg and "gpt-4.1" in msg and "run-rag" in msg
    _edit(runs[1], judges={"judge_strict": {**judge, "prompt_sha256": "k" * 64}})
    with pytest.raises(IncompatibleRunsError, match=r"judges\.judge_strict differs"):
        build_leaderboard(runs, base_dir=tmp_path)


def test_different_item_set_refuses_naming_missing_items(tmp_path):
    msg = _refusal(tmp_path, drop=2)
    assert "tasks.qa item set differs" in msg
    assert "22 items in run-rag" in msg and "24 items in run-oracle" in msg
    assert "conv-42:q4" in msg and "conv-42:q5" in msg


def test_main_metric_and_duplicate_run_id_refuse(tmp_path):
    runs = make_standard_runs(tmp_path)
    from memobench.results import RunResults

    path = runs[1] / "results.json"
    res = RunResults.model_validate_json(path.read_text(encoding="utf-8"))
    qa = res.tasks["qa"].model_copy(update={"main_metric": "recall"})
    path.write_text(res.model_copy(update={"tasks": {"qa": qa}}).model_dump_json(), "utf-8")
    with pytest.raises(IncompatibleRunsError, match=r"tasks\.qa\.main_metric differs"):
        build_leaderboard(runs, base_dir=tmp_path)
    dup = make_run(tmp_path / "other", "rag")
    with pytest.raises(IncompatibleRunsError, match="run_id run-rag appears twice"):
        build_leaderboard([runs[0], runs[2], runs[1], dup], base_dir=tmp_path)


def test_committed_leaderboard_verifies():
    """The published board matches its runs (CI also runs `memobench leaderboard verify`)."""
    repo = Path(__file__).resolve().parents[2]
    assert verify_leaderboard(repo / "results" / "leaderboard.json") == []
