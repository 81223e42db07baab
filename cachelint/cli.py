"""The ``cachelint`` command line."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import traceback

import click

from cachelint import __version__
from cachelint.catalogue import CatalogueError, Severity, find_rule, load_catalogue
from cachelint.config import ConfigError, load_config
from cachelint.reporters import json as json_reporter
from cachelint.reporters import text as text_reporter

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_SEVERITIES = [s.label for s in Severity]


def _split_codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c.strip() for v in values for c in v.split(",") if c.strip())


def _parse_vars(values: tuple[str, ...], option: str = "--var") -> dict[str, str]:
    out = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint=option)
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cachelint")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Find caching anti-patterns in AWS infrastructure code."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False),
              help="Write the report to this file instead of standard output.")
@click.option("--fail-on", type=click.Choice(_SEVERITIES), default=None,
              help="Exit 1 if a finding has this severity or higher (default: low).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--select", multiple=True, help="Rule ids, prefixes or names to run (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule ids, prefixes or names to skip (comma-separated).")
@click.option("--var-file", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Terraform variables file, as for terraform plan (repeatable).")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
              help="Terraform variable value (repeatable).")
@click.option("--parameter-overrides", "parameters", multiple=True, metavar="KEY=VALUE",
              help="CloudFormation parameter values, as for `sam deploy` (repeatable).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .cachelint.yaml or [tool.cachelint] in "
                   "pyproject.toml, searched upwards).")
@click.option("--quiet", "-q", is_flag=True, help="Only findings and errors, no fix hints.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a TTY).")
@click.pass_context
def scan(ctx: click.Context, paths: tuple[str, ...], fmt: str, output_file: str | None,
         fail_on: str | None, exit_zero: bool, select: tuple[str, ...], ignore: tuple[str, ...],
         var_file: tuple[str, ...], variables: tuple[str, ...], parameters: tuple[str, ...],
         config_path: str | None,
         quiet: bool, color: bool | None) -> None:
    """Scan Terraform, CloudFormation/SAM templates or directories for caching anti-patterns."""
    from cachelint.scan import ScanOptions, run_scan

    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise click.BadParameter(f"{missing[0]!r} does not exist", param_hint="PATHS")
    try:
        config = load_config(config_path, paths[0])
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    options = ScanOptions(paths=paths, config=config, select=_split_codes(select),
                          ignore=_split_codes(ignore), var_files=var_file,
                          variables=_parse_vars(variables),
                          parameters=_parse_vars(tuple(p for v in parameters for p in v.split()),
                                                 "--parameter-overrides"))
    report = run_scan(options)
    threshold = Severity.parse(fail_on or config.fail_on or "low")

    if output_file:
        with open(output_file, "w", encoding="utf-8") as out:
            _write(report, fmt, out, False, quiet)
    else:
        use_colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ if color is None else color
        _write(report, fmt, sys.stdout, use_colour, quiet)
    failing = any(f.severity >= threshold for f in report.findings)
    ctx.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_OK)


def _write(report, fmt: str, out, colour: bool, quiet: bool) -> None:
    if fmt == "json":
        json_reporter.write(report, out)
    else:
        text_reporter.write(report, out, colour=colour, quiet=quiet)


@cli.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules_command(fmt: str) -> None:
    """List every rule in the catalogue."""
    rules = load_catalogue()
    if fmt == "json":
        click.echo(json.dumps([{
            "id": r.id, "name": r.name, "category": r.category.value,
            "severity": r.severity.label, "layer": r.layer, "summary": r.summary,
            "references": list(r.references), "peers": list(r.peers)} for r in rules], indent=2))
        return
    for r in rules:
        click.echo(f"{r.id}  {r.name:<46} {r.severity.label:<8} {r.layer:<11} {r.category.value}")


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show what a rule finds, why it hurts and how to fix it (by id or name)."""
    rule = find_rule(code)
    if rule is None:
        raise click.UsageError(f"no rule {code!r}; `cachelint rules` lists them")
    click.echo(render_explain(rule))


def render_explain(rule) -> str:
    parts = [f"# {rule.id} {rule.name}", "",
             f"Category: {rule.category.value}   Severity: {rule.severity.label}   "
             f"Layer: {rule.layer}", "",
             "## What it does", "", rule.summary, "",
             "## Why is this bad?", "", rule.rationale, ""]
    if rule.example:
        parts += ["## Example", "", textwrap.indent(rule.example.rstrip(), "    "), ""]
    parts += ["## Use instead", "", rule.remediation, ""]
    if rule.fix_example:
        parts += [textwrap.indent(rule.fix_example.rstrip(), "    "), ""]
    if rule.recommended_layer:
        parts += [f"Recommended layer: {rule.recommended_layer}", ""]
    parts += ["## References", ""] + [f"- {r}" for r in rule.references]
    if rule.peers:
        parts += ["", "Overlapping checks in other tools: " + ", ".join(rule.peers)]
    return "\n".join(parts)


def main() -> None:
    debug = "--debug" in sys.argv
    try:
        rc = cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except CatalogueError as exc:
        click.echo(f"cachelint: broken rule catalogue: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except OSError as exc:
        name = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"cachelint: error: {name}{exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if debug:
            traceback.print_exc()
        click.echo(f"cachelint: internal error: {type(exc).__name__}: {exc} "
                   "(run with --debug for the traceback)", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(rc if isinstance(rc, int) else EXIT_OK)
