"""Adapters for published memory systems, each an optional extra (``memobench[mem0]``).

They register through the ``memobench.agents`` entry point like the baselines. Importing this
package never imports a vendor SDK: each adapter imports its SDK when it is built, and says
which extra to install when it is missing.
"""

from ._amem import AMemAgent
from ._common import AnswerWith, Perspective, turn_text
from ._graphiti import GraphitiAgent
from ._langmem import LangMemAgent, SourcedMemory
from ._mem0 import Mem0Agent

# Registry entries are the classes, as for the baselines.
mem0 = Mem0Agent
graphiti = GraphitiAgent
a_mem = AMemAgent
langmem = LangMemAgent

__all__ = [
    "AMemAgent",
    "AnswerWith",
    "GraphitiAgent",
    "LangMemAgent",
    "Mem0Agent",
    "Perspective",
    "SourcedMemory",
    "a_mem",
    "graphiti",
    "langmem",
    "mem0",
    "turn_text",
]
