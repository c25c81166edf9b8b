"""Adapters for published memory systems, each an optional extra (``memobench[mem0]``).

They register through the ``memobench.agents`` entry point like the baselines. Importing this
package never imports a vendor SDK: each adapter imports its SDK when it is built, and says
which extra to install when it is missing.
"""

from ._common import AnswerWith, Perspective, turn_text
from ._graphiti import GraphitiAgent
from ._mem0 import Mem0Agent

# Registry entries are the classes, as for the baselines.
mem0 = Mem0Agent
graphiti = GraphitiAgent

__all__ = [
    "AnswerWith",
    "GraphitiAgent",
    "Mem0Agent",
    "Perspective",
    "graphiti",
    "mem0",
    "turn_text",
]
