"""The ``ik`` engine against llama-cpp-python, each engine in a process of its own.

llama-cpp-python loads its library with ``RTLD_GLOBAL`` and ik_llama.cpp's exports the same
symbol names, so once both are loaded in one process (any earlier test of this session may
have imported ``llama_cpp``), calls of one can bind to the other's code and a comparison
would compare nothing. The cases live in ``ik_engine_cases.py`` and run here in a fresh
pytest process that never imports ``llama_cpp``; llama-cpp-python's side is computed by
``_ik_reference.py`` in yet another process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.local_llm

HERE = Path(__file__).parent


def test_ik_engine_cases_in_a_process_without_llama_cpp() -> None:
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"]
    cmd += [str(HERE / "ik_engine_cases.py"), "--rootdir", str(HERE.parents[1])]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1200)
    tail = (done.stdout + done.stderr)[-6000:]
    assert done.returncode == 0, tail
    summary = re.search(r"(\d+) passed", tail)
    assert summary and int(summary.group(1)) >= 15, tail
    assert " skipped" not in tail and " failed" not in tail and " error" not in tail, tail


def test_ik_grammar_shortcut_cases_in_a_process_of_their_own() -> None:
    """The greedy grammar shortcut (``ik_grammar_cases.py``): needs ik only, so it also runs
    where llama-cpp-python is not built."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"]
    cmd += [str(HERE / "ik_grammar_cases.py"), "--rootdir", str(HERE.parents[1])]
    done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ), timeout=600)
    tail = (done.stdout + done.stderr)[-6000:]
    assert done.returncode == 0, tail
    summary = re.search(r"(\d+) passed", tail)
    assert summary and int(summary.group(1)) >= 5, tail
    assert " skipped" not in tail and " failed" not in tail and " error" not in tail, tail
