"""Access logs as evidence of traffic, analysed locally with DuckDB (embedded, no server).

Three formats are read into one relation, ``requests(ts, method, route, uri, query, cache,
status)``: ``ts`` in epoch seconds, ``route`` the API route where the log has one (API Gateway's
``resourcePath``) else the path, ``cache`` ``hit``/``miss`` where the log says (CloudFront's
``x-edge-result-type``), else NULL.

- API Gateway access logs: JSON lines with the ``$context`` fields (``requestTimeEpoch`` or
  ``requestTime``, ``httpMethod``, ``resourcePath``/``routeKey``, ``path``, ``status``), as
  written by the stage or exported from CloudWatch Logs (``TIMESTAMP {json}`` lines, or
  ``{"timestamp": ..., "message": "{json}"}``);
- CloudFront standard logs: tab-separated with a ``#Fields:`` header, usually gzip'd;
- ALB access logs: space-separated with a quoted request line, usually gzip'd.

The analysis queries (:data:`ROUTES_SQL`, :data:`PEAK_SQL`, :data:`KEYS_SQL`) are plain SQL over
``requests`` that DuckDB and Amazon Athena both run: :mod:`cachelint.traffic.athena` sends the
same text with ``requests`` defined over an Athena table.
"""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass, field

from cachelint.errors import UserError

FORMATS = ("apigateway", "cloudfront", "alb")


class LogError(UserError, ValueError):
    """A log that cannot be read: one line naming the file."""


def _open_text(path: str):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def head(path: str, lines: int = 20) -> list[str]:
    try:
        with _open_text(path) as fh:
            out = []
            for line in fh:
                if line.strip():
                    out.append(line.rstrip("\n"))
                if len(out) >= lines:
                    break
            return out
    except (OSError, EOFError) as exc:
        raise LogError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None


_ALB = re.compile(r'^(?:https?|h2|grpcs?|wss?) \d{4}-\d\d-\d\dT')
_STAMPED_JSON = re.compile(r"^\S+\s+\{")


def detect(path: str) -> str:
    lines = head(path)
    if not lines:
        raise LogError(f"{path}: empty log")
    first = lines[0]
    if first.startswith(("#Version", "#Fields")):
        return "cloudfront"
    if first.lstrip().startswith("{") or _STAMPED_JSON.match(first):
        return "apigateway"
    if _ALB.match(first):
        return "alb"
    raise LogError(f"{path}: not an API Gateway, CloudFront or ALB access log "
                   f"(first line: {first[:60]!r})")


def cloudfront_fields(path: str) -> list[str]:
    for line in head(path, 5):
        if line.startswith("#Fields:"):
            return line.split(":", 1)[1].split()
    raise LogError(f"{path}: CloudFront log without a #Fields header")


def _column(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _files_sql(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


_LINES = ("read_csv({files}, columns={{'line': 'VARCHAR'}}, header=false, delim='\\x01', "
          "quote='', escape='', auto_detect=false, compression='auto', "
          "max_line_size=16777216, ignore_errors=true)")


def source_sql(fmt: str, paths: list[str]) -> str:
    """A SELECT producing the ``requests`` relation from log files (DuckDB)."""
    files = _files_sql(paths)
    if fmt == "apigateway":
        return f"""
        WITH raw AS (SELECT line FROM {_LINES.format(files=files)}),
        doc1 AS (
            SELECT CASE WHEN starts_with(ltrim(line), '{{') THEN ltrim(line)
                        ELSE regexp_extract(line, '^\\S+\\s+(\\{{.*\\}})\\s*$', 1) END AS doc
            FROM raw),
        doc AS (
            SELECT CASE WHEN starts_with(ltrim(coalesce(json_extract_string(doc, '$.message'),
                                                        '')), '{{')
                        THEN json_extract_string(doc, '$.message') ELSE doc END AS doc
            FROM doc1 WHERE doc <> '' AND json_valid(doc))
        SELECT
            coalesce(TRY_CAST(json_extract_string(doc, '$.requestTimeEpoch') AS DOUBLE) / 1000.0,
                     epoch(try_strptime(json_extract_string(doc, '$.requestTime'),
                                        '%d/%b/%Y:%H:%M:%S %z'))) AS ts,
            upper(coalesce(json_extract_string(doc, '$.httpMethod'),
                           split_part(json_extract_string(doc, '$.routeKey'), ' ', 1))) AS method,
            coalesce(json_extract_string(doc, '$.resourcePath'),
                     nullif(split_part(json_extract_string(doc, '$.routeKey'), ' ', 2), ''),
                     json_extract_string(doc, '$.path')) AS route,
            json_extract_string(doc, '$.path') AS uri,
            coalesce(json_extract_string(doc, '$.queryString'), '') AS query,
            CAST(NULL AS VARCHAR) AS cache,
            TRY_CAST(json_extract_string(doc, '$.status') AS INTEGER) AS status
        FROM doc"""
    if fmt == "cloudfront":
        fields = [_column(f) for f in cloudfront_fields(paths[0])]
        need = {"date", "time", "cs_method", "cs_uri_stem"}
        if not need <= set(fields):
            missing = ", ".join(sorted(need - set(fields)))
            raise LogError(f"{paths[0]}: CloudFront #Fields lacks {missing}")
        columns = ", ".join(f"'{f}': 'VARCHAR'" for f in fields)
        query = "cs_uri_query" if "cs_uri_query" in fields else "'-'"
        result = "x_edge_result_type" if "x_edge_result_type" in fields else "NULL"
        status = "sc_status" if "sc_status" in fields else "NULL"
        return f"""
        SELECT
            epoch(try_strptime(date || ' ' || time, '%Y-%m-%d %H:%M:%S')) AS ts,
            upper(cs_method) AS method, cs_uri_stem AS route, cs_uri_stem AS uri,
            CASE WHEN {query} = '-' THEN '' ELSE {query} END AS query,
            CASE WHEN {result} IN ('Hit', 'RefreshHit') THEN 'hit'
                 WHEN {result} = 'Miss' THEN 'miss' END AS cache,
            TRY_CAST({status} AS INTEGER) AS status
        FROM read_csv({files}, columns={{{columns}}}, header=false, delim='\\t', quote='',
                      escape='', comment='#', auto_detect=false, compression='auto',
                      null_padding=true, ignore_errors=true)"""
    if fmt == "alb":
        pattern = (r'^\S+ (\S+) \S+ \S+ \S+ \S+ \S+ \S+ (\S+) \S+ \S+ \S+ '
                   r'"(\S+) [a-z0-9]+://[^/ ]+(/[^? ]*)?\??(\S*) [^"]*"')
        return f"""
        WITH raw AS (SELECT line FROM {_LINES.format(files=files)}),
        parts AS (SELECT regexp_extract(line, '{pattern}',
                                        ['time', 'status', 'method', 'path', 'query']) AS p
                  FROM raw)
        SELECT epoch(TRY_CAST(p.time AS TIMESTAMP)) AS ts, upper(p.method) AS method,
               coalesce(nullif(p.path, ''), '/') AS route, coalesce(nullif(p.path, ''), '/') AS uri,
               p.query AS query, CAST(NULL AS VARCHAR) AS cache,
               TRY_CAST(p.status AS INTEGER) AS status
        FROM parts WHERE p.method <> ''"""
    raise LogError(f"unknown log format {fmt!r}")


# --- the analysis, shared with Athena ------------------------------------------------------------

ROUTES_SQL = """
SELECT method, route, count(*) AS requests,
       count(DISTINCT uri || '?' || coalesce(query, '')) AS keys,
       min(ts) AS first_ts, max(ts) AS last_ts,
       sum(CASE WHEN cache = 'hit' THEN 1 ELSE 0 END) AS hits,
       sum(CASE WHEN cache IS NOT NULL THEN 1 ELSE 0 END) AS lookups
FROM requests
WHERE ts IS NOT NULL AND method IS NOT NULL
GROUP BY method, route
"""

PEAK_SQL = """
SELECT method, route, max(n) AS peak
FROM (SELECT method, route, floor(ts) AS second, count(*) AS n
      FROM requests WHERE ts IS NOT NULL AND method IS NOT NULL
      GROUP BY method, route, floor(ts)) per_second
GROUP BY method, route
"""

# The request times of each cache key of each readable route, in order, for the TTL replay.
KEYS_SQL = """
SELECT method, route, uri || '?' || coalesce(query, '') AS cache_key,
       array_agg(ts ORDER BY ts) AS times
FROM requests
WHERE ts IS NOT NULL AND method IN ('GET', 'HEAD')
GROUP BY method, route, uri || '?' || coalesce(query, '')
"""


@dataclass
class RouteTraffic:
    method: str
    route: str
    requests: int
    keys: int
    first_ts: float
    last_ts: float
    peak_per_second: int = 0
    hits: int = 0
    lookups: int = 0
    replays: list = field(default_factory=list)  # cachelint.traffic.replay.Replay per TTL

    @property
    def seconds(self) -> float:
        return max(self.last_ts - self.first_ts, 1.0)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def logged_hit_ratio(self) -> float | None:
        return self.hits / self.lookups if self.lookups else None


def group_by_format(paths: list[str], errors: list[LogError] | None = None
                    ) -> dict[str, list[str]]:
    """Logs by format. A log that cannot be read raises, or with ``errors`` is set aside
    there and the others are analysed."""
    found: dict[str, list[str]] = {}
    first_fields: list[str] | None = None  # of the first CloudFront log
    for p in paths:
        try:
            if not os.path.isfile(p):
                raise LogError(f"{p}: no such log file")
            fmt = detect(p)
            if fmt == "cloudfront":
                fields = cloudfront_fields(p)
                if first_fields is None:
                    first_fields = fields
                elif fields != first_fields:
                    raise LogError(f"{p}: its #Fields differ from {found['cloudfront'][0]}'s; "
                                   "analyse them separately")
        except LogError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        found.setdefault(fmt, []).append(p)
    return found
