"""FactScore-style atomic-fact precision/recall/F1 for LoCoMo event summarization.

LoCoMo (paper §5, App. C.1) decomposes both the gold event graph and the predicted summary into
atomic facts; precision = share of predicted facts supported by the gold facts, recall = share of
gold facts covered by the prediction. The decomposer and judge model are not specified, so this
module keeps both pluggable:

* decomposition: :func:`split_atomic_facts` (offline, deterministic heuristic) or
  :func:`decompose_with_judge` (an LLM, with the heuristic as fallback);
* support: any ``supports(fact, against) -> bool``; :class:`JudgeSupporter` (LLM yes/no) and
  :class:`EmbeddingSupporter` (MiniLM cosine ≥ threshold) are provided.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # numpy is imported where used: importing the package stays light
    import numpy as np

from ..._util.aio import maybe_await, resolve
from ..._util.prompts import PromptTemplate, fill, read_template

# --------------------------------------------------------------------------------------------
# Heuristic decomposition
# --------------------------------------------------------------------------------------------

#: Abbreviations whose trailing period does not end a sentence.
_ABBREVIATIONS = frozenset(
    # A word list reads better as one string than as 30 quoted items.
    "mr mrs ms dr prof sr jr st mt vs etc e.g i.e a.m p.m approx dept "  # noqa: SIM905
    "jan feb mar apr jun jul aug sep sept oct nov dec no".split()
)
#: Words that, starting the right-hand side of "and"/"but", mark it as a new clause (a subject).
_SUBJECT_PRONOUNS = frozenset(("i", "he", "she", "they", "we", "you", "it"))
_BULLET_RE = re.compile(r"^\s*(?:[-*•·]|\(?\d{1,3}[.)])\s+")
_SENT_END_RE = re.compile(r"([.!?]+)[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_CLAUSE_SPLIT_RE = re.compile(r",?\s+(?:and|but)\s+(?:then\s+|also\s+)?", re.IGNORECASE)
_TRAILING_PUNCT = " \t.;,:!?"


def _sentences(text: str) -> list[str]:
    """Lines (bullets stripped), then sentence boundaries ``[.!?]`` + space + capital/digit."""
    out: list[str] = []
    for raw_line in text.splitlines():
        line = _BULLET_RE.sub("", raw_line).strip()
        if not line:
            continue
        start = 0
        for m in _SENT_END_RE.finditer(line):
            before = line[start : m.start(1)].split()
            last = before[-1].lower().rstrip(".") if before else ""
            # "Dr. Smith", "e.g. X", single initials "J. K. Rowling": not a boundary.
            if m.group(1) == "." and (last in _ABBREVIATIONS or len(last) == 1):
                continue
            out.append(line[start : m.end(1)])
            start = m.end()
        out.append(line[start:])
    return [s.strip() for s in out if s.strip()]


def _starts_clause(words: list[str]) -> bool:
    """Right side of and/but starts a clause: a subject pronoun or a capitalised name + ≥1 word."""
    if len(words) < 2:
        return False
    first = words[0].strip("\"'(")
    return first.lower() in _SUBJECT_PRONOUNS or (first[:1].isupper() and first[1:].islower())


def _is_clause(words: list[str]) -> bool:
    """Left side of and/but is a clause: ≥2 words, not all capitalised (not a name list)."""
    return len(words) >= 2 and any(w[:1].islower() for w in words)


def _split_clauses(sentence: str) -> list[str]:
    parts: list[str] = []
    for piece in sentence.split(";"):
        piece = piece.strip()
        if not piece:
            continue
        # Walk the and/but joints left to right; split only where the right side has a subject.
        current: list[str] = []
        pos = 0
        for m in _CLAUSE_SPLIT_RE.finditer(piece):
            right = piece[m.end() :].split()
            left = " ".join([*current, piece[pos : m.start()]]).split()
            if _starts_clause(right) and _is_clause(left):
                current.append(piece[pos : m.start()])
                parts.append(" ".join(current).strip())
                current, pos = [], m.end()
        current.append(piece[pos:])
        parts.append(" ".join(current).strip())
    return parts


def split_atomic_facts(text: str) -> list[str]:
    """Split ``text`` into atomic facts with a deterministic, offline heuristic.

    Rule, applied in order:

    1. Split into lines; strip list bullets (``-``, ``*``, ``•``, ``1.``, ``2)``).
    2. Split lines into sentences at ``.``/``!``/``?`` followed by whitespace and an uppercase
       letter or digit, except after a known abbreviation (Mr., Dr., e.g., ...) or an initial.
    3. Split sentences at every ``;``.
    4. Split at ``and``/``but`` (optionally ``, and``, ``and then``, ``and also``) **only** when the
       words after it start a new clause (a subject pronoun I/he/she/they/we/you/it or a
       capitalised name, followed by at least one more word) and the words before it (since the
       previous split) are a clause too (≥2 words, at least one lowercase-initial, i.e. not a
       bare name list such as "Mary Jane"). So "Caroline went to a support
       group and Melanie painted" splits, while "bought apples and pears" and "Caroline and
       Melanie went hiking" do not. Shared-subject coordination ("went hiking and took
       photos") is *not* split — an LLM decomposer does better there.
    5. Strip surrounding whitespace and trailing ``.;,:!?``; drop empty facts and exact
       (case-insensitive) duplicates, keeping first-occurrence order.
    """
    facts: list[str] = []
    seen: set[str] = set()
    for sentence in _sentences(text):
        for clause in _split_clauses(sentence):
            fact = clause.strip().rstrip(_TRAILING_PUNCT).strip()
            key = fact.lower()
            if fact and key not in seen:
                seen.add(key)
                facts.append(fact)
    return facts


def split_atomic_facts_many(texts: Iterable[str]) -> list[str]:
    """:func:`split_atomic_facts` over several texts (e.g. one session's gold events), deduped."""
    return split_atomic_facts("\n".join(t.replace("\n", " ") for t in texts))


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


@runtime_checkable
class Supports(Protocol):
    """``supports(fact, against)``: is ``fact`` supported by (entailed by) ``against``'s facts."""

    def __call__(self, fact: str, against: list[str]) -> bool | Awaitable[bool]: ...


@dataclasses.dataclass(frozen=True, slots=True)
class FactJudgement:
    """One support decision."""

    fact: str
    """The fact that was checked."""
    side: str
    """``"pred"`` (checked against gold: precision) or ``"gold"`` (against pred: recall)."""
    supported: bool
    """The supporter's verdict."""


@dataclasses.dataclass(frozen=True, slots=True)
class FactScore:
    """Atomic-fact precision/recall/F1 of a predicted summary against gold facts."""

    precision: float
    """supported_pred / n_pred; 0.0 when the prediction has no facts (n_pred == 0)."""
    recall: float | None
    """covered_gold / n_gold; None when there are no gold facts (undefined)."""
    f1: float | None
    """Harmonic mean of precision and recall; 0.0 if both are 0; None when recall is None."""
    n_pred: int
    """Number of predicted atomic facts."""
    n_gold: int
    """Number of gold atomic facts."""
    supported_pred: int
    """Predicted facts supported by the gold facts."""
    covered_gold: int
    """Gold facts supported by (covered by) the predicted facts."""
    details: tuple[FactJudgement, ...]
    """Every verdict: predicted facts first, then gold facts, each in input order."""


def _score(pred: Sequence[str], gold: Sequence[str], pv: list[bool], gv: list[bool]) -> FactScore:
    supported, covered = sum(pv), sum(gv)
    precision = supported / len(pred) if pred else 0.0
    recall = covered / len(gold) if gold else None
    if recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    details = tuple(FactJudgement(f, "pred", v) for f, v in zip(pred, pv, strict=True)) + tuple(
        FactJudgement(f, "gold", v) for f, v in zip(gold, gv, strict=True)
    )
    return FactScore(precision, recall, f1, len(pred), len(gold), supported, covered, details)


def _prepare(supports: Any, pred: Sequence[str], gold: Sequence[str]) -> None:
    # Optional batching hook (EmbeddingSupporter embeds everything in one call).
    prepare = getattr(supports, "prepare", None)
    if callable(prepare):
        prepare([*pred, *gold])


def atomic_fact_prf(
    pred_facts: Sequence[str],
    gold_facts: Sequence[str],
    *,
    supports: Callable[[str, list[str]], bool],
) -> FactScore:
    """Precision (pred facts supported by gold) / recall (gold facts covered by pred) / F1.

    ``supports`` must be synchronous here; use :func:`aatomic_fact_prf` for async supporters.
    A fact checked against an empty list is unsupported without calling ``supports``.
    """
    pred, gold = list(pred_facts), list(gold_facts)
    _prepare(supports, pred, gold)

    def check(fact: str, against: list[str]) -> bool:
        if not against:
            return False
        verdict = supports(fact, against)
        if inspect.isawaitable(verdict):
            close = getattr(verdict, "close", None)
            if close:
                close()  # avoid "coroutine was never awaited"
            raise TypeError("supports returned an awaitable; use aatomic_fact_prf")
        return bool(verdict)

    pv = [check(f, gold) for f in pred]
    gv = [check(f, pred) for f in gold]
    return _score(pred, gold, pv, gv)


async def aatomic_fact_prf(
    pred_facts: Sequence[str],
    gold_facts: Sequence[str],
    *,
    supports: Callable[[str, list[str]], bool | Awaitable[bool]],
    max_concurrency: int = 8,
) -> FactScore:
    """Async :func:`atomic_fact_prf`: verdicts run concurrently (at most ``max_concurrency``)."""
    pred, gold = list(pred_facts), list(gold_facts)
    _prepare(supports, pred, gold)
    sem = asyncio.Semaphore(max_concurrency)

    async def check(fact: str, against: list[str]) -> bool:
        if not against:
            return False
        async with sem:
            verdict = supports(fact, against)
            if inspect.isawaitable(verdict):
                verdict = await verdict
        return bool(verdict)

    verdicts = await asyncio.gather(
        *[check(f, gold) for f in pred], *[check(f, pred) for f in gold]
    )
    return _score(pred, gold, list(verdicts[: len(pred)]), list(verdicts[len(pred) :]))


# --------------------------------------------------------------------------------------------
# Judge-based supporter and decomposer
# --------------------------------------------------------------------------------------------

Judge = Callable[[str], str | Awaitable[str]]
"""A model call: prompt in, completion text out (sync or async)."""

TemplateSource = str | os.PathLike[str] | PromptTemplate
"""A prompt template, or the path of its file."""


def _template(source: TemplateSource, *required: str) -> PromptTemplate:
    if isinstance(source, PromptTemplate):
        return source.require(*required)
    return read_template(source, *required)


def load_prompt_template(path: str | os.PathLike[str], required: Iterable[str]) -> str:
    """Read a prompt template and check it has every ``{placeholder}`` in ``required``
    (:class:`memobench.errors.ConfigError`, a ``ValueError``, naming the file otherwise)."""
    return read_template(path, *required).text


def render_prompt(template: str, **values: str) -> str:
    """Fill ``{fact}``/``{context}``/``{text}`` in one pass (``memobench._util.prompts``).

    Not ``str.format``: templates may contain literal JSON braces, and substituted values are
    never re-scanned (a fact containing "{context}" stays literal).
    """
    return fill(template, dict(values))


def _strip_fences(text: str) -> str:
    return re.sub(r"```[a-zA-Z]*", "", text).strip()


def parse_support_verdict(text: str) -> bool | None:
    """Parse a judge reply: JSON ``{"supported": true|false|"yes"|"no"}``, or yes/no words.

    Order: a JSON object with a ``supported`` key anywhere in the reply; else the first of
    "not supported"/"unsupported" (→ False), yes/true/supported (→ True), no/false (→ False),
    searched as whole words from the start. None when nothing matches.
    """
    body = _strip_fences(text)
    for m in re.finditer(r"\{[^{}]*\}", body):
        try:
            obj = json.loads(m.group(0))
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "supported" in obj:
            val = obj["supported"]
            if isinstance(val, bool):
                return val
            if isinstance(val, str) and val.strip().lower() in {"yes", "true", "no", "false"}:
                return val.strip().lower() in {"yes", "true"}
    word = re.search(
        r"\b(not supported|unsupported|supported|yes|true|no|false)\b", body, flags=re.IGNORECASE
    )
    if word is None:
        return None
    return word.group(1).lower() in {"supported", "yes", "true"}


def _format_context(against: Sequence[str]) -> str:
    return "\n".join(f"- {a}" for a in against)


class JudgeSupporter:
    """``supports`` backed by an LLM judge and a prompt template with ``{fact}``, ``{context}``.

    ``{context}`` is filled with the ``against`` facts as "- fact" lines. An unparseable reply
    counts as *not supported* (conservative) and increments :attr:`unparsed`. Use it as a sync
    callable (sync judge, or async judge outside an event loop) or via :meth:`asupports`.
    """

    def __init__(self, judge: Judge, template_path: TemplateSource) -> None:
        self.judge = judge
        self.template = _template(template_path, "fact", "context").text
        self.unparsed = 0
        """How many replies could not be parsed (and were scored unsupported)."""

    def prompt(self, fact: str, against: Sequence[str]) -> str:
        return render_prompt(self.template, fact=fact, context=_format_context(against))

    def _verdict(self, reply: str) -> bool:
        verdict = parse_support_verdict(reply)
        if verdict is None:
            self.unparsed += 1
            return False
        return verdict

    def __call__(self, fact: str, against: list[str]) -> bool:
        return self._verdict(resolve(self.judge(self.prompt(fact, against)), in_loop="raise"))

    async def asupports(self, fact: str, against: list[str]) -> bool:
        return self._verdict(await maybe_await(self.judge(self.prompt(fact, against))))


def parse_fact_list(text: str) -> list[str]:
    """Parse a decomposer reply: a JSON list of strings (anywhere in the reply), else bullet or
    numbered lines (``-``/``*``/``•``/``1.``/``1)``). Returns [] when nothing usable is found."""
    body = _strip_fences(text)
    start, end = body.find("["), body.rfind("]")
    if 0 <= start < end:
        try:
            obj = json.loads(body[start : end + 1])
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, list) and obj and all(isinstance(x, str) for x in obj):
            return [x.strip() for x in obj if x.strip()]
    facts = []
    for line in body.splitlines():
        if _BULLET_RE.match(line):
            fact = _BULLET_RE.sub("", line).strip()
            if fact:
                facts.append(fact)
    return facts


def _decomposed(reply: str, text: str) -> list[str]:
    facts = parse_fact_list(reply)
    return facts if facts else split_atomic_facts(text)


def decompose_with_judge(text: str, judge: Judge, *, template_path: TemplateSource) -> list[str]:
    """Atomic facts of ``text`` from an LLM (template placeholder ``{text}``).

    Falls back to :func:`split_atomic_facts` when the reply has no parseable fact list.
    Empty/whitespace ``text`` → [] without calling the judge.
    """
    if not text.strip():
        return []
    template = _template(template_path, "text").text
    reply = resolve(judge(render_prompt(template, text=text)), in_loop="raise")
    return _decomposed(reply, text)


async def adecompose_with_judge(
    text: str, judge: Judge, *, template_path: TemplateSource
) -> list[str]:
    """Async :func:`decompose_with_judge`."""
    if not text.strip():
        return []
    template = _template(template_path, "text").text
    reply = await maybe_await(judge(render_prompt(template, text=text)))
    return _decomposed(reply, text)


# --------------------------------------------------------------------------------------------
# Embedding-based supporter
# --------------------------------------------------------------------------------------------

#: Chosen on 48 hand-made fact pairs (24 paraphrases, 24 same-person/different-event) with the
#: int8 ONNX MiniLM: paraphrases scored 0.827-0.984, non-paraphrases 0.379-0.813 except one
#: near-duplicate wording ("applied for" vs "got accepted into" an internship: 0.958). 0.80 gives
#: accuracy 0.958 (TPR 1.0, FPR 0.083); the accuracy peak (0.979) sits at 0.814-0.826, right at
#: the lowest paraphrase, so we keep a margin. See notes/text_metrics.md,
#: tests/scoring_text/fact_pairs.json. Recalibrate if you swap the embedding model.
DEFAULT_SUPPORT_THRESHOLD = 0.80


class EmbeddingSupporter:
    """Offline ``supports``: max cosine(fact, any of ``against``) ≥ ``threshold``.

    ``embed`` maps texts to a [n, d] array (need not be normalised). Embeddings are cached per
    text for the supporter's lifetime, so reuse one instance per document, not forever.
    """

    def __init__(
        self,
        embed: Callable[[list[str]], np.ndarray | Sequence[Sequence[float]]],
        threshold: float = DEFAULT_SUPPORT_THRESHOLD,
    ) -> None:
        self.embed = embed
        self.threshold = threshold
        self._cache: dict[str, np.ndarray] = {}

    def prepare(self, texts: Sequence[str]) -> None:
        """Embed all not-yet-cached ``texts`` in one batch."""
        import numpy as np

        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            vecs = np.asarray(self.embed(todo), dtype=np.float64)
            norms = np.linalg.norm(vecs, axis=1, keepdims=True)
            for t, v in zip(todo, vecs / np.maximum(norms, 1e-12), strict=True):
                self._cache[t] = v

    def max_similarity(self, fact: str, against: Sequence[str]) -> float:
        """Highest cosine between ``fact`` and any text in ``against`` (−1.0 if empty)."""
        import numpy as np

        if not against:
            return -1.0
        self.prepare([fact, *against])
        mat = np.stack([self._cache[a] for a in against])
        return float((mat @ self._cache[fact]).max())

    def __call__(self, fact: str, against: list[str]) -> bool:
        return self.max_similarity(fact, against) >= self.threshold
