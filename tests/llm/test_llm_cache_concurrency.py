"""The cache under concurrent first use: many threads and processes opening a fresh file."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from memobench.llm._cache import Cache


def _hammer(cache: Cache, n_threads: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(n_threads)

    def work(i: int) -> None:
        try:
            barrier.wait()
            cache.get_many(["a", "b"])
            cache.put(f"k{i}", b"v", kind="completion", model="m")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_fresh_cache_survives_concurrent_first_use_by_threads(tmp_path: Path) -> None:
    # Regression: each thread used to switch the journal mode itself, and SQLite answers a
    # concurrent switch with "database is locked" at once (seen in CI, ~3% of fresh caches).
    for trial in range(40):
        cache = Cache(tmp_path / f"c{trial}.sqlite3")
        assert _hammer(cache, 16) == []
        assert cache.stats()["entries"] == 16


def test_fresh_cache_survives_concurrent_first_use_by_processes(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    code = (
        "import sys\n"
        "from memobench.llm._cache import Cache\n"
        "c = Cache(sys.argv[1])\n"
        "for i in range(20):\n"
        "    c.put(f'{sys.argv[2]}-{i}', b'v', kind='completion', model='m')\n"
        "    c.get_many([f'{sys.argv[2]}-{i}'])\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(path), str(n)], stderr=subprocess.PIPE)
        for n in range(6)
    ]
    errs = [p.communicate()[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, errs
    assert Cache(path).stats()["entries"] == 120


def test_deleted_cache_file_is_recreated(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    Cache(path).put("k", b"v", kind="completion", model="m")
    for p in tmp_path.glob("c.sqlite3*"):
        p.unlink()
    fresh = Cache(path)
    assert fresh.get("k") is None
    fresh.put("k", b"w", kind="completion", model="m")
    assert fresh.get("k") == b"w"
