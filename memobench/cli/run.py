"""``memobench run``: evaluate an agent end to end (ingest, answer, score, table)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import console, data_path_option, fail, print_task_results
from ._executor_options import executor_options

if TYPE_CHECKING:
    from ..runner import RunEstimate


def _parse_option(values: tuple[str, ...]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--agent-option")
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out


@click.command()
@click.option(
    "--agent",
    default="rag",
    show_default=True,
    help="Registry name, module:Class, or path/to/file.py:Class.",
)
@click.option(
    "--dataset", default="locomo10", show_default=True, help="Registry name or LoCoMo-format file."
)
@data_path_option
@click.option(
    "--model",
    default=None,
    help="Reader model spec [default: local:smollm2-135m, a smoke-test toy].",
)
@click.option(
    "--base-url", envvar="OPENAI_BASE_URL", help="OpenAI-compatible endpoint for openai: models."
)
@click.option("--embedder", default="local:minilm", show_default=True, help="Embedding model spec.")
@click.option(
    "--task",
    "tasks",
    multiple=True,
    default=("qa",),
    show_default=True,
    callback=lambda _ctx, _param, value: _check_tasks(value),
    help="A registered task (memobench.tasks); repeat for several tasks.",
)
@click.option("--top-k", type=int, help="RAG: retrieved units per question.")
@click.option(
    "--unit", type=click.Choice(["dialog", "observation", "summary"]), help="RAG retrieval unit."
)
@click.option(
    "--chroma-host", help="RAG: use a Chroma server at this host instead of embedded Chroma."
)
@click.option("--chroma-port", type=int, default=8000, show_default=True)
@click.option(
    "--agent-option",
    "agent_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="Any agent option (JSON values), e.g. max_context_tokens=16000.",
)
@click.option(
    "--task-option",
    "task_option_items",
    multiple=True,
    metavar="TASK.KEY=VALUE",
    help="A task option (JSON value), e.g. dialogue.max_items=20 or event_summary.sessions='\"1-5\"'.",
)
@click.option("--conversations", help="Comma-separated conversation ids, e.g. conv-26,conv-30.")
@click.option("--limit", type=int, help="At most N items per task per conversation.")
@click.option(
    "--max-conversations",
    type=click.IntRange(min=1),
    help="Only the first N conversations (dataset order); for one-question-per-conversation "
    "datasets such as locomo-plus, where --limit counts per conversation.",
)
@click.option(
    "--protocol",
    type=click.Choice(["locomo", "blind"]),
    default="locomo",
    show_default=True,
    help="locomo: LoCoMo's category-dependent question forms; blind: raw questions.",
)
@click.option(
    "--concurrency",
    type=int,
    default=8,
    show_default=True,
    help="Model calls in flight per endpoint (a quarter more items are prepared ahead).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--dedupe", is_flag=True, help="Drop LoCoMo's 11 exact duplicate questions.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Run directory [default: results/runs/<derived>].",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Call no model: print the calls, tokens and dollars this command would pay now "
    "(finished items and cached calls are free).",
)
@click.option(
    "--item-timeout",
    type=float,
    default=600.0,
    show_default=True,
    help="Seconds one item may take; past it the item is recorded as an error (0: no limit).",
)
@click.option(
    "--max-errors",
    help="Stop the run past N errored items (e.g. 5) or a fraction of the items (e.g. 0.1).",
)
@click.option("--wait", is_flag=True, help="If another process holds --out, wait for it.")
@executor_options
@click.option("-v", "--verbose", is_flag=True)
def run(
    agent: str,
    dataset: str,
    data_path: str | None,
    model: str | None,
    base_url: str | None,
    embedder: str,
    tasks: tuple[str, ...],
    top_k: int | None,
    unit: str | None,
    chroma_host: str | None,
    chroma_port: int,
    agent_options: tuple[str, ...],
    task_option_items: tuple[str, ...],
    conversations: str | None,
    max_conversations: int | None,
    limit: int | None,
    protocol: str,
    concurrency: int,
    seed: int,
    dedupe: bool,
    out: str | None,
    dry_run: bool,
    item_timeout: float,
    max_errors: str | None,
    wait: bool,
    executor: str,
    workers: int | None,
    ray_address: str | None,
    verbose: bool,
) -> None:
    """Run AGENT on a dataset; rerunning the same command resumes it without repeating calls."""
    from ..llm import LLMError
    from ..registry import RegistryError
    from ..runner import DEFAULT_MODEL, RunConfig, RunConflictError, Runner, estimate_run

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")
    agent_config = _parse_option(agent_options)
    task_options: dict[str, dict[str, object]] = {}
    for key, value in _parse_option(task_option_items).items():
        task, sep, name = key.partition(".")
        if not sep or task not in _task_names():
            raise click.BadParameter(f"{key!r} is not TASK.KEY", param_hint="--task-option")
        task_options.setdefault(task, {})[name] = value
    if top_k is not None:
        agent_config["top_k"] = top_k
    if unit is not None:
        agent_config["unit"] = unit
    if chroma_host:
        agent_config.update(chroma_host=chroma_host, chroma_port=chroma_port)
    config = RunConfig(
        agent=agent,
        agent_config=agent_config,
        dataset=dataset,
        data_path=data_path,
        model=model or DEFAULT_MODEL,
        embedder=embedder,
        base_url=base_url,
        tasks=tuple(dict.fromkeys(tasks)),
        conversations=tuple(c.strip() for c in conversations.split(",")) if conversations else None,
        max_conversations=max_conversations,
        limit=limit,
        protocol=protocol,
        seed=seed,
        concurrency=concurrency,
        out=Path(out) if out else None,
        dedupe=dedupe,
        task_options=task_options,
        item_timeout=item_timeout or None,
        max_errors=max_errors,
        wait=wait,
    )
    from ..errors import MemobenchError

    errors = (
        MemobenchError,
        RunConflictError,
        RegistryError,
        LLMError,
        ValueError,
        FileNotFoundError,
        TypeError,
    )
    if dry_run:
        try:
            _print_estimate(estimate_run(config))
        except errors as exc:
            fail(str(exc), code=2)
        return
    from ..executors import close_executor, make_executor, run_config
    from ..progress import print_pre_run_estimate

    try:
        runner = Runner(config)
        click.echo(f"run {runner.config_hash} → {runner.run_dir.path}", err=True)
        print_pre_run_estimate(runner)  # local readers only, and only for runs over a minute
        if executor == "local":
            results = runner.run()  # the plain loop: nothing to coordinate
        else:
            chosen = make_executor(executor, workers=workers, ray_address=ray_address)
            try:
                results = run_config(config, chosen, runner=runner)
            finally:
                close_executor(chosen)
    except errors as exc:
        fail(str(exc), code=2)
    con = console()
    title = f"{agent} · reader {config.model}"
    if results.smoke_test:
        title += " · SMOKE TEST (toy local model, not a reportable number)"
    con.print(f"[bold]{title}[/]")
    print_task_results(con, results)
    total = results.usage.get("total")
    if total is not None:
        cost = "unknown" if total.cost_usd is None else f"${total.cost_usd:.4f}"
        con.print(
            f"model calls {total.calls} (+{total.cache_hits} cached), tokens in {total.prompt_tokens:,} "
            f"out {total.completion_tokens:,}, cost {cost}"
        )
    con.print(f"results: {runner.run_dir.results}")


def _task_names() -> list[str]:
    from ..registry import tasks as task_registry

    return task_registry.names()


def _check_tasks(values: tuple[str, ...]) -> tuple[str, ...]:
    known = _task_names()
    for value in values:
        if value not in known:
            raise click.BadParameter(
                f"{value!r} is not a registered task (known: {', '.join(known)})",
                param_hint="--task",
            )
    return values


def _usd(value: float | None) -> str:
    return "unknown" if value is None else f"${value:.4f}"


def _print_estimate(est: RunEstimate) -> None:
    from rich.table import Table

    con = console()
    con.print(
        f"[bold]dry run[/]: {est.items_total - est.items_done} of {est.items_total} items to ask "
        f"({est.items_done} already answered in {est.run_dir})"
    )
    table = Table("phase", "model", "calls", "cached (free)", "prompt tokens", "reply tokens ≤")
    for row in est.usage.rows:
        table.add_row(
            row.phase,
            row.model,
            f"{row.calls:,}",
            f"{row.cache_hits:,}",
            f"{row.prompt_tokens:,}",
            f"{row.completion_tokens:,}",
        )
    con.print(table)
    con.print(
        f"estimated cost: {_usd(est.cost_low_usd)} (prompts only) to {_usd(est.cost_high_usd)} "
        f"(every reply at max_tokens); prices {est.usage.price_table_version} "
        f"({est.usage.price_table_date})"
    )
    for note in est.notes:
        con.print(f"note: {note}")
