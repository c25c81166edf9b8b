"""Grammar-constrained JSON on the ``ik`` engine: the greedy shortcut against the full filter.

    python benchmarks/bench_grammar.py [--models smollm2-135m,gemma3-270m] [--rounds 3]
        [--turns 40] [--max-tokens 160] [--threads 1]

Each round sends the same JSON-schema requests (graphiti's entity and edge schemas with the
gateway's graphiti bounds when graphiti-core is installed, a small generic schema otherwise;
prompts made of conv-30's first ``--turns`` turns) to one in-process engine per model, once
with ``greedy_grammar_shortcut`` off (every step filters the whole vocabulary through
llama.cpp's grammar sampler) and once on (the best token is checked alone first), alternating,
each from an empty KV cache so both evaluate the same prompt the same way. Prints seconds per
call for each, the ratio, whether every reply was identical (it must be), and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from memobench.datasets import load_dataset
from memobench.llm import cache_dir
from memobench.llm._engine_ik import IkEngine, SharedModel, prepare_gguf
from memobench.llm._local import gguf_path

GENERIC = {
    "type": "object",
    "properties": {
        "facts": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {
                    "who": {"type": "string", "maxLength": 80},
                    "what": {"type": "string", "maxLength": 80},
                },
                "required": ["who", "what"],
            },
        }
    },
    "required": ["facts"],
}


def schemas() -> dict[str, Any]:
    try:
        from graphiti_core.prompts.extract_edges import ExtractedEdges
        from graphiti_core.prompts.extract_nodes import ExtractedEntities
    except ImportError:
        return {"generic": GENERIC}
    from memobench.gateway import JsonBounds, bound_schema

    bounds = JsonBounds(max_string=80, max_items=3)  # baselines/graphiti.toml
    return {
        "ExtractedEntities": bound_schema(ExtractedEntities.model_json_schema(), bounds),
        "ExtractedEdges": bound_schema(ExtractedEdges.model_json_schema(), bounds),
    }


def conversation(turns: int) -> str:
    data = os.environ.get("MEMOBENCH_DATA_DIR", "../shared/datasets")
    ds = load_dataset("locomo10", data_path=data)
    conv = next(c for c in ds.conversations if c.sample_id == "conv-30")
    lines = [f"{t.speaker}: {t.text}" for s in conv.sessions for t in s.turns]
    return "\n".join(lines[:turns])


def call(
    engine: IkEngine, prompt: str, schema: Any, *, shortcut: bool, n: int
) -> tuple[float, str]:
    engine.forget()
    engine.greedy_grammar_shortcut = shortcut
    start = time.perf_counter()
    out = engine.create_completion(
        prompt,
        max_tokens=n,
        temperature=0,
        response_format={"type": "json_object", "schema": schema},
    )
    return time.perf_counter() - start, out["choices"][0]["text"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="smollm2-135m,gemma3-270m")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--turns", type=int, default=40)
    ap.add_argument("--max-tokens", type=int, default=160)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    cache = cache_dir()
    text = conversation(args.turns)
    for model in args.models.split(","):
        path, quant = prepare_gguf(gguf_path(model), cache / "models")
        engine = IkEngine(SharedModel(path), n_ctx=8192, threads=args.threads)
        for name, schema in schemas().items():
            prompt = f"Conversation:\n{text}\n\nExtract {name} from the conversation as JSON.\n"
            times: dict[bool, list[float]] = {False: [], True: []}
            replies: set[str] = set()
            for _ in range(args.rounds):
                for shortcut in (False, True):
                    dt, reply = call(engine, prompt, schema, shortcut=shortcut, n=args.max_tokens)
                    times[shortcut].append(dt)
                    replies.add(reply)
            full, fast = statistics.median(times[False]), statistics.median(times[True])
            print(
                f"{model} ({quant}, {args.threads} thread) {name}: full filter {full:.2f} s, "
                f"shortcut {fast:.2f} s per call (median of {args.rounds}) = {full / fast:.2f}x; "
                f"replies identical: {len(replies) == 1}; "
                f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
            )


if __name__ == "__main__":
    main()
