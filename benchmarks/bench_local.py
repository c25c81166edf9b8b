"""The embedded default ``local:smollm2-135m``: calls/s on the real RAG QA load, before and after.

    python benchmarks/bench_local.py [--calls 16] [--rounds 2] [--modes wave2,llama_cpp,ik]
        [--rag-run conv-30]

Modes: ``wave2`` is the wave-2 server (``llama_cpp.server``, 2 threads, one request at a time,
``MEMOBENCH_LOCAL_SERVER=llama_cpp.server``); ``llama_cpp`` is memobench's own server (2 workers
of 1 thread) on llama-cpp-python; ``ik`` is the same server on the prebuilt ik_llama.cpp engine
(the default since wave 3, ``MEMOBENCH_LOCAL_ENGINE``). Ratios are to the first mode. The prompts are conv-30's real RAG reader prompts (captured through a mock reader,
no model), sent through memobench's one OpenAI-compatible path with the cache off, in rounds
that alternate before/after so that a machine whose load drifts slows both alike. Also: where a
call's time goes (a tiny prompt: HTTP and server overhead; the same RAG prompt with a 1-token
reply: prompt evaluation; the full reply: generation), each server's peak RSS, and with
``--rag-run`` the wall time of ``memobench run --agent rag`` on those conversations with each
server. Every figure is printed with the machine's load average: read ratios, not absolutes,
on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from memobench.llm import GenerateConfig, Message, MockBackend, get_llm
from memobench.runner import RunConfig, Runner

MODEL = "smollm2-135m"
#: mode → (MEMOBENCH_LOCAL_SERVER, MEMOBENCH_LOCAL_ENGINE)
ALL_MODES = {
    "wave2": ("llama_cpp.server", "llama_cpp"),
    "llama_cpp": ("", "llama_cpp"),
    "ik": ("", "ik"),
}
MODES: dict[str, tuple[str, str]] = dict(ALL_MODES)


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def capture_prompts(data_dir: str, conversation: str) -> list[str]:
    """The reader prompts of a RAG QA run (the real retrieval, a mock reader)."""
    prompts: list[str] = []
    MockBackend.script("capture", lambda text: prompts.append(text.removeprefix("user: ")) or "x")
    with tempfile.TemporaryDirectory() as tmp:
        config = RunConfig(
            agent="rag",
            model="mock:capture",
            data_path=data_dir,
            conversations=(conversation,),
            out=Path(tmp) / "run",
            progress=False,
        )
        Runner(config).run()
    return prompts


def start(mode: str) -> Any:
    from memobench.llm._local import LocalServer

    os.environ["MEMOBENCH_LOCAL_SERVER"], os.environ["MEMOBENCH_LOCAL_ENGINE"] = MODES[mode]
    server = LocalServer(MODEL)
    server.ensure_started()
    return server


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def timed(llm: Any, prompts: list[str], max_tokens: int, concurrency: int) -> float:
    sem = asyncio.Semaphore(concurrency)
    cfg = GenerateConfig(max_tokens=max_tokens, temperature=0.0, stop=("\n",))

    async def one(p: str) -> None:
        async with sem:
            await llm.complete([Message(role="user", content=p)], config=cfg)

    began = time.perf_counter()
    await asyncio.gather(*(one(p) for p in prompts))
    return time.perf_counter() - began


async def bench(args: argparse.Namespace, prompts: list[str]) -> None:
    servers = {mode: start(mode) for mode in MODES}
    llms = {
        m: get_llm(f"openai:{MODEL}", base_url=s.base_url, cache=False, max_concurrency=8)
        for m, s in servers.items()
    }
    walls: dict[str, list[float]] = {m: [] for m in MODES}
    order = list(MODES)
    for r in range(args.rounds):
        batch = prompts[r * args.calls : (r + 1) * args.calls]
        for mode in order[r % len(order) :] + order[: r % len(order)]:  # rotate who goes first
            conc = 2 * servers[mode].workers
            walls[mode].append(await timed(llms[mode], batch, 32, conc))
            print(
                f"round {r} {mode}: {len(batch)} RAG QA calls in {walls[mode][-1]:.1f}s = "
                f"{len(batch) / walls[mode][-1]:.3f} calls/s ({load()})",
                flush=True,
            )
    calls = args.calls * args.rounds
    for mode in MODES:
        s = servers[mode]
        print(
            f"{mode} ({'llama_cpp.server' if s.legacy else 'memobench server'} on {s.engine}, "
            f"{s.workers} workers x {s.n_threads} threads): {calls / sum(walls[mode]):.3f} "
            f"calls/s, startup {s.startup_s:.1f}s, server peak RSS "
            f"{peak_rss_mb(s.proc.pid):.0f} MB"
        )
    first = order[0]
    for mode in order[1:]:
        ratio = sum(walls[first]) / sum(walls[mode])
        print(f"{mode}/{first} calls/s: {ratio:.2f}x ({load()})")
    for mode in MODES:  # one call at a time: where a call's time goes
        llm, p = llms[mode], prompts[0]
        tiny = await timed(llm, ["Hi"], 1, 1)
        evalp = await timed(llm, [f"[{time.time_ns()}] {p}"], 1, 1)
        full = await timed(llm, [f"[{time.time_ns()}] {p}"], 32, 1)
        print(
            f"{mode}, one call alone: tiny prompt {tiny:.2f}s (overhead), RAG prompt with a "
            f"1-token reply {evalp:.2f}s (prompt eval), full reply {full:.2f}s ({load()})"
        )
    for s in servers.values():
        s.stop()


def rag_run(data_dir: str, convs: str) -> None:
    for mode, (server, engine) in MODES.items():
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "MEMOBENCH_CACHE_DIR": tmp, "MEMOBENCH_LOCAL_SERVER": server}
            env["MEMOBENCH_LOCAL_ENGINE"] = engine
            cmd = [sys.executable, "-m", "memobench", "run", "--agent", "rag"]
            cmd += ["--data-path", data_dir, "--conversations", convs, "--out", f"{tmp}/run"]
            began = time.perf_counter()
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
            peak = 0
            while proc.poll() is None:
                pids = [proc.pid, *_children(proc.pid)]
                peak = max(peak, sum(_rss_kb(p) for p in pids))
                time.sleep(1)
            print(
                f"rag run {convs} {mode}: rc {proc.returncode}, "
                f"{time.perf_counter() - began:.0f}s wall, peak RSS {peak / 1024:.0f} MB "
                f"(memobench + server) ({load()})",
                flush=True,
            )


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--calls", type=int, default=16, help="calls per round per server")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--conversation", default="conv-30", help="whose RAG prompts to send")
    ap.add_argument("--rag-run", metavar="CONVS", help="also time memobench run on these")
    ap.add_argument("--modes", default=",".join(ALL_MODES), help="servers to compare, in order")
    args = ap.parse_args()
    MODES.clear()
    MODES.update({m: ALL_MODES[m] for m in args.modes.split(",")})
    data_dir = os.environ.get("MEMOBENCH_DATA_DIR", "../shared/datasets")
    prompts = capture_prompts(data_dir, args.conversation)
    print(f"{len(prompts)} RAG QA prompts of {args.conversation}; cpus {os.cpu_count()}")
    asyncio.run(bench(args, prompts))
    if args.rag_run:
        rag_run(data_dir, args.rag_run)


if __name__ == "__main__":
    main()
