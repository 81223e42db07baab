"""Safety of a live scan: read-only by construction, the shipped IAM policy covers exactly
what it calls, and faults (throttling, 5xx, AccessDenied, timeouts, disabled Regions) become
warnings with partial results, through a real moto server and the test-only layer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources

import boto3
import pytest

from aws_layer import Fault
from aws_seed import REGION, clients, seed_shop
from cachelint.aws.collect import AwsOptions, collect
from cachelint.aws.session import (
    READ_OPERATIONS, READ_PREFIXES, CallLog, ClientSettings, ReadOnlyViolation, client,
)
from cachelint.scan import ScanOptions, run_scan

FAST = ClientSettings(max_attempts=3, retry_mode="standard", connect_timeout=1,
                      read_timeout=0.5)


def _policy_actions() -> set[str]:
    doc = json.loads(resources.files("cachelint.aws").joinpath("iam-policy.json").read_text())
    return {a for st in doc["Statement"] for a in st["Action"]}


def iam_action(service: str, operation: str) -> str:
    """The IAM action an API call needs: API Gateway authorizes by HTTP verb."""
    if service in ("apigateway", "apigatewayv2"):
        model = boto3.client(service, region_name=REGION).meta.service_model
        return f"apigateway:{model.operation_model(operation).http['method']}"
    prefix = {"cloudwatch": "cloudwatch", "resourcegroupstaggingapi": "tag"}.get(
        service, boto3.client(service, region_name=REGION).meta.service_model.signing_name)
    return f"{prefix}:{operation}"


def _full_scan(aws, log: CallLog) -> None:
    c = clients(aws.url)
    seed_shop(c, aws.layer)
    # A managed policy on the DAX role too, so both kinds of role policy are read.
    policy = c.iam.create_policy(PolicyName="orders-read", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:Query",
                                                "Resource": "*"}]}))["Policy"]["Arn"]
    c.iam.attach_role_policy(RoleName="shop-orders-dax", PolicyArn=policy)
    c.organizations.create_organization(FeatureSet="ALL")
    c.config.put_configuration_aggregator(
        ConfigurationAggregatorName="org", AccountAggregationSources=[
            {"AccountIds": ["123456789012"], "AwsRegions": [REGION, "eu-west-1"]}])
    aws.layer.requests.clear()
    role = "arn:aws:iam::123456789012:role/CachelintReadOnly"
    collect(AwsOptions(all_regions=True, organization=True, workers=16, role_arn=role),
            log=log)
    # The AWS Config aggregator path too (issue 18): its query, and the API reads it leaves.
    collect(AwsOptions(config_aggregator="org", role_arn=role), log=log)
    assert log.calls[("config", "SelectAggregateResourceConfig")] == 2


def test_a_scan_sends_only_reads(aws):
    log = CallLog()
    _full_scan(aws, log)
    sent = set(log.calls)
    assert ("sts", "AssumeRole") in sent  # the one non-read call: assuming the scan role
    for service, operation in sent - {("sts", "AssumeRole")}:
        assert operation.startswith(READ_PREFIXES) or operation in READ_OPERATIONS, \
            (service, operation)
    # The server's own record agrees: every request it received was a read.
    seen = {(s, op) for s, op, _ in aws.layer.requests}
    for service, operation in seen:
        if " " in operation:  # a REST call the layer does not name: its HTTP verb
            assert operation.startswith("GET "), (service, operation)
        elif operation != "AssumeRole":
            assert operation.startswith(READ_PREFIXES) or operation in READ_OPERATIONS, \
                (service, operation)
    assert len(seen) >= 20 and ("config", "SelectAggregateResourceConfig") in seen


def test_the_guard_refuses_a_write_before_it_is_sent(aws):
    log = CallLog()
    ddb = client(boto3.Session(), "dynamodb", REGION, log, ClientSettings())
    aws.layer.requests.clear()
    with pytest.raises(ReadOnlyViolation, match="dynamodb:CreateTable"):
        ddb.create_table(TableName="x", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    assert aws.layer.requests == [] and not log.calls
    # AWS Config's query is a read named otherwise; Config's writes are still refused.
    cfg = client(boto3.Session(), "config", REGION, log, ClientSettings())
    with pytest.raises(ReadOnlyViolation, match="config:PutConfigurationAggregator"):
        cfg.put_configuration_aggregator(ConfigurationAggregatorName="x",
                                         AccountAggregationSources=[{"AccountIds": [
                                             "123456789012"], "AllAwsRegions": True}])
    assert aws.layer.requests == [] and not log.calls


def test_the_shipped_iam_policy_covers_exactly_the_calls_a_scan_makes(aws):
    log = CallLog()
    _full_scan(aws, log)
    needed = {iam_action(s, op) for s, op in log.calls if s != "sts"}
    assert needed == _policy_actions()
    printed = subprocess.run([sys.executable, "-m", "cachelint", "aws", "policy"],
                             capture_output=True, text=True, check=True).stdout
    assert {a for st in json.loads(printed)["Statement"] for a in st["Action"]} == needed


def _scan(**aws_options):
    aws_options.setdefault("regions", (REGION,))
    aws_options.setdefault("settings", FAST)
    return run_scan(ScanOptions(paths=(), aws=AwsOptions(**aws_options)))


def test_throttling_is_retried_and_the_scan_completes(aws):
    seed_shop(clients(aws.url), aws.layer)
    aws.layer.faults.append(Fault("elasticache", "DescribeReplicationGroups", times=2))
    log = CallLog()
    collected = collect(AwsOptions(regions=(REGION,), settings=FAST), log=log)
    assert collected.warnings == []
    key = ("elasticache", "DescribeReplicationGroups")
    assert log.calls[key] == 1 and log.attempts[key] == 3  # two throttled, then answered
    assert collected.snapshot["accounts"][0]["regions"][REGION]["elasticache"][
        "replication_groups"][0]["ReplicationGroupId"] == "shop-sessions"


def test_persistent_faults_become_warnings_with_partial_results(aws):
    seed_shop(clients(aws.url), aws.layer)
    aws.layer.faults += [Fault("dax", "DescribeClusters", kind="throttle"),
                         Fault("elasticache", kind="denied"),
                         Fault("cloudwatch", "GetMetricData", kind="5xx")]
    report = _scan()
    kinds = {w.split("(")[1].split(")")[0] for w in report.warnings}
    assert kinds == {"throttled", "access-denied", "server-error"}
    assert any("dax:describe_clusters" in w and "retries exhausted" in w
               for w in report.warnings)
    found = {f.rule.id for f in report.findings}
    assert {"CL101", "CL103", "CL208", "CL406"} - {"CL406"} <= found  # API and CDN still read
    assert not found & {"CL301", "CL303", "CL403", "CL405"}  # what could not be read
    assert report.incomplete


def test_a_timeout_is_a_warning(aws):
    seed_shop(clients(aws.url), aws.layer)
    aws.layer.faults.append(Fault("dynamodb", "ListTables", kind="timeout", delay=1.5))
    report = _scan(settings=ClientSettings(max_attempts=2, retry_mode="standard",
                                           connect_timeout=1, read_timeout=0.5))
    assert [w for w in report.warnings if "(timeout)" in w and "list_tables" in w]
    assert {"CL101", "CL208"} <= {f.rule.id for f in report.findings}


def test_a_disabled_region_is_a_warning_and_the_others_are_scanned(aws):
    seed_shop(clients(aws.url), aws.layer)
    for service in ("apigateway", "apigatewayv2", "elasticache", "dax", "dynamodb",
                    "cloudwatch", "iam"):
        aws.layer.faults.append(Fault(service, region="ap-east-1", kind="disabled"))
    report = _scan(regions=(REGION, "ap-east-1"))
    disabled = [w for w in report.warnings if "/ap-east-1:" in w]
    assert disabled and all("(region-disabled)" in w or "(server-error)" in w
                            for w in disabled)
    assert not [w for w in report.warnings if f"/{REGION}:" in w]
    assert {"CL101", "CL301", "CL401"} <= {f.rule.id for f in report.findings}


def test_incomplete_scan_exits_3_and_says_what_was_not_read(aws):
    seed_shop(clients(aws.url), aws.layer)
    aws.layer.faults.append(Fault("dax", kind="denied"))
    r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--aws", "--region", REGION,
                        "--no-metrics"], capture_output=True, text=True, env=os.environ)
    assert r.returncode == 3, r.stderr
    assert "warning: 123456789012/us-east-1: dax:describe_clusters not read (access-denied)" \
        in r.stdout
    assert "Incomplete: 1 part of the AWS scan could not be read." in r.stdout
    assert "CL101" in r.stdout  # the rest still reports


def test_every_listing_is_read_to_its_last_page(aws):
    c = clients(aws.url)
    for i in range(105):  # ListTables pages hold 100 names
        c.dynamodb.create_table(TableName=f"t{i:03d}", BillingMode="PAY_PER_REQUEST",
                                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "id",
                                                       "AttributeType": "S"}])
    aws.layer.page_size = 2  # CloudFront ListCachePolicies: Marker/NextMarker, no paginator
    for i in range(5):
        aws.layer.add_cache_policy({"Name": f"p{i}", "MinTTL": 1, "DefaultTTL": 60,
                                    "MaxTTL": 300,
                                    "ParametersInCacheKeyAndForwardedToOrigin": {
                                        "EnableAcceptEncodingGzip": True,
                                        "HeadersConfig": {"HeaderBehavior": "none"},
                                        "CookiesConfig": {"CookieBehavior": "none"},
                                        "QueryStringsConfig": {"QueryStringBehavior": "none"}}})
    log = CallLog()
    collected = collect(AwsOptions(regions=(REGION,), metrics=False), log=log)
    account = collected.snapshot["accounts"][0]
    assert len(account["regions"][REGION]["dynamodb"]["tables"]) == 105
    assert log.calls[("dynamodb", "ListTables")] == 2
    assert [p["CachePolicyConfig"]["Name"] for p in account["global"]["cloudfront"][
        "cache_policies"]] == [f"p{i}" for i in range(5)]
    assert log.calls[("cloudfront", "ListCachePolicies")] == 3


# --- every fault of one operation is a warning (issue 18) -------------------------------------


def _closed_port() -> int:
    import socket

    with socket.socket() as s:  # bound, never listening: connections are refused
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _not_read(report) -> set[tuple[str, str]]:
    """(service:operation, kind) of each warning."""
    out = set()
    for w in report.warnings:
        what, _, rest = w.partition(" not read (")
        out.add((what.split(": ", 1)[1], rest.split(")", 1)[0]))
    return out


def test_an_html_error_page_is_a_warning_whatever_the_protocol(aws):
    seed_shop(clients(aws.url), aws.layer)
    aws.layer.faults += [Fault("elasticache", "DescribeReplicationGroups", kind="html500"),
                         Fault("dax", "DescribeClusters", kind="html500")]
    report = _scan()
    not_read = _not_read(report)
    # XML (query) protocol: botocore cannot parse the page at all; JSON: an HTTP 500 error.
    assert ("elasticache:describe_replication_groups", "bad-response") in not_read
    assert ("dax:describe_clusters", "server-error") in not_read
    assert {w for w, _ in not_read} == {"elasticache:describe_replication_groups",
                                        "dax:describe_clusters"}
    assert any("'500 Internal Server Error'" in w for w in report.warnings)
    found = {f.rule.id for f in report.findings}
    assert {"CL101", "CL103", "CL208"} <= found  # API Gateway and CloudFront still read
    assert not found & {"CL303", "CL401", "CL403", "CL405"}  # nothing on what was not read
    assert report.incomplete


def test_service_specific_endpoints_and_one_refusing_connections(aws, monkeypatch):
    """AWS_ENDPOINT_URL_<SERVICE> overrides AWS_ENDPOINT_URL, as boto3 documents: here the
    global endpoint refuses connections and each service has its own, DynamoDB's refusing."""
    seed_shop(clients(aws.url), aws.layer)
    closed = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed)
    for name in ("API_GATEWAY", "APIGATEWAYV2", "ELASTICACHE", "DAX", "CLOUDFRONT",
                 "CLOUDWATCH", "IAM", "STS", "RESOURCE_GROUPS_TAGGING_API"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{name}", aws.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", closed)
    report = _scan(metrics=False)
    assert _not_read(report) == {("dynamodb:list_tables", "unreachable")}
    found = {f.rule.id for f in report.findings}
    assert {"CL101", "CL208", "CL301", "CL401"} <= found  # every other service was read


def test_a_proxy_that_refuses_is_a_warning(aws, monkeypatch):
    seed_shop(clients(aws.url), aws.layer)
    # Only DAX goes through the (closed) proxy: its endpoint is not in NO_PROXY.
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DAX", aws.url.replace("127.0.0.1", "localhost"))
    report = _scan(metrics=False)
    assert _not_read(report) == {("dax:describe_clusters", "proxy-error")}
    assert {"CL101", "CL208", "CL301"} <= {f.rule.id for f in report.findings}


def test_credentials_expiring_mid_scan_stop_the_account_with_one_warning(aws):
    seed_shop(clients(aws.url), aws.layer)
    expiry = Fault("*", kind="expired", after=6)
    aws.layer.faults.append(expiry)
    log = CallLog()
    collected = collect(AwsOptions(regions=(REGION,), settings=FAST, workers=1), log=log)
    assert [(w["kind"], w["message"].endswith("no further calls to this account"))
            for w in collected.warnings] == [("expired-credentials", True)]
    assert expiry.hits == 1  # the one failed call; nothing was sent after it
    assert log.total == 7
    assert collected.summaries[0].status == "partial"


def test_an_unknown_operation_is_a_warning(aws):
    seed_shop(clients(aws.url), aws.layer)
    # A JSON-protocol endpoint that does not know the operation (as a partial emulator answers).
    aws.layer.faults.append(Fault("dynamodb", "ListTables", kind="unknown-operation"))
    report = _scan(metrics=False)
    assert _not_read(report) == {("dynamodb:list_tables", "unsupported")}
