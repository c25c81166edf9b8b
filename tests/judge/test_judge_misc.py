from __future__ import annotations

import pytest

from memobench.datasets import ErrataMismatchError, apply_errata, errata_report, load_errata
from memobench.judge import length_stats
from memobench.results import SampleRecord, recompute_task_metrics
from memobench.scoring import abstention_scores, add_abstention_scores


def test_abstention_both_directions() -> None:
    rows = [  # (category, prediction)
        (5, "Not mentioned in the conversation"),
        (5, "Paris"),
        (5, None),
        (1, "not mentioned"),
        (2, "May 2023"),
        (4, "blue"),
        (4, "No information available"),
    ]
    samples = [
        SampleRecord(item_id=f"c:q{i}", conversation_id="c", category=c, prediction=p)
        for i, (c, p) in enumerate(rows)
    ]
    m = recompute_task_metrics(add_abstention_scores(samples), "qa").metrics
    assert m["abstain_on_unanswerable"].value == pytest.approx(1 / 3)  # recall on cat 5
    assert m["abstention_precision"].value == pytest.approx(1 / 3)  # 1 of 3 abstentions on cat 5
    assert m["false_abstention"].value == pytest.approx(2 / 4)
    assert m["abstained"].value == pytest.approx(3 / 7)
    assert abstention_scores("Paris", 3) == {
        "abstained": 0.0,
        "abstain_on_unanswerable": None,
        "abstention_precision": None,
        "false_abstention": 0.0,
    }


def test_errata_items_verified_against_data(locomo) -> None:
    errata = load_errata("locomo10-v1")
    assert 5 <= len(errata.item) <= 10
    index = locomo.qa_index()
    for it in errata.item:
        assert it.qa_id in index and "D" in it.reasoning
    fixed = apply_errata(locomo, errata)
    new = fixed.qa_index()
    assert new["conv-49:q80"][1].answer == "January 9, 2024"
    assert new["conv-41:q5"][1].evidence == ("D3:14",)
    assert index["conv-49:q80"][1].answer == "January 9, 2023"  # original untouched
    assert fixed.options["errata"] == "locomo10-v1"
    # the turns the reasoning quotes say what the erratum claims
    turns = locomo.conversation("conv-49").turn_index()
    assert "last Tuesday" in turns["D20:3"].text and "Yesterday" in turns["D24:3"].text
    assert "last Saturday" in locomo.conversation("conv-26").turn_index()["D2:1"].text
    with pytest.raises(ErrataMismatchError):
        apply_errata(fixed, errata)  # already applied: old values no longer match
    rep = errata_report(locomo, errata)
    assert rep["2"]["n_errors"] == 3 and rep["2"]["ceiling"] == pytest.approx(1 - 3 / 321)
    assert rep["4"]["ceiling"] == 1.0 and rep["cat1_4"]["n"] == 1540


def test_length_stats() -> None:
    s = [
        SampleRecord(item_id="a", conversation_id="c", prediction="one two three four"),
        SampleRecord(item_id="b", conversation_id="c", prediction="x y"),
        SampleRecord(item_id="c", conversation_id="c", prediction=None),
    ]
    st = length_stats(s, {"a": "one two", "b": "x", "c": "z"})
    assert st == {"n": 2, "mean_prediction_words": 3.0, "mean_gold_words": 1.5, "ratio": 2.0}


def test_cli_calibrate(tmp_path, locomo) -> None:
    import json

    from click.testing import CliRunner

    from memobench.cli.judge import judge
    from memobench.llm import MockBackend

    MockBackend.script("yes", lambda p: "CORRECT")
    out = tmp_path / "cal.json"
    r = CliRunner().invoke(
        judge,
        [
            "calibrate",
            "--judge",
            "strict",
            "--judge",
            "lenient",
            "--judge-model",
            "mock:yes",
            "--data-path",
            str(locomo.path),
            "--dataset",
            str(locomo.path),
            "--n",
            "5",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    rep = json.loads(out.read_text())
    assert rep["judges"][0]["fpr"] == 1.0 and rep["kappa"] == 1.0
