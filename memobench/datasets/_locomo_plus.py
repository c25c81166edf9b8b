"""Reader for Locomo-Plus (``locomo_plus.json``): cue/trigger items stitched into LoCoMo.

As upstream (``unified_input.py`` + ``build_conv.py``): item *i* uses LoCoMo conversation
``i mod 10``; the trigger is asked 7 days after its last session; the cue is one new session
``time_gap`` days before it (week 7, month 30, year 365; unparseable gaps give 0), placed by a
stable sort (ties: original sessions, then the cue). ``A:``/``B:`` map to speaker_a/speaker_b.
Unlike upstream's dateless prompt, session dates stay visible (recorded in metadata).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..data import Conversation, QACategory, QAItem, Session, Turn
from ._errors import DatasetFormatError
from ._locomo import read_locomo_json
from ._report import LoadReport

_NUMBERS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
} | {"a": 1, "an": 1}
_GAP = re.compile(r"\b(\d+|" + "|".join(_NUMBERS) + r")\s+(week|month|year)s?\b", re.IGNORECASE)
_UNIT_DAYS = {"week": 7, "month": 30, "year": 365}
FIELDS = ("relation_type", "cue_dialogue", "trigger_query", "time_gap")


def gap_days(phrase: str) -> int | None:
    """Days of the first ``number unit`` in ``phrase``; None when there is none (upstream: 0)."""
    m = _GAP.search(phrase)
    if not m:
        return None
    num = m.group(1).lower()
    return (int(num) if num.isdigit() else _NUMBERS[num]) * _UNIT_DAYS[m.group(2).lower()]


def _lines(text: str, conv: Conversation, sample: str, report: LoadReport) -> list[tuple[str, str]]:
    out = []
    for line in text.split("\n"):
        if line.startswith("A:"):
            out.append((conv.speakers[0], line[2:].strip()))
        elif line.startswith("B:"):
            out.append((conv.speakers[1], line[2:].strip()))
        elif line.strip():
            report.add("cue_line_dropped", sample, "cue_dialogue", line[:40])
    return out


def stitch(item: dict[str, Any], i: int, base: Conversation, report: LoadReport) -> Conversation:
    """One Locomo-Plus item as its own conversation: ``base`` plus the cue session."""
    sample = f"locomo-plus-{i:03d}"
    trigger_at = base.sessions[-1].date_time + timedelta(days=7)
    days = gap_days(item["time_gap"])
    if days is None:
        report.add("gap_unparsed", sample, "time_gap", item["time_gap"])
    cue_at = trigger_at - timedelta(days=days or 0)
    cue_index = max(s.index for s in base.sessions) + 1
    cue_lines = _lines(item["cue_dialogue"], base, sample, report)
    cue_turns = tuple(
        Turn(dia_id=f"D{cue_index}:{k}", speaker=who, text=text)
        for k, (who, text) in enumerate(cue_lines, start=1)
    )
    cue = Session(
        index=cue_index,
        date_time_raw=f"{cue_at:%-I:%M} {cue_at:%p}".lower() + f" on {cue_at.day} {cue_at:%B, %Y}",
        date_time=cue_at,
        turns=cue_turns,
    )
    # Stable: an original session at the same time comes before the cue (upstream order).
    sessions = sorted([*base.sessions, cue], key=lambda s: (s.date_time, s is cue))
    trigger = _lines(item["trigger_query"], base, sample, report)
    if not trigger:
        raise DatasetFormatError("locomo_plus.json", f"[{i}]", "trigger_query", "no 'A:' line")
    cue_text = "\n".join(f"{who}: {text}" for who, text in cue_lines)
    qa = QAItem(
        qa_id=f"{sample}:q0",
        question=trigger[0][1],
        # The cue is the only gold upstream (its judge's evidence); kept as the F1 reference.
        answer=cue_text,
        category=QACategory.SINGLE_HOP,
        evidence=tuple(t.dia_id for t in cue_turns),
        evidence_raw=tuple(t.dia_id for t in cue_turns),
        label="cognitive",
        asked_at=trigger_at,
        gold={
            "cue": cue_text,
            "subtype": item["relation_type"],
            "time_gap": item["time_gap"],
            "gap_days": days or 0,
            "model_name": item.get("model_name"),
            "trigger_speaker": trigger[0][0],
        },
    )
    return Conversation(
        sample_id=sample,
        speakers=base.speakers,
        sessions=tuple(sessions),
        annotations=base.annotations,
        qa=(qa,),
        metadata={
            "dataset": "locomo-plus",
            "base_conversation": base.sample_id,
            "deviation": "session dates shown (upstream's cognitive prompt has none)",
        },
    )


def _locomo_file(path: Path) -> Path:
    for p in (path.parent / "locomo10.json", path.parent.parent / "locomo" / "locomo10.json"):
        if p.is_file():
            return p
    raise DatasetFormatError(
        str(path), None, None, "Locomo-Plus needs locomo10.json beside it or in ../locomo/"
    )


def _read(path: Path) -> tuple[list[Conversation], list[Conversation], LoadReport]:
    file = str(path)
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetFormatError(file, None, None, f"invalid JSON: {exc}") from None
    if not isinstance(items, list):
        raise DatasetFormatError(file, None, None, "expected a JSON array of items")
    base, report = read_locomo_json(_locomo_file(Path(path)))
    report.file = file
    stitched = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise DatasetFormatError(file, f"[{i}]", None, "expected an object")
        for key in FIELDS:
            if not isinstance(item.get(key), str):
                raise DatasetFormatError(file, f"[{i}]", key, "missing or not text")
        stitched.append(stitch(item, i, base[i % len(base)], report))
    return base, stitched, report


def read_locomo_plus(path: Path) -> tuple[list[Conversation], LoadReport]:
    """The 401 cognitive items, each stitched into its LoCoMo conversation."""
    _, stitched, report = _read(path)
    return stitched, report


def read_locomo_plus_unified(path: Path) -> tuple[list[Conversation], LoadReport]:
    """LoCoMo's ten conversations (1,986 QA) followed by the 401 stitched cognitive items."""
    base, stitched, report = _read(path)
    # LoCoMo's items carry their category name as the dataset label (per-category tables).
    labelled = [
        c.model_copy(
            update={
                "qa": tuple(q.model_copy(update={"label": q.category.label}) for q in c.qa),
                "metadata": {**c.metadata, "dataset": "locomo-plus"},
            }
        )
        for c in base
    ]
    return [*labelled, *stitched], report
