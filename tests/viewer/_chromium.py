"""Drive Debian's chromium headless; a missing browser fails (no silent skip)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def dump_dom(tmp_path: Path, url: str) -> str:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed (apt-get install chromium); the viewer needs it")
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        url,
    ]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout
    # the rendered page only: the scripts below it hold the templates and the data
    head, sep, _ = dom.partition('<script id="data"')
    assert sep, "the page has no data block"
    return head


def number(dom: str, element_id: str) -> int:
    m = re.search(rf'id="{element_id}">(\d+)<', dom)
    assert m, f"#{element_id} not in the page"
    return int(m.group(1))


def shown_ids(dom: str) -> list[str]:
    return re.findall(r'<div class="item" data-id="([^"]+)"', dom)
