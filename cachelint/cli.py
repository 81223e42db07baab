"""The ``cachelint`` command line."""

from __future__ import annotations

import json
import os
import sys
import traceback

import click

from cachelint import __version__
from cachelint.catalogue import CatalogueError, Severity, find_rule, load_catalogue
from cachelint.config import ConfigError, load_config
from cachelint.errors import UserError
from cachelint.explain import render_markdown
from cachelint.reporters import json as json_reporter
from cachelint.reporters import text as text_reporter

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cachelint")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Find caching anti-patterns in AWS infrastructure code."""
    ctx.obj = {"debug": debug}


FORMATS = ("text", "json", "sarif", "junit", "markdown", "github")


def _aws_options(fn):
    """Where a live scan reads from, and how it judges traffic (scan, baseline, aws snapshot)."""
    options = [
        click.option("--profile", default=None, help="AWS profile (default: the boto3 chain)."),
        click.option("--region", "regions", multiple=True,
                     help="Region to scan (repeatable; default: the profile's Region)."),
        click.option("--all-regions", is_flag=True,
                     help="Scan every Region enabled for the account."),
        click.option("--role-arn", default=None,
                     help="Role to assume; with --accounts/--organization, assumed in each "
                          "account (its account field, or {account_id}, is replaced)."),
        click.option("--external-id", default=None, help="External id for --role-arn."),
        click.option("--accounts", "accounts_file", type=click.Path(dir_okay=False),
                     default=None, help="File of account ids to scan, one per line."),
        click.option("--organization", is_flag=True,
                     help="Scan every active account of the AWS Organization."),
        click.option("--window-days", type=click.FloatRange(min=0.05, max=455), default=7.0,
                     show_default=True, help="CloudWatch window read as traffic evidence."),
        click.option("--no-metrics", is_flag=True,
                     help="Do not read CloudWatch (no traffic evidence, fewer API calls)."),
        click.option("--aws-workers", type=click.IntRange(1, 32), default=8, show_default=True,
                     help="Accounts and Regions read at once."),
        click.option("--snapshot-dir", type=click.Path(file_okay=False), default=None,
                     help="Write each account's snapshot into this folder as it completes "
                          "(one ACCOUNT_ID.json each)."),
        click.option("--resume", "resume_dir", type=click.Path(file_okay=False), default=None,
                     metavar="SNAPSHOT_DIR", help="As --snapshot-dir, keeping the accounts "
                     "already in the folder: a stopped scan goes on where it stopped."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _scan_options(fn):
    """Options shared by ``scan`` and ``baseline create``: what to scan and how."""
    options = [
        # Not readable=True: an unreadable file is reported by the scan, which goes on.
        click.argument("paths", nargs=-1, type=click.Path(readable=False)),
        click.option("--aws", "live", is_flag=True,
                     help="Also scan the live AWS account(s) the credentials reach (read-only)."),
        click.option("--select", multiple=True,
                     help="Rule ids, prefixes or names to run (comma-separated)."),
        click.option("--ignore", multiple=True,
                     help="Rule ids, prefixes or names to skip (comma-separated)."),
        click.option("--var-file", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help="Terraform variables file, as for terraform plan (repeatable)."),
        click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
                     help="Terraform variable value (repeatable)."),
        click.option("--parameter-overrides", "parameters", multiple=True, metavar="KEY=VALUE",
                     help="CloudFormation parameter values, as for `sam deploy` (repeatable)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False),
                     help="Configuration file (default: .cachelint.yaml or [tool.cachelint] in "
                          "pyproject.toml, searched upwards)."),
        click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
                     help="Parse cache folder (default: $XDG_CACHE_HOME/cachelint or "
                          "~/.cache/cachelint)."),
        click.option("--no-cache", is_flag=True, help="Parse every file again."),
        click.option("--no-prefilter", is_flag=True, hidden=True,
                     help="Parse every folder, even those with no checked resource type."),
        click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
                     help="Parser processes (default: one per CPU)."),
        click.option("--traffic", multiple=True, type=click.Path(dir_okay=False),
                     metavar="LOG", help="Access log (API Gateway JSON, CloudFront, ALB; gzip "
                     "ok) as evidence of traffic (repeatable; needs cachelint[traffic])."),
        click.option("--hot-rps", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Measured requests/s from which a GET counts as hot "
                          "(thresholds.hot_requests_per_second, default 1)."),
        click.option("--min-hit-ratio", type=click.FloatRange(0, 1), default=None,
                     help="Measured cache hit ratio below which a cache is reported "
                          "(thresholds.min_cache_hit_ratio, default 0.2)."),
    ]
    fn = _aws_options(fn)
    for option in reversed(options):
        fn = option(fn)
    return fn


_LIVE_ONLY = {"profile": "--profile", "regions": "--region", "all_regions": "--all-regions",
              "role_arn": "--role-arn", "external_id": "--external-id",
              "accounts_file": "--accounts", "organization": "--organization",
              "snapshot_dir": "--snapshot-dir", "resume_dir": "--resume"}


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
                      snapshot_dir=resume or folder, resume=bool(resume))


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


def _options(**opts):
    """The configuration and ScanOptions of the shared scan options."""
    from cachelint.loaders.terraform.parsecache import default_dir
    from cachelint.scan import ScanOptions

    paths = tuple(opts["paths"])
    if not paths and not opts["live"]:
        raise click.UsageError("give PATHS to scan, --aws for a live account, or both")
    used = [flag for name, flag in _LIVE_ONLY.items() if opts[name]]
    if used and not opts["live"]:
        raise click.UsageError(f"{used[0]} applies to a live scan: add --aws")
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise click.BadParameter(f"{missing[0]!r} does not exist", param_hint="PATHS")
    try:
        config = load_config(opts["config_path"], paths[0] if paths else ".")
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
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
                          collected=_account_table)
    return config, options


def _run(**opts):
    from cachelint.scan import run_scan

    config, options = _options(**opts)
    return config, run_scan(options)


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


@cli.command()
@_scan_options
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
@click.option("--generate", "generate_dir", type=click.Path(file_okay=False), default=None,
              help="Also write the Terraform modules the findings recommend into this folder "
                   "(as `generate --from-scan`).")
@click.option("--quiet", "-q", is_flag=True, help="Only findings and errors, no fix hints.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a TTY).")
@click.option("--save-snapshot", type=click.Path(dir_okay=False), default=None,
              help="With --aws: also write what was read to this snapshot file.")
@click.pass_context
def scan(ctx: click.Context, formats, output_files, fail_on, exit_zero, baseline_path,
         statistics, generate_dir, quiet, color, save_snapshot, **opts) -> None:
    """Scan Terraform, CloudFormation/SAM templates, snapshots, directories or (--aws) live
    AWS accounts for caching anti-patterns.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or setup error, 3 a live scan
    is incomplete (a Region or service could not be read; the report says which)."""
    from cachelint import baseline

    outputs = _outputs(formats, output_files)
    if save_snapshot and not opts["live"]:
        raise click.UsageError("--save-snapshot needs --aws")
    if save_snapshot and (opts["snapshot_dir"] or opts["resume_dir"]):
        raise click.UsageError("--save-snapshot writes one file; --snapshot-dir/--resume "
                               "already write one per account")
    config, report = _run(**opts)
    if save_snapshot and report.snapshot is not None:
        _save_snapshot(report.snapshot, save_snapshot, force=False)
    threshold = Severity.parse(fail_on or config.fail_on or "low")
    if baseline_path:
        try:
            entries = baseline.load(baseline_path)
        except baseline.BaselineError as exc:
            raise click.UsageError(str(exc)) from None
        comparison = baseline.compare(report.findings, entries)
        report.findings = comparison.new
        report.notes.append(f"baseline {baseline_path}: {len(comparison.known)} known finding"
                            f"{'s' if len(comparison.known) != 1 else ''} not reported, "
                            f"{comparison.fixed} baseline entr"
                            f"{'ies' if comparison.fixed != 1 else 'y'} fixed")
    for fmt, path in outputs:
        if path:
            with open(path, "w", encoding="utf-8") as out:
                _write(report, fmt, out, False, quiet, statistics)
        else:
            colour = (sys.stdout.isatty() and "NO_COLOR" not in os.environ) if color is None \
                else color
            _write(report, fmt, sys.stdout, colour, quiet, statistics)
    if generate_dir:
        from cachelint.generate import plans_from_report

        _write_modules(plans_from_report(json_reporter.report_dict(report)), generate_dir,
                       force=False, one_folder=False)
    failing = any(f.severity >= threshold for f in report.findings)
    if report.incomplete:
        ctx.exit(EXIT_INCOMPLETE)
    ctx.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_OK)


def _save_snapshot(snapshot: dict, path: str, force: bool) -> None:
    from cachelint.aws.snapshot import SnapshotError, write_snapshot

    try:
        write_snapshot(snapshot, path, force=force)
    except SnapshotError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Wrote the AWS snapshot to {path}; `cachelint scan {path}` scans it offline.",
               err=True)


def _write_modules(plans, out: str, *, force: bool, one_folder: bool, name: str | None = None,
                   ttl: int | None = None, cache_size: str = "0.5", cache_keys=(),
                   engine: str = "valkey", api_path_pattern: str = "/api/*") -> None:
    """Render and write each planned module (generate and scan --generate)."""
    from cachelint import generate as gen

    for plan in plans:
        # One --name cannot name several modules: it applies when there is one.
        plan = gen.Options(layer=plan.layer, name=(name if len(plans) == 1 else None) or plan.name,
                           ttl=ttl if ttl is not None else (300 if plan.layer == "apigateway"
                                                            else 60),
                           cache_size=cache_size, cache_keys=tuple(cache_keys), engine=engine,
                           api_path_pattern=api_path_pattern, wiring=plan.wiring)
        target = out if one_folder and len(plans) == 1 else os.path.join(out, plan.name)
        try:
            written = gen.write(gen.render(plan), target, force=force)
        except gen.GenerateError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"Wrote the {plan.layer} module {plan.name} to {target}/ "
                   f"({len(written)} files); see {target}/README.md", err=True)


def _write(report, fmt: str, out, colour: bool, quiet: bool, statistics: bool) -> None:
    from cachelint.reporters import github, junit, markdown, sarif

    if fmt == "text" and statistics:
        text_reporter.write_statistics(report, out)
    elif fmt == "text":
        text_reporter.write(report, out, colour=colour, quiet=quiet)
    elif fmt == "json":
        json_reporter.write(report, out)
    elif fmt == "sarif":
        sarif.write(report, out)
    elif fmt == "junit":
        junit.write(report, out)
    elif fmt == "markdown":
        markdown.write(report, out)
    else:
        github.write(report, out)


@cli.group()
def baseline() -> None:
    """Record today's findings so that only new ones fail a scan."""


@baseline.command("create")
@_scan_options
@click.option("--output-file", "-o", "output", default=".cachelint-baseline.json",
              show_default=True, type=click.Path(dir_okay=False), help="Baseline file to write.")
def baseline_create(output, **opts) -> None:
    """Scan PATHS (or --aws) and write their findings to a baseline file."""
    from cachelint import baseline as baselines

    _, report = _run(**opts)
    baselines.save(baselines.create(report.findings), output)
    click.echo(f"Wrote {len(report.findings)} finding{'s' if len(report.findings) != 1 else ''} "
               f"to {output}; `cachelint scan --baseline {output}` reports only new ones.")


@cli.command()
@click.option("--layer", type=click.Choice(["cloudfront", "apigateway", "elasticache", "dax"]),
              help="The caching layer to write a module for.")
@click.option("--name", default=None, help="Module and resource name (default: LAYER-cache).")
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Folder to write into (default: ./cachelint-modules/NAME).")
@click.option("--from-scan", "from_scan", type=click.Path(exists=True, dir_okay=False),
              help="A `scan --format json` report: write the modules its findings recommend, "
                   "wired to the scanned resources.")
@click.option("--ttl", type=int, default=None,
              help="Cache TTL in seconds (apigateway: default 300, max 3600; dax: default 60).")
@click.option("--cache-size", default="0.5", show_default=True,
              help="API Gateway cache cluster size in GB.")
@click.option("--cache-key", "cache_keys", multiple=True,
              help="API Gateway cache key parameter, e.g. method.request.querystring.page.")
@click.option("--engine", type=click.Choice(["valkey", "redis", "memcached", "serverless"]),
              default="valkey", show_default=True, help="ElastiCache engine.")
@click.option("--api-path-pattern", default="/api/*", show_default=True,
              help="CloudFront path pattern of the API behaviour.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def generate(layer, name, out, from_scan, ttl, cache_size, cache_keys, engine, api_path_pattern,
             force) -> None:
    """Write a Terraform module for a caching layer, secure and cache-correct by default."""
    from cachelint import generate as gen

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
            click.echo(f"{from_scan}: no finding recommends a caching layer; nothing to write.")
            return
    elif layer:
        plans = [gen.Options(layer=layer, name=name or f"{layer}-cache")]
    else:
        raise click.UsageError("give --layer or --from-scan")
    _write_modules(plans, out or "cachelint-modules", force=force, one_folder=bool(out),
                   name=name, ttl=ttl, cache_size=cache_size, cache_keys=cache_keys,
                   engine=engine, api_path_pattern=api_path_pattern)


@cli.command()
@_scan_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def recommend(fmt, **opts) -> None:
    """Per workload (GET method, HTTP API, CloudFront path, DynamoDB table): the cache layer to
    use and why, from the code, a live account (--aws) or a snapshot, and the evidence of
    traffic (CloudWatch, --traffic logs); and the `cachelint generate` command for it."""
    from cachelint import recommend as rec
    from cachelint.scan import build_inventory

    config, options = _options(**opts)
    found = rec.recommend(build_inventory(options).inventory, config)
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in found], indent=2))
    else:
        click.echo(rec.render_text(found), nl=False)


@cli.command()
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
@click.option("--top", type=click.IntRange(1), default=20, show_default=True,
              help="Routes shown in the text output, busiest first.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--athena-database", default=None,
              help="Run the analysis on Amazon Athena over this database instead of locally.")
@click.option("--athena-table", default=None, help="The Athena table over the logs.")
@click.option("--athena-format", type=click.Choice(["cloudfront", "alb", "apigateway"]),
              default=None, help="The table's log format (its columns).")
@click.option("--athena-output", default=None, metavar="S3_URI",
              help="s3:// location for Athena's query results.")
@click.option("--athena-workgroup", default="primary", show_default=True)
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
        raise click.BadParameter(f"{ttls!r} is not a list of seconds", param_hint="--ttl")
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
    try:
        config = load_config(config_path, logs[0] if logs else ".")
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    bound = max_ttl if max_ttl is not None else config
    if fmt == "json":
        click.echo(json.dumps(traffic_report.as_dict(result, target_hit_ratio, bound),
                              indent=2))
    else:
        click.echo(traffic_report.render_text(result, target_hit_ratio, bound, top), nl=False)


@cli.command()
@click.option("--keys", type=click.IntRange(1), required=True,
              help="Distinct request values (cache keys) of the endpoint.")
@click.option("--ttl", type=click.FloatRange(min=0), required=True, help="Cache TTL in seconds.")
@click.option("--rps", type=click.FloatRange(min=0), default=None,
              help="Requests per second, for the expected hit ratio and backend load.")
@click.option("--zipf", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Skew of the request values (0: uniform; about 1 for typical web traffic).")
@click.option("--layer", type=click.Choice(["apigateway", "dax", "elasticache"]), default=None,
              help="Price this layer too (us-east-1 on-demand, from the shipped price table).")
@click.option("--size", default=None,
              help="API Gateway cache size in GB (0.5 ... 237) or a DAX/ElastiCache node type.")
@click.option("--nodes", type=click.IntRange(1), default=1, show_default=True)
@click.option("--engine", type=click.Choice(["redis", "valkey"]), default="redis",
              show_default=True, help="ElastiCache engine, for its price.")
@click.option("--refresh-prices", is_flag=True,
              help="Read the layer's current price from the AWS Price List API (boto3 "
                   "credentials; pricing:GetProducts).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def estimate(keys, ttl, rps, zipf, layer, size, nodes, engine, refresh_prices, fmt) -> None:
    """Worst-case backend calls (N per TTL for N distinct request values), the expected hit
    ratio and load reduction under a stated traffic model, and the layer's monthly cost."""
    from cachelint.traffic import estimate as est

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


@cli.group()
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
    from cachelint import generate as gen
    from cachelint.checkov_bridge import exportable

    files: dict[str, str] = {}
    skipped = []
    for rule in load_catalogue():
        why = exportable(rule)
        if why:
            skipped.append((rule, why))
            continue
        files[f"{rule.id}_{rule.name.replace('-', '_')}.py"] = (
            f"# cachelint {rule.id} {rule.name}, exported by `cachelint export checkov`.\n"
            f"# It runs cachelint's own rule: cachelint must be importable in checkov's\n"
            f"# environment, without its dependencies: pip install --no-deps "
            f"cachelint=={__version__}\n"
            "from cachelint.checkov_bridge import make_check\n\n"
            f'check = make_check("{rule.id}")\n')
    files["__init__.py"] = "# checkov imports the checks of this folder as a package.\n"
    files["NOT_EXPORTED.md"] = (
        "# cachelint rules not exported to checkov\n\nA checkov resource check sees one "
        "resource; these rules need more.\n\n| rule | why |\n|---|---|\n" +
        "".join(f"| {r.id} {r.name} | {why} |\n" for r, why in skipped))
    try:
        gen.write(files, out, force=force)
    except gen.GenerateError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Wrote {len(files) - 2} checkov checks to {out}/ ({len(skipped)} rules not "
               f"exportable: see {out}/NOT_EXPORTED.md). Run: checkov -d DIR "
               f"--external-checks-dir {out}")


@cli.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules_command(fmt: str) -> None:
    """List every rule in the catalogue."""
    rules = load_catalogue()
    if fmt == "json":
        click.echo(json.dumps([{
            "id": r.id, "name": r.name, "category": r.category.value,
            "severity": r.severity.label, "layer": r.layer, "sources": list(r.sources),
            "summary": r.summary, "references": list(r.references), "peers": list(r.peers)}
            for r in rules], indent=2))
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
    click.echo(render_markdown(rule))


def main() -> None:
    debug = "--debug" in sys.argv
    try:
        rc = cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_ERROR)
    except UserError as exc:  # bad credentials, account list, log...: one line
        click.echo(f"Error: {exc}", err=True)
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
