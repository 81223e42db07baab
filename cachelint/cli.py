"""The ``cachelint`` command line."""

from __future__ import annotations

import json
import os
import sys
import traceback
from dataclasses import replace

import click

from cachelint import __version__
from cachelint.catalogue import CatalogueError, Severity, find_rule, load_catalogue
from cachelint.config import load_config
from cachelint.errors import UserError
from cachelint.explain import render_markdown
from cachelint.layers import LAYERS
from cachelint.model import API_CACHE_MAX_TTL
from cachelint import generate as gen
from cachelint import reporters
from cachelint.usage import Group, Option, click_error, error
from cachelint.reporters import json as json_reporter
from cachelint.reporters.markdown import GITHUB_COMMENT_LIMIT

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3
_SEVERITIES = [s.label for s in Severity]


def _split_codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c.strip() for v in values for c in v.split(",") if c.strip())


def _check_selectors(values: tuple[str, ...], option: str) -> None:
    """A selector that names no rule would let a gate pass in silence: refuse it."""
    from cachelint import selectors

    for code in selectors.unknown(_split_codes(values)):
        raise click.BadParameter(selectors.problem(code), param_hint=option)


class _KeyValues(click.Option):
    """A repeatable option that also takes the ``KEY=VALUE`` words that follow it, as
    ``aws cloudformation deploy --parameter-overrides Env=prod Nodes=3`` does. A word without
    ``=``, or one starting with ``-``, ends the list (a path after them needs ``--``)."""

    def add_to_parser(self, parser, ctx) -> None:
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            option = parser._long_opt.get(name) or parser._short_opt.get(name)
            if option is None:
                continue
            process = option.process

            def greedy(value, state, process=process):
                process(value, state)
                while state.rargs and "=" in state.rargs[0] \
                        and not state.rargs[0].startswith("-"):
                    process(state.rargs.pop(0), state)

            option.process = greedy


def _parse_vars(values: tuple[str, ...], option: str = "--var") -> dict[str, str]:
    out = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint=option)
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


def _parse_parameters(values: tuple[str, ...]) -> dict[str, str]:
    """``Key=Value`` pairs (space-separated in one value, or repeated), or the AWS CLI's
    ``ParameterKey=K,ParameterValue=V``."""
    out: dict[str, str] = {}
    for item in (p for v in values for p in v.split()):
        if item.startswith("ParameterKey="):
            fields = dict(part.split("=", 1) for part in item.split(",") if "=" in part)
            if "ParameterValue" not in fields:
                raise click.BadParameter(f"{item!r} has no ParameterValue",
                                         param_hint="--parameter-overrides")
            out[fields["ParameterKey"]] = fields["ParameterValue"]
        else:
            out.update(_parse_vars((item,), "--parameter-overrides"))
    return out


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cachelint")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """Find caching anti-patterns in AWS infrastructure code."""
    del debug  # read by main() from sys.argv, before click parses: it covers parse errors too


FORMATS = tuple(reporters.FORMATS)


def _external_id(ctx, param, value: str | None) -> str | None:
    """STS takes 2 to 1,224 characters, letters, digits and ``+=,.@:/-`` (docs/aws-facts.md
    L12): refused here in one line rather than by botocore mid-scan."""
    import re

    if value is not None and not re.fullmatch(r"[\w+=,.@:/-]{2,1224}", value, re.ASCII):
        raise click.BadParameter("an external id is 2 to 1,224 letters, digits or +=,.@:/- "
                                 "(no spaces)")
    return value


def _aws_options(fn):
    """Where a live scan reads from, and how it judges traffic (scan, baseline, aws snapshot)."""
    aws = {"cls": Option, "section": "AWS"}
    options = [
        click.option("--profile", default=None, help="AWS profile (default: the boto3 chain).",
                     **aws),
        click.option("--region", "regions", multiple=True,
                     help="Region to scan (repeatable; default: the profile's Region).", **aws),
        click.option("--all-regions", is_flag=True,
                     help="Scan every Region enabled for the account.", **aws),
        click.option("--role-arn", default=None,
                     help="Role to assume; with --accounts/--organization, assumed in each "
                          "account (its account field, or {account_id}, is replaced).", **aws),
        click.option("--external-id", default=None, callback=_external_id,
                     help="External id for --role-arn.", **aws),
        click.option("--accounts", "accounts_file", type=click.Path(dir_okay=False),
                     default=None, help="File of account ids to scan, one per line.", **aws),
        click.option("--organization", is_flag=True,
                     help="Scan every active account of the AWS Organization.", **aws),
        click.option("--aws-config-aggregator", "config_aggregator", default=None,
                     metavar="NAME", help="Find the organization's caching resources with this "
                     "AWS Config aggregator (advanced queries) and read through --role-arn only "
                     "what Config does not record, where Config found them.", **aws),
        click.option("--window-days", type=click.FloatRange(min=0.05, max=455), default=7.0,
                     show_default=True, help="CloudWatch window read as traffic evidence.",
                     **aws),
        click.option("--no-metrics", is_flag=True,
                     help="Do not read CloudWatch (no traffic evidence, fewer API calls).", **aws),
        click.option("--aws-workers", type=click.IntRange(1, 32), default=8, show_default=True,
                     help="Accounts and Regions read at once.", **aws),
        click.option("--snapshot-dir", type=click.Path(file_okay=False), default=None,
                     help="Write each account's snapshot into this folder as it completes "
                          "(one ACCOUNT_ID.json each).", **aws),
        click.option("--resume", "resume_dir", type=click.Path(file_okay=False), default=None,
                     metavar="SNAPSHOT_DIR", help="As --snapshot-dir, keeping the accounts "
                     "already in the folder: a stopped scan goes on where it stopped.", **aws),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def scan_options(fn):
    """Options shared by ``scan`` and ``baseline create``: what to scan and how."""
    options = [
        # Not readable=True: an unreadable file is reported by the scan, which goes on.
        click.argument("paths", nargs=-1, type=click.Path(readable=False, allow_dash=True)),
        click.option("--aws", "live", is_flag=True, cls=Option, section="AWS",
                     help="Also scan the live AWS account(s) the credentials reach (read-only)."),
        click.option("--select", multiple=True,
                     help="Rule ids, prefixes or names to run (comma-separated)."),
        click.option("--ignore", multiple=True,
                     help="Rule ids, prefixes or names to skip (comma-separated)."),
        click.option("--exclude", multiple=True, metavar="GLOB",
                     help="Files and folders not to scan, replacing the default list (.git, "
                          ".terraform, node_modules, ...): a name glob, or a path glob from the "
                          "working directory (comma-separated, repeatable)."),
        click.option("--extend-exclude", multiple=True, metavar="GLOB",
                     help="Like --exclude, in addition to the default and configured ones."),
        click.option("--respect-gitignore/--no-respect-gitignore", default=None,
                     help="Skip what .gitignore ignores (default: yes)."),
        click.option("--var-file", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help="Terraform variables file, as for terraform plan (repeatable)."),
        click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
                     help="Terraform variable value (repeatable)."),
        click.option("--parameter-overrides", "parameters", multiple=True, cls=_KeyValues,
                     metavar="KEY=VALUE...",
                     help="CloudFormation parameter values, as for `aws cloudformation deploy` "
                          "and `sam deploy`: several after one option, or repeated."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False),
                     help="Configuration file (default: .cachelint.yaml or [tool.cachelint] in "
                          "pyproject.toml, searched upwards)."),
        click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
                     help="Parse cache folder (default: $XDG_CACHE_HOME/cachelint or "
                          "~/.cache/cachelint)."),
        click.option("--stdin-filename", default=None, metavar="PATH",
                     help="With - (standard input): the file name to report and to read it "
                          "as (a .tf file is evaluated with its repository's Terraform files, "
                          "as the saved file would be)."),
        click.option("--no-cache", is_flag=True, help="Parse every file again."),
        click.option("--no-prefilter", is_flag=True,
                     help="Parse every folder, even those whose files name no resource type a "
                          "rule checks (slower, same findings: for timing and for checking the "
                          "prefilter)."),
        click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
                     help="Parser processes (default: one per CPU)."),
        click.option("--traffic", multiple=True, type=click.Path(dir_okay=False),
                     metavar="LOG", help="Access log (API Gateway JSON, CloudFront, ALB; gzip "
                     "ok) as evidence of traffic (repeatable; needs cachelint[traffic])."),
        click.option("--hot-rps", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Measured requests/s from which a GET counts as hot "
                          "(thresholds.hot_requests_per_second; default: "
                          "`cachelint explain CL502`)."),
        click.option("--min-hit-ratio", type=click.FloatRange(0, 1), default=None,
                     help="Measured cache hit ratio below which a cache is reported "
                          "(thresholds.min_cache_hit_ratio; default: `cachelint explain CL504`)."),
    ]
    fn = _aws_options(fn)
    for option in reversed(options):
        fn = option(fn)
    return fn


_LIVE_ONLY = {"profile": "--profile", "regions": "--region", "all_regions": "--all-regions",
              "role_arn": "--role-arn", "external_id": "--external-id",
              "accounts_file": "--accounts", "organization": "--organization",
              "snapshot_dir": "--snapshot-dir", "resume_dir": "--resume",
              "config_aggregator": "--aws-config-aggregator"}


def _aws_settings(opts: dict):
    from cachelint.aws.collect import AwsOptions

    folder, resume = opts["snapshot_dir"], opts["resume_dir"]
    if folder and resume and os.path.abspath(folder) != os.path.abspath(resume):
        raise click.UsageError("--snapshot-dir and --resume name different folders")
    return AwsOptions(profile=opts["profile"], regions=tuple(opts["regions"]),
                      all_regions=opts["all_regions"], role_arn=opts["role_arn"],
                      external_id=opts["external_id"], accounts_file=opts["accounts_file"],
                      organization=opts["organization"], window_days=opts["window_days"],
                      metrics=not opts["no_metrics"], workers=opts["aws_workers"],
                      snapshot_dir=resume or folder, resume=bool(resume),
                      config_aggregator=opts["config_aggregator"])


class _Progress:
    """A one-line progress bar on standard error, on a terminal only: accounts and Regions
    done, API calls, warnings and an estimate of the time left."""

    def __init__(self) -> None:
        self.on = sys.stderr.isatty()
        self.shown = 0.0

    def __call__(self, p) -> None:
        import time

        last = p.accounts_done == p.accounts_total and p.tasks_done == p.tasks_total
        if not self.on or (not last and time.monotonic() - self.shown < 0.2):
            return
        self.shown = time.monotonic()
        eta = p.eta
        width = 20
        filled = int(width * p.accounts_done / max(1, p.accounts_total)) \
            if p.accounts_total > 1 else int(width * p.tasks_done / max(1, p.tasks_total))
        line = (f"cachelint: AWS [{'#' * filled}{'.' * (width - filled)}] "
                f"{p.accounts_done}/{p.accounts_total} accounts, Regions "
                f"{p.tasks_done}/{p.tasks_total}, {p.calls} calls, {p.warnings} warnings"
                + (f", ETA {int(eta) // 60}:{int(eta) % 60:02d}" if eta is not None and not last
                   else ""))
        click.echo(f"\r{line}\033[K", err=True, nl=last)


def _account_table(collected) -> None:
    """The per-account summary of a live scan, on standard error: every account when there are
    few, else the ones not fully read."""
    rows = collected.summaries
    if len(rows) == 1 and rows[0].status == "read":
        return  # one account read in full: the report says all there is
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("read", "partial", "failed")}
    resumed = sum(1 for r in rows if r.resumed)
    click.echo(f"AWS accounts: {counts['read']} read, {counts['partial']} partial, "
               f"{counts['failed']} failed" + (f" ({resumed} from the snapshot folder)"
                                               if resumed else ""), err=True)
    shown = rows if len(rows) <= 20 else [r for r in rows if r.status != "read"]
    if shown:
        click.echo(f"  {'account':<14}{'status':<9}{'Regions':>8}{'calls':>7}{'not read':>10}"
                   "  first not read", err=True)
        for r in shown:
            click.echo(f"  {r.account_id:<14}{r.status + ('*' if r.resumed else ''):<9}"
                       f"{r.regions:>8}{r.calls:>7}{r.warnings:>10}  {r.problem}", err=True)


def options_from(**opts):
    """The configuration and ScanOptions of the shared scan options."""
    from cachelint.loaders.terraform.parsecache import default_dir
    from cachelint.scan import ScanOptions

    paths = tuple(opts["paths"])
    if not paths and not opts["live"] and not opts["stdin_filename"]:
        paths = (".",)  # as ruff and tflint: the current folder
    used = [flag for name, flag in _LIVE_ONLY.items() if opts[name]]
    if used and not opts["live"]:
        raise click.UsageError(f"{used[0]} applies to a live scan: add --aws")
    start = paths[0] if paths else "."
    if "-" in paths or opts["stdin_filename"]:
        paths, start = _stdin(paths, opts["stdin_filename"])
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise click.BadParameter(f"{missing[0]!r} does not exist", param_hint="PATHS")
    _check_selectors(opts["select"], "--select")
    _check_selectors(opts["ignore"], "--ignore")
    config = load_config(opts["config_path"], start)
    config = config.with_thresholds(hot_requests_per_second=opts["hot_rps"],
                                    min_cache_hit_ratio=opts["min_hit_ratio"])
    options = ScanOptions(paths=paths, config=config, select=_split_codes(opts["select"]),
                          ignore=_split_codes(opts["ignore"]), var_files=opts["var_file"],
                          variables=_parse_vars(opts["variables"]),
                          parameters=_parse_parameters(opts["parameters"]),
                          cache_dir=None if opts["no_cache"]
                          else (opts["cache_dir"] or default_dir()),
                          prefilter=not opts["no_prefilter"], jobs=opts["jobs"],
                          aws=_aws_settings(opts) if opts["live"] else None,
                          progress=_Progress(), traffic=tuple(opts["traffic"]),
                          path_filter=_path_filter(config, opts),
                          collected=_account_table)
    return config, options


def _stdin(paths: tuple[str, ...], filename: str | None) -> tuple[tuple[str, ...], str]:
    """``-`` (or --stdin-filename alone): standard input as the one file to scan; the paths to
    scan and where the configuration is searched from."""
    from cachelint.stdin import StdinFile

    if paths not in ((), ("-",)):
        raise click.UsageError("- (standard input) cannot be scanned with other PATHS")
    if sys.stdin.isatty():
        raise click.UsageError("- reads a template or .tf file from standard input, "
                               "which is a terminal")
    stdin = StdinFile(sys.stdin.read(), filename)
    ctx = click.get_current_context()
    ctx.call_on_close(stdin.close)
    ctx.meta["cachelint.stdin"] = stdin
    return (stdin.path,), (os.path.dirname(filename) if filename else "") or "."


def _path_filter(config, opts: dict):
    """Exclusions from the command line over the configuration's (see loaders/discovery)."""
    from cachelint.loaders.discovery import PathFilter

    respect = opts["respect_gitignore"]
    return PathFilter.build(
        exclude=_split_codes(opts["exclude"]) if opts["exclude"] else None,
        extend_exclude=_split_codes(opts["extend_exclude"]),
        config_exclude=config.exclude, config_extend=config.extend_exclude,
        config_base=config.base,
        respect_gitignore=config.respect_gitignore if respect is None else respect)


def _run(**opts):
    from cachelint.scan import run_scan

    config, options = options_from(**opts)
    report = run_scan(options)
    stdin = click.get_current_context().meta.get("cachelint.stdin")
    return config, stdin.restore(report) if stdin else report


def _outputs(formats: tuple[str, ...], files: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """Pair each ``--format`` (``FMT`` or ``FMT:PATH``) with an output file, in order; at most
    one goes to standard output."""
    pairs: list[tuple[str, str | None]] = []
    pending = list(files)
    for value in formats or ("text",):
        name, _, path = value.partition(":")
        if name not in FORMATS:
            raise click.BadParameter(f"{name!r} is not one of {', '.join(FORMATS)}",
                                     param_hint="--format")
        pairs.append((name, path or (pending.pop(0) if pending else None)))
    if pending:
        raise click.BadParameter("more --output-file than --format values",
                                 param_hint="--output-file")
    if sum(1 for _, path in pairs if path is None) > 1:
        raise click.BadParameter("only one format can go to standard output; give the others "
                                 "an --output-file or FORMAT:PATH", param_hint="--format")
    return pairs


@cli.command(short_help="Scan code, templates, snapshots or live accounts for caching "
                        "anti-patterns.")
@scan_options
@click.option("--format", "formats", multiple=True, metavar="FORMAT[:PATH]",
              help=f"Output format, repeatable: {', '.join(FORMATS)} (default: text).")
@click.option("--output-file", "-o", "output_files", multiple=True, type=click.Path(dir_okay=False),
              help="Write the report to this file (paired in order with --format).")
@click.option("--fail-on", type=click.Choice(_SEVERITIES), default=None,
              help="Exit 1 if a finding has this severity or higher (default: low).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report and fail only on findings not in this baseline file.")
@click.option("--statistics", is_flag=True, help="Show counts per rule instead of findings.")
@click.option("--show-source", is_flag=True,
              help="Show the offending lines under each finding (text, concise, grouped).")
@click.option("--generate", "generate_dir", type=click.Path(file_okay=False), default=None,
              help="Also write the Terraform modules the findings recommend into this folder "
                   "(as `generate --from-scan`); files that hold the same text are kept.")
@click.option("--force", is_flag=True,
              help="With --generate: overwrite module files that differ.")
@click.option("--quiet", "-q", is_flag=True, help="Only findings and errors, no fix hints.")
@click.option("--color/--no-color", default=None,
              help="Colour the output (default: on a terminal; NO_COLOR and FORCE_COLOR are "
                   "honoured).")
@click.option("--save-snapshot", type=click.Path(dir_okay=False), default=None,
              help="With --aws: also write what was read to this snapshot file.")
@click.option("--fix", "fix_", is_flag=True,
              help="Apply the safe fixes in place first, then report what remains "
                   "(`cachelint fix` has --diff and --unsafe-fixes).")
@click.option("--markdown-max-chars", type=click.IntRange(min=0),
              default=GITHUB_COMMENT_LIMIT,
              show_default=True,
              help="Cap the markdown report (GitHub refuses longer comments): the summary "
                   "tables stay whole, details that do not fit are counted instead. 0: no cap.")
@click.option("--fail-on-empty", is_flag=True, default=None,
              help="Exit 2 when no file was read (configuration: fail_on_empty).")
@click.option("--strict", is_flag=True, default=None,
              help="Exit 2 when a --var or parameter override is declared by nothing scanned "
                   "(configuration: strict).")
@click.pass_context
def scan(ctx: click.Context, formats, output_files, fail_on, exit_zero, baseline_path,
         statistics, show_source, generate_dir, force, quiet, color, save_snapshot, fix_,
         markdown_max_chars, fail_on_empty, strict, **opts) -> None:
    """Scan Terraform, CloudFormation/SAM templates, snapshots, directories or (--aws) live
    AWS accounts for caching anti-patterns. PATHS default to the current folder; - reads one
    template or .tf file from standard input (name it with --stdin-filename).

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or setup error, 3 a live scan
    is incomplete (a Region or service could not be read; the report says which)."""
    from cachelint import baseline

    outputs = _outputs(formats, output_files)
    shown_formats = {fmt for fmt, _ in outputs}
    if show_source and not any(reporters.FORMATS[f].options for f in shown_formats):
        raise click.UsageError("--show-source applies to --format text, concise or grouped")
    if statistics and "text" not in shown_formats:
        raise click.UsageError("--statistics applies to --format text")
    if save_snapshot and not opts["live"]:
        raise click.UsageError("--save-snapshot needs --aws")
    if save_snapshot and (opts["snapshot_dir"] or opts["resume_dir"]):
        raise click.UsageError("--save-snapshot writes one file; --snapshot-dir/--resume "
                               "already write one per account")
    if force and not generate_dir:
        raise click.UsageError("--force applies to --generate")
    if fix_:
        from cachelint.fix.command import fix_then_report

        config, report = fix_then_report(options_from(**opts))
    else:
        config, report = _run(**opts)
    if save_snapshot and report.snapshot is not None:
        _save_snapshot(report.snapshot, save_snapshot, force=False)
    threshold = Severity.parse(fail_on or config.fail_on or "low")
    if not baseline_path and config.baseline:  # `baseline:` of the configuration
        baseline_path = os.path.join(os.path.relpath(config.base), config.baseline)
    if baseline_path:
        entries = baseline.load(baseline_path)
        comparison = baseline.compare(report.findings, entries)
        report.findings = comparison.new
        report.notes.append(comparison.note(baseline_path))
    shown = reporters.OutputOptions(quiet=quiet, statistics=statistics, show_source=show_source)
    caps = {"max_chars": markdown_max_chars, "full_report": _full_report(outputs)}
    for fmt, path in outputs:
        if path:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "w", encoding="utf-8") as out:
                reporters.write(fmt, report, out, shown, **caps)
        else:
            reporters.write(fmt, report, sys.stdout,
                            replace(shown, colour=reporters.colour_wanted(color, sys.stdout)),
                            **caps)
    if generate_dir:
        _write_modules(gen.plans_from_report(json_reporter.report_dict(report)), generate_dir,
                       force=force, one_folder=False)
    if _gate(report, config, opts, strict, fail_on_empty):
        ctx.exit(EXIT_ERROR)
    failing = any(f.severity >= threshold for f in report.findings)
    if report.incomplete:
        ctx.exit(EXIT_INCOMPLETE)
    ctx.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_OK)


def _gate(report, config, opts: dict, strict: bool | None, fail_on_empty: bool | None) -> bool:
    """Warn on standard error about what makes the verdict untrustworthy (see gate.py);
    whether one of them is an error."""
    from cachelint import gate

    found = gate.problems(report, tuple(opts["paths"]), opts["live"],
                          strict if strict is not None else config.strict,
                          fail_on_empty if fail_on_empty is not None else config.fail_on_empty)
    for problem in found:
        click.echo(f"cachelint: {'error' if problem.error else 'warning'}: {problem.message}",
                   err=True)
    return any(p.error for p in found)


def _save_snapshot(snapshot: dict, path: str, force: bool) -> None:
    from cachelint.aws.snapshot import write_snapshot

    write_snapshot(snapshot, path, force=force)
    click.echo(f"Wrote the AWS snapshot to {path}; `cachelint scan {path}` scans it offline.",
               err=True)


# The generate options each layer's module uses (cachelint/layers.py); one given for no layer
# written is an error.
_LAYER_OPTIONS = {param: (flag, tuple(name for name, spec in LAYERS.items()
                                      if param in spec.module_options))
                  for param, flag in (("ttl", "--ttl"), ("cache_size", "--cache-size"),
                                      ("cache_keys", "--cache-key"), ("engine", "--engine"),
                                      ("api_path_pattern", "--api-path-pattern"))}


def _check_layer_options(ctx: click.Context, layers: set[str], table=None) -> None:
    """An option given on the command line for none of ``layers`` is a usage error."""
    from click.core import ParameterSource

    for param, (flag, applies) in (table or _LAYER_OPTIONS).items():
        if ctx.get_parameter_source(param) in (ParameterSource.DEFAULT, None):
            continue
        if not layers & set(applies):
            raise click.UsageError(f"{flag} applies to --layer {' or '.join(applies)}"
                                   + (f", not {', '.join(sorted(layers))}" if layers
                                      else ": give --layer"))


def _write_modules(plans, out: str, *, force: bool, one_folder: bool, name: str | None = None,
                   ttl: int | None = None, cache_size: str = gen.Options.cache_size,
                   cache_keys=(), engine: str = gen.Options.engine,
                   api_path_pattern: str = gen.Options.api_path_pattern) -> None:
    """Render and write each planned module (generate and scan --generate)."""
    for plan in plans:
        # One --name cannot name several modules: it applies when there is one.
        plan = gen.Options(layer=plan.layer, name=(name if len(plans) == 1 else None) or plan.name,
                           ttl=ttl if ttl is not None else gen.DEFAULT_TTL.get(plan.layer,
                                                                               gen.Options.ttl),
                           cache_size=cache_size, cache_keys=tuple(cache_keys), engine=engine,
                           api_path_pattern=api_path_pattern, wiring=plan.wiring)
        target = out if one_folder and len(plans) == 1 else os.path.join(out, plan.name)
        written = gen.write(gen.render(plan), target, force=force)
        if not written:
            click.echo(f"The {plan.layer} module {plan.name} in {target}/ is up to date.",
                       err=True)
            continue
        click.echo(f"Wrote the {plan.layer} module {plan.name} to {target}/ "
                   f"({len(written)} files); see {target}/README.md", err=True)


def _full_report(outputs: list[tuple[str, str | None]]) -> str | None:
    """Where a capped markdown report sends readers for every finding: the workflow run (in
    GitHub Actions) and the other report files of this scan."""
    places = []
    env = os.environ
    if env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        places.append(f"the [workflow run]({server}/{env['GITHUB_REPOSITORY']}/actions/runs/"
                      f"{env['GITHUB_RUN_ID']}) (annotations, code scanning)")
    places += [f"`{path}` ({fmt})" for fmt, path in outputs if path and fmt != "markdown"]
    return ", ".join(places) or None


@cli.group()
def baseline() -> None:
    """Record today's findings so that only new ones fail a scan."""


@baseline.command("create")
@scan_options
@click.option("--output-file", "-o", "output", default=".cachelint-baseline.json",
              show_default=True, type=click.Path(dir_okay=False), help="Baseline file to write.")
def baseline_create(output, **opts) -> None:
    """Scan PATHS (or --aws) and write their findings to a baseline file."""
    from cachelint import baseline as baselines

    config, report = _run(**opts)
    if _gate(report, config, opts, None, None):  # an empty baseline would hide nothing
        raise click.exceptions.Exit(EXIT_ERROR)
    baselines.save(baselines.create(report.findings), output)
    click.echo(f"Wrote {len(report.findings)} finding{'s' if len(report.findings) != 1 else ''} "
               f"to {output}; `cachelint scan --baseline {output}` reports only new ones.")


@cli.command()
@click.option("--layer", type=click.Choice(gen.LAYERS),
              help="The caching layer to write a module for.")
@click.option("--name", default=None, help="Module and resource name (default: LAYER-cache).")
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Folder to write into (default: ./cachelint-modules/NAME).")
@click.option("--from-scan", "from_scan", type=click.Path(exists=True, dir_okay=False),
              help="A `scan --format json` report: write the modules its findings recommend, "
                   "wired to the scanned resources.")
@click.option("--ttl", type=int, default=None,
              help=f"Cache TTL in seconds (apigateway: default {gen.DEFAULT_TTL['apigateway']}, "
                   f"max {API_CACHE_MAX_TTL}; dax: default {gen.DEFAULT_TTL['dax']}).")
@click.option("--cache-size", default=gen.Options.cache_size, show_default=True,
              help="API Gateway cache cluster size in GB.")
@click.option("--cache-key", "cache_keys", multiple=True,
              help="API Gateway cache key parameter, e.g. method.request.querystring.page.")
@click.option("--engine", type=click.Choice(gen.ENGINES),
              default=gen.Options.engine, show_default=True, help="ElastiCache engine.")
@click.option("--api-path-pattern", default=gen.Options.api_path_pattern, show_default=True,
              help="CloudFront path pattern of the API behaviour.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@click.pass_context
def generate(ctx: click.Context, layer, name, out, from_scan, ttl, cache_size, cache_keys, engine,
             api_path_pattern, force) -> None:
    """Write a Terraform module for a caching layer, secure and cache-correct by default."""
    if from_scan:
        try:
            with open(from_scan, encoding="utf-8") as fh:
                report = json.load(fh)
        except (OSError, ValueError) as exc:
            raise click.UsageError(f"{from_scan}: not a cachelint JSON report ({exc})") from None
        plans = gen.plans_from_report(report if isinstance(report, dict) else {})
        if layer:
            plans = [p for p in plans if p.layer == layer]
        if not plans:
            click.echo(f"{from_scan}: no caching layer is missing; nothing to write (defects of "
                       "existing caches are for `cachelint fix`).")
            return
    elif layer:
        plans = [gen.Options(layer=layer, name=name or f"{layer}-cache")]
    else:
        raise click.UsageError("give --layer or --from-scan")
    _check_layer_options(ctx, {p.layer for p in plans})
    _write_modules(plans, out or "cachelint-modules", force=force, one_folder=bool(out),
                   name=name, ttl=ttl, cache_size=cache_size, cache_keys=cache_keys,
                   engine=engine, api_path_pattern=api_path_pattern)


@cli.command(short_help="The cache layer each workload should use, why, and the command "
                        "that writes it.")
@scan_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def recommend(fmt, **opts) -> None:
    """Per workload (GET method, HTTP API, CloudFront path, DynamoDB table): the cache layer to
    use and why, from the code, a live account (--aws) or a snapshot, and the evidence of
    traffic (CloudWatch, --traffic logs); and the `cachelint generate` command for it."""
    from cachelint import recommend as rec
    from cachelint.scan import build_inventory

    config, options = options_from(**opts)
    found = rec.recommend(build_inventory(options).inventory, config)
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in found], indent=2))
    else:
        click.echo(rec.render_text(found), nl=False)


@cli.command(short_help="Per route in access logs: rate, distinct keys and hit ratio per TTL.")
@click.argument("logs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--ttl", "ttls", default="30,60,120,300,600,900,1800,3600", show_default=True,
              help="Candidate TTLs in seconds to replay the requests through (comma-separated).")
@click.option("--target-hit-ratio", type=click.FloatRange(0, 1), default=0.8, show_default=True,
              help="Recommend the smallest TTL that reaches this hit ratio.")
@click.option("--max-ttl", type=click.FloatRange(min=0), default=None,
              help="The most staleness the data allows, in seconds: TTLs above it are not "
                   "recommended (default: the configuration's `freshness` for each route).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file with `freshness` (default: searched upwards).")
@click.option("--top", type=click.IntRange(1), default=None,
              help="Routes shown in the text output, busiest first (default: a screenful).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--athena-database", default=None,
              help="Run the analysis on Amazon Athena over this database instead of locally.")
@click.option("--athena-table", default=None, help="The Athena table over the logs.")
@click.option("--athena-format", type=click.Choice(["cloudfront", "alb", "apigateway"]),
              default=None, help="The table's log format (its columns).")
@click.option("--athena-output", default=None, metavar="S3_URI",
              help="s3:// location for Athena's query results.")
@click.option("--athena-workgroup", default="primary", show_default=True,
              help="The Athena workgroup the queries run in.")
def traffic(logs, ttls, target_hit_ratio, max_ttl, config_path, top, fmt, athena_database,
            athena_table, athena_format, athena_output, athena_workgroup) -> None:
    """Read access logs (API Gateway JSON lines, CloudFront standard logs, ALB logs; gzip'd or
    not) and show, per method and path: request rate, peak, distinct cache keys, the logged
    hit ratio, and the hit ratio and backend calls of a TTL cache replayed over the real
    request sequence for each candidate TTL.

    With --athena-database, LOGS are ignored and the same queries run on Amazon Athena over
    --athena-table (for logs too big for one machine)."""
    from cachelint.traffic import report as traffic_report

    try:
        candidates = tuple(float(t) for t in ttls.split(",") if t.strip())
    except ValueError:
        raise click.BadParameter(f"{ttls!r} is not a list of seconds", param_hint="--ttl") \
            from None
    if athena_database:
        from cachelint.traffic.athena import AthenaOptions, analyse_athena

        if not (athena_table and athena_output and athena_format):
            raise click.UsageError("--athena-database needs --athena-table, "
                                   "--athena-format and --athena-output")
        result = analyse_athena(AthenaOptions(
            database=athena_database, table=athena_table, log_format=athena_format,
            output=athena_output, workgroup=athena_workgroup), candidates)
    else:
        from cachelint.traffic.analyse import analyse

        result = analyse(list(logs), candidates)
    config = load_config(config_path, logs[0] if logs else ".")
    policy = traffic_report.Policy(target_hit_ratio, max_ttl, config)
    if fmt == "json":
        click.echo(json.dumps(traffic_report.as_dict(result, policy), indent=2))
        return
    if top is None:
        import shutil

        rows = shutil.get_terminal_size((80, 24)).lines
        top = max(1, (rows - 2) // traffic_report.lines_per_route(len(candidates)))
    click.echo(traffic_report.render_text(result, policy, top), nl=False)


@cli.command(short_help="Backend load, hit ratio and monthly cost of a cache under a "
                        "traffic model.")
@click.option("--keys", type=click.IntRange(1), required=True,
              help="Distinct request values (cache keys) of the endpoint.")
@click.option("--ttl", type=click.FloatRange(min=0, min_open=True), required=True,
              help="Cache TTL in seconds (more than 0: a TTL of 0 caches nothing).")
@click.option("--rps", type=click.FloatRange(min=0), default=None,
              help="Requests per second, for the expected hit ratio and backend load.")
@click.option("--zipf", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Skew of the request values (0: uniform; about 1 for typical web traffic).")
@click.option("--layer", type=click.Choice(["apigateway", "dax", "elasticache"]), default=None,
              help="Price this layer too (us-east-1 on-demand, from the shipped price table).")
@click.option("--size", default=None,
              help="API Gateway cache size in GB (0.5 ... 237) or a DAX/ElastiCache node type.")
@click.option("--nodes", type=click.IntRange(1), default=1, show_default=True,
              help="DAX or ElastiCache nodes priced.")
@click.option("--engine", type=click.Choice(["valkey", "redis"]), default="valkey",
              show_default=True, help="ElastiCache engine, for its price (as `generate`).")
@click.option("--refresh-prices", is_flag=True,
              help="Read the layer's current price from the AWS Price List API (boto3 "
                   "credentials; pricing:GetProducts).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.pass_context
def estimate(ctx: click.Context, keys, ttl, rps, zipf, layer, size, nodes, engine,
             refresh_prices, fmt) -> None:
    """Worst-case backend calls (N per TTL for N distinct request values), the expected hit
    ratio and load reduction under a stated traffic model, and the layer's monthly cost."""
    from cachelint.traffic import estimate as est

    _check_layer_options(ctx, {layer} if layer else set(), {
        "size": ("--size", ("apigateway", "dax", "elasticache")),
        "nodes": ("--nodes", ("dax", "elasticache")),
        "engine": ("--engine", ("elasticache",))})
    table = None
    if refresh_prices:
        if not layer:
            raise click.UsageError("--refresh-prices needs --layer")
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            table = est.refreshed_table(layer, size, engine)
        except (BotoCoreError, ClientError, ValueError) as exc:
            raise click.ClickException(f"price refresh: {str(exc).splitlines()[0]}") from None
    result = est.estimate(keys, ttl, rps, zipf, layer, size, nodes, engine, table)
    if layer and result.monthly_cost is None:
        raise click.BadParameter(f"no {layer} price for size {size!r} in the price table",
                                 param_hint="--size")
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(est.render_text(result), nl=False)


@cli.group(short_help="Live AWS accounts: offline snapshots and the IAM policy a scan needs.")
def aws() -> None:
    """Live AWS accounts: snapshots for offline scans, and the IAM policy a scan needs."""


@aws.command("snapshot")
@_aws_options
@click.option("--output-file", "-o", "output", default=None, type=click.Path(dir_okay=False),
              help="Snapshot file to write (JSON); optional with --snapshot-dir/--resume.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@click.pass_context
def aws_snapshot(ctx: click.Context, output: str, force: bool, **opts) -> None:
    """Read the account(s) into a file that `cachelint scan FILE` scans offline, so that CI can
    gate without live credentials. Exits 3 if some part could not be read."""
    from cachelint.aws.collect import collect
    from cachelint.aws.mapping import describe_warning

    if not output and not (opts["snapshot_dir"] or opts["resume_dir"]):
        raise click.UsageError("give --output-file FILE, --snapshot-dir DIR or --resume DIR")
    if output and os.path.exists(output) and not force:
        raise click.UsageError(f"{output} exists; pass --force to replace it")
    collected = collect(_aws_settings(opts), progress=_Progress())
    if output:
        _save_snapshot(collected.snapshot, output, force=force)
    for warning in collected.warnings:
        click.echo(f"warning: {describe_warning(warning)}", err=True)
    for note in collected.notes:
        click.echo(f"note: {note}", err=True)
    _account_table(collected)
    click.echo(f"{collected.log.total} read-only API calls.", err=True)
    ctx.exit(EXIT_INCOMPLETE if collected.warnings else EXIT_OK)


@aws.command("policy")
def aws_policy() -> None:
    """Print the minimal IAM policy a live scan needs (read-only)."""
    from importlib import resources

    click.echo(resources.files("cachelint.aws").joinpath("iam-policy.json").read_text("utf-8"),
               nl=False)


@cli.group()
def export() -> None:
    """Export cachelint's rules for other tools."""


@export.command("checkov")
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def export_checkov(out: str, force: bool) -> None:
    """Write checkov custom checks (for --external-checks-dir) that run cachelint's rules."""
    from cachelint.checkov_bridge import export_files

    files, exported, skipped = export_files(load_catalogue())
    gen.write(files, out, force=force)
    click.echo(f"Wrote {exported} checkov checks to {out}/ ({skipped} rules not "
               f"exportable: see {out}/NOT_EXPORTED.md). Run: checkov -d DIR "
               f"--external-checks-dir {out}")


@cli.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def rules_command(fmt: str) -> None:
    """List every rule in the catalogue."""
    rules = load_catalogue()
    if fmt == "json":
        click.echo(json.dumps([{
            "id": r.id, "name": r.name, "category": r.category.value,
            "severity": r.severity.label, "layer": r.layer, "sources": list(r.sources),
            "summary": r.summary, "references": list(r.references), "peers": list(r.peers),
            "fix": _fix_class(r), "default": "on" if r.default_on else "off"}
            for r in rules], indent=2))
        return
    for r in rules:
        click.echo(f"{r.id}  {r.name:<46} {r.severity.label:<8} {r.layer:<11} "
                   f"{r.category.value:<17} {_fix_class(r) or ''}"
                   f"{'' if r.default_on else '  (off: --select ' + r.id + ')'}".rstrip())


def _fix_class(rule) -> str | None:
    """``cachelint fix``: "safe", "unsafe" (with --unsafe-fixes) or None (no fix)."""
    return None if not rule.fix else ("safe" if rule.fix["safe"] else "unsafe")


@cli.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True,
              help="Replace .cachelint.yaml and the baseline if they exist.")
@click.option("--no-baseline", is_flag=True,
              help="Write no baseline: every finding of today fails the scan.")
def init(path: str, force: bool, no_baseline: bool) -> None:
    """Write a commented .cachelint.yaml in PATH (default: here) naming the caching layers
    found there, and a baseline of today's findings that `cachelint scan` then leaves out."""
    from cachelint import baseline as baselines
    from cachelint import starter
    from cachelint.config import Config
    from cachelint.loaders.terraform.parsecache import default_dir
    from cachelint.scan import ScanOptions, build_inventory, run_scan

    starter.check_free(path, not no_baseline, force)
    options = ScanOptions(paths=(path,), config=Config(), cache_dir=default_dir())
    layers = starter.detect(build_inventory(options).inventory)
    report = run_scan(options)
    config_path, *rest = starter.targets(path, not no_baseline)
    if rest:
        baselines.save(baselines.create(report.findings), rest[0])
    starter.write(config_path, starter.render(path, layers, None if no_baseline
                                              else starter.BASELINE_NAME, len(report.findings)))
    n = len(report.findings)
    click.echo(f"Wrote {config_path} and {rest[0]} ({n} finding{'s' if n != 1 else ''}); "
               "`cachelint scan` now reports only new findings." if rest
               else f"Wrote {config_path}.")


@cli.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL.

    \b
    bash: eval "$(cachelint completion bash)"    (in ~/.bashrc)
    zsh:  eval "$(cachelint completion zsh)"     (in ~/.zshrc)
    fish: cachelint completion fish > ~/.config/fish/completions/cachelint.fish"""
    from click.shell_completion import get_completion_class

    script = get_completion_class(shell)(cli, {}, "cachelint", "_CACHELINT_COMPLETE")
    click.echo(script.source())


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show what a rule finds, why it hurts and how to fix it (by id or name)."""
    rule = find_rule(code)
    if rule is None:
        raise click.UsageError(f"no rule {code!r}; `cachelint rules` lists them")
    from cachelint.explain import fix_line

    click.echo(render_markdown(rule))
    click.echo(f"\n## Fix\n\n{fix_line(rule)}")


def _register_fix() -> None:
    from cachelint.fix.command import fix

    cli.add_command(fix)


_register_fix()


def main() -> None:
    debug = "--debug" in sys.argv
    try:
        rc = cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    # Every error is one line of the same shape, `cachelint: error: ...`, and exit 2.
    except click.ClickException as exc:
        error(click_error(exc))
        sys.exit(EXIT_ERROR)
    except UserError as exc:  # bad credentials, account list, log...: one line
        error(str(exc))
        sys.exit(EXIT_ERROR)
    except click.exceptions.Abort:
        error("aborted")
        sys.exit(EXIT_ERROR)
    except CatalogueError as exc:
        error(f"broken rule catalogue: {exc}")
        sys.exit(EXIT_ERROR)
    except OSError as exc:
        name = f"{exc.filename}: " if exc.filename else ""
        error(f"{name}{exc.strerror or exc}")
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if debug:
            traceback.print_exc()
        error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the "
              "traceback)")
        sys.exit(EXIT_ERROR)
    sys.exit(rc if isinstance(rc, int) else EXIT_OK)
