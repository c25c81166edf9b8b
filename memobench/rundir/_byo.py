"""Bring your own answers: a predictions file in, a complete run directory out.

The predictions become ``answers.jsonl`` under a ``header.json`` like any run's, then are
scored by :func:`score_run_dir`, so the directory can later be rescored
(``memobench score DIR``) and judged (``memobench judge DIR``) like a run made here.
"""

from __future__ import annotations

from pathlib import Path

from .._util.files import atomic_write_text
from .._util.hashing import sha256_file
from .._util.provenance import collect_provenance
from ..datasets import LoadedDataset
from ..errors import RunDirError
from ..registry import tasks as task_registry
from ..results import AgentRef, DatasetRef, RunResults, RunSpec
from ..scoring import read_predictions
from ._lock import RunLock
from ._records import AnswerRecord, RunHeader
from ._rundir import RunDir
from ._score import score_run_dir


def _problems(pset, known: set[str]) -> tuple[list[str], list[str], list[str]]:
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
    return problems, unknown, missing


def score_prediction_file(
    ds: LoadedDataset, predictions_path: Path, out: Path, *, seed: int = 0
) -> tuple[RunResults, list[str]]:
    """Score a JSONL predictions file against ``ds`` into run directory ``out``."""
    pset = read_predictions(predictions_path)
    conv_of = {q.qa_id: c.sample_id for c in ds.conversations for q in c.qa}
    problems, unknown, missing = _problems(pset, set(conv_of))
    qa = task_registry.get("qa")()
    spec = RunSpec(
        dataset=DatasetRef(
            name=ds.name,
            sha256=ds.sha256,
            path=ds.location(out),
            n_conversations=len(ds.conversations),
        ),
        agent=AgentRef(
            name=f"predictions:{predictions_path.name}",
            config={"predictions_sha256": sha256_file(predictions_path)},
        ),
        tasks={"qa": qa.version},
        seed=seed,
    )
    config_hash = spec.config_hash()
    run_dir = RunDir(out)
    with RunLock(out):
        old = run_dir.read_header()
        if old is not None and old.config_hash != config_hash:
            raise RunDirError(
                f"{out} holds run {old.run_id} (config {old.config_hash}), not these "
                "predictions; choose another --out"
            )
        run_dir.write_header(
            RunHeader(
                run_id=f"score-{config_hash}",
                config_hash=config_hash,
                spec=spec,
                provenance=collect_provenance(),
            )
        )
        records = [
            AnswerRecord(
                task="qa",
                item_id=qa_id,
                conversation_id=conv_of[qa_id],
                prediction=p.text,
                retrieved=list(p.retrieved) if p.retrieved is not None else None,
                extra=dict(p.extra),
            )
            for qa_id, p in pset.predictions.items()
            if qa_id in conv_of
        ]
        # One shot, not a resumable run: the file is replaced whole.
        atomic_write_text(run_dir.answers, "".join(r.to_line() for r in records))
        results = score_run_dir(out, ds=ds)
        task = results.tasks["qa"]
        extra = {
            **task.extra,
            "unknown_qa_ids": unknown,
            "duplicate_qa_ids": pset.duplicates,
            "missing": len(missing),
        }
        results = results.model_copy(
            update={"tasks": {**results.tasks, "qa": task.model_copy(update={"extra": extra})}}
        )
        atomic_write_text(run_dir.results, results.model_dump_json(indent=2))
    return results, problems
