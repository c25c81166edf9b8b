"""Reader for LoCoMo-format JSON (``locomo10.json`` and memobench-generated datasets).

Every quirk listed in the LoCoMo reference (§8.2) is repaired or kept as documented in
``QUIRK_ACTIONS`` and recorded in the ``LoadReport``; nothing is dropped silently.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from ..data import (
    Conversation,
    Image,
    Observation,
    QACategory,
    QAItem,
    Session,
    SessionAnnotations,
    Turn,
    parse_turn_id,
)
from ._errors import DatasetFormatError
from ._report import LoadReport

_SESSION_KEY = re.compile(r"^session_(\d+)$")
_DATE_KEY = re.compile(r"^session_(\d+)_date_time$")
_EVIDENCE_SPLIT = re.compile(r"[;,\s]+")
DATE_FORMAT = "%I:%M %p on %d %B, %Y"


class _Ctx:
    """Where we are in the file, for error messages."""

    def __init__(self, file: str, sample: str | None) -> None:
        self.file, self.sample = file, sample

    def fail(self, field: str, problem: str) -> DatasetFormatError:
        return DatasetFormatError(self.file, self.sample, field, problem)

    def need(self, obj: dict[str, Any], key: str, typ: type | tuple[type, ...], field: str) -> Any:
        if key not in obj:
            raise self.fail(field, "missing")
        value = obj[key]
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            names = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
            raise self.fail(field, f"expected {names}, got {type(value).__name__}")
        return value


def parse_date_time(raw: str) -> tuple[datetime, bool]:
    """Parse a LoCoMo session time; returns (datetime, whether the noon-as-am quirk applied).

    LoCoMo's generator labelled every hour <= 12 as "am" while drawing times from 09:00-21:59,
    so "12:xx am" is really 12:xx pm (noon). No "12:xx pm" exists in the data.
    """
    parsed = datetime.strptime(raw.strip(), DATE_FORMAT)
    if parsed.hour == 0 and raw.strip().lower().startswith("12:"):
        return parsed.replace(hour=12), True
    return parsed, False


def clean_evidence(
    raw: list[str], known_turns: set[str], ctx: _Ctx, where: str, report: LoadReport
) -> tuple[str, ...]:
    """Split, repair and deduplicate evidence ids; report every repair."""
    cleaned: list[str] = []
    sample = ctx.sample or "?"
    for entry in raw:
        parts = [p for p in _EVIDENCE_SPLIT.split(entry.replace("(", "").replace(")", "")) if p]
        if len(parts) > 1 or "D:" in entry:
            report.add("malformed_evidence", sample, where, repr(entry))
        for part in parts:
            fixed = part.replace("D:", "D")
            parsed = parse_turn_id(fixed)
            if parsed is None:
                report.add("unparseable_evidence", sample, where, repr(part))
                continue
            canonical = f"D{parsed[0]}:{parsed[1]}"
            if canonical != fixed:
                report.add("zero_padded_evidence", sample, where, f"{fixed} -> {canonical}")
            if canonical not in known_turns:
                report.add("missing_evidence_turn", sample, where, canonical)
            if canonical in cleaned:
                report.add("duplicate_evidence_id", sample, where, canonical)
                continue
            cleaned.append(canonical)
    return tuple(cleaned)


def _load_turn(t: Any, ctx: _Ctx, field: str, report: LoadReport) -> Turn:
    if not isinstance(t, dict):
        raise ctx.fail(field, f"expected an object, got {type(t).__name__}")
    dia_id = ctx.need(t, "dia_id", str, f"{field}.dia_id")
    speaker = ctx.need(t, "speaker", str, f"{field}.speaker")
    text = ctx.need(t, "text", str, f"{field}.text")
    image = None
    urls = t.get("img_url")
    caption = t.get("blip_caption")
    if urls is not None or caption is not None:
        if urls is not None and not (
            isinstance(urls, list) and all(isinstance(u, str) for u in urls)
        ):
            raise ctx.fail(f"{field}.img_url", "expected a list of strings")
        if caption is not None and not isinstance(caption, str):
            raise ctx.fail(f"{field}.blip_caption", "expected a string")
        url = urls[0] if urls else None
        if url is None:
            report.add("caption_without_image", ctx.sample or "?", dia_id)
        elif t.get("query") is None:
            report.add("image_without_query", ctx.sample or "?", dia_id)
        image = Image(
            url=url,
            caption=caption,
            query=t.get("query"),
            redownload=bool(t.get("re-download", False)),
        )
    return Turn(dia_id=dia_id, speaker=speaker, text=text, image=image)


def _observation_ids(
    value: Any, ctx: _Ctx, field: str, report: LoadReport, where: str
) -> tuple[str, ...]:
    if isinstance(value, list):
        report.add("observation_ids_list", ctx.sample or "?", where, repr(value))
        ids = [str(v) for v in value]
    elif isinstance(value, str):
        ids = [p.strip() for p in value.split(",") if p.strip()]
        if len(ids) > 1:
            report.add("observation_ids_joined", ctx.sample or "?", where, value)
    else:
        raise ctx.fail(field, f"expected an id string or list, got {type(value).__name__}")
    return tuple(ids)


def _load_annotations(
    sample: dict[str, Any], indices: list[int], ctx: _Ctx, report: LoadReport
) -> tuple[SessionAnnotations, ...]:
    observations = sample.get("observation") or {}
    summaries = sample.get("session_summary") or {}
    events = sample.get("event_summary") or {}
    for name, value in (
        ("observation", observations),
        ("session_summary", summaries),
        ("event_summary", events),
    ):
        if not isinstance(value, dict):
            raise ctx.fail(name, f"expected an object, got {type(value).__name__}")
    out = []
    for n in indices:
        obs: list[Observation] = []
        raw_obs = observations.get(f"session_{n}_observation") or {}
        if not isinstance(raw_obs, dict):
            raise ctx.fail(f"observation.session_{n}_observation", "expected an object")
        for speaker, items in raw_obs.items():
            if not isinstance(items, list):
                raise ctx.fail(f"observation.session_{n}_observation.{speaker}", "expected a list")
            for k, item in enumerate(items):
                field = f"observation.session_{n}_observation.{speaker}[{k}]"
                if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                    raise ctx.fail(field, "expected [text, dia_id(s)]")
                ids = _observation_ids(item[1], ctx, field, report, f"session_{n} {speaker}[{k}]")
                obs.append(Observation(speaker=speaker, text=item[0], evidence=ids))
        summary = summaries.get(f"session_{n}_summary")
        if summary is not None and not isinstance(summary, str):
            raise ctx.fail(f"session_summary.session_{n}_summary", "expected a string")
        ev = events.get(f"events_session_{n}") or {}
        if not isinstance(ev, dict):
            raise ctx.fail(f"event_summary.events_session_{n}", "expected an object")
        ev_map: dict[str, tuple[str, ...]] = {}
        for k, v in ev.items():
            if k == "date":
                continue
            if not (isinstance(v, list) and all(isinstance(e, str) for e in v)):
                raise ctx.fail(
                    f"event_summary.events_session_{n}.{k}", "expected a list of strings"
                )
            ev_map[k] = tuple(v)
        out.append(
            SessionAnnotations(
                index=n,
                observations=tuple(obs),
                summary=summary,
                events=ev_map,
                events_date=ev.get("date"),
            )
        )
    return tuple(out)


def _load_qa(
    sample: dict[str, Any], sample_id: str, known: set[str], ctx: _Ctx, report: LoadReport
) -> tuple[QAItem, ...]:
    raw_qa = sample.get("qa", [])
    if not isinstance(raw_qa, list):
        raise ctx.fail("qa", f"expected a list, got {type(raw_qa).__name__}")
    items = []
    for i, q in enumerate(raw_qa):
        field = f"qa[{i}]"
        if not isinstance(q, dict):
            raise ctx.fail(field, "expected an object")
        question = ctx.need(q, "question", str, f"{field}.question")
        cat_num = ctx.need(q, "category", int, f"{field}.category")
        try:
            category = QACategory(cat_num)
        except ValueError:
            raise ctx.fail(
                f"{field}.category", f"unknown category {cat_num} (expected 1-5)"
            ) from None
        evidence_raw = q.get("evidence", [])
        if not (isinstance(evidence_raw, list) and all(isinstance(e, str) for e in evidence_raw)):
            raise ctx.fail(f"{field}.evidence", "expected a list of strings")
        answer: str | None
        if "answer" in q:
            value = q["answer"]
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise ctx.fail(
                    f"{field}.answer", f"expected a string or number, got {type(value).__name__}"
                )
            if not isinstance(value, str):
                report.add("integer_answer", sample_id, field, repr(value))
            answer = str(value)
            if answer != answer.strip():
                report.add("answer_whitespace", sample_id, field, repr(answer))
            if category is QACategory.ADVERSARIAL:
                report.add("cat5_with_answer", sample_id, field, question)
        elif category is QACategory.ADVERSARIAL:
            report.add("cat5_without_answer", sample_id, field)
            answer = None
        else:
            raise ctx.fail(f"{field}.answer", "missing (only category-5 items may omit it)")
        adversarial = q.get("adversarial_answer")
        if adversarial is not None:
            adversarial = str(adversarial)
        if not evidence_raw:
            report.add("empty_evidence", sample_id, field)
        evidence = clean_evidence(evidence_raw, known, ctx, field, report)
        items.append(
            QAItem(
                qa_id=f"{sample_id}:q{i}",
                question=question,
                answer=answer,
                adversarial_answer=adversarial,
                category=category,
                evidence=evidence,
                evidence_raw=tuple(evidence_raw),
            )
        )
    _report_duplicates(items, sample_id, report)
    return tuple(items)


def _report_duplicates(items: list[QAItem], sample_id: str, report: LoadReport) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    by_question: dict[str, list[QAItem]] = defaultdict(list)
    for i, item in enumerate(items):
        key = (item.question, item.answer, item.evidence_raw, item.category)
        if key in seen:
            report.add("duplicate_qa", sample_id, f"qa[{i}]", f"same as qa[{seen[key]}]")
        else:
            seen[key] = i
        by_question[item.question].append(item)
    for question, group in by_question.items():
        if len({g.category for g in group}) > 1:
            where = ", ".join(g.qa_id for g in group)
            report.add("contradictory_qa", sample_id, where, question)


def load_conversation(sample: Any, index: int, file: str, report: LoadReport) -> Conversation:
    """Parse one LoCoMo sample."""
    ctx = _Ctx(file, f"#{index}")
    if not isinstance(sample, dict):
        raise ctx.fail("sample", f"expected an object, got {type(sample).__name__}")
    sample_id = ctx.need(sample, "sample_id", str, "sample_id")
    ctx.sample = sample_id
    conv = ctx.need(sample, "conversation", dict, "conversation")
    speaker_a = ctx.need(conv, "speaker_a", str, "conversation.speaker_a")
    speaker_b = ctx.need(conv, "speaker_b", str, "conversation.speaker_b")

    session_keys = {int(m.group(1)): m.group(1) for k in conv if (m := _SESSION_KEY.match(k))}
    date_keys = {int(m.group(1)): m.group(1) for k in conv if (m := _DATE_KEY.match(k))}
    for n, text in [*session_keys.items(), *date_keys.items()]:
        if text != str(n):
            raise ctx.fail(
                f"conversation.session_{text}", "session numbers must not be zero-padded"
            )
    session_nums = sorted(session_keys)
    date_nums = sorted(date_keys)
    sessions = []
    for n in session_nums:
        field = f"conversation.session_{n}"
        turns_raw = conv[f"session_{n}"]
        if not isinstance(turns_raw, list):
            raise ctx.fail(field, f"expected a list of turns, got {type(turns_raw).__name__}")
        raw_date = ctx.need(conv, f"session_{n}_date_time", str, f"{field}_date_time")
        try:
            when, noon = parse_date_time(raw_date)
        except ValueError:
            raise ctx.fail(f"{field}_date_time", f"unparseable date {raw_date!r}") from None
        if noon:
            report.add("noon_written_as_am", sample_id, f"session_{n}", raw_date)
        turns = tuple(_load_turn(t, ctx, f"{field}[{k}]", report) for k, t in enumerate(turns_raw))
        sessions.append(Session(index=n, date_time_raw=raw_date, date_time=when, turns=turns))
    date_only = {}
    for n in date_nums:
        if n not in session_nums:
            raw_date = conv[f"session_{n}_date_time"]
            report.add("date_only_session", sample_id, f"session_{n}", str(raw_date))
            date_only[str(n)] = raw_date
            if isinstance(raw_date, str):
                try:
                    if parse_date_time(raw_date)[1]:
                        report.add("noon_written_as_am", sample_id, f"session_{n}", raw_date)
                except ValueError:
                    raise ctx.fail(
                        f"conversation.session_{n}_date_time", f"unparseable date {raw_date!r}"
                    ) from None
    for earlier, later in itertools.pairwise(sessions):
        if later.date_time <= earlier.date_time:
            raise ctx.fail(
                f"conversation.session_{later.index}_date_time",
                f"not after session {earlier.index} ({later.date_time_raw!r} <= {earlier.date_time_raw!r})",
            )
    known = {t.dia_id for s in sessions for t in s.turns}
    annotations = _load_annotations(sample, session_nums, ctx, report)
    qa = _load_qa(sample, sample_id, known, ctx, report)
    metadata: dict[str, Any] = {}
    if date_only:
        metadata["date_only_sessions"] = date_only
    return Conversation(
        sample_id=sample_id,
        speakers=(speaker_a, speaker_b),
        sessions=tuple(sessions),
        annotations=annotations,
        qa=qa,
        metadata=metadata,
    )


def read_locomo_json(path: str | Path) -> tuple[list[Conversation], LoadReport]:
    """Read a LoCoMo-format file into conversations and a load report."""
    file = str(path)
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetFormatError(file, None, None, f"not valid JSON ({exc})") from None
    if not isinstance(raw, list):
        raise DatasetFormatError(
            file, None, None, f"expected a JSON list of samples, got {type(raw).__name__}"
        )
    report = LoadReport(file=file)
    conversations = [load_conversation(s, i, file, report) for i, s in enumerate(raw)]
    ids = [c.sample_id for c in conversations]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise DatasetFormatError(file, dup[0], "sample_id", "duplicate sample_id")
    return conversations, report
