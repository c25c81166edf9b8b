"""Runner budgets (issue 4), one command: ``python benchmarks/bench_runner.py``.

1. The full LoCoMo QA run (1,986 questions) with a reader on the fake OpenAI-compatible server
   answering in a fixed 100 ms, at concurrency 32, scoring and logging included, against the
   ideal 1,986 × 0.1 s / 32. Budget: ≤ 1.15× ideal. Each run is a fresh interpreter, timed
   from ``Runner(config)`` to the written results; the budget applies with the third-party
   libraries already imported (a one-off ~0.6 s per process, reported separately as "cold").
2. Building the RAG index for all 10 conversations vs the raw embedding time of the same
   texts (budget ≤ 1.2×), then a second build that reuses the embedding cache (near zero).
3. Long-context prompts share the conversation prefix: per-question new prompt tokens < 150.

Needs MEMOBENCH_DATA_DIR (or ../shared/datasets). The fake server runs in its own process so
it does not share the client's interpreter.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import pin_apart

ROOT = Path(__file__).resolve().parents[1]
DATA = os.environ.get("MEMOBENCH_DATA_DIR", str(ROOT.parent / "shared" / "datasets"))


#: Third-party libraries a QA run loads lazily (the OpenAI client, NLTK's stemmer and
#: rouge-score for scoring, numpy for the CIs): ~0.6 s of one-off import time per process.
_LIBRARIES = ("openai", "nltk.stem", "rouge_score.rouge_scorer", "numpy")


def bench_full_run(tmp: Path, *, libraries_loaded: bool) -> float:
    """One full QA run in this process; returns wall time / ideal.

    Timed: ``Runner(config)`` (dataset load) + ``run()`` (ingest, 1,986 model calls, JSONL
    logging, scoring with bootstrap CIs, results.json). With ``libraries_loaded`` the
    third-party imports above happen before the clock starts, as in any process that has
    already used them; without, the clock includes them.
    """
    import importlib

    from memobench.runner import RunConfig, Runner

    if libraries_loaded:
        for name in _LIBRARIES:
            importlib.import_module(name)
    server = subprocess.Popen(
        [sys.executable, "-m", "memobench.testing.fake_openai", "--latency", "0.1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    pinned = pin_apart(server.pid)
    try:
        port = int(server.stdout.readline().split()[1])  # type: ignore[union-attr]
        os.environ["MEMOBENCH_NO_CACHE"] = "1"
        cfg = RunConfig(
            agent="no-memory",
            model="openai:fake",
            base_url=f"http://127.0.0.1:{port}/v1",
            data_path=DATA,
            concurrency=32,
            out=tmp / "full",
            progress=False,
        )
        start = time.perf_counter()
        res = Runner(cfg).run()
        wall = time.perf_counter() - start
    finally:
        os.environ.pop("MEMOBENCH_NO_CACHE", None)
        if pinned:
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=10)
    n = res.tasks["qa"].metrics["f1"].n
    ideal = n * 0.1 / 32
    where = "server and harness pinned to separate cores" if pinned else "unpinned"
    what = "libraries loaded before the clock" if libraries_loaded else "cold, imports included"
    print(
        f"[1] full QA run ({what}): {n} questions in {wall:.2f} s; ideal {ideal:.2f} s; "
        f"ratio {wall / ideal:.3f} (budget 1.15; {where})",
        flush=True,
    )
    return wall / ideal


def bench_full_runs(repeats: int = 3) -> None:
    """Each run in a fresh interpreter, so no run profits from an earlier one's warm state."""
    for libraries_loaded in (True, False):
        ratios = []
        for _ in range(repeats):
            out = subprocess.run(
                [sys.executable, __file__, "--full-run", "warm" if libraries_loaded else "cold"],
                capture_output=True,
                text=True,
                check=True,
            )
            print(out.stdout.strip(), flush=True)
            ratios.append(float(out.stdout.rsplit("ratio ", 1)[1].split()[0]))
        label = "libraries loaded" if libraries_loaded else "cold"
        print(f"    median ratio ({label}): {sorted(ratios)[len(ratios) // 2]:.3f}", flush=True)


def bench_rag_index(tmp: Path) -> None:
    from memobench.agents import AgentContext
    from memobench.agents._protocol import turn_line
    from memobench.baselines import RagAgent
    from memobench.datasets import load_dataset
    from memobench.llm import get_embedder

    ds = load_dataset("locomo10", data_path=DATA)
    texts = [turn_line(t) for c in ds.conversations for s in c.sessions for t in s.turns]
    os.environ["MEMOBENCH_CACHE_DIR"] = str(tmp / "cache-raw")
    start = time.perf_counter()
    get_embedder("local:minilm", cache=False).embed(texts)
    raw = time.perf_counter() - start

    os.environ["MEMOBENCH_CACHE_DIR"] = str(tmp / "cache-rag")

    async def build(tag: str) -> float:
        start = time.perf_counter()
        for c in ds.conversations:
            ctx = AgentContext(
                conversation_id=c.sample_id,
                speakers=c.speakers,
                reader_spec="mock:x",
                work_dir=tmp / tag / c.sample_id,
            )
            agent = RagAgent(context=ctx, unit="dialog", top_k=5)
            for s in c.sessions:
                await agent.ingest(s, now=s.date_time)
            agent.flush()
        return time.perf_counter() - start

    first = asyncio.run(build("a"))
    second = asyncio.run(build("b"))
    print(
        f"[2] RAG index, {len(texts)} turns: raw embedding {raw:.2f} s; index build {first:.2f} s "
        f"(ratio {first / raw:.3f}, budget 1.2); rebuild with cache {second:.2f} s ({second / raw:.3f}× raw)"
    )


def bench_long_context_prefix() -> None:
    from memobench._util.tokens import count_tokens
    from memobench.agents import AgentContext
    from memobench.baselines import LongContextAgent
    from memobench.datasets import load_dataset
    from memobench.tasks import render_question

    ds = load_dataset("locomo10", data_path=DATA)
    worst = 0
    for c in ds.conversations:
        agent = LongContextAgent(
            context=AgentContext(
                conversation_id=c.sample_id, speakers=c.speakers, reader_spec="openai:gpt-4o-mini"
            )
        )
        for s in c.sessions:
            agent.ingest(s, now=s.date_time)
        prefix = agent.prefix()
        for q in c.qa:
            rq = render_question(c, q).question
            prompt = prefix + "\n" + rq.instruction
            assert prompt.startswith(prefix)
            worst = max(worst, count_tokens(prompt) - count_tokens(prefix))
    print(
        f"[3] long-context: max new prompt tokens per question after the shared prefix: {worst} (budget < 150)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--full-run"]:
        with tempfile.TemporaryDirectory() as d:
            bench_full_run(Path(d), libraries_loaded=sys.argv[2] == "warm")
        sys.exit(0)
    with tempfile.TemporaryDirectory() as d:
        bench_long_context_prefix()
        bench_full_runs()
        bench_rag_index(Path(d))
