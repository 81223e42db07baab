"""Run the log analysis in DuckDB and replay each route's requests through candidate TTLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence

from cachelint.traffic.logs import (
    KEYS_SQL, PEAK_SQL, ROUTES_SQL, LogError, RouteTraffic, group_by_format, source_sql,
)
from cachelint.traffic.replay import replay

DEFAULT_TTLS = (30, 60, 120, 300, 600, 900, 1800, 3600)


def _duckdb():
    try:
        import duckdb
    except ImportError:  # pragma: no cover - the traffic extra is not installed
        raise LogError("reading access logs needs DuckDB: pip install 'cachelint[traffic]'") \
            from None
    return duckdb


@dataclass
class TrafficReport:
    routes: list[RouteTraffic] = field(default_factory=list)
    files: int = 0
    rows: int = 0
    ttls: tuple = DEFAULT_TTLS
    errors: list = field(default_factory=list)  # LogError of logs set aside

    def route(self, method: str, path: str) -> RouteTraffic | None:
        for r in self.routes:
            if r.method == method and r.route == path:
                return r
        return None


def analyse(paths: Sequence[str], ttls: Sequence[float] = DEFAULT_TTLS,
            replay_routes: bool = True, keep_going: bool = False) -> TrafficReport:
    """Routes of the logs with their figures; ``keep_going`` sets unreadable logs aside in
    ``errors`` instead of raising."""
    duckdb = _duckdb()
    errors: list = []
    groups = group_by_format(list(paths), errors if keep_going else None)
    report = TrafficReport(files=sum(len(v) for v in groups.values()), ttls=tuple(ttls),
                           errors=errors)
    if not groups:
        return report
    con = duckdb.connect()
    try:
        selects = [source_sql(fmt, files) for fmt, files in sorted(groups.items())]
        con.execute("CREATE TEMP TABLE requests AS " +
                    " UNION ALL ".join(f"SELECT * FROM ({s})" for s in selects))
        report.rows = con.execute("SELECT count(*) FROM requests").fetchone()[0]
        peaks = {(m, r): p for m, r, p in con.execute(PEAK_SQL).fetchall()}
        for method, route, requests, keys, first, last, hits, lookups in \
                con.execute(ROUTES_SQL).fetchall():
            report.routes.append(RouteTraffic(
                method=method, route=route, requests=requests, keys=keys, first_ts=first,
                last_ts=last, peak_per_second=peaks.get((method, route), 0), hits=hits or 0,
                lookups=lookups or 0))
        if replay_routes:
            times: dict[tuple[str, str], list] = {}
            for method, route, _key, ts in con.execute(KEYS_SQL).fetchall():
                times.setdefault((method, route), []).append(ts)
            for r in report.routes:
                if (r.method, r.route) in times:
                    r.replays = replay(times[(r.method, r.route)], ttls)
    except duckdb.Error as exc:
        raise LogError(f"cannot analyse the logs: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    report.routes.sort(key=lambda r: (-r.requests, r.method, r.route))
    return report
