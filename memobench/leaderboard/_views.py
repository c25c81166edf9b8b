"""All renderings of a leaderboard, in one import."""

from ._html import render_html
from ._png import MissingDependencyError, render_png
from ._text import render_markdown, render_table, rich_tables

__all__ = [
    "MissingDependencyError",
    "render_html",
    "render_markdown",
    "render_png",
    "render_table",
    "rich_tables",
]
