"""CL104's fix in OpenAPI documents: whatever comments, blank lines, line endings and layout
surround the operation, the fix only adds lines (the header in cacheKeyParameters, its
declaration in parameters), written like the entries around them, and the rescan is clean."""

from __future__ import annotations

import difflib
import json
import os
import tempfile

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachelint.fix.apply import FixOptions, run_fix
from cachelint.scan import ScanOptions

_words = st.text(alphabet="abcdefghij klmnop-_=:{}[]\"'#/,", min_size=0, max_size=20)

HEADER = "method.request.header.Authorization"


@st.composite
def openapi_template(draw) -> tuple[str, dict]:
    """A template whose REST API Body is a Swagger 2.0 or OpenAPI 3.0 document with a Cognito
    authorizer and a cached GET keyed without the caller, amid random comments."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    swagger = draw(st.booleans())
    params = draw(st.sampled_from(["none", "flow", "block"]))
    keys = draw(st.sampled_from(["none", "block"]))

    def comments(indent: str) -> list[str]:
        n = draw(st.integers(0, 2))
        return [indent + "# " + draw(_words) if draw(st.booleans()) else "" for _ in range(n)]

    def trailing() -> str:
        return draw(st.sampled_from(["", " # " + draw(_words)]))

    b = " " * 8  # the Body's indentation
    lines = comments("") + ['AWSTemplateFormatVersion: "2010-09-09"', "Resources:",
                            "  Api:", "    Type: AWS::ApiGateway::RestApi", "    Properties:",
                            "      Name: api", "      Body:" + trailing()] + comments(b)
    lines += [b + ('swagger: "2.0"' if swagger else 'openapi: "3.0.1"'),
              b + "info: {title: api, version: '1'}" + trailing()]
    scheme = ["users:", "  type: apiKey", "  name: Authorization", "  in: header",
              "  x-amazon-apigateway-authtype: cognito_user_pools",
              "  x-amazon-apigateway-authorizer:", "    type: cognito_user_pools",
              "    providerARNs:",
              "      - arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_x"]
    if swagger:
        lines += [b + "securityDefinitions:"] + [b + "  " + s for s in scheme]
    else:
        lines += [b + "components:", b + "  securitySchemes:"] + \
            [b + "    " + s for s in scheme]
    o = b + "      "  # the operation's keys
    lines += comments(b) + [b + "paths:", b + "  /balance:" + trailing()] + comments(o) + \
        [b + "    get:" + trailing()] + comments(o) + [o + "security:", o + "  - users: []"]
    kind = "type: string" if swagger else "schema: {type: string}"
    if params == "flow":
        lines += [o + "parameters:" + trailing(),
                  o + "  - {name: currency, in: query, " + kind + "}" + trailing()]
    elif params == "block":
        lines += [o + "parameters:", o + "  - name: currency" + trailing(),
                  o + "    in: query"] + comments(o + "    ") + \
            [o + "    " + kind + trailing()]
    lines += comments(o) + [o + "x-amazon-apigateway-integration:" + trailing(),
                            o + "  type: http_proxy", o + "  httpMethod: GET",
                            o + "  uri: https://backend.example.com/balance" + trailing()]
    if keys == "block":
        lines += [o + "  cacheKeyParameters:" + trailing()] + comments(o + "    ") + \
            [o + "    - method.request.querystring.currency" + trailing()]
    lines += comments(o) + comments("") + [
        "  Prod:", "    Type: AWS::ApiGateway::Stage", "    Properties:",
        "      RestApiId: {Ref: Api}", "      DeploymentId: d1", "      StageName: prod",
        "      CacheClusterEnabled: true", '      CacheClusterSize: "0.5"',
        "      MethodSettings:", '        - ResourcePath: "/*"', '          HttpMethod: "*"',
        "          CachingEnabled: true" + trailing(), "          CacheDataEncrypted: true"]
    lines += comments("")
    text = eol.join(lines) + (eol if draw(st.booleans()) else "")
    return text, {"swagger": swagger, "params": params, "keys": keys, "eol": eol}


def _fix(name: str, text: str, files: dict | None = None) -> tuple[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        for other, content in (files or {}).items():
            os.makedirs(os.path.dirname(os.path.join(tmp, other)), exist_ok=True)
            with open(os.path.join(tmp, other), "w", encoding="utf-8", newline="") as fh:
                fh.write(content)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        result = run_fix(ScanOptions(paths=(tmp,), select=("CL104",)), FixOptions(unsafe=True))
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read(), result


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(openapi_template())
def test_yaml_openapi_body_fix_only_adds_lines(case):
    text, shape = case
    fixed, result = _fix("template.yaml", text)
    assert [o.finding.rule.id for o in result.fixed] == ["CL104"], result.outcomes
    assert [f for f in result.after.findings if f.rule.id == "CL104"] == []
    eol = shape["eol"]
    old, new = text.split(eol), fixed.split(eol)
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    # Every line of the original, comments included, is still there, in order.
    assert all(tag in ("equal", "insert") for tag, *_ in ops), ops
    added = [line for tag, _, _, j1, j2 in ops if tag == "insert" for line in new[j1:j2]]
    assert "\r" not in "".join(added) and "\n" not in "".join(added)
    op = yaml.safe_load(fixed)["Resources"]["Api"]["Properties"]["Body"]["paths"][
        "/balance"]["get"]
    assert op["x-amazon-apigateway-integration"]["cacheKeyParameters"][-1] == HEADER
    declared = [p for p in op["parameters"] if p["in"] == "header"]
    kind = {"type": "string"} if shape["swagger"] else {"schema": {"type": "string"}}
    assert declared == [{"name": "Authorization", "in": "header", "required": True} | kind]
    if shape["params"] == "flow":  # written like the entry above it
        assert any(line.strip().startswith("- {name: Authorization, in: header")
                   for line in added), added
    # The new lines are indented like their neighbours.
    key_indent = next(len(line) - len(line.lstrip()) for line in old
                      if line.strip().startswith("type: http_proxy"))
    if shape["keys"] == "none":
        assert " " * key_indent + "cacheKeyParameters:" in added
    again, result2 = _fix("template.yaml", fixed)
    assert again == fixed and result2.written == []


REPORTS = """{
  "openapi": "3.0.1",
  "info": {"title": "reports", "version": "1"},
  "components": {
    "securitySchemes": {
      "tenant": {
        "type": "apiKey", "name": "X-Tenant-Token", "in": "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {
          "type": "token",
          "authorizerUri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/x/invocations",
          "identitySource": "method.request.header.X-Tenant-Token"
        }
      }
    }
  },
  "security": [{"tenant": []}],
  "paths": {
    "/reports": {
      "get": {
        "parameters": [
          {"name": "month", "in": "query", "schema": {"type": "string"}}
        ],
        "x-amazon-apigateway-integration": {
          "type": "http_proxy",
          "httpMethod": "GET",
          "uri": "https://backend.example.com/reports",
          "cacheKeyParameters": ["method.request.querystring.month"]
        }
      },
      "post": {
        "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "POST",
                                            "uri": "https://backend.example.com/reports"}
      }
    }
  }
}
"""

SAM = """AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ReportsApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      CacheClusterEnabled: true
      CacheClusterSize: "0.5"
      DefinitionUri: api/reports.json
      MethodSettings:
        - ResourcePath: "/*"
          HttpMethod: "*"
          CachingEnabled: true
          CacheTtlInSeconds: 600
          CacheDataEncrypted: true
"""


def test_json_definition_file_is_edited_in_its_own_style(tmp_path):
    work = tmp_path / "fail"
    (work / "api").mkdir(parents=True)
    (work / "template.yaml").write_text(SAM)
    (work / "api" / "reports.json").write_text(REPORTS)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = run_fix(ScanOptions(paths=("fail",), select=("CL104",)),
                         FixOptions(unsafe=True))
    finally:
        os.chdir(cwd)
    assert [o.finding.rule.id for o in result.fixed] == ["CL104"], result.outcomes
    assert [f for f in result.after.findings if f.rule.id == "CL104"] == []
    fixed = (work / "api" / "reports.json").read_text()
    assert (work / "template.yaml").read_text() == SAM
    assert fixed == REPORTS.replace(
        '"schema": {"type": "string"}}\n        ],',
        '"schema": {"type": "string"}},\n'
        '          {"name": "X-Tenant-Token", "in": "header", "required": true, '
        '"schema": {"type": "string"}}\n        ],').replace(
        '["method.request.querystring.month"]',
        '["method.request.querystring.month", "method.request.header.X-Tenant-Token"]')
    json.loads(fixed)


def test_a_header_already_declared_is_not_declared_again(tmp_path):
    declared = REPORTS.replace(
        '{"name": "month", "in": "query", "schema": {"type": "string"}}',
        '{"name": "month", "in": "query", "schema": {"type": "string"}},\n'
        '          {"name": "x-tenant-token", "in": "header", "required": true}')
    fixed, result = _fix("template.yaml", SAM, {"api/reports.json": declared})
    del fixed
    [outcome] = [o for o in result.outcomes if o.finding.rule.id == "CL104"]
    assert outcome.status == "fixed"
    assert result.after is not None
    assert [f for f in result.after.findings if f.rule.id == "CL104"] == []


def test_parameters_by_reference_are_refused(tmp_path):
    ref = REPORTS.replace('{"name": "month", "in": "query", "schema": {"type": "string"}}',
                          '{"$ref": "#/components/parameters/month"}')
    _fixed, result = _fix("template.yaml", SAM, {"api/reports.json": ref})
    [outcome] = [o for o in result.outcomes if o.finding.rule.id == "CL104"]
    assert outcome.status == "refused" and "$ref" in outcome.reason
    assert result.written == []


def test_a_header_declared_on_the_path_item_is_not_declared_again(tmp_path):
    shared = REPORTS.replace(
        '    "/reports": {\n',
        '    "/reports": {\n'
        '      "parameters": [{"name": "X-Tenant-Token", "in": "header", "required": true}],\n')
    _fixed, result = _fix("template.yaml", SAM, {"api/reports.json": shared})
    [outcome] = [o for o in result.outcomes if o.finding.rule.id == "CL104"]
    assert outcome.status == "fixed"
    assert [f for f in result.after.findings if f.rule.id == "CL104"] == []
    assert any(n.startswith("cacheKeyParameters + ") for n in outcome.notes)
    assert not any(n.startswith(("parameters", "added parameters")) for n in outcome.notes)
