"""``graphiti``: graphiti-core (Zep's open-source engine) on embedded Kuzu, behind the gateway.

Per conversation: one Kuzu file database per perspective under the agent-state directory
(``graphiti/<perspective>.kuzu``), emptied when the agent is built, so nothing survives from
another conversation or an earlier run. Ingestion follows Zep's published LoCoMo protocol:
one ``message`` episode per turn, ``"<speaker>: <text>"`` plus the shared image's caption,
with the session time as graphiti's native ``reference_time`` (it becomes the episode's
``valid_at`` and anchors the extracted facts' dates) and, always, in the episode text too.
Each episode is named after its turn id(s), so retrieved facts map back to turns through
their episodes: retrieval recall is scored from graphiti's own retrieval.

Answers (default, the equal-reader protocol): graphiti's hybrid search (BM25 + cosine,
RRF-reranked) over facts (edges) and entities (nodes), one item per line, then the task's
instruction, to memobench's reader. ``answer_with="system"`` instead sends Zep's published
LoCoMo answer layout (facts with event times, entity summaries, its answering instructions,
in memobench's paraphrase) to the same reader, labelled ``answered_by: "zep-locomo-prompt"``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from ..agents import AgentContext, Answer, Question, RetrievedItem
from ..baselines import read
from ..data import Session, Turn
from ..gateway import JsonBounds, auto_router
from ._common import (
    AnswerWith,
    Perspective,
    View,
    batches,
    check_choice,
    fresh_state_dir,
    reader_prompt,
    require,
    views,
)
from ._graphiti_answer import system_prompt
from ._graphiti_build import close_graph, open_graph, utc


def episode_text(turns: list[Turn], date: str) -> str:
    """Zep's LoCoMo episode text (``speaker: text`` + the image caption), one line per turn,
    then the session date (graphiti reads the speaker as the part before the first colon, so
    the date, which has colons, goes last)."""
    lines = []
    for t in turns:
        line = f"{t.speaker}: {t.text}"
        if t.image is not None and t.image.caption:
            line += f" (description of attached image: {t.image.caption})"
        lines.append(line)
    return "\n".join(lines) + f"\n(session date: {date})"


def fact_text(edge: Any) -> str:
    """A fact with its time: the extracted event time, else when it was said (the episode's
    ``reference_time``, i.e. the session date)."""
    if edge.valid_at is not None:
        return f"{edge.fact} (event time: {edge.valid_at.date().isoformat()})"
    said = getattr(edge, "reference_time", None)
    return f"{edge.fact} (said on {said.date().isoformat()})" if said is not None else edge.fact


def episode_ids(name: str) -> tuple[str, ...]:
    """Turn ids an episode was named after (``D1:3`` or ``D1:3,D1:4``)."""
    return tuple(i for i in name.split(",") if i)


class GraphitiAgent:
    """See module docstring. Options: ``perspective`` (single|both: one graph per speaker,
    both searched), ``batch_size`` (turns per episode; 1 = Zep's protocol; 0 = one episode per
    session: cheaper, provenance per session), ``top_k_edges``/``top_k_nodes`` (retrieved per
    perspective), ``answer_with`` (reader|system), ``max_coroutines`` (graphiti's internal
    concurrency per conversation), ``max_tokens`` (cap on graphiti's output tokens),
    ``context_windows`` (model spec → tokens) and ``long_context_models`` (fallback specs):
    graphiti's calls too long for the reader's window go to the first fallback that fits;
    ``json_max_string``/``json_max_items``: the bounds on the JSON an embedded model writes
    for graphiti (its replies nest arrays of objects of several strings, so the gateway's
    default 400 characters x 12 items, and then 100 x 5, still overran ``max_tokens`` on
    SmolLM2 with pretty-printed ``ExtractedEdges``: a cut reply, served again from the cache on
    each of graphiti's retries)."""

    # 2: the gateway bounds the JSON embedded models write (gateway._bounds); 3: tighter
    # bounds for graphiti's nested replies (json_max_string / json_max_items); 4: Kuzu queries on
    # one thread, so score ties come back in the same order and a rerun sends the same prompts.
    version = "4"

    def __init__(
        self,
        *,
        context: AgentContext,
        perspective: Perspective = "single",
        batch_size: int = 1,
        top_k_edges: int = 10,
        top_k_nodes: int = 5,
        answer_with: AnswerWith = "reader",
        max_coroutines: int = 4,
        max_tokens: int = 1024,
        context_windows: dict[str, int] | None = None,
        long_context_models: list[str] | None = None,
        json_max_string: int = 80,
        json_max_items: int = 3,
    ) -> None:
        require("graphiti_core", "graphiti")
        require("kuzu", "graphiti")
        check_choice("perspective", perspective, ("single", "both"))
        check_choice("answer_with", answer_with, ("reader", "system"))
        self.context, self.perspective, self.batch_size = context, perspective, batch_size
        self.top_k_edges, self.top_k_nodes = top_k_edges, top_k_nodes
        self.answer_with, self.max_coroutines = answer_with, max_coroutines
        self.views = views(context, perspective)
        self.lease = context.gateway(max_tokens_cap=max_tokens)
        self.lease.local_json_bounds = JsonBounds(
            max_string=json_max_string, max_items=json_max_items
        )
        if context_windows is not None or long_context_models is not None:
            # Calls too long for the reader's window go to a long-context model (default: the
            # installed embedded models with larger windows; see memobench.gateway).
            self.lease.router = auto_router(
                context.reader_spec, windows=context_windows, fallbacks=long_context_models
            )
        self.state = fresh_state_dir(context.work_dir, "graphiti")
        self._graphs: dict[str, Any] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        """Episode uuid → the turn ids it was named after."""
        self._opening = asyncio.Lock()

    async def _graph(self, view: View) -> Any:
        async with self._opening:
            if view.user_id not in self._graphs:
                db = self.state / f"{len(self._graphs)}.kuzu"
                self._graphs[view.user_id] = await open_graph(
                    self.lease, db, max_coroutines=self.max_coroutines
                )
            return self._graphs[view.user_id]

    def _description(self, session: Session) -> str:
        return f"{self.context.conversation_id} session {session.index}, {session.date_time_raw}"

    def _perspective(self, view: View) -> str | None:
        """For ``both``: graphiti's own hook for extra extraction instructions says whose
        memory this graph is (the episodes are identical in both graphs; without it the
        second graph's calls would be the first's, from the cache)."""
        if view.speaker is None:
            return None
        a, b = self.context.speakers
        other = b if view.speaker == a else a
        return (
            f"This graph is {view.speaker}'s memory of talking with {other}: "
            f"{view.speaker} is the user, {other} the other party."
        )

    async def ingest(self, session: Session, *, now: datetime) -> None:
        from graphiti_core.nodes import EpisodeType

        with self.lease.bound():
            for view in self.views:
                graph = await self._graph(view)
                for turns in batches(session, self.batch_size):
                    name = ",".join(t.dia_id for t in turns)
                    result = await graph.add_episode(
                        name=name,
                        episode_body=episode_text(turns, session.date_time_raw),
                        source=EpisodeType.message,
                        source_description=self._description(session),
                        custom_extraction_instructions=self._perspective(view),
                        reference_time=utc(session.date_time),
                        group_id=None,  # Kuzu: one database per conversation instead
                    )
                    self._names[result.episode.uuid] = episode_ids(name)

    async def _ids(self, graph: Any, uuids: list[str]) -> tuple[str, ...]:
        """Turn ids behind a fact's episodes (looked up in the graph when not seen here)."""
        from graphiti_core.nodes import EpisodicNode

        missing = [u for u in uuids if u not in self._names]
        if missing:
            for ep in await EpisodicNode.get_by_uuids(graph.driver, missing):
                self._names[ep.uuid] = episode_ids(ep.name)
        return tuple(i for u in uuids for i in self._names.get(u, ()))

    async def _search(self, query: str) -> tuple[list[RetrievedItem], list[Any], list[Any]]:
        from graphiti_core.search.search_config_recipes import (
            EDGE_HYBRID_SEARCH_RRF,
            NODE_HYBRID_SEARCH_RRF,
        )

        items: list[tuple[float, int, RetrievedItem]] = []
        edges: list[Any] = []
        nodes: list[Any] = []
        for rank, view in enumerate(self.views):
            graph = await self._graph(view)
            found = await graph.search_(
                query,
                config=EDGE_HYBRID_SEARCH_RRF.model_copy(update={"limit": self.top_k_edges}),
            )
            for edge, score in zip(
                found.edges, _scores(found.edge_reranker_scores, found.edges), strict=True
            ):
                ids = await self._ids(graph, list(edge.episodes))
                item = RetrievedItem(text=fact_text(edge), source_ids=ids, score=score)
                items.append((score, rank, item))
                edges.append(edge)
            if self.top_k_nodes > 0:
                found = await graph.search_(
                    query,
                    config=NODE_HYBRID_SEARCH_RRF.model_copy(update={"limit": self.top_k_nodes}),
                )
                for node, score in zip(
                    found.nodes, _scores(found.node_reranker_scores, found.nodes), strict=True
                ):
                    text = f"{node.name}: {node.summary}" if node.summary else node.name
                    items.append((score, rank, RetrievedItem(text=text, score=score)))
                    nodes.append(node)
        # Facts first, then entities, each best first; perspectives interleaved by score.
        facts = [i for i in items if i[2].source_ids]
        rest = [i for i in items if not i[2].source_ids]
        ordered = sorted(facts, key=lambda p: (-p[0], p[1])) + sorted(
            rest, key=lambda p: (-p[0], p[1])
        )
        return [item for _, _, item in ordered], edges, nodes

    async def answer(self, question: Question, *, now: datetime) -> Answer:
        with self.lease.bound():
            items, edges, nodes = await self._search(question.raw_text)
            if self.answer_with == "system":
                prompt, by = system_prompt(edges, nodes, question.raw_text), "zep-locomo-prompt"
            else:
                prompt, by = reader_prompt(items, question), "memobench-reader"
            text = await read(self.context, prompt)
        return Answer(
            text=text,
            retrieved=tuple(items),
            extra={"answered_by": by, **self.lease.record()},
        )

    def close(self) -> None:
        for graph in self._graphs.values():
            close_graph(graph)
        self._graphs.clear()
        self.lease.close()


def _scores(scores: list[float], hits: list[Any]) -> list[float]:
    """Reranker scores aligned with hits (graphiti leaves the list empty for some recipes)."""
    if len(scores) == len(hits):
        return [float(s) for s in scores]
    return [1.0 / (1 + i) for i in range(len(hits))]
