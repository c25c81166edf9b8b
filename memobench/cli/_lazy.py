"""The ``memobench`` group: subcommands imported only when invoked (fast ``--help``), and the
one place user errors become one line on stderr and exit code 2."""

from __future__ import annotations

from typing import Any

import click

from ..errors import MemobenchError
from ..registry import load_object

#: ``ctx.meta`` key set by the group's ``--debug`` flag.
DEBUG_KEY = "memobench.debug"
#: Exit code for errors the user can fix (click's own usage errors also exit 2).
USER_ERROR_EXIT = 2


class UserErrorGroup(click.Group):
    """A group that turns a ``MemobenchError`` from its commands into one line and exit 2.

    Every memobench group uses it, so a subgroup invoked on its own (tests, embedding) behaves
    like ``memobench <group>``; the innermost group catches, so it happens once."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MemobenchError as exc:
            if ctx.meta.get(DEBUG_KEY):
                raise
            # One line: the message already names the file, record and field.
            message = " ".join(str(exc).split()) or type(exc).__name__
            click.echo(f"Error: {message}", err=True)
            ctx.exit(USER_ERROR_EXIT)


class LazyGroup(UserErrorGroup):
    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy:
            cmd = load_object(self._lazy[cmd_name])
            assert isinstance(cmd, click.Command), self._lazy[cmd_name]
            return cmd
        return super().get_command(ctx, cmd_name)
