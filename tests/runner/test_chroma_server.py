"""The RAG baseline against a real Chroma server (``chroma run``) instead of embedded Chroma."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from memobench.llm import MockBackend
from memobench.runner import RunConfig, Runner


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(exe).exists():
        pytest.skip("the chroma CLI is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "srv"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v2/heartbeat"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield port
    proc.terminate()
    proc.wait(10)


def test_rag_with_chroma_server(tmp_path: Path, data_dir: str, chroma_server: int) -> None:
    import chromadb

    MockBackend.script("reader", lambda p: "7 May 2023")
    res = Runner(
        RunConfig(
            agent="rag",
            model="mock:reader",
            data_path=data_dir,
            conversations=("conv-30",),
            limit=5,
            out=tmp_path / "run",
            agent_config={"chroma_host": "127.0.0.1", "chroma_port": chroma_server},
        )
    ).run()
    assert res.tasks["qa"].metrics["recall"].n == 5
    # The index lives in the server, not in the run directory.
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server)
    names = [c.name for c in client.list_collections()]
    assert "mb-conv-30-dialog" in names
    assert client.get_collection("mb-conv-30-dialog").count() == 369  # every turn of conv-30
    assert not (tmp_path / "run" / "agent_state" / "conv-30" / "chroma").exists()
    MockBackend.reset()
