"""The command line as users and CI call it: a real subprocess, real files, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FAIL_CASE = ROOT / "tests" / "rules" / "CL101" / "terraform" / "fail"
PASS_CASE = ROOT / "tests" / "rules" / "CL101" / "terraform" / "pass"


def cachelint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cachelint", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def report_schema() -> dict:
    return json.loads((ROOT / "cachelint" / "schemas" / "report.schema.json").read_text())


def test_clean_scan_exits_0():
    result = cachelint("scan", str(PASS_CASE))
    assert result.returncode == 0, result.stderr
    assert "No findings" in result.stdout


def test_findings_exit_1_with_path_line_rule_and_fix():
    result = cachelint("scan", str(FAIL_CASE), "--no-color")
    assert result.returncode == 1
    assert "main.tf:46 CL101 api-cache-ttl-zero [medium, missing-ttl]" in result.stdout
    assert "fix: Give the cached methods a TTL" in result.stdout
    assert "cache_ttl_in_seconds = 300" in result.stdout  # the fix in Terraform's own syntax
    assert "\033[" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("Found 2 findings")


def test_fail_on_threshold_and_exit_zero():
    # CL101 and CL106 are medium: a high threshold passes, medium fails.
    assert cachelint("scan", str(FAIL_CASE), "--fail-on", "high").returncode == 0
    assert cachelint("scan", str(FAIL_CASE), "--fail-on", "medium").returncode == 1
    assert cachelint("scan", str(FAIL_CASE), "--exit-zero").returncode == 0


def test_select_and_ignore_by_prefix_and_name():
    result = cachelint("scan", str(FAIL_CASE), "--format", "json", "--ignore", "CL106")
    assert {f["rule_id"] for f in json.loads(result.stdout)["findings"]} == {"CL101"}
    result = cachelint("scan", str(FAIL_CASE), "--format", "json", "--select", "CL1",
                       "--ignore", "api-cache-ttl-zero")
    assert {f["rule_id"] for f in json.loads(result.stdout)["findings"]} == {"CL106"}
    result = cachelint("scan", str(FAIL_CASE), "--format", "json", "--select", "CL101",
                       "--ignore", "CL1")
    assert {f["rule_id"] for f in json.loads(result.stdout)["findings"]} == {"CL101"}


def test_json_output_validates_against_the_documented_schema(tmp_path):
    out = tmp_path / "report.json"
    result = cachelint("scan", str(EXAMPLES), "--format", "json", "--output-file", str(out))
    assert result.returncode == 1
    assert result.stdout == ""
    data = json.loads(out.read_text())
    jsonschema.validate(data, report_schema())
    first = data["findings"][0]
    assert first["location"]["path"].startswith("examples/")
    assert data["summary"]["findings"] == len(data["findings"])


def test_parse_errors_are_reported_in_json_and_the_scan_goes_on(tmp_path):
    (tmp_path / "bad.tf").write_text('resource "aws_dax_cluster" "x" {\n')
    (tmp_path / "ok.tf").write_text(
        'resource "aws_dax_cluster" "y" {\n  cluster_name = "y"\n  replication_factor = 1\n}\n')
    result = cachelint("scan", ".", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    jsonschema.validate(data, report_schema())
    assert [e["path"] for e in data["errors"]] == ["bad.tf"]
    assert {(f["rule_id"], f["location"]["path"]) for f in data["findings"]} >= {
        ("CL001", "bad.tf"), ("CL405", "ok.tf")}
    assert "Traceback" not in result.stderr


def test_fingerprints_survive_moved_lines(tmp_path):
    body = 'resource "aws_dax_cluster" "y" {\n  cluster_name = "y"\n  replication_factor = 1\n}\n'
    (tmp_path / "main.tf").write_text(body)
    before = json.loads(cachelint("scan", ".", "--format", "json", cwd=tmp_path).stdout)
    (tmp_path / "main.tf").write_text("# moved\n\n" + body)
    after = json.loads(cachelint("scan", ".", "--format", "json", cwd=tmp_path).stdout)
    # Not vacuous: the cluster has findings (CL405 at least) whose lines moved.
    assert "CL405" in {f["rule_id"] for f in before["findings"]}
    assert [f["location"]["start_line"] + 2 for f in before["findings"]] == \
        [f["location"]["start_line"] for f in after["findings"]]
    assert [f["fingerprint"] for f in before["findings"]] == \
        [f["fingerprint"] for f in after["findings"]]


@pytest.mark.parametrize("args, message", [
    (("scan", "does-not-exist"), "does not exist"),
    (("scan", ".", "--fail-on", "urgent"), "urgent"),
    (("scan", ".", "--var", "novalue"), "NAME=VALUE"),
    (("explain", "CL999"), "no rule"),
    (("frobnicate",), "No such command"),
])
def test_usage_errors_exit_2_with_one_clear_line(args, message):
    result = cachelint(*args, cwd=PASS_CASE)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_config_is_a_usage_error(tmp_path):
    (tmp_path / ".cachelint.yaml").write_text("selekt: [CL1]\n")
    (tmp_path / "main.tf").write_text("")
    result = cachelint("scan", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert ".cachelint.yaml: unknown key(s) selekt" in result.stderr


def test_config_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cachelint]\nignore = ["CL405"]\n')
    (tmp_path / "main.tf").write_text(
        'resource "aws_dax_cluster" "y" {\n  cluster_name = "y"\n  replication_factor = 1\n'
        '  cluster_endpoint_encryption_type = "TLS"\n'
        '  server_side_encryption {\n    enabled = true\n  }\n}\n'
        'resource "aws_dax_parameter_group" "y" {\n  name = "y"\n'
        '  parameters {\n    name  = "query-ttl-millis"\n    value = "10000"\n  }\n}\n')
    result = cachelint("scan", ".", "--format", "json", cwd=tmp_path)
    ids = {f["rule_id"] for f in json.loads(result.stdout)["findings"]}
    assert ids == {"CL402"}


def test_rules_and_explain_read_the_catalogue():
    listing = json.loads(cachelint("rules", "--format", "json").stdout)
    assert {"CL101", "CL201", "CL301", "CL401"} <= {r["id"] for r in listing}
    text = cachelint("explain", "api-cache-ttl-zero").stdout
    for heading in ("# CL101 api-cache-ttl-zero", "## What it does", "## Why is this bad?",
                    "## Example", "## Use instead", "## References"):
        assert heading in text
    assert cachelint("explain", "cl101").stdout == text


def test_version_and_console_script():
    result = cachelint("--version")
    assert result.returncode == 0 and "cachelint" in result.stdout


def test_cloudformation_parameter_overrides_both_forms(tmp_path):
    (tmp_path / "t.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Nodes: {Type: Number, Default: 3}\n"
        "Resources:\n  Reads:\n    Type: AWS::DAX::Cluster\n    Properties:\n"
        "      ReplicationFactor: !Ref Nodes\n      ClusterEndpointEncryptionType: TLS\n"
        "      SSESpecification: {SSEEnabled: true}\n")
    def ids(*args):
        out = cachelint("scan", "t.yaml", "--format", "json", "--select", "CL405", *args,
                        cwd=tmp_path)
        return {f["rule_id"] for f in json.loads(out.stdout)["findings"]}
    assert ids() == set()
    assert ids("--parameter-overrides", "Nodes=1") == {"CL405"}
    assert ids("--parameter-overrides", "ParameterKey=Nodes,ParameterValue=1") == {"CL405"}
    assert ids("--parameter-overrides", "Other=x Nodes=1") == {"CL405"}
