"""Dataset lookup order and the sha256-checked download (against a local HTTP server)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from memobench.datasets import (
    ENV_DATA_DIR,
    ChecksumError,
    DatasetNotFoundError,
    cache_data_dir,
    download_dataset,
    find_dataset_file,
    locomo10,
)


def _put(d: Path, rel: str = "locomo/locomo10.json") -> Path:
    p = d / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(str(d))
    return p


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = locomo10()
    explicit, env, cache_root = tmp_path / "explicit", tmp_path / "env", tmp_path / "cache"
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(cache_root))
    monkeypatch.setenv(ENV_DATA_DIR, str(env))
    assert cache_data_dir() == cache_root / "datasets"
    with pytest.raises(DatasetNotFoundError) as info:
        find_dataset_file(m)
    msg = str(info.value)
    assert str(env / "locomo" / "locomo10.json") in msg and str(cache_root / "datasets") in msg
    assert "memobench datasets download locomo10" in msg

    in_cache = _put(cache_root / "datasets")
    assert find_dataset_file(m) == in_cache
    in_env = _put(env)
    assert find_dataset_file(m) == in_env  # env beats cache
    in_explicit = _put(explicit)
    assert find_dataset_file(m, explicit) == in_explicit  # --data-path beats env
    assert find_dataset_file(m, str(explicit)) == in_explicit
    monkeypatch.delenv(ENV_DATA_DIR)
    assert find_dataset_file(m) == in_cache


def test_lookup_flat_name_and_file_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    m = locomo10()
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    flat = _put(tmp_path / "flat", "locomo10.json")  # <dir>/locomo10.json also accepted
    assert find_dataset_file(m, tmp_path / "flat") == flat
    nested = _put(tmp_path / "flat")  # <dir>/locomo/locomo10.json comes first
    assert find_dataset_file(m, tmp_path / "flat") == nested
    other = _put(tmp_path, "elsewhere/any-name.json")
    assert find_dataset_file(m, other) == other  # a file path is used as is


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator:  # type: ignore[type-arg]
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    servers = []

    def start(directory: Path) -> str:
        handler = functools.partial(_Quiet, directory=str(directory))
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def test_download_verifies_and_writes_atomically(tmp_path: Path, locomo_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    m = locomo10()
    www = tmp_path / "www"
    www.mkdir()
    shutil.copy(locomo_path, www / "locomo10.json")
    base = serve(www)
    dest = tmp_path / "dest"
    got = download_dataset(m, dest_dir=dest, url=f"{base}/locomo10.json")
    assert got == dest / "locomo" / "locomo10.json"
    assert hashlib.sha256(got.read_bytes()).hexdigest() == m.sha256
    assert sorted(p.name for p in got.parent.iterdir()) == ["locomo10.json"]  # no .part left
    # already present and valid: no network access at all (the URL is dead)
    assert download_dataset(m, dest_dir=dest, url="http://127.0.0.1:9/nothing") == got


def test_download_default_dest_is_cache(
    tmp_path: Path, locomo_path: Path, serve, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(tmp_path / "cache"))
    www = tmp_path / "www"
    www.mkdir()
    shutil.copy(locomo_path, www / "x.json")
    got = download_dataset(locomo10(), url=f"{serve(www)}/x.json")
    assert got == tmp_path / "cache" / "datasets" / "locomo" / "locomo10.json"
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    assert find_dataset_file(locomo10()) == got


def test_download_corrupted_file_leaves_nothing(tmp_path: Path, locomo_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    m = locomo10()
    www = tmp_path / "www"
    www.mkdir()
    data = bytearray(locomo_path.read_bytes())
    data[100] ^= 0x01
    (www / "locomo10.json").write_bytes(bytes(data))
    base = serve(www)
    dest = tmp_path / "dest"
    with pytest.raises(ChecksumError) as info:
        download_dataset(m, dest_dir=dest, url=f"{base}/locomo10.json")
    assert m.sha256 in str(info.value) and hashlib.sha256(bytes(data)).hexdigest() in str(
        info.value
    )
    target = dest / "locomo" / "locomo10.json"
    assert not target.exists()
    assert not (target.parent / ".locomo10.json.part").exists()
    assert [p for p in dest.rglob("*") if p.is_file()] == []


def test_download_corrupted_does_not_replace_existing_bad_file(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    m = locomo10()
    www = tmp_path / "www"
    www.mkdir()
    (www / "locomo10.json").write_text("[]")
    dest = tmp_path / "dest"
    old = _put(dest)
    old.write_text("old")
    with pytest.raises(ChecksumError):
        download_dataset(m, dest_dir=dest, url=f"{serve(www)}/locomo10.json")
    assert old.read_text() == "old"
    assert sorted(p.name for p in old.parent.iterdir()) == ["locomo10.json"]


def test_cli_download_checksum_failure(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from memobench.cli import cli

    www = tmp_path / "www"
    www.mkdir()
    (www / "locomo10.json").write_text("[]")
    dest = tmp_path / "dest"
    res = CliRunner().invoke(
        cli,
        [
            "datasets",
            "download",
            "locomo10",
            "--dest",
            str(dest),
            "--url",
            f"{serve(www)}/locomo10.json",
        ],
    )
    assert res.exit_code != 0
    assert "sha256" in res.output
    assert not (dest / "locomo" / "locomo10.json").exists()


def test_download_http_error_leaves_nothing(tmp_path: Path, serve) -> None:  # type: ignore[no-untyped-def]
    import urllib.error

    www = tmp_path / "www"
    www.mkdir()
    dest = tmp_path / "dest"
    with pytest.raises(urllib.error.HTTPError):
        download_dataset(locomo10(), dest_dir=dest, url=f"{serve(www)}/missing.json")
    assert [p for p in dest.rglob("*") if p.is_file()] == []
