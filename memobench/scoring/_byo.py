"""The "bring your own answers" path: a predictions file in, a scored run directory out."""

from __future__ import annotations

import json
from pathlib import Path

from .._util.files import atomic_write_text
from .._util.hashing import sha256_file, short_hash
from .._util.provenance import collect_provenance
from ..results import AgentRef, DatasetRef, RunResults, RunSpec, aggregate_task
from ._predictions import read_predictions
from ._qa import QA_SCORING_VERSION, score_predictions

QA_TASK_VERSION = "locomo-qa-1"


def score_prediction_file(ds, predictions_path: Path, out: Path, *, seed: int = 0):  # type: ignore[no-untyped-def]
    """Score a JSONL predictions file against ``ds``; returns (RunResults, problems)."""
    pset = read_predictions(predictions_path)
    known = {q.qa_id for c in ds.conversations for q in c.qa}
    problems: list[str] = []
    unknown = sorted(set(pset.predictions) - known)
    if unknown:
        problems.append(
            f"{len(unknown)} unknown qa_ids ignored: {', '.join(unknown[:10])}"
            + (" …" if len(unknown) > 10 else "")
        )
    if pset.duplicates:
        problems.append(
            f"{len(pset.duplicates)} duplicate qa_ids (first kept): "
            + ", ".join(sorted(set(pset.duplicates))[:10])
        )
    missing = sorted(known - set(pset.predictions))
    if missing:
        problems.append(f"{len(missing)} questions have no prediction (scored 0 and counted)")
    samples = score_predictions(ds.conversations, pset.predictions)
    task = aggregate_task(
        samples,
        task="qa",
        task_version=QA_TASK_VERSION,
        scoring_version=QA_SCORING_VERSION,
        main_metric="f1",
        seed=seed,
        extra={
            "unknown_qa_ids": unknown,
            "duplicate_qa_ids": pset.duplicates,
            "missing": len(missing),
        },
    )
    spec = RunSpec(
        dataset=DatasetRef(
            name=ds.name, sha256=ds.sha256, path=str(ds.path), n_conversations=len(ds.conversations)
        ),
        agent=AgentRef(
            name=f"predictions:{predictions_path.name}",
            config={"predictions_sha256": sha256_file(predictions_path)},
        ),
        tasks={"qa": QA_TASK_VERSION},
        seed=seed,
    )
    results = RunResults(
        run_id=f"score-{short_hash(spec.model_dump(mode='json'))}",
        config_hash=short_hash(spec.model_dump(mode="json")),
        spec=spec,
        provenance=collect_provenance(),
        tasks={"qa": task},
    )
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        out / "samples.jsonl",
        "".join(json.dumps(s.model_dump(mode="json"), sort_keys=True) + "\n" for s in samples),
    )
    atomic_write_text(out / "results.json", results.model_dump_json(indent=2))
    return results, problems
