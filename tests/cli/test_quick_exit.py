"""The CLI leaves without the interpreter's teardown, and loses nothing doing so."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

# A process that, like a finished command, holds a finalizer-bearing object in a global: the
# ordinary teardown runs its __del__ (prints "teardown"); the quick exit does not.
PROLOGUE = """
import atexit, sys, threading, time
from memobench.cli._exit import leave
class Heap:
    def __del__(self):
        print("teardown", flush=True)
HEAP = Heap()
atexit.register(lambda: print("atexit ran"))
"""


def _run(body: str, *args: str) -> subprocess.CompletedProcess[str]:
    code = PROLOGUE + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, *args, "-c", code], capture_output=True, text=True, timeout=60
    )


def test_it_skips_the_teardown_keeping_atexit_buffered_output_and_the_status() -> None:
    out = _run('print("x" * 200_000, end="|"); sys.stdout.write("tail")\nleave(3)\n')
    assert out.returncode == 3
    assert out.stdout.startswith("x" * 200_000 + "|tail")  # a buffered 200 KB is all there
    assert "atexit ran" in out.stdout
    assert "teardown" not in out.stdout  # the quick path really was taken


def test_a_running_non_daemon_thread_gets_the_ordinary_exit(tmp_path: Path) -> None:
    done = tmp_path / "done"
    out = _run(
        f"""
        def work():
            time.sleep(0.3)
            open({str(done)!r}, "w").write("finished")
        threading.Thread(target=work).start()
        leave(0)
        print("returned")
        sys.exit(0)
        """
    )
    assert out.returncode == 0, out.stderr
    assert done.read_text() == "finished"
    assert "returned" in out.stdout  # leave() returned: ordinary shutdown


def test_dev_mode_a_tracer_and_a_message_status_keep_the_ordinary_exit() -> None:
    then = '\nprint("returned")\nsys.exit({})\n'
    dev = _run("leave(0)" + then.format(0), "-X", "dev")
    traced = _run("sys.settrace(lambda *a: None)\nleave(0)" + then.format(0))
    message = _run('leave("bad")' + then.format(4))
    for out, status in ((dev, 0), (traced, 0), (message, 4)):
        assert out.returncode == status, out.stderr
        assert "returned" in out.stdout and "atexit ran" in out.stdout


def test_the_command_exits_quickly_through_main_with_clicks_status() -> None:
    # Exit status 2 of a user error still comes out of the real entry point's quick path.
    out = _run(
        """
        from memobench.cli import main
        sys.argv = ["memobench", "run", "--agent", "no-such-agent"]
        main()
        """
    )
    assert out.returncode == 2
    assert "no-such-agent" in out.stderr
    assert "teardown" not in out.stdout and "atexit ran" in out.stdout
