"""CloudWatch figures as evidence of traffic, read with batched ``GetMetricData`` calls.

One query per (metric, dimensions) sums the whole window into one datapoint (``Period`` is the
window, rounded up to a multiple of 60 s), so a scan costs one call per 500 queries per region.

| metric (namespace) | dimensions | what it proves |
|---|---|---|
| ``Count``, ``CacheHitCount``, ``CacheMissCount`` (AWS/ApiGateway) | ApiName, Stage | stage traffic and its cache hit ratio |
| the same, per method | ApiName, Stage, Method, Resource | only with detailed metrics on: hot GETs |
| ``Latency``, ``IntegrationLatency`` (AWS/ApiGateway) | ApiName, Stage | how slow the backend is |
| ``Count`` (AWS/ApiGateway) | ApiId | HTTP API traffic |
| the same, per route | ApiId, Method, Resource, Stage | only with detailed metrics on: hot routes |
| ``ConsumedReadCapacityUnits``, ``ConsumedWriteCapacityUnits`` (AWS/DynamoDB) | TableName | read/write mix: DAX candidates and misfits |
| ``Requests``, ``CacheHitRate`` (AWS/CloudFront, us-east-1) | DistributionId, Region=Global | distribution traffic; hit rate needs additional metrics |
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from cachelint.linking.datastores import TABLE_ARN, strings_in

BATCH = 500  # GetMetricData's limit on queries per call
_SUMS = ("Count", "CacheHitCount", "CacheMissCount", "Requests", "ConsumedReadCapacityUnits",
         "ConsumedWriteCapacityUnits")
_AVERAGES = ("Latency", "IntegrationLatency", "CacheHitRate")


def _query(namespace: str, metric: str, dims: dict[str, str]) -> dict:
    return {"namespace": namespace, "metric": metric, "dimensions": dims,
            "stat": "Sum" if metric in _SUMS else "Average"}


def queries(data: dict, global_: bool) -> list[dict]:
    """What to ask CloudWatch about the resources one region (or the global task) holds."""
    out: list[dict] = []
    if global_:
        for d in data.get("cloudfront", {}).get("distributions", []):
            dims = {"DistributionId": d.get("Id", ""), "Region": "Global"}
            out += [_query("AWS/CloudFront", m, dims) for m in ("Requests", "CacheHitRate")]
        return out
    api = data.get("apigateway", {})
    for rest in api.get("rest_apis", []):
        for stage in rest.get("stages", []):
            dims = {"ApiName": rest.get("name", ""), "Stage": stage.get("stageName", "")}
            out += [_query("AWS/ApiGateway", m, dims) for m in
                    ("Count", "CacheHitCount", "CacheMissCount", "Latency",
                     "IntegrationLatency")]
            if any((s or {}).get("metricsEnabled") for s in
                   (stage.get("methodSettings") or {}).values()):
                for res in rest.get("resources", []):
                    for verb in res.get("resourceMethods", {}):
                        mdims = {**dims, "Method": verb, "Resource": res.get("path", "")}
                        out += [_query("AWS/ApiGateway", m, mdims) for m in
                                ("Count", "CacheHitCount", "CacheMissCount")]
    for http in api.get("http_apis", []):
        out.append(_query("AWS/ApiGateway", "Count", {"ApiId": http.get("ApiId", "")}))
        for stage, route in detailed_routes(http):
            out.append(_query("AWS/ApiGateway", "Count", route_dimensions(http, stage, route)))
    for table in data.get("dynamodb", {}).get("tables", []):
        dims = {"TableName": table.get("TableName", "")}
        out += [_query("AWS/DynamoDB", m, dims) for m in
                ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits")]
    return out


def detailed_routes(http: dict) -> list[tuple[str, str]]:
    """(stage, route key) of an HTTP API's routes whose stage has detailed metrics on, by
    default or for that route."""
    out = []
    for stage in http.get("Stages") or []:
        default = bool((stage.get("DefaultRouteSettings") or {}).get("DetailedMetricsEnabled"))
        per_route = stage.get("RouteSettings") or {}
        for route in http.get("Routes") or []:
            on = (per_route.get(route) or {}).get("DetailedMetricsEnabled")
            if on is True or (on is None and default):
                out.append((str(stage.get("StageName", "")), str(route)))
    return out


def route_dimensions(http: dict, stage: str, route: str) -> dict[str, str]:
    """An HTTP API route's CloudWatch dimensions: ApiId, Method, Resource, Stage."""
    method, _, path = route.partition(" ")
    return {"ApiId": str(http.get("ApiId", "")), "Method": method, "Resource": path or route,
            "Stage": stage}


def collect(reader: Any, data: dict, start: dt.datetime, end: dt.datetime,
            global_: bool) -> list[dict]:
    """Each query with its value over the window (None: no datapoint, or not readable)."""
    wanted = queries(data, global_)
    seconds = max(60, math.ceil((end - start).total_seconds() / 60.0) * 60)
    results: list[dict] = []
    for first in range(0, len(wanted), BATCH):
        batch = wanted[first:first + BATCH]
        request = [{"Id": f"q{i}", "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": q["namespace"], "MetricName": q["metric"],
                       "Dimensions": [{"Name": k, "Value": v} for k, v in q["dimensions"].items()]},
            "Period": seconds, "Stat": q["stat"]}} for i, q in enumerate(batch)]
        values: dict[str, list[float]] = {}
        pages = reader.pages("cloudwatch", "get_metric_data", "MetricDataResults",
                             MetricDataQueries=request, StartTime=start, EndTime=end)
        for result in pages or []:
            values.setdefault(result["Id"], []).extend(result.get("Values") or [])
        for i, q in enumerate(batch):
            got = values.get(f"q{i}", [])
            value: float | None = None
            if got:
                value = sum(got) if q["stat"] == "Sum" else sum(got) / len(got)
            elif q["stat"] == "Sum" and pages is not None:
                value = 0.0  # CloudWatch has no datapoint for a period without traffic
            results.append({**q, "value": value, "seconds": (end - start).total_seconds(),
                            **({"unread": True} if pages is None else {})})
    return results


_DYNAMO_ACTION = re.compile(r"^(dynamodb:(\*|Get\*|GetItem|Query|Scan|BatchGetItem)|\*)$",
                            re.IGNORECASE)


def dynamodb_grants(documents: list[Any]) -> dict:
    """Table names an IAM policy's Allow statements name for DynamoDB reads, and whether one
    allows every table (``Resource: "*"`` or ``table/*``)."""
    tables: set[str] = set()
    any_table = False
    for doc in documents:
        statements = doc.get("Statement") if isinstance(doc, dict) else None
        statements = [statements] if isinstance(statements, dict) else statements or []
        for st in statements:
            if not isinstance(st, dict) or st.get("Effect") != "Allow":
                continue
            actions = st.get("Action")
            actions = [actions] if isinstance(actions, str) else actions or []
            if not any(isinstance(a, str) and _DYNAMO_ACTION.match(a) for a in actions):
                continue
            resources = st.get("Resource")
            resources = [resources] if isinstance(resources, str) else resources or []
            for res in strings_in(resources):
                if res == "*" or re.search(r"table/\*$", res):
                    any_table = True
                tables.update(t for t in TABLE_ARN.findall(res) if t != "*")
    return {"tables": sorted(tables), "any_table": any_table}
