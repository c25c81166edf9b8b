"""A local OpenAI-compatible gateway, so vendor memory SDKs call models through memobench.

``AgentContext.gateway()`` gives an agent instance a ``GatewayLease``: a base URL on
127.0.0.1 and its own key. Every ``/v1/chat/completions`` and ``/v1/embeddings`` call made
with that key goes through memobench's LLM layer (cache, retries, limits, metering in the
runner's current phase) and embedder; ``/v1/models`` lists the names it routes. A call too long for the asked model's context
window goes to a model whose window fits (``ContextRouter``; by default the installed embedded
models), and the lease counts which model served which calls. Calls an embedded model serves
get length bounds on the JSON they are constrained to (``JsonBounds``).
"""

from ._bounds import LOCAL_JSON_BOUNDS, JsonBounds, bound_config, bound_schema
from ._lease import GatewayLease
from ._route import ContextRouter, Route, auto_router, estimate_tokens, local_windows
from ._server import Gateway, get_gateway, open_lease, shutdown_gateway
from ._wire import DEFAULT_MAX_TOKENS, BadRequest

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "LOCAL_JSON_BOUNDS",
    "BadRequest",
    "ContextRouter",
    "Gateway",
    "GatewayLease",
    "JsonBounds",
    "Route",
    "auto_router",
    "bound_config",
    "bound_schema",
    "estimate_tokens",
    "get_gateway",
    "local_windows",
    "open_lease",
    "shutdown_gateway",
]
