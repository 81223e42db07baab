"""The AWS Config aggregator path (``--aws-config-aggregator``) against a real moto server over
HTTP: an organization seeded in moto, an aggregator created in moto, and the test layer
answering ``SelectAggregateResourceConfig`` (moto lacks it) from the seeded resources in the
documented response shape (tests/aws_layer.py, AggregatorView). The aggregator path must find
what the API path finds, with fewer calls."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from aws_seed import ACCOUNT, REGION, clients, seed_shop
from cachelint.aws import config
from cachelint.aws.collect import AwsOptions, collect
from cachelint.aws.session import CallLog
from cachelint.scan import ScanOptions, run_scan
from test_aws_org import ROLE, _Member, _organization


def _aggregator(url: str, accounts: list[str], regions: list[str], name: str = "org") -> None:
    clients(url).config.put_configuration_aggregator(
        ConfigurationAggregatorName=name,
        AccountAggregationSources=[{"AccountIds": accounts, "AwsRegions": regions}])


def _seed(aws) -> list[str]:
    """The shop in the management account, three member accounts (a table each, a REST API
    in the first), and an aggregator over all of them in two Regions."""
    seed_shop(clients(aws.url), aws.layer)
    members = _organization(aws.url, 3)
    everyone = [ACCOUNT] + members
    _aggregator(aws.url, everyone, [REGION, "eu-west-1"])
    return everyone


def _findings(**aws_options) -> set:
    report = run_scan(ScanOptions(paths=(), aws=AwsOptions(**aws_options)))
    assert not report.warnings, report.warnings
    return {(f.rule.id, f.location.path, f.location.account, f.location.region, f.message)
            for f in report.findings}


def test_the_aggregator_path_finds_what_the_api_path_finds(aws):
    everyone = _seed(aws)
    regions = (REGION, "eu-west-1")
    api = _findings(organization=True, role_arn=ROLE, regions=regions)
    via_config = _findings(config_aggregator="org", role_arn=ROLE, regions=regions)
    assert via_config == api
    assert len({rule for rule, *_ in api}) >= 15  # the shop's four layers, and the member's API
    assert {account for _, _, account, _, _ in api} >= {ACCOUNT, everyone[1]}


def test_the_aggregator_snapshot_holds_the_api_reader_s_records(aws):
    everyone = _seed(aws)
    api_log, config_log = CallLog(), CallLog()
    api = collect(AwsOptions(organization=True, role_arn=ROLE, regions=(REGION,),
                             metrics=False), log=api_log).snapshot
    via = collect(AwsOptions(config_aggregator="org", role_arn=ROLE, regions=(REGION,),
                             metrics=False), log=config_log).snapshot
    by_account = {a["account_id"]: a for a in api["accounts"]}
    assert sorted(a["account_id"] for a in via["accounts"]) == sorted(everyone)
    for account in via["accounts"]:
        # The same records, field for field: the mapping and the rules cannot tell them apart.
        assert account == by_account[account["account_id"]]
    # Config answered where the tables, APIs and distributions are: the accounts without an API
    # were not asked for one, no account listed its tables or distributions, and ElastiCache
    # and DAX (which Config's advanced queries do not cover) were read everywhere.
    calls = config_log.calls
    assert calls[("config", "SelectAggregateResourceConfig")] == 2
    assert calls[("apigateway", "GetRestApis")] == 2  # the shop's and the member's accounts
    assert not {op for s, op in calls if s == "dynamodb"}
    assert ("cloudfront", "ListDistributions") not in calls
    assert calls[("cloudfront", "ListCachePolicies")] == 1  # only where a distribution is
    assert calls[("elasticache", "DescribeReplicationGroups")] == len(everyone)
    assert config_log.total < api_log.total


def test_query_results_are_read_to_the_last_page(aws):
    c = clients(aws.url)
    for i in range(105):  # more than one page of 100 configuration items
        c.dynamodb.create_table(TableName=f"t{i:03d}", BillingMode="PAY_PER_REQUEST",
                                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "id",
                                                       "AttributeType": "S"}])
    _aggregator(aws.url, [ACCOUNT], [REGION])
    log = CallLog()
    snap = collect(AwsOptions(config_aggregator="org", role_arn=ROLE, metrics=False),
                   log=log).snapshot
    tables = snap["accounts"][0]["regions"][REGION]["dynamodb"]["tables"]
    assert [t["TableName"] for t in tables] == [f"t{i:03d}" for i in range(105)]
    assert log.calls[("config", "SelectAggregateResourceConfig")] == 3  # 1 + 2 pages
    assert not [k for k in log.calls if k[0] == "dynamodb"]


def test_config_names_become_the_api_s(aws):
    """A configuration item's field names (lower-case first letter, ``arn``) are the API's."""
    ci = {"accountId": ACCOUNT, "awsRegion": REGION, "resourceType": "AWS::DynamoDB::Table",
          "arn": "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
          "resourceName": "orders",
          "tags": [{"key": "cachelint:hot", "value": "true", "tag": "cachelint:hot=true"},
                   {"key": "owner", "value": "someone", "tag": "owner=someone"}],
          "configuration": {"tableName": "orders", "globalTableVersion": "2019.11.21",
                            "tableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
                            "replicas": [{"regionName": "eu-west-1", "replicaStatus": "ACTIVE"}]}}
    assert config.config_table(ci) == {
        "TableName": "orders", "TableArn": ci["arn"], "GlobalTableVersion": "2019.11.21",
        "Replicas": [{"RegionName": "eu-west-1"}], "Tags": {"cachelint:hot": "true"}}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cachelint", *args], capture_output=True,
                          text=True, env=os.environ)


def test_an_aggregator_that_cannot_be_read_is_a_one_line_error(aws):
    r = _cli("scan", "--aws", "--no-metrics", "--aws-config-aggregator", "missing",
             "--role-arn", ROLE)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--aws-config-aggregator missing: cannot query the aggregator: "\
        "NoSuchConfigurationAggregatorException" in lines[0], r.stderr
    r = _cli("scan", "--aws", "--no-metrics", "--aws-config-aggregator", "org")
    assert r.returncode == 2 and "needs --role-arn" in r.stderr
    r = _cli("scan", "--aws-config-aggregator", "org", ".")
    assert r.returncode == 2 and "--aws-config-aggregator applies to a live scan" in r.stderr


def test_an_account_whose_role_fails_is_that_account_s_warning(aws):
    from aws_layer import Fault

    _seed(aws)
    aws.layer.faults.append(Fault("sts", "AssumeRole", kind="denied", times=1))
    r = _cli("scan", "--aws", "--no-metrics", "--aws-workers", "1", "--region", REGION,
             "--aws-config-aggregator", "org", "--role-arn", ROLE, "--format", "json")
    assert r.returncode == 3, r.stderr
    assert "AWS accounts: 3 read, 0 partial, 1 failed" in r.stderr
    assert json.loads(r.stdout)["findings"]


def test_members_are_reached_through_the_role(aws):
    """The aggregator's account reads Config; each member is read through its own role."""
    members = _organization(aws.url, 1)
    _Member(aws.url, members[0]).dynamodb.create_table(
        TableName="extra", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    _aggregator(aws.url, members, [REGION])
    snap = collect(AwsOptions(config_aggregator="org", role_arn=ROLE, metrics=False)).snapshot
    assert [a["account_id"] for a in snap["accounts"]] == members
    assert sorted(t["TableName"] for t in
                  snap["accounts"][0]["regions"][REGION]["dynamodb"]["tables"]) == \
        sorted(["extra", f"table-{members[0]}"])


def test_organization_accounts_outside_the_aggregator_are_warnings(aws):
    """An account the aggregator holds nothing for is not read, and says so (exit 3)."""
    members = _organization(aws.url, 2)
    _aggregator(aws.url, [ACCOUNT, members[0]], [REGION])
    r = _cli("scan", "--aws", "--no-metrics", "--aws-config-aggregator", "org", "--role-arn",
             ROLE, "--format", "json")
    assert r.returncode == 3, r.stderr
    warnings = json.loads(r.stdout)["warnings"]
    assert warnings == [f"{members[1]}/{REGION}: config:select_aggregate_resource_config not "
                        "read (not-aggregated): the aggregator org holds no configuration items "
                        "for this account: not read"], warnings
    assert "AWS accounts: 2 read, 0 partial, 0 failed" in r.stderr
