"""Finding and downloading dataset files.

Lookup order: an explicit ``--data-path`` (file or directory), then ``MEMOBENCH_DATA_DIR``,
then the user cache directory (where ``memobench datasets download`` puts files).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.request
from pathlib import Path

import platformdirs

from .._util.hashing import sha256_file
from ._errors import ChecksumError, DatasetNotFoundError
from ._manifest import DatasetManifest

ENV_DATA_DIR = "MEMOBENCH_DATA_DIR"


def cache_data_dir() -> Path:
    base = os.environ.get("MEMOBENCH_CACHE_DIR")
    root = Path(base) if base else Path(platformdirs.user_cache_dir("memobench"))
    return root / "datasets"


def candidate_paths(manifest: DatasetManifest, data_path: str | Path | None = None) -> list[Path]:
    """Every place the dataset's file may be, in lookup order."""
    name = Path(manifest.filename).name
    out: list[Path] = []

    def in_dir(d: Path) -> None:
        out.extend([d / manifest.filename, d / name])

    if data_path is not None:
        p = Path(data_path)
        if p.is_dir():
            in_dir(p)
        else:
            out.append(p)
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        in_dir(Path(env))
    in_dir(cache_data_dir())
    return out


def dataset_digest(path: Path) -> str:
    """sha256 of a file; for a folder, of its ``SHA256SUMS``-style listing of ``*.json`` files."""
    if path.is_file():
        return sha256_file(path)
    files = sorted(p for p in path.rglob("*.json") if p.is_file())
    listing = "".join(f"{sha256_file(p)}  {p.relative_to(path).as_posix()}\n" for p in files)
    return hashlib.sha256(listing.encode()).hexdigest()


def find_dataset_file(manifest: DatasetManifest, data_path: str | Path | None = None) -> Path:
    candidates = candidate_paths(manifest, data_path)
    for path in candidates:
        if path.is_file() or (manifest.parts and path.is_dir()):
            return path
    looked = "\n  ".join(str(p) for p in candidates)
    raise DatasetNotFoundError(
        f"{manifest.name}: file not found. Looked in:\n  {looked}\n"
        f"Run `memobench datasets download {manifest.name}`, or pass --data-path / set "
        f"{ENV_DATA_DIR} to a directory holding {manifest.filename}."
    )


def download_dataset(
    manifest: DatasetManifest, *, dest_dir: str | Path | None = None, url: str | None = None
) -> Path:
    """Download the pinned file, verify its sha256, and move it into place atomically."""
    source = url or manifest.url
    if not source:
        raise ValueError(f"{manifest.name} has no download URL")
    if not manifest.sha256 and not manifest.git_blobs:
        raise ChecksumError(f"{manifest.name}: the manifest pins neither sha256 nor git_blobs")
    dest = Path(dest_dir) if dest_dir else cache_data_dir()
    target = dest / manifest.filename
    if target.exists() and manifest.sha256 and dataset_digest(target) == manifest.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    if manifest.parts:
        shutil.rmtree(tmp, ignore_errors=True)
        for rel, suffix in manifest.parts.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            _fetch(source.rstrip("/") + "/" + suffix, tmp / rel)
    else:
        _fetch(source, tmp)
    digest = dataset_digest(tmp)
    bad = _bad_blobs(manifest, tmp)
    if bad or (manifest.sha256 and digest != manifest.sha256):
        shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
        what = (
            f"parts {', '.join(bad)} differ from their pinned git blobs"
            if bad
            else f"sha256 {digest}, expected {manifest.sha256}"
        )
        raise ChecksumError(
            f"{manifest.name}: downloaded file from {source} has {what}; nothing was written"
        )
    if target.is_dir():
        shutil.rmtree(target)
    os.replace(tmp, target)
    return target


def git_blob_id(path: Path) -> str:
    """Git's blob id of a file: SHA-1 of ``blob <size>\\0`` + the bytes."""
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _bad_blobs(manifest: DatasetManifest, folder: Path) -> list[str]:
    """The parts whose git blob id differs from the manifest's (a multi-file download)."""
    if not manifest.git_blobs:
        return []
    return [rel for rel, blob in manifest.git_blobs.items() if git_blob_id(folder / rel) != blob]


def _fetch(url: str, dest: Path) -> None:
    with urllib.request.urlopen(url, timeout=60) as resp, open(dest, "wb") as fh:
        while block := resp.read(1 << 20):
            fh.write(block)
