"""Leaving the process without tearing the heap down object by object.

After ``memobench run`` the interpreter's own shutdown (module teardown, a last garbage
collection over the dataset, the records and every imported module) cost ~0.1 s of a 7 s run
against the 100 ms fake server (``notes/scale.md``, stop 7): work nobody waits for. The command's
own clean-up stays: atexit handlers run (logging flushes its handlers, the embedded model server
and Ray stop, ``weakref.finalize`` callbacks fire), then stdout and stderr are flushed and the
process exits with click's code. It falls back to the ordinary exit whenever skipping the
teardown could lose something or surprise a tool: a non-daemon thread still running (the
ordinary exit waits for it), a profiler or tracer attached (coverage, cProfile write their output
after ``main`` returns), ``-X dev``, or a non-integer exit status.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

#: The status CPython exits with when flushing stdout fails at shutdown (e.g. a closed pipe).
FLUSH_FAILED_STATUS = 120


def can_leave_quickly() -> bool:
    """True when skipping the interpreter's teardown loses nothing (see the module docstring)."""
    if sys.getprofile() is not None or sys.gettrace() is not None or sys.flags.dev_mode:
        return False
    main = threading.main_thread()
    return not any(t.is_alive() and not t.daemon and t is not main for t in threading.enumerate())


def leave(status: object) -> None:
    """Exit with ``status`` (a ``SystemExit.code``) now, or return if the ordinary exit is due."""
    if not (status is None or isinstance(status, int)) or not can_leave_quickly():
        return
    code = status or 0
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            code = code or FLUSH_FAILED_STATUS
    os._exit(code)
