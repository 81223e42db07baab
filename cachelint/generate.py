"""``cachelint generate``: write a Terraform module for a caching layer from templates/<layer>/.

Safe by construction: every value that reaches a template is validated (no quotes, ``${``,
``%{`` or newlines can inject HCL), templates use StrictUndefined, files are written atomically
inside ``--out`` only, and an existing file is never overwritten without ``force``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from cachelint import atomic
from cachelint.errors import UserError
from cachelint.layers import LAYERS as REGISTRY
from cachelint.model import API_CACHE_DEFAULT_TTL, API_CACHE_MAX_TTL

if TYPE_CHECKING:
    import jinja2

LAYERS = tuple(REGISTRY)
ENGINES = ("valkey", "redis", "memcached", "serverless")
# The TTL a module caches for when --ttl is not given: API Gateway's own default, and one
# minute for DAX. Only these two layers' modules take a TTL.
DEFAULT_TTL = {"apigateway": API_CACHE_DEFAULT_TTL, "dax": 60}
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")
_SAFE = re.compile(r"^[A-Za-z0-9_.:/*{}@+=, -]{1,256}$")
_TF_ADDRESS = re.compile(r"^(data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+"
                         r"(\[[0-9]+\]|\[\"[A-Za-z0-9_-]+\"\])?$")
CACHE_SIZES = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")


class GenerateError(UserError, ValueError):
    """A value or a path that cachelint refuses to write."""
    usage = True


@dataclass(frozen=True)
class Wiring:
    """What a scan knows about the resources the module is for (from ``--from-scan``)."""

    rest_api: str | None = None      # a Terraform address or an API id
    stage: str | None = None
    routes: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    origin_domain: str | None = None  # the API origin's domain
    s3_bucket: str | None = None     # the Terraform address of the site bucket
    s3_domain: str | None = None     # the site bucket's regional domain name
    http_api: str | None = None
    findings: tuple[str, ...] = ()   # "CL502 examples/x.tf:12" lines, for the README
    left_to_fix: tuple[str, ...] = ()  # defects of existing resources, for `cachelint fix`


@dataclass(frozen=True)
class Options:
    layer: str
    name: str
    ttl: int = API_CACHE_DEFAULT_TTL  # apigateway seconds / dax seconds (DEFAULT_TTL)
    cache_size: str = "0.5"
    cache_keys: tuple[str, ...] = ()
    engine: str = "valkey"
    api_path_pattern: str = "/api/*"
    wiring: Wiring = field(default_factory=Wiring)


def safe_value(value: str, what: str) -> str:
    """A value that goes into HCL: refuse anything that could break out of a string."""
    if not isinstance(value, str) or not _SAFE.match(value) or "${" in value or "%{" in value:
        raise GenerateError(f"{what} {value!r} is not allowed: use letters, digits and "
                            "_ . : / * { } @ + = , - only (no quotes, interpolation or newlines)")
    return value


def validate(options: Options) -> Options:
    if options.layer not in LAYERS:
        raise GenerateError(f"unknown layer {options.layer!r} (choose from {', '.join(LAYERS)})")
    if not _NAME.match(options.name):
        raise GenerateError(f"name {options.name!r} must be 2-40 lowercase letters, digits or "
                            "hyphens, starting with a letter")
    if options.layer == "dax" and len(options.name) > 20:
        raise GenerateError(f"name {options.name!r}: DAX cluster names have at most 20 characters")
    if options.layer == "elasticache" and options.engine != "memcached" and len(options.name) > 30:
        # Member clusters are NAME-0001-001 and RBAC users NAME-default: both within 40.
        raise GenerateError(f"name {options.name!r}: at most 30 characters for --engine "
                            f"{options.engine}")
    if options.layer == "apigateway" and not 1 <= options.ttl <= API_CACHE_MAX_TTL:
        raise GenerateError(f"--ttl {options.ttl}: API Gateway caches 1 to {API_CACHE_MAX_TTL} "
                            "seconds")
    if options.layer == "dax" and not 1 <= options.ttl <= 86400:
        raise GenerateError(f"--ttl {options.ttl}: choose 1 to 86400 seconds for DAX")
    if options.cache_size not in CACHE_SIZES:
        raise GenerateError(f"--cache-size {options.cache_size!r}: one of {', '.join(CACHE_SIZES)}")
    if options.engine not in ENGINES:
        raise GenerateError(f"--engine {options.engine!r}: one of {', '.join(ENGINES)}")
    for key in options.cache_keys:
        if not re.match(r"^method\.request\.(header|querystring|path)\.[A-Za-z0-9_.-]+$", key):
            raise GenerateError(f"--cache-key {key!r}: expected method.request.(header|"
                                "querystring|path).NAME")
    safe_value(options.api_path_pattern, "--api-path-pattern")
    w = options.wiring
    for value in (w.rest_api, w.stage, w.origin_domain, w.http_api, w.s3_bucket, w.s3_domain,
                  *w.routes, *w.tables):
        if value is not None:
            safe_value(value, "a value from the scan")
    return options


def _reference(value: str | None, attribute: str) -> str | None:
    """A Terraform expression for a scanned root-module resource, else None."""
    if value and _TF_ADDRESS.match(value):
        return f"{value}.{attribute}"
    return None


def _api_id(value: str | None) -> str | None:
    """A deployed REST API's id (from a live scan) as a Terraform string."""
    if value and re.match(r"^[a-z0-9]{10}$", value):
        return json.dumps(value)
    return None


def _environment(layer: str) -> jinja2.Environment:
    import jinja2  # only when writing: the CLI imports this module for its defaults

    folder = resources.files("cachelint.templates").joinpath(layer)
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text("utf-8")),
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True)


def template_names(layer: str) -> list[str]:
    folder = resources.files("cachelint.templates").joinpath(layer)
    names = []
    stack = [("", folder)]
    while stack:
        prefix, node = stack.pop()
        for entry in node.iterdir():
            if entry.is_dir():
                stack.append((f"{prefix}{entry.name}/", entry))
            elif entry.name.endswith(".j2"):
                names.append(prefix + entry.name)
    return sorted(names)


def render(options: Options) -> dict[str, str]:
    """Relative path -> file text for the module and its example."""
    options = validate(options)
    env = _environment(options.layer)
    w = options.wiring
    context: dict[str, Any] = {
        "name": options.name, "ttl": options.ttl, "cache_size": options.cache_size,
        "cache_keys": list(options.cache_keys), "engine": options.engine,
        "api_path_pattern": options.api_path_pattern,
        "wiring": w, "findings": list(w.findings),
        "rest_api_ref": _reference(w.rest_api, "id") or _api_id(w.rest_api),
        "rest_api_name_ref": _reference(w.rest_api, "name"),
        "http_api_endpoint_ref": _reference(w.http_api, "api_endpoint"),
        "stage_ref": _reference(w.stage, "stage_name"),
        "bucket_ref": _reference(w.s3_bucket, "id"),
        "bucket_domain_ref": _reference(w.s3_bucket, "bucket_regional_domain_name"),
        "tables": list(w.tables), "routes": list(w.routes), "left_to_fix": list(w.left_to_fix),
        "json": json.dumps,
    }
    names = template_names(options.layer)
    files = {name[:-3]: env.get_template(name).render(**context)
             for name in names if not name.endswith(".md.j2")}
    # The README's tables are read from the module itself, so they cannot drift from it.
    context["inputs_table"] = _inputs_table(files.get("variables.tf", ""))
    context["outputs_table"] = _outputs_table(files.get("outputs.tf", ""))
    files.update({name[:-3]: env.get_template(name).render(**context)
                  for name in names if name.endswith(".md.j2")})
    return files


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _literal(expr: Any) -> str:
    from cachelint.loaders.terraform.evaluate import evaluate
    from cachelint.values import is_known

    class _NoNames:
        def lookup(self, name: str) -> Any:
            from cachelint.values import UNKNOWN
            return UNKNOWN

    value = evaluate(expr, _NoNames())
    if not is_known(value):
        return "computed"
    return "`" + json.dumps(value) + "`"


def _inputs_table(text: str) -> str:
    from cachelint.loaders.terraform.hcl import parse_hcl

    rows = ["| name | description | default |", "|---|---|---|"]
    for block in parse_hcl(text, "variables.tf").body.blocks_of("variable"):
        attrs = block.body.attributes
        description = attrs["description"].expr.value if "description" in attrs else ""
        default = _literal(attrs["default"].expr) if "default" in attrs else "required"
        rows.append(f"| `{block.labels[0]}` | {_cell(description)} | {_cell(default)} |")
    return "\n".join(rows)


def _outputs_table(text: str) -> str:
    from cachelint.loaders.terraform.hcl import parse_hcl

    rows = ["| name | description |", "|---|---|"]
    for block in parse_hcl(text, "outputs.tf").body.blocks_of("output"):
        attrs = block.body.attributes
        description = attrs["description"].expr.value if "description" in attrs else ""
        rows.append(f"| `{block.labels[0]}` | {_cell(description)} |")
    return "\n".join(rows)


def write(files: dict[str, str], out: str, force: bool = False) -> list[str]:
    """Write files under ``out`` atomically; refuse to escape it or to overwrite a file that
    differs. A file that already holds exactly this text is left as it is, so that writing
    the same modules again (``scan --generate`` in every CI run) succeeds."""
    root = os.path.realpath(out)
    targets = []
    for rel in files:
        target = os.path.realpath(os.path.join(root, rel))
        if os.path.commonpath([root, target]) != root:
            raise GenerateError(f"{rel}: would be written outside {out}")
        if os.path.exists(target) and not force:
            if _holds(target, files[rel]):
                continue
            raise GenerateError(f"{os.path.join(out, rel)} exists; use --force to overwrite it "
                                "(it differs from what would be written)")
        targets.append((rel, target))
    # atomic.write_text's temporary file is 0600; a module is source code the team shares, so
    # it gets the mode any editor would give it: the process umask, or the mode of the file
    # it replaces under --force.
    mask = os.umask(0o022)
    os.umask(mask)
    written = []
    for rel, target in targets:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        mode = (os.stat(target).st_mode & 0o7777) if os.path.exists(target) else 0o666 & ~mask
        atomic.write_text(target, files[rel])
        os.chmod(target, mode)
        written.append(os.path.join(out, rel))
    return written


def _holds(path: str, text: str) -> bool:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read() == text
    except (OSError, UnicodeDecodeError):
        return False


# --- from a scan ---------------------------------------------------------------------------------

def _where(location: dict) -> str:
    """``file:line``, or a deployed resource's ARN (line 0)."""
    if not location.get("start_line"):
        return location["path"]
    return f"{location['path']}:{location['start_line']}"


# A finding proposes a new module only when its category says a layer is missing; every other
# category is a defect of a cache that exists, which `cachelint fix` edits in place (a second
# cluster next to a misconfigured one would double the bill and leave the defect).
_PROPOSES = "uncached-hot-read"
# Context keys that name what a finding is about, for matching a "do not cache" finding.
_SUBJECTS = ("tables", "route", "table")


def _subjects(finding: dict) -> set[str]:
    out = set()
    for key in _SUBJECTS:
        value = (finding.get("context") or {}).get(key)
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str):
                out.add(f"{key.rstrip('s')}:{v}")
    return out


def _fix_note(finding: dict) -> str:
    from cachelint.catalogue import find_rule

    rule = find_rule(str(finding["rule_id"]))
    fix = rule.fix if rule is not None else None  # an id unknown to this version: no claim
    how = "no automatic fix"
    if isinstance(fix, dict):
        how = "safe fix" if fix.get("safe") else "fix with --unsafe-fixes"
    return f"{finding['rule_id']} {_where(finding['location'])} ({how})"


def plans_from_report(report: dict) -> list[Options]:
    """One module per layer that the findings say is missing, wired to the resources they are
    about; never a layer for what a finding says must not be cached (a global or strongly
    consistent table, a route declared strongly consistent)."""
    findings = [f for f in report.get("findings", []) if isinstance(f, dict)
                and isinstance(f.get("location"), dict) and "rule_id" in f]
    refused = set().union(*(_subjects(f) for f in findings
                            if f.get("recommended_layer") == "none")) if findings else set()
    by_layer: dict[str, list[dict]] = {}
    for f in findings:
        layer = f.get("recommended_layer")
        if layer in LAYERS and f.get("category") == _PROPOSES:
            subjects = _subjects(f)
            if subjects and subjects <= refused:
                continue
            by_layer.setdefault(layer, []).append(f)
    plans = []
    for layer, proposing in sorted(by_layer.items()):
        ctx: dict[str, list] = {}
        for f in proposing:
            for key, value in (f.get("context") or {}).items():
                values = value if isinstance(value, list) else [value]
                for v in values:
                    if isinstance(v, str) and v not in ctx.setdefault(key, []):
                        ctx[key].append(v)
        tables = tuple(t for t in ctx.get("tables", ()) if f"table:{t}" not in refused)
        routes = tuple(r for r in ctx.get("route", ()) if f"route:{r}" not in refused)
        if layer == "dax" and not tables:
            continue
        first = {k: v[0] for k, v in ctx.items() if v}
        fixable = tuple(dict.fromkeys(
            _fix_note(f) for f in findings
            if f.get("layer") in (layer, "any") and f.get("category") != _PROPOSES))
        wiring = Wiring(
            rest_api=first.get("rest_api"), stage=first.get("stage"),
            routes=routes, tables=tables,
            origin_domain=first.get("api_origin_domain"), http_api=first.get("http_api"),
            s3_bucket=first.get("s3_bucket"), s3_domain=first.get("s3_domain"),
            findings=tuple(f"{f['rule_id']} {_where(f['location'])}" for f in proposing),
            left_to_fix=fixable)
        plans.append(Options(layer=layer, name=f"{layer}-cache", wiring=wiring))
    return plans
