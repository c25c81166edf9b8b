"""Run a snippet in a fresh interpreter (what a cold process imports is the point)."""

from __future__ import annotations

import subprocess
import sys


def assert_fresh_python_ok(code: str) -> None:
    """``code`` run by ``python -c`` exits 0 having printed exactly ``ok``."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
