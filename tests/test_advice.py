"""What `recommend` and `traffic` tell a user to do, through the real CLI: one generate command
per module with distinct names, changes in place in the source's own words, templates told what
to add, and the configuration's declarations honoured by `traffic` as by `recommend`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
API_LOG = EXAMPLES / "logs" / "shop-api-access.log"


def cachelint(*args: str, cwd: Path = ROOT, env: dict | None = None):
    full = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "cachelint", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120)


def rest_api(name: str, paths: tuple[str, ...]) -> str:
    """A REST API with one GET per path and a stage without a cache cluster."""
    out = [f'resource "aws_api_gateway_rest_api" "{name}" {{\n  name = "{name}"\n}}\n']
    for p in paths:
        out.append(f'''
resource "aws_api_gateway_resource" "{p}" {{
  rest_api_id = aws_api_gateway_rest_api.{name}.id
  parent_id   = aws_api_gateway_rest_api.{name}.root_resource_id
  path_part   = "{p}"
}}

resource "aws_api_gateway_method" "{p}" {{
  rest_api_id   = aws_api_gateway_rest_api.{name}.id
  resource_id   = aws_api_gateway_resource.{p}.id
  http_method   = "GET"
  authorization = "NONE"
}}
''')
    out.append(f'''
resource "aws_api_gateway_deployment" "d" {{
  rest_api_id = aws_api_gateway_rest_api.{name}.id
}}

resource "aws_api_gateway_stage" "prod" {{
  rest_api_id   = aws_api_gateway_rest_api.{name}.id
  deployment_id = aws_api_gateway_deployment.d.id
  stage_name    = "prod"
}}
''')
    return "".join(out)


def test_one_generate_command_per_stage_with_distinct_names(tmp_path):
    (tmp_path / "main.tf").write_text(rest_api("shop", ("products", "offers")) +
                                      'module "other" {\n  source = "./other"\n}\n')
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "main.tf").write_text(rest_api("shop", ("items",)))
    (tmp_path / ".cachelint.yaml").write_text('freshness:\n  "GET /offers": 60\n')
    result = cachelint("recommend", str(tmp_path))
    assert result.returncode == 0, result.stderr
    commands = re.findall(r"^\s+(cachelint generate .*)$", result.stdout, re.M)
    assert len(commands) == len(set(commands)) == 2  # one per stage, each printed once
    names = [re.search(r"--name (\S+)", c)[1] for c in commands]
    assert len(set(names)) == 2 and "shop-cache" in names
    assert "written by the same command as GET /products (above)" in result.stdout
    data = json.loads(cachelint("recommend", str(tmp_path), "--format", "json").stdout)
    by = {r["workload"]: r for r in data}
    root = {k: v for k, v in by.items() if "(REST API aws_api_gateway_rest_api.shop," in k}
    assert {r["command"] for r in root.values()} == {
        "cachelint generate --layer apigateway --name shop-cache --ttl 60"}
    # The shortest TTL is stage-wide; the longer one is a per-method override of the module.
    products = next(r for k, r in root.items() if k.startswith("GET /products"))
    assert products["change"].endswith('in the module, set method_overrides["products/GET"] = '
                                       '{ ttl = 300 }')
    # The module is the stage: the advice says which resource it replaces, once.
    replaced = [r for r in root.values() if r["change"] and
                "the module is stage prod with its cache: it replaces "
                "aws_api_gateway_stage.prod" in r["change"]]
    assert len(replaced) == 1


def test_template_input_is_told_what_to_add_not_given_terraform(tmp_path):
    result = cachelint("recommend", str(EXAMPLES / "shop-sam"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = {r["workload"].split(" (")[0]: r for r in json.loads(result.stdout)}
    assert all(r["command"] is None for r in data.values())
    assert data["GET /products"]["change"].startswith(
        'in the stage\'s MethodSettings entry ResourcePath "/~1products", HttpMethod GET, set '
        'CachingEnabled: true and CacheTtlInSeconds: ')
    assert "RequestParameters (with Caching: true)" in data["GET /me"]["change"]
    (tmp_path / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Public:\n"
        "    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: public\n"
        "      ProtocolType: HTTP\n")
    text = cachelint("recommend", str(tmp_path)).stdout
    assert not re.search(r"^\s+cachelint generate", text, re.M)
    assert "`cachelint generate` writes Terraform modules, and this workload is in a " \
        "CloudFormation template: add an AWS::CloudFront::Distribution" in text


def test_every_in_place_advice_says_what_to_change():
    for source in ("shop", "shop-sam", "aws/shop-account.json"):
        data = json.loads(cachelint("recommend", str(EXAMPLES / source), "--traffic",
                                    str(API_LOG), "--format", "json").stdout)
        assert data
        for r in data:
            if r["in_place"]:
                assert r["change"], (source, r["workload"])
            if r["layer"] != "none":
                assert r["command"] or r["change"], (source, r["workload"])


def traffic_routes(*args: str, config: str) -> dict:
    return {f"{r['method']} {r['route']}": r for r in json.loads(cachelint(
        "traffic", str(API_LOG), "--config", config, "--format", "json", *args).stdout)["routes"]}


def test_traffic_honours_strongly_consistent_and_per_caller_routes(tmp_path):
    config = tmp_path / ".cachelint.yaml"
    config.write_text('strongly_consistent: ["GET /accounts/*"]\nper_caller: ["GET /me"]\n')
    routes = traffic_routes(config=str(config))
    assert routes["GET /products"]["recommended_ttl"] == 30
    for route in ("GET /accounts", "GET /me", "POST /orders"):
        assert routes[route]["recommended_ttl"] is None, route
    assert routes["GET /accounts"]["no_ttl_because"].startswith(
        "declared strongly consistent (config matches 'GET /accounts')")
    assert routes["GET /me"]["no_ttl_because"].startswith(
        "declared per caller (config matches 'GET /me')")
    text = cachelint("traffic", str(API_LOG), "--config", str(config), "--top", "9").stdout
    blocks = dict(re.findall(r"^(\S+ /\S*): .*\n((?:  .*\n)*)", text, re.M))
    assert "smallest TTL reaching 80%: 30 s" in blocks["GET /products"]
    assert "TTL" not in blocks["GET /accounts"].replace("no TTL proposed", "")
    assert blocks["GET /accounts"].strip().startswith("no TTL proposed: declared strongly")
    assert "no TTL proposed: declared per caller" in blocks["GET /me"]
    assert "smallest TTL" not in blocks["GET /me"] + blocks["POST /orders"]
    # Without the declarations the same routes get a TTL: the configuration is what changed.
    plain = tmp_path / "plain.yaml"
    plain.write_text("hot: []\n")
    assert traffic_routes(config=str(plain))["GET /me"]["recommended_ttl"] == 30


def test_traffic_shows_a_screenful_by_default():
    logs = (str(API_LOG), str(EXAMPLES / "logs" / "shop-web-cloudfront.gz"))
    for lines in (24, 60):
        out = cachelint("traffic", *logs, env={"LINES": str(lines)}).stdout.splitlines()
        assert lines - 10 <= len(out) <= lines, (lines, len(out))
        assert out[-1].startswith("... ") and "more routes" in out[-1]
    every = cachelint("traffic", *logs, "--top", "1000").stdout
    assert "more routes" not in every


def test_messages_name_resource_kinds_as_a_sentence_starts():
    data = json.loads(cachelint("scan", "examples", "--format", "json").stdout)
    starts = {f["message"].split(" ")[0] for f in data["findings"]}
    assert all(not word[0].islower() for word in starts), starts
    elasticache = [f["message"] for f in data["findings"] if f["rule_id"] in ("CL303", "CL304")]
    assert elasticache and all(m.startswith("Replication group ") for m in elasticache)


def test_recommend_does_not_size_a_per_caller_ttl_from_a_log_without_callers():
    data = json.loads(cachelint("recommend", str(EXAMPLES / "shop"), "--traffic", str(API_LOG),
                                "--format", "json").stdout)
    by = {r["workload"].split(" (")[0]: r for r in data}
    me, products = by["GET /me"], by["GET /products"]
    assert "the log does not show who called, so replaying it cannot size the TTL" in me["why"]
    assert "cache_ttl_in_seconds = 300 (now 7200 s)" in me["change"]
    assert "replaying them, a 30 s TTL" in products["why"]  # shared responses: sized by replay
