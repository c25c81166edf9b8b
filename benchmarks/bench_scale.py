"""Per-call client cost of a whole LoCoMo QA run (issue 14.1), one command:

    python benchmarks/bench_scale.py [--repeats 3] [--concurrency 32,128,256]

Each run is a fresh interpreter doing what ``memobench run --agent no-memory --model
openai:fake`` does (``Runner(config).run()``: dataset load, 1,986 model calls through the
cache, meter and answer log, scoring, results.json) against the fake OpenAI-compatible server
answering in 100 ms, in its own process on its own core. The LLM cache is ON and starts empty
(every call is a lookup miss plus a write). Timed from ``Runner(config)`` with no third-party
library imported before the clock. Reported per transport (``openai``: the official client,
``lean``: memobench.llm's aiohttp path) and concurrency: wall time, calls/s, ratio to the
ideal 1,986 × 0.1 s / concurrency, and client CPU (user + system of the run) per call, as
min / median over the repeats. CPU time is what to compare on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import pin_apart

ROOT = Path(__file__).resolve().parents[1]
DATA = os.environ.get("MEMOBENCH_DATA_DIR", str(ROOT.parent / "shared" / "datasets"))


def child(base_url: str, concurrency: int, out: Path) -> None:
    from memobench.runner import RunConfig, Runner

    cfg = RunConfig(
        agent="no-memory",
        model="openai:fake",
        base_url=base_url,
        data_path=DATA,
        concurrency=concurrency,
        out=out,
        progress=False,
    )
    cpu0, start = time.process_time(), time.perf_counter()
    res = Runner(cfg).run()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    usage = res.usage["total"]
    n = res.tasks["qa"].metrics["f1"].n
    print(json.dumps({"n": n, "wall": wall, "cpu": cpu, "calls": usage.calls}))


def one(mode: str, base_url: str, concurrency: int, tmp: Path, i: int) -> dict[str, float]:
    run = tmp / f"{mode}-{concurrency}-{i}"
    env = {**os.environ, "MEMOBENCH_HTTP": mode, "MEMOBENCH_CACHE_DIR": str(run / "cache")}
    env.pop("MEMOBENCH_NO_CACHE", None)
    out = subprocess.run(
        [sys.executable, __file__, "--child", base_url, str(concurrency), str(run / "out")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    rec: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    # Cache empty at start: only LoCoMo's 11 duplicate questions are served from it.
    assert rec["n"] - 11 <= rec["calls"] <= rec["n"], rec
    return rec


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--concurrency", default="32,128,256")
    ap.add_argument("--modes", default="openai,lean")
    args = ap.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "memobench.testing.fake_openai", "--latency", "0.1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    pinned = pin_apart(server.pid)
    print(f"fake server at 100 ms, {'pinned to its own core' if pinned else 'unpinned'}")
    print(
        "mode    conc  ideal_s  wall_s(min/med)  calls/s(med)  ratio(min/med)  cpu_ms/call(min/med)"
    )
    try:
        port = int(server.stdout.readline().split()[1])  # type: ignore[union-attr]
        base_url = f"http://127.0.0.1:{port}/v1"
        with tempfile.TemporaryDirectory() as d:
            for conc in (int(c) for c in args.concurrency.split(",")):
                # Modes alternate within each repeat so machine load drifts hit both alike.
                recs: dict[str, list[dict[str, float]]] = {m: [] for m in args.modes.split(",")}
                for i in range(args.repeats):
                    for mode in recs:
                        recs[mode].append(one(mode, base_url, conc, Path(d), i))
                for mode, rs in recs.items():
                    n = rs[0]["n"]
                    ideal = n * 0.1 / conc
                    walls = sorted(r["wall"] for r in rs)
                    cpus = sorted(r["cpu"] * 1000 / n for r in rs)
                    med = statistics.median(walls)
                    print(
                        f"{mode:7} {conc:4}  {ideal:7.2f}  {walls[0]:6.2f} / {med:6.2f}  "
                        f"{n / med:12.0f}  {walls[0] / ideal:5.2f} / {med / ideal:5.2f}  "
                        f"{cpus[0]:8.2f} / {statistics.median(cpus):5.2f}",
                        flush=True,
                    )
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=10)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()
