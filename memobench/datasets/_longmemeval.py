"""Reader for LongMemEval (cleaned release: ``longmemeval_{s,m}_cleaned.json``, oracle).

Each question becomes one conversation of user/assistant sessions in date order, asked at its
``question_date``. Session ids are replaced by neutral ``S<n>`` (the ``answer_`` ids mark
evidence) and ``has_answer`` flags are dropped (their mere presence marks evidence); both are
kept for scoring only, in ``QAItem.gold``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ..data import Conversation, QACategory, QAItem, Session, Turn
from ._errors import DatasetFormatError
from ._report import LoadReport

DATE_FORMAT = "%Y/%m/%d (%a) %H:%M"
QUESTION_TYPES = (
    "single-session-user",
    "single-session-assistant",
    "single-session-preference",
    "multi-session",
    "temporal-reasoning",
    "knowledge-update",
)
#: Nearest LoCoMo scoring route, so the existing QA task runs; ``label`` is the question type.
_CATEGORY = {"temporal-reasoning": QACategory.TEMPORAL, "multi-session": QACategory.MULTI_HOP}


def parse_lme_date(raw: str, file: str, sample: str, field: str) -> datetime:
    try:
        return datetime.strptime(raw.strip(), DATE_FORMAT)
    except (ValueError, AttributeError):
        raise DatasetFormatError(file, sample, field, f"bad date {raw!r}") from None


def _need(rec: dict[str, Any], key: str, typ: type, file: str, sample: str) -> Any:
    if not isinstance(rec.get(key), typ):
        raise DatasetFormatError(file, sample, key, f"missing or not {typ.__name__}")
    return rec[key]


def _record(rec: Any, n: int, file: str, report: LoadReport) -> Conversation:
    sample = f"lme-{n + 1:04d}"
    if not isinstance(rec, dict):
        raise DatasetFormatError(file, f"[{n}]", None, "expected an object")
    qid = _need(rec, "question_id", str, file, f"[{n}]")
    where = f"[{n}] {qid}"
    qtype = _need(rec, "question_type", str, file, where)
    question = _need(rec, "question", str, file, where)
    answer = rec.get("answer")
    if not isinstance(answer, (str, int, float)) or isinstance(answer, bool):
        raise DatasetFormatError(file, where, "answer", "missing or not text")
    asked = parse_lme_date(
        _need(rec, "question_date", str, file, where), file, where, "question_date"
    )
    ids = _need(rec, "haystack_session_ids", list, file, where)
    dates = _need(rec, "haystack_dates", list, file, where)
    raw_sessions = _need(rec, "haystack_sessions", list, file, where)
    if not len(ids) == len(dates) == len(raw_sessions):
        raise DatasetFormatError(
            file, where, "haystack_sessions", "ids/dates/sessions differ in length"
        )
    parsed = [
        (parse_lme_date(d, file, where, f"haystack_dates[{i}]"), i) for i, d in enumerate(dates)
    ]
    order = [i for _, i in sorted(parsed)]  # stable on ties: file order
    if order != list(range(len(order))):
        report.add("sessions_resorted", sample, "haystack_sessions", qid)
    sessions: list[Session] = []
    session_map: dict[str, str] = {}
    evidence_turns: list[str] = []
    for s_new, i in enumerate(order, start=1):
        raw = raw_sessions[i]
        if not isinstance(raw, list):
            raise DatasetFormatError(file, where, f"haystack_sessions[{i}]", "expected a list")
        session_map[f"S{s_new}"] = str(ids[i])
        turns = []
        flagged = False
        for j, t in enumerate(raw, start=1):
            tf = f"haystack_sessions[{i}][{j - 1}]"
            if not isinstance(t, dict) or t.get("role") not in ("user", "assistant"):
                raise DatasetFormatError(file, where, f"{tf}.role", "not user/assistant")
            if not isinstance(t.get("content"), str):
                raise DatasetFormatError(file, where, f"{tf}.content", "missing or not text")
            dia_id = f"D{s_new}:{j}"
            if "has_answer" in t:
                flagged = True
                if t["has_answer"] is True:
                    evidence_turns.append(dia_id)
            turns.append(Turn(dia_id=dia_id, speaker=t["role"], text=t["content"]))
        if flagged:
            report.add("has_answer_dropped", sample, f"S{s_new}")
        sessions.append(
            Session(index=s_new, date_time_raw=dates[i], date_time=parsed[i][0], turns=tuple(turns))
        )
    renamed = sum(1 for orig in session_map.values() if "answer" in orig)
    if renamed:
        report.add("session_renamed", sample, "haystack_session_ids", f"{renamed} evidence ids")
    gold_sessions = [str(x) for x in rec.get("answer_session_ids") or []]
    back = {orig: new for new, orig in session_map.items()}
    for orig in gold_sessions:
        new = back.get(orig)
        if new is not None and sessions[int(new[1:]) - 1].date_time > asked:
            report.add("evidence_after_question", sample, new, orig)
    qa = QAItem(
        qa_id=f"{sample}:q0",
        question=question,
        answer=str(answer),
        category=_CATEGORY.get(qtype, QACategory.SINGLE_HOP),
        evidence=tuple(evidence_turns),
        evidence_raw=tuple(evidence_turns),
        label=qtype,
        asked_at=asked,
        gold={
            "question_id": qid,
            "abstention": "_abs" in qid,
            "answer_sessions": [back[o] for o in gold_sessions if o in back],
            "session_ids": session_map,
        },
    )
    return Conversation(
        sample_id=sample,
        speakers=("user", "assistant"),
        sessions=tuple(sessions),
        qa=(qa,),
        metadata={"dataset": "longmemeval"},
    )


def read_longmemeval(path: Path) -> tuple[list[Conversation], LoadReport]:
    """Read a LongMemEval JSON array (``_s``/``_m`` cleaned or oracle)."""
    file = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetFormatError(file, None, None, f"invalid JSON: {exc}") from None
    if not isinstance(data, list):
        raise DatasetFormatError(file, None, None, "expected a JSON array of questions")
    report = LoadReport(file=file)
    return [_record(rec, n, file, report) for n, rec in enumerate(data)], report
