"""Checks over what the user declared of a workload (strongly consistent, hot), across layers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cachelint.checks.code_consistency import strong_reads_behind
from cachelint.config import matches
from cachelint.engine import Context, Hit
from cachelint.model import (
    API_CACHE_DEFAULT_TTL, API_CACHE_MAX_TTL, ApiMethod, ApiStage, CacheBehavior, DaxCluster,
    HttpApi, Inventory, Resource,
)
from cachelint.values import UNKNOWN


def declared(res: Resource, patterns: tuple[str, ...], mark: str, *candidates: Any
             ) -> str | None:
    """Why ``res`` counts as declared (``mark``), or None."""
    if mark in res.source.annotations:
        return f"'cachelint: {mark}' on {res.source.address}"
    for cand in candidates:
        if matches(patterns, cand):
            return f"config matches {cand!r}"
    return None


def _method_candidates(m: ApiMethod) -> tuple:
    path = m.resource_path if isinstance(m.resource_path, str) else None
    return (m.route if path else None, path, m.source.address.split("@")[0])


def _behavior_candidates(b: CacheBehavior) -> tuple:
    path = b.path_pattern if isinstance(b.path_pattern, str) else None
    norm = "/" + path.lstrip("/") if path else None
    return (path, norm, f"GET {norm}" if norm else None, b.distribution, b.source.address)


def _behavior_caches(b: CacheBehavior) -> Any:
    ttls = (b.min_ttl, b.default_ttl)
    if any(t is UNKNOWN for t in ttls):
        return UNKNOWN
    return any((t or 0) > 0 for t in ttls)


def strongly_consistent_cached(ctx: Context) -> Iterator[Hit]:
    patterns = ctx.config.strongly_consistent
    mark = "strongly-consistent"
    inv = ctx.inventory
    for m in inv.of(ApiMethod):
        # Declared by the user, or asked for by the integration itself (cachelint.consistency).
        why, asked = declared(m, patterns, mark, *_method_candidates(m)), "declared"
        if not why and isinstance(m.consistent_read, str):
            where = m.source.fields.get("consistent_read")
            why, asked = m.consistent_read, "asked to be"
            if where is not None and where.start_line:
                setting = m.source.fields.get("caching_enabled")
                same = setting is not None and setting.path == where.path
                why += f", line {where.start_line}" if same else \
                    f", {where.path}:{where.start_line}"
        if not why and m.caching_enabled is True and ctx.inventory.code:
            why, asked = strong_reads_behind(ctx, m), "asked to be"
        if why and m.caching_enabled is True:
            ttl = m.ttl if m.ttl is not None else API_CACHE_DEFAULT_TTL
            yield Hit(m, "caching_enabled", {
                "what": f"{m.route}", "why": why, "asked": asked,
                "how": f"API Gateway stage {m.stage} caches it for {ttl} s"})
    for b in inv.of(CacheBehavior):
        why = declared(b, patterns, mark, *_behavior_candidates(b))
        if why and _behavior_caches(b) is True:
            yield Hit(b, "default_ttl" if b.min_ttl == 0 else "min_ttl", {
                "what": f"CloudFront path {b.path_pattern}", "why": why, "asked": "declared",
                "how": f"its behaviour caches with min/default TTL {b.min_ttl}/{b.default_ttl} s"})
    for c in inv.of(DaxCluster):
        for table in c.tables:
            why = declared(table, patterns, mark, table.source.address, table.name)
            if why:
                yield Hit(c, "tables", {
                    "what": f"DynamoDB table {table.name}", "why": why, "asked": "declared",
                    "how": f"DAX cluster {c.name} caches its reads"})


def _measured_hot(ctx: Context, res: Resource) -> str | None:
    """Why ``res`` counts as hot by its measured traffic (CloudWatch, logs), or None."""
    e = ctx.inventory.evidence.get(res.source.address)
    rate = e.requests_per_second if e is not None else None
    if rate is None or rate < ctx.config.threshold("hot_requests_per_second"):
        return None
    slow = f", backend latency {e.integration_latency_ms:,.0f} ms on average" \
        if e.integration_latency_ms else ""
    return f"measured {rate:,.1f} requests/s, {e.requests:,.0f} in {e.basis}{slow}"


def _measured_route(ctx: Context, address: str) -> str | None:
    e = ctx.inventory.evidence.get(address)
    rate = e.requests_per_second if e is not None else None
    if rate is None or rate < ctx.config.threshold("hot_requests_per_second"):
        return None
    return f"measured {rate:,.1f} requests/s, {e.requests:,.0f} in {e.basis}"


def _hot(ctx: Context, res: Resource, *candidates: Any) -> str | None:
    why = declared(res, ctx.config.hot, "hot", *candidates)
    return f"declared: {why}" if why else _measured_hot(ctx, res)


def uncached_hot_read(ctx: Context) -> Iterator[Hit]:
    inv = ctx.inventory
    for m in inv.of(ApiMethod):
        if m.http_method != "GET":
            continue
        why = _hot(ctx, m, *_method_candidates(m))
        if why and m.caching_enabled is False:
            yield Hit(m, "caching_enabled", {
                "what": m.route, "why": why,
                "how": f"stage {m.stage} does not cache it"})
    for b in inv.of(CacheBehavior):
        why = _hot(ctx, b, *_behavior_candidates(b))
        if why and b.caching_disabled is True:
            yield Hit(b, "max_ttl", {
                "what": f"CloudFront path {b.path_pattern}", "why": why,
                "how": "its behaviour has caching disabled"})


def cdn_fronted(inv: Inventory) -> set[str]:
    """Addresses of the resources (HTTP APIs...) some CloudFront origin takes its domain from."""
    return {ref for b in inv.of(CacheBehavior) if b.origin is not None
            for ref in b.origin.references}


def hot_http_api_without_cdn(ctx: Context) -> Iterator[Hit]:
    inv = ctx.inventory
    fronted = cdn_fronted(inv)
    for api in inv.of(HttpApi):
        if api.source.address in fronted:
            continue
        why = _hot(ctx, api, api.source.address, api.name, *api.routes)
        if why:
            yield Hit(api, None, {"what": api.name or api.source.address, "why": why})
            continue
        for route in api.routes:  # per-route figures (detailed metrics): the hot routes
            measured = _measured_route(ctx, f"{api.source.address}#route/{route}")
            if measured:
                yield Hit(api, None, {"what": f"{api.name or api.source.address} route {route}",
                                      "why": measured})


def cache_low_hit_ratio(ctx: Context) -> Iterator[Hit]:
    """A cache that is on and busy but whose measured hits are a small share of lookups."""
    minimum = ctx.config.threshold("min_cache_hit_ratio")
    lookups_needed = ctx.config.threshold("min_cache_lookups")
    inv = ctx.inventory
    for stage in inv.of(ApiStage):
        e = inv.evidence.get(stage.source.address)
        if stage.cache_cluster_enabled is not True or e is None or e.hit_ratio is None:
            continue
        lookups = (e.cache_hits or 0) + (e.cache_misses or 0)
        if lookups >= lookups_needed and e.hit_ratio < minimum:
            yield Hit(stage, "cache_cluster_enabled", {
                "what": f"API Gateway stage {stage.name} (cache {stage.cache_cluster_size} GB)",
                "ratio": f"{e.hit_ratio:.1%}", "minimum": f"{minimum:.0%}",
                "figures": f"{e.cache_hits:,.0f} hits, {e.cache_misses:,.0f} misses in "
                           f"{e.basis}"})
    for b in inv.of(CacheBehavior):
        e = inv.evidence.get(b.source.address)
        if e is None or e.hit_rate_percent is None or (e.requests or 0) < lookups_needed:
            continue
        if b.caching_disabled is not False:
            continue  # not meant to cache: CL204 and CL502 speak about that
        if e.hit_rate_percent / 100 < minimum:
            yield Hit(b, "default_ttl", {
                "what": f"CloudFront distribution {b.distribution}",
                "ratio": f"{e.hit_rate_percent / 100:.1%}", "minimum": f"{minimum:.0%}",
                "figures": f"{e.requests:,.0f} requests, CacheHitRate in {e.basis}"})


def cache_rarely_hits(ctx: Context) -> Iterator[Hit]:
    """A cached API method whose real request sequence, replayed through its TTL, rarely hits."""
    from cachelint.traffic.replay import smallest_ttl

    minimum = ctx.config.threshold("min_cache_hit_ratio")
    needed = ctx.config.threshold("min_replay_requests")
    for m in ctx.inventory.of(ApiMethod):
        e = ctx.inventory.evidence.get(m.source.address)
        if m.caching_enabled is not True or e is None or not e.replays:
            continue
        ttl = m.ttl if m.ttl is not None else API_CACHE_DEFAULT_TTL
        r = e.replay_at(float(ttl)) if isinstance(ttl, (int, float)) else None
        if r is None or r.requests < needed or r.hit_ratio >= minimum:
            continue
        better = smallest_ttl(e.replays, minimum, max_ttl=API_CACHE_MAX_TTL)
        advice = (f"a TTL of {better.ttl:g} s would reach {better.hit_ratio:.0%}, if the data "
                  "may be that stale" if better is not None and better.ttl > ttl else
                  "no TTL API Gateway allows reaches it: the cache key has too many values "
                  "(cache a narrower key, or cache the expensive part in ElastiCache)")
        yield Hit(m, "caching_enabled", {
            "what": m.route, "ttl": f"{ttl:g}", "requests": f"{r.requests:,}",
            "keys": f"{e.distinct_keys:,}", "basis": e.basis,
            "ratio": f"{r.hit_ratio:.1%}", "minimum": f"{minimum:.0%}", "advice": advice})
