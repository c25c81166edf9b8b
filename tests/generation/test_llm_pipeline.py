"""LLM mode end to end with a scripted model (mock:) and through openai: on the fake server."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from memobench.cli import cli
from memobench.datasets import load_dataset
from memobench.generation import LLMConfig, quality_report, run_llm_pipeline
from memobench.llm import MockBackend

MARK = re.compile(r"\[memobench:gen-([a-z-]+) v\d+\]")
MALFORMED = "{this is not json"


class Scripted:
    """Plausible replies per prompt kind; the first reply of each JSON kind is malformed."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.turns = 0

    def __call__(self, prompt: str) -> str:
        kind = MARK.search(prompt).group(1)
        self.seen[kind] = self.seen.get(kind, 0) + 1
        retry = "could not be used" in prompt
        if kind in ("persona", "events-initial", "observations", "qa") and not retry:
            return MALFORMED
        if kind == "persona":
            name = "Bob" if "must not be Alice" in prompt else "Alice"
            return json.dumps(
                {"name": name, "persona": f"{name} is a 30 year old baker who loves dogs."}
            )
        if kind == "events-initial":
            start = re.search(r"between\s+(\d+ \w+, \d{4})\s+and", prompt).group(1)
            from datetime import datetime, timedelta

            d0 = datetime.strptime(start, "%d %B, %Y")
            return json.dumps(
                [
                    {
                        "id": f"E{k}",
                        "sub-event": f"started hobby number {k}",
                        "date": f"{(d0 + timedelta(days=k)).day} {(d0 + timedelta(days=k)):%B, %Y}",
                        "caused_by": [],
                    }
                    for k in (1, 2, 3)
                ]
            )
        if kind == "events-more":
            ids = re.search(r"ids (E[\d, andE]+)\. Every", prompt).group(1)
            ids = re.findall(r"E\d+", ids)
            existing = json.loads(prompt.split("Events so far:\n")[1].split("\n\nWrite new")[0])
            last = max(datetime_of(e["date"]) for e in existing)
            from datetime import timedelta

            out = []
            for k, eid in enumerate(ids):
                d = last + timedelta(days=3 * (k + 1))
                out.append(
                    {
                        "id": eid,
                        "sub-event": f"finished project {eid} thanks to hobby",
                        "date": f"{d.day} {d:%B, %Y}",
                        "caused_by": [existing[0]["id"]],
                    }
                )
            return json.dumps(out)
        if kind == "turn":
            self.turns += 1
            if self.turns % 5 == 0:
                return "Look at this! [shares a photo of a golden retriever puppy]"
            return f"I started hobby number {self.turns % 3 + 1} and finished a project. [END]"
        if kind == "image-query":
            return "golden retriever puppy"
        if kind == "observations":
            ids = re.findall(r"\[(D\d+:\d+)\]", prompt)
            names = re.findall(r'\{"(\w+)": \[\["', prompt)
            speaker = names[0] if names else "Alice"
            return json.dumps(
                {
                    speaker: [
                        [f"{speaker} started a hobby.", ids[0]],
                        [f"{speaker} invented a fact.", "D99:1"],
                    ]
                }
            )
        if kind == "summary":
            return "They talked about their hobbies and a project they finished recently."
        if kind == "qa":
            ids = re.findall(r"\[(D\d+:\d+)\]", prompt)
            if "adversarial" in prompt:
                return json.dumps(
                    [
                        {
                            "question": "When did Carol adopt a cat?",
                            "evidence": [ids[0]],
                            "adversarial_answer": "last week",
                        }
                    ]
                )
            return json.dumps(
                [
                    {"question": "What did they start?", "answer": "hobby", "evidence": [ids[0]]},
                    {
                        "question": "What did they bake?",
                        "answer": "a wedding cake",
                        "evidence": [ids[1]],
                    },
                    {"question": "Invented evidence?", "answer": "hobby", "evidence": ["D99:9"]},
                ]
            )
        if kind == "verify":
            if "Carol" in prompt:
                return "Not mentioned in the conversation."
            return "a hobby"
        raise AssertionError(kind)


def datetime_of(text: str):
    from datetime import datetime

    return datetime.strptime(text, "%d %B, %Y")


def _cfg(tmp_path, msc_file, **kw) -> LLMConfig:
    base = dict(
        model="mock:gen",
        personas=str(msc_file),
        conversations=2,
        sessions=3,
        days=60,
        events=5,
        turns=6,
        seed=1,
        work_dir=str(tmp_path / "work"),
    )
    return LLMConfig(**{**base, **kw})


async def test_pipeline_end_to_end_with_malformed_replies(tmp_path, msc_file):
    script = Scripted()
    MockBackend.script("gen", script)
    out = tmp_path / "llm.json"
    manifest = await run_llm_pipeline(_cfg(tmp_path, msc_file), out)
    assert manifest.conversations == 2 and manifest.mode == "llm"
    assert manifest.stats["retries"] >= 4  # every JSON kind was malformed once
    assert set(manifest.prompt_hashes) >= {"turn", "qa", "verify"}
    assert manifest.models == ["mock:gen"]
    text = out.read_text()
    assert MALFORMED not in text and "D99:" not in text and "wedding cake" not in text
    ds = load_dataset(out)
    report = quality_report(ds)
    assert report.passed, report.render()
    conv = ds.conversations[0]
    assert conv.speakers == ("Alice", "Bob")
    assert len(conv.sessions) >= 2
    cats = {int(q.category) for q in conv.qa}
    assert cats == {1, 2, 3, 4, 5}
    assert any(t.image for s in conv.sessions for t in s.turns)
    dropped = manifest.stats["dropped_qa_by_category"][conv.sample_id]
    assert dropped  # the "wedding cake" items failed verification
    # Resume: a second run replays checkpoints and makes no model calls.
    calls = sum(script.seen.values())
    again = await run_llm_pipeline(_cfg(tmp_path, msc_file), tmp_path / "again.json")
    assert sum(script.seen.values()) == calls
    assert (tmp_path / "again.json").read_bytes() == out.read_bytes()
    assert again.data_sha256 == manifest.data_sha256


async def test_always_malformed_is_rejected_not_written(tmp_path, msc_file):
    MockBackend.script("gen", lambda prompt: MALFORMED)
    out = tmp_path / "none.json"
    manifest = await run_llm_pipeline(_cfg(tmp_path, msc_file, conversations=1), out)
    assert manifest.conversations == 0
    assert json.loads(out.read_text()) == []
    assert manifest.stats["rejected_outputs"]["persona"] >= 1
    assert not list((tmp_path / "work").rglob("personas.json"))


def test_openai_backend_against_fake_server(tmp_path, msc_file):
    from memobench.testing import FakeOpenAIServer

    script = Scripted()
    with FakeOpenAIServer(reply=lambda req: script(req.prompt)) as srv:
        out = tmp_path / "fake.json"
        result = CliRunner().invoke(
            cli,
            [
                "generate",
                "--model",
                "openai:fake-model",
                "--base-url",
                srv.base_url,
                "--personas",
                str(msc_file),
                "--conversations",
                "1",
                "--sessions",
                "2",
                "--turns",
                "6",
                "--events",
                "4",
                "--days",
                "40",
                "--out",
                str(out),
                "--work-dir",
                str(tmp_path / "w"),
                "--check",
            ],
        )
        assert result.exit_code == 0, result.output
        assert srv.stats.requests > 10
    assert "PASSED" in result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["models"] == ["openai:fake-model"]
    assert len(load_dataset(out).conversations) == 1


def test_user_persona_file(tmp_path):
    from memobench.generation import load_persona_pairs

    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            [
                {"name": "Ann", "persona_summary": "A pilot."},
                {"name": "Raj", "persona_summary": "A poet."},
            ]
        )
    )
    ((a, b),) = load_persona_pairs(path)
    assert a.name == "Ann" and b.persona_summary == "A poet."
