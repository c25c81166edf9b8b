"""A LoCoMo subset for adapter tests: the first sessions of some conversations, in LoCoMo's own
file format, with only the questions whose evidence lies in those sessions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


def write_subset(
    locomo_file: Path, out: Path, conversations: tuple[str, ...], sessions: int
) -> Path:
    """Write ``out`` (a LoCoMo-format JSON file) and return it."""

    def kept(key: str) -> bool:
        found = re.search(r"session_(\d+)", key)
        return found is None or int(found.group(1)) <= sessions

    kept_sessions = {f"D{i}" for i in range(1, sessions + 1)}
    rows: list[dict[str, Any]] = []
    for conv in json.loads(locomo_file.read_text()):
        if conv["sample_id"] not in conversations:
            continue
        dialogue = {k: v for k, v in conv["conversation"].items() if kept(k)}
        qa = [
            q
            for q in conv["qa"]
            if q.get("evidence")
            and all(str(e).split(":")[0] in kept_sessions for e in q["evidence"])
        ]
        per_session = {
            key: {k: v for k, v in conv.get(key, {}).items() if kept(k)}
            for key in ("event_summary", "observation", "session_summary")
        }
        rows.append(
            {"sample_id": conv["sample_id"], "conversation": dialogue, "qa": qa, **per_session}
        )
    out.write_text(json.dumps(rows))
    return out
