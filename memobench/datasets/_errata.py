"""Versioned gold-label errata (``errata/<name>.toml``) and the accuracy ceiling they imply."""

from __future__ import annotations

import dataclasses
import tomllib
from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .._util.resources import resource_dir
from ..data import Conversation, QAItem
from ._dataset import LoadedDataset

_FROZEN = ConfigDict(frozen=True)


class ErratumItem(BaseModel):
    """One correction of one field of one QA item."""

    model_config = _FROZEN
    qa_id: str
    """memobench QA id (``conv-26:q5``)."""
    field: Literal["answer", "evidence"]
    """Which field is corrected."""
    old: str | list[str]
    """The value in the file (checked before applying, so a changed file is noticed)."""
    new: str | list[str]
    """The corrected value."""
    reasoning: str
    """Why, citing the dia_ids that prove it."""


class Errata(BaseModel):
    """A versioned errata pack."""

    model_config = _FROZEN
    name: str
    """Pack name, e.g. ``locomo10-v1``."""
    dataset: str
    """Dataset it applies to."""
    version: str
    """Pack version."""
    item: list[ErratumItem]
    """The corrections."""


class ErrataMismatchError(ValueError):
    """An erratum's ``old`` value does not match the data (different file or already fixed)."""


def load_errata(name_or_path: str | Path) -> Errata:
    """Read ``errata/<name>.toml`` (bundled) or a path to a TOML file."""
    path = Path(name_or_path)
    if not path.is_file():
        path = resource_dir("errata") / f"{name_or_path}.toml"
    with open(path, "rb") as fh:
        return Errata.model_validate(tomllib.load(fh))


def _current(q: QAItem, field: str) -> str | list[str]:
    return list(q.evidence_raw) if field == "evidence" else str(q.answer)


def apply_errata(dataset: LoadedDataset, errata: Errata | str) -> LoadedDataset:
    """A copy of ``dataset`` with corrected conversations; ``options["errata"]`` names the pack."""
    if isinstance(errata, str):
        errata = load_errata(errata)
    fixes: dict[str, list[ErratumItem]] = {}
    for it in errata.item:
        fixes.setdefault(it.qa_id, []).append(it)
    seen = set()
    convs: list[Conversation] = []
    for c in dataset.conversations:
        qa = []
        for q in c.qa:
            for it in fixes.get(q.qa_id, []):
                if _current(q, it.field) != it.old:
                    raise ErrataMismatchError(
                        f"{it.qa_id}.{it.field} is {_current(q, it.field)!r}, "
                        f"errata expect {it.old!r}"
                    )
                if it.field == "answer":
                    q = q.model_copy(update={"answer": str(it.new)})
                else:
                    new = tuple(it.new) if isinstance(it.new, list) else (it.new,)
                    q = q.model_copy(update={"evidence": new, "evidence_raw": new})
                seen.add(it.qa_id)
            qa.append(q)
        convs.append(c.model_copy(update={"qa": tuple(qa)}))
    missing = set(fixes) - seen
    if missing:
        raise ErrataMismatchError(f"errata {errata.name} name unknown items: {sorted(missing)}")
    return dataclasses.replace(
        dataset, conversations=tuple(convs), options={**dataset.options, "errata": errata.name}
    )


def errata_report(ds: LoadedDataset, errata: Errata | str) -> dict[str, dict[str, float | int]]:
    """Per category: items, wrong gold answers, and the ceiling under raw gold (1 − errors/n).

    Only ``answer`` corrections lower the ceiling; evidence fixes change recall, not accuracy.
    """
    if isinstance(errata, str):
        errata = load_errata(errata)
    cat_of = {q.qa_id: int(q.category) for c in ds.conversations for q in c.qa}
    n = Counter(cat_of.values())
    bad = Counter(
        cat_of[it.qa_id] for it in errata.item if it.field == "answer" and it.qa_id in cat_of
    )
    out: dict[str, dict[str, float | int]] = {}
    for cat in sorted(n):
        out[str(cat)] = {"n": n[cat], "n_errors": bad[cat], "ceiling": 1 - bad[cat] / n[cat]}
    total, errs = sum(n[c] for c in n if c != 5), sum(bad[c] for c in bad if c != 5)
    out["cat1_4"] = {"n": total, "n_errors": errs, "ceiling": 1 - errs / total if total else 1.0}
    return out
