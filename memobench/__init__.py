"""memobench: a benchmark harness for the long-term conversational memory of LLM agents.

The top-level package stays light so ``memobench --help`` starts fast; import the
subpackages (``memobench.data``, ``memobench.datasets``, ``memobench.scoring``,
``memobench.llm``, ``memobench.agents``, ``memobench.runner``, ``memobench.leaderboard``)
for the public API.
"""

from ._version import __version__

__all__ = ["__version__"]
