"""The ``cachelint fix`` command (and ``scan --fix``): fix, show what was fixed and what remains."""

from __future__ import annotations

import sys

import click

from cachelint.catalogue import Severity
from cachelint.cli import EXIT_FINDINGS, EXIT_OK, options_from, scan_options
from cachelint.usage import Command


def _where(finding) -> str:
    loc = finding.location
    return loc.path if loc.is_resource else f"{loc.path}:{loc.start_line}"


def _describe(outcome) -> str:
    f = outcome.finding
    return f"{_where(f)} {f.rule.id} {f.rule.name}"


@click.command("fix", cls=Command)
@scan_options
@click.option("--diff", is_flag=True,
              help="Print the fixes as a unified diff and write nothing; exit 1 if there is "
                   "something to fix.")
@click.option("--unsafe-fixes", "unsafe", is_flag=True,
              help="Also apply fixes that add cost, replace a resource, or change what is "
                   "served, cached or evicted.")
@click.option("--ttl", type=click.IntRange(min=0), default=None,
              help="TTL (seconds) that TTL fixes write (default: the route's `freshness` in "
                   "the configuration, else the rule's default).")
@click.option("--fail-on", type=click.Choice([s.label for s in Severity]), default=None,
              help="Exit 1 if a finding that remains has this severity or higher "
                   "(default: low).")
@click.pass_context
def fix(ctx: click.Context, diff, unsafe, ttl, fail_on, **opts) -> None:
    """Fix findings in place: minimal edits where each value is written, comments and
    formatting kept; safe fixes only unless --unsafe-fixes. The files are scanned again
    afterwards, and the exit code is that scan's.

    Exit codes: 0 nothing remains, 1 findings remain (or, with --diff, something to fix),
    2 usage or setup error."""
    from cachelint.fix.apply import FixOptions, run_fix

    config, options = options_from(**opts)
    result = run_fix(options, FixOptions(unsafe=unsafe, diff=diff, ttl=ttl))
    for error in result.errors:
        click.echo(f"cachelint: {error}", err=True)
    if diff:
        for text in result.diffs:
            click.echo(text, nl=False)
        fixable = len(result.fixed)
        click.echo(f"Would fix {fixable} finding{'s' if fixable != 1 else ''} "
                   f"({len(result.remaining)} would remain).", err=True)
        ctx.exit(EXIT_FINDINGS if fixable else EXIT_OK)
    for o in result.fixed:
        detail = "; ".join(o.notes)
        click.echo(f"fixed  {_describe(o)}: {o.reason}" + (f" [{detail}]" if detail else ""))
    for o in result.resolved:
        click.echo(f"fixed  {_describe(o)}: {o.reason}")
    remaining = result.remaining
    for o in remaining:
        click.echo(f"remains {_describe(o)}: {o.reason}")
    for f in result.new:
        click.echo(f"new    {_where(f)} {f.rule.id} {f.rule.name}: {f.message}")
    files = len(result.written)
    also = f" (and {len(result.resolved)} resolved by them)" if result.resolved else ""
    click.echo(f"Fixed {len(result.fixed)} finding{'s' if len(result.fixed) != 1 else ''}{also} "
               f"in {files} file{'s' if files != 1 else ''}; {len(remaining)} remain"
               f"{'s' if len(remaining) == 1 else ''}.")
    after = result.after or result.before
    for e in after.errors:
        click.echo(f"cachelint: {e}", err=True)
    threshold = Severity.parse(fail_on or config.fail_on or "low")
    failing = any(f.severity >= threshold for f in after.findings)
    sys.stdout.flush()
    ctx.exit(EXIT_FINDINGS if failing else EXIT_OK)


def fix_then_report(prepared):
    """``scan --fix``: the safe fixes, then the rescan's report for scan's own output."""
    from cachelint.fix.apply import FixOptions, run_fix

    config, options = prepared
    result = run_fix(options, FixOptions())
    for error in result.errors:
        click.echo(f"cachelint: {error}", err=True)
    for o in result.fixed:
        click.echo(f"cachelint: fixed {_describe(o)}", err=True)
    n, files = len(result.fixed), len(result.written)
    click.echo(f"cachelint: fixed {n} finding{'s' if n != 1 else ''} in {files} "
               f"file{'s' if files != 1 else ''}", err=True)
    return config, result.after or result.before
