"""Render every shipped prompt for a fixed set of inputs and print them as JSON.

Run it on two checkouts and compare: the prompt-template refactor must render byte-identical
prompts (notes/architecture.md)::

    python tools/render_prompts.py > /tmp/after.json
    git archive dd591c8 memobench tasks | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old python tools/render_prompts.py > /tmp/before.json
    cmp /tmp/before.json /tmp/after.json

Only public call paths are used (task prompt functions, the judge and scorer prompt builders,
the generation prompt set, the fact-checking judge), so the script runs unchanged on both.
LoCoMo questions come from ``$MEMOBENCH_DATA_DIR`` when it has ``locomo10.json``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import memobench
from memobench._util import resource_dir

FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
#: Awkward but placeholder-free values: braces, dollars, JSON, newlines, unicode.
NASTY = ' {zz_not_a_field} $5 $$ {"k": [1, 2]} \\n é ✓\n'


def _fields(text: str) -> list[str]:
    return sorted({a or b for a, b in FIELD.findall(text)})


def _values(names: list[str]) -> dict[str, str]:
    return {n: f"<{n}>{NASTY}" for n in names}


def shipped(out: dict[str, str]) -> None:
    """Each task.toml prompt rendered with every placeholder it has (the task prompt set)."""
    from memobench.tasks import load_task_spec

    root = resource_dir("tasks")
    # generation/ gained a task.toml in the refactor; its prompts are rendered below.
    folders = {p.parent.name for p in root.glob("*/task.toml")} - {"generation"}
    for folder in sorted(folders):
        spec = load_task_spec(folder)
        for key in sorted(spec.prompts):
            tpl = spec.prompt(key)
            out[f"spec:{folder}/{key}"] = tpl.render(**_values(_fields(tpl.text)))


def generation(out: dict[str, str]) -> None:
    from memobench.generation import Prompts

    prompts = Prompts()
    for path in sorted((resource_dir("tasks") / "generation").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        out[f"gen:{path.stem}"] = prompts.render(path.stem, **_values(_fields(raw)))


def call_sites(out: dict[str, str]) -> None:
    from memobench.judge import judge_prompt
    from memobench.scoring import beam, locomo_plus, longmemeval
    from memobench.tasks import incremental_prompt, summarize_prompt, turn_prompt

    d0, d1 = datetime(2023, 5, 8, 13, 56), datetime(2023, 6, 1, 9, 0)
    out["summarize"] = summarize_prompt("ctx" + NASTY, "Caroline", d0, d1)
    out["incremental"] = incremental_prompt("", "session" + NASTY, "Mel", "8 May 2023")
    out["incremental2"] = incremental_prompt("old" + NASTY, "s", "Mel", "8 May 2023")
    turn = SimpleNamespace(speaker="Caroline", dia_id="D1:1", text="hi" + NASTY)
    turn.img_url, turn.blip_caption, turn.query = None, None, None
    for cap in (None, "a dog {x}"):
        ctx = SimpleNamespace(
            session=SimpleNamespace(turns=[], date_time_raw="1:56 pm on 8 May, 2023"),
            speaker="Mel",
            listener="Caroline",
            image_caption=cap,
        )
        for memory in ("", "mem" + NASTY):
            out[f"turn:{cap}:{bool(memory)}"] = turn_prompt(ctx, memory=memory)
    for mode in ("strict", "lenient"):
        out[f"judge:{mode}"] = judge_prompt(mode).render(
            question="q?", gold="g" + NASTY, answer="a"
        )
    for qid, qtype in [
        ("1", "temporal-reasoning"),
        ("2_abs", "single-session-user"),
        ("3", "knowledge-update"),
        ("4", "single-session-preference"),
        ("5", "x"),
    ]:
        out[f"lme:{qid}"] = longmemeval.judge_prompt(qid, qtype, "q" + NASTY, "a", "r")[0]
    out["locomo_plus"] = locomo_plus.judge_prompt("cue" + NASTY, "pred")[0]
    for unfilled in (False, True):
        out[f"beam:{unfilled}"] = beam.rubric_prompt(
            "item" + NASTY, "resp", "q", official_unfilled_question=unfilled
        )[0]


def facts(out: dict[str, str]) -> None:
    from memobench.scoring.text import JudgeSupporter, decompose_with_judge

    folder = resource_dir("tasks") / "event_summary"
    seen: list[str] = []

    def judge(prompt: str) -> str:
        seen.append(prompt)
        return "yes"

    sup = JudgeSupporter(judge, folder / "judge_support.txt")
    out["facts:support"] = sup.prompt("fact {context}" + NASTY, ["a", "b {fact}"])
    decompose_with_judge("Text {text}" + NASTY, judge, template_path=folder / "judge_decompose.txt")
    out["facts:decompose"] = seen[-1]


def questions(out: dict[str, str]) -> None:
    data = Path(os.environ.get("MEMOBENCH_DATA_DIR", "")) / "locomo" / "locomo10.json"
    if not data.is_file():
        return
    from memobench.datasets import load_dataset
    from memobench.tasks import render_question

    conv = load_dataset(data).conversations[0]
    for protocol in ("locomo", "blind"):
        for qa in conv.qa:
            q = render_question(conv, qa, protocol=protocol, seed=1).question
            out[f"qa:{protocol}:{qa.qa_id}"] = q.instruction


def main() -> None:
    out: dict[str, str] = {}
    for part in (shipped, generation, call_sites, facts, questions):
        part(out)
    print(f"{len(out)} prompts from {Path(memobench.__file__).parent.parent.name}", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)


if __name__ == "__main__":
    main()
