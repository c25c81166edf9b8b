"""How a turn reads as one line of transcript (shared by tasks and reader agents)."""

from __future__ import annotations

from ._models import Turn


def turn_line(turn: Turn) -> str:
    """LoCoMo's turn serialization with the pre-release caption convention."""
    line = f'{turn.speaker} said, "{turn.text}"'
    if turn.image is not None and turn.image.caption:
        line += f" [shares {turn.image.caption}]"
    return line
