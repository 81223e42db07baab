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
"""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass

from cachelint.checks.workload import cdn_fronted, declared
from cachelint.config import Config
from cachelint.model import (
    ApiMethod, CacheBehavior, DaxCluster, DynamoTable, HttpApi, Inventory,
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
    command: str | None
    in_place: bool = False  # the layer is already configured for it

    def as_dict(self) -> dict:
        return asdict(self)


def _rec(workload: str, address: str, layer: str, why: str, command: str | None = None,
         in_place: bool = False) -> Recommendation:
    setup, change = SETUP[layer]
    return Recommendation(workload, address, layer, why, setup, change, command, in_place)


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


def recommend(inventory: Inventory, config: Config = Config(), target: float = 0.5
              ) -> list[Recommendation]:
    # What callers deploy: a module folder checked alone (its defaults) is not a workload.
    inventory = inventory.deployed()
    out: list[Recommendation] = []
    seen: set = set()
    for m in inventory.of(ApiMethod):
        if m.http_method != "GET" or not isinstance(m.resource_path, str):
            continue
        key = (m.api, m.stage, m.route)
        if key in seen:
            continue
        seen.add(key)
        what = f"{m.route} (REST API {m.api}, stage {m.stage})"
        if _strong(config, m, m.route, m.resource_path):
            out.append(_rec(what, m.source.address, "none",
                            "declared strongly consistent: every layer would serve stale "
                            "responses until the TTL expires"))
            continue
        e = inventory.evidence.get(m.source.address)
        ttl = 300
        why = "a GET response; API Gateway caches it per request value"
        bound = config.max_ttl(m.route, m.resource_path)
        if e is not None and e.replays:
            best = smallest_ttl(e.replays, target, max_ttl=min(3600, bound or 3600))
            if best is None and bound is not None and bound < 3600:
                out.append(_rec(
                    what, m.source.address, "apigateway",
                    f"no TTL within its declared freshness ({bound:g} s) reaches a "
                    f"{target:.0%} hit ratio over {e.distinct_keys:,} distinct request values "
                    f"in {e.basis}; a {bound:g} s cache still bounds the backend to "
                    f"{e.distinct_keys:,} calls per {bound:g} s",
                    f"cachelint generate --layer apigateway --name {_name(m.api)}-cache "
                    f"--ttl {int(bound)}", in_place=m.caching_enabled is True))
                continue
            if best is None:
                out.append(_rec(
                    what, m.source.address, "elasticache",
                    f"{e.distinct_keys:,} distinct request values in {e.basis}: no TTL up to "
                    f"3600 s reaches a {target:.0%} hit ratio, so a response cache would "
                    "mostly miss; cache the expensive part of the work instead",
                    f"cachelint generate --layer elasticache --name {_name(m.api)}-data"))
                continue
            ttl = int(best.ttl)
            values = "value" if e.distinct_keys == 1 else "values"
            why = (f"{e.distinct_keys:,} distinct request {values} in {e.basis}; replaying "
                   f"them, a {ttl} s TTL reaches a {best.hit_ratio:.0%} hit ratio")
            if m.authorizer_identity_sources:
                why += (" (the log does not show who called: keyed per caller, the hit ratio "
                        "is lower)")
        elif bound is not None and bound < ttl:
            ttl = int(bound)
            why += f"; TTL {ttl} s, its declared freshness"
        keys = list(m.cache_key_parameters) if isinstance(m.cache_key_parameters,
                                                          (list, tuple)) else []
        keys += [i for i in m.authorizer_identity_sources if i not in keys]
        if m.authorizer_identity_sources:
            why += "; the caller's identity goes into the cache key"
        command = (f"cachelint generate --layer apigateway --name {_name(m.api)}-cache "
                   f"--ttl {ttl}" + "".join(f" --cache-key {shlex.quote(k)}" for k in keys))
        keyed = set(m.authorizer_identity_sources) <= set(
            m.cache_key_parameters if isinstance(m.cache_key_parameters, (list, tuple)) else ())
        out.append(_rec(what, m.source.address, "apigateway", why, command,
                        in_place=m.caching_enabled is True and keyed))
    fronted = cdn_fronted(inventory)
    for api in inventory.of(HttpApi):
        what = f"HTTP API {api.name or api.source.address}"
        out.append(_rec(what, api.source.address, "cloudfront",
                        "HTTP APIs (v2) have no response cache: a CloudFront distribution in "
                        "front caches its GET routes",
                        f"cachelint generate --layer cloudfront --name "
                        f"{_name(str(api.name or 'api'))}-cdn --api-path-pattern '/*'",
                        in_place=api.source.address in fronted))
    for b in inventory.of(CacheBehavior):
        if b.serves_static is not True:
            continue
        what = f"CloudFront path {b.path_pattern} ({b.distribution})"
        out.append(_rec(what, b.source.address, "cloudfront",
                        "static resources read across users: cache them at the edge with a "
                        "long TTL and a minimal cache key",
                        None if b.caching_disabled is False else
                        f"cachelint generate --layer cloudfront --name "
                        f"{_name(str(b.distribution))}-cdn",
                        in_place=b.caching_disabled is False))
    cached = {t.name for c in inventory.of(DaxCluster) for t in c.tables}
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
        out.append(_rec(what, t.source.address, "dax",
                        f"{why}: DAX serves repeated reads from memory; the application swaps "
                        "its DynamoDB client for the DAX client",
                        f"cachelint generate --layer dax --name {_name(str(t.name))}-dax",
                        in_place=t.name in cached))
    return out


def render_text(recs: list[Recommendation]) -> str:
    if not recs:
        return "No workload to recommend a cache for (no GET method, HTTP API, static " \
               "behaviour, or DynamoDB table with evidence of reads).\n"
    names = {"apigateway": "API Gateway stage cache", "cloudfront": "CloudFront",
             "dax": "DAX", "elasticache": "ElastiCache", "none": "no cache"}
    lines = []
    for r in recs:
        state = " (in place)" if r.in_place else ""
        lines.append(f"{r.workload}\n  -> {names[r.layer]}{state}: {r.why}")
        if r.layer != "none":
            lines.append(f"     set-up {r.setup}, code change: {r.code_change}")
        if r.command and not r.in_place:
            lines.append(f"     {r.command}")
    return "\n".join(lines) + "\n"
