"""``memobench cache``: inspect or clear the content-addressed model cache."""

from __future__ import annotations

import click

from ._lazy import UserErrorGroup


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
