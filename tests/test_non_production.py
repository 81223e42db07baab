"""Non-production paths: availability, cost and stampede findings in sandbox code are info, with the
reason in the message; production, and every other category, keep their severity."""

from __future__ import annotations

import os

import pytest

from cachelint.catalogue import Severity
from cachelint.config import Config, ConfigError, parse_config

SINGLE = """
resource "aws_elasticache_replication_group" "c" {
  replication_group_id       = "c"
  description                = "c"
  engine                     = "valkey"
  num_cache_clusters         = 1
  transit_encryption_enabled = false
}
"""
MODULE = SINGLE.replace("num_cache_clusters         = 1",
                        "num_cache_clusters = var.nodes\n"
                        "  automatic_failover_enabled = var.nodes > 1"
                        "\n  multi_az_enabled = var.nodes > 1") + 'variable "nodes" {}\n'


def levels(report):
    return sorted((os.path.relpath(f.location.path), f.rule.id, f.severity.label)
                  for f in report.findings)


def test_dev_test_and_staging_folders_demote_availability_only(tf, scan, monkeypatch):
    path = tf({"envs/dev/main.tf": SINGLE, "envs/prod/main.tf": SINGLE,
               "staging/main.tf": SINGLE, "test/main.tf": SINGLE})
    monkeypatch.chdir(path)
    report = scan(path)
    assert levels(report) == [
        ("envs/dev/main.tf", "CL303", "info"), ("envs/dev/main.tf", "CL305", "medium"),
        ("envs/prod/main.tf", "CL303", "medium"), ("envs/prod/main.tf", "CL305", "medium"),
        ("staging/main.tf", "CL303", "info"), ("staging/main.tf", "CL305", "medium"),
        ("test/main.tf", "CL303", "info"), ("test/main.tf", "CL305", "medium")]
    (dev,) = [f for f in report.findings if f.rule.id == "CL303" and "dev" in f.location.path]
    assert "envs/dev/main.tf matches the non_production pattern '**/dev/**'" in dev.message
    assert dev.demoted and dev.rule.severity is Severity.MEDIUM  # the rule itself is unchanged


def test_patterns_are_relative_to_the_scanned_folder(tf, scan, monkeypatch):
    """A checkout under /home/ci/test/ or a fixture folder named test is not a sandbox."""
    path = tf({"test/repo/main.tf": SINGLE})
    monkeypatch.chdir(path)
    assert ("test/repo/main.tf", "CL303", "medium") in levels(scan(path / "test" / "repo"))
    assert ("test/repo/main.tf", "CL303", "info") in levels(scan(path))


def test_a_module_is_demoted_only_when_every_root_is_non_production(tf, scan, monkeypatch):
    path = tf({"modules/cache/main.tf": MODULE,
               "envs/dev/main.tf": 'module "c" {\n  source = "../../modules/cache"\n'
                                   '  nodes  = 1\n}\n',
               "envs/staging/main.tf": 'module "c" {\n  source = "../../modules/cache"\n'
                                       '  nodes  = 1\n}\n',
               "envs/prod/main.tf": 'module "c" {\n  source = "../../modules/cache"\n'
                                    '  nodes  = 2\n}\n'})
    monkeypatch.chdir(path)
    report = scan(path)
    cl303 = [(os.path.relpath(f.location.path), f.severity.label) for f in report.findings
             if f.rule.id == "CL303"]
    # Written in the module, produced by the dev and staging roots only (prod has 2 nodes).
    assert cl303 == [("modules/cache/main.tf", "info")]
    (finding,) = [f for f in report.findings if f.rule.id == "CL303"]
    assert finding.all_roots == ("envs/dev", "envs/staging")
    assert "envs/dev/ matches the non_production pattern" in finding.message
    # The transit finding is written in the module and produced by prod too: kept.
    (cl305,) = [f for f in report.findings if f.rule.id == "CL305"]
    assert cl305.severity.label == "medium"
    # One production root producing it keeps its severity.
    (path / "envs/prod/main.tf").write_text((path / "envs/dev/main.tf").read_text())
    cl303 = [f.severity.label for f in scan(path).findings if f.rule.id == "CL303"]
    assert cl303 == ["medium"]
    # Nothing is non-production when the configuration says so.
    cl303 = [f.severity.label for f in scan(path, config=Config(non_production=())).findings
             if f.rule.id == "CL303"]
    assert cl303 == ["medium"]


STAGE = """
variable "cache" {}
resource "aws_api_gateway_stage" "s" {
  rest_api_id           = "abc"
  deployment_id         = "d"
  stage_name            = "s"
  cache_cluster_enabled = var.cache
  cache_cluster_size    = "0.5"
}
"""


def test_tfvars_of_a_sandbox_demote_the_cost_they_set(tf, scan, monkeypatch):
    path = tf({"main.tf": STAGE, "dev.tfvars": "cache = true\n", "prod.tfvars": "cache = true\n"})
    monkeypatch.chdir(path)
    for tfvars, level in (("dev.tfvars", "info"), ("prod.tfvars", "medium")):
        report = scan(path, var_files=(str(path / tfvars),))
        (cl106,) = [f for f in report.findings if f.rule.id == "CL106"]
        assert (os.path.relpath(cl106.location.path), cl106.severity.label) == (tfvars, level)


def test_configuration_replaces_or_turns_off_the_defaults(tf, scan, monkeypatch):
    path = tf({"envs/dev/main.tf": SINGLE, "sandbox-eu/main.tf": SINGLE})
    monkeypatch.chdir(path)
    off = parse_config({"non_production": []}, "x.yaml")
    assert [f.severity.label for f in scan(path, config=off).findings
            if f.rule.id == "CL303"] == ["medium", "medium"]
    mine = parse_config({"non-production": ["sandbox-*/**"]}, "x.yaml")
    assert levels(scan(path, config=mine))[:2] == [
        ("envs/dev/main.tf", "CL303", "medium"), ("envs/dev/main.tf", "CL305", "medium")]
    assert ("sandbox-eu/main.tf", "CL303", "info") in levels(scan(path, config=mine))
    with pytest.raises(ConfigError, match="non_production"):
        parse_config({"non_production": "dev"}, "x.yaml")


def test_examples_samples_demos_snippets_and_test_fixtures_demote_availability(tf, scan,
                                                                               monkeypatch):
    folders = ("examples/basic", "samples/one", "demo-app", "snippets", "tests/fixtures",
               "testdata", "prod")
    path = tf({f"{folder}/main.tf": SINGLE for folder in folders})
    monkeypatch.chdir(path)
    cl303 = {os.path.dirname(f): level for f, rule, level in levels(scan(path)) if rule == "CL303"}
    assert cl303 == {folder: ("medium" if folder == "prod" else "info") for folder in folders}


def test_code_that_calls_itself_a_sandbox_demotes_availability(tf, scan, monkeypatch):
    """The resource's own name, an environment tag or variable, a template's Description."""
    named = SINGLE.replace('"c" {', '"demo_cache" {')
    tagged = SINGLE.replace("engine ", 'tags = {\n    Environment = "development"\n  }\n  engine ')
    prod = SINGLE.replace("engine ", 'tags = {\n    Environment = "production"\n  }\n  engine ')
    template = """AWSTemplateFormatVersion: "2010-09-09"
Description: A sample application that reads through DAX.
Resources:
  Cluster:
    Type: AWS::DAX::Cluster
    Properties:
      IAMRoleARN: arn:aws:iam::123456789012:role/dax
      NodeType: dax.t3.small
      ReplicationFactor: 1
      SSESpecification:
        SSEEnabled: true
      ParameterGroupName: tuned
"""
    path = tf({"a/main.tf": named, "b/main.tf": tagged, "c/main.tf": prod, "d/main.tf": SINGLE,
               "e/template.yaml": template,
               "f/template.yaml": template.replace("A sample application", "The application")})
    monkeypatch.chdir(path)
    report = scan(path)
    got = {(os.path.dirname(os.path.relpath(f.location.path)), f.rule.id): f
           for f in report.findings if f.rule.id in ("CL303", "CL405")}
    assert {k: f.severity.label for k, f in got.items()} == {
        ("a", "CL303"): "info", ("b", "CL303"): "info", ("c", "CL303"): "medium",
        ("d", "CL303"): "medium", ("e", "CL405"): "info", ("f", "CL405"): "medium"}
    assert "its name 'demo_cache' says 'demo'" in got[("a", "CL303")].message
    assert "sets Environment to 'development'" in got[("b", "CL303")].message
    assert "Description calls it a sample" in got[("e", "CL405")].message
    # Encryption is never demoted, whatever the code says.
    assert {f.severity.label for f in report.findings if f.rule.id == "CL305"} == {"medium"}
    # non_production: [] turns every signal off.
    off = parse_config({"non_production": []}, "x.yaml")
    assert {f.severity.label for f in scan(path, config=off).findings
            if f.rule.id in ("CL303", "CL405")} == {"medium"}


def test_what_a_module_says_never_demotes_a_production_root(tf, scan, monkeypatch):
    module = MODULE.replace('"c" {', '"demo" {', 1)
    path = tf({"modules/cache/main.tf": module,
               "envs/qa/main.tf": 'module "c" {\n  source = "../../modules/cache"\n'
                                  '  nodes  = 1\n}\n',
               "envs/prod/main.tf": 'module "c" {\n  source = "../../modules/cache"\n'
                                    '  nodes  = 1\n}\n',
               "docs/main.tf": SINGLE.replace('"c" {', '"example" {')})
    monkeypatch.chdir(path)
    got = {(os.path.dirname(f), level) for f, rule, level in levels(scan(path)) if rule == "CL303"}
    # The module's resource is named demo, but a prod root builds it; "example" is the name
    # Terraform's documentation gives every resource, not a sandbox.
    assert got == {("modules/cache", "medium"), ("docs", "medium")}


def test_a_stage_named_for_a_sandbox_demotes_stampede_unless_the_file_names_production(
        tf, scan, monkeypatch):
    """A stage named dev says where the API runs; a file that also names a prod stage says
    both, so it says nothing. Stampede (a burst of misses reaching the backend) is production's
    harm, like availability."""
    fixture = os.path.join(os.path.dirname(__file__), "rules", "CL105", "terraform", "fail",
                           "main.tf")
    with open(fixture, encoding="utf-8") as fh:
        prod = fh.read()
    dev = prod.replace('stage_name    = "prod"', 'stage_name    = "dev"')
    both = dev + ('resource "aws_api_gateway_stage" "other" {\n'
                  '  rest_api_id   = aws_api_gateway_rest_api.shop.id\n'
                  '  deployment_id = aws_api_gateway_deployment.shop.id\n'
                  '  stage_name    = "prod"\n}\n')
    path = tf({"a/main.tf": dev, "b/main.tf": both, "c/main.tf": prod})
    monkeypatch.chdir(path)
    got = {(os.path.dirname(os.path.relpath(f.location.path)), f.severity.label): f
           for f in scan(path).findings if f.rule.id == "CL105"}
    assert sorted(got) == [("a", "info"), ("b", "high"), ("c", "high")]
    assert "a/main.tf:34 sets stage_name to 'dev'" in got[("a", "info")].message
