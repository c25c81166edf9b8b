"""``memobench datasets list | download | inspect``."""

from __future__ import annotations

import json
import sys

import click

from ._common import console, data_path_option, fail
from ._lazy import UserErrorGroup


@click.group(cls=UserErrorGroup)
def datasets() -> None:
    """List, download and inspect datasets."""


@datasets.command("list")
def list_() -> None:
    """Registered datasets, their licence and whether the file is found locally."""
    from rich.table import Column, Table

    from ..datasets import DatasetNotFoundError, find_dataset_file
    from ..registry import datasets as registry

    rows = []
    for name in registry.names():
        manifest = registry.get(name)()
        try:
            where = str(find_dataset_file(manifest).resolve())
        except DatasetNotFoundError:
            where = "not found (memobench datasets download " + name + ")"
        rows.append((name, manifest.license, manifest.sha256[:12] + "…", where))
    # The licence may wrap; the path never does, so a file name is never cut.
    table = Table(
        "name",
        Column("licence", max_width=24),
        "sha256",
        Column("local file", no_wrap=True, min_width=max((len(r[3]) for r in rows), default=10)),
    )
    for row in rows:
        table.add_row(*row)
    console().print(table)


@datasets.command()
@click.argument("name")
@click.option("--dest", type=click.Path(file_okay=False), help="Directory to put the file in.")
@click.option(
    "--url", help="Download from this URL instead of the pinned one (sha256 still checked)."
)
def download(name: str, dest: str | None, url: str | None) -> None:
    """Download NAME's pinned file and verify its sha256."""
    from ..datasets import download_dataset
    from ..registry import datasets as registry

    manifest = registry.get(name)()
    try:
        path = download_dataset(manifest, dest_dir=dest, url=url)
    except OSError as exc:  # network or disk: not a memobench error, still the user's to fix
        fail(str(exc))
    if manifest.sha256:
        click.echo(f"{name}: {path} (sha256 {manifest.sha256[:12]}… verified)")
    else:  # pinned part by part (git blob ids); the folder digest was not known
        from ..datasets import dataset_digest

        click.echo(
            f"{name}: {path} ({len(manifest.git_blobs)} git blobs verified; "
            f"folder sha256 {dataset_digest(path)})"
        )


@datasets.command()
@click.argument("name_or_path")
@data_path_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--quirks/--no-quirks", default=True, help="List every quirk found.")
@click.option(
    "--format",
    "fmt",
    help="Read a file with this format (locomo, longmemeval, beam, locomo-plus, ...).",
)
def inspect(
    name_or_path: str, data_path: str | None, as_json: bool, quirks: bool, fmt: str | None
) -> None:
    """Statistics and load report of a dataset (registry name, or a file read as --format)."""
    from rich.table import Table

    from ..datasets import QUIRK_ACTIONS, conversation_stats
    from ._common import load_dataset_or_fail

    if fmt is not None or not _is_locomo(name_or_path):
        _inspect_generic(name_or_path, data_path, fmt, as_json)
        return
    ds = load_dataset_or_fail(name_or_path, data_path)
    stats = [conversation_stats(c) for c in ds.conversations]
    from ..datasets import quality_report

    quality = quality_report(ds)
    if as_json:
        out = {
            "name": ds.name,
            "path": str(ds.path),
            "sha256": ds.sha256,
            "totals": ds.counts(),
            "conversations": [s.model_dump() for s in stats],
            "quirks": ds.report.counts(),
            "quality": quality.model_dump(mode="json"),
        }
        json.dump(out, sys.stdout, indent=2)
        click.echo()
        return
    con = console()
    con.print(f"[bold]{ds.name}[/]  {ds.path}  sha256 {ds.sha256}")
    table = Table(
        "conversation",
        "speakers",
        "sessions",
        "turns",
        "≈tokens",
        "images",
        "captions",
        "QA (c1/c2/c3/c4/c5)",
        "days",
    )
    for s in stats:
        qa = s.qa_by_category
        table.add_row(
            s.sample_id,
            " / ".join(s.speakers),
            str(s.sessions),
            f"{s.turns:,}",
            f"{s.approx_tokens:,}",
            str(s.image_turns),
            str(s.caption_turns),
            f"{sum(qa.values())} ({'/'.join(str(qa[k]) for k in '12345')})",
            str(s.span_days),
        )
    tot = ds.counts()
    cats = tot["categories"]
    table.add_row(
        "total",
        "",
        str(tot["sessions"]),
        f"{tot['turns']:,}",
        f"{sum(s.approx_tokens for s in stats):,}",
        str(tot["image_turns"]),
        str(sum(s.caption_turns for s in stats)),
        f"{tot['qa']} ({'/'.join(str(cats[k]) for k in '12345')})",
        "",
        style="bold",
    )
    con.print(table)
    con.print(
        "QA categories: 1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial;"
        " ≈tokens = words × 1.3"
    )
    qt = Table("quirk", "count", "what the loader does")
    for kind, n in sorted(ds.report.counts().items()):
        qt.add_row(kind, str(n), QUIRK_ACTIONS[kind])
    con.print(qt)
    if quirks:
        for q in ds.report.quirks:
            if q.kind not in {
                "cat5_without_answer",
                "caption_without_image",
                "image_without_query",
            }:
                con.print(f"  {q.kind}: {q.sample_id} {q.where} {q.detail}", markup=False)
    con.print(quality.render(), markup=False)
    if not quality.passed:
        sys.exit(1)


def _is_locomo(name_or_path: str) -> bool:
    """Whether NAME is a LoCoMo-format dataset (the detailed LoCoMo report applies)."""
    from ..registry import RegistryError
    from ..registry import datasets as registry

    try:
        manifest = registry.get(name_or_path)()
    except RegistryError:
        from pathlib import Path

        from ..datasets import sniff_format

        path = Path(name_or_path)
        return not path.exists() or sniff_format(path) == "locomo"
    return bool(manifest.format == "locomo")


def _inspect_generic(
    name_or_path: str, data_path: str | None, fmt: str | None, as_json: bool
) -> None:
    """Counts per the dataset's own question types, and the quirks repaired or kept."""
    from rich.table import Table

    from ..datasets import QUIRK_ACTIONS, DatasetFormatError, DatasetNotFoundError, load_dataset
    from ..errors import MemobenchError

    try:
        ds = load_dataset(name_or_path, data_path=data_path, format=fmt)
    except (DatasetFormatError, DatasetNotFoundError, MemobenchError, FileNotFoundError) as exc:
        fail(str(exc))
    tot = ds.counts()
    if as_json:
        out = {"name": ds.name, "sha256": ds.sha256, "totals": tot, "quirks": ds.report.counts()}
        json.dump(out, sys.stdout, indent=2)
        click.echo()
        return
    con = console()
    con.print(f"[bold]{ds.name}[/]  {ds.path}  sha256 {ds.sha256}")
    con.print(
        f"{tot['conversations']} conversations, {tot['sessions']:,} sessions, "
        f"{tot['turns']:,} turns, {tot['qa']} questions"
    )
    for key, title in (("labels", "question type"), ("subtypes", "subtype")):
        if tot.get(key):
            table = Table(title, "questions")
            counts = tot[key]
            assert isinstance(counts, dict)
            for label, n in counts.items():
                table.add_row(str(label), str(n))
            con.print(table)
    qt = Table("quirk", "count", "what the loader does")
    for kind, n in sorted(ds.report.counts().items()):
        qt.add_row(kind, str(n), QUIRK_ACTIONS[kind])
    con.print(qt)
