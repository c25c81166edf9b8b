"""``memobench cache``: inspect or clear the content-addressed model cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ._lazy import UserErrorGroup

if TYPE_CHECKING:
    from memobench.llm import TransferReport


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


@click.group("cache", cls=UserErrorGroup)
def cache() -> None:
    """The SQLite cache of completions and embeddings ($MEMOBENCH_CACHE_DIR)."""


@cache.command("stats")
def stats() -> None:
    """Entries, size on disk and hits by model."""
    from memobench.llm import default_cache

    s = default_cache().stats()
    click.echo(f"path: {s['path']}")
    click.echo(f"entries: {s['entries']}  size: {_human(s['size_bytes'])}  hits: {s['hits']}")
    for row in s["by_model"]:
        click.echo(
            f"  {row['kind']:<10} {row['model']:<40} entries={row['entries']:<7} hits={row['hits']}"
        )


@cache.command("clear")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def clear(yes: bool) -> None:
    """Delete every cached completion and embedding."""
    from memobench.llm import default_cache

    c = default_cache()
    if not yes:
        click.confirm(f"Delete all entries in {c.path}?", abort=True)
    n = c.clear()
    click.echo(f"cleared {n} entries")


def _report(verb: str, path: str, report: TransferReport) -> None:
    click.echo(f"{verb} {report.added} of {report.entries} entries ({path})")
    for name, n in report.by_model.items():
        click.echo(f"  {name:<52} {n}")


@cache.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--model", "models", multiple=True, help="Only this model's entries (repeatable).")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["completion", "embedding"]),
    help="Only entries of this kind (repeatable).",
)
def export(path: str, models: tuple[str, ...], kinds: tuple[str, ...]) -> None:
    """Write the cache's entries to PATH (gzipped JSON Lines, the same bytes for the same entries).

    Publish it beside results so anyone replays them without a model, or carry a long run's
    calls to another machine: ``memobench cache import PATH`` there.
    """
    from memobench.llm import default_cache, export_cache

    _report("exported", path, export_cache(default_cache(), path, models=models, kinds=kinds))


@cache.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_(path: str) -> None:
    """Add the entries of an exported file to the cache (entries already here are kept).

    The file is checked whole first: a damaged file names its line and adds nothing.
    """
    from memobench.llm import default_cache, import_cache

    _report("added", path, import_cache(default_cache(), path))
