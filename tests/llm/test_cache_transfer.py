"""``memobench cache export|import``: paid calls replay on another cache without a model call."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from memobench.cli.cache import cache
from memobench.errors import DataError
from memobench.llm import Cache, Message, export_cache, get_embedder, get_llm, import_cache


async def _pay(srv, store: Cache) -> tuple[list[str], list[list[float]]]:
    """Two completions and three embeddings through the real client, cached in ``store``."""
    llm = get_llm("openai:fake-model", base_url=srv.base_url, cache=store)
    texts = [
        (await llm.complete([Message(role="user", content=f"what did Caroline paint {i}?")])).text
        for i in range(2)
    ]
    emb = get_embedder("openai:text-embedding-3-small", base_url=srv.base_url, cache=store)
    return texts, emb.embed(["a sunset", "a lake", "a dog named Poppy"])


def _use_cache(monkeypatch, path: Path) -> Cache:
    monkeypatch.setenv("MEMOBENCH_CACHE_DIR", str(path))
    return Cache(path / "llm_cache.sqlite3")


async def test_an_imported_export_replays_every_call_without_the_server(
    fake_openai, tmp_path, monkeypatch
):
    paid = _use_cache(monkeypatch, tmp_path / "a")
    texts, vectors = await _pay(fake_openai, paid)
    assert fake_openai.stats.requests == 3  # two completions, one embeddings batch

    runner = CliRunner()
    exported = runner.invoke(cache, ["export", str(tmp_path / "calls.jsonl.gz")])
    assert exported.exit_code == 0, exported.output
    assert "exported 5 of 5 entries" in exported.output
    assert "completion:openai:fake-model" in exported.output

    fresh = _use_cache(monkeypatch, tmp_path / "b")
    added = runner.invoke(cache, ["import", str(tmp_path / "calls.jsonl.gz")])
    assert added.exit_code == 0, added.output
    assert "added 5 of 5 entries" in added.output
    again = runner.invoke(cache, ["import", str(tmp_path / "calls.jsonl.gz")])
    assert "added 0 of 5 entries" in again.output

    # The same calls on the importing cache: identical answers and vectors, no request made.
    replay_texts, replay_vectors = await _pay(fake_openai, fresh)
    assert fake_openai.stats.requests == 3
    assert replay_texts == texts and replay_vectors == vectors


async def test_the_same_entries_give_the_same_bytes_and_filters_select(
    fake_openai, tmp_path, monkeypatch
):
    store = _use_cache(monkeypatch, tmp_path / "a")
    await _pay(fake_openai, store)
    one, two = tmp_path / "1.gz", tmp_path / "2.gz"
    export_cache(store, one)
    copy = Cache(tmp_path / "b" / "llm_cache.sqlite3")
    import_cache(copy, one)
    export_cache(copy, two)  # other creation times and hit counts: not in the file
    assert one.read_bytes() == two.read_bytes()

    only = export_cache(store, tmp_path / "emb.gz", kinds=["embedding"])
    assert only.entries == 3 and set(only.by_model) == {"embedding:openai:text-embedding-3-small"}
    none = export_cache(store, tmp_path / "none.gz", models=["openai:other"])
    assert none.entries == 0
    lines = gzip.decompress((tmp_path / "emb.gz").read_bytes()).decode().splitlines()
    assert json.loads(lines[0]) == {"entries": 3, "format": "memobench-cache", "version": 1}
    assert all("b64" in json.loads(line) for line in lines[1:])  # packed float32, kept exact


def _rewrite(src: Path, dst: Path, edit) -> None:
    lines = gzip.decompress(src.read_bytes()).decode().splitlines(keepends=True)
    dst.write_bytes(gzip.compress("".join(edit(lines)).encode()))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda ls: ls[:-1], "header announces 5 entries, the file holds 4"),
        (lambda ls: [*ls[:3], "{not json\n", *ls[4:]], "line 4: not JSON"),
        (
            lambda ls: [*ls[:2], ls[2].replace('"key": "', '"key": "zz'), *ls[3:]],
            "line 3: field 'key': not a 64-hex-digit sha256",
        ),
        (
            lambda ls: [ls[0].replace('"version": 1', '"version": 9'), *ls[1:]],
            "line 1: format version 9",
        ),
    ],
)
async def test_a_damaged_export_names_its_line_and_adds_nothing(
    fake_openai, tmp_path, monkeypatch, edit, message
):
    store = _use_cache(monkeypatch, tmp_path / "a")
    await _pay(fake_openai, store)
    good, bad = tmp_path / "good.gz", tmp_path / "bad.gz"
    export_cache(store, good)
    _rewrite(good, bad, edit)
    target = Cache(tmp_path / "b" / "llm_cache.sqlite3")
    with pytest.raises(DataError, match=message.replace("(", r"\(")) as err:
        import_cache(target, bad)
    assert str(bad) in str(err.value)
    assert target.stats()["entries"] == 0

    plain = tmp_path / "plain.jsonl"
    plain.write_text("{}\n")
    with pytest.raises(DataError, match="not a gzipped memobench cache export"):
        import_cache(target, plain)
