"""REST APIs defined by OpenAPI documents, and how API Gateway links method settings to methods:
one reader and one linking layer, so every source gives the same model."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from cachelint.config import load_config
from cachelint.linking.apigateway import body_key_parameters
from cachelint.loaders.cloudformation import load_cloudformation
from cachelint.loaders.terraform import load_terraform
from cachelint.model import ApiMethod, ApiMethodSettings, ApiStage
from cachelint.scan import ScanOptions, run_scan
from cachelint.values import UNKNOWN

COGNITO = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_example"
OPENAPI = {
    "openapi": "3.0.1",
    "info": {"title": "accounts", "version": "1"},
    "components": {"securitySchemes": {"users": {
        "type": "apiKey", "name": "Authorization", "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools",
                                           "providerARNs": [COGNITO]}}}},
    "paths": {
        "/me": {"get": {"security": [{"users": []}], "x-amazon-apigateway-integration": {
            "type": "http_proxy", "httpMethod": "GET", "uri": "https://example.com/me",
            "cacheKeyParameters": ["method.request.querystring.view"]}}},
        "/{proxy+}": {"x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": {
            "type": "http_proxy", "httpMethod": "ANY", "uri": "https://example.com/{proxy}"}}},
    },
}

TF_STAGE = """
resource "aws_api_gateway_stage" "prod" {
  rest_api_id           = aws_api_gateway_rest_api.accounts.id
  deployment_id         = "d1"
  stage_name            = "prod"
  cache_cluster_enabled = true
  cache_cluster_size    = "0.5"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.accounts.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"
  settings {
    caching_enabled      = true
    cache_ttl_in_seconds = 120
  }
}
"""

CFN_STAGE = """
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Accounts
      DeploymentId: d1
      StageName: prod
      CacheClusterEnabled: true
      CacheClusterSize: "0.5"
      MethodSettings:
        - ResourcePath: "/*"
          HttpMethod: "*"
          CachingEnabled: true
          CacheTtlInSeconds: 120
"""


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text))


def _hcl(value) -> str:
    """A JSON value written as an HCL expression (JSON is valid HCL with quoted keys)."""
    return json.dumps(value, indent=2).replace('": ', '" = ')


def _methods(inventory) -> list[tuple]:
    return sorted((m.http_method, m.resource_path, m.stage, m.authorization,
                   m.authorizer_identity_sources, m.cache_key_parameters, m.caching_enabled,
                   m.ttl) for m in inventory.of(ApiMethod))


def test_the_same_openapi_api_gives_the_same_methods_from_every_source(tmp_path):
    spec = json.dumps(OPENAPI)
    _write(tmp_path / "tf-inline", "main.tf", f"""
        resource "aws_api_gateway_rest_api" "accounts" {{
          name = "accounts"
          body = jsonencode({_hcl(OPENAPI)})
        }}
        """ + TF_STAGE)
    _write(tmp_path / "tf-file", "main.tf", """
        resource "aws_api_gateway_rest_api" "accounts" {
          name = "accounts"
          body = file("${path.module}/openapi.json")
        }
        """ + TF_STAGE)
    _write(tmp_path / "tf-file", "openapi.json", spec)
    _write(tmp_path / "cfn-body", "template.yaml", f"""
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Accounts:
            Type: AWS::ApiGateway::RestApi
            Properties:
              Body: {spec}
        """ + textwrap.indent(textwrap.dedent(CFN_STAGE), "          "))
    _write(tmp_path / "sam-uri", "template.yaml", """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Accounts:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              CacheClusterEnabled: true
              CacheClusterSize: "0.5"
              DefinitionUri: openapi.json
              MethodSettings:
                - ResourcePath: "/*"
                  HttpMethod: "*"
                  CachingEnabled: true
                  CacheTtlInSeconds: 120
        """)
    _write(tmp_path / "sam-uri", "openapi.json", spec)
    found = {
        "tf-inline": load_terraform([str(tmp_path / "tf-inline")], display_base=str(tmp_path)),
        "tf-file": load_terraform([str(tmp_path / "tf-file")], display_base=str(tmp_path)),
        "cfn-body": load_cloudformation([str(tmp_path / "cfn-body")],
                                        display_base=str(tmp_path)),
        "sam-uri": load_cloudformation([str(tmp_path / "sam-uri")],
                                       display_base=str(tmp_path)),
    }
    expected = [
        ("ANY", "/{proxy+}", "prod", "NONE", (), (), True, 120),
        ("GET", "/me", "prod", "COGNITO_USER_POOLS", ("method.request.header.Authorization",),
         ("method.request.querystring.view",), True, 120),
    ]
    for name, inventory in found.items():
        assert not inventory.errors, (name, inventory.errors)
        assert _methods(inventory) == expected, name


def test_findings_point_into_the_openapi_file_it_was_read_from(tmp_path):
    _write(tmp_path, "main.tf", """
        resource "aws_api_gateway_rest_api" "accounts" {
          name = "accounts"
          body = file("${path.module}/api/openapi.json")
        }
        """ + TF_STAGE)
    _write(tmp_path / "api", "openapi.json", json.dumps(OPENAPI, indent=1))
    report = run_scan(ScanOptions(paths=(str(tmp_path),), config=load_config(None, str(tmp_path))))
    cl104 = [f for f in report.findings if f.rule.id == "CL104"]
    assert [(Path(f.location.path).name, f.rule.id) for f in cl104] == [("openapi.json", "CL104")]
    lines = (tmp_path / "api" / "openapi.json").read_text().splitlines()
    assert "cacheKeyParameters" in lines[cl104[0].location.start_line - 1]


def test_definitions_in_s3_are_a_note_and_their_api_is_not_judged_complete(tmp_path):
    _write(tmp_path, "template.yaml", """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          FromS3:
            Type: AWS::ApiGateway::RestApi
            Properties:
              BodyS3Location: {Bucket: specs, Key: api.yaml}
          Stage:
            Type: AWS::ApiGateway::Stage
            Properties:
              RestApiId: !Ref FromS3
              StageName: prod
              CacheClusterEnabled: true
              CacheClusterSize: "0.5"
              MethodSettings:
                - ResourcePath: "/~1typo"
                  HttpMethod: GET
                  CachingEnabled: true
                  CacheTtlInSeconds: 60
                  CacheDataEncrypted: true
          SamFromS3:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              DefinitionUri: s3://specs/sam.yaml
        """)
    report = run_scan(ScanOptions(paths=(str(tmp_path),), config=load_config(None, str(tmp_path))))
    assert any("FromS3.BodyS3Location" in n for n in report.notes), report.notes
    assert any("SamFromS3.DefinitionUri" in n for n in report.notes), report.notes
    # Its methods are unknown: no entry is an orphan, the cluster is not unused.
    assert {f.rule.id for f in report.findings} == set()


def test_an_unreadable_definition_file_is_an_error_and_the_rest_still_reports(tmp_path):
    _write(tmp_path, "template.yaml", """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Broken:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              DefinitionUri: api/broken.yaml
              MethodSettings:
                - ResourcePath: "/*"
                  HttpMethod: "*"
                  CachingEnabled: true
                  CacheTtlInSeconds: 60
                  CacheDataEncrypted: true
        """)
    _write(tmp_path / "api", "broken.yaml", "paths:\n  /x: [unclosed\n")
    report = run_scan(ScanOptions(paths=(str(tmp_path),), config=load_config(None, str(tmp_path))))
    assert [Path(e.path).as_posix().endswith("api/broken.yaml") for e in report.errors] == [True]
    assert "line" in report.errors[0].message
    # The file is reported (CL001), and the template's own findings still are (no cluster).
    assert sorted((Path(f.location.path).name, f.rule.id) for f in report.findings) == [
        ("broken.yaml", "CL001"), ("template.yaml", "CL107")]


SAFE = """
            caching_enabled                         = true
            cache_ttl_in_seconds                    = 60
            cache_data_encrypted                    = true
            require_authorization_for_cache_control = true"""


def _linked(tmp_path, settings: str, verb: str = "ANY", key: str = "[]",
            values: str = SAFE) -> list:
    _write(tmp_path, "main.tf", f"""
        resource "aws_api_gateway_rest_api" "app" {{
          name = "app"
        }}
        resource "aws_api_gateway_resource" "proxy" {{
          rest_api_id = aws_api_gateway_rest_api.app.id
          parent_id   = aws_api_gateway_rest_api.app.root_resource_id
          path_part   = "{{proxy+}}"
        }}
        resource "aws_api_gateway_method" "proxy" {{
          rest_api_id   = aws_api_gateway_rest_api.app.id
          resource_id   = aws_api_gateway_resource.proxy.id
          http_method   = "{verb}"
          authorization = "NONE"
        }}
        resource "aws_api_gateway_integration" "proxy" {{
          rest_api_id          = aws_api_gateway_rest_api.app.id
          resource_id          = aws_api_gateway_resource.proxy.id
          http_method          = "{verb}"
          type                 = "HTTP_PROXY"
          cache_key_parameters = {key}
        }}
        resource "aws_api_gateway_stage" "prod" {{
          rest_api_id           = aws_api_gateway_rest_api.app.id
          deployment_id         = "d1"
          stage_name            = "prod"
          cache_cluster_enabled = true
          cache_cluster_size    = "0.5"
        }}
        resource "aws_api_gateway_method_settings" "entry" {{
          rest_api_id = aws_api_gateway_rest_api.app.id
          stage_name  = aws_api_gateway_stage.prod.stage_name
          method_path = "{settings}"
          settings {{{values}
          }}
        }}
        """)
    return load_terraform([str(tmp_path)], display_base=str(tmp_path)).resources


def test_an_any_method_is_cached_for_get_by_its_path_get_entry_and_by_the_stage_wide_one(
        tmp_path):
    for i, path in enumerate(("{proxy+}/GET", "~1{proxy+}/GET", "*/*", "%7Bproxy%2B%7D/GET")):
        resources = _linked(tmp_path / str(i), path)
        method = next(r for r in resources if isinstance(r, ApiMethod))
        entry = next(r for r in resources if isinstance(r, ApiMethodSettings))
        stage = next(r for r in resources if isinstance(r, ApiStage))
        assert method.caching_enabled is True, path
        assert (entry.orphaned, entry.caches_nothing) == (False, False), path
        assert stage.any_method_caches is True, path


def test_a_post_entry_on_an_any_method_may_cache_so_nothing_is_claimed(tmp_path):
    resources = _linked(tmp_path, "{proxy+}/POST")
    entry = next(r for r in resources if isinstance(r, ApiMethodSettings))
    stage = next(r for r in resources if isinstance(r, ApiStage))
    assert (entry.orphaned, entry.caches_nothing) == (False, False)
    assert stage.any_method_caches is True  # so no CL106 beside the entry's own findings


def test_an_entry_for_a_request_url_under_a_greedy_resource_names_no_method(tmp_path):
    resources = _linked(tmp_path, "users/GET")
    entry = next(r for r in resources if isinstance(r, ApiMethodSettings))
    assert (entry.orphaned, entry.nearest_method) == (True, "{proxy+}/ANY")


def _scan(tmp_path):
    return run_scan(ScanOptions(paths=(str(tmp_path),), config=load_config(None, str(tmp_path))))


def test_cl103_says_what_a_cached_post_does_with_its_key(tmp_path):
    _linked(tmp_path / "path", "{proxy+}/POST", verb="POST")
    _linked(tmp_path / "hash", "{proxy+}/POST", verb="POST",
            key='["method.request.header.X-Body-Sha256"]')
    messages = {case: [f.message for f in _scan(tmp_path / case).findings
                       if f.rule.id == "CL103"] for case in ("path", "hash")}
    assert len(messages["path"]) == 1 and len(messages["hash"]) == 1
    assert "request body is not part of its key (the path only)" in messages["path"][0]
    assert "another caller" in messages["path"][0]
    assert "only a repeat of the same body" in messages["hash"][0]
    assert "first caller's response" not in messages["hash"][0]


def test_cl104_advice_for_iam_is_not_to_key_on_the_signature(tmp_path):
    doc = json.loads(json.dumps(OPENAPI))
    doc["components"]["securitySchemes"]["users"] = {
        "type": "apiKey", "name": "Authorization", "in": "header",
        "x-amazon-apigateway-authtype": "awsSigv4"}
    _write(tmp_path, "main.tf", f"""
        resource "aws_api_gateway_rest_api" "accounts" {{
          name = "accounts"
          body = jsonencode({_hcl(doc)})
        }}
        """ + TF_STAGE)
    found = [f for f in _scan(tmp_path).findings if f.rule.id == "CL104"]
    assert len(found) == 1
    assert "AWS_IAM" in found[0].message
    assert "changes on every request" in found[0].message
    assert "Add method.request.header.Authorization" not in found[0].message


def test_unknown_parts_of_a_terraform_body_stay_unknown(tmp_path):
    doc = json.loads(json.dumps(OPENAPI))
    integration = doc["paths"]["/me"]["get"]["x-amazon-apigateway-integration"]
    integration["cacheKeyParameters"] = "KEYS"
    _write(tmp_path, "main.tf", f"""
        variable "keys" {{
          type = list(string)
        }}
        resource "aws_api_gateway_rest_api" "accounts" {{
          name = "accounts"
          body = jsonencode({_hcl(doc).replace('"KEYS"', 'var.keys')})
        }}
        """ + TF_STAGE)
    inventory = load_terraform([str(tmp_path)], display_base=str(tmp_path))
    me = next(m for m in inventory.of(ApiMethod) if m.resource_path == "/me")
    assert me.cache_key_parameters is UNKNOWN
    assert not [f for f in _scan(tmp_path).findings if f.rule.id == "CL104"]


def test_an_entry_that_names_no_method_is_only_cl110(tmp_path):
    """Caching a POST, unencrypted, flushable by anyone, with no TTL: all moot, since the
    entry applies to nothing. checkov's exported checks see one resource and cannot know."""
    _linked(tmp_path, "users/POST", values="""
            caching_enabled                         = true
            require_authorization_for_cache_control = false""")
    findings = _scan(tmp_path).findings
    found = [(f.rule.id, f.message) for f in findings
             if f.address == "aws_api_gateway_method_settings.entry"]
    assert [rule for rule, _ in found] == ["CL110"]
    assert "users/POST" in found[0][1] and "{proxy+}/ANY" in found[0][1]
    # The stage's cluster then serves nothing, which its own finding says.
    assert [f.rule.id for f in findings if f.rule.id != "CL110"] == ["CL106"]


def test_a_plan_body_is_read_as_json_text(tmp_path):
    body = json.dumps({"swagger": "2.0", "info": {"title": "t", "version": "1"},
                       "paths": {"/items": {"get": {}}}})
    ref = {"references": ["aws_api_gateway_rest_api.shop.id", "aws_api_gateway_rest_api.shop"]}

    def res(rtype, name, values):
        return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
                "values": values}

    def conf(rtype, name, expressions):
        return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
                "expressions": expressions}
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            res("aws_api_gateway_rest_api", "shop", {"name": "shop", "body": body}),
            res("aws_api_gateway_stage", "prod", {"stage_name": "prod",
                                                  "cache_cluster_enabled": True,
                                                  "cache_cluster_size": "0.5"}),
            res("aws_api_gateway_method_settings", "typo", {
                "stage_name": "prod", "method_path": "item/GET",
                "settings": [{"caching_enabled": True, "cache_ttl_in_seconds": 60,
                              "cache_data_encrypted": True,
                              "require_authorization_for_cache_control": True}]}),
        ]}},
        "resource_changes": [
            {"address": f"aws_api_gateway_{name}", "change": {"after_unknown": {
                "rest_api_id": True}}} for name in ("stage.prod", "method_settings.typo")],
        "configuration": {"root_module": {"resources": [
            conf("aws_api_gateway_rest_api", "shop", {"name": {"constant_value": "shop"}}),
            conf("aws_api_gateway_stage", "prod", {"rest_api_id": ref}),
            conf("aws_api_gateway_method_settings", "typo", {"rest_api_id": ref}),
        ]}},
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    report = run_scan(ScanOptions(paths=(str(tmp_path / "plan.json"),),
                                  config=load_config(None, str(tmp_path))))
    assert sorted((f.rule.id, f.address) for f in report.findings) == [
        ("CL106", "aws_api_gateway_stage.prod"),
        ("CL110", "aws_api_gateway_method_settings.typo")], report.errors


def test_a_finding_in_a_definition_file_is_suppressed_by_a_comment_there(tmp_path):
    _write(tmp_path, "main.tf", """
        resource "aws_api_gateway_rest_api" "accounts" {
          name = "accounts"
          body = file("${path.module}/openapi.yaml")
        }
        """ + TF_STAGE)
    _write(tmp_path, "openapi.yaml", """
        swagger: "2.0"
        info: {title: accounts, version: "1"}
        securityDefinitions:
          users:
            type: apiKey
            name: Authorization
            in: header
            x-amazon-apigateway-authorizer: {type: cognito_user_pools}
        paths:
          /me:
            get:  # cachelint:ignore CL104 -- the response is the same for every user
              security: [{users: []}]
          /you:
            get:
              security: [{users: []}]
        """)
    report = _scan(tmp_path)
    assert [(f.rule.id, f.location.start_line) for f in report.findings
            if f.rule.id == "CL104"] == [("CL104", 15)]
    assert [(f.rule.id, f.location.start_line) for f in report.suppressed] == [("CL104", 12)]


def _search_api(tmp_path, search_params, orders: bool = False):
    """An OpenAPI REST API whose POST /search keys its cache on ``search_params`` (an
    integration request parameter -> mapping source), and optionally a plain POST /orders,
    both cached by one ``*/POST`` entry."""
    doc = {"openapi": "3.0.1", "info": {"title": "accounts", "version": "1"}, "paths": {
        "/search": {"post": {"x-amazon-apigateway-integration": {
            "type": "http", "httpMethod": "POST", "uri": "https://example.com/search",
            "requestParameters": search_params,
            "cacheKeyParameters": ["integration.request.header.X-Query"]}}}}}
    if orders:
        doc["paths"]["/orders"] = {"post": {"x-amazon-apigateway-integration": {
            "type": "http_proxy", "httpMethod": "POST", "uri": "https://example.com/o"}}}
    _write(tmp_path, "main.tf", f"""
        resource "aws_api_gateway_rest_api" "accounts" {{
          name = "accounts"
          body = jsonencode({_hcl(doc)})
        }}
        """ + TF_STAGE.replace('"*/*"', '"*/POST"'))
    return [f.message for f in _scan(tmp_path).findings if f.rule.id == "CL103"]


def test_cl103_a_post_keyed_on_a_body_field_is_a_read_by_design(tmp_path):
    body = {"integration.request.header.X-Query": "method.request.body.query"}
    assert _search_api(tmp_path / "body", body) == []
    assert _search_api(tmp_path / "whole", {
        "integration.request.header.X-Query": "method.request.body"}) == []
    header = _search_api(tmp_path / "header", {
        "integration.request.header.X-Query": "method.request.header.q"})
    assert len(header) == 1 and "request body is not part of its key" in header[0]


def test_cl103_names_the_methods_that_do_not_key_on_the_body(tmp_path):
    body = {"integration.request.header.X-Query": "method.request.body.query"}
    found = _search_api(tmp_path, body, orders=True)
    assert len(found) == 1
    assert ("a request-body field is in the cache key of POST /search (prod) but not in that "
            "of POST /orders (prod)") in found[0]


def test_body_key_parameters_unknown_is_not_false():
    keys = ("integration.request.header.X-Query", "method.request.querystring.q")
    body = {"integration.request.header.X-Query": "method.request.body.$.query"}
    assert body_key_parameters(keys, body) == ("integration.request.header.X-Query",)
    assert body_key_parameters(keys, None) == ()
    assert body_key_parameters(keys, {"integration.request.header.X-Query":
                                      "method.request.bodyish"}) == ()
    assert body_key_parameters(keys, UNKNOWN) is UNKNOWN
    assert body_key_parameters(keys, {"integration.request.header.X-Query": UNKNOWN}) \
        is UNKNOWN
    assert body_key_parameters(UNKNOWN, body) is UNKNOWN
    assert body_key_parameters((), UNKNOWN) == ()


def test_cl103_claims_nothing_about_the_body_where_the_mapping_is_unknown(tmp_path):
    _write(tmp_path, "main.tf", """
        variable "mapping" {
          type = map(string)
        }
        resource "aws_api_gateway_rest_api" "accounts" {
          name = "accounts"
        }
        resource "aws_api_gateway_resource" "search" {
          rest_api_id = aws_api_gateway_rest_api.accounts.id
          parent_id   = aws_api_gateway_rest_api.accounts.root_resource_id
          path_part   = "search"
        }
        resource "aws_api_gateway_method" "search" {
          rest_api_id   = aws_api_gateway_rest_api.accounts.id
          resource_id   = aws_api_gateway_resource.search.id
          http_method   = "POST"
          authorization = "NONE"
        }
        resource "aws_api_gateway_integration" "search" {
          rest_api_id          = aws_api_gateway_rest_api.accounts.id
          resource_id          = aws_api_gateway_resource.search.id
          http_method          = "POST"
          type                 = "HTTP"
          request_parameters   = var.mapping
          cache_key_parameters = ["integration.request.header.X-Query"]
        }
        """ + TF_STAGE.replace('"*/*"', '"search/POST"'))
    found = [f.message for f in _scan(tmp_path).findings if f.rule.id == "CL103"]
    assert len(found) == 1
    assert "unless its cache key holds a request-body field" in found[0]
    assert "not part of its key" not in found[0]
