"""Reader for BEAM (``<bucket>/<n>/chat.json`` + ``probing_questions.json``).

A batch becomes a session dated by its ``time_anchor`` (carried on the batch's first user
message: the batch-level field is null upstream); each message becomes a turn ``D<batch>:<k>``.
The generator's ``->-> b,t`` position markers are cut from every message of both roles, and
``question_type``/``index``/batch numbers stay out of turns: they mark evidence.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ..data import Conversation, QACategory, QAItem, Session, Turn
from ._errors import DatasetFormatError
from ._report import LoadReport

ABILITIES = (
    "abstention",
    "contradiction_resolution",
    "event_ordering",
    "information_extraction",
    "instruction_following",
    "knowledge_update",
    "multi_session_reasoning",
    "preference_following",
    "summarization",
    "temporal_reasoning",
)
#: The gold field of each ability (the rest of the record is kept in ``QAItem.gold``).
GOLD_FIELD = {
    "abstention": "ideal_response",
    "contradiction_resolution": "ideal_answer",
    "instruction_following": "expected_compliance",
    "preference_following": "expected_compliance",
    "summarization": "ideal_summary",
}
#: Nearest LoCoMo scoring route, so the existing QA task can run BEAM; ``label`` is the ability.
_CATEGORY = {
    "temporal_reasoning": QACategory.TEMPORAL,
    "multi_session_reasoning": QACategory.MULTI_HOP,
}
MARKER = "->->"
ANCHOR_FORMAT = "%B-%d-%Y"


def strip_marker(text: str) -> tuple[str, bool]:
    """Cut from the first ``->->`` to the end (irregular forms included), then right-strip."""
    cut = text.find(MARKER)
    return (text, False) if cut < 0 else (text[:cut].rstrip(), True)


def _ids(value: Any) -> list[int]:
    """Flatten ``source_chat_ids`` (a list, a list of lists, or a dict of lists) to message ids."""
    if isinstance(value, dict):
        return [i for v in value.values() for i in _ids(v)]
    if isinstance(value, list):
        return [i for v in value for i in _ids(v)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) else []


def _sessions(
    chat: Any, file: str, sample: str, report: LoadReport
) -> tuple[list[Session], dict[int, str]]:
    if not isinstance(chat, list):
        raise DatasetFormatError(file, sample, None, "expected a list of batches")
    sessions: list[Session] = []
    id_map: dict[int, str] = {}
    for b, batch in enumerate(chat):
        where = f"[{b}]"
        if not isinstance(batch, dict) or not isinstance(batch.get("turns"), list):
            raise DatasetFormatError(file, sample, f"{where}.turns", "missing or not a list")
        msgs = [m for group in batch["turns"] for m in (group if isinstance(group, list) else [])]
        anchor = batch.get("time_anchor") or next(
            (m.get("time_anchor") for m in msgs if isinstance(m, dict) and m.get("time_anchor")),
            None,
        )
        if not isinstance(anchor, str):
            raise DatasetFormatError(file, sample, f"{where}.time_anchor", "no time anchor")
        try:
            date = datetime.strptime(anchor, ANCHOR_FORMAT)
        except ValueError as exc:
            raise DatasetFormatError(file, sample, f"{where}.time_anchor", str(exc)) from None
        if batch.get("time_anchor") is None:
            report.add("anchor_on_message", sample, f"batch {b + 1}", anchor)
        turns = []
        for k, m in enumerate(msgs, start=1):
            mw = f"{where}.turns.message[{k - 1}]"
            if not isinstance(m, dict):
                raise DatasetFormatError(file, sample, mw, "expected an object")
            for key, typ in (("role", str), ("content", str), ("id", int)):
                if not isinstance(m.get(key), typ):
                    raise DatasetFormatError(file, sample, f"{mw}.{key}", f"missing or not {typ}")
            text, had = strip_marker(m["content"])
            dia_id = f"D{b + 1}:{k}"
            if had:
                report.add("position_marker", sample, dia_id, m["role"])
            id_map[m["id"]] = dia_id
            turns.append(Turn(dia_id=dia_id, speaker=m["role"], text=text))
        sessions.append(
            Session(index=b + 1, date_time_raw=anchor, date_time=date, turns=tuple(turns))
        )
    return sessions, id_map


def _qa(probes: Any, file: str, sample: str, id_map: dict[int, str], asked_at: datetime):
    if not isinstance(probes, dict):
        raise DatasetFormatError(file, sample, None, "expected an object keyed by ability")
    items: list[QAItem] = []
    for ability, records in probes.items():
        if not isinstance(records, list):
            raise DatasetFormatError(file, sample, ability, "expected a list")
        for i, rec in enumerate(records):
            where = f"{ability}[{i}]"
            if not isinstance(rec, dict) or not isinstance(rec.get("question"), str):
                raise DatasetFormatError(file, sample, f"{where}.question", "missing")
            rubric = rec.get("rubric")
            if not isinstance(rubric, list) or not all(isinstance(r, str) for r in rubric):
                raise DatasetFormatError(file, sample, f"{where}.rubric", "not a list of strings")
            src = _ids(rec.get("source_chat_ids"))
            missing = [s for s in src if s not in id_map]
            if missing:
                raise DatasetFormatError(
                    file, sample, f"{where}.source_chat_ids", f"unknown ids {missing}"
                )
            answer = rec.get(GOLD_FIELD.get(ability, "answer"))
            items.append(
                QAItem(
                    # Neutral: the qa_id reaches agents, so it must not name the ability.
                    qa_id=f"{sample}:q{len(items)}",
                    question=rec["question"],
                    answer=answer if isinstance(answer, str) else None,
                    category=_CATEGORY.get(ability, QACategory.SINGLE_HOP),
                    # Turn ids in both: the message ids stay in gold["source_chat_ids"].
                    evidence=tuple(dict.fromkeys(id_map[s] for s in src)),
                    evidence_raw=tuple(id_map[s] for s in src),
                    label=ability,
                    asked_at=asked_at,
                    gold={"index": i, **{k: v for k, v in rec.items() if k != "question"}},
                )
            )
    return items


def _probe_file(chat_dir: Path) -> Path:
    for p in (
        chat_dir / "probing_questions.json",
        chat_dir / "probing_questions/probing_questions.json",
    ):
        if p.is_file():
            return p
    raise DatasetFormatError(str(chat_dir), chat_dir.name, None, "no probing_questions.json")


def read_beam(path: Path) -> tuple[list[Conversation], LoadReport]:
    """Read a BEAM bucket directory (``100K/``), one chat directory, or one ``chat.json``."""
    path = Path(path)
    if path.is_file():
        chat_dirs = [path.parent]
    elif (path / "chat.json").is_file():
        chat_dirs = [path]
    else:
        chat_dirs = sorted(
            (d for d in path.iterdir() if (d / "chat.json").is_file()),
            key=lambda d: (not d.name.isdigit(), int(d.name) if d.name.isdigit() else 0, d.name),
        )
    report = LoadReport(file=str(path))
    out = []
    for d in chat_dirs:
        sample = f"beam-{d.name}"
        chat_file = d / "chat.json"
        try:
            chat = json.loads(chat_file.read_text(encoding="utf-8"))
            probe_file = _probe_file(d)
            probes = json.loads(probe_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DatasetFormatError(str(d), sample, None, f"invalid JSON: {exc}") from None
        sessions, id_map = _sessions(chat, str(chat_file), sample, report)
        if not sessions:
            raise DatasetFormatError(str(chat_file), sample, None, "no batches")
        # Upstream gives no asked-at time: the questions come after the last batch.
        qa = _qa(probes, str(probe_file), sample, id_map, sessions[-1].date_time)
        out.append(
            Conversation(
                sample_id=sample,
                speakers=("user", "assistant"),
                sessions=tuple(sessions),
                qa=tuple(qa),
                metadata={"dataset": "beam", "asked_at_rule": "last time anchor"},
            )
        )
    if not out:
        raise DatasetFormatError(str(path), None, None, "no BEAM chat directories found")
    return out, report
