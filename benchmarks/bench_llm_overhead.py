"""Overhead of memobench's LLM layer against a fake server answering in a fixed 100 ms.

    python benchmarks/bench_llm_overhead.py [--calls 1986] [--concurrency 32] [--latency 0.1]

Ideal throughput is concurrency / latency (32 / 0.1 s = 320 calls/s); the target is within
10 %. The fake server runs in a subprocess so it does not share the GIL with the client, and
on its own core when there are two or more (a real endpoint's CPU is not on our machine;
MEMOBENCH_BENCH_PIN=0 measures unpinned). The default is a LoCoMo run's worth of calls.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

from _common import pin_apart

from memobench.llm import GenerateConfig, Meter, get_llm, use_meter


async def run(base_url: str, calls: int, concurrency: int) -> float:
    llm = get_llm("openai:bench", base_url=base_url, cache=False, max_concurrency=concurrency)
    cfg = GenerateConfig(max_tokens=16)
    # Warm up the connection pool so the measurement is steady-state.
    await asyncio.gather(*(llm.complete(f"warmup {i}", config=cfg) for i in range(concurrency)))
    start = time.perf_counter()
    results = await asyncio.gather(
        *(llm.complete(f"question number {i} about memory", config=cfg) for i in range(calls))
    )
    elapsed = time.perf_counter() - start
    assert len(results) == calls and all(r.text for r in results)
    return elapsed


def run_loop(coro):  # type: ignore[no-untyped-def]
    """asyncio.run, on uvloop when it is installed (MEMOBENCH_UVLOOP=0 to compare)."""
    if os.environ.get("MEMOBENCH_UVLOOP", "1") != "0":
        try:
            import uvloop

            return uvloop.run(coro)
        except ImportError:
            pass
    return asyncio.run(coro)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=1986)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--latency", type=float, default=0.1)
    args = ap.parse_args()

    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from memobench.testing.fake_openai import main; main()",
            "--latency",
            str(args.latency),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    pinned = pin_apart(proc.pid)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        port = int(line.split()[1])
        meter = Meter()
        with use_meter(meter):
            elapsed = run_loop(run(f"http://127.0.0.1:{port}/v1", args.calls, args.concurrency))
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(10)
    ideal = args.concurrency / args.latency
    got = args.calls / elapsed
    total = meter.report().total
    where = "server pinned to its own core" if pinned else "unpinned"
    print(
        f"calls={args.calls} concurrency={args.concurrency} "
        f"latency={args.latency * 1000:.0f}ms ({where})"
    )
    print(f"elapsed={elapsed:.2f}s throughput={got:.1f} calls/s ideal={ideal:.1f} calls/s")
    print(f"ratio={got / ideal:.3f} (target >= 0.90)")
    print(f"latency p50={total.latency_p50_s:.4f}s p95={total.latency_p95_s:.4f}s")


if __name__ == "__main__":
    main()
