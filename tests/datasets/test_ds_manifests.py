"""Manifests of the new datasets: multi-part download, pinned digest, generalised counts."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from memobench.datasets import (
    ChecksumError,
    DatasetFormatError,
    beam_100k,
    download_dataset,
    load_dataset,
    locomo_plus,
)
from memobench.registry import datasets as registry


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def upstream(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A local server laid out like BEAM upstream (``<n>/probing_questions/<file>``)."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    www = tmp_path / "www"
    for n in range(1, 21):
        src = data_dir / "beam" / "100K" / str(n)
        (www / str(n) / "probing_questions").mkdir(parents=True)
        shutil.copy(src / "chat.json", www / str(n) / "chat.json")
        shutil.copy(src / "probing_questions.json", www / str(n) / "probing_questions")
    handler = functools.partial(_Quiet, directory=str(www))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_all_registered() -> None:
    names = set(registry.names())
    assert {
        "longmemeval-s",
        "longmemeval-m",
        "longmemeval-oracle",
        "beam-100k",
        "locomo-plus",
        "locomo-plus-unified",
        "beam-500k",
        "beam-1m",
    } <= names
    for name in names:
        m = registry.get(name)()  # type: ignore[operator]
        # Pinned by sha256, or (beam-1m) part by part by git blob id.
        pinned = len(m.sha256) == 64 or (not m.sha256 and set(m.git_blobs) == set(m.parts))
        assert m.url and pinned and m.license and m.citation.startswith("@")


def test_beam_download_all_parts_and_load(tmp_path: Path, upstream: str) -> None:
    dest = tmp_path / "dest"
    got = download_dataset(beam_100k(), dest_dir=dest, url=upstream)
    assert got == dest / "beam" / "100K"
    assert len(list(got.rglob("*.json"))) == 40
    assert not list(dest.glob("beam/.*"))  # no .part folder left
    ds = load_dataset("beam-100k", data_path=dest)
    assert ds.sha256 == beam_100k().sha256 and ds.counts()["qa"] == 400


def test_beam_download_with_a_changed_file_writes_nothing(tmp_path: Path, upstream: str) -> None:
    # Tamper with one served file: the folder digest must refuse the whole download.
    served = tmp_path / "www" / "7" / "chat.json"
    served.write_text(served.read_text().replace("a", "b", 1))
    with pytest.raises(ChecksumError):
        download_dataset(beam_100k(), dest_dir=tmp_path / "dest", url=upstream)
    assert not (tmp_path / "dest" / "beam" / "100K").exists()


def test_expected_counts_mismatch_names_the_label(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = locomo_plus()
    assert real.expected is not None
    wrong = real.expected.model_copy(
        update={"subtypes": {**(real.expected.subtypes or {}), "goal": 99}}
    )
    monkeypatch.setattr(
        registry, "get", lambda name: lambda: real.model_copy(update={"expected": wrong})
    )
    with pytest.raises(DatasetFormatError, match="subtypes: expected"):
        load_dataset("locomo-plus", data_path=data_dir)
