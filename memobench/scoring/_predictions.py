"""Reading "bring your own answers" prediction files (JSONL)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ._qa import Prediction


class PredictionFileError(ValueError):
    """A malformed predictions file: names the file and line."""


@dataclass
class PredictionSet:
    """Predictions read from a file plus what was wrong with it."""

    predictions: dict[str, Prediction] = field(default_factory=dict)
    """qa_id → prediction (the first one wins for duplicates)."""
    duplicates: list[str] = field(default_factory=list)
    """qa_ids given more than once."""


def read_predictions(path: str | Path) -> PredictionSet:
    """Read ``{"qa_id": ..., "prediction": ..., "retrieved": [...]?}`` lines."""
    out = PredictionSet()
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PredictionFileError(f"{path}: line {n}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise PredictionFileError(f"{path}: line {n}: expected an object")
            qa_id = obj.get("qa_id")
            pred = obj.get("prediction")
            if not isinstance(qa_id, str):
                raise PredictionFileError(
                    f"{path}: line {n}: field 'qa_id' missing or not a string"
                )
            if not isinstance(pred, str | int | float) or isinstance(pred, bool):
                raise PredictionFileError(
                    f"{path}: line {n}: field 'prediction' missing or not a string"
                )
            retrieved = obj.get("retrieved")
            if retrieved is not None and not (
                isinstance(retrieved, list) and all(isinstance(r, str) for r in retrieved)
            ):
                raise PredictionFileError(
                    f"{path}: line {n}: field 'retrieved' must be a list of ids"
                )
            if qa_id in out.predictions:
                out.duplicates.append(qa_id)
                continue
            out.predictions[qa_id] = Prediction(
                text=str(pred), retrieved=tuple(retrieved) if retrieved is not None else None
            )
    return out
