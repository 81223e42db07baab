"""Fault matrix of a live scan, with figures: for each fault injected into a local moto server
(tests/aws_layer.py), how many calls and HTTP attempts the scan made, how long it took, what it
reported as not read, and how many findings it still produced.

    python benchmarks/aws_faults.py
"""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from aws_layer import Fault, LayeredMotoServer, State  # noqa: E402
from aws_seed import clients, seed_shop  # noqa: E402

from cachelint.aws.collect import AwsOptions  # noqa: E402
from cachelint.aws.session import CallLog, ClientSettings  # noqa: E402
from cachelint.aws.mapping import map_snapshot  # noqa: E402
from cachelint.aws.collect import collect  # noqa: E402
from cachelint.config import Config  # noqa: E402
from cachelint import engine  # noqa: E402
from cachelint.scan import ScanOptions, selected_rules  # noqa: E402

SETTINGS = ClientSettings(max_attempts=4, retry_mode="standard", connect_timeout=1,
                          read_timeout=1)
SCENARIOS = [
    ("no fault", []),
    ("throttled twice (ElastiCache)", [Fault("elasticache", "DescribeReplicationGroups",
                                             times=2)]),
    ("throttled always (DAX)", [Fault("dax", "DescribeClusters")]),
    ("HTTP 503 once (API Gateway)", [Fault("apigateway", "*", kind="5xx", times=1)]),
    ("HTTP 503 always (CloudWatch)", [Fault("cloudwatch", kind="5xx")]),
    ("AccessDenied (ElastiCache)", [Fault("elasticache", kind="denied")]),
    ("read timeout always (DynamoDB ListTables)", [Fault("dynamodb", "ListTables",
                                                         kind="timeout", delay=1.5)]),
    ("disabled Region (ap-east-1)", [Fault(s, region="ap-east-1", kind="disabled")
                                     for s in ("apigateway", "apigatewayv2", "elasticache",
                                               "dax", "dynamodb", "cloudwatch", "iam")]),
    ("HTML 500 page always (ElastiCache)", [Fault("elasticache", kind="html500")]),
    ("HTML 500 page always (DAX, JSON)", [Fault("dax", kind="html500")]),
    ("unknown operation (DynamoDB ListTables)", [Fault("dynamodb", "ListTables",
                                                       kind="unknown-operation")]),
    ("connection refused (DynamoDB endpoint)", [], {"AWS_ENDPOINT_URL_DYNAMODB": "{closed}"}),
    ("proxy refuses (DAX through HTTP_PROXY)", [], {
        "HTTP_PROXY": "{closed}", "NO_PROXY": "127.0.0.1",
        "AWS_ENDPOINT_URL_DAX": "{localhost}"}),
    ("credentials expire after 10 calls", [Fault("*", kind="expired", after=10)]),
]


def _closed_port() -> int:
    with socket.socket() as s:  # bound, never listening: connections are refused
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    server = LayeredMotoServer()
    server.start()
    os.environ.update(AWS_ENDPOINT_URL=server.url, AWS_ACCESS_KEY_ID="testing",
                      AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    rules = selected_rules(ScanOptions(paths=()))
    print(f"{'fault':<44} {'calls':>5} {'attempts':>8} {'seconds':>7} {'not read':>8} "
          f"{'findings':>8}  warning kinds")
    closed = f"http://127.0.0.1:{_closed_port()}"
    for name, faults, *more in SCENARIOS:
        env = {k: v.format(closed=closed, localhost=server.url.replace("127.0.0.1", "localhost"))
               for k, v in (more[0] if more else {}).items()}
        urllib.request.urlopen(urllib.request.Request(f"{server.url}/moto-api/reset",
                                                      method="POST")).read()
        server.layer.state, server.layer.faults = State(), []
        seed_shop(clients(server.url), server.layer)
        server.layer.faults = list(faults)
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        log = CallLog()
        start = time.perf_counter()
        try:
            collected = collect(AwsOptions(regions=("us-east-1", "ap-east-1"),
                                           settings=SETTINGS), log=log)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        seconds = time.perf_counter() - start
        inventory = map_snapshot(collected.snapshot)
        findings = engine.run(rules, inventory, Config())
        kinds = sorted({w["kind"] for w in collected.warnings})
        print(f"{name:<44} {log.total:>5} {sum(log.attempts.values()):>8} {seconds:>7.2f} "
              f"{len(collected.warnings):>8} {len(findings):>8}  {', '.join(kinds) or '-'}")
    server.stop()


if __name__ == "__main__":
    main()
