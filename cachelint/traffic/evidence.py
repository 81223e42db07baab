"""Access-log figures attached to the scanned resources as evidence (``scan --traffic``).

An API Gateway log line names its method and resource path, which match a REST method of the
scan exactly; a CloudFront or ALB line names a URL path, counted for the CloudFront behaviour
whose path pattern matches it (the most specific pattern first, as CloudFront does).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os

from cachelint.loaders.terraform.files import LoadError
from cachelint.model import ApiMethod, CacheBehavior, Evidence, Inventory
from cachelint.traffic.analyse import DEFAULT_TTLS, analyse


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
    methods = inventory.of(ApiMethod)
    ttls = sorted(set(DEFAULT_TTLS) | {t for t in map(_ttl_of, methods) if t})
    report = analyse(logs, ttls, keep_going=True)
    for exc in report.errors:
        path, _, message = str(exc).partition(": ")
        inventory.errors.append(LoadError(path, message))
    inventory.notes.append(f"traffic: {report.rows:,} requests in {report.files} log file"
                           f"{'s' if report.files != 1 else ''}, {len(report.routes)} routes")
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
    behaviours = [b for b in inventory.of(CacheBehavior) if isinstance(b.path_pattern, str)]
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
