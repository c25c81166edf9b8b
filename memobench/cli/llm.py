"""``memobench llm``: talk to a model through memobench's LLM layer."""

from __future__ import annotations

import click

from ._lazy import UserErrorGroup


@click.group("llm", cls=UserErrorGroup)
def llm() -> None:
    """Model backends (openai:<model>, local:<name>, mock:<name>)."""


@llm.command("ping")
@click.option(
    "--model", "spec", default="local:smollm2-135m", show_default=True, help="Model spec."
)
@click.option("--base-url", default=None, help="OpenAI-compatible base URL (openai: backend).")
@click.option("--prompt", default="The capital of France is", show_default=True)
@click.option(
    "--chat/--completion", default=False, help="Send as a chat message or a plain prompt."
)
@click.option("--max-tokens", default=16, show_default=True, type=int)
@click.option("--no-cache", is_flag=True, help="Bypass memobench's cache.")
def ping(
    spec: str, base_url: str | None, prompt: str, chat: bool, max_tokens: int, no_cache: bool
) -> None:
    """Send one prompt and print the reply, latency, tokens and backend."""
    from memobench.llm import GenerateConfig, Message, get_llm

    options: dict[str, object] = {"cache": not no_cache}
    if base_url:
        options["base_url"] = base_url
    client = get_llm(spec, **options)
    p = [Message(role="user", content=prompt)] if chat else prompt
    c = client.complete_sync(p, config=GenerateConfig(max_tokens=max_tokens, max_retries=2))
    click.echo(f"reply: {c.text.strip()!r}")
    click.echo(f"backend: {client.backend!r}")
    click.echo(f"latency: {c.latency_s:.3f}s  cached: {c.cached}  finish: {c.finish_reason}")
    click.echo(
        f"tokens: prompt={c.usage.prompt_tokens} completion={c.usage.completion_tokens}"
        f" cached={c.usage.cached_tokens}"
    )
