"""The plugin contract checks: every built-in passes, broken plugins fail with clear messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from memobench.datasets import DatasetFormatError, LoadReport
from memobench.registry import agents, formats, tasks
from memobench.testing import (
    ContractError,
    check_agent,
    check_dataset_format,
    check_task,
    sample_conversation,
)

#: The memory-system adapters need a model that answers their JSON schemas and tool calls (the
#: fake server's schema replies), which the contract's mock backend does not: each is checked
#: end to end against the fake server in tests/adapters.
SERVICE_AGENTS = {"mem0", "graphiti", "a-mem", "langmem"}


def test_sample_conversation_has_what_every_task_needs() -> None:
    conv = sample_conversation()
    assert len(conv.sessions) == 3 and conv.qa
    assert any(a.events for a in conv.annotations)


@pytest.mark.parametrize("name", [n for n in agents.names() if n not in SERVICE_AGENTS])
def test_every_builtin_agent_passes(name: str) -> None:
    check_agent(name)


@pytest.mark.parametrize("name", tasks.names())
def test_every_builtin_task_passes(name: str) -> None:
    check_task(name)


def _format_samples() -> dict[str, Path]:
    base = Path(os.environ["MEMOBENCH_DATA_DIR"])
    fixtures = Path(__file__).resolve().parents[1] / "datasets" / "fixtures"
    return {
        "locomo": base / "locomo" / "locomo10.json",
        "beam": base / "beam" / "100K",
        "longmemeval": fixtures / "longmemeval_tiny.json",
    }


#: Built-ins the contract found broken, with the rule they break (owned elsewhere; reported to
#: the lead). The test fails when one is fixed, so the entry must then be removed.
KNOWN_BROKEN = {
    "beam": "malformed input must raise DataError, raised FileNotFoundError",
}


@pytest.mark.parametrize("name", formats.names())
def test_every_builtin_format_passes(name: str) -> None:
    sample = _format_samples().get(name)
    sample = sample if sample and sample.exists() else None
    if name not in KNOWN_BROKEN:
        check_dataset_format(name, sample=sample)
        return
    with pytest.raises(ContractError) as err:
        check_dataset_format(name, sample=sample)
    assert err.value.problems == [f"read() of {KNOWN_BROKEN[name]}(2, 'No such file or directory')"]


def test_the_builtin_lists_are_what_entry_points_register() -> None:
    assert {"no-memory", "oracle", "long-context", "rag", "summary"} <= set(agents.names())
    assert {"qa", "event_summary", "dialogue"} <= set(tasks.names())
    assert {"locomo", "longmemeval", "beam"} <= set(formats.names())


class ForgetfulAgent:
    """Broken on purpose: ``answer`` has no ``now``, ``next_turn`` returns a number."""

    def __init__(self, context=None):  # type: ignore[no-untyped-def]
        pass

    def ingest(self, session, *, now):  # type: ignore[no-untyped-def]
        pass

    def answer(self, question):  # type: ignore[no-untyped-def]
        return "x"


class BadReplyAgent(ForgetfulAgent):
    def answer(self, question, *, now):  # type: ignore[no-untyped-def]
        return 42

    def next_turn(self, context, *, now):  # type: ignore[no-untyped-def]
        raise RuntimeError("no dialogue today")


def test_a_broken_agent_fails_with_every_problem_named() -> None:
    with pytest.raises(ContractError) as err:
        check_agent(ForgetfulAgent)
    assert str(err.value) == (
        "agent 'ForgetfulAgent' breaks the memobench contract:\n"
        "  - answer() does not take keyword(s) ['now']"
    )
    with pytest.raises(ContractError) as err:
        check_agent(BadReplyAgent)
    msg = str(err.value)
    assert "BadReplyAgent.answer() returned int; accepted: str, Answer" in msg
    assert "next_turn() raised RuntimeError('no dialogue today')" in msg
    assert len(err.value.problems) == 2


def test_an_agent_that_cannot_be_built_fails_clearly() -> None:
    with pytest.raises(ContractError, match="building it failed: TypeError"):
        check_agent(ForgetfulAgent, options={"unknown_option": 1})


class NamelessTask:
    name = "wrong"
    version = ""
    scoring_version = "1"
    main_metric = "acc"

    def prompt_hashes(self):  # type: ignore[no-untyped-def]
        return {"p": "not-a-hash"}

    def items(self, conv, *, limit, options):  # type: ignore[no-untyped-def]
        return []

    def ask(self, agent, conv, item, *, options):  # type: ignore[no-untyped-def]
        return {}

    def score(self, conversations, answers, *, options):  # type: ignore[no-untyped-def]
        return []


def test_a_broken_task_fails_with_every_problem_named() -> None:
    tasks.register("broken_task", NamelessTask)
    try:
        with pytest.raises(ContractError) as err:
            check_task("broken_task")
    finally:
        tasks.unregister("broken_task")
    problems = err.value.problems
    assert "version must be a non-empty str, got ''" in problems
    assert "name is 'wrong' but it is registered as 'broken_task'" in problems
    assert "prompt_hashes() must map names to sha256 hex, got {'p': 'not-a-hash'}" in problems
    assert "ask() must be an async method" in problems


class TrustingFormat:
    """Broken on purpose: malformed input escapes as a bare KeyError."""

    name = "trusting"

    def read(self, path):  # type: ignore[no-untyped-def]
        import json

        return [json.loads(Path(path).read_text())["sample_id"]], LoadReport(file="x")


class StrictFormat(TrustingFormat):
    def read(self, path):  # type: ignore[no-untyped-def]
        raise DatasetFormatError(str(path), None, None, "not my format")


def test_a_format_must_turn_malformed_input_into_a_data_error() -> None:
    with pytest.raises(ContractError, match=r"malformed input must raise DataError, raised"):
        check_dataset_format(TrustingFormat)
    check_dataset_format(StrictFormat)  # no sample: only the malformed-input rule
