"""No silent skips: with ``MEMOBENCH_REQUIRE_ALL=1`` any skip not on the allow-list fails the run.

CI installs every optional component (Chromium, llama.cpp, torch, the MiniLM files, the shared
data); a test that skips there means a component went missing, which must be loud. Reasons on
``ALLOWED`` are skips that are expected even in a complete CI environment (see notes/validity.md).
"""

from __future__ import annotations

import os
import re

import pytest

#: Empty: every component CI installs must be there, and the one opt-in soak (the 1M-token
#: procedural conversation) moved to benchmarks/bench_generate_1m.py. Add a pattern only with
#: a justification in notes/validity.md.
ALLOWED: tuple[str, ...] = ()

_skipped: list[tuple[str, str]] = []


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append((report.nodeid, _reason(report)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("MEMOBENCH_REQUIRE_ALL") != "1":
        return
    bad = [(n, r) for n, r in _skipped if not any(re.search(a, r) for a in ALLOWED)]
    if not bad:
        return
    lines = "\n".join(f"  {n}: {r}" for n, r in bad)
    print(f"\nMEMOBENCH_REQUIRE_ALL=1 but {len(bad)} test(s) skipped:\n{lines}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
