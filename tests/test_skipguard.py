"""The skip guard really fails a run that skipped for a reason not on the allow-list."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[0]


def _run(tmp_path: Path, body: str, require: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_x.py").write_text(f"import pytest\n\n\n{body}\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(TESTS))
    env.pop("MEMOBENCH_REQUIRE_ALL", None)
    if require:
        env["MEMOBENCH_REQUIRE_ALL"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "_skipguard", "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


MISSING = 'def test_a():\n    pytest.skip("chromium not installed")'
# The allow-list is empty in the repository; this generated test adds one pattern for itself.
ALLOWED = (
    "import _skipguard\n_skipguard.ALLOWED = (r'expected in CI',)\n\n"
    '@pytest.mark.skipif(True, reason="expected in CI: demo")\ndef test_a():\n    pass'
)


def test_unlisted_skip_fails_when_required(tmp_path):
    res = _run(tmp_path, MISSING, require=True)
    assert res.returncode == pytest.ExitCode.TESTS_FAILED, res.stdout
    assert "1 test(s) skipped" in res.stdout
    assert "test_x.py::test_a: chromium not installed" in res.stdout


def test_unlisted_skip_passes_when_not_required(tmp_path):
    res = _run(tmp_path, MISSING, require=False)
    assert res.returncode == 0, res.stdout
    assert "1 skipped" in res.stdout


def test_allow_listed_skip_passes_when_required(tmp_path):
    res = _run(tmp_path, ALLOWED, require=True)
    assert res.returncode == 0, res.stdout


def test_allow_list_is_empty():
    """CI tolerates no skip at all (issue 18): the guard's allow-list ships empty."""
    import _skipguard

    assert _skipguard.ALLOWED == ()


def test_allow_listed_pattern_does_not_excuse_other_reasons(tmp_path):
    body = ALLOWED.replace('reason="expected in CI: demo"', 'reason="torch missing"')
    res = _run(tmp_path, body, require=True)
    assert res.returncode == pytest.ExitCode.TESTS_FAILED, res.stdout
    assert "test_x.py::test_a: torch missing" in res.stdout
