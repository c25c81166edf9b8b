"""Generating new LoCoMo-format benchmarks: procedural (no LLM) or LoCoMo's LLM pipeline."""

from ..datasets import QualityReport, approx_tokens, quality_report
from ._annotate import VERIFY_F1_THRESHOLD
from ._dates import format_answer_date, format_event_date, format_session_datetime
from ._llmcall import Rejected, extract_json
from ._manifest import MANIFEST_NAME, GenerationManifest
from ._personas import default_persona_file, load_persona_pairs
from ._pipeline import LLM_PIPELINE_VERSION, LLMConfig, run_llm_pipeline
from ._procedural import (
    PROCEDURAL_VERSION,
    ProceduralConfig,
    ProceduralConversation,
    resolve_relative,
)
from ._prompts import PROMPT_NAMES, Prompts
from ._records import Event, EventGraphError, Persona, drop_standalone, validate_event_graph
from ._run import generate_procedural
from ._writer import StaticSample, write_dataset

__all__ = [
    "LLM_PIPELINE_VERSION",
    "MANIFEST_NAME",
    "PROCEDURAL_VERSION",
    "PROMPT_NAMES",
    "VERIFY_F1_THRESHOLD",
    "Event",
    "EventGraphError",
    "GenerationManifest",
    "LLMConfig",
    "Persona",
    "ProceduralConfig",
    "ProceduralConversation",
    "Prompts",
    "QualityReport",
    "Rejected",
    "StaticSample",
    "approx_tokens",
    "default_persona_file",
    "drop_standalone",
    "extract_json",
    "format_answer_date",
    "format_event_date",
    "format_session_datetime",
    "generate_procedural",
    "load_persona_pairs",
    "quality_report",
    "resolve_relative",
    "run_llm_pipeline",
    "validate_event_graph",
    "write_dataset",
]
