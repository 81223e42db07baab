"""CloudFormation/SAM loader: intrinsics, parameters, conditions, lines, and what it skips."""

from __future__ import annotations

import json
import textwrap

import pytest

from cachelint.loaders.cloudformation import load_cloudformation
from cachelint.loaders.cloudformation.template import TemplateError, parse_template_text
from cachelint.model import ApiMethodSettings, CacheBehavior, DaxCluster, DaxParameterGroup
from cachelint.values import UNKNOWN, Symbol


def load(tmp_path, text, name="template.yaml", overrides=None):
    (tmp_path / name).write_text(textwrap.dedent(text))
    return load_cloudformation([str(tmp_path)], overrides, display_base=str(tmp_path))


def only(inv, kind):
    found = inv.of(kind)
    assert len(found) == 1, found
    return found[0]


DAX = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: dev
  Nodes:
    Type: Number
Mappings:
  Sizes:
    dev: {Nodes: 1}
    prod: {Nodes: 3}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Reads:
    Type: AWS::DAX::Cluster
    Properties:
      ClusterName: !Sub "reads-${Env}"
      NodeType: dax.t3.small
      ReplicationFactor: !FindInMap [Sizes, !Ref Env, Nodes]
      ClusterEndpointEncryptionType: !If [IsProd, TLS, !Ref "AWS::NoValue"]
      IAMRoleARN: !GetAtt Role.Arn
      SSESpecification:
        SSEEnabled: !If [NotProd, false, true]
  Role:
    Type: AWS::IAM::Role
  Unknown:
    Type: AWS::DAX::Cluster
    Properties:
      ReplicationFactor: !Ref Nodes
"""


def test_parameters_mappings_conditions_and_sub(tmp_path):
    inv = load(tmp_path, DAX)
    reads = next(c for c in inv.of(DaxCluster) if c.source.address == "Reads")
    assert reads.name == "reads-dev"
    assert reads.replication_factor == 1
    assert reads.endpoint_encryption == "NONE"  # AWS::NoValue removes the property
    assert reads.sse_enabled is False
    other = next(c for c in inv.of(DaxCluster) if c.source.address == "Unknown")
    assert other.replication_factor is UNKNOWN  # a parameter without default


def test_parameter_overrides(tmp_path):
    inv = load(tmp_path, DAX, overrides={"Env": "prod", "Nodes": "5"})
    clusters = {c.source.address: c for c in inv.of(DaxCluster)}
    assert clusters["Reads"].replication_factor == 3
    assert clusters["Reads"].endpoint_encryption == "TLS"
    assert clusters["Reads"].sse_enabled is True
    assert clusters["Unknown"].replication_factor == 5


def test_unknown_condition_with_disagreeing_branches_is_unknown(tmp_path):
    inv = load(tmp_path, """
        Parameters:
          Env: {Type: String}
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
        Resources:
          Reads:
            Type: AWS::DAX::Cluster
            Properties:
              ReplicationFactor: !If [IsProd, 3, 1]
              ClusterName: !If [IsProd, reads, reads]
    """)
    cluster = only(inv, DaxCluster)
    assert cluster.replication_factor is UNKNOWN
    assert cluster.name == "reads"


CONDITIONAL = """
    Parameters:
      Env: {Type: String, Default: dev}
      Tier: {Type: String, Default: small, AllowedValues: [small, medium]}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
      IsLarge: !Equals [!Ref Tier, large]
    Resources:
      Reads:
        Type: AWS::DAX::Cluster
        Condition: IsProd
        Properties:
          ReplicationFactor: !If [IsProd, 3, 1]
      Never:
        Type: AWS::DAX::Cluster
        Condition: IsLarge
        Properties:
          ReplicationFactor: 1
"""


def test_resources_whose_condition_is_false_at_defaults_are_read_where_it_holds(tmp_path):
    # Created only when Env = prod: read under that value, and every message says so. A
    # condition no allowed value satisfies (Tier is never "large") creates nothing.
    inv = load(tmp_path, CONDITIONAL)
    reads = only(inv, DaxCluster)
    assert reads.source.address == "Reads"
    assert reads.replication_factor == 3
    assert reads.source.assumes == "when condition IsProd holds: Env = prod"


def test_a_parameter_given_on_the_command_line_is_never_changed(tmp_path):
    inv = load(tmp_path, CONDITIONAL, overrides={"Env": "dev"})
    assert inv.of(DaxCluster) == []
    inv = load(tmp_path, CONDITIONAL, overrides={"Env": "prod"})
    assert only(inv, DaxCluster).source.assumes == ""


def test_lines_of_resources_and_properties(tmp_path):
    inv = load(tmp_path, DAX)
    reads = next(c for c in inv.of(DaxCluster) if c.source.address == "Reads")
    assert (reads.source.location.path, reads.source.location.start_line) == (
        "template.yaml", 17)
    assert reads.source.locate("replication_factor").start_line == 22
    assert reads.source.names["replication_factor"] == "ReplicationFactor"


def test_json_templates_with_tabs_and_getatt_lists(tmp_path):
    doc = {"Resources": {"Params": {"Type": "AWS::DAX::ParameterGroup", "Properties": {
        "ParameterNameValues": {"record-ttl-millis": "0"}}}}}
    text = json.dumps(doc, indent="\t")
    inv = load(tmp_path, text, name="stack.json")
    group = only(inv, DaxParameterGroup)
    assert group.record_ttl_millis == 0
    assert "record-ttl-millis" in text.splitlines()[group.source.locate(
        "record_ttl_millis").start_line - 1]


def test_cdk_output_is_scanned(tmp_path):
    out = tmp_path / "cdk.out"
    out.mkdir()
    doc = {"Resources": {"Dist1234": {
        "Type": "AWS::CloudFront::Distribution",
        "Metadata": {"aws:cdk:path": "Web/Dist/Resource"},
        "Properties": {"DistributionConfig": {
            "Enabled": True,
            "Origins": [{"Id": "o", "DomainName": "example.com",
                         "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"}}],
            "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
                                     "ForwardedValues": {"QueryString": False,
                                                         "Headers": ["*"]}}}}}}}
    (out / "Web.template.json").write_text(json.dumps(doc, indent=1))
    inv = load_cloudformation([str(tmp_path)], display_base=str(tmp_path))
    behavior = only(inv, CacheBehavior)
    assert behavior.headers.behavior == "all"
    assert behavior.source.location.path == "cdk.out/Web.template.json"


@pytest.mark.parametrize("name, text", [
    ("k8s.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
    ("compose.yml", "services:\n  web:\n    image: nginx\n"),
    ("workflow.yml", "on: push\njobs:\n  t:\n    steps:\n      - run: echo Resources\n"),
    ("package.json", '{"name": "x", "version": "1.0.0"}'),
    ("helm.yaml", "Resources: {{ .Values.x }}\n  bad: [\n"),
])
def test_other_yaml_and_json_is_skipped_silently(tmp_path, name, text):
    inv = load(tmp_path, text, name=name)
    assert inv.errors == [] and inv.resources == [] and inv.files == 0


@pytest.mark.parametrize("text, message", [
    ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: &a\n    Type: AWS::DAX::Cluster\n"
     "  B: *a\n", "aliases are not supported"),
    ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: [\n", "line"),
])
def test_broken_templates_are_one_line_errors(tmp_path, text, message):
    inv = load(tmp_path, text)
    assert len(inv.errors) == 1
    assert message in inv.errors[0].message and "\n" not in inv.errors[0].message


def test_alias_bomb_is_refused_without_expanding(tmp_path):
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "x0: &x0 [a, a, a, a, a, a, a, a, a]"]
    for i in range(1, 12):
        lines.append(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]")
    lines.append("Resources:\n  A:\n    Type: AWS::DAX::Cluster\n")
    with pytest.raises(TemplateError, match="aliases are not supported"):
        parse_template_text("\n".join(lines))


def test_preprocessor_tags_are_unknown_values_not_errors(tmp_path):
    inv = load(tmp_path, """
        Resources:
          Reads:
            Type: AWS::DAX::Cluster
            Properties:
              ReplicationFactor: !Rain::Constant nodes
              ClusterEndpointEncryptionType: !ValueOf [Env, Tls]
    """)
    cluster = only(inv, DaxCluster)
    assert inv.errors == []
    assert cluster.replication_factor is UNKNOWN and cluster.endpoint_encryption is UNKNOWN


def test_timestamps_stay_strings():
    data = parse_template_text('AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n')
    assert data["AWSTemplateFormatVersion"] == "2010-09-09"


def test_sam_globals_and_events(tmp_path):
    inv = load(tmp_path, """
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Api:
            CacheClusterEnabled: true
            CacheClusterSize: "0.5"
            MethodSettings:
              - ResourcePath: "/*"
                HttpMethod: "*"
                CachingEnabled: true
                CacheTtlInSeconds: 0
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Events:
                Get:
                  Type: Api
                  Properties: {Path: /items, Method: get}
    """)
    settings = only(inv, ApiMethodSettings)
    assert (settings.api, settings.stage, settings.ttl) == ("ServerlessRestApi", "Prod", 0)
    assert settings.source.locate("ttl").start_line == 11  # the text starts with a newline


def test_getatt_of_a_resource_is_a_symbol(tmp_path):
    from cachelint.loaders.cloudformation.evaluate import Template

    data = parse_template_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    template = Template(data)
    assert template.value({"Fn::GetAtt": ["B", "Arn"]}) == Symbol("B", "Arn")
    assert template.value({"Fn::Sub": "${B.Arn}"}) == Symbol("B", "Arn")
    assert template.value({"Fn::Sub": "${B.Arn}/*"}) is UNKNOWN
    assert template.value({"Fn::Join": ["-", ["a", "b"]]}) == "a-b"
    assert template.value({"Fn::Select": [1, ["a", "b"]]}) == "b"
    assert template.value({"Fn::Split": [",", "a,b"]}) == ["a", "b"]
    assert template.value({"Fn::ImportValue": "x"}) is UNKNOWN


def test_a_minified_json_template_is_a_template(tmp_path):
    import json as _json

    from cachelint.loaders.cloudformation import load_cloudformation
    from cachelint.model import DaxCluster

    (tmp_path / "stack.json").write_text(_json.dumps({"Resources": {"C": {
        "Type": "AWS::DAX::Cluster", "Properties": {"ClusterName": "m"}}}}))
    inv = load_cloudformation([str(tmp_path)], display_base=str(tmp_path))
    assert [c.name for c in inv.of(DaxCluster)] == ["m"] and not inv.errors


def test_duplicate_keys_are_a_warning_and_the_last_one_wins(tmp_path):
    """CloudFormation accepts a duplicated key (the last wins; `aws cloudformation deploy` only
    warns): read it the same way and say so, on the duplicate's line."""
    inv = load(tmp_path, """
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          Reads:
            Type: AWS::DAX::Cluster
            Properties:
              ReplicationFactor: 1
              ReplicationFactor: 3
    """)
    assert inv.errors == []
    assert only(inv, DaxCluster).replication_factor == 3
    (note,) = inv.notes
    assert note.startswith("template.yaml: warning: line 8: duplicate key 'ReplicationFactor' "
                           "(first at line 7); the last one is used")


def test_yaml_aliases_expand_in_sam_templates_and_are_an_error_elsewhere(tmp_path):
    body = """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Reads:
            Type: AWS::DAX::Cluster
            Properties: &dax
              ReplicationFactor: 1
              ClusterEndpointEncryptionType: TLS
          Writes:
            Type: AWS::DAX::Cluster
            Properties:
              <<: *dax
              ReplicationFactor: 3
    """
    inv = load(tmp_path, body)
    assert inv.errors == []
    assert sorted(c.replication_factor for c in inv.of(DaxCluster)) == [1, 3]  # written key wins
    assert [n for n in inv.notes if "duplicate" in n] == []  # a merge override is no duplicate
    assert any("YAML aliases (1) are expanded, as the SAM CLI does" in n for n in inv.notes)
    plain = tmp_path / "plain"
    plain.mkdir()
    inv = load(plain, body.replace("Transform: AWS::Serverless-2016-10-31",
                                   "AWSTemplateFormatVersion: '2010-09-09'"))
    (error,) = inv.errors
    assert "line 12" in error.message and "not supported by CloudFormation" in error.message


def test_alias_bomb_and_self_reference_are_refused_in_sam_templates_too(tmp_path):
    lines = ["Transform: AWS::Serverless-2016-10-31", "x0: &x0 [a, a, a, a, a, a, a, a, a]"]
    for i in range(1, 12):
        lines.append(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]")
    lines.append("Resources:\n  A:\n    Type: AWS::DAX::Cluster\n")
    with pytest.raises(TemplateError, match="expand to more than"):
        parse_template_text("\n".join(lines))
    with pytest.raises(TemplateError, match="refers to itself"):
        parse_template_text("Transform: AWS::Serverless-2016-10-31\nx: &x [*x]\nResources: {}\n")


def test_messages_say_the_condition_and_the_unknown_engine_version():
    from pathlib import Path

    from cachelint.config import load_config
    from cachelint.scan import ScanOptions, run_scan
    case = Path(__file__).parent / "rules" / "CL305" / "cloudformation" / "fail"
    report = run_scan(ScanOptions(paths=(str(case / "conditions.yaml"),),
                                  config=load_config(None, str(case))))
    messages = {f.address: f.message for f in report.findings if f.rule.id == "CL305"}
    assert messages["Memcached"].endswith(
        "engine version 1.4.24 cannot encrypt in transit, so the engine must first be upgraded "
        "to Memcached 1.6.12 or later (when condition IsMemcached holds: EngineType = "
        "memcached14).")
    assert "if its engine version (not known here) predates Memcached 1.6.12" \
        in messages["Sessions"]
