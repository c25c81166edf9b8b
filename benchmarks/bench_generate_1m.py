"""Time and peak memory of generating and loading a 1M-token procedural conversation.

    python benchmarks/bench_generate_1m.py [--tokens 1000000] [--out /tmp/big.json]

Generation and loading run in separate child processes so each peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

CHILD = r"""
import json, resource, sys, time
mode, tokens, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t = time.perf_counter()
if mode == "generate":
    from memobench.generation import ProceduralConfig, generate_procedural
    m = generate_procedural(ProceduralConfig(tokens=tokens, seed=0), out)
    extra = {"tokens": next(iter(m.stats["tokens_per_conversation"].values()))}
else:
    from memobench.datasets import load_dataset
    from memobench.generation import quality_report
    ds = load_dataset(out)
    r = quality_report(ds)
    extra = {"turns": r.totals["turns"], "passed": r.passed}
print(json.dumps({"mode": mode, "seconds": round(time.perf_counter() - t, 2),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  **extra}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", type=int, default=1_000_000)
    ap.add_argument("--out", default="/tmp/memobench-1m.json")
    args = ap.parse_args()
    for mode in ("generate", "load"):
        start = time.perf_counter()
        res = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(args.tokens), args.out],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(res.stdout.strip().splitlines()[-1])
        row["wall_with_imports_s"] = round(time.perf_counter() - start, 2)
        print(json.dumps(row))
        # The soak that used to sit behind MEMOBENCH_SLOW in tests/: fail loudly, not just time.
        if mode == "generate" and row["tokens"] < args.tokens:
            sys.exit(f"generated {row['tokens']} tokens, below the {args.tokens} target")
        if mode == "load" and not row["passed"]:
            sys.exit("the generated conversation fails the quality report")
    _ = resource


if __name__ == "__main__":
    main()
