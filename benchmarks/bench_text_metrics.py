"""Time the text metrics on 1,000 pairs of ~26-word dialogue turns.

    PYTHONPATH=. python benchmarks/bench_text_metrics.py [--pairs 1000] [--torch]

Turns are synthetic (deterministic word sampling from a small conversational vocabulary); each
pair shares ~half its words so ROUGE/BLEU do real matching work. Times include the first call's
imports/model load ("cold") and a second run ("warm").
"""

from __future__ import annotations

import argparse
import random
import time

WORDS = (  # noqa: SIM905 - a word list reads better as one string
    "i you we she he they went saw painted took bought visited loved tried started finished "
    "the a my our her his their kids dog cat lake beach park museum class race store book "
    "photo painting concert trip weekend yesterday today last next week month really so "
    "amazing great fun hard beautiful new old with at to for and but because after before"
).split()


def make_pairs(n: int, words: int = 26, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        a = [rng.choice(WORDS) for _ in range(words)]
        b = [w if rng.random() < 0.5 else rng.choice(WORDS) for w in a]
        pairs.append((" ".join(a).capitalize() + ".", " ".join(b).capitalize() + "."))
    return pairs


def timed(label: str, fn, n: int) -> float:
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    print(f"{label:<38} {dt:7.2f} s  {n / dt:8.0f} pairs/s")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=1000)
    ap.add_argument("--torch", action="store_true", help="also time bert_score (torch) MiniLM")
    args = ap.parse_args()

    from memobench.scoring.text import OnnxBertScorer, bleu_scores, get_bert_scorer, rouge_scores

    pairs = make_pairs(args.pairs)
    preds, refs = [p for p, _ in pairs], [r for _, r in pairs]
    n = len(pairs)
    print(f"{n} pairs, ~26 words each")
    for run in ("cold", "warm"):
        timed(f"ROUGE-1/2/L ({run})", lambda: [rouge_scores(p, r) for p, r in pairs], n)
        timed(f"BLEU-1/2 ({run})", lambda: [bleu_scores(p, r) for p, r in pairs], n)
    timed("BERTScore ONNX int8 (cold, incl. load)", lambda: OnnxBertScorer().score(preds, refs), n)
    onnx = OnnxBertScorer()
    timed("BERTScore ONNX int8 (warm)", lambda: onnx.score(preds, refs), n)
    if args.torch:
        holder = {}
        timed(
            "BERTScore bert_score (cold, incl. load)",
            lambda: holder.setdefault("s", get_bert_scorer("torch")).score(preds, refs),
            n,
        )
        timed("BERTScore bert_score (warm)", lambda: holder["s"].score(preds, refs), n)


if __name__ == "__main__":
    main()
