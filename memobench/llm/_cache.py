"""Content-addressed SQLite cache for completions and embeddings.

Keys are sha256 of canonical JSON, so identical calls hit across runs and processes. WAL
mode lets several processes read while one writes; each thread gets its own connection
because sqlite3 connections must not be shared across threads.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    value BLOB NOT NULL,
    created REAL NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS entries_model ON entries(model);
CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    since REAL NOT NULL
);
"""

#: A claim older than this is abandoned whoever holds it (longer than any item may take).
CLAIM_TTL_S = 900.0


def claims_enabled_by_env() -> bool:
    """``MEMOBENCH_CACHE_CLAIMS=1`` (set for executor workers): claim a key before paying."""
    return os.environ.get("MEMOBENCH_CACHE_CLAIMS", "").strip().lower() in {"1", "true", "yes"}


def claim_owner() -> str:
    """``host:pid``: who holds a claim (a dead pid on this host frees it at once)."""
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_gone(owner: str, since: float) -> bool:
    import socket

    if time.time() - since > CLAIM_TTL_S:
        return True
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):
        return False
    return False


def cache_dir() -> Path:
    """``$MEMOBENCH_CACHE_DIR`` or the platform user cache dir for ``memobench``."""
    env = os.environ.get("MEMOBENCH_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("memobench"))


def cache_disabled_by_env() -> bool:
    return os.environ.get("MEMOBENCH_NO_CACHE", "").strip().lower() in {"1", "true", "yes"}


def cache_key(payload: Any) -> str:
    """sha256 of canonical JSON (sorted keys, no whitespace)."""
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


# Paths whose file is known to be in WAL mode with the schema in place, per process. Switching
# the journal mode needs an exclusive lock, and SQLite answers a concurrent switch with
# "database is locked" without waiting on the busy timeout, so it happens once, under a lock.
_READY: set[Path] = set()
_READY_LOCK = threading.Lock()


def _prepare(path: Path, *, deadline_s: float = 30.0) -> None:
    with _READY_LOCK:
        if path in _READY and path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        stop = time.monotonic() + deadline_s
        while True:
            conn = sqlite3.connect(path, timeout=deadline_s, isolation_level=None)
            try:
                # Another process may be switching the mode at the same moment; retry briefly.
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > stop:
                    raise
                time.sleep(0.05)
            finally:
                conn.close()
        _READY.add(path)


class Cache:
    """A small key → blob store with per-model hit counts."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else cache_dir() / "llm_cache.sqlite3"
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            _prepare(self.path.resolve())
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            # A lost last write only costs a re-computation; skip the fsync per commit.
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def get(self, key: str) -> bytes | None:
        conn = self._conn()
        row = conn.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        conn.execute("UPDATE entries SET hits = hits + 1 WHERE key = ?", (key,))
        return bytes(row[0])

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        conn = self._conn()
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk
            ).fetchall()
            out.update((k, bytes(v)) for k, v in rows)
            if rows:
                found = [k for k, _ in rows]
                conn.execute(
                    "UPDATE entries SET hits = hits + 1"
                    f" WHERE key IN ({','.join('?' * len(found))})",
                    found,
                )
        return out

    def put(
        self, key: str, value: bytes, *, kind: str, model: str, release: str | None = None
    ) -> None:
        """Store ``value``; ``release``: drop this owner's claim on ``key`` in the same commit."""
        self.put_many([(key, value)], kind=kind, model=model, release=release)

    def put_many(
        self,
        items: list[tuple[str, bytes]],
        *,
        kind: str,
        model: str,
        release: str | None = None,
    ) -> None:
        now = time.time()
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT OR REPLACE INTO entries(key, kind, model, value, created, hits)"
                " VALUES (?, ?, ?, ?, ?, 0)",
                [(k, kind, model, v, now) for k, v in items],
            )
            if release is not None:
                conn.executemany(
                    "DELETE FROM claims WHERE key = ? AND owner = ?",
                    [(k, release) for k, _ in items],
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def claim(self, key: str, owner: str) -> bool:
        """Take the claim on ``key`` (True), unless another live owner holds it (False).

        Processes sharing this cache claim a key before paying for it, so two workers never
        pay twice for one prompt: the loser waits for the winner's entry. A claim whose owner
        died (same host) or that is older than ``CLAIM_TTL_S`` is taken over.
        """
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT owner, since FROM claims WHERE key = ?", (key,)).fetchone()
            if row is not None and row[0] != owner and not _owner_gone(row[0], row[1]):
                conn.execute("COMMIT")
                return False
            conn.execute(
                "INSERT OR REPLACE INTO claims(key, owner, since) VALUES (?, ?, ?)",
                (key, owner, time.time()),
            )
            conn.execute("COMMIT")
            return True
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def claimed(self, key: str) -> bool:
        """Someone holds a live claim on ``key``."""
        row = (
            self._conn().execute("SELECT owner, since FROM claims WHERE key = ?", (key,)).fetchone()
        )
        return row is not None and not _owner_gone(row[0], row[1])

    def release(self, key: str, owner: str) -> None:
        """Drop ``owner``'s claim on ``key`` (its call failed: the next caller may pay)."""
        self._conn().execute("DELETE FROM claims WHERE key = ? AND owner = ?", (key, owner))

    def stats(self) -> dict[str, Any]:
        """Entries, bytes on disk and hits, overall and per (kind, model)."""
        conn = self._conn()
        rows = conn.execute(
            "SELECT kind, model, COUNT(*), COALESCE(SUM(hits), 0), COALESCE(SUM(LENGTH(value)), 0)"
            " FROM entries GROUP BY kind, model ORDER BY kind, model"
        ).fetchall()
        size = sum(
            p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file()
        )
        return {
            "path": str(self.path),
            "entries": sum(r[2] for r in rows),
            "hits": sum(r[3] for r in rows),
            "size_bytes": size,
            "by_model": [
                {"kind": r[0], "model": r[1], "entries": r[2], "hits": r[3], "value_bytes": r[4]}
                for r in rows
            ],
        }

    def entries(
        self, *, models: tuple[str, ...] = (), kinds: tuple[str, ...] = ()
    ) -> list[tuple[str, str, str, bytes]]:
        """``(key, kind, model, value)`` sorted by key; only these models / kinds when given."""
        where: list[str] = []
        args: list[str] = []
        for column, wanted in (("model", models), ("kind", kinds)):
            if wanted:
                where.append(f"{column} IN ({','.join('?' * len(wanted))})")
                args.extend(wanted)
        sql = "SELECT key, kind, model, value FROM entries"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._conn().execute(sql + " ORDER BY key", args).fetchall()
        return [(k, kind, model, bytes(v)) for k, kind, model, v in rows]

    def add_missing(self, rows: list[tuple[str, str, str, bytes]]) -> int:
        """Store the rows whose key is not here yet, in one transaction; how many were new."""
        now = time.time()
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            before = conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            conn.executemany(
                "INSERT OR IGNORE INTO entries(key, kind, model, value, created, hits)"
                " VALUES (?, ?, ?, ?, ?, 0)",
                [(k, kind, model, v, now) for k, kind, model, v in rows],
            )
            after = conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return int(after - before)

    def clear(self) -> int:
        conn = self._conn()
        n = conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        conn.execute("DELETE FROM entries")
        conn.execute("VACUUM")
        return int(n)


_default: dict[Path, Cache] = {}
_default_lock = threading.Lock()


def default_cache() -> Cache:
    """One ``Cache`` per cache path (the path follows ``MEMOBENCH_CACHE_DIR`` at call time)."""
    path = cache_dir() / "llm_cache.sqlite3"
    with _default_lock:
        cache = _default.get(path)
        if cache is None:
            cache = _default[path] = Cache(path)
        return cache
