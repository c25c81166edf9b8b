"""Contract checks every agent, task and dataset format must pass (mteb's idea).

Plugin authors run them on their own plugins; memobench runs them over every built-in::

    from memobench.testing import check_agent, check_task, check_dataset_format
    check_agent(MyAgent)                       # a class or factory, or a registered name
    check_task(my_task_factory)
    check_dataset_format(my_format_factory, sample=Path("my_data.json"))

Each check really exercises the plugin (builds it, feeds it a small procedurally generated
conversation, calls every method it has, scores what it returned) and raises one
:class:`ContractError` listing every broken rule, naming the plugin and the method.
Agents' models are the ``mock:`` backend (no network); pass ``reader=`` to change that.
"""

from __future__ import annotations

import inspect
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._util.aio import call, run_sync
from ..agents import AgentContext, DialogueContext, coerce_answer, coerce_text, resolve_agent
from ..data import Conversation
from ..registry import tasks as task_registry
from ._contract_base import ContractError, Problems, sample_conversation
from ._format_contract import check_dataset_format

__all__ = [
    "ContractError",
    "check_agent",
    "check_dataset_format",
    "check_task",
    "sample_conversation",
]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _keywords(method: Callable[..., Any], names: tuple[str, ...]) -> list[str]:
    """The keyword-only/keyword parameters in ``names`` that ``method`` cannot take."""
    params = inspect.signature(method).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return []
    return [n for n in names if n not in params]


def check_agent(
    agent: str | Callable[..., Any],
    *,
    options: dict[str, Any] | None = None,
    reader: str = "mock:contract",
    conversation: Conversation | None = None,
    work_dir: Path | None = None,
) -> None:
    """Build the agent for one conversation, ingest it, ask every method it offers."""
    name = agent if isinstance(agent, str) else getattr(agent, "__name__", repr(agent))
    factory = resolve_agent(agent) if isinstance(agent, str) else resolve_agent_target(agent, name)
    target = factory.target
    conv = conversation or sample_conversation()
    problems = Problems()
    with tempfile.TemporaryDirectory(prefix="mb-contract-agent-") as tmp:
        ctx = AgentContext(
            conversation_id=conv.sample_id,
            speakers=conv.speakers,
            reader_spec=reader,
            work_dir=work_dir or Path(tmp),
            gold=conv if getattr(target, "needs_gold", False) else None,
        )
        try:
            built = factory.build(ctx, dict(options or {}))
        except Exception as exc:
            raise ContractError("agent", name, [f"building it failed: {exc!r}"]) from exc
        for method, kws in (("ingest", ("now",)), ("answer", ("now",))):
            fn = getattr(built, method, None)
            if not callable(fn):
                problems.append(f"has no {method}() method")
            elif missing := _keywords(fn, kws):
                problems.append(f"{method}() does not take keyword(s) {missing}")
        hooks: dict[str, tuple[str, ...]] = {
            "summarize_events": ("start", "end", "now"),
            "next_turn": ("now",),
        }
        for method, hook_kws in hooks.items():
            fn = getattr(built, method, None)
            if fn is not None and (missing := _keywords(fn, hook_kws)):
                problems.append(f"{method}() does not take keyword(s) {missing}")
        problems.raise_if_any("agent", name)
        run_sync(_exercise_agent(built, conv, problems))
    problems.raise_if_any("agent", name)


def resolve_agent_target(target: Callable[..., Any], name: str) -> Any:
    """An ``AgentFactory`` for a class or factory that is not registered."""
    from ..agents import AgentFactory

    return AgentFactory(name=name, target=target, version=str(getattr(target, "version", "0")))


async def _exercise_agent(agent: Any, conv: Conversation, problems: Problems) -> None:
    from ..tasks import render_question

    async def step(what: str, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return await call(getattr(agent, method), *args, **kwargs)
        except Exception as exc:
            problems.append(f"{what} raised {exc!r}")
            return None

    for session in conv.sessions:
        await step(f"ingest(session {session.index})", "ingest", session, now=session.date_time)
    q = render_question(conv, conv.qa[0]).question
    reply = await step("answer()", "answer", q, now=q.asked_at)
    if reply is not None:
        try:
            coerce_answer(reply, agent=agent)
        except TypeError as exc:
            problems.append(str(exc))
    last = conv.sessions[-1]
    if hasattr(agent, "summarize_events"):
        first = conv.sessions[0]
        text = await step(
            "summarize_events()", "summarize_events", conv.speakers[0],
            start=first.date_time, end=last.date_time, now=last.date_time,
        )  # fmt: skip
        _text_ok(agent, "summarize_events", text, problems)
    if hasattr(agent, "next_turn"):
        dctx = DialogueContext(session=last, speaker=conv.speakers[0], listener=conv.speakers[1])
        text = await step("next_turn()", "next_turn", dctx, now=last.date_time)
        _text_ok(agent, "next_turn", text, problems)
    for closer in ("aclose", "close"):
        if callable(getattr(agent, closer, None)):
            await step(f"{closer}()", closer)
            break


def _text_ok(agent: Any, method: str, value: Any, problems: Problems) -> None:
    try:
        coerce_text(value, agent=agent, method=method)
    except TypeError as exc:
        problems.append(str(exc))


def check_task(
    task: str | Callable[[], Any],
    *,
    agent: str | Callable[..., Any] = "no-memory",
    conversation: Conversation | None = None,
    options: dict[str, Any] | None = None,
) -> None:
    """Build the task, list its items, ask one through ``agent``, score it and score nothing."""
    name = task if isinstance(task, str) else getattr(task, "__name__", repr(task))
    factory = task_registry.get(task) if isinstance(task, str) else task
    problems = Problems()
    t = factory()
    for attr in ("name", "version", "scoring_version", "main_metric"):
        value = getattr(t, attr, None)
        if not isinstance(value, str) or not value:
            problems.append(f"{attr} must be a non-empty str, got {value!r}")
    if isinstance(task, str) and getattr(t, "name", None) != task:
        problems.append(f"name is {getattr(t, 'name', None)!r} but it is registered as {task!r}")
    hashes = t.prompt_hashes() if callable(getattr(t, "prompt_hashes", None)) else None
    if not isinstance(hashes, dict) or not all(
        isinstance(v, str) and _SHA256.match(v) for v in hashes.values()
    ):
        problems.append(f"prompt_hashes() must map names to sha256 hex, got {hashes!r}")
    if not inspect.iscoroutinefunction(getattr(t, "ask", None)):
        problems.append("ask() must be an async method")
    problems.raise_if_any("task", name)
    conv = conversation or sample_conversation()
    opts = {"limit": 2, "seed": 0, "protocol": "locomo", **(options or {})}
    items = t.items(conv, limit=2, options=opts)
    ids = [getattr(i, "item_id", None) for i in items]
    if not items:
        problems.append("items() returned no item for the sample conversation")
    if not all(isinstance(i, str) and i for i in ids) or len(set(ids)) != len(ids):
        problems.append(f"every item needs a unique non-empty str item_id, got {ids!r}")
    problems.raise_if_any("task", name)
    built = resolve_agent(agent) if isinstance(agent, str) else resolve_agent_target(agent, "agent")
    ctx = AgentContext(
        conversation_id=conv.sample_id, speakers=conv.speakers, reader_spec="mock:contract"
    )
    record = run_sync(_ask(t, built.build(ctx, {}), conv, items[0], opts))
    try:
        json.dumps(record)
    except (TypeError, ValueError) as exc:
        problems.append(f"ask() must return a JSON-serializable dict: {exc}")
    if not isinstance(record, dict):
        problems.append(f"ask() must return a dict, got {type(record).__name__}")
    problems.raise_if_any("task", name)
    first = str(ids[0])
    samples = t.score([conv], {first: record}, options=opts)
    scored = {s.item_id: s for s in samples}
    if ids[0] not in scored:
        problems.append(f"score() gave no sample for the answered item {ids[0]!r}")
    elif t.main_metric not in scored[ids[0]].scores:
        problems.append(f"score() sample lacks the main metric {t.main_metric!r}")
    stray = set(scored) - set(ids)
    if stray:
        problems.append(f"score() returned samples for items it did not list: {sorted(stray)}")
    if any(s.task != t.name for s in samples):
        problems.append("score() samples must carry task=<the task's name>")
    problems.raise_if_any("task", name)


async def _ask(task: Any, agent: Any, conv: Conversation, item: Any, opts: dict[str, Any]) -> Any:
    for session in conv.sessions:
        await call(agent.ingest, session, now=session.date_time)
    return await task.ask(agent, conv, item, options=opts)
