"""Write examples/aws/shop-account.json: examples/shop as deployed, with a week of traffic.

The account is built in a local moto server (with the test-only layer of tests/aws_layer.py for
the calls moto lacks) by tests/aws_seed.py, then read by `cachelint aws snapshot`'s own code.
Run from the repository root:  python scripts/example_snapshot.py [OUT]
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from aws_layer import LayeredMotoServer  # noqa: E402
from aws_seed import clients, put_metric, seed_shop, seed_table  # noqa: E402

from cachelint.aws.collect import AwsOptions, collect  # noqa: E402
from cachelint.aws.snapshot import write_snapshot  # noqa: E402

WEEK = 7 * 86400


def main(out: str) -> None:
    server = LayeredMotoServer()
    server.start()
    os.environ.update(AWS_ENDPOINT_URL=server.url, AWS_ACCESS_KEY_ID="testing",
                      AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    c = clients(server.url)
    seed_shop(c, server.layer)
    # A week of traffic: the stage cache hits rarely; the catalogue table is read-heavy and has
    # no DAX in front of it; the orders table behind DAX is mostly written.
    stage = {"ApiName": "shop-api", "Stage": "prod"}
    put_metric(c, "AWS/ApiGateway", "Count", stage, 60 * WEEK)
    put_metric(c, "AWS/ApiGateway", "CacheHitCount", stage, 3 * WEEK)
    put_metric(c, "AWS/ApiGateway", "CacheMissCount", stage, 37 * WEEK)
    seed_table(c, "shop-catalogue")
    for table, reads, writes in (("shop-catalogue", 450, 3), ("shop-orders", 40, 120)):
        put_metric(c, "AWS/DynamoDB", "ConsumedReadCapacityUnits", {"TableName": table},
                   reads * WEEK)
        put_metric(c, "AWS/DynamoDB", "ConsumedWriteCapacityUnits", {"TableName": table},
                   writes * WEEK)
    collected = collect(AwsOptions(regions=("us-east-1",), window_days=7))
    write_snapshot(collected.snapshot, out, force=True)
    print(f"wrote {out}: {collected.log.total} API calls, {len(collected.warnings)} warnings")
    server.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "examples", "aws",
                                                            "shop-account.json"))
