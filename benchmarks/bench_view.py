"""Load time of the viewer page in headless Chromium for a full LoCoMo run (1,986 QA items).

Fabricates two realistic run directories over every QA item of locomo10 (retrieved turn ids,
half with the gold evidence, predictions, F1 and judge verdicts with reasoning), writes the page
with ``memobench view`` machinery and reads the page's own timer (``data-load-ms``: navigation
start to first render, JSON parse included) from Chromium's DOM dump.

    MEMOBENCH_DATA_DIR=../shared/datasets python benchmarks/bench_view.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from memobench.datasets import load_dataset
from memobench.viewer import build_view_data, render_view


def fabricate(ds, out: Path, label: str, seed: int) -> Path:
    rng = random.Random(seed)
    run = out / label
    run.mkdir(parents=True)
    spec = {"dataset": {"name": ds.name, "sha256": ds.sha256}, "agent": {"name": label}}
    (run / "header.json").write_text(json.dumps({"spec": spec}), encoding="utf-8")
    lines = []
    for c in ds.conversations:
        ids = [t.dia_id for s in c.sessions for t in s.turns]
        for q in c.qa:
            ret = rng.sample(ids, 10)
            if q.evidence and rng.random() < 0.5:
                ret[rng.randrange(10)] = q.evidence[0]
            f1 = rng.choice([0.0, 0.2, 0.5, 1.0])
            judged = float(f1 >= 0.5)
            lines.append(
                json.dumps(
                    {
                        "task": "qa",
                        "item_id": q.qa_id,
                        "conversation_id": c.sample_id,
                        "category": int(q.category),
                        "prediction": (q.answer or "Not mentioned") if f1 else "I don't know",
                        "retrieved": ret,
                        "scores": {
                            "f1": f1,
                            "recall": float(bool(set(ret) & set(q.evidence))),
                            "judge_strict": judged,
                            "abstained": 0.0,
                        },
                        "extra": {
                            "question_shown": q.question,
                            "judge_strict": {
                                "labels": ["CORRECT" if judged else "WRONG"],
                                "reasoning": "The answer " + "matches " * 20,
                            },
                        },
                    }
                )
            )
    (run / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "apt-get install chromium"
    ds = load_dataset("locomo10")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_p = Path(tmp)
        runs = [fabricate(ds, tmp_p, "run-a", 1), fabricate(ds, tmp_p, "run-b", 2)]
        t = time.perf_counter()
        data = build_view_data(runs)
        page = tmp_p / "view.html"
        page.write_text(render_view(data), encoding="utf-8")
        build_s = time.perf_counter() - t
        print(
            f"{len(data['items'])} items, 2 runs, page {page.stat().st_size / 1e6:.1f} MB, "
            f"built in {build_s:.1f} s"
        )
        for query in ("", "?outcome=wrong&sort=score-desc"):
            loads = []
            for i in range(args.repeat):
                dom = subprocess.run(
                    [
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        f"--user-data-dir={tmp_p / f'prof{i}'}",
                        "--dump-dom",
                        page.as_uri() + query,
                    ],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=True,
                ).stdout
                loads.append(int(re.search(r'data-load-ms="(\d+)"', dom).group(1)))
            print(
                f"load {query or '(default)'}: median {sorted(loads)[len(loads) // 2]} ms "
                f"(runs: {loads})"
            )


if __name__ == "__main__":
    main()
