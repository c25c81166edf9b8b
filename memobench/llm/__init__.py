"""The LLM and embedding layer: every model call in memobench goes through here.

Heavy dependencies (openai, onnxruntime, chromadb, llama_index) are imported lazily; the
Chroma and llama-index adapters live in ``memobench.llm.chroma`` / ``memobench.llm.llamaindex``.
"""

from ._cache import Cache, cache_dir, default_cache
from ._cache_transfer import TransferReport, export_cache, import_cache, read_export
from ._client import LLMClient, completion_cache_key
from ._dry_run import DryRunBackend
from ._embed import CachedEmbedder, MiniLMEmbedder, get_embedder, minilm_files
from ._errors import LLMError, LocalModelUnavailable, RetryableError
from ._factory import get_llm, parse_spec
from ._local import LOCAL_MODELS, check_local_model, engine_label, local_available
from ._local_speed import LocalSpeed, local_speed
from ._metering import (
    Meter,
    PhaseUsage,
    UsageReport,
    UsageRow,
    current_meter,
    current_phase,
    phase,
    use_meter,
)
from ._mock import MockBackend, prompt_text
from ._prices import cost_usd, price_table_date, price_table_version
from ._retry import RetryPolicy
from ._types import (
    NON_OUTPUT_FIELDS,
    Backend,
    Completion,
    Embedder,
    GenerateConfig,
    Message,
    Prompt,
    ToolCall,
    Usage,
)

__all__ = [
    "LOCAL_MODELS",
    "NON_OUTPUT_FIELDS",
    "Backend",
    "Cache",
    "CachedEmbedder",
    "Completion",
    "DryRunBackend",
    "Embedder",
    "GenerateConfig",
    "LLMClient",
    "LLMError",
    "LocalModelUnavailable",
    "LocalSpeed",
    "Message",
    "Meter",
    "MiniLMEmbedder",
    "MockBackend",
    "PhaseUsage",
    "Prompt",
    "RetryPolicy",
    "RetryableError",
    "ToolCall",
    "TransferReport",
    "Usage",
    "UsageReport",
    "UsageRow",
    "cache_dir",
    "check_local_model",
    "completion_cache_key",
    "cost_usd",
    "current_meter",
    "current_phase",
    "default_cache",
    "engine_label",
    "export_cache",
    "get_embedder",
    "get_llm",
    "import_cache",
    "local_available",
    "local_speed",
    "minilm_files",
    "parse_spec",
    "phase",
    "price_table_date",
    "price_table_version",
    "prompt_text",
    "read_export",
    "use_meter",
]
