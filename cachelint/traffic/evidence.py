"""Access-log figures attached to the scanned resources as evidence (``scan --traffic``).

An API Gateway log line names its method and resource path, which match a REST method of the
scan exactly; a CloudFront or ALB line names a URL path, counted for the CloudFront behaviour
whose path pattern matches it (the most specific pattern first, as CloudFront does), of the
distribution the log is of: the id in the log's file name, or the domain its requests name.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re

from cachelint.errors import FileError
from cachelint.model import API_CACHE_DEFAULT_TTL, ApiMethod, CacheBehavior, Evidence, Inventory
from cachelint.traffic.analyse import DEFAULT_TTLS, TrafficReport, analyse
from cachelint.traffic.logs import LogError, group_by_format, head


def _basis(files: list[str], first: float, last: float) -> str:
    start = dt.datetime.fromtimestamp(first, dt.UTC).strftime("%Y-%m-%d %H:%M")
    end = dt.datetime.fromtimestamp(last, dt.UTC).strftime("%H:%M")
    names = ", ".join(os.path.basename(f) for f in files[:2]) + (" ..." if len(files) > 2 else "")
    return f"access logs {names}, {start}-{end} UTC"


def _ttl_of(method: ApiMethod) -> float | None:
    if method.caching_enabled is not True:
        return None
    ttl = method.ttl if method.ttl is not None else API_CACHE_DEFAULT_TTL
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
    cdn_rows = _behaviours(inventory, cdn_logs, ttls)
    files = len(api_logs) + len(cdn_logs)
    inventory.notes.append(f"traffic: {report.rows + cdn_rows:,} requests in {files} log file"
                           f"{'s' if files != 1 else ''}")
    if groups.get("alb"):
        # Not read at all: nothing in the model is an ALB. `cachelint traffic` reports them.
        inventory.notes.append(f"traffic: {len(groups['alb'])} ALB log file(s) not used as "
                               "evidence (no scanned resource is a load balancer)")
    _methods(inventory, methods, report, api_logs)


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


# A standard log file is named ``[prefix/]DISTRIBUTION_ID.YYYY-MM-DD-HH.UNIQUE.gz``.
# (AWS's ids start with E; the id is only trusted when a scanned distribution has it.)
_LOG_NAME = re.compile(r"(?:^|[./_-])([0-9A-Z]{6,20})\.\d{4}-\d\d-\d\d-\d\d\.")


def log_distribution(path: str) -> tuple[str | None, frozenset[str]]:
    """Which distribution a CloudFront log is of: the id in its file name, and the hosts its
    first request names (``cs(Host)``, the distribution's domain; ``x-host-header``, the name
    the viewer used, an alias or that domain). Each log file holds one distribution."""
    found = _LOG_NAME.search(os.path.basename(path))
    hosts: set[str] = set()
    try:
        lines = head(path, 12)
    except LogError:
        lines = []
    fields: list[str] = []
    for line in lines:
        if line.startswith("#Fields:"):
            fields = line.split(":", 1)[1].split()
        elif not line.startswith("#") and fields:
            values = line.split("\t")
            hosts = {values[i].lower() for i, name in enumerate(fields)
                     if name in ("cs(Host)", "x-host-header") and i < len(values)
                     and values[i] not in ("", "-")}
            break
    return (found.group(1) if found else None), frozenset(hosts)


def _distribution_id(address: str) -> str | None:
    """A deployed distribution's id, from its ARN; None for one declared in code."""
    return address.rsplit("/", 1)[-1] if address.startswith("arn:") else None


def _behaviours(inventory: Inventory, logs: list[str], ttls: list) -> int:
    """CloudFront logs, grouped by the distribution each is of, counted for its behaviours;
    the number of requests analysed."""
    behaviours = [b for b in inventory.deployed().of(CacheBehavior)
                  if isinstance(b.path_pattern, str)]
    dists: dict[str, list[CacheBehavior]] = {}
    for b in behaviours:
        dists.setdefault(b.distribution, []).append(b)
    domains = {d: {x.lower() for b in bs for x in b.domains} for d, bs in dists.items()}
    anonymous = [d for d in dists if _distribution_id(d) is None and not domains[d]]
    grouped: dict[str, list[str]] = {}
    for path in logs:
        dist_id, hosts = log_distribution(path)
        match = [d for d in dists if dist_id and _distribution_id(d) == dist_id] or \
            [d for d in dists if hosts & domains[d]]
        if not match and len(dists) == 1 and anonymous:
            match = anonymous  # one distribution, declared in code: the logs are its own
        if len(match) != 1:
            what = ", ".join(filter(None, [f"distribution {dist_id}" if dist_id else "",
                                           f"host {', '.join(sorted(hosts))}" if hosts else ""]))
            inventory.notes.append(
                f"traffic: {path} not matched to a CloudFront distribution of the scan"
                + (f" ({what})" if what else "") + ": not used as evidence")
            continue
        grouped.setdefault(match[0], []).append(path)
    rows = 0
    for dist, files in grouped.items():
        report = analyse(files, ttls, replay_routes=False)
        rows += report.rows
        _count(inventory, dists[dist], report, files)
    return rows


def _count(inventory: Inventory, behaviours: list[CacheBehavior], report: TrafficReport,
           logs: list) -> None:
    # Most specific pattern first; the default behaviour ("*") takes the rest.
    behaviours = sorted(behaviours, key=lambda b: (b.path_pattern == "*", -len(b.path_pattern)))
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
