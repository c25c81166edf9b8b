"""Every prompt each baseline sends, for every task, pinned byte for byte (with its sha256).

The real runner runs each baseline on the protocol item set (``_subset.py``: real LoCoMo turns
and questions, with temporal, category-5 and image-turn items) with an ``openai:`` reader
pointed at the fake OpenAI server on 127.0.0.1, which records every request body. The rendered
requests must equal ``golden/<task>@<version>/<agent>@<version>.txt``. A prompt edit without a
version bump fails here; see ``_golden.REGEN_HELP`` for how to regenerate.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from memobench.runner import RunConfig, Runner
from memobench.testing import FakeOpenAIServer, FakeRequest

from . import _golden
from ._subset import write_subset

AGENTS = ("no-memory", "oracle", "long-context", "rag", "summary")
TASKS = ("qa", "event_summary", "dialogue")
#: Items per task: all eight questions, one speaker's event summary, the first three image turns.
LIMITS = {"qa": None, "event_summary": 1, "dialogue": 3}
#: A long-context budget that bites on the 3-session subset (it keeps session 3 and the end
#: of session 2), so the "keep the most recent turns" truncation is in the golden prompts.
LONG_CONTEXT_TOKENS = 1500
ABSTAIN = "Not mentioned in the conversation"


def _reply(req: FakeRequest) -> str:
    """A fixed reply per kind of prompt, so chained prompts (summaries) are deterministic."""
    p = req.prompt
    if "Select the correct answer" in p:
        return "(a)"
    if "Short answer:" in p:
        return "7 May 2023"
    if "SUMMARY:" in p:
        return "Caroline and Melanie talked about painting and a support group."
    if "OBSERVATIONS:" in p:
        return "Caroline: went to a support group [D1:3]"
    if 'said, "' in p.rsplit("\n", 1)[-1]:
        return 'That sounds wonderful!" she said.'
    return "Caroline went to an LGBTQ support group."


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    log: list[dict[str, Any]] = []
    lock = threading.Lock()

    def reply(req: FakeRequest) -> str:
        with lock:
            log.append({"path": req.path, "body": req.body})
        return _reply(req)

    with FakeOpenAIServer(reply, models=("reader",)) as srv:
        yield srv, log


@pytest.fixture(scope="module")
def subset(locomo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_subset(locomo_path, tmp_path_factory.mktemp("protocol") / "locomo-subset.json")


def _run(server, subset: Path, out: Path, agent: str, task: str):  # type: ignore[no-untyped-def]
    srv, log = server
    log.clear()
    agent_config = {"max_context_tokens": LONG_CONTEXT_TOKENS} if agent == "long-context" else {}
    cfg = RunConfig(
        agent=agent,
        agent_config=agent_config,
        dataset=str(subset),
        model="openai:reader",
        base_url=srv.base_url,
        tasks=(task,),
        limit=LIMITS[task],
        concurrency=1,
        out=out,
    )
    res = Runner(cfg).run()
    return res, list(log)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("agent", AGENTS)
def test_prompts_match_golden(server, subset: Path, tmp_path: Path, agent: str, task: str) -> None:  # type: ignore[no-untyped-def]
    res, requests = _run(server, subset, tmp_path / "run", agent, task)
    assert requests, f"{agent} sent no request for {task}"
    key = _golden.Key(
        task=task,
        task_version=res.tasks[task].task_version,
        agent=agent,
        agent_version=res.spec.agent.version,
    )
    _golden.check(key, _golden.render_requests(requests))
    if (agent, task) == ("rag", "dialogue"):
        _assert_dialogue_memory_is_from_earlier_sessions(requests)


#: Session dates of the subset, in order.
DATES = ("1:56 pm on 8 May, 2023", "1:14 pm on 25 May, 2023", "7:55 pm on 9 June, 2023")


def _assert_dialogue_memory_is_from_earlier_sessions(requests: list[dict[str, Any]]) -> None:
    """RAG's dialogue memory never holds a turn of the current or a later session."""
    with_memory = 0
    for req in requests:
        prompt = req["body"]["messages"][0]["content"]
        memory, rest = prompt.split("CONVERSATION (", 1)
        current = DATES.index(rest.split(") between ", 1)[0])
        lines = [x for x in memory.splitlines() if x.strip()]
        with_memory += bool(lines)
        for line in lines:
            assert DATES.index(line.split(": ", 1)[0]) < current, line
    assert with_memory >= 1  # the session-2 image turn retrieved from session 1


def test_no_stale_or_unknown_golden_files() -> None:
    """Every file under golden/ belongs to a current task version and agent version."""
    from memobench.registry import load_object
    from memobench.tasks import load_task_spec

    versions = {t: load_task_spec(t).version for t in TASKS}
    agents = {}
    for name in AGENTS:
        cls = load_object(f"memobench.baselines:{name.replace('-', '_')}")
        agents[name] = str(getattr(cls, "version", "0"))
    keys = [
        _golden.Key(task=t, task_version=versions[t], agent=a, agent_version=agents[a])
        for t in TASKS
        for a in AGENTS
    ]
    present = {p for p in _golden.GOLDEN.rglob("*") if p.is_file()}
    stale = sorted(
        str(p.relative_to(_golden.GOLDEN)) for p in present - _golden.expected_files(keys)
    )
    assert not stale, f"golden files of no current version: {stale}. {_golden.REGEN_HELP}"


def test_long_context_budget_bites_and_keeps_the_newest_turns(  # type: ignore[no-untyped-def]
    server, subset: Path, tmp_path: Path
) -> None:
    _, requests = _run(server, subset, tmp_path / "lc", "long-context", "qa")
    prompt = requests[0]["body"]["messages"][0]["content"]
    # Session 3 is whole, session 2 is cut at its start, session 1 is gone.
    assert prompt.count("DATE: ") == 2
    assert "DATE: 1:14 pm on 25 May, 2023" in prompt and "8 May, 2023" not in prompt
    s2 = prompt.split("DATE: 1:14 pm on 25 May, 2023\nCONVERSATION:\n", 1)[1].split("\nDATE: ")[0]
    n_s2 = s2.count(' said, "')
    assert 0 < n_s2 < 17  # session 2 has 17 turns: its oldest are dropped, its newest kept
    # The last line before the question is the conversation's last turn (newest kept).
    assert prompt.index("DATE: 1:14 pm") < prompt.index("DATE: 7:55 pm on 9 June, 2023")


def test_qa_protocol_in_the_real_run(server, subset: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The reader answers "(a)" to every two-option question: each category-5 item scores 1
    exactly when the abstention was option (a) in the recorded order (both orders occur)."""
    _, requests = _run(server, subset, tmp_path / "nm", "no-memory", "qa")
    answers = [json.loads(x) for x in (tmp_path / "nm" / "answers.jsonl").read_text().splitlines()]
    samples = {
        json.loads(x)["item_id"]: json.loads(x)
        for x in (tmp_path / "nm" / "samples.jsonl").read_text().splitlines()
    }
    cat5 = [a for a in answers if "options" in a["extra"]]
    assert len(cat5) == 3
    firsts = []
    for a in cat5:
        a_opt, b_opt = a["extra"]["options"]
        firsts.append(a_opt == ABSTAIN)
        assert a["prediction"] == a_opt  # "(a)" was mapped to option a
        assert samples[a["item_id"]]["scores"]["f1"] == (1.0 if a_opt == ABSTAIN else 0.0)
        assert ABSTAIN in (a_opt, b_opt) and (b_opt if a_opt == ABSTAIN else a_opt)
    assert any(firsts) and not all(firsts)
    shown = [a["extra"].get("question_shown", "") for a in answers]
    hints = [
        s
        for s in shown
        if s.endswith("Use DATE of CONVERSATION to answer with an approximate date.")
    ]
    assert len(hints) == 2  # exactly the two temporal questions
    assert len(requests) == 8
