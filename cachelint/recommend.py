"""Which cache, for which workload, and why: the decision table, over the scanned inventory
and its evidence (CloudWatch from a live scan, access logs from --traffic).

| workload | layer | set-up | code change |
|---|---|---|---|
| must be strongly consistent (declared) | no cache | - | - |
| API GET responses with a limited set of request values | API Gateway stage cache | low | none |
| HTTP API (v2) routes, which cannot cache | CloudFront in front | medium | none |
| static resources read across users | CloudFront | medium | medium (versioned names) |
| DynamoDB reads, read-heavy | DAX | low | client swap |
| too many request values for a response cache; general purpose or expensive SQL | ElastiCache | high | yes |

The simplest layer that fits wins: API Gateway's cache, then DAX, before ElastiCache.

Where the layer exists (a stage with a cache cluster, a distribution, a DAX cluster), the advice
is what to change in it, in the words of the source it was read from; where it does not, the
`cachelint generate` command that writes it: one per module (one per REST API stage, per HTTP
API, per distribution, per table), with distinct names. `cachelint generate` writes Terraform:
for a CloudFormation/SAM template the advice is what to add to the template instead.
"""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, replace

from cachelint.checks.code import table_readers
from cachelint.checks.workload import cdn_fronted, declared
from cachelint.engine import Context
from cachelint.config import Config
from cachelint.model import (
    API_CACHE_DEFAULT_TTL, API_CACHE_MAX_TTL, ApiMethod, ApiStage, CacheBehavior, DaxCluster,
    DynamoTable, HttpApi, Inventory, Resource,
)
from cachelint.traffic.replay import smallest_ttl

SETUP = {"apigateway": ("low", "none"), "cloudfront": ("medium", "none for an API; "
                                                       "versioned file names for a site"),
         "dax": ("low", "client swap (DAX SDK client)"),
         "elasticache": ("high", "yes: read-through code, keys and TTLs"),
         "none": ("-", "-")}


@dataclass(frozen=True)
class Recommendation:
    workload: str
    address: str
    layer: str  # apigateway, cloudfront, dax, elasticache or none
    why: str
    setup: str
    code_change: str
    command: str | None  # the `cachelint generate` command that writes the layer
    in_place: bool = False  # the layer is already configured for it
    change: str | None = None  # what to change where the layer exists, or in a template

    def as_dict(self) -> dict:
        return asdict(self)


def _rec(workload: str, address: str, layer: str, why: str, command: str | None = None,
         in_place: bool = False, change: str | None = None) -> Recommendation:
    setup, code = SETUP[layer]
    return Recommendation(workload, address, layer, why, setup, code, command, in_place, change)


def _lines(where: list[str]) -> str:
    return ", ".join(where[:5]) + (f" and {len(where) - 5} more" if len(where) > 5 else "")


def _name(text: str) -> str:
    """A short module name from a Terraform address, logical id, ARN or name."""
    text = text.rsplit("/", 1)[-1]
    parts = [p for p in text.split(".") if p not in ("module", "this", "main", "default")
             and not p.startswith("aws_")]
    text = parts[-1] if parts else text
    out = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
    return "-".join(p for p in out.split("-") if p)[:40] or "cache"


def _strong(config: Config, res, *candidates) -> bool:
    return declared(res, config.strongly_consistent, "strongly-consistent", *candidates) \
        is not None


def dialect(res: Resource) -> str:
    """The source's own vocabulary: "terraform", "cloudformation" or "aws" (deployed)."""
    if res.source.location.is_resource:
        return "aws"
    return "cloudformation" if res.source.type.startswith(("AWS::", "Alexa::", "Custom::")) \
        else "terraform"


TERRAFORM_ONLY = ("`cachelint generate` writes Terraform modules, and this workload is in a "
                  "CloudFormation template")


def _template_only(what: str) -> str:
    return f"{TERRAFORM_ONLY}: add {what} to the template"


class _Modules:
    """One `cachelint generate` command per module target, each with its own name."""

    def __init__(self) -> None:
        self.names: dict[tuple, str] = {}

    def name(self, target: tuple, wanted: str) -> str:
        if target not in self.names:
            taken = set(self.names.values())
            name, n = wanted, 2
            while name in taken:
                name, n = f"{wanted}-{n}", n + 1
            self.names[target] = name
        return self.names[target]


class _ApiWords:
    """How each source names a method's cache settings."""

    def __init__(self, m: ApiMethod):
        self.kind = dialect(m)
        self.assign = ": " if self.kind == "cloudformation" else " = "
        path = str(m.resource_path)
        method_path = f"{path.strip('/')}/{m.http_method}"
        if self.kind == "cloudformation":
            # AWS: "/resource/subresource must be encoded as /~1resource~1subresource".
            escaped = "/" + ("/" + path.strip("/")).replace("/", "~1")
            self.settings = (f"the stage's MethodSettings entry ResourcePath \"{escaped}\", "
                             f"HttpMethod {m.http_method}")
            self.enabled, self.ttl = "CachingEnabled", "CacheTtlInSeconds"
            self.keys = ("the Api event's RequestParameters (with Caching: true)"
                         if m.source.type == "AWS::Serverless::Function" else
                         "the integration's CacheKeyParameters (and the method's "
                         "RequestParameters)")
        elif self.kind == "aws":
            self.settings = f"the stage's method settings \"{method_path}\""
            self.enabled, self.ttl = "caching enabled", "cache TTL"
            self.keys = ("the integration's cache key parameters (and the method's request "
                         "parameters)")
        else:
            self.settings = f"aws_api_gateway_method_settings with method_path = \"{method_path}\""
            self.enabled, self.ttl = "caching_enabled", "cache_ttl_in_seconds"
            self.keys = ("the integration's cache_key_parameters (and the method's "
                         "request_parameters)")
        self.method_path = method_path


def _api_change(m: ApiMethod, ttl: int, keys: list[str]) -> str:
    """What to change on a stage that already has a cache for ``m`` to cache as advised."""
    words = _ApiWords(m)
    changes = []
    current = m.ttl if m.ttl is not None else API_CACHE_DEFAULT_TTL if m.caching_enabled is True \
        else None
    if m.caching_enabled is not True or current != ttl:
        now = f" (now {current} s)" if m.caching_enabled is True and current is not None \
            else " (now not cached)" if m.caching_enabled is False or current == 0 else ""
        changes.append(f"in {words.settings}, set {words.enabled}{words.assign}true and "
                       f"{words.ttl}{words.assign}{ttl}{now}")
    present = set(m.cache_key_parameters) if isinstance(m.cache_key_parameters,
                                                        (list, tuple)) else set()
    missing = [k for k in keys if k not in present]
    if missing:
        changes.append(f"add {', '.join(missing)} to {words.keys}")
    return "; ".join(changes) or "nothing, it is cached as advised"


def _api_template(m: ApiMethod, stage: ApiStage | None, ttl: int, keys: list[str]) -> str:
    """What to add to a template whose stage has no cache for ``m``."""
    words = _ApiWords(m)
    where = f"stage {m.stage}" + (f" ({stage.source.address})" if stage is not None else "")
    out = (f"{TERRAFORM_ONLY}: on {where} set CacheClusterEnabled: true and CacheClusterSize: "
           f"\"0.5\", and add {words.settings} with CachingEnabled: true, CacheTtlInSeconds: "
           f"{ttl} and CacheDataEncrypted: true")
    if keys:
        out += f"; add {', '.join(keys)} to {words.keys}"
    return out


def recommend(inventory: Inventory, config: Config = Config(), target: float = 0.5
              ) -> list[Recommendation]:
    # What callers deploy: a module folder checked alone (its defaults) is not a workload.
    inventory = inventory.deployed()
    out: list[Recommendation] = []
    modules = _Modules()
    stages = {(s.api, s.name): s for s in inventory.of(ApiStage)}
    # REST API methods whose stage has no cache: one module per stage, written after the loop.
    pending: dict[tuple, list] = {}
    seen: set = set()
    for m in inventory.of(ApiMethod):
        if m.http_method != "GET" or not isinstance(m.resource_path, str):
            continue
        key = (m.api, m.stage, m.route)
        if key in seen:
            continue
        seen.add(key)
        what = f"{m.route} (REST API {m.api}, stage {m.stage})"
        words = _ApiWords(m)
        if _strong(config, m, m.route, m.resource_path):
            change = (f"turn caching off: in {words.settings}, set "
                      f"{words.enabled}{words.assign}false"
                      if m.caching_enabled is True else
                      "nothing, it is not cached" if m.caching_enabled is False
                      else None)
            out.append(_rec(what, m.source.address, "none",
                            "declared strongly consistent: every layer would serve stale "
                            "responses until the TTL expires", change=change))
            continue
        e = inventory.evidence.get(m.source.address)
        ttl = API_CACHE_DEFAULT_TTL
        why = "a GET response; API Gateway caches it per request value"
        bound = config.max_ttl(m.route, m.resource_path)
        caller = declared(m, config.per_caller, "per-caller", m.route, m.resource_path)
        # Keyed per caller, a response is shared by one caller's requests only: a log that does
        # not show who called cannot size the TTL (as `cachelint traffic` says too).
        per_caller = bool(m.authorizer_identity_sources) or caller is not None
        if e is not None and e.replays and per_caller:
            why += ("; keyed per caller, and the log does not show who called, so replaying "
                    "it cannot size the TTL")
            if bound is not None and bound < ttl:
                ttl = int(bound)
                why += f"; TTL {ttl} s, its declared freshness"
            else:
                why += f"; TTL {ttl} s, API Gateway's default"
        elif e is not None and e.replays:
            best = smallest_ttl(e.replays, target,
                                max_ttl=min(API_CACHE_MAX_TTL, bound or API_CACHE_MAX_TTL))
            if best is None and bound is not None and bound < API_CACHE_MAX_TTL:
                ttl = int(bound)
                why = (f"no TTL within its declared freshness ({bound:g} s) reaches a "
                       f"{target:.0%} hit ratio over {e.distinct_keys:,} distinct request "
                       f"values in {e.basis}; a {bound:g} s cache still bounds the backend to "
                       f"{e.distinct_keys:,} calls per {bound:g} s")
            elif best is None:
                name = modules.name(("elasticache", m.api), f"{_name(m.api)}-data")
                command = None if words.kind == "cloudformation" else \
                    f"cachelint generate --layer elasticache --name {name}"
                out.append(_rec(
                    what, m.source.address, "elasticache",
                    f"{e.distinct_keys:,} distinct request values in {e.basis}: no TTL up to "
                    f"{API_CACHE_MAX_TTL} s reaches a {target:.0%} hit ratio, so a response "
                    "cache would mostly miss; cache the expensive part of the work instead",
                    command, change=_template_only("an AWS::ElastiCache::ReplicationGroup")
                    if command is None else None))
                continue
            else:
                ttl = int(best.ttl)
                values = "value" if e.distinct_keys == 1 else "values"
                why = (f"{e.distinct_keys:,} distinct request {values} in {e.basis}; replaying "
                       f"them, a {ttl} s TTL reaches a {best.hit_ratio:.0%} hit ratio")
        elif bound is not None and bound < ttl:
            ttl = int(bound)
            why += f"; TTL {ttl} s, its declared freshness"
        keys = list(m.cache_key_parameters) if isinstance(m.cache_key_parameters,
                                                          (list, tuple)) else []
        keys += [i for i in m.authorizer_identity_sources if i not in keys]
        if m.authorizer_identity_sources:
            why += "; the caller's identity goes into the cache key"
        elif caller:
            why += (f"; declared per caller ({caller}): its cache key must carry the "
                    "caller's identity, which this scan cannot name")
        stage = stages.get((m.api, m.stage))
        if stage is not None and stage.cache_cluster_enabled is True:
            out.append(_rec(what, m.source.address, "apigateway", why, in_place=True,
                            change=_api_change(m, ttl, keys)))
        elif words.kind == "cloudformation":
            out.append(_rec(what, m.source.address, "apigateway", why,
                            change=_api_template(m, stage, ttl, keys)))
        else:
            pending.setdefault((m.api, m.stage), []).append((len(out), m, ttl, keys))
            out.append(_rec(what, m.source.address, "apigateway", why))
    for (api, stage_name), methods in pending.items():
        # One stage cache module: the shortest TTL stage-wide, longer ones per method.
        stage_ttl = min(ttl for _, _, ttl, _ in methods)
        keys = list(dict.fromkeys(k for *_, ks in methods for k in ks))
        name = modules.name(("apigateway", api, stage_name), f"{_name(api)}-cache")
        command = (f"cachelint generate --layer apigateway --name {name} --ttl {stage_ttl}"
                   + "".join(f" --cache-key {shlex.quote(k)}" for k in keys))
        stage = stages.get((api, stage_name))
        for n, (index, m, ttl, method_keys) in enumerate(methods):
            changes = []
            if n == 0 and stage is not None and not stage.source.location.is_resource:
                # The module is a stage with its cache: it takes the place of the one written.
                changes.append(f"the module is stage {stage_name} with its cache: it replaces "
                               f"{stage.source.address}")
            if ttl != stage_ttl:
                changes.append(f"in the module, set method_overrides[\"{_ApiWords(m).method_path}"
                               f"\"] = {{ ttl = {ttl} }}")
            if method_keys:
                changes.append(f"key GET {m.resource_path} on {', '.join(method_keys)} (its "
                               "integration's cache_key_parameters)")
            out[index] = replace(out[index], command=command,
                                 change="; ".join(changes) or None)
    fronted = cdn_fronted(inventory)
    for api in inventory.of(HttpApi):
        what = f"HTTP API {api.name or api.source.address}"
        in_place = api.source.address in fronted
        name = modules.name(("cloudfront", api.source.address),
                            f"{_name(str(api.name or 'api'))}-cdn")
        command = change = None
        if in_place:
            change = "nothing, a CloudFront distribution in this scan uses it as an " \
                     "origin"
        elif dialect(api) == "cloudformation":
            change = _template_only("an AWS::CloudFront::Distribution with the API as its "
                                    "origin")
        else:
            command = (f"cachelint generate --layer cloudfront --name {name} "
                       "--api-path-pattern '/*'")
        out.append(_rec(what, api.source.address, "cloudfront",
                        "HTTP APIs (v2) have no response cache: a CloudFront distribution in "
                        "front caches its GET routes", command, in_place=in_place,
                        change=change))
    for b in inventory.of(CacheBehavior):
        if b.serves_static is not True:
            continue
        what = f"CloudFront path {b.path_pattern} ({b.distribution})"
        if b.caching_disabled is False:
            change = "nothing, it caches"
        else:
            field = {"cloudformation": "CachePolicyId", "aws": "cache policy"}.get(
                dialect(b), "cache_policy_id")
            change = (f"in behaviour {b.path_pattern}, set {field} to a policy with long TTLs "
                      "and no cookies, headers or query strings in the key (the managed "
                      "CachingOptimized policy) instead of caching disabled")
        # The distribution exists: the advice is to change it, not to write another one.
        out.append(_rec(what, b.source.address, "cloudfront",
                        "static resources read across users: cache them at the edge with a "
                        "long TTL and a minimal cache key", in_place=True, change=change))
    cached = {t.name: c for c in inventory.of(DaxCluster) for t in c.tables}
    for t in inventory.of(DynamoTable):
        what = f"DynamoDB table {t.name}"
        if _strong(config, t, t.name, t.source.address):
            out.append(_rec(what, t.source.address, "none",
                            "declared strongly consistent: read it with ConsistentRead, "
                            "which DAX passes through to DynamoDB"))
            continue
        if t.global_table is True:
            out.append(_rec(what, t.source.address, "none",
                            "a global table: DAX does not see writes replicated from other "
                            "Regions, so it would serve stale items"))
            continue
        e = inventory.evidence.get(t.source.address)
        hot = declared(t, config.hot, "hot", t.name, t.source.address) is not None
        if e is not None and e.read_units is not None and e.write_units is not None:
            reads, writes = e.rate(e.read_units) or 0, e.rate(e.write_units) or 0
            if writes >= reads:
                out.append(_rec(what, t.source.address, "none",
                                f"write-heavy ({writes:,.0f} write vs {reads:,.0f} read units/s,"
                                f" {e.basis}): DAX only speeds up reads"))
                continue
            why = (f"read-heavy ({reads:,.0f} read vs {writes:,.0f} write units/s, "
                   f"{e.basis})")
        elif hot:
            why = "declared hot"
        else:
            continue
        command = change = None
        # Code evidence: the reads that must swap the DynamoDB client for the DAX client.
        plain = table_readers(Context(inventory, config), t, "dynamodb")
        swap = (f"; swap the DynamoDB client for the DAX client at {_lines(plain)}"
                if plain else "")
        if t.name in cached:
            change = (f"nothing, DAX cluster {cached[t.name].name} caches it; read "
                      f"through the DAX client{swap}")
        elif dialect(t) == "cloudformation":
            change = _template_only(f"an AWS::DAX::Cluster whose role can read {t.name}")
        else:
            name = modules.name(("dax", t.source.address), f"{_name(str(t.name))}-dax")
            command = f"cachelint generate --layer dax --name {name}"
        out.append(_rec(what, t.source.address, "dax",
                        f"{why}: DAX serves repeated reads from memory; the application swaps "
                        "its DynamoDB client for the DAX client"
                        + (f" (reads at {_lines(plain)})" if plain and t.name not in cached
                           else ""), command, in_place=t.name in cached, change=change))
    return out


def render_text(recs: list[Recommendation]) -> str:
    if not recs:
        return "No workload to recommend a cache for (no GET method, HTTP API, static " \
               "behaviour, or DynamoDB table with evidence of reads).\n"
    names = {"apigateway": "API Gateway stage cache", "cloudfront": "CloudFront",
             "dax": "DAX", "elasticache": "ElastiCache", "none": "no cache"}
    lines = []
    first: dict[str, str] = {}  # command -> the workload it was printed under
    for r in recs:
        state = " (in place)" if r.in_place else ""
        lines.append(f"{r.workload}\n  -> {names[r.layer]}{state}: {r.why}")
        if r.layer != "none":
            lines.append(f"     set-up {r.setup}, code change: {r.code_change}")
        if r.change:
            lines.append(f"     to do: {r.change}")
        if r.command and r.command in first:
            lines.append(f"     written by the same command as {first[r.command]} (above)")
        elif r.command:
            first[r.command] = r.workload.split(" (")[0]
            lines.append(f"     {r.command}")
    return "\n".join(lines) + "\n"
