"""How the command line presents itself: help in sections, command summaries that are never
cut off, and every error in one shape (``cachelint: error: ...``, one line, exit 2)."""

from __future__ import annotations

import sys

import click

from cachelint.errors import UserError


class Option(click.Option):
    """An option that belongs to a named help section ("AWS" lists under "AWS options")."""

    def __init__(self, *args, section: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section


class Command(click.Command):
    """Options listed by section: the general ones first, then each section in order. A
    ``UserError`` about the command's input (``usage``) is reported as a usage error, which
    points at the command's help."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            if exc.usage:
                raise click.UsageError(str(exc), ctx=ctx) from None
            raise

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and not isinstance(param, click.Argument):
                sections.setdefault(getattr(param, "section", None) or "", []).append(record)
        for name, rows in sections.items():
            if rows:
                with formatter.section(f"{name} options" if name else "Options"):
                    formatter.write_dl(rows)


class Group(click.Group):
    """Subcommands listed with their whole summary, wrapped rather than cut at the terminal's
    width; subcommands and subgroups use the same classes."""

    command_class = Command
    group_class = type  # subgroups are Groups too

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        Command.format_options(self, ctx, formatter)  # type: ignore[arg-type]
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=sys.maxsize)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def error(message: str) -> None:
    """Print an error the one way cachelint prints errors."""
    click.echo(f"cachelint: error: {message}", err=True)


def click_error(exc: click.ClickException) -> str:
    """A click error as one line: the parameter it is about, the problem, and for a usage
    error the help to read."""
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        message += f" (see `{ctx.command_path} --help`)"
    return message
