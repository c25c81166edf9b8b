"""Throughput of the whole ``memobench run`` per executor (issue 14), one command:

    python benchmarks/bench_scale.py [--repeats 3] [--concurrency 32,128,256]
        [--rows local,processes:1,processes:2,ray:2,ray-join:2] [--transport lean|aiohttp|openai]

Each row runs the real command, ``python -m memobench run --agent no-memory --model
openai:fake --executor E --workers N`` (LoCoMo QA, 1,986 questions, the LLM cache on and
empty at the start, answers.jsonl, scoring, results.json), timed from outside as a whole
process: interpreter start, imports, Ray start-up where the row starts a cluster, everything.
The fake OpenAI-compatible server answers in 100 ms in its own process pinned to the last core
(the harness may use every core). ``ray`` starts its own local cluster per command;
``ray-join`` joins one started once by this script (``ray start --head``), which is how a
sweep or a real cluster is used. Reported per row and concurrency: wall time, calls/s, ratio
to ideal (1,986 × 0.1 s / concurrency), CPU per call (user + system of the command and the
worker processes it waits for; not Ray's, whose workers are not its children), and scaling
efficiency (calls/s with N workers / (N × calls/s of processes:1)). Every row's samples.jsonl
must be byte-identical to the local row's (checked, printed).
``--child-cpu`` prints the per-call profile of a local run instead (cProfile, top functions).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = os.environ.get("MEMOBENCH_DATA_DIR", str(ROOT.parent / "shared" / "datasets"))
N_QA = 1986
RAY = str(Path(sys.executable).parent / "ray")


def _pin_server(pid: int) -> bool:
    if os.environ.get("MEMOBENCH_BENCH_PIN", "1") == "0" or not hasattr(os, "sched_setaffinity"):
        return False
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return False
    os.sched_setaffinity(pid, {cpus[-1]})
    return True


def one(
    row: str, base_url: str, conc: int, tmp: Path, i: int, transport: str, address: str | None
) -> dict[str, object]:
    kind, _, workers = row.partition(":")
    run = tmp / f"{row.replace(':', '-')}-{conc}-{i}"
    env = {
        **os.environ,
        "MEMOBENCH_HTTP": transport,
        "MEMOBENCH_CACHE_DIR": str(run / "cache"),
        "OPENAI_API_KEY": "sk-bench",
        "RAY_USAGE_STATS_ENABLED": "0",
    }
    env.pop("MEMOBENCH_NO_CACHE", None)
    # Bytecode as an installed package has it: written once (see _ensure_bytecode), not
    # recompiled per run where a cache prefix hides site-packages' own __pycache__.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [
        sys.executable, "-m", "memobench", "run", "--agent", "no-memory", "--model", "openai:fake",
        "--base-url", base_url, "--data-path", DATA, "--concurrency", str(conc),
        "--out", str(run / "out"),
    ]  # fmt: skip
    if kind != "local":
        cmd += [
            "--executor",
            "ray" if kind.startswith("ray") else kind,
            "--workers",
            workers or "1",
        ]
    if kind == "ray-join":
        cmd += ["--ray-address", str(address)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:  # reported as a failed row (e.g. Ray not starting on an overloaded host)
        err = proc.stderr.read().decode().strip().splitlines()  # type: ignore[union-attr]
        return {"wall": wall, "cpu": 0.0, "samples": "-", "error": err[-1] if err else str(status)}
    samples = (run / "out" / "samples.jsonl").read_bytes()
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "samples": hashlib.sha256(samples).hexdigest()[:12],
    }


def _ensure_bytecode() -> None:
    """Time what an installed memobench runs: its modules' bytecode written once, here. An
    editable checkout under ``PYTHONDONTWRITEBYTECODE=1`` (or a fresh ``PYTHONPYCACHEPREFIX``)
    would otherwise compile every module it imports in every timed run (measured: +0.1-0.3 s
    a run, and import stalls on the loop that are not there for a user)."""
    import compileall

    compileall.compile_dir(ROOT / "memobench", quiet=1)
    prefix = f", cache prefix {sys.pycache_prefix}" if sys.pycache_prefix else ""
    print(f"bytecode of memobench written{prefix}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--concurrency", default="32,128,256")
    ap.add_argument("--rows", default="local,processes:1,processes:2,ray:2")
    ap.add_argument(
        "--transport", default="lean", help="lean (own client on http://), aiohttp or openai"
    )
    args = ap.parse_args()
    rows = args.rows.split(",")
    print(f"load average at start: {os.getloadavg()}")
    _ensure_bytecode()
    server = subprocess.Popen(
        [sys.executable, "-m", "memobench.testing.fake_openai", "--latency", "0.1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    print(
        f"fake server at 100 ms, {'pinned to its own core' if _pin_server(server.pid) else 'unpinned'}"
    )
    address = None
    if any(r.startswith("ray-join") for r in rows):
        tempfile.mkdtemp(prefix="ray-bench-")
        subprocess.run(
            [RAY, "start", "--head", "--num-cpus", "2", "--include-dashboard=false",
             "--object-store-memory", str(80 * 1024 * 1024), "--port", "6388", "--disable-usage-stats"],
            check=True, capture_output=True,
        )  # fmt: skip
        address = "127.0.0.1:6388"
    print(
        "row           conc  ideal_s  wall_s(min/med)  calls/s(med)  ratio(min/med)  cpu_ms/call(med)  eff  samples"
    )
    try:
        port = int(server.stdout.readline().split()[1])  # type: ignore[union-attr]
        base_url = f"http://127.0.0.1:{port}/v1"
        with tempfile.TemporaryDirectory() as d:
            for conc in (int(c) for c in args.concurrency.split(",")):
                recs: dict[str, list[dict[str, object]]] = {r: [] for r in rows}
                for i in range(args.repeats):  # rows alternate, so load drift hits all alike
                    for row in rows:
                        recs[row].append(
                            one(row, base_url, conc, Path(d), i, args.transport, address)
                        )
                ideal = N_QA * 0.1 / conc
                one_proc = None
                for row, rs in recs.items():
                    failed = [str(r["error"]) for r in rs if "error" in r]
                    rs = [r for r in rs if "error" not in r]
                    if not rs:
                        print(f"{row:12} {conc:5}  failed: {failed[0][:150]}", flush=True)
                        continue
                    walls = sorted(float(r["wall"]) for r in rs)  # type: ignore[arg-type]
                    med = statistics.median(walls)
                    rate = N_QA / med
                    if row == "processes:1":
                        one_proc = rate
                    workers = int(row.partition(":")[2] or 1)
                    eff = (
                        f"{rate / (workers * one_proc):4.2f}"
                        if one_proc and workers > 1
                        else "   -"
                    )
                    cpu = statistics.median(float(r["cpu"]) * 1000 / N_QA for r in rs)  # type: ignore[arg-type]
                    cpu_s = "   n/a" if row.startswith("ray") else f"{cpu:6.2f}"
                    print(
                        f"{row:12} {conc:5}  {ideal:7.2f}  {walls[0]:6.2f} / {med:6.2f}  {rate:12.0f}  "
                        f"{walls[0] / ideal:5.2f} / {med / ideal:5.2f}  {cpu_s:>16}  {eff}  "
                        f"{','.join(sorted({str(r['samples']) for r in rs}))}",
                        flush=True,
                    )
                print(f"load average: {os.getloadavg()}", flush=True)
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=10)
        if address is not None:
            subprocess.run([RAY, "stop", "--force"], capture_output=True)


def child_cpu(base_url: str, conc: int, out: Path) -> None:
    """cProfile one local run (the per-call path: cache, client, meter, answer log, scoring)."""
    import cProfile
    import pstats

    from memobench.runner import RunConfig, Runner

    cfg = RunConfig(agent="no-memory", model="openai:fake", base_url=base_url, data_path=DATA,
                    concurrency=conc, out=out, progress=False)  # fmt: skip
    prof = cProfile.Profile(time.process_time)
    cpu0 = time.process_time()
    prof.enable()
    Runner(cfg).run()
    prof.disable()
    print(
        f"cpu {time.process_time() - cpu0:.2f} s = {(time.process_time() - cpu0) * 1000 / N_QA:.2f} ms/call (profiled)"
    )
    pstats.Stats(prof).sort_stats("tottime").print_stats(35)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child-cpu"]:
        child_cpu(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()
