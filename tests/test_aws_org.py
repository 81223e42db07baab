"""An organization on one machine: each account's snapshot written as it completes, a scan
killed half way resumed from the folder, the per-account summary (real moto server over HTTP,
its multi-account STS, and the test layer)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3

from aws_layer import Fault
from aws_seed import ACCOUNT, REGION, clients, seed_api
from cachelint.aws.collect import AwsOptions, collect

ROLE = "arn:aws:iam::{account_id}:role/CachelintReadOnly"


class _Member:
    """boto3 clients in a member account, through the role the scan assumes."""

    def __init__(self, url: str, account: str):
        creds = clients(url).sts.assume_role(RoleArn=ROLE.format(account_id=account),
                                             RoleSessionName="seed")["Credentials"]
        self.kwargs = {"endpoint_url": url, "region_name": REGION,
                       "aws_access_key_id": creds["AccessKeyId"],
                       "aws_secret_access_key": creds["SecretAccessKey"],
                       "aws_session_token": creds["SessionToken"]}

    def __getattr__(self, service: str):
        return boto3.client(service, **self.kwargs)


def _organization(url: str, members: int) -> list[str]:
    """An organization of ``members`` accounts besides the management account, each with one
    DynamoDB table named after it, and the first with a REST API whose cache has findings."""
    c = clients(url)
    c.organizations.create_organization(FeatureSet="ALL")
    ids = []
    for i in range(members):
        created = c.organizations.create_account(AccountName=f"team{i}",
                                                 Email=f"team{i}@example.com")
        ids.append(c.organizations.describe_create_account_status(
            CreateAccountRequestId=created["CreateAccountStatus"]["Id"]
        )["CreateAccountStatus"]["AccountId"])
    for account in ids:
        _Member(url, account).dynamodb.create_table(
            TableName=f"table-{account}", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    seed_api(_Member(url, ids[0]), stage_settings={"*/*": {"caching/enabled": True,
                                                           "caching/ttlInSeconds": 0}})
    return ids


def _tables(doc: dict) -> dict[str, list[str]]:
    return {a["account_id"]: [t["TableName"] for t in a["regions"][REGION]["dynamodb"]["tables"]]
            for a in doc["accounts"]}


def test_each_account_is_written_as_it_completes_and_leaves_memory(aws, tmp_path):
    members = _organization(aws.url, 3)
    folder = tmp_path / "snap"
    collected = collect(AwsOptions(regions=(REGION,), organization=True, role_arn=ROLE,
                                   metrics=False, workers=2, snapshot_dir=str(folder)))
    assert collected.memory == []  # nothing of the accounts is kept once written
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{a}.json" for a in members + [ACCOUNT])
    for account in members:
        doc = json.loads((folder / f"{account}.json").read_text())
        assert doc["cachelint_snapshot"] == 1 and _tables(doc) == {account: [f"table-{account}"]}
    # The documents, read back one at a time, are the whole organization.
    assert _tables(collected.snapshot) == {**{a: [f"table-{a}"] for a in members}, ACCOUNT: []}
    assert [s.status for s in collected.summaries] == ["read"] * 4


def test_a_folder_with_snapshots_needs_resume(aws, tmp_path):
    _organization(aws.url, 1)
    folder = tmp_path / "snap"
    folder.mkdir()
    (folder / f"{ACCOUNT}.json").write_text("{}")
    r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--aws", "--organization",
                        "--role-arn", ROLE, "--no-metrics", "--snapshot-dir", str(folder)],
                       capture_output=True, text=True, env=os.environ)
    assert r.returncode == 2 and f"pass --resume {folder}" in r.stderr
    assert (folder / f"{ACCOUNT}.json").read_text() == "{}"  # not overwritten


def _wait_for_files(folder: Path, count: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if folder.is_dir() and len(list(folder.glob("*.json"))) >= count:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} accounts written in {timeout} s")


def test_a_scan_killed_half_way_resumes_where_it_stopped(aws, tmp_path):
    members = _organization(aws.url, 7)
    everyone = sorted(members + [ACCOUNT])
    folder = tmp_path / "snap"
    # Each account's table listing takes a moment, so the scan can be stopped mid-way.
    aws.layer.faults.append(Fault("dynamodb", "ListTables", kind="slow", delay=0.4))
    command = [sys.executable, "-m", "cachelint", "aws", "snapshot", "--organization",
               "--role-arn", ROLE, "--region", REGION, "--no-metrics", "--aws-workers", "1"]
    proc = subprocess.Popen(command + ["--snapshot-dir", str(folder)], env=os.environ,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_files(folder, 3, proc, timeout=120)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    written = sorted(p.name[:12] for p in folder.glob("*.json"))
    assert 3 <= len(written) < len(everyone)
    # Each account file on disk is complete (written to a temporary file, then renamed; a
    # temporary file the kill interrupted is ignored on resume).
    for account in written:
        assert list(_tables(json.loads((folder / f"{account}.json").read_text()))) == [account]

    aws.layer.requests.clear()
    resumed = subprocess.run(command + ["--resume", str(folder)], capture_output=True,
                             text=True, env=os.environ)
    assert resumed.returncode == 0, resumed.stderr
    assumed = sum(1 for s, op, _ in aws.layer.requests if (s, op) == ("sts", "AssumeRole"))
    assert assumed == len(everyone) - len(written)  # only the accounts not on disk were read
    assert f"AWS accounts: {len(everyone)} read, 0 partial, 0 failed " \
           f"({len(written)} from the snapshot folder)" in resumed.stderr
    assert sorted(p.name[:12] for p in folder.glob("*.json")) == everyone

    # The resumed folder scans offline like one uninterrupted read of the organization.
    aws.layer.faults.clear()
    whole = tmp_path / "whole.json"
    subprocess.run(command + ["-o", str(whole)], check=True, capture_output=True,
                   env=os.environ)

    def findings(*paths: str) -> set:
        r = subprocess.run([sys.executable, "-m", "cachelint", "scan", "--format", "json",
                            *paths], capture_output=True, text=True, env=os.environ)
        assert r.returncode in (0, 1), r.stderr
        return {(f["rule_id"], f["location"]["path"], f["location"]["account"])
                for f in json.loads(r.stdout)["findings"]}

    per_account = [str(folder / f"{a}.json") for a in everyone]
    found = findings(*per_account)
    assert found == findings(str(whole))
    assert {account for _, _, account in found} == {members[0]}  # the member's API
    merged: dict = {}
    for path in per_account:
        merged.update(_tables(json.loads(Path(path).read_text())))
    assert merged == _tables(json.loads(whole.read_text()))
