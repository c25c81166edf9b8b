"""The viewer page in a real headless browser, on the committed smoke runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _chromium import dump_dom, number, shown_ids

from memobench.viewer import build_view_data, render_view

pytestmark = pytest.mark.chromium
SMOKE = Path(__file__).resolve().parents[2] / "results" / "smoke"


def _samples(name: str) -> dict[str, dict]:
    lines = (SMOKE / name / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    return {(s := json.loads(x))["item_id"]: s for x in lines if '"task": "qa"' in x}


def _right(s: dict) -> bool:
    # independent of the page: category 5 is right when it abstains, others by F1 >= 0.5
    key = "abstain_on_unanswerable" if s["category"] == 5 else "f1"
    return (s["scores"][key] or 0.0) >= 0.5


@pytest.fixture(scope="module")
def pages(tmp_path_factory, locomo_path):
    out = tmp_path_factory.mktemp("view")
    data_dir = str(locomo_path.parents[1])
    for name, runs in {"rag": ["rag"], "pair": ["rag", "oracle"]}.items():
        data = build_view_data([SMOKE / r for r in runs], data_path=data_dir)
        (out / f"{name}.html").write_text(render_view(data), encoding="utf-8")
    return out


def test_missed_question_shows_whether_evidence_was_retrieved(tmp_path, pages, locomo):
    rag = _samples("rag")
    gold = {q.qa_id: q for c in locomo.conversations for q in c.qa}
    miss = next(i for i, s in rag.items() if not _right(s) and s["scores"]["recall"] == 0.0)
    hit = next(i for i, s in rag.items() if not _right(s) and s["scores"]["recall"] == 1.0)
    dom = dump_dom(tmp_path, (pages / "rag.html").as_uri() + f"?open={miss}")
    assert 'data-ready="1"' in dom
    row = dom[dom.index(f'data-id="{miss}"') :]
    row = row[: row.index('<div class="item"', 10) if '<div class="item"' in row[10:] else None]
    assert 'data-hits="0">evidence NOT retrieved' in row and 'class="gold"' not in row
    q = gold[miss]
    assert q.answer in row and "gold evidence in context" in row
    ev_turn = q.evidence[0]
    assert re.search(rf'class="t ev"><code>{re.escape(ev_turn)}</code>', row)
    session = next(c for c in locomo.conversations if c.sample_id == "conv-30").session(
        int(ev_turn[1:].split(":")[0])
    )
    assert session.date_time_raw in row
    # rank order of the retrieved memories is the agent's
    assert re.findall(r'data-rid="([^"]+)"', row) == rag[miss]["retrieved"]

    dom = dump_dom(tmp_path, (pages / "rag.html").as_uri() + f"?open={hit}")
    row = dom[dom.index(f'data-id="{hit}"') :]
    assert re.search(r'data-hits="[1-9]\d*">evidence retrieved \d+/\d+<', row)
    assert re.search(r'<li class="gold" data-rid="', row)


def test_filters_match_the_samples(tmp_path, pages):
    rag = _samples("rag")
    url = (pages / "rag.html").as_uri()
    dom = dump_dom(tmp_path, url + "?task=qa&cat=2")
    assert sorted(shown_ids(dom)) == sorted(i for i, s in rag.items() if s["category"] == 2)
    dom = dump_dom(tmp_path, url + "?task=qa&outcome=wrong&conv=conv-30")
    assert number(dom, "n-shown") == sum(not _right(s) for s in rag.values())
    dom = dump_dom(tmp_path, url + "?outcome=retrieval_miss")
    want = [
        i
        for i, s in rag.items()
        if not _right(s) and s["category"] != 5 and s["scores"]["recall"] == 0
    ]
    assert sorted(shown_ids(dom)) == sorted(want)
    dom = dump_dom(tmp_path, url + "?q=destress")
    assert shown_ids(dom) == [
        i for i, s in rag.items() if "destress" in s["extra"]["question_shown"]
    ]
    dom = dump_dom(tmp_path, url + "?task=dialogue&conv=nope")
    assert number(dom, "n-shown") == 0


def test_paired_counts_match_truth(tmp_path, pages):
    a, b = _samples("rag"), _samples("oracle")
    truth = {"both_wrong": 0, "only_a": 0, "only_b": 0, "both_right": 0}
    for i in a:
        ra, rb = _right(a[i]), _right(b[i])
        truth[
            "both_right" if ra and rb else "only_a" if ra else "only_b" if rb else "both_wrong"
        ] += 1
    assert truth["only_b"] > 0 and truth["both_wrong"] > 0  # the smoke runs disagree somewhere
    url = (pages / "pair.html").as_uri()
    dom = dump_dom(tmp_path, url + "?task=qa")
    assert {k: number(dom, f"pair-{k}") for k in truth} == truth
    dom = dump_dom(tmp_path, url + "?task=qa&pair=only_b")
    assert sorted(shown_ids(dom)) == sorted(i for i in a if _right(b[i]) and not _right(a[i]))


def test_sort_by_score(tmp_path, pages):
    rag = _samples("rag")
    dom = dump_dom(tmp_path, (pages / "rag.html").as_uri() + "?task=qa&cat=2&sort=score-desc")
    f1 = [rag[i]["scores"]["f1"] for i in shown_ids(dom)]
    assert f1 == sorted(f1, reverse=True) and len(set(f1)) > 1
