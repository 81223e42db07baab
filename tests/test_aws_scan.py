"""Live AWS scans against a real moto server over HTTP (tests/aws_layer.py says which calls a
test-only layer in front of moto answers, and why)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aws_seed import (
    ACCOUNT, ORIGIN_SECRET, REGION, STAGE_SECRET, clients, seed_api, seed_shop, seed_table,
)
from cachelint.aws.collect import AwsOptions, collect
from cachelint.catalogue import load_catalogue
from cachelint.config import Config, load_config
from cachelint.scan import ScanOptions, run_scan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AWS_RULES = {r.id for r in load_catalogue() if "aws" in r.sources}


def live(config: Config = Config(), **aws) -> object:
    aws.setdefault("regions", (REGION,))
    return run_scan(ScanOptions(paths=(), config=config, aws=AwsOptions(**aws)))


def test_seeded_shop_account_gives_the_rule_ids_of_its_terraform(aws):
    seed_shop(clients(aws.url), aws.layer)
    config = load_config(str(EXAMPLES / ".cachelint.yaml"), str(EXAMPLES))
    report = live(config)
    code = run_scan(ScanOptions(paths=(str(EXAMPLES / "shop"),), config=config, jobs=1))
    expected = {f.rule.id for f in code.findings} & AWS_RULES
    assert {f.rule.id for f in report.findings} == expected
    assert len(expected) >= 20  # all four layers
    assert not report.warnings
    # Findings point at the deployed resource, with its account and Region: its ARN, or for a
    # DAX parameter group (which has no ARN) the console's name with Region and account.
    for f in report.findings:
        assert f.location.is_resource
        assert f.location.path.startswith("arn:aws:") or f.location.path == \
            f"dax:{REGION}:{ACCOUNT}:parametergroup/shop-orders"
        assert f.location.account == ACCOUNT
        assert f.location.region in (REGION, "global")


def test_findings_name_the_resource_arn_in_every_format(aws, tmp_path):
    seed_shop(clients(aws.url), aws.layer)
    out = {}
    for fmt in ("text", "json", "sarif", "github", "markdown", "junit"):
        result = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--aws", "--region",
                                 REGION, "--format", fmt, "--no-metrics"],
                                capture_output=True, text=True, cwd=tmp_path, env=os.environ)
        assert result.returncode == 1, result.stderr
        out[fmt] = result.stdout
    stage = "arn:aws:apigateway:us-east-1::/restapis/"
    assert f"{stage}" in out["text"] and f"({ACCOUNT}/{REGION})" in out["text"]
    data = json.loads(out["json"])
    f = next(x for x in data["findings"] if x["rule_id"] == "CL105")
    assert f["location"]["arn"].startswith(stage) and f["location"]["account"] == ACCOUNT
    assert f["resource"]["source"] == "aws" and f["location"]["start_line"] == 0
    sarif = json.loads(out["sarif"])
    result = sarif["runs"][0]["results"][0]
    assert "physicalLocation" not in result["locations"][0]
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("arn:")
    assert "file=" not in out["github"] and "arn:aws:" in out["github"]
    assert "arn:aws:" in out["markdown"] and f"{ACCOUNT}/{REGION}" in out["markdown"]
    assert "arn:aws:" in out["junit"]


def test_snapshot_scans_offline_like_the_live_account(aws, tmp_path):
    seed_shop(clients(aws.url), aws.layer)
    snap = tmp_path / "account.json"
    made = subprocess.run([sys.executable, "-m", "cachelint", "aws", "snapshot", "--region",
                           REGION, "-o", str(snap)], capture_output=True, text=True,
                          env=os.environ)
    assert made.returncode == 0, made.stderr
    assert "read-only API calls" in made.stderr
    offline_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    offline = subprocess.run([sys.executable, "-m", "cachelint", "scan", str(snap),
                              "--format", "json"], capture_output=True, text=True,
                             env=offline_env)
    online = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--aws", "--region",
                             REGION, "--format", "json"], capture_output=True, text=True,
                            env=os.environ)
    assert offline.returncode == online.returncode == 1

    def keyed(out: str) -> set:
        return {(f["rule_id"], f["location"]["path"], f["message"])
                for f in json.loads(out)["findings"]}

    assert keyed(offline.stdout) == keyed(online.stdout) != set()
    # Refuses to replace the snapshot without --force.
    again = subprocess.run([sys.executable, "-m", "cachelint", "aws", "snapshot", "--region",
                            REGION, "-o", str(snap)], capture_output=True, text=True,
                           env=os.environ)
    assert again.returncode == 2 and "--force" in again.stderr


def test_no_secret_reaches_a_snapshot_or_a_report(aws, tmp_path):
    seed_shop(clients(aws.url), aws.layer)
    snap = tmp_path / "account.json"
    subprocess.run([sys.executable, "-m", "cachelint", "aws", "snapshot", "--region", REGION,
                    "-o", str(snap)], check=True, capture_output=True, env=os.environ)
    outputs = [snap.read_text()]
    for fmt in ("text", "json", "sarif"):
        r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--aws", "--region",
                            REGION, "--format", fmt], capture_output=True, text=True,
                           env=os.environ)
        outputs += [r.stdout, r.stderr]
    secrets = (STAGE_SECRET, ORIGIN_SECRET, os.environ["AWS_SECRET_ACCESS_KEY"],
               os.environ["AWS_ACCESS_KEY_ID"])
    for text in outputs:
        for secret in secrets:
            assert secret not in text
    # The seed did write them: the test would prove nothing otherwise.
    assert STAGE_SECRET in json.dumps(clients(aws.url).apigateway.get_stages(
        restApiId=json.loads(snap.read_text())["accounts"][0]["regions"][REGION]["apigateway"]
        ["rest_apis"][0]["id"])["item"])


def test_usage_errors(tmp_path):
    r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--region", REGION,
                        str(EXAMPLES / "shop")], capture_output=True, text=True)
    assert r.returncode == 2 and "--region applies to a live scan: add --aws" in r.stderr
    # Without PATHS a scan reads the current folder (as ruff does), so a live-only option
    # without --aws is still an error there.
    r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--profile", "prod"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2 and "--profile applies to a live scan: add --aws" in r.stderr


def test_accounts_without_a_role_is_a_setup_error(aws, tmp_path):
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("111111111111  # payments\n")
    r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--aws", "--accounts",
                        str(accounts)], capture_output=True, text=True, env=os.environ)
    assert r.returncode == 2 and "--role-arn" in r.stderr and "Traceback" not in r.stderr
    accounts.write_text("not-an-account\n")
    r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--aws", "--accounts",
                        str(accounts), "--role-arn", "arn:aws:iam::111111111111:role/x"],
                       capture_output=True, text=True, env=os.environ)
    assert r.returncode == 2 and f"{accounts}:1: 'not-an-account' is not a 12-digit" in r.stderr


def test_organization_accounts_are_scanned_through_the_role(aws):
    c = clients(aws.url)
    c.organizations.create_organization(FeatureSet="ALL")
    created = c.organizations.create_account(AccountName="payments",
                                             Email="payments@example.com")
    member = c.organizations.describe_create_account_status(
        CreateAccountRequestId=created["CreateAccountStatus"]["Id"]
    )["CreateAccountStatus"]["AccountId"]
    # Resources in the member account, created through the same role the scan assumes.
    role = f"arn:aws:iam::{member}:role/CachelintReadOnly"
    creds = c.sts.assume_role(RoleArn=role, RoleSessionName="seed")["Credentials"]
    import boto3

    ddb = boto3.client("dynamodb", endpoint_url=aws.url, region_name=REGION,
                       aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
    ddb.create_table(TableName="member-table", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    collected = collect(AwsOptions(regions=(REGION,), organization=True,
                                   role_arn="arn:aws:iam::{account_id}:role/CachelintReadOnly",
                                   metrics=False))
    accounts = {a["account_id"]: a for a in collected.snapshot["accounts"]}
    assert member in accounts and ACCOUNT in accounts
    tables = [t["TableName"] for t in accounts[member]["regions"][REGION]["dynamodb"]["tables"]]
    assert tables == ["member-table"]
    assert accounts[ACCOUNT]["regions"][REGION]["dynamodb"]["tables"] == []
    assert ("sts", "AssumeRole") in collected.log.calls


def test_all_regions_reads_every_enabled_region(aws):
    seed_table(clients(aws.url, "eu-west-1"), "eu-table")
    collected = collect(AwsOptions(all_regions=True, metrics=False, workers=16))
    regions = collected.snapshot["accounts"][0]["regions"]
    assert "eu-west-1" in regions and len(regions) > 10
    assert [t["TableName"] for t in regions["eu-west-1"]["dynamodb"]["tables"]] == ["eu-table"]
    assert regions["us-east-1"]["dynamodb"]["tables"] == []


def test_the_example_snapshot_holds_the_shop_and_its_traffic(tmp_path):
    """examples/aws/shop-account.json (scripts/example_snapshot.py) is examples/shop as
    deployed, with a week of CloudWatch traffic: the code's rules plus the evidence rules."""
    config = load_config(str(EXAMPLES / ".cachelint.yaml"), str(EXAMPLES))
    snap = run_scan(ScanOptions(paths=(str(EXAMPLES / "aws" / "shop-account.json"),),
                                config=config))
    code = run_scan(ScanOptions(paths=(str(EXAMPLES / "shop"),), config=config, jobs=1))
    assert {f.rule.id for f in snap.findings} == \
        ({f.rule.id for f in code.findings} & AWS_RULES) | {"CL407", "CL408", "CL504"}
    # generate --from-scan wires the deployed API by its id.
    out = tmp_path / "modules"
    r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--config",
                        str(EXAMPLES / ".cachelint.yaml"), "-q", "--generate", str(out),
                        str(EXAMPLES / "aws" / "shop-account.json")], capture_output=True,
                       text=True)
    assert r.returncode == 1, r.stderr
    api_id = next(f.context["rest_api"] for f in snap.findings if "rest_api" in f.context)
    readme = (out / "apigateway-cache" / "README.md").read_text()
    assert f'rest_api_id       = "{api_id}"' in readme
    assert ":0\n" not in readme


def test_progress_is_shown_on_a_terminal_only(aws):
    import pty

    seed_api(clients(aws.url), routes={"p": ("GET", "NONE")})
    primary, secondary = pty.openpty()
    r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--aws", "--region", REGION,
                        "--region", "eu-west-1", "--no-metrics", "-q"], stdout=subprocess.PIPE,
                       stderr=secondary, env=os.environ)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert r.returncode in (0, 1)
    # One account; two Regions and the global task; the calls and warnings so far.
    assert re.search(rb"1/1 accounts, Regions 3/3, \d+ calls, 0 warnings", shown), shown
    piped = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--aws", "--region",
                            REGION, "--no-metrics", "-q"], capture_output=True, text=True,
                           env=os.environ)
    assert "accounts, Regions" not in piped.stderr


def test_scanning_code_or_a_snapshot_does_not_import_boto3():
    """boto3 costs start-up time (pre-commit runs cachelint on every commit): only a live scan
    loads it."""
    code = ("import sys; from cachelint.cli import cli\n"
            "try:\n    cli.main(sys.argv[1:], standalone_mode=False)\n"
            "except SystemExit:\n    pass\n"
            "print('boto3' in sys.modules, 'botocore' in sys.modules)")
    for target in (str(EXAMPLES / "shop"), str(EXAMPLES / "aws" / "shop-account.json")):
        r = subprocess.run([sys.executable, "-c", code, "scan", "-q", "--format", "json",
                            target], capture_output=True, text=True)
        assert r.stdout.strip().endswith("False False"), (target, r.stdout[-200:], r.stderr)


# --- faults a new user meets: a plain moto server, setup problems (issue 18) ------------------


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cachelint", *args], capture_output=True,
                          text=True, env=env if env is not None else os.environ)


def test_a_plain_moto_server_is_read_with_warnings_for_what_it_lacks(aws, plain_moto_server):
    """moto answers the operations it does not implement with a 404 or an HTML 500 page: each
    is a warning, the scan exits 3, and what moto can answer gives the findings it gives
    through the layer."""
    seed_shop(clients(aws.url), aws.layer)
    layered = _cli("scan", "--aws", "--region", REGION, "--format", "json", "--no-metrics")
    plain = _cli("scan", "--aws", "--region", REGION, "--format", "json", "--no-metrics",
                 env={**os.environ, "AWS_ENDPOINT_URL": plain_moto_server.url})
    assert layered.returncode == 1 and plain.returncode == 3, plain.stderr
    assert "internal error" not in plain.stderr and "Traceback" not in plain.stderr
    data = json.loads(plain.stdout)
    not_read = {w.split(": ", 1)[1].split(" not read (")[0]: w.split(" not read (")[1]
                .split(")")[0] for w in data["warnings"]}
    # Exactly the operations moto 5.2.5 lacks (tests/aws_layer.py answers them).
    assert not_read == {"cloudfront:list_cache_policies": "unsupported",
                        "cloudfront:list_origin_request_policies": "unsupported",
                        "elasticache:describe_serverless_caches": "bad-response"}

    def on(out: str, prefixes: tuple[str, ...]) -> set:
        return {(f["rule_id"], f["location"]["path"]) for f in json.loads(out)["findings"]
                if f["location"]["path"].startswith(prefixes)}

    # API Gateway, CloudFront distributions and DynamoDB are read in full by moto alone.
    readable = ("arn:aws:apigateway:", "arn:aws:cloudfront::123456789012:distribution/",
                "arn:aws:dynamodb:")
    assert on(plain.stdout, readable) == on(layered.stdout, readable) != set()


def _no_aws_env(tmp_path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**env, "HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(tmp_path / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"), **extra}


def test_setup_problems_are_one_line_errors(tmp_path):
    env = _no_aws_env(tmp_path)
    (tmp_path / "config").write_text(
        "[profile sso-dev]\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n"
        "region = us-east-1\n")
    cases = {
        (): "no AWS credentials found",
        ("--profile", "missing"): "AWS profile 'missing'",
        ("--profile", "sso-dev"): "aws sso login --profile sso-dev",
    }
    for args, expected in cases.items():
        r = _cli("scan", "--aws", "--no-metrics", *args, env=env)
        assert r.returncode == 2, (args, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and "internal error" not in lines[0], \
            (args, r.stderr)


def test_a_role_no_account_lets_assume_is_a_setup_error(aws, tmp_path):
    from aws_layer import Fault

    accounts = tmp_path / "accounts.txt"
    accounts.write_text("111111111111\n222222222222\n")
    aws.layer.faults.append(Fault("sts", "AssumeRole", kind="denied"))
    r = _cli("scan", "--aws", "--no-metrics", "--accounts", str(accounts), "--role-arn",
             "arn:aws:iam::{account_id}:role/CachelintReadOnly")
    assert r.returncode == 2, r.stderr
    assert "cannot assume arn:aws:iam::{account_id}:role/CachelintReadOnly in any of the 2 " \
        "account(s): AccessDenied" in r.stderr


def test_a_role_one_account_refuses_fails_that_account_only(aws, tmp_path):
    from aws_layer import Fault

    accounts = tmp_path / "accounts.txt"
    accounts.write_text("111111111111\n222222222222\n")
    aws.layer.faults.append(Fault("sts", "AssumeRole", kind="denied", times=1))
    r = _cli("scan", "--aws", "--no-metrics", "--aws-workers", "1", "--accounts",
             str(accounts), "--role-arn", "arn:aws:iam::{account_id}:role/CachelintReadOnly")
    assert r.returncode == 3, r.stderr
    assert "warning: 111111111111/us-east-1: sts:assume_role not read (access-denied)" \
        in r.stdout
    assert "AWS accounts: 1 read, 0 partial, 1 failed" in r.stderr
    assert re.search(r"111111111111\s+failed\s+0\s+1\s+1\s+sts:assume_role \(access-denied\)",
                     r.stderr), r.stderr


def test_a_profile_s_endpoint_configuration_is_followed(aws, tmp_path):
    """The config file's ``services`` section gives one service its endpoint, as boto3
    documents; every client of the scan (not only the first) follows the profile."""
    seed_shop(clients(aws.url), aws.layer)
    (tmp_path / "config").write_text(
        f"[profile local]\nregion = {REGION}\nendpoint_url = {aws.url}\nservices = local-svc\n"
        "\n[services local-svc]\ndynamodb =\n  endpoint_url = http://127.0.0.1:9\n")
    (tmp_path / "credentials").write_text(
        "[local]\naws_access_key_id = AKIATESTINGKEY000001\n"
        "aws_secret_access_key = testing-secret-access-key-do-not-print\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(tmp_path / "config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
               AWS_EC2_METADATA_DISABLED="true")
    r = _cli("scan", "--aws", "--profile", "local", "--no-metrics", "--format", "json", env=env)
    assert r.returncode == 3, r.stderr
    data = json.loads(r.stdout)
    assert [w.split(" not read ")[0] for w in data["warnings"]] == \
        [f"{ACCOUNT}/{REGION}: dynamodb:list_tables"]  # port 9: refused
    assert {"CL101", "CL208", "CL301"} <= {f["rule_id"] for f in data["findings"]}


@pytest.mark.parametrize("source, reported", [("method.request.body.query", False),
                                              ("method.request.header.X-Query", True)])
def test_a_live_post_keyed_on_a_body_field_is_not_reported(aws, source, reported):
    c = clients(aws.url)
    api, ids = seed_api(c, name="catalog", routes={"search": ("POST", "NONE")},
                        stage_settings={"search/POST": {"caching/enabled": True,
                                                        "caching/ttlInSeconds": 300,
                                                        "caching/dataEncrypted": True}})
    key = "integration.request.header.X-Query"
    c.apigateway.put_integration(
        restApiId=api, resourceId=ids["search"], httpMethod="POST", type="HTTP",
        integrationHttpMethod="POST", uri="https://backend.example/search",
        requestParameters={key: source, "integration.request.header.X-Token": "'tok-1234'"},
        cacheKeyParameters=[key])
    snapshot = json.dumps(collect(AwsOptions(regions=(REGION,), metrics=False)).snapshot)
    assert source in snapshot and "tok-1234" not in snapshot  # a static value is not kept
    found = [f for f in live().findings if f.rule.id == "CL103"]
    assert len(found) == int(reported)
    if reported:
        assert f"request body is not part of its key ({key})" in found[0].message
