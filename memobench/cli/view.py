"""``memobench view``: one self-contained HTML page to read runs item by item."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", default="view.html", show_default=True, type=click.Path())
@click.option("--data", "data_path", default=None, help="Folder or file of the dataset.")
@click.option("--serve", is_flag=True, help="Also serve the page on 127.0.0.1 until Ctrl-C.")
@click.option("--port", default=8765, show_default=True, help="Port for --serve.")
def view(
    run_dirs: tuple[str, ...], output: str, data_path: str | None, serve: bool, port: int
) -> None:
    """Write RUN_DIRs as one HTML page (two runs on the same items: paired view)."""
    from ..viewer import build_view_data, render_view

    # A MemobenchError (bad run dir, wrong dataset) is one line and exit 2, via the group.
    data = build_view_data([Path(p) for p in run_dirs], data_path=data_path)
    out = Path(output)
    out.write_text(render_view(data), encoding="utf-8")
    click.echo(f"wrote {out} ({len(data['items'])} items, {len(data['runs'])} runs)")
    for r in data["runs"]:
        for g in r["guards"]:
            click.echo(f"warning: {r['label']}: {g}", err=True)
    if serve:
        _serve(out, port)


def _serve(page: Path, port: int) -> None:
    import contextlib
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(page.parent))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as srv:
        click.echo(f"serving http://127.0.0.1:{port}/{page.name} (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the way to stop
            srv.serve_forever()
