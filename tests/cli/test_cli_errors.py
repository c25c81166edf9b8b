"""User errors: one line on stderr, exit code 2, a traceback only with ``--debug``."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from memobench.cli import cli


def test_unknown_dataset_is_one_line_exit_2() -> None:
    res = CliRunner().invoke(cli, ["datasets", "inspect", "locomo-nope"])
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("Error: Unknown datasets 'locomo-nope'")
    assert "Traceback" not in res.output


def test_missing_dataset_file_is_a_user_error(tmp_path) -> None:
    res = CliRunner().invoke(cli, ["datasets", "inspect", str(tmp_path / "absent.json")])
    assert res.exit_code == 2
    assert res.output.strip() == f"Error: dataset file {tmp_path / 'absent.json'} does not exist"


def test_bad_model_spec_names_the_spec() -> None:
    res = CliRunner().invoke(cli, ["llm", "ping", "--model", "no-colon"])
    assert res.exit_code == 2
    assert "model spec 'no-colon' must look like 'backend:model'" in res.output


def test_debug_shows_the_traceback(tmp_path) -> None:
    """Through the real console script entry (``python -m memobench``), not CliRunner."""
    cmd = [sys.executable, "-m", "memobench", "datasets", "inspect", "locomo-nope"]
    plain = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    debug = subprocess.run(
        [*cmd[:3], "--debug", *cmd[3:]], capture_output=True, text=True, timeout=120
    )
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr and "RegistryError" in debug.stderr
