"""One scan: load every source into the model, run the selected rules, build the report."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace

from cachelint import engine, suppressions
from cachelint.engine import render
from cachelint.catalogue import Rule, Severity, load_catalogue
from cachelint.aws.snapshot import is_snapshot_file, load_snapshot
from cachelint.config import Config
from cachelint.findings import Finding, Report
from cachelint.code.loader import source_files
from cachelint.loaders import discovery
from cachelint.loaders.cloudformation import load_cloudformation
from cachelint.loaders.terraform import is_plan_file, load_plans, load_terraform
from cachelint.model import Inventory, Location, Source, SourceFile


@dataclass(frozen=True)
class ScanOptions:
    paths: tuple[str, ...]
    config: Config = Config()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    var_files: tuple[str, ...] = ()
    variables: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)  # CloudFormation parameter overrides
    cache_dir: str | None = None  # parse cache folder; None: no cache
    prefilter: bool = True  # skip folders that cannot hold a checked resource (exact)
    jobs: int | None = None  # parser processes (None: one per CPU)
    # A live account (cachelint.aws.collect.AwsOptions); its snapshot is kept in the report.
    aws: object | None = None
    progress: object | None = None  # callable(cachelint.aws.accounts.Progress), live scan
    collected: object | None = None  # callable(Collection) once the live scan has read
    traffic: tuple[str, ...] = ()  # access logs: evidence of traffic (cachelint.traffic)
    path_filter: object | None = None  # discovery.PathFilter (None: the default exclusions)


class _Scope:
    def __init__(self, paths: tuple[str, ...], plans: list[str]):
        self.dirs = tuple(os.path.abspath(p) for p in paths if os.path.isdir(p))
        # A plan's findings point into its configuration, wherever that is.
        self.files = {os.path.abspath(p) for p in paths
                      if not os.path.isdir(p) and p not in plans}

    def covers_location(self, loc: Location) -> bool:
        # A deployed resource (live scan or snapshot) is not a file: always in scope.
        return loc.is_resource or self.covers(loc.path)

    def covers(self, path: str) -> bool:
        if not self.files:
            return True  # directories: also report local modules they call from elsewhere
        full = os.path.abspath(path)
        return full in self.files or any(
            full == d or full.startswith(d.rstrip(os.sep) + os.sep) for d in self.dirs)


def selected_rules(options: ScanOptions) -> list[Rule]:
    """The rules to run, with the configuration's severity overrides applied."""
    selection = engine.Selection(options.select or options.config.select,
                                 tuple(options.config.ignore) + tuple(options.ignore))
    overrides = {code.lower(): Severity.parse(level) for code, level in options.config.severity}
    rules = []
    for rule in load_catalogue():
        if selection.enabled(rule):
            level = overrides.get(rule.id.lower()) or overrides.get(rule.name)
            rules.append(replace(rule, severity=level) if level is not None else rule)
    return rules


def _per_path_ignored(finding: Finding, config: Config) -> bool:
    if finding.location.is_resource:
        return False
    codes = config.ignored_here(finding.location.path)
    return bool(codes) and not engine.Selection((), codes).enabled(finding.rule)


@dataclass
class Loaded:
    """Every source of a scan in the model, with its evidence."""

    inventory: Inventory
    plans: list[str]  # the paths that are plan files
    collected: object | None = None  # the live scan's collection (cachelint.aws.collect)


def build_inventory(options: ScanOptions) -> Loaded:
    for path in options.paths:
        if not os.path.exists(path):
            raise FileNotFoundError(path)
    plans = [p for p in options.paths if is_plan_file(p)]
    snapshots = [p for p in options.paths if p not in plans and is_snapshot_file(p)]
    # Directories given with a plan are its configuration: they locate the plan's findings
    # and are not scanned a second time as HCL.
    config_dirs = [p for p in options.paths if plans and os.path.isdir(p)]
    sources = [p for p in options.paths
               if p not in plans and p not in config_dirs and p not in snapshots]
    inventory = Inventory()
    # Without a source to read them, every --var and parameter override is unused.
    inventory.undeclared = {("variable", n) for n in options.variables} | {
        ("parameter", n) for n in dict(options.config.parameter_overrides) | options.parameters}
    collected = None
    if sources:
        found = discovery.walk(sources, options.path_filter)
        # Application code is read only where the tree holds some (no cost otherwise), and
        # first: the environment variables its clients' files read decide which functions
        # and tasks the Terraform loader reads too.
        code_files = source_files(found, sources)
        parsed, code_errors, skipped = [], [], []
        if code_files:
            from cachelint.code.loader import load_code

            parsed, code_errors, skipped = load_code(code_files, _display, options.cache_dir,
                                                     options.jobs)
        code_env = frozenset(name for f in parsed if f.bindings for name in f.env)
        inventory = load_terraform(
            sources, var_files=list(options.config.var_files) + list(options.var_files),
            variables=dict(options.variables), cache_dir=options.cache_dir,
            prefilter=options.prefilter, jobs=options.jobs, found=found, code_env=code_env)
        parameters = dict(options.config.parameter_overrides) | dict(options.parameters)
        inventory.merge(load_cloudformation(sources, parameters, found=found,
                                            code=bool(code_env)))
        inventory.code.extend(parsed)
        inventory.errors.extend(code_errors)
        if skipped:
            inventory.notes.append(
                f"{len(skipped)} minified file{'s' if len(skipped) != 1 else ''} not read as "
                f"application code: {', '.join(skipped[:5])}"
                + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""))
        note = discovery.templates_note(
            [_display(p) for p in found.templates] + inventory.templates, str)
        if note:
            inventory.notes.append(note)
    if plans:
        inventory.merge(load_plans(plans, config_dirs))
    for path in snapshots:
        inventory.merge(load_snapshot(path))
    if options.aws is not None:
        from cachelint.aws.collect import collect
        from cachelint.aws.mapping import map_snapshot

        collected = collect(options.aws, progress=options.progress)
        if callable(options.collected):
            options.collected(collected)
        for document in collected.documents():  # one account at a time
            inventory.merge(map_snapshot(document))
        inventory.notes += collected.notes
        inventory.notes.append(f"AWS: {collected.log.total} read-only API calls")
    if options.traffic:
        from cachelint.traffic.evidence import attach_traffic

        attach_traffic(inventory, list(options.traffic))
    return Loaded(inventory, plans, collected)


# A sandbox cache need not survive a node failure, pay for itself nor shield its backend from a
# burst of misses: these harms are production's. Encryption, consistency and cache-key findings
# stay at full severity anywhere.
DEMOTED_CATEGORIES = {"availability", "cost", "stampede"}


def demote_non_production(findings: list[Finding], options: ScanOptions) -> list[Finding]:
    """Availability, cost and stampede findings in non-production code (``non_production`` globs,
    matched relative to each scanned folder) are info: the file they point at matches, or
    every root module that produces them does. A finding any production root produces keeps
    its severity."""
    bases = sorted((os.path.abspath(p) for p in options.paths if os.path.isdir(p)),
                   key=len, reverse=True)
    config = options.config

    def pattern_for(path: str, folder: bool = False) -> tuple[str, str] | None:
        full = os.path.abspath(path)
        base = next((b for b in bases if full == b or full.startswith(b.rstrip(os.sep) + os.sep)),
                    os.path.dirname(full) if not folder else full)
        rel = os.path.relpath(full, base).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        if folder:
            rel = rel + "/" if rel else ""
        found = config.non_production_pattern(rel) if rel else None
        return (rel, found) if found else None

    out: list[Finding] = []
    texts: dict[str, str] = {}
    for f in findings:
        if f.rule.category.value not in DEMOTED_CATEGORIES or f.location.is_resource:
            out.append(f)
            continue
        why = pattern_for(f.location.path)
        roots = [r for r in f.all_roots if r and not r.endswith((".json", ".yaml", ".yml",
                                                                 ".template"))]
        if why is None and roots:
            matched = [pattern_for(r, folder=True) for r in roots]
            if all(matched):
                why = matched[0]
        production_root = any(set(_words(r)) & PRODUCTION_WORDS for r in f.all_roots if r)
        said = declared_sandbox(f, texts) if why is None and config.non_production \
            and not production_root else None
        if why is None and said is None:
            out.append(f)
            continue
        if why is not None:
            where, pattern = why
            said = f"{where} matches the non_production pattern {pattern!r}"
        reason = f"{said}: reported as info, as {f.rule.category.value} matters in production"
        out.append(replace(f, demoted=reason, message=f"{f.message} ({reason})"))
    return out


# What the code itself says about where it runs: a sandbox word in the resource's own name,
# an environment tag or variable set to a sandbox value, or a CloudFormation template whose
# Description calls it a sample, demo or example.
# ("example" is left out: it is the name Terraform's own documentation gives every resource.)
SANDBOX_WORDS = ("sample", "samples", "demo", "sandbox", "snippet")
# A root module folder named for production is never demoted by what its modules say.
PRODUCTION_WORDS = {"prod", "production", "prd", "live"}
_ENV_SETTING = (r"""^\s*["']?(environment|env|stage|stage_name|StageName)["']?\s*[=:]\s*["']?"""
                r"""({})["']?\s*(?:#.*)?$""")
_SANDBOX_ENV = re.compile(_ENV_SETTING.format("dev|development|test|testing|staging|sandbox|demo"),
                          re.IGNORECASE | re.MULTILINE)
# A file that also names a production environment or stage declares both: it says nothing.
_PRODUCTION_ENV = re.compile(_ENV_SETTING.format("|".join(sorted(PRODUCTION_WORDS))),
                             re.IGNORECASE | re.MULTILINE)
_TEMPLATE_DESCRIPTION = re.compile(r"""^(?:Description\s*:|\s*"Description"\s*:)(.*)$""",
                                   re.MULTILINE)


def _words(name: str) -> list[str]:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", name) if w]


def declared_sandbox(f: Finding, texts: dict[str, str]) -> str | None:
    """Why the finding's resource is declared non-production by its own code, or None. The
    words "example" and "examples" count only in a template's Description."""
    local = re.sub(r"\[[^\]]*\]", "", f.address).split(".")
    name = local[-1] if local else ""
    word = next((w for w in _words(name) if w in SANDBOX_WORDS), None)
    if word:
        return f"its name {name!r} says {word!r}"
    path = f.location.path
    if path not in texts:
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                texts[path] = fh.read(1_000_000)
        except OSError:
            texts[path] = ""
    text = texts[path]
    m = _SANDBOX_ENV.search(text)
    if m and not _PRODUCTION_ENV.search(text):
        line = text.count("\n", 0, m.start()) + 1
        return f"{_display(path)}:{line} sets {m.group(1)} to {m.group(2)!r}"
    if path.endswith((".yaml", ".yml", ".json", ".template")):
        m = _TEMPLATE_DESCRIPTION.search(text)
        if m:
            word = next((w for w in _words(m.group(1))
                         if w in SANDBOX_WORDS or w in ("example", "examples")), None)
            if word:
                return f"the template's Description calls it a {word}"
    return None


def _distinct_resources(inventory: Inventory) -> int:
    """Resources as written: a module block evaluated through several roots (environments, or
    the module folder checked alone) is one resource."""
    return len({(type(r).__name__, r.source.location, engine.local_address(r.source.address))
                for r in inventory.resources})


def _display(path: str) -> str:
    rel = os.path.relpath(os.path.abspath(path))
    return path if rel.startswith("..") else rel


def run_scan(options: ScanOptions) -> Report:
    return report_of(build_inventory(options), options)


def report_of(loaded: Loaded, options: ScanOptions) -> Report:
    """The report of what ``build_inventory`` loaded (``cachelint fix`` keeps the inventory)."""
    inventory, collected = loaded.inventory, loaded.collected
    rules = selected_rules(options)
    evaluations: dict = {}
    findings = engine.run(rules, inventory, options.config, evaluations)
    enabled = {r.id for r in rules}
    outcome = suppressions.apply(findings, inventory.directives, enabled)
    findings = outcome.findings + [
        Finding(rule=rule, message=render(rule, SourceFile(source=Source(loc.path, "file", loc)),
                                          {"detail": detail}),
                address=loc.path, resource_type="file", location=loc, resource_location=loc)
        for rule, loc, detail in outcome.directive_findings if rule.id in enabled]
    # A file named on the command line is evaluated with its whole module (for variables and
    # references) but only its own findings are reported, as linters do for staged files.
    scope = _Scope(tuple(options.paths) + tuple(options.traffic), loaded.plans)
    findings = sorted((f for f in findings if scope.covers_location(f.location)
                       and not _per_path_ignored(f, options.config)), key=Finding.sort_key)
    findings = demote_non_production(findings, options)
    errors = [e for e in inventory.errors if scope.covers(e.path)]
    evaluations = {rule_id: {k: loc for k, loc in checked.items() if scope.covers_location(loc)}
                   for rule_id, checked in evaluations.items()}
    return Report(findings=findings, evaluations=evaluations,
                  suppressed=[f for f in outcome.suppressed
                              if scope.covers_location(f.location)],
                  errors=errors,
                  notes=list(inventory.notes), files_scanned=inventory.files,
                  resources_scanned=_distinct_resources(inventory),
                  warnings=list(inventory.warnings),
                  snapshot=collected.snapshot if collected is not None and collected.kept
                  else None,
                  input_warnings=_undeclared_inputs(inventory.undeclared, options))


def _undeclared_inputs(undeclared: set, options: ScanOptions) -> list[str]:
    """One line per --var or parameter override that no scanned source declares: a typo there
    silently leaves the default in place."""
    out = []
    for kind, name in sorted(undeclared):
        if kind == "variable":
            out.append(f"--var {name}: no scanned Terraform root module declares variable "
                       f"{name!r}; the value is not used")
            continue
        origin = "--parameter-overrides" if name in options.parameters else (
            f"{options.config.path}: parameter_overrides:")
        out.append(f"{origin} {name}: no scanned CloudFormation template declares parameter "
                   f"{name!r}; the value is not used")
    return out
