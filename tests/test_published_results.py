"""Published results name models and versions, never a path of the machine that made them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: An absolute path inside a JSON string: a quote (or space) then /dir/dir/... (URLs have
#: "scheme://" and are not matched).
ABSOLUTE = re.compile(r'(?<=["\s(])/(?:[\w.+-]+/){2,}[\w.+-]*')


def test_committed_results_hold_no_absolute_path() -> None:
    found = []
    for path in sorted((ROOT / "results").rglob("*")):
        if path.is_file() and path.suffix in {".json", ".jsonl", ".md"}:
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                found += [f"{path.relative_to(ROOT)}:{n}: {m}" for m in ABSOLUTE.findall(line)]
    assert not found, "absolute paths in published results:\n" + "\n".join(found[:20])


def test_detector_sees_a_path() -> None:
    assert ABSOLUTE.findall('"bertscore_model": "/work/x/.venv/lib/model, layer 6"')
    assert not ABSOLUTE.findall('"url": "https://raw.githubusercontent.com/a/b/c.json"')
