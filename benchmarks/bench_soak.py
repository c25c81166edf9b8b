"""Fault soak (issue 17), one command: ``python benchmarks/bench_soak.py [--kills 20]``.

A full LoCoMo QA run (1,986 questions, ``no-memory``) against the fake OpenAI-compatible server
with 20% injected faults (5% each of 429, 500, a non-JSON body and a dropped connection), killed
with SIGKILL at ``--kills`` random moments and restarted each time, then run to the end. The
same run uninterrupted (same faults, its own cache) is the reference. Reported: answers
identical to the reference, duplicate answer lines (must be 0), model requests vs questions
(faults and kills cost retries; nothing finished is asked again), wall time.

Needs MEMOBENCH_DATA_DIR (or ../shared/datasets).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from memobench.testing import FakeOpenAIServer, Fault

ROOT = Path(__file__).resolve().parents[1]
DATA = os.environ.get("MEMOBENCH_DATA_DIR", str(ROOT.parent / "shared" / "datasets"))
FAULTS = [Fault(kind, probability=0.05) for kind in ("429", "500", "malformed", "drop")]  # type: ignore[arg-type]


def reply(req) -> str:  # type: ignore[no-untyped-def]
    # A pure function of the prompt: an interrupted and a clean run must agree exactly.
    if "Select the correct answer" in req.prompt:
        return "Not mentioned in the conversation"
    return f"answer {sum(map(ord, req.prompt)) % 97}"


def command(base_url: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "memobench", "run", "--agent", "no-memory",
            "--model", "openai:fake", "--base-url", base_url, "--data-path", DATA,
            "--concurrency", "32", "--out", str(out)]  # fmt: skip


def start(base_url: str, out: Path, cache: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OPENAI_API_KEY": "sk-soak", "MEMOBENCH_CACHE_DIR": str(cache)}
    return subprocess.Popen(
        command(base_url, out), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def answers(out: Path) -> tuple[dict[str, str | None], int, int]:
    """Last answer per item, duplicate answered lines, damaged lines."""
    latest: dict[str, str | None] = {}
    answered: Counter[str] = Counter()
    damaged = 0
    for line in (out / "answers.jsonl").read_text().splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            damaged += 1
            continue
        latest[rec["item_id"]] = rec.get("prediction")
        if rec.get("error") is None:
            answered[rec["item_id"]] += 1
    return latest, sum(n - 1 for n in answered.values() if n > 1), damaged


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    # A killed client drops its connections mid-request; the stand-in server logs each one.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    rng = random.Random(args.seed)
    with (
        tempfile.TemporaryDirectory() as tmp_name,
        FakeOpenAIServer(reply=reply, latency_s=0.02, faults=FAULTS, seed=args.seed) as server,
    ):
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        ref = start(server.base_url, tmp / "ref", tmp / "cache-ref")
        assert ref.wait() == 0, "reference run failed"
        ref_wall = time.perf_counter() - t0
        ref_requests = server.stats.by_path["/v1/chat/completions"]
        server.reset()

        out, cache = tmp / "soak", tmp / "cache-soak"
        t0 = time.perf_counter()
        killed = 0
        for _ in range(args.kills):
            proc = start(server.base_url, out, cache)
            time.sleep(rng.uniform(0.5, max(1.0, ref_wall * 0.6)))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.wait()
        final = start(server.base_url, out, cache)
        assert final.wait() == 0, "final run failed"
        soak_wall = time.perf_counter() - t0
        soak_requests = server.stats.by_path["/v1/chat/completions"]
        faults = sum(server.stats.faults.values())
        ref_answers, _, _ = answers(tmp / "ref")
        soak_answers, duplicates, damaged = answers(out)
        questions = len(ref_answers)
        same = sum(1 for k, v in ref_answers.items() if soak_answers.get(k) == v)
        print(f"questions {questions}; kills {killed} of {args.kills} (the rest had finished)")
        print(f"answers identical to the uninterrupted run: {same}/{questions}")
        print(f"duplicate answer lines: {duplicates}; torn lines left by kills: {damaged}")
        print(f"requests: uninterrupted {ref_requests}, soak {soak_requests} "
              f"({soak_requests - ref_requests:+d}; faults injected in the soak {faults})")  # fmt: skip
        print(f"wall: uninterrupted {ref_wall:.1f} s, soak {soak_wall:.1f} s")


if __name__ == "__main__":
    main()
