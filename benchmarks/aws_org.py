"""An organization on one machine: API calls, wall time and peak memory of a live scan of many
accounts, per worker count, against a local moto server (its multi-account STS: every member
account is assumed through the role, as in AWS) behind the test layer; for the API path
(``--organization``) and for the AWS Config aggregator path (``--aws-config-aggregator``, an
aggregator over every account and Region, answered by the test layer from the seeded resources).

    python benchmarks/aws_org.py [--accounts 200] [--regions us-east-1,eu-west-1] [--workers 1,8,16]

Each scan runs as its own process (``cachelint aws snapshot --organization``), so its peak
resident memory is its own, not the server's; ``--snapshot-dir`` writes each account as it
completes, ``-o`` keeps the whole organization in memory until the end.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import boto3  # noqa: E402
import botocore.config  # noqa: E402

from aws_layer import LayeredMotoServer  # noqa: E402
from aws_seed import clients, seed_api  # noqa: E402
from cachelint.aws import config  # noqa: E402

ROLE = "arn:aws:iam::{account_id}:role/CachelintReadOnly"
# Run the CLI, then print the process's peak resident set (KiB on Linux) on standard error.
_MEASURED = ("import resource, sys\nfrom cachelint.cli import cli\ntry:\n"
             "    cli.main(sys.argv[1:], prog_name='cachelint')\nfinally:\n"
             "    print('peak_rss_kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
             " file=sys.stderr)\n")


class _Member:
    def __init__(self, url: str, account: str, region: str):
        creds = clients(url).sts.assume_role(RoleArn=ROLE.format(account_id=account),
                                             RoleSessionName="seed")["Credentials"]
        self.kwargs = {"endpoint_url": url, "region_name": region,
                       "aws_access_key_id": creds["AccessKeyId"],
                       "aws_secret_access_key": creds["SecretAccessKey"],
                       "aws_session_token": creds["SessionToken"]}

    def __getattr__(self, service: str):
        return boto3.client(service, **self.kwargs)


def seed(url: str, members: int, regions: list[str]) -> None:
    """``members`` accounts, each with a DynamoDB table; every tenth with a cached REST API;
    an AWS Config aggregator over all of them and ``regions``."""
    region = regions[0]
    c = clients(url)
    c.organizations.create_organization(FeatureSet="ALL")
    accounts = [c.sts.get_caller_identity()["Account"]]
    for i in range(members):
        status = c.organizations.create_account(AccountName=f"team{i}",
                                                Email=f"team{i}@example.com")
        account = c.organizations.describe_create_account_status(
            CreateAccountRequestId=status["CreateAccountStatus"]["Id"]
        )["CreateAccountStatus"]["AccountId"]
        accounts.append(account)
        member = _Member(url, account, region)
        member.dynamodb.create_table(
            TableName=f"orders-{i}", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        if i % 10 == 0:
            seed_api(member, stage_settings={"*/*": {"caching/enabled": True,
                                                     "caching/ttlInSeconds": 0}})
    c.config.put_configuration_aggregator(
        ConfigurationAggregatorName="org",
        AccountAggregationSources=[{"AccountIds": accounts, "AwsRegions": regions}])


def scan(regions: list[str], workers: int, folder: bool,
         aggregator: bool) -> tuple[float, int, int, int, int]:
    """(seconds, API calls, peak RSS in MiB, accounts, Config query pages) of one scan."""
    with tempfile.TemporaryDirectory() as tmp:
        target = ["--snapshot-dir", os.path.join(tmp, "org")] if folder else \
            ["-o", os.path.join(tmp, "org.json")]
        engine = ["--aws-config-aggregator", "org"] if aggregator else ["--organization"]
        args = ["aws", "snapshot", *engine, "--role-arn", ROLE, "--aws-workers",
                str(workers), *[x for r in regions for x in ("--region", r)], *target]
        start = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", _MEASURED, *args], capture_output=True,
                           text=True, env=os.environ)
        seconds = time.perf_counter() - start
    if r.returncode not in (0, 3):
        raise SystemExit(f"scan failed ({r.returncode}): {r.stderr[-2000:]}")
    calls = int(re.search(r"(\d+) read-only API calls", r.stderr).group(1))
    rss = int(re.search(r"peak_rss_kib (\d+)", r.stderr).group(1)) // 1024
    accounts = re.search(r"AWS accounts: (\d+) read", r.stderr)
    pages = re.search(r"AWS Config aggregator org: (\d+) query page", r.stderr)
    return (seconds, calls, rss, int(accounts.group(1)) if accounts else -1,
            int(pages.group(1)) if pages else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200, help="member accounts")
    parser.add_argument("--regions", default="us-east-1,eu-west-1")
    parser.add_argument("--workers", default="1,8,16")
    parser.add_argument("--paths", default="api,aggregator",
                        help="api (--organization), aggregator (--aws-config-aggregator)")
    args = parser.parse_args()
    regions = args.regions.split(",")
    server = LayeredMotoServer()
    server.start()
    os.environ.update(AWS_ENDPOINT_URL=server.url, AWS_ACCESS_KEY_ID="AKIATESTINGKEY000001",
                      AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                      AWS_EC2_METADATA_DISABLED="true")
    start = time.perf_counter()
    seed(server.url, args.accounts, regions)
    print(f"seeded {args.accounts} member accounts in {time.perf_counter() - start:.0f} s; "
          f"{len(regions)} Regions each; metrics read (GetMetricData)")
    paths = args.paths.split(",")
    if "aggregator" in paths:  # the layer builds the items once, untimed (Config holds them)
        server.layer.config_cached = True
        cfg = boto3.client("config", endpoint_url=server.url, region_name="us-east-1",
                           config=botocore.config.Config(read_timeout=900))
        for query in (config.PAIRS, config.QUERY):
            kwargs = {"Limit": config.PAGE} if query == config.QUERY else {}
            for _ in cfg.get_paginator("select_aggregate_resource_config").paginate(
                    ConfigurationAggregatorName="org", Expression=query, **kwargs):
                pass
    print(f"{'path':<10} {'workers':>7} {'output':<14} {'accounts':>8} {'API calls':>9} "
          f"{'Config':>6} {'calls/acct':>10} {'seconds':>8} {'acct/s':>7} {'peak MiB':>8}")
    for workers in [int(w) for w in args.workers.split(",")]:
        for aggregator in [p == "aggregator" for p in paths]:
            for folder in (True, False):
                seconds, calls, rss, accounts, pages = scan(regions, workers, folder,
                                                            aggregator)
                print(f"{'aggregator' if aggregator else 'API':<10} {workers:>7} "
                      f"{'--snapshot-dir' if folder else '-o one file':<14} "
                      f"{accounts:>8} {calls:>9} {pages:>6} {calls / max(1, accounts):>10.1f} "
                      f"{seconds:>8.1f} {accounts / seconds:>7.1f} {rss:>8}")
    server.stop()


if __name__ == "__main__":
    main()
