"""Official judges of the datasets beyond LoCoMo, driven through the cached LLM layer.

- ``longmemeval``: one yes/no call per item, prompt by route (``_abs`` first, then type);
- ``beam``: one call per rubric item (1.0 / 0.5 / 0.0); event ordering adds YES/NO alignment
  calls and the Kendall tau-b based score;
- ``locomo-plus``: one correct / partial / wrong call per item with upstream's judge for its
  category: Memory Awareness for the cognitive items; for the unified set's LoCoMo items
  Fact-Checking, Temporal Logic, Knowledge Logic (with the gold and the evidence turns) and
  Skeptical (adversarial: the prediction only).

Corrected behaviour by default; each upstream behaviour behind its named option (``OFFICIAL``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from .._util.hashing import sha256_text
from ..data import Conversation, QAItem
from ..llm import GenerateConfig, LLMClient, LLMError, Message, get_llm
from ..scoring import beam, locomo_plus, longmemeval
from ._judge import Judge, JudgeItem, Verdict

DATASET_JUDGES = ("longmemeval", "beam", "locomo-plus")
#: Named options that reproduce an upstream behaviour (for parity); the default corrects it.
OFFICIAL: dict[str, tuple[str, ...]] = {
    "longmemeval": ("official_substring",),
    "beam": ("official_unfilled_question", "official_int_truncation"),
    "locomo-plus": ("official_parse",),
}
#: Upstream's judge models (recorded next to the model actually used).
OFFICIAL_MODEL = {
    "longmemeval": "gpt-4o-2024-08-06",
    "beam": "gpt-4.1-mini",
    "locomo-plus": "gpt-4o-mini",
}
_MAX_TOKENS = {"longmemeval": 10, "beam": 256, "locomo-plus": 512}
#: Cap on listed events aligned per event-ordering answer (|sys| x |ref| calls otherwise).
MAX_EVENTS = 40

Scores = dict[str, float | None]


def _prompt_files(dataset: str) -> dict[str, str]:
    module = {"longmemeval": longmemeval, "beam": beam, "locomo-plus": locomo_plus}[dataset]
    return module.prompt_hashes()


class DatasetJudge:
    """A dataset's official judge: ``score_item`` for runs, ``judge_many`` for calibration."""

    k = 1

    def __init__(
        self, dataset: str, model: str | LLMClient, *, official: Sequence[str] = ()
    ) -> None:
        if dataset not in DATASET_JUDGES:
            raise ValueError(f"unknown dataset judge {dataset!r} (known: {DATASET_JUDGES})")
        unknown = set(official) - set(OFFICIAL[dataset])
        if unknown:
            raise ValueError(
                f"{dataset} judge has no option {sorted(unknown)} (known: {OFFICIAL[dataset]})"
            )
        self.mode = dataset
        self.dataset = dataset
        self.official = tuple(sorted(official))
        self.client = get_llm(model) if isinstance(model, str) else model
        self.prompts = _prompt_files(dataset)
        self._turn_index: dict[str, dict[str, tuple[str, str]]] = {}

    @property
    def model(self) -> str:
        return self.client.spec

    @property
    def prompt_sha256(self) -> str:
        """One hash over every prompt the judge may use (each is listed in ``identity``)."""
        return sha256_text("\n".join(f"{k} {v}" for k, v in sorted(self.prompts.items())))

    def identity(self) -> dict[str, object]:
        return {
            "mode": self.dataset,
            "model": self.model,
            "official_model": OFFICIAL_MODEL[self.dataset],
            "prompt": f"judge_{self.dataset.replace('-', '_')}",
            "prompt_sha256": self.prompt_sha256,
            "prompts": dict(sorted(self.prompts.items())),
            "k": 1,
            "temperature": 0.0,
            "official_options": list(self.official),
            "corrected": [o for o in OFFICIAL[self.dataset] if o not in self.official],
        }

    def _on(self, option: str) -> bool:
        return option in self.official

    async def ask(self, prompt: str) -> str | None:
        """One greedy judge call; None when the call fails."""
        config = GenerateConfig(temperature=0.0, max_tokens=_MAX_TOKENS[self.dataset])
        try:
            reply = await self.client.complete(
                [Message(role="user", content=prompt)], config=config
            )
        except LLMError:
            return None
        return reply.text

    async def score_item(
        self, conv: Conversation, qa: QAItem, prediction: str, base_scores: Scores
    ) -> tuple[Scores, dict[str, Any]]:
        """Judged scores of one answered item and what the judge said."""
        if self.dataset == "longmemeval":
            return await self._lme(qa, prediction)
        if self.dataset == "beam":
            return await self._beam(qa, prediction)
        return await self._lplus(conv, qa, prediction)

    async def _lme(self, qa: QAItem, prediction: str) -> tuple[Scores, dict[str, Any]]:
        qid = str(qa.gold.get("question_id", ""))
        prompt, _ = longmemeval.judge_prompt(
            qid, qa.label or "", qa.question, qa.answer or "", prediction
        )
        reply = await self.ask(prompt)
        if reply is None:
            return {"judge_longmemeval": None, "judge_longmemeval_abstention": None}, {}
        ok = (
            1.0
            if longmemeval.parse_yes(reply, official_substring=self._on("official_substring"))
            else 0.0
        )
        scores: Scores = {
            "judge_longmemeval": ok,
            "judge_longmemeval_abstention": ok if "_abs" in qid else None,
        }
        return scores, {"reply": reply, "route": longmemeval.judge_route(qid, qa.label or "")}

    async def _beam(self, qa: QAItem, prediction: str) -> tuple[Scores, dict[str, Any]]:
        ability = qa.label or ""
        rubric = [str(r) for r in qa.gold.get("rubric") or []]
        prompts = [
            beam.rubric_prompt(
                r,
                prediction,
                qa.question,
                official_unfilled_question=self._on("official_unfilled_question"),
            )[0]
            for r in rubric
        ]
        replies = await asyncio.gather(*(self.ask(p) for p in prompts))
        parsed = [beam.parse_rubric_score(r) if r is not None else None for r in replies]
        item_scores = [p if p is not None else 0.0 for p in parsed]
        rubric_mean = beam.question_score(
            item_scores, ability, official_int_truncation=self._on("official_int_truncation")
        )
        scores: Scores = {"judge_beam_rubric": rubric_mean, "judge_beam": rubric_mean}
        extra: dict[str, Any] = {"rubric_scores": parsed}
        if ability == "event_ordering":
            aligned = await self._align(rubric, beam.system_events(prediction))
            eo = beam.event_ordering_score(rubric, aligned)
            scores.update(
                judge_beam=eo["tau_norm"],  # what upstream's report aggregates
                judge_beam_tau_norm=eo["tau_norm"],
                judge_beam_eo_f1=eo["f1"],
                judge_beam_eo_final=eo["final_score"],
            )
            extra["aligned"] = aligned
        extra["n_unreadable"] = sum(p is None for p in parsed)
        return scores, extra

    async def _align(self, reference: list[str], system: list[str]) -> list[str]:
        """Each listed event replaced by the first unused reference event the judge calls
        equivalent (greedy, one-to-one, in list order), else kept as is."""
        used: set[int] = set()
        out: list[str] = []
        for item in system[:MAX_EVENTS]:
            match = item
            for j, ref in enumerate(reference):
                if j in used:
                    continue
                reply = await self.ask(beam.equivalence_prompt(ref, item)[0])
                if reply is not None and beam.parse_equivalent(reply):
                    used.add(j)
                    match = ref
                    break
            out.append(match)
        return out

    async def _lplus(
        self, conv: Conversation, qa: QAItem, prediction: str
    ) -> tuple[Scores, dict[str, Any]]:
        if qa.label == "cognitive":
            prompt = locomo_plus.judge_prompt(str(qa.gold.get("cue", "")), prediction)[0]
        else:  # a unified-set LoCoMo item: upstream's judge for its category
            prompt = locomo_plus.locomo_judge_prompt(
                int(qa.category),
                gold="" if qa.answer is None else str(qa.answer),
                prediction=prediction,
                evidence=locomo_plus.evidence_text(self._turns(conv), qa.evidence),
            )[0]
        reply = await self.ask(prompt)
        if reply is None:
            return {"judge_locomo_plus": None}, {}
        label = locomo_plus.parse_label(reply, official_parse=self._on("official_parse"))
        return {"judge_locomo_plus": locomo_plus.label_score(label)}, {
            "label": label,
            "reply": reply,
        }

    def _turns(self, conv: Conversation) -> dict[str, tuple[str, str]]:
        """Turn id -> (speaker, text) of ``conv``, built once per conversation."""
        got = self._turn_index.get(conv.sample_id)
        if got is None:
            got = {tid: (t.speaker, t.text) for tid, t in conv.turn_index().items()}
            self._turn_index[conv.sample_id] = got
        return got

    # --- calibration (the ``Judge`` interface ``calibrate`` uses) ---------------------------

    async def judge(self, item: JudgeItem) -> Verdict:
        """Grade a decoy: the gold is LongMemEval's answer, BEAM's single rubric item, or
        Locomo-Plus's evidence. CORRECT only on a full score (partial is WRONG)."""
        if self.dataset == "longmemeval":
            prompt, _ = longmemeval.judge_prompt("", "", item.question, item.gold, item.answer)
            reply = await self.ask(prompt)
            ok = reply is not None and longmemeval.parse_yes(
                reply, official_substring=self._on("official_substring")
            )
            score = None if reply is None else (1.0 if ok else 0.0)
        elif self.dataset == "beam":
            prompt = beam.rubric_prompt(
                item.gold,
                item.answer,
                item.question,
                official_unfilled_question=self._on("official_unfilled_question"),
            )[0]
            reply = await self.ask(prompt)
            score = beam.parse_rubric_score(reply) if reply is not None else None
        else:
            reply = await self.ask(locomo_plus.judge_prompt(item.gold, item.answer)[0])
            label = (
                locomo_plus.parse_label(reply, official_parse=self._on("official_parse"))
                if reply is not None
                else None
            )
            score = None if label is None else locomo_plus.label_score(label)
        if score is None:
            return Verdict(labels=(None,), reasoning=reply or "judge call failed")
        return Verdict(labels=("CORRECT" if score == 1.0 else "WRONG",), reasoning=reply or "")

    async def judge_many(self, items: Sequence[JudgeItem]) -> list[Verdict]:
        return list(await asyncio.gather(*(self.judge(it) for it in items)))


def make_judge(
    mode: str, model: str | LLMClient, *, k: int = 1, official: Sequence[str] = ()
) -> Judge | DatasetJudge:
    """``lenient``/``strict`` (LoCoMo's J) or a dataset's official judge."""
    if mode in DATASET_JUDGES:
        if k != 1:
            raise ValueError(f"the {mode} judge is greedy (k = 1), as upstream")
        return DatasetJudge(mode, model, official=official)
    if official:
        raise ValueError(f"--official applies to the dataset judges {DATASET_JUDGES}, not {mode}")
    return Judge(mode, model, k=k)
