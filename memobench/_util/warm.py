"""Import what a later phase needs while the loop waits on the first requests.

`memobench run` asks with every request in flight and its loop idle most of the time; the
scoring and table modules (numpy alone is ~0.1 s) load in a thread during that wait instead of
at start-up, where they would delay the first request, or at the end, where they would add to
the wall time. The thread gets the GIL only while the loop sleeps in its selector, and a short
switch interval hands it back within 0.5 ms when a reply arrives.
"""

from __future__ import annotations

import importlib
import sys
import threading

#: GIL switch interval while the warm-up runs (Python's default is 5 ms).
WARM_SWITCH_INTERVAL_S = 0.0005


def warm_in_background(modules: tuple[str, ...]) -> threading.Thread:
    """Start importing ``modules`` in a daemon thread; join it before they are needed."""
    thread = threading.Thread(target=_import_all, args=(modules,), name="mb-warm", daemon=True)
    thread.start()
    return thread


def _import_all(modules: tuple[str, ...]) -> None:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, WARM_SWITCH_INTERVAL_S))
    try:
        for name in modules:
            if name in sys.modules:
                continue
            try:
                importlib.import_module(name)
            except ImportError:  # an optional extra: its phase reports it, not the warm-up
                continue
    finally:
        sys.setswitchinterval(previous)
