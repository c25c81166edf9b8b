"""Where a call to the embedded default ``local:smollm2-135m`` spends its time.

    python benchmarks/bench_local.py [--repeat 5] [--prompt-tokens 1200] [--rag-run]

Through memobench's one OpenAI-compatible path (llama_cpp.server on 127.0.0.1), with the
cache off: a reply of 1 token (prompt evaluation plus server overhead) against a reply of
``--gen-tokens`` (adds generation), a tiny prompt (server overhead alone), and ``--calls``
answer-sized calls at concurrency 1 and 2 (does a second request in flight help?). The prompt
is real LoCoMo dialogue (``conv-30``) cut to a RAG reader prompt's size. ``--rag-run`` also
times ``memobench run --agent rag`` on conv-30. Prints min/median and the server's peak RSS.
Other processes on the machine change these numbers: repeat and read the minimum.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from memobench.llm import GenerateConfig, get_llm

SPEC = "local:smollm2-135m"


def _dialogue(data_dir: Path, words: int) -> str:
    raw = json.loads((data_dir / "locomo" / "locomo10.json").read_text())
    conv = next(c for c in raw if c["sample_id"] == "conv-30")["conversation"]
    lines = []
    for key in sorted(k for k in conv if k.startswith("session_") and k[8:].isdigit()):
        lines += [f"{t['speaker']}: {t['text']}" for t in conv[key]]
    # ~0.75 words per token for English chat text.
    return " ".join(" ".join(lines).split()[: int(words)])


def _children_peak_rss_mb() -> float:
    """VmHWM of this process's children (the llama_cpp.server), in MB."""
    peak = 0.0
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
    return peak


async def _timed(llm, prompts: list[str], max_tokens: int) -> float:  # type: ignore[no-untyped-def]
    cfg = GenerateConfig(max_tokens=max_tokens)
    start = time.perf_counter()
    await asyncio.gather(*(llm.complete(p, config=cfg) for p in prompts))
    return time.perf_counter() - start


def _fmt(name: str, xs: list[float]) -> str:
    return f"{name}: min {min(xs):.3f}s median {statistics.median(xs):.3f}s (n={len(xs)})"


async def bench(args: argparse.Namespace, context: str) -> None:
    for conc in (1, 2):
        llm = get_llm(SPEC, cache=False, max_concurrency=conc)
        await _timed(llm, ["warm up"], 1)  # starts the server

        def tag(i: int, conc: int = conc) -> str:
            return f"[{conc}-{i}-{time.time_ns()}] "  # unique start: no reuse of a cached prefix

        q = "\nQuestion: What did Gina do after losing her job?\nShort answer:"
        if conc == 1:
            tiny = [await _timed(llm, [tag(i) + "Hi"], 1) for i in range(args.repeat)]
            ev = [await _timed(llm, [tag(i) + context + q], 1) for i in range(args.repeat)]
            gen = [
                await _timed(llm, [tag(i) + context + q], args.gen_tokens)
                for i in range(args.repeat)
            ]
            same = [await _timed(llm, [context + q], 1) for _ in range(args.repeat)]
            print(_fmt("tiny prompt, 1 token (server overhead)", tiny))
            print(_fmt(f"{args.prompt_tokens}-token prompt, 1 token (prompt eval)", ev))
            print(_fmt(f"same, {args.gen_tokens} tokens (adds generation)", gen))
            print(_fmt("identical prompt again, 1 token (prefix cache)", same))
        prompts = [tag(i) + context + q for i in range(args.calls)]
        wall = await _timed(llm, prompts, args.gen_tokens)
        print(
            f"{args.calls} calls at concurrency {conc}: {wall:.1f}s, {args.calls / wall:.2f} calls/s"
        )
    print(f"server peak RSS {_children_peak_rss_mb():.0f} MB; cpus {os.cpu_count()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--prompt-tokens", type=int, default=1200)
    ap.add_argument("--gen-tokens", type=int, default=32)
    ap.add_argument("--calls", type=int, default=10)
    ap.add_argument("--rag-run", action="store_true")
    args = ap.parse_args()
    data_dir = Path(os.environ.get("MEMOBENCH_DATA_DIR", "../shared/datasets"))
    asyncio.run(bench(args, _dialogue(data_dir, args.prompt_tokens * 0.75)))
    if args.rag_run:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "memobench", "run", "--agent", "rag"]
            cmd += ["--model", SPEC, "--data-path", str(data_dir)]
            cmd += ["--conversations", "conv-30", "--out", f"{tmp}/run"]
            start = time.perf_counter()
            subprocess.run(cmd, check=True, env={**os.environ, "MEMOBENCH_CACHE_DIR": tmp})
            print(f"RAG QA run on conv-30: {time.perf_counter() - start:.0f}s wall")


if __name__ == "__main__":
    main()
