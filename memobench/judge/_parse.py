"""Turning a judge reply into a label: JSON first, then a bare token; anything else is None."""

from __future__ import annotations

import json
import re
from typing import Literal

Label = Literal["CORRECT", "WRONG"]

_TOKEN = re.compile(r"\b(CORRECT|INCORRECT|WRONG)\b")
_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def _norm_label(value: object) -> Label | None:
    if not isinstance(value, str):
        return None
    v = value.strip().strip(".\"'").upper()
    if v == "CORRECT":
        return "CORRECT"
    if v in ("WRONG", "INCORRECT"):
        return "WRONG"
    return None


def parse_verdict(text: str) -> tuple[Label | None, str]:
    """Return (label, reasoning). The label is None when the reply cannot be read unambiguously.

    Ambiguity never becomes CORRECT: a reply mentioning both labels outside a JSON object is
    unparseable (None), which callers count as a judge error.
    """
    match = _OBJECT.search(text)
    if match:
        try:
            obj = json.loads(match.group(0))
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            label = _norm_label(obj.get("label", obj.get("LABEL")))
            if label is not None:
                return label, str(obj.get("reasoning", ""))
    # Bare token fallback ("CORRECT", "Label: WRONG"); INCORRECT is a separate word so the
    # \b anchors keep it from matching CORRECT.
    found = {_norm_label(t) for t in _TOKEN.findall(text.upper())}
    if len(found) == 1:
        return found.pop(), text.strip()
    return None, text.strip()
