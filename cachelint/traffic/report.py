"""The `cachelint traffic` report: text and JSON."""

from __future__ import annotations

from dataclasses import dataclass

from cachelint.config import Config, matches
from cachelint.traffic.replay import smallest_ttl

# Methods whose responses a cache may serve again; a TTL is never proposed for the others.
READS = ("GET", "HEAD")


@dataclass(frozen=True)
class Policy:
    """What bounds the TTL proposed for a route: the target hit ratio, --max-ttl (else the
    configuration's `freshness`), and what the configuration declares, as `recommend` reads it
    (strongly consistent routes are not cached; per-caller routes are keyed per caller)."""

    target: float
    max_ttl: float | None = None
    config: Config = Config()

    def bound(self, route) -> float | None:
        if self.max_ttl is not None:
            return self.max_ttl
        return self.config.max_ttl(f"{route.method} {route.route}", route.route)

    def withheld(self, route) -> str | None:
        """Why no TTL is proposed for ``route``, or None."""
        return self._judge(route)[0]

    def must_not_cache(self, route) -> bool:
        """Whether any TTL for ``route`` is wrong (so its replays are not worth showing)."""
        return self._judge(route)[1]

    def _judge(self, route) -> tuple[str | None, bool]:
        candidates = (f"{route.method} {route.route}", route.route)
        if route.method not in READS:
            return f"{route.method} is not a read: its responses must not be cached", True
        for cand in candidates:
            if matches(self.config.strongly_consistent, cand):
                return (f"declared strongly consistent (config matches {cand!r}): do not cache "
                        "it at any layer"), True
        for cand in candidates:
            if matches(self.config.per_caller, cand):
                return (f"declared per caller (config matches {cand!r}): the log does not show "
                        "who called, so these hit ratios assume one response for everyone and "
                        "overstate a cache keyed per caller"), False
        return None, False

    def recommended(self, route):
        if not route.replays or self.withheld(route):
            return None
        return smallest_ttl(route.replays, self.target, self.bound(route))


def as_dict(report, policy: Policy) -> dict:
    routes = []
    for r in report.routes:
        best = policy.recommended(r)
        routes.append({
            "method": r.method, "route": r.route, "requests": r.requests,
            "requests_per_second": r.rate, "peak_per_second": r.peak_per_second,
            "distinct_keys": r.keys, "seconds": r.seconds,
            "logged_hit_ratio": r.logged_hit_ratio,
            "replay": [{"ttl": x.ttl, "hit_ratio": x.hit_ratio, "backend_calls": x.misses}
                       for x in r.replays],
            "max_ttl": policy.bound(r), "recommended_ttl": best.ttl if best else None,
            "no_ttl_because": policy.withheld(r)})
    return {"files": report.files, "rows": report.rows, "target_hit_ratio": policy.target,
            "routes": routes}


def lines_per_route(ttls: int) -> int:
    """Text lines one route takes: its line, one per replayed TTL, the proposal."""
    return 2 + ttls


def render_text(report, policy: Policy, top: int) -> str:
    out = [f"{report.rows:,} requests in {report.files} log file"
           f"{'s' if report.files != 1 else ''}, {len(report.routes)} route"
           f"{'s' if len(report.routes) != 1 else ''}"]
    for r in report.routes[:top]:
        logged = f", logged hit ratio {r.logged_hit_ratio:.1%}" if r.logged_hit_ratio \
            is not None else ""
        keys = "distinct key" if r.keys == 1 else "distinct keys"
        out.append(f"{r.method} {r.route}: {r.requests:,} requests over {r.seconds:,.0f} s, "
                   f"{r.rate:,.2f}/s (peak {r.peak_per_second}/s), {r.keys:,} {keys}"
                   f"{logged}")
        withheld = policy.withheld(r)
        if r.method not in READS:
            continue  # not cacheable: nothing to propose or replay
        for x in r.replays if not policy.must_not_cache(r) else ():
            calls = "call" if x.misses == 1 else "calls"
            out.append(f"  TTL {x.ttl:>6g} s: hit ratio {x.hit_ratio:6.1%}, "
                       f"{x.misses:,} backend {calls} ({x.misses / r.seconds:,.2f}/s)")
        if withheld:
            out.append(f"  no TTL proposed: {withheld}")
        elif r.replays:
            best = policy.recommended(r)
            limit = policy.bound(r)
            bound = f" within {limit:g} s" if limit is not None else ""
            out.append(f"  smallest TTL reaching {policy.target:.0%}{bound}: "
                       + (f"{best.ttl:g} s" if best else "none (too many distinct keys for "
                          "these TTLs)"))
    if len(report.routes) > top:
        out.append(f"... {len(report.routes) - top} more routes (--top N, --format json)")
    return "\n".join(out) + "\n"
