"""The same log analysis on Amazon Athena, for logs too big for one machine (CloudFront and ALB
logs in S3). The analysis queries are the very text DuckDB runs (:mod:`cachelint.traffic.logs`);
only ``requests`` is defined here, over an Athena table with AWS's documented columns:

- CloudFront: the table of "Querying Amazon CloudFront logs" (``date``, ``time``, ``method``,
  ``uri``, ``query_string``, ``result_type``, ``status``);
- ALB: the table of "Querying Application Load Balancer logs" (``time``, ``request_verb``,
  ``request_url``, ``elb_status_code``);
- API Gateway: a JSON table over the access logs with columns named as the ``$context``
  fields, lower-cased (``requesttimeepoch``, ``httpmethod``, ``resourcepath``, ``path``,
  ``status``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Any

from cachelint.traffic.analyse import TrafficReport
from cachelint.traffic.logs import KEYS_SQL, PEAK_SQL, ROUTES_SQL, LogError, RouteTraffic
from cachelint.traffic.replay import replay

REQUESTS = {
    "cloudfront": """
        SELECT to_unixtime(CAST(concat(CAST("date" AS varchar), ' ', "time") AS timestamp)) AS ts,
               upper(method) AS method, uri AS route, uri,
               CASE WHEN query_string = '-' THEN '' ELSE query_string END AS query,
               CASE WHEN result_type IN ('Hit', 'RefreshHit') THEN 'hit'
                    WHEN result_type = 'Miss' THEN 'miss' END AS cache,
               CAST(status AS integer) AS status
        FROM {table}""",
    "alb": """
        SELECT to_unixtime(from_iso8601_timestamp(time)) AS ts, upper(request_verb) AS method,
               coalesce(url_extract_path(request_url), '/') AS route,
               coalesce(url_extract_path(request_url), '/') AS uri,
               coalesce(url_extract_query(request_url), '') AS query,
               CAST(NULL AS varchar) AS cache, CAST(elb_status_code AS integer) AS status
        FROM {table}""",
    "apigateway": """
        SELECT CAST(requesttimeepoch AS double) / 1000.0 AS ts, upper(httpmethod) AS method,
               coalesce(resourcepath, path) AS route, path AS uri, '' AS query,
               CAST(NULL AS varchar) AS cache, CAST(status AS integer) AS status
        FROM {table}""",
}


@dataclass(frozen=True)
class AthenaOptions:
    database: str
    table: str
    log_format: str
    output: str  # s3://bucket/prefix/
    workgroup: str = "primary"
    poll_seconds: float = 1.0
    timeout_seconds: float = 1800.0


def _identifier(name: str) -> str:
    if not all(part.replace("_", "").isalnum() for part in name.split(".")):
        raise LogError(f"--athena-table {name!r}: letters, digits, _ and . only")
    return ".".join(f'"{part}"' for part in name.split("."))


def queries(options: AthenaOptions) -> dict[str, str]:
    """The SQL sent to Athena: the shared analysis over ``requests`` from the table."""
    if options.log_format not in REQUESTS:
        raise LogError(f"--athena-format {options.log_format!r}: one of {', '.join(REQUESTS)}")
    requests = REQUESTS[options.log_format].format(table=_identifier(options.table))
    return {name: f"WITH requests AS ({requests})\n{sql.strip()}"
            for name, sql in (("routes", ROUTES_SQL), ("peak", PEAK_SQL), ("keys", KEYS_SQL))}


def _run(client: Any, sql: str, options: AthenaOptions) -> list[list[str | None]]:
    started = client.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": options.database},
        ResultConfiguration={"OutputLocation": options.output}, WorkGroup=options.workgroup)
    qid = started["QueryExecutionId"]
    deadline = time.monotonic() + options.timeout_seconds
    while True:
        status = client.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]
        state = status["State"]
        if state == "SUCCEEDED":
            break
        if state in ("FAILED", "CANCELLED"):
            raise LogError(f"Athena query {qid} {state.lower()}: "
                           f"{status.get('StateChangeReason', 'no reason given')}")
        if time.monotonic() > deadline:
            raise LogError(f"Athena query {qid} still {state.lower()} after "
                           f"{options.timeout_seconds:.0f} s")
        time.sleep(options.poll_seconds)
    rows: list[list[str | None]] = []
    for page in client.get_paginator("get_query_results").paginate(QueryExecutionId=qid):
        for row in page["ResultSet"]["Rows"]:
            rows.append([d.get("VarCharValue") for d in row["Data"]])
    return rows[1:]  # the first row holds the column names


def _times(text: str | None) -> list[float]:
    """Athena renders an array as ``[1.5, 2.0]``."""
    if not text:
        return []
    return sorted(float(x) for x in json.loads(text))


def analyse_athena(options: AthenaOptions, ttls: Sequence[float], client: Any = None
                   ) -> TrafficReport:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = client or boto3.client("athena")
    sql = queries(options)
    try:
        routes = _run(client, sql["routes"], options)
        peaks = {(m, r): int(float(p or 0)) for m, r, p in _run(client, sql["peak"], options)}
        keys = _run(client, sql["keys"], options)
    except (BotoCoreError, ClientError) as exc:
        raise LogError(f"Athena: {str(exc).splitlines()[0]}") from None
    report = TrafficReport(files=0, ttls=tuple(ttls))
    for method, route, requests, distinct, first, last, hits, lookups in routes:
        report.routes.append(RouteTraffic(
            method=method or "", route=route or "", requests=int(requests), keys=int(distinct),
            first_ts=float(first), last_ts=float(last),
            peak_per_second=peaks.get((method, route), 0), hits=int(float(hits or 0)),
            lookups=int(float(lookups or 0))))
        report.rows += int(requests)
    by_route: dict[tuple, list] = {}
    for method, route, _key, times in keys:
        by_route.setdefault((method, route), []).append(_times(times))
    for r in report.routes:
        if (r.method, r.route) in by_route:
            r.replays = replay(by_route[(r.method, r.route)], ttls)
    report.routes.sort(key=lambda r: (-r.requests, r.method, r.route))
    return report
