"""A scripted graphiti extractor for the fake server (test helper, not a test module).

graphiti asks for one pydantic model per call (``json_schema`` named after it); the fake
server answers each with its minimal valid instance, merged with these per-name replies:
``ExtractedEntities`` gives the speaker and one topic word of the current message,
``ExtractedEdges`` one fact (the message's first line) between them. Every request's prompt
is recorded with its schema name and model, so tests can check what graphiti sent.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from memobench.testing import FakeOpenAIServer


def _block(text: str, tag: str) -> str:
    found = re.search(rf"<{tag}>\s*(.*?)\s*</{tag}>", text, re.S)
    return found.group(1) if found else ""


def _first_line(text: str) -> str:
    """The first ``speaker: text`` line of an episode body (never the session-date line)."""
    for line in text.splitlines():
        line = line.strip().strip('"')
        if ":" in line and not line.startswith("(session date"):
            return line
    return ""


@dataclass
class GraphitiFake:
    """Per-schema replies plus a log of ``(schema name, model, prompt)`` of every chat call."""

    calls: list[tuple[str | None, str, str]] = field(default_factory=list)
    sampling: list[tuple[object, object]] = field(default_factory=list)
    """``(temperature, max_tokens)`` of every logged call, as the model received them."""
    formats: list[str] = field(default_factory=list)
    """``response_format`` of every logged call: ``json_schema`` or ``json_object+schema``."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _log(self, body: dict[str, Any]) -> str:
        fmt = body.get("response_format") or {}
        # OpenAI's json_schema carries the model's name; llama.cpp's json_object + schema its
        # title (pydantic's title is the model's name too).
        name = (fmt.get("json_schema") or {}).get("name") or (fmt.get("schema") or {}).get("title")
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        with self.lock:
            self.calls.append((name, str(body.get("model", "")), prompt))
            self.sampling.append((body.get("temperature"), body.get("max_tokens")))
            self.formats.append(str(fmt.get("type")) + ("+schema" if "schema" in fmt else ""))
        return str(body["messages"][-1]["content"])

    def entities(self, body: dict[str, Any]) -> dict[str, Any]:
        line = _first_line(_block(self._log(body), "CURRENT MESSAGE"))
        speaker, _, said = line.partition(":")
        words = re.findall(r"[A-Za-z]{5,}", said)
        topic = max(words, key=len).lower() if words else "conversation"
        names = [speaker.strip(), topic]
        return {"extracted_entities": [{"name": n, "entity_type_id": 0} for n in names]}

    def edges(self, body: dict[str, Any]) -> dict[str, Any]:
        text = self._log(body)
        line = _first_line(_block(text, "CURRENT_MESSAGE"))
        names = [e["name"] for e in json.loads(_block(text, "ENTITIES") or "[]")]
        if len(names) < 2 or not line:
            return {"edges": []}
        edge = {
            "source_entity_name": names[0],
            "target_entity_name": names[1],
            "relation_type": "TALKED_ABOUT",
            "fact": line,
            "episode_indices": [0],
        }
        return {"edges": [edge]}

    def other(self, body: dict[str, Any]) -> None:
        self._log(body)  # the minimal instance answers it

    def replies(self) -> dict[str, Any]:
        names = ("NodeResolutions", "EdgeDuplicate", "SummarizedEntities", "EdgeTimestamps")
        out: dict[str, Any] = {name: self.other for name in names}
        out.update(ExtractedEntities=self.entities, ExtractedEdges=self.edges)
        return out

    def schema_calls(self) -> list[tuple[str | None, str, str]]:
        with self.lock:
            return [c for c in self.calls if c[0] is not None]


def reader_log(log: list[str]) -> Any:
    """A plain-text reply function that records the reader's prompts."""

    def reply(req: Any) -> str:
        log.append(req.prompt)
        return "7 May 2023"

    return reply


def fake_server(fake: GraphitiFake, reads: list[str]) -> FakeOpenAIServer:
    return FakeOpenAIServer(reply=reader_log(reads), schema_replies=fake.replies())
