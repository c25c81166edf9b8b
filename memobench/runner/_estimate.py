"""What a run would pay, found by running it against a backend that calls nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import tempfile
from pathlib import Path

from ..llm import UsageReport, cost_usd
from ..rundir import RunDir
from ._config import RunConfig
from ._run import Runner
from ._spec import dry_run_embedder


@dataclasses.dataclass(frozen=True)
class RunEstimate:
    """The price of running a configuration now, before any model is called."""

    run_dir: Path
    """The run directory the real run would use."""
    items_total: int
    """Items the configuration asks."""
    items_done: int
    """Items already answered there (a resumed run skips them)."""
    usage: UsageReport
    """Calls that would reach a model (``calls``) or be served by the cache (``cache_hits``,
    free), with estimated prompt tokens and completion tokens at each call's ``max_tokens``."""
    cost_low_usd: float | None
    """Prompt tokens only (replies of zero length); None when a model has no known price."""
    cost_high_usd: float | None
    """Prompt tokens plus every reply at its ``max_tokens``: an upper bound."""
    notes: tuple[str, ...] = ()
    """What the estimate leaves out."""


def estimate_run(config: RunConfig) -> RunEstimate:
    """Run ``config`` with every model call answered by a ``DryRunBackend``.

    Nothing is sent and nothing is written to the run directory or the cache. The agents
    really run (RAG builds its index, the summary agent chains its prompts on filler replies
    of full length), so the counts are those of the real run: items already answered in the
    run directory are skipped, and calls already in the cache are counted as free hits.
    """
    # One runner (one dataset load): it derives the real run directory, then works in a
    # scratch copy of that directory's finished answers.
    dry = Runner(dataclasses.replace(config, dry_run=True, progress=False))
    real_dir = dry.run_dir.path
    with tempfile.TemporaryDirectory(prefix="memobench-dry-run-") as tmp:
        scratch = Path(tmp) / "run"
        scratch.mkdir()
        for name in ("header.json", "answers.jsonl"):
            src = real_dir / name
            if src.is_file():
                shutil.copy2(src, scratch / name)
        dry.run_dir = RunDir(scratch)
        items_done = len(dry.run_dir.done())
        asyncio.run(dry.ask_all())
        items_total = dry.items_total
    usage = dry.meter.report()
    low: float | None = 0.0
    for row in usage.rows:
        c = cost_usd(row.model, prompt_tokens=row.prompt_tokens, completion_tokens=0)
        low = None if c is None or low is None else low + c
    notes = [
        "prompt tokens counted with cl100k (an estimate for other tokenizers)",
        "priced without provider-side prompt caching (repeated prefixes may cost less)",
    ]
    if dry_run_embedder(config.embedder) != config.embedder:
        notes.append(f"embedding calls of {config.embedder} are not estimated")
    return RunEstimate(
        run_dir=real_dir,
        items_total=items_total,
        items_done=items_done,
        usage=usage,
        cost_low_usd=low,
        cost_high_usd=usage.total.cost_usd,
        notes=tuple(notes),
    )
