"""Adapter-test helpers: a LoCoMo subset (the first sessions of some conversations, in LoCoMo's
own file format, with only the questions whose evidence lies in those sessions) and a run of
an adapter on it through the real runner, against the fake server."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from memobench.testing import FakeRequest


class RecordingReader:
    """The reader's side of an SDK fake: records every plain prompt, answers a fixed date."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.readings: list[str] = []

    def __call__(self, req: FakeRequest) -> str:
        with self.lock:
            self.readings.append(req.prompt)
        return "7 May 2023"


def load_subset(
    locomo_file: Path,
    tmp: Path,
    conversations: tuple[str, ...],
    sessions: int,
    turns: int | None = None,
) -> tuple[Path, dict[str, Any]]:
    """The subset file and its conversations, loaded by memobench, by id."""
    from memobench.datasets import load_dataset

    path = write_subset(locomo_file, tmp / "subset.json", conversations, sessions, turns)
    return path, {c.sample_id: c for c in load_dataset(path).conversations}


def write_subset(
    locomo_file: Path,
    out: Path,
    conversations: tuple[str, ...],
    sessions: int,
    turns: int | None = None,
) -> Path:
    """Write ``out`` (a LoCoMo-format JSON file) and return it: the first ``sessions``
    sessions, each cut to its first ``turns`` turns (None: all of them)."""

    def kept(key: str) -> bool:
        found = re.search(r"session_(\d+)", key)
        return found is None or int(found.group(1)) <= sessions

    def cited(evidence: object) -> bool:
        found = re.fullmatch(r"D(\d+):(\d+)", str(evidence).strip())
        return (
            found is not None
            and int(found.group(1)) <= sessions
            and (turns is None or int(found.group(2)) <= turns)
        )

    rows: list[dict[str, Any]] = []
    for conv in json.loads(locomo_file.read_text()):
        if conv["sample_id"] not in conversations:
            continue
        dialogue = {
            k: v[:turns] if isinstance(v, list) else v
            for k, v in conv["conversation"].items()
            if kept(k)
        }
        qa = [q for q in conv["qa"] if q.get("evidence") and all(cited(e) for e in q["evidence"])]
        per_session = {
            key: {k: v for k, v in conv.get(key, {}).items() if kept(k)}
            for key in ("event_summary", "observation", "session_summary")
        }
        rows.append(
            {"sample_id": conv["sample_id"], "conversation": dialogue, "qa": qa, **per_session}
        )
    out.write_text(json.dumps(rows))
    return out


def run_on(
    agent: str, base_url: str, dataset: Path, out: Path, convs: tuple[str, ...], **config: object
) -> Any:
    """``memobench run`` (as a ``Runner``) of ``agent`` on ``dataset``: 3 questions per
    conversation, the fake server's model as the reader and the SDK's model."""
    from memobench.runner import RunConfig, Runner

    return Runner(
        RunConfig(
            agent=agent,
            agent_config=dict(config),
            model="openai:fake-model",
            base_url=base_url,
            dataset=str(dataset),
            conversations=convs,
            limit=3,
            out=out,
            concurrency=4,
        )
    ).run()
