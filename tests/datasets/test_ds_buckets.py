"""BEAM's 500K and 1M buckets by pinned URL, and multi-part downloads pinned by git blob id,
served from 127.0.0.1 and from file:// (no network)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from memobench.cli import cli
from memobench.datasets import (
    ChecksumError,
    DatasetManifest,
    beam_1m,
    beam_500k,
    dataset_digest,
    download_dataset,
    git_blob_id,
)

PIN = "b2a3ee8ba12d68f83143dda191097dc3e028ddd3"


def test_bucket_manifests_pin_every_part() -> None:
    for m, bucket in ((beam_500k(), "500K"), (beam_1m(), "1M")):
        assert m.format == "beam" and m.filename == f"beam/{bucket}"
        assert (
            m.url
            == f"https://raw.githubusercontent.com/mohammadtavakoli78/BEAM/{PIN}/chats/{bucket}"
        )
        # 35 chats, each a chat.json and its probing questions (upstream's nested path).
        assert len(m.parts) == 70
        assert m.parts["35/probing_questions.json"] == "35/probing_questions/probing_questions.json"
        assert m.license and m.citation.startswith("@")
    assert len(beam_500k().sha256) == 64
    # 1M: the folder digest is unknown here; every part is pinned by its git blob id instead.
    assert beam_1m().sha256 == "" and set(beam_1m().git_blobs) == set(beam_1m().parts)
    assert all(len(b) == 40 for b in beam_1m().git_blobs.values())


def test_git_blob_id_is_gits(tmp_path: Path) -> None:
    f = tmp_path / "x"
    f.write_bytes(b"hello\n")
    # `printf 'hello\n' | git hash-object --stdin`
    assert git_blob_id(f) == "ce013625030ba8dba906f756967f9e9ca394464a"


def _served(tmp_path: Path) -> tuple[Path, DatasetManifest]:
    www = tmp_path / "www"
    parts, blobs = {}, {}
    for n in (1, 2):
        (www / str(n) / "probing_questions").mkdir(parents=True)
        (www / str(n) / "chat.json").write_text(json.dumps([{"batch_number": n}]))
        (www / str(n) / "probing_questions" / "probing_questions.json").write_text("{}")
        parts[f"{n}/chat.json"] = f"{n}/chat.json"
        parts[f"{n}/probing_questions.json"] = f"{n}/probing_questions/probing_questions.json"
    for local, remote in parts.items():
        blobs[local] = git_blob_id(www / remote)
    m = DatasetManifest(
        name="beam-tiny",
        format="beam",
        filename="beam/tiny",
        url="https://example.invalid/chats/tiny",
        sha256="",
        parts=parts,
        git_blobs=blobs,
        license="x",
        citation="@x",
    )
    return www, m


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_http(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Path, DatasetManifest]]:
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    www, m = _served(tmp_path)
    srv = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www))
    )
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", www, m
    srv.shutdown()
    srv.server_close()


def test_parts_checked_by_git_blob(tmp_path: Path, local_http) -> None:  # type: ignore[no-untyped-def]
    url, www, m = local_http
    got = download_dataset(m, dest_dir=tmp_path / "dest", url=url)
    assert sorted(p.relative_to(got).as_posix() for p in got.rglob("*.json")) == sorted(m.parts)
    # One changed byte in one part: nothing is written, and the part is named.
    (www / "2" / "chat.json").write_text(json.dumps([{"batch_number": 3}]))
    with pytest.raises(ChecksumError, match=r"2/chat\.json"):
        download_dataset(m, dest_dir=tmp_path / "dest2", url=url)
    assert not (tmp_path / "dest2" / "beam" / "tiny").exists()


def test_unpinned_manifest_is_refused(tmp_path: Path) -> None:
    _, m = _served(tmp_path)
    with pytest.raises(ChecksumError, match="neither sha256 nor git_blobs"):
        download_dataset(m.model_copy(update={"git_blobs": {}}), dest_dir=tmp_path / "d")


def test_cli_download_from_file_url(tmp_path: Path, data_dir: Path) -> None:
    """`memobench datasets download locomo-plus --url file://...`: sha256 checked, file placed."""
    src = data_dir / "locomo_plus" / "locomo_plus.json"
    dest = tmp_path / "dest"
    res = CliRunner().invoke(
        cli, ["datasets", "download", "locomo-plus", "--dest", str(dest), "--url", src.as_uri()]
    )
    assert res.exit_code == 0, res.output
    got = dest / "locomo_plus" / "locomo_plus.json"
    assert hashlib.sha256(got.read_bytes()).hexdigest() == dataset_digest(src)
    assert "verified" in res.output
    # A different file at the URL is refused with the digest it had.
    other = tmp_path / "other.json"
    other.write_text("[]")
    res = CliRunner().invoke(
        cli,
        [
            "datasets",
            "download",
            "locomo-plus",
            "--dest",
            str(tmp_path / "d2"),
            "--url",
            other.as_uri(),
        ],
    )
    assert res.exit_code != 0 and "sha256" in res.output
    assert not (tmp_path / "d2" / "locomo_plus" / "locomo_plus.json").exists()
