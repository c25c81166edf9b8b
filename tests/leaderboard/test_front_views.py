"""The cost–accuracy–latency front in the HTML page (headless Chromium) and the PNG view."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _diag_runs import make_diag_runs

from memobench.leaderboard import build_leaderboard, front_plots, render_html, render_png

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ORANGE = (0xD9, 0x48, 0x0F)  # front points and line, in both views
GREY = (0x86, 0x8E, 0x96)  # points off the front


def _chromium(tmp_path: Path, *args: str) -> str:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed (apt-get install chromium); the page test needs it")
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
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout


def _pixels(path: Path, colour: tuple[int, int, int], tol: int = 12) -> int:
    from PIL import Image

    img = Image.open(path).convert("RGB")
    return sum(
        1 for px in img.getdata() if all(abs(a - b) <= tol for a, b in zip(px, colour, strict=True))
    )


@pytest.fixture
def board(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_leaderboard(make_diag_runs(tmp_path), base_dir=tmp_path, n_resamples=100)


@pytest.mark.chromium
def test_page_marks_the_front_in_chromium(tmp_path: Path, board) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "leaderboard.html"
    page.write_text(render_html(board), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert 'data-ready="1"' in dom  # the page's script ran after the figures
    figures = re.findall(
        r'<figure class="front" data-task="qa" data-metric="([^"]+)" data-axis="([^"]+)">(.*?)'
        r"</figure>",
        dom,
        flags=re.S,
    )
    truth = {(p.metric, p.axis): p for p in front_plots(board)}
    assert {(m, a) for m, a, _ in figures} == set(truth)
    for metric, axis, body in figures:
        shown = dict(re.findall(r'data-label="([^"]+)" data-front="([01])"', body))
        assert shown == {p.label: str(int(p.on_front)) for p in truth[(metric, axis)].points}
        assert ('class="front-line"' in body) == (len(truth[(metric, axis)].front) > 1)
    assert "Pareto front: no-memory, oracle" in dom  # latency: rag is slower and worse
    shot = tmp_path / "shot.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,1600", page.as_uri())
    assert _pixels(shot, ORANGE) > 200  # front points and line were painted
    assert _pixels(shot, GREY) > 20  # rag, off the latency front


def test_png_front_renders(tmp_path: Path, board) -> None:  # type: ignore[no-untyped-def]
    written = render_png(board, tmp_path / "charts", dpi=80)
    front = tmp_path / "charts" / "leaderboard_qa_front.png"
    assert front in written
    from PIL import Image

    width, height = Image.open(front).size
    assert (width, height) == (720, 272)  # 9 x 3.4 inches, one metric row, two axes
    assert _pixels(front, ORANGE) > 200 and _pixels(front, GREY) > 10
