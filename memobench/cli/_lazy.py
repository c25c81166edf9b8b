"""A click group whose subcommands are imported only when invoked (fast ``--help``)."""

from __future__ import annotations

import click

from ..registry import load_object


class LazyGroup(click.Group):
    def __init__(self, *args: object, lazy: dict[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy:
            cmd = load_object(self._lazy[cmd_name])
            assert isinstance(cmd, click.Command), self._lazy[cmd_name]
            return cmd
        return super().get_command(ctx, cmd_name)
