"""Configuration: validated against its JSON Schema, found by walking up, applied to the scan."""

from __future__ import annotations

import os

import pytest

from cachelint.config import ConfigError, load_config, parse_config
from cachelint.scan import ScanOptions, run_scan

DAX = ('resource "aws_dax_cluster" "reads" {\n  cluster_name = "reads"\n'
       '  replication_factor = 2\n  cluster_endpoint_encryption_type = "TLS"\n'
       '  server_side_encryption {\n    enabled = true\n  }\n}\n'
       # a parameter group declared beside it and never attached: CL402's evidence
       'resource "aws_dax_parameter_group" "reads" {\n  name = "reads"\n'
       '  parameters {\n    name  = "record-ttl-millis"\n    value = "10000"\n  }\n}\n')


@pytest.mark.parametrize("data, message", [
    ({"selekt": ["CL1"]}, "unknown key(s) selekt"),
    ({"fail_on": "urgent"}, "fail_on: 'urgent' is not one of"),
    ({"ignore": "CL101"}, "ignore: 'CL101' is not of type 'array'"),
    ({"severity": {"CL999": "high"}}, "severity: no rule 'CL999'"),
    ({"severity": {"CL101": "urgent"}}, "severity.CL101"),
    ({"thresholds": {"dax_min_node": 2}}, "thresholds"),
    ({"per_path_ignores": {"legacy/*": "CL1"}}, "per_path_ignores.legacy/*"),
])
def test_typos_are_errors_naming_file_and_key(data, message):
    with pytest.raises(ConfigError) as exc:
        parse_config(data, "/repo/.cachelint.yaml")
    assert str(exc.value).startswith("/repo/.cachelint.yaml: ")
    assert message in str(exc.value)


def test_kebab_case_keys_are_accepted():
    config = parse_config({"fail-on": "high", "per-path-ignores": {"a/*": ["CL1"]}}, "x.toml")
    assert config.fail_on == "high" and config.per_path_ignores == (("a/*", ("CL1",)),)


def test_config_is_found_walking_up_from_the_scanned_path(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".cachelint.yml").write_text("ignore: [CL402]\n")
    deep = tmp_path / "envs" / "prod"
    deep.mkdir(parents=True)
    assert load_config(None, str(deep)).ignore == ("CL402",)


def scan_ids(tmp_path, config_text):
    (tmp_path / ".cachelint.yaml").write_text(config_text)
    config = load_config(None, str(tmp_path))
    report = run_scan(ScanOptions(paths=(str(tmp_path),), config=config))
    return {(f.rule.id, f.severity.label, os.path.relpath(os.path.abspath(f.location.path),
                                                          tmp_path))
            for f in report.findings}


def test_thresholds_severity_overrides_and_per_path_ignores(tmp_path):
    (tmp_path / "main.tf").write_text(DAX)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "main.tf").write_text(DAX)
    both = {("CL402", "low", "main.tf"), ("CL405", "medium", "main.tf"),
            ("CL402", "low", "legacy/main.tf"), ("CL405", "medium", "legacy/main.tf")}
    assert scan_ids(tmp_path, "{}\n") == both
    assert scan_ids(tmp_path, "thresholds: {dax_min_nodes: 2}\n") == {
        ("CL402", "low", "main.tf"), ("CL402", "low", "legacy/main.tf")}
    found = scan_ids(tmp_path, "severity: {dax-replication-factor-low: critical}\n"
                               "per_path_ignores: {'legacy/*': [CL4]}\n")
    assert found == {("CL402", "low", "main.tf"), ("CL405", "critical", "main.tf")}


def test_parameter_overrides_from_config(tmp_path):
    (tmp_path / "t.yaml").write_text(
        "Parameters:\n  Nodes: {Type: Number, Default: 3}\nResources:\n  Reads:\n"
        "    Type: AWS::DAX::Cluster\n    Properties:\n      ReplicationFactor: !Ref Nodes\n"
        "      ParameterGroupName: p\n      ClusterEndpointEncryptionType: TLS\n"
        "      SSESpecification: {SSEEnabled: true}\n")
    assert ("CL405", "medium", "t.yaml") in scan_ids(tmp_path, "parameter_overrides: {Nodes: 1}\n")
