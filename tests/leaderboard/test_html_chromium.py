"""The HTML page in a real headless browser: JS runs, sorting works, it renders."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _fabricate import make_standard_runs

from memobench.leaderboard import build_leaderboard, render_html

pytestmark = pytest.mark.chromium

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(tmp_path: Path, url: str, *extra: str) -> str:
    if CHROMIUM is None:
        pytest.skip("chromium not installed (apt-get install chromium)")
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        *extra,
        url,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=True).stdout


@pytest.fixture
def page(tmp_path: Path) -> Path:
    runs = make_standard_runs(tmp_path, rag={"smoke_test": True})
    board = build_leaderboard(runs, base_dir=tmp_path, n_resamples=100)
    path = tmp_path / "leaderboard.html"
    path.write_text(render_html(board), encoding="utf-8")
    return path


def _row_order(dom: str) -> list[str]:
    return re.findall(r'<tr(?: class="smoke")? data-label="([^"]+)"', dom)


def test_sort_by_click_and_query(tmp_path, page):
    url = page.as_uri()
    dom = _chromium(tmp_path, url + "?click=overall", "--dump-dom")
    assert 'data-ready="1"' in dom  # the script ran
    assert _row_order(dom) == ["oracle", "rag", "no-memory"]  # score columns sort descending
    assert 'data-key="overall" data-dir="desc" aria-sort="descending"' in dom
    dom = _chromium(tmp_path, url + "?sort=overall&dir=asc", "--dump-dom")
    assert _row_order(dom) == ["no-memory", "rag", "oracle"]
    dom = _chromium(tmp_path, url + "?sort=agent&dir=asc", "--dump-dom")
    assert _row_order(dom) == ["no-memory", "oracle", "rag"]
    assert "SMOKE TEST" in dom and 'class="ci"' in dom


def test_screenshot(tmp_path, page):
    shot = tmp_path / "shot.png"
    _chromium(tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1400,600")
    assert shot.read_bytes()[:4] == b"\x89PNG" and shot.stat().st_size > 5000
