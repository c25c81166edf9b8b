"""``load_dataset``: from a registry name or a path to loaded, checked conversations."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..data import Conversation, QACategory
from ..registry import datasets as dataset_registry
from ._errors import DatasetFormatError, DatasetNotFoundError
from ._format import get_format, sniff_format
from ._manifest import DatasetManifest
from ._report import LoadReport
from ._resolve import dataset_digest, find_dataset_file


@dataclass(frozen=True)
class LoadedDataset:
    """Conversations plus where they came from and what the loader saw."""

    name: str
    """Registry name, or the file stem for a path."""
    path: Path
    """The file read."""
    sha256: str
    """sha256 of the file."""
    conversations: tuple[Conversation, ...]
    """The conversations, in file order."""
    report: LoadReport
    """Quirks repaired or kept."""
    manifest: DatasetManifest | None = None
    """The manifest, for registered datasets."""
    options: dict[str, object] = field(default_factory=dict)
    """Load options that change the data (e.g. ``dedupe_qa``)."""

    def location(self, run_dir: Path | None = None) -> str:
        """Where the data was read from, as a run records it, with no absolute path of this
        machine: a registered dataset by its file under the data directory
        (``locomo/locomo10.json``; found again by name), a file by its path relative to
        ``run_dir`` (so ``memobench score`` finds it from anywhere while neither moves), or
        by its name when there is no run directory."""
        if self.manifest is not None:
            return self.manifest.filename
        if run_dir is None:
            return self.path.name
        return Path(os.path.relpath(self.path.resolve(), run_dir.resolve())).as_posix()

    def conversation(self, sample_id: str) -> Conversation:
        for c in self.conversations:
            if c.sample_id == sample_id:
                return c
        known = ", ".join(c.sample_id for c in self.conversations)
        raise KeyError(f"{self.name} has no conversation {sample_id!r} (known: {known})")

    def qa_index(self) -> dict[str, tuple[Conversation, object]]:
        return {q.qa_id: (c, q) for c in self.conversations for q in c.qa}

    def counts(self) -> dict[str, object]:
        """Totals; ``labels``/``subtypes`` only for datasets with their own question types, so
        LoCoMo's counts (and its inspect JSON) are unchanged."""
        convs = self.conversations
        qas = [q for c in convs for q in c.qa]
        cats = Counter(int(q.category) for q in qas)
        out: dict[str, object] = {
            "conversations": len(convs),
            "sessions": sum(len(c.sessions) for c in convs),
            "turns": sum(c.n_turns for c in convs),
            "qa": sum(len(c.qa) for c in convs),
            "image_turns": sum(
                1 for c in convs for s in c.sessions for t in s.turns if t.image and t.image.url
            ),
            "categories": {str(k): cats.get(k, 0) for k in sorted(int(c) for c in QACategory)},
        }
        if any(q.label for q in qas):
            labels = Counter(q.label or q.category.label for q in qas)
            out["labels"] = dict(sorted(labels.items()))
        subtypes = Counter(str(q.gold["subtype"]) for q in qas if "subtype" in q.gold)
        if subtypes:
            out["subtypes"] = dict(sorted(subtypes.items()))
        return out


def recorded_file(recorded: str | None, run_dir: Path | None = None) -> Path | None:
    """The file a run's recorded dataset path names, if one is there: relative to the run
    directory (as :meth:`LoadedDataset.location` records it), else to the current directory
    (as older runs recorded it)."""
    if not recorded:
        return None
    places = [run_dir / recorded] if run_dir is not None else []
    return next((p for p in [*places, Path(recorded)] if p.is_file()), None)


def check_expected(ds: LoadedDataset) -> None:
    """Assert the manifest's counts for the pinned file (a wrong category map cannot ship)."""
    m = ds.manifest
    if m is None or m.expected is None or ds.sha256 != m.sha256 or ds.options.get("dedupe_qa"):
        return
    got = ds.counts()
    want = m.expected.model_dump(exclude_none=True)
    diffs = [f"{k}: expected {want[k]}, got {got.get(k)}" for k in want if got.get(k) != want[k]]
    if diffs:
        raise DatasetFormatError(
            str(ds.path), None, None, "pinned counts do not match: " + "; ".join(diffs)
        )


def dedupe_qa(conversations: tuple[Conversation, ...]) -> tuple[Conversation, ...]:
    """Drop exact duplicate QA items (same question, answer, evidence, category); ids are kept."""
    out = []
    for c in conversations:
        seen: set[tuple[object, ...]] = set()
        kept = []
        for q in c.qa:
            key = (q.question, q.answer, q.evidence_raw, q.category)
            if key not in seen:
                seen.add(key)
                kept.append(q)
        out.append(c.model_copy(update={"qa": tuple(kept)}))
    return tuple(out)


def load_dataset(
    name_or_path: str | Path,
    *,
    data_path: str | Path | None = None,
    dedupe: bool = False,
    format: str | None = None,
) -> LoadedDataset:
    """Load a registered dataset by name, or a file by path (read as ``format``, default its
    manifest's, else sniffed: a folder is BEAM, LongMemEval/Locomo-Plus by their keys, else
    ``locomo``)."""
    manifest: DatasetManifest | None = None
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith(".json") or Path(text).exists():
        path = Path(text)
        name = path.stem
        if not path.exists():
            raise DatasetNotFoundError(f"dataset file {path} does not exist")
    else:
        manifest = dataset_registry.get(text)()
        assert isinstance(manifest, DatasetManifest), (
            f"{text} factory must return a DatasetManifest"
        )
        name = manifest.name
        path = find_dataset_file(manifest, data_path)
    fmt = format or (manifest.format if manifest is not None else sniff_format(path))
    conversations, report = get_format(fmt).read(path)
    convs = tuple(conversations)
    if dedupe:
        convs = dedupe_qa(convs)
    ds = LoadedDataset(
        name=name,
        path=path,
        sha256=dataset_digest(path),
        conversations=convs,
        report=report,
        manifest=manifest,
        options={"dedupe_qa": dedupe} if dedupe else {},
    )
    check_expected(ds)
    return ds
