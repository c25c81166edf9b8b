"""One self-contained HTML file: the page template with the run data inlined as JSON."""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any


def render_view(data: dict[str, Any]) -> str:
    """The page for ``build_view_data``'s output; opens from disk, loads nothing else."""
    template = resources.files(__package__).joinpath("page.html").read_text(encoding="utf-8")
    # "</" could close the <script> block early; "<\/" is the same string to JSON.parse.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    title = html.escape(" vs ".join(r["label"] for r in data["runs"]))
    return template.replace("__TITLE__", title, 1).replace("__DATA__", payload, 1)
