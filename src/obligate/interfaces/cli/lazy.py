"""Commands whose modules are imported only when the command runs.

Every run of ``obligate`` builds the command group, and building a typer command reads its
function's signature, which means importing its module and everything that module needs (the
server, the language server, the harmonisation reports, pandas for ``batch``...). A query
needs none of that, so each command is registered by name, module and function, and built on
first use. ``--help`` and shell completion list the commands without importing them: each
registration carries the first paragraph of its command's docstring, which is what the listing
shows (tests/test_startup.py checks that the two agree).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import typer
from typer._click import Command, Context, HelpFormatter  # typer's own copy of click
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo, TyperInfo

PACKAGE = "obligate.interfaces.cli"


@dataclass(frozen=True)
class LazyCommand:
    """A command as registered: its name, where its function (or sub-app) lives, and the
    help its line in ``obligate --help`` shows."""

    name: str
    module: str  # inside obligate.interfaces.cli
    attribute: str  # the command's function, or a typer.Typer for a group of commands
    help: str

    def load(self) -> Any:
        return getattr(import_module(f"{PACKAGE}.{self.module}"), self.attribute)


class LazyCommands(MutableMapping[str, Command]):
    """The group's commands by name, in registration order, each built on first access;
    while ``listing``, one not yet built is stood in for by a command with its name and help
    only (enough for a help listing or a completion of the command's name)."""

    def __init__(self, registered: tuple[LazyCommand, ...], rich_markup_mode: Any) -> None:
        self._registered = {command.name: command for command in registered}
        self._built: dict[str, Command] = {}
        self._markup = rich_markup_mode
        self.listing = False

    def __getitem__(self, name: str) -> Command:
        built = self._built.get(name)
        if built is not None:
            return built
        registered = self._registered[name]  # KeyError: no such command
        if self.listing:
            return TyperCommand(name=name, help=registered.help)
        built = self._build(registered)
        self._built[name] = built
        return built

    def _build(self, registered: LazyCommand) -> Command:
        target = registered.load()
        if isinstance(target, typer.Typer):
            return typer.main.get_group_from_info(
                TyperInfo(target, name=registered.name),
                pretty_exceptions_short=True,
                suggest_commands=True,
                rich_markup_mode=self._markup,
            )
        return typer.main.get_command_from_info(
            CommandInfo(name=registered.name, callback=target),
            pretty_exceptions_short=True,
            rich_markup_mode=self._markup,
        )

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command
        if name not in self._registered:
            self._registered[name] = LazyCommand(name, "", "", command.help or "")

    def __delitem__(self, name: str) -> None:
        self._built.pop(name, None)
        del self._registered[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._registered)

    def __len__(self) -> int:
        return len(self._registered)


class LazyGroup(TyperGroup):
    """A typer group whose commands are ``registered`` (set by a subclass) and built lazily."""

    registered: tuple[LazyCommand, ...] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        commands = LazyCommands(self.registered, self.rich_markup_mode)
        for name, command in self.commands.items():
            commands[name] = command
        self.commands = commands

    @contextmanager
    def _listing(self) -> Iterator[None]:
        commands = self.commands
        if not isinstance(commands, LazyCommands):
            yield
            return
        commands.listing = True
        try:
            yield
        finally:
            commands.listing = False

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        with self._listing():
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx: Context, incomplete: str) -> list[Any]:
        with self._listing():
            return super().shell_complete(ctx, incomplete)
