"""The built-in baseline agents, registered through the ``memobench.agents`` entry points."""

from ._long_context import LongContextAgent
from ._rag import RagAgent
from ._reader import read
from ._simple import NoMemoryAgent, OracleAgent
from ._summary import SummaryAgent

# Registry entries are the classes themselves: the runner passes ``context=`` plus the
# options from ``baselines/<name>.toml`` and the command line.
no_memory = NoMemoryAgent
oracle = OracleAgent
long_context = LongContextAgent
rag = RagAgent
summary = SummaryAgent

__all__ = [
    "LongContextAgent",
    "NoMemoryAgent",
    "OracleAgent",
    "RagAgent",
    "SummaryAgent",
    "long_context",
    "no_memory",
    "oracle",
    "rag",
    "read",
    "summary",
]
