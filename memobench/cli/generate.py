"""``memobench generate``: build a new LoCoMo-format benchmark (procedural or LLM)."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import click


@click.command("generate")
@click.option("--procedural", is_flag=True, help="Template generator, no LLM (exact gold).")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output JSON file; manifest.json is written beside it.",
)
@click.option("--conversations", default=1, show_default=True, type=click.IntRange(1))
@click.option(
    "--sessions",
    default=None,
    type=click.IntRange(1),
    help="Sessions per conversation [procedural 10, llm 5 (max)].",
)
@click.option("--days", default=None, type=click.IntRange(2), help="Time span [120 / 90].")
@click.option("--events", default=None, type=click.IntRange(1), help="Events per speaker [8 / 6].")
@click.option("--turns", default=None, type=click.IntRange(2), help="Turns per session [20 / 16].")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option(
    "--tokens",
    default=None,
    type=click.IntRange(1),
    help="Procedural: target tokens per conversation (words x 1.3); adds sessions.",
)
@click.option("--check", is_flag=True, help="Print the quality report; exit 1 if it fails.")
@click.option(
    "--model",
    default=None,
    help="LLM mode: a model that writes JSON reliably, e.g. openai:gpt-4o-mini (required).",
)
@click.option("--base-url", default=None, help="OpenAI-compatible endpoint for openai: specs.")
@click.option(
    "--personas",
    "personas",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="MSC persona file or a JSON list of personas [MSC from the data dir].",
)
@click.option(
    "--concurrency",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="LLM mode: conversations in parallel.",
)
@click.option("--qa-per-category", default=3, show_default=True, type=click.IntRange(1))
@click.option(
    "--work-dir",
    default=None,
    type=click.Path(file_okay=False),
    help="LLM mode checkpoints [<out>.work]; re-run to resume.",
)
def generate(
    procedural: bool,
    out: Path,
    conversations: int,
    sessions: int | None,
    days: int | None,
    events: int | None,
    turns: int | None,
    seed: int,
    tokens: int | None,
    check: bool,
    model: str | None,
    base_url: str | None,
    personas: str | None,
    concurrency: int,
    qa_per_category: int,
    work_dir: str | None,
) -> None:
    """Generate a LoCoMo-format dataset.

    \b
      memobench generate --procedural --conversations 3 --out gen.json --check
      memobench generate --procedural --conversations 1 --tokens 1000000 --out big.json
      memobench generate --model openai:gpt-4o-mini --personas msc.json --out llm.json
    """
    from memobench.generation import (
        LLMConfig,
        ProceduralConfig,
        default_persona_file,
        generate_procedural,
        run_llm_pipeline,
    )

    given = {
        k: v
        for k, v in {"sessions": sessions, "days": days, "events": events, "turns": turns}.items()
        if v is not None
    }
    start = time.perf_counter()
    if procedural:
        try:
            manifest = generate_procedural(
                ProceduralConfig(conversations=conversations, seed=seed, tokens=tokens, **given),
                out,
            )
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    else:
        if tokens is not None:
            raise click.UsageError("--tokens is only supported with --procedural")
        if model is None:
            # No default: the embedded toy model never writes usable JSON (measured: 0 of 1
            # conversations after 136 s), so a silent default would only waste time.
            raise click.UsageError(
                "LLM mode needs --model SPEC (e.g. openai:gpt-4o-mini with --base-url), "
                "or use --procedural"
            )
        persona_file = personas or default_persona_file()
        if persona_file is None:
            raise click.UsageError("no persona file: pass --personas or set MEMOBENCH_DATA_DIR")
        cfg = LLMConfig(
            model=model,
            base_url=base_url,
            personas=str(persona_file),
            conversations=conversations,
            seed=seed,
            concurrency=concurrency,
            qa_per_category=qa_per_category,
            work_dir=work_dir,
            **given,
        )
        manifest = asyncio.run(run_llm_pipeline(cfg, out))
        failed = manifest.stats.get("failed_conversations") or {}
        for sid, why in failed.items():
            click.echo(f"warning: {sid} not generated: {why}", err=True)
    click.echo(
        f"wrote {manifest.conversations} conversation(s) to {out} "
        f"(sha256 {manifest.data_sha256[:12]}, {time.perf_counter() - start:.1f}s)"
    )
    if manifest.conversations == 0:
        click.echo(
            "Error: no conversation could be generated; the model never gave usable output "
            "(the embedded toy model cannot write JSON: use --model openai:<model>, or --procedural)",
            err=True,
        )
        sys.exit(1)
    if check:
        from memobench.datasets import load_dataset, quality_report

        report = quality_report(load_dataset(out), require_all_categories=procedural)
        click.echo(report.render())
        if not report.passed:
            sys.exit(1)
