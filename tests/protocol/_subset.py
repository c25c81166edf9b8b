"""A small LoCoMo-format file cut from the real ``locomo10.json``: the protocol tests' item set.

conv-26, sessions 1-3 (58 turns, 7 of them image turns with a BLIP caption), and eight of its
questions whose evidence lies in those sessions: two temporal (category 2, one with an image
turn as evidence), one open-domain, one multi-hop (image evidence), one single-hop and three
adversarial (category 5). Everything is copied verbatim from the real file; only later sessions
and other questions are dropped, so the prompts are those of real LoCoMo items.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLE = "conv-26"
SESSIONS = 3
#: Indices into conv-26's ``qa`` list (categories 2, 2, 3, 1, 4, 5, 5, 5).
QA_INDICES = (0, 1, 2, 4, 82, 152, 153, 154)


def _keep_session_keys(mapping: dict[str, Any], sessions: int) -> dict[str, Any]:
    """Keys that name a session number (``session_3_summary``, ``events_session_2``) ≤ ``sessions``."""
    out = {}
    for key, value in mapping.items():
        digits = [p for p in key.split("_") if p.isdigit()]
        if not digits or int(digits[0]) <= sessions:
            out[key] = value
    return out


def write_subset(locomo_path: Path, dest: Path) -> Path:
    """Write the subset as a one-conversation LoCoMo file at ``dest`` and return it."""
    samples = json.loads(locomo_path.read_text(encoding="utf-8"))
    sample = next(s for s in samples if s["sample_id"] == SAMPLE)
    conv = _keep_session_keys(sample["conversation"], SESSIONS)
    subset = {
        "sample_id": SAMPLE,
        "conversation": conv,
        "qa": [sample["qa"][i] for i in QA_INDICES],
        "event_summary": _keep_session_keys(sample["event_summary"], SESSIONS),
        "observation": _keep_session_keys(sample["observation"], SESSIONS),
        "session_summary": _keep_session_keys(sample["session_summary"], SESSIONS),
    }
    dest.write_text(json.dumps([subset], indent=1, ensure_ascii=False), encoding="utf-8")
    return dest
