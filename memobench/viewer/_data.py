"""Collect what the page shows from run directories: samples, gold, evidence in context."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..data import Conversation, parse_turn_id
from ..datasets import load_dataset, recorded_file
from ..errors import MemobenchError, RunDirError
from ..scoring import classify, correctness_key
from ._guards import run_guards

#: Turns shown on each side of a gold evidence turn.
CONTEXT_TURNS = 2


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise RunDirError(f"{path}: line {n} is not JSON ({e.msg})") from None
    return out


def read_run(path: Path) -> dict[str, Any]:
    """Header and samples of one scored run directory."""
    header_p, samples_p = path / "header.json", path / "samples.jsonl"
    for p in (header_p, samples_p):
        if not p.is_file():
            raise RunDirError(f"{path} is not a scored run directory: {p.name} is missing")
    header = json.loads(header_p.read_text(encoding="utf-8"))
    if "spec" not in header:
        raise RunDirError(f"{header_p}: field 'spec' is missing")
    return {"path": path, "header": header, "samples": _read_jsonl(samples_p)}


def _dataset(
    spec: dict[str, Any], data_path: str | None, run_dir: Path | None = None
) -> tuple[Conversation, ...]:
    ds = spec.get("dataset") or {}
    name, rec_path = ds.get("name"), ds.get("path")
    try:
        if not isinstance(name, str):
            raise KeyError("dataset name")
        loaded = load_dataset(name, data_path=data_path or os.environ.get("MEMOBENCH_DATA_DIR"))
    except (MemobenchError, KeyError, OSError):
        # not a registered name here, or its file not found: fall back to the recorded path
        found = recorded_file(rec_path, run_dir)
        if found is None:
            raise RunDirError(
                f"dataset {name!r} of the run is not found (set MEMOBENCH_DATA_DIR or --data)"
            ) from None
        loaded = load_dataset(found)
    if ds.get("sha256") and loaded.sha256 != ds["sha256"]:
        raise RunDirError(f"dataset {name!r} differs from the one the run used (sha256 mismatch)")
    return loaded.conversations


def _conversation_json(conv: Conversation) -> dict[str, Any]:
    return {
        "speakers": list(conv.speakers),
        "sessions": [
            {
                "i": s.index,
                "date": s.date_time_raw,
                "turns": [[t.dia_id, t.speaker, t.text] for t in s.turns],
            }
            for s in conv.sessions
        ],
    }


def _evidence_windows(conv: Conversation, evidence: tuple[str, ...]) -> list[list[Any]]:
    """For each gold turn: [session index, first position, last position] of its window."""
    out = []
    for ev in evidence:
        ids = parse_turn_id(ev)
        if ids is None:
            continue
        for s in conv.sessions:
            if s.index != ids[0]:
                continue
            pos = next((i for i, t in enumerate(s.turns) if t.dia_id == ev), None)
            if pos is not None:
                lo, hi = max(0, pos - CONTEXT_TURNS), min(len(s.turns) - 1, pos + CONTEXT_TURNS)
                out.append([s.index, lo, hi])
    # overlapping windows of one session are shown once
    merged: list[list[Any]] = []
    for w in sorted(out):
        if merged and merged[-1][0] == w[0] and w[1] <= merged[-1][2] + 1:
            merged[-1][2] = max(merged[-1][2], w[2])
        else:
            merged.append(w)
    return merged


def _run_view(sample: dict[str, Any], key: str, evidence: tuple[str, ...] | None) -> dict[str, Any]:
    extra = sample.get("extra") or {}
    judges = {k: v for k, v in extra.items() if k.startswith("judge_") and isinstance(v, dict)}
    return {
        "pred": sample.get("prediction"),
        "scores": sample.get("scores") or {},
        "ret": sample.get("retrieved"),
        "judges": judges,
        "err": extra.get("error")
        or (None if sample.get("prediction") is not None else "no answer"),
        "tax": classify(sample, key=key, evidence=evidence),
    }


def build_view_data(paths: list[Path], *, data_path: str | None = None) -> dict[str, Any]:
    """The page's JSON: runs, conversations referenced, and items joined across runs."""
    runs = [read_run(Path(p)) for p in paths]
    convs: dict[str, Conversation] = {}
    for r in runs:
        for c in _dataset(r["header"]["spec"], data_path, Path(r["path"])):
            convs.setdefault(c.sample_id, c)
    qa = {q.qa_id: (c, q) for c in convs.values() for q in c.qa}
    items: dict[tuple[str, str], dict[str, Any]] = {}
    used: set[str] = set()
    for i, r in enumerate(runs):
        key = correctness_key(r["samples"])
        r["key"] = key
        for s in r["samples"]:
            k = (s["task"], s["item_id"])
            extra = s.get("extra") or {}
            cq = qa.get(s["item_id"]) if s["task"] == "qa" else None
            ev = cq[1].evidence if cq else None
            it = items.get(k)
            if it is None:
                it = items[k] = {
                    "task": s["task"],
                    "id": s["item_id"],
                    "conv": s["conversation_id"],
                    "cat": s.get("category"),
                    "q": extra.get("question_shown") or (cq[1].question if cq else ""),
                    "gold": cq[1].answer if cq else extra.get("gold"),
                    "ev": list(ev or ()),
                    "win": _evidence_windows(cq[0], ev) if cq and ev else [],
                    "runs": [None] * len(runs),
                }
            it["runs"][i] = _run_view(s, key, ev)
            used.add(s["conversation_id"])
    return {
        "runs": [
            {
                "label": r["path"].name,
                "agent": r["header"]["spec"].get("agent", {}).get("name"),
                "key": r["key"],
                "n": len(r["samples"]),
                "smoke": bool(r["header"].get("smoke_test")),
                "guards": run_guards(r["samples"], [convs[c] for c in convs if c in used]),
            }
            for r in runs
        ],
        "convs": {cid: _conversation_json(convs[cid]) for cid in sorted(used) if cid in convs},
        "items": list(items.values()),
    }
