"""The `cachelint traffic` report: text and JSON."""

from __future__ import annotations

from cachelint.traffic.replay import smallest_ttl


def _bound(route, max_ttl) -> float | None:
    """``max_ttl`` is a number (--max-ttl) or a Config with `freshness` per route."""
    if max_ttl is None or isinstance(max_ttl, (int, float)):
        return max_ttl
    return max_ttl.max_ttl(f"{route.method} {route.route}", route.route)


def _recommended(route, target: float, max_ttl):
    bound = _bound(route, max_ttl)
    return smallest_ttl(route.replays, target, bound) if route.replays else None


def as_dict(report, target: float, max_ttl: float | None) -> dict:
    routes = []
    for r in report.routes:
        best = _recommended(r, target, max_ttl)
        routes.append({
            "method": r.method, "route": r.route, "requests": r.requests,
            "requests_per_second": r.rate, "peak_per_second": r.peak_per_second,
            "distinct_keys": r.keys, "seconds": r.seconds,
            "logged_hit_ratio": r.logged_hit_ratio,
            "replay": [{"ttl": x.ttl, "hit_ratio": x.hit_ratio, "backend_calls": x.misses}
                       for x in r.replays],
            "max_ttl": _bound(r, max_ttl), "recommended_ttl": best.ttl if best else None})
    return {"files": report.files, "rows": report.rows, "target_hit_ratio": target,
            "routes": routes}


def render_text(report, target: float, max_ttl: float | None, top: int) -> str:
    out = [f"{report.rows:,} requests in {report.files} log file"
           f"{'s' if report.files != 1 else ''}, {len(report.routes)} routes"]
    for r in report.routes[:top]:
        logged = f", logged hit ratio {r.logged_hit_ratio:.1%}" if r.logged_hit_ratio \
            is not None else ""
        out.append(f"{r.method} {r.route}: {r.requests:,} requests over {r.seconds:,.0f} s, "
                   f"{r.rate:,.2f}/s (peak {r.peak_per_second}/s), {r.keys:,} distinct keys"
                   f"{logged}")
        for x in r.replays:
            out.append(f"  TTL {x.ttl:>6g} s: hit ratio {x.hit_ratio:6.1%}, "
                       f"{x.misses:,} backend calls ({x.misses / r.seconds:,.2f}/s)")
        if r.replays:
            best = _recommended(r, target, max_ttl)
            limit = _bound(r, max_ttl)
            bound = f" within {limit:g} s" if limit is not None else ""
            out.append(f"  smallest TTL reaching {target:.0%}{bound}: "
                       + (f"{best.ttl:g} s" if best else "none (too many distinct keys for "
                          "these TTLs)"))
    if len(report.routes) > top:
        out.append(f"... {len(report.routes) - top} more routes (--top, --format json)")
    return "\n".join(out) + "\n"
