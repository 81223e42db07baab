"""A snapshot (live scan or ``account.json``) -> the model, with CloudWatch evidence.

The snapshot's readers (``cachelint.aws.map_*``, one per layer) are registry entries
(:mod:`cachelint.loaders.registry`) like every source's: each reads a region of an account
(:class:`cachelint.aws.part.Part`) and leaves what AWS does with its values to the linking
layer. This module runs them and attaches each region's metrics.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cachelint.aws.evidence import detailed_routes, route_dimensions
from cachelint.aws.part import GLOBAL, Part, Where
from cachelint.loaders import registry
from cachelint.model import (
    ApiMethod, ApiStage, CacheBehavior, DynamoTable, Evidence, HttpApi, Inventory, Resource,
    SourceKind,
)


# --- evidence -------------------------------------------------------------------------------------


class _Metrics:
    def __init__(self, rows: list[dict], window: dict | None):
        self.values = {(r["namespace"], r["metric"], tuple(sorted(r["dimensions"].items()))):
                       r.get("value") for r in rows if isinstance(r, dict)}
        self.seconds = max((r.get("seconds") or 0 for r in rows if isinstance(r, dict)),
                           default=0.0)
        end = (window or {}).get("end", "")
        days = self.seconds / 86400
        span = f"{days:g} day{'s' if days != 1 else ''}" if days >= 1 else \
            f"{self.seconds / 3600:g} h"
        self.basis = f"CloudWatch, {span} to {end[:10]}" if end else f"CloudWatch, {span}"

    def get(self, namespace: str, metric: str, **dims: str) -> float | None:
        return self.values.get((namespace, metric, tuple(sorted(dims.items()))))

    def evidence(self, **values: Any) -> Evidence | None:
        if all(v is None for v in values.values()) or self.seconds <= 0:
            return None
        return Evidence(window_seconds=self.seconds, basis=self.basis, **values)


def route_address(api: HttpApi, route: str) -> str:
    """Where an HTTP API route's evidence is kept (a route is not a resource of the model)."""
    return f"{api.source.address}#route/{route}"


def _attach_routes(inv: Inventory, metrics: _Metrics, api: HttpApi, http: dict) -> None:
    """Each route's request count over the stages that measure it (detailed metrics)."""
    totals: dict[str, float] = {}
    for stage, route in detailed_routes(http):
        value = metrics.get("AWS/ApiGateway", "Count", **route_dimensions(http, stage, route))
        if value is not None:
            totals[route] = totals.get(route, 0.0) + value
    for route, total in totals.items():
        found = metrics.evidence(requests=total)
        if found is not None:
            inv.evidence[route_address(api, route)] = found


def _attach(inv: Inventory, metrics: _Metrics, resources: list[Resource],
            api_names: dict[str, str], http_stages: dict[str, dict] | None = None) -> None:
    http_stages = http_stages or {}
    gw = "AWS/ApiGateway"
    for r in resources:
        found: Evidence | None = None
        if isinstance(r, ApiStage):
            dims = {"ApiName": api_names.get(r.api, ""), "Stage": r.name}
            found = metrics.evidence(
                requests=metrics.get(gw, "Count", **dims),
                cache_hits=metrics.get(gw, "CacheHitCount", **dims),
                cache_misses=metrics.get(gw, "CacheMissCount", **dims),
                integration_latency_ms=metrics.get(gw, "IntegrationLatency", **dims))
        elif isinstance(r, ApiMethod):
            stage = {"ApiName": api_names.get(r.api, ""), "Stage": r.stage}
            dims = {**stage, "Method": r.http_method, "Resource": r.resource_path}
            found = metrics.evidence(requests=metrics.get(gw, "Count", **dims),
                                     cache_hits=metrics.get(gw, "CacheHitCount", **dims),
                                     cache_misses=metrics.get(gw, "CacheMissCount", **dims))
            if found is not None:  # how slow the backend is, from the stage's figures
                found = replace(found, integration_latency_ms=metrics.get(
                    gw, "IntegrationLatency", **stage))
        elif isinstance(r, HttpApi):
            api_id = r.source.address.rsplit("/", 1)[-1]
            found = metrics.evidence(requests=metrics.get(gw, "Count", ApiId=api_id))
            _attach_routes(inv, metrics, r, http_stages.get(api_id) or {})
        elif isinstance(r, DynamoTable):
            dims = {"TableName": r.name}
            found = metrics.evidence(
                read_units=metrics.get("AWS/DynamoDB", "ConsumedReadCapacityUnits", **dims),
                write_units=metrics.get("AWS/DynamoDB", "ConsumedWriteCapacityUnits", **dims))
        elif isinstance(r, CacheBehavior) and r.source.address.endswith(
                "#DefaultCacheBehavior"):
            dist_id = r.distribution.rsplit("/", 1)[-1]
            dims = {"DistributionId": dist_id, "Region": "Global"}
            found = metrics.evidence(
                requests=metrics.get("AWS/CloudFront", "Requests", **dims),
                hit_rate_percent=metrics.get("AWS/CloudFront", "CacheHitRate", **dims))
        if found is not None:
            inv.evidence[r.source.address] = found


# --- the snapshot ---------------------------------------------------------------------------------


def map_snapshot(snapshot: dict) -> Inventory:
    """Every snapshot reader of the registry over each region of each account (then its
    global services), with the CloudWatch evidence of that region."""
    inv = Inventory()
    window = snapshot.get("window")
    for acct in snapshot.get("accounts", []):
        account = str(acct.get("account_id", ""))
        parts = [Part(Where(account, region), data, acct)
                 for region, data in sorted((acct.get("regions") or {}).items())]
        parts.append(Part(Where(account, GLOBAL), acct.get("global") or {}, acct))
        for part in parts:
            found = registry.read(SourceKind.AWS, [part], inv)
            api = part.data.get("apigateway") or {}
            names = {str(a.get("id")): str(a.get("name", "")) for a in api.get("rest_apis", [])}
            https = {str(a.get("ApiId")): a for a in api.get("http_apis", [])}
            _attach(inv, _Metrics(part.data.get("metrics") or [], window), found, names, https)
            inv.resources += found
    for warning in snapshot.get("warnings", []):
        inv.warnings.append(describe_warning(warning))
    return inv


def describe_warning(w: dict) -> str:
    where = "/".join(x for x in (w.get("account"), w.get("region")) if x)
    return (f"{where}: {w.get('service')}:{w.get('operation')} not read "
            f"({w.get('kind')}): {w.get('message')}")
