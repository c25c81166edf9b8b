"""Golden prompt files: rendering recorded requests, comparing them, and guarded regeneration.

Layout: ``golden/<task>@<task version>/<agent>@<agent version>.txt`` holds every request one
baseline sent for one task on the protocol item set, and ``SHA256SUMS`` beside it pins each
file's sha256. A prompt change must come with a version bump (task or agent): regeneration
(``MEMOBENCH_REGEN_GOLDEN=1``) writes only files whose version key does not exist yet and
refuses to overwrite an existing one.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN_ENV = "MEMOBENCH_REGEN_GOLDEN"
SUMS = "SHA256SUMS"
REGEN_HELP = (
    f"If the change is intended, bump the task's `version` in tasks/<task>/task.toml (or the "
    f"agent class's `version`), then run `{REGEN_ENV}=1 python -m pytest -q tests/protocol` "
    f"to write goldens for the new version (it refuses to overwrite goldens of a version that "
    f"did not change) and commit tests/protocol/golden/."
)


@dataclass(frozen=True)
class Key:
    """Which golden file: a task and an agent, each at its version."""

    task: str
    task_version: str
    agent: str
    agent_version: str

    @property
    def folder(self) -> Path:
        return GOLDEN / f"{self.task}@{self.task_version}"

    @property
    def file(self) -> Path:
        return self.folder / f"{self.agent}@{self.agent_version}.txt"


def render_requests(requests: list[dict[str, Any]]) -> str:
    """Requests as text, sorted so that the file does not depend on arrival order."""
    blocks = []
    for req in requests:
        body = req["body"]
        params = {
            "max_tokens": body.get("max_tokens", body.get("max_completion_tokens")),
            "temperature": body.get("temperature"),
            "stop": body.get("stop"),
        }
        head = f"POST {req['path']} {json.dumps(params, sort_keys=True)}"
        if "messages" in body:
            parts = [f"--- {m['role']}\n{m['content']}" for m in body["messages"]]
        else:
            parts = [f"--- prompt\n{body.get('prompt', '')}"]
        blocks.append(head + "\n" + "\n".join(parts))
    blocks.sort()
    return "".join(
        f"=== request {i} of {len(blocks)}: {b}\n=== end\n" for i, b in enumerate(blocks, 1)
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_sums(folder: Path) -> dict[str, str]:
    path = folder / SUMS
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        out[name.strip()] = digest
    return out


def _write_sums(folder: Path, sums: dict[str, str]) -> None:
    lines = [f"{digest}  {name}\n" for name, digest in sorted(sums.items())]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")


def _diff(old: str, new: str, limit: int = 60) -> str:
    lines = list(
        difflib.unified_diff(old.splitlines(), new.splitlines(), "golden", "now", n=1, lineterm="")
    )
    more = f"\n... {len(lines) - limit} more diff lines" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


def check(key: Key, text: str) -> None:
    """Fail (``AssertionError``) unless ``text`` equals the golden of ``key``; regenerate if asked."""
    name = key.file.name
    sums = read_sums(key.folder)
    digest = sha256(text)
    if key.file.is_file() and name in sums:
        golden = key.file.read_text(encoding="utf-8")
        assert sha256(golden) == sums[name], (
            f"{key.file} does not match its sha256 in {key.folder / SUMS}: golden files are "
            f"written only by regeneration. {REGEN_HELP}"
        )
        if digest == sums[name]:
            return
        raise AssertionError(
            f"The prompts that agent {key.agent} (version {key.agent_version}) sends for task "
            f"{key.task} (version {key.task_version}) changed, but neither version did: results "
            f"under the same versions would no longer be comparable.\n{REGEN_HELP}\n"
            f"sha256 golden {sums[name]} != now {digest}\n{_diff(golden, text)}"
        )
    if os.environ.get(REGEN_ENV) != "1":
        raise AssertionError(
            f"No golden prompts for {key.task}@{key.task_version} / "
            f"{key.agent}@{key.agent_version} ({key.file}). {REGEN_HELP}"
        )
    key.folder.mkdir(parents=True, exist_ok=True)
    key.file.write_text(text, encoding="utf-8")
    sums[name] = digest
    _write_sums(key.folder, sums)
    _drop_stale(key)


def _drop_stale(key: Key) -> None:
    """Remove the same agent's goldens of older versions (task or agent) of this task."""
    for folder in GOLDEN.glob(f"{key.task}@*"):
        sums = read_sums(folder)
        for name in list(sums):
            agent = name.rsplit("@", 1)[0]
            if agent == key.agent and (folder, name) != (key.folder, key.file.name):
                (folder / name).unlink(missing_ok=True)
                del sums[name]
        if sums:
            _write_sums(folder, sums)
        else:
            (folder / SUMS).unlink(missing_ok=True)
            folder.rmdir()


def expected_files(keys: list[Key]) -> set[Path]:
    return {k.file for k in keys} | {k.folder / SUMS for k in keys}
