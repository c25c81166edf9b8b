"""The QA task: LoCoMo's five categories, asked through the adapter interface.

Other datasets (LongMemEval, BEAM, Locomo-Plus) run through the same task: each question is
asked at ``QAItem.asked_at`` and its sample carries the dataset's label and extra scores
(``_qa_datasets``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._util.aio import call
from ..agents import coerce_answer
from ..data import Conversation, QAItem
from ..results import SampleRecord, TaskResult
from ..scoring import (
    QA_SCORING_VERSION,
    Prediction,
    length_stats,
    prescore,
    score_predictions,
)
from ._prompts import VersionedTask
from ._qa_datasets import annotate, label_table
from ._qa_protocol import map_cat5_reply, render_question


class QATask(VersionedTask):
    name = "qa"
    scoring_version = QA_SCORING_VERSION
    main_metric = "f1"
    errata_metric = "f1"
    """Errata-corrected gold rescores ``f1`` (``f1_errata`` beside it)."""

    def report(
        self,
        conversations: Sequence[Conversation],
        samples: Sequence[SampleRecord],
        *,
        options: dict[str, Any],
    ) -> dict[str, Any]:
        """Answer-length statistics of the predictions against the gold answers."""
        gold = {q.qa_id: q.answer for c in conversations for q in c.qa}
        return length_stats(samples, gold)

    def summary(self, result: TaskResult) -> list[Any]:
        """The score table, failure taxonomy and guard warnings, then the per-type table of
        datasets whose questions carry a type (LongMemEval, BEAM, Locomo-Plus)."""
        from ..results import qa_table

        out = [qa_table(result)]
        if (by_type := label_table(result)) is not None:
            out.append(by_type)
        return out

    def items(
        self, conv: Conversation, *, limit: int | None, options: dict[str, Any]
    ) -> list[QAItem]:
        items = list(conv.qa)
        return items[:limit] if limit is not None else items

    async def ask(
        self, agent: Any, conv: Conversation, item: QAItem, *, options: dict[str, Any]
    ) -> dict[str, Any]:
        rendered = render_question(
            conv, item, protocol=options.get("protocol", "locomo"), seed=options.get("seed", 0)
        )
        q = rendered.question
        answer = coerce_answer(await call(agent.answer, q, now=q.asked_at), agent=agent)
        reply = answer.text
        prediction = map_cat5_reply(reply, rendered.options) if rendered.options else reply
        retrieved = answer.retrieved_ids()
        # Score while other items wait on the model; the final pass reuses the result. On the
        # loop, not in a worker thread: it is pure Python (~0.2 ms), so a thread only adds the
        # hand-off and a GIL fight with the loop.
        prescore(conv, item, Prediction(text=prediction, retrieved=retrieved))
        return {
            "prediction": prediction,
            "retrieved": list(retrieved) if retrieved is not None else None,
            "extra": {
                "reply": reply,
                "question_shown": q.text,
                **({"options": list(rendered.options)} if rendered.options else {}),
                **({"agent": answer.extra} if answer.extra else {}),
            },
        }

    def score(
        self,
        conversations: Sequence[Conversation],
        answers: dict[str, dict[str, Any]],
        *,
        options: dict[str, Any],
    ) -> list[SampleRecord]:
        limit = options.get("limit")
        convs = [
            c.model_copy(update={"qa": tuple(self.items(c, limit=limit, options=options))})
            for c in conversations
        ]
        preds = {
            item_id: Prediction(
                text=rec["prediction"],
                retrieved=tuple(rec["retrieved"]) if rec.get("retrieved") is not None else None,
                extra=rec.get("extra", {}),
            )
            for item_id, rec in answers.items()
            if rec.get("prediction") is not None
        }
        index = {q.qa_id: (c, q) for c in convs for q in c.qa}
        return [annotate(*index[s.item_id], s) for s in score_predictions(convs, preds)]


def qa_task() -> QATask:
    return QATask()
