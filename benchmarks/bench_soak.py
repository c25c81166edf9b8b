"""Fault soak (issue 17), one command: ``python benchmarks/bench_soak.py [--kills 20]``.

A LoCoMo QA run (``no-memory`` agent, reader ``openai:fake``) against the fake OpenAI-compatible
server with 20 % injected faults (5 % each of 429, 500, non-JSON bodies, dropped connections),
killed with SIGKILL at ``--kills`` random moments and restarted each time, then run to the end.
Each kill lands after a random number (1..``--max-step``) of new answer lines since the restart,
so kills fall at random points of the run, mid-write included.

Reports: answers identical to an uninterrupted run on the same server, duplicate answer lines
(must be 0), torn lines repaired, successful model calls vs questions (the excess is at most the
calls in flight at each kill), wall time of both runs. Needs MEMOBENCH_DATA_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from memobench.testing import FakeOpenAIServer
from memobench.testing.fake_openai import Fault

ROOT = Path(__file__).resolve().parents[1]
DATA = os.environ.get("MEMOBENCH_DATA_DIR", str(ROOT.parent / "shared" / "datasets"))
CHAT = "/v1/chat/completions"
FAULTS = [
    Fault(kind, probability=0.05, retry_after_s=0.05, paths=(CHAT,))
    for kind in ("429", "500", "malformed", "drop")
]


def reply(req) -> str:  # type: ignore[no-untyped-def]
    # Deterministic per prompt: an interrupted and an uninterrupted run must agree exactly.
    return (
        "Not mentioned" if "Select the correct answer" in req.prompt else f"a{len(req.prompt) % 97}"
    )


def cmd(base_url: str, out: Path, conversations: str | None) -> list[str]:
    args = [sys.executable, "-m", "memobench", "run", "--agent", "no-memory", "--model",
            "openai:fake", "--base-url", base_url, "--data-path", DATA, "--concurrency", "8",
            "--out", str(out)]  # fmt: skip
    return args + (["--conversations", conversations] if conversations else [])


def lines(path: Path) -> list[str]:
    return path.read_text(errors="replace").split("\n")[:-1] if path.exists() else []


def answers(path: Path) -> tuple[dict[str, str], Counter[str], int]:
    """item_id → prediction, count of answered lines per item, and non-JSON lines."""
    preds: dict[str, str] = {}
    seen: Counter[str] = Counter()
    bad = 0
    for line in lines(path):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        if rec.get("error") is None:
            preds[rec["item_id"]] = rec["prediction"]
            seen[rec["item_id"]] += 1
    return preds, seen, bad


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--max-step", type=int, default=150)
    ap.add_argument("--conversations", help="e.g. conv-26 (default: all 10, 1,986 questions)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="memobench-soak-"))
    env = {**os.environ, "OPENAI_API_KEY": "sk-soak-secret"}
    with FakeOpenAIServer(reply=reply, latency_s=0.01, faults=FAULTS, seed=args.seed) as srv:
        t0 = time.perf_counter()
        ref = subprocess.run(
            cmd(srv.base_url, tmp / "ref", args.conversations),
            env={**env, "MEMOBENCH_CACHE_DIR": str(tmp / "cache-ref")},
            capture_output=True,
            text=True,
        )
        ref_wall = time.perf_counter() - t0
        assert ref.returncode == 0, ref.stderr[-2000:]
        ref_ok = srv.stats.by_path[CHAT] - sum(srv.stats.faults.values())
        srv.reset()

        soak_env = {**env, "MEMOBENCH_CACHE_DIR": str(tmp / "cache-soak")}
        out = tmp / "soak"
        killed_in_flight = 0
        t0 = time.perf_counter()
        for _ in range(args.kills):
            start = len(lines(out / "answers.jsonl"))
            target = start + rng.randint(1, args.max_step)
            proc = subprocess.Popen(
                cmd(srv.base_url, out, args.conversations),
                env=soak_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            while proc.poll() is None and len(lines(out / "answers.jsonl")) < target:
                time.sleep(0.002)
            killed_in_flight += srv.stats.in_flight
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        final = subprocess.run(
            cmd(srv.base_url, out, args.conversations), env=soak_env, capture_output=True, text=True
        )
        soak_wall = time.perf_counter() - t0
        assert final.returncode == 0, final.stderr[-2000:]
        soak_ok = srv.stats.by_path[CHAT] - sum(srv.stats.faults.values())
        faults = dict(srv.stats.faults)

    ref_preds, _, _ = answers(tmp / "ref" / "answers.jsonl")
    soak_preds, seen, bad = answers(out / "answers.jsonl")
    leaked = [
        p.name
        for d in (tmp / "ref", out)
        for p in d.rglob("*")
        if p.is_file() and "sk-soak-secret" in p.read_text(errors="replace")
    ]
    print(f"questions {len(ref_preds)}; kills {args.kills}; faults injected in soak {faults}")
    print(f"answers identical to the uninterrupted run: {soak_preds == ref_preds}")
    print(f"duplicate answer lines: {sum(n - 1 for n in seen.values())}")
    print(f"torn/non-JSON lines left by kills (skipped on read): {bad}")
    print(
        f"successful model calls: uninterrupted {ref_ok}, soak {soak_ok} "
        f"(excess {soak_ok - ref_ok}; requests in flight at the kills {killed_in_flight})"
    )
    print(f"wall time: uninterrupted {ref_wall:.1f} s, soak with restarts {soak_wall:.1f} s")
    print(f"API key in any run file: {bool(leaked)}")


if __name__ == "__main__":
    main()
