"""Access-log figures attached to the scanned resources as evidence (``scan --traffic``).

An API Gateway log line names its method and resource path, which match a REST method of the
scan exactly; a CloudFront or ALB line names a URL path, counted for the CloudFront behaviour
whose path pattern matches it (the most specific pattern first, as CloudFront does).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os

from cachelint.loaders.terraform.files import LoadError as FileError
from cachelint.model import ApiMethod, CacheBehavior, Evidence, Inventory
from cachelint.traffic.analyse import DEFAULT_TTLS, TrafficReport, analyse
from cachelint.traffic.logs import LogError, group_by_format


def _basis(files: list[str], first: float, last: float) -> str:
    start = dt.datetime.fromtimestamp(first, dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    end = dt.datetime.fromtimestamp(last, dt.timezone.utc).strftime("%H:%M")
    names = ", ".join(os.path.basename(f) for f in files[:2]) + (" ..." if len(files) > 2 else "")
    return f"access logs {names}, {start}-{end} UTC"


def _ttl_of(method: ApiMethod) -> float | None:
    if method.caching_enabled is not True:
        return None
    ttl = method.ttl if method.ttl is not None else 300
    return float(ttl) if isinstance(ttl, (int, float)) else None


def attach_traffic(inventory: Inventory, logs: list[str]) -> None:
    """API Gateway logs become evidence for REST methods, CloudFront logs for behaviours; ALB
    logs are only reported by `cachelint traffic` (no scanned resource is an ALB)."""
    # Logs are evidence of what callers deploy, not of a module folder checked alone.
    methods = inventory.deployed().of(ApiMethod)
    ttls = sorted(set(DEFAULT_TTLS) | {t for t in map(_ttl_of, methods) if t})
    problems: list[LogError] = []
    groups = group_by_format(logs, problems)
    for exc in problems:
        path, _, message = str(exc).partition(": ")
        inventory.errors.append(FileError(path, message))
    api_logs, cdn_logs = groups.get("apigateway", []), groups.get("cloudfront", [])
    empty = TrafficReport()
    report = analyse(api_logs, ttls) if api_logs else empty
    cdn = analyse(cdn_logs, ttls, replay_routes=False) if cdn_logs else empty
    files = len(api_logs) + len(cdn_logs)
    inventory.notes.append(f"traffic: {report.rows + cdn.rows:,} requests in {files} log file"
                           f"{'s' if files != 1 else ''}")
    if groups.get("alb"):
        # Not read at all: nothing in the model is an ALB. `cachelint traffic` reports them.
        inventory.notes.append(f"traffic: {len(groups['alb'])} ALB log file(s) not used as "
                               "evidence (no scanned resource is a load balancer)")
    _methods(inventory, methods, report, api_logs)
    _behaviours(inventory, cdn, cdn_logs)


def _methods(inventory: Inventory, methods: list, report: TrafficReport, logs: list) -> None:
    for m in methods:
        if not isinstance(m.resource_path, str) or not isinstance(m.http_method, str):
            continue
        route = report.route(m.http_method, "/" + m.resource_path.strip("/"))
        if route is None:
            continue
        inventory.evidence[m.source.address] = Evidence(
            window_seconds=route.seconds, basis=_basis(logs, route.first_ts, route.last_ts),
            requests=float(route.requests), distinct_keys=route.keys,
            peak_per_second=route.peak_per_second, replays=tuple(route.replays))


def _behaviours(inventory: Inventory, report: TrafficReport, logs: list) -> None:
    behaviours = [b for b in inventory.deployed().of(CacheBehavior)
                  if isinstance(b.path_pattern, str)]
    if len({b.distribution for b in behaviours}) > 1 and report.routes:
        # A standard log does not name its distribution's resource in the code.
        inventory.notes.append("traffic: CloudFront logs not matched to behaviours: the scan "
                               "holds several distributions; scan them one at a time")
        return
    # Most specific pattern first; the default behaviour ("*") takes the rest.
    behaviours.sort(key=lambda b: (b.path_pattern == "*", -len(b.path_pattern)))
    counted: dict[str, list] = {}
    for r in report.routes:
        if r.method not in ("GET", "HEAD"):
            continue
        for b in behaviours:
            pattern = "/" + b.path_pattern.lstrip("/")
            if b.path_pattern == "*" or fnmatch.fnmatchcase(r.route, pattern):
                counted.setdefault(b.source.address, []).append(r)
                break
    for address, routes in counted.items():
        first = min(r.first_ts for r in routes)
        last = max(r.last_ts for r in routes)
        # The logged hit ratio is shown by `cachelint traffic`; as evidence only the rate is
        # used (CL502), as CloudWatch's CacheHitRate is for CL504 in a live scan.
        inventory.evidence[address] = Evidence(
            window_seconds=max(last - first, 1.0), basis=_basis(logs, first, last),
            requests=float(sum(r.requests for r in routes)),
            distinct_keys=sum(r.keys for r in routes))
