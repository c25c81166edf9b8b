from __future__ import annotations

import json
from pathlib import Path

from _fabricate import make_standard_runs
from click.testing import CliRunner

from memobench.cli import cli


def _build(tmp_path: Path, runs: list[Path]) -> Path:
    out = tmp_path / "results" / "leaderboard.json"
    res = CliRunner().invoke(
        cli,
        ["leaderboard", "build", *map(str, runs), "-o", str(out), "--n-resamples", "200"],
    )
    assert res.exit_code == 0, res.output
    return out


def test_build_show_verify(tmp_path, runs):
    out = _build(tmp_path, runs)
    data = json.loads(out.read_text())
    assert data["entries"][0]["run_path"] == "../runs/run-oracle"
    runner = CliRunner()
    table = runner.invoke(cli, ["leaderboard", "show", str(out)])
    assert table.exit_code == 0, table.output
    for title in ("single-hop (4)", "multi-hop (1)", "adversarial (5)", "overall cat 1–4"):
        assert title in table.output
    assert table.output.index("single-hop") < table.output.index("multi-hop")
    md = runner.invoke(cli, ["leaderboard", "show", str(out), "--format", "markdown"])
    assert md.exit_code == 0 and "| 1 | oracle |" in md.output
    html = tmp_path / "lb.html"
    res = runner.invoke(cli, ["leaderboard", "show", str(out), "--format", "html", "-o", str(html)])
    assert res.exit_code == 0 and "<svg" in html.read_text()
    assert "http" not in html.read_text().replace("http-equiv", "")  # no network resources
    ok = runner.invoke(cli, ["leaderboard", "verify", str(out)])
    assert ok.exit_code == 0 and "OK" in ok.output


def test_show_png(tmp_path, runs):
    out = _build(tmp_path, runs)
    res = CliRunner().invoke(
        cli, ["leaderboard", "show", str(out), "--format", "png", "-o", str(tmp_path / "png")]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "png" / "leaderboard_qa.png").read_bytes()[:4] == b"\x89PNG"


def test_verify_exits_1_on_tampering(tmp_path, runs):
    out = _build(tmp_path, runs)
    samples = runs[1] / "samples.jsonl"
    samples.write_text(samples.read_text().replace('"f1":0.5', '"f1":0.51', 1))
    res = CliRunner().invoke(cli, ["leaderboard", "verify", str(out)])
    assert res.exit_code == 1
    assert "qa.metrics.f1.value" in res.output


def test_build_refuses_mismatch(tmp_path):
    runs = make_standard_runs(tmp_path, oracle={"sha": "c" * 64})
    res = CliRunner().invoke(cli, ["leaderboard", "build", *map(str, runs), "-o", "x.json"])
    assert res.exit_code != 0
    assert "dataset.sha256" in res.output and "run-oracle" in res.output


def test_compare(tmp_path, runs):
    out = _build(tmp_path, runs)
    res = CliRunner().invoke(cli, ["leaderboard", "compare", str(out), "rag", "no-memory"])
    assert res.exit_code == 0, res.output
    assert "rag − no-memory" in res.output and "p = " in res.output
    # The fixtures hold 4 conversations: no p-value below 2/16 is attainable, and the CLI says so.
    assert "4 conversations cannot support a significance claim" in res.output
    assert "smallest attainable p is 0.125" in res.output
    bad = CliRunner().invoke(cli, ["leaderboard", "compare", str(out), "rag", "nobody"])
    assert bad.exit_code != 0 and "not found" in bad.output
