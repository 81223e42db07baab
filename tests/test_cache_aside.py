"""CL605-CL607 beyond their fixtures: severity from the infrastructure the code runs in, and the
shapes that must stay silent (unknown is never false). Real files in a temporary folder, scanned
by the real scan."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from cachelint.config import Config
from cachelint.scan import ScanOptions, run_scan

RULES = Path(__file__).parent / "rules"
SELECT = ("CL605", "CL606", "CL607")

API = """
resource "aws_api_gateway_rest_api" "shop" {
  name = "shop"
}

resource "aws_api_gateway_resource" "products" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_rest_api.shop.root_resource_id
  path_part   = "products"
}

resource "aws_api_gateway_method" "products" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.products.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "products" {
  rest_api_id             = aws_api_gateway_rest_api.shop.id
  resource_id             = aws_api_gateway_resource.products.id
  http_method             = aws_api_gateway_method.products.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.api.invoke_arn
}

resource "aws_api_gateway_deployment" "shop" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  deployment_id = aws_api_gateway_deployment.shop.id
  stage_name    = "prod"
}
"""


def scan(folder: Path) -> list:
    config = Config(select=SELECT)
    return run_scan(ScanOptions(paths=(str(folder),), config=config, cache_dir=None)).findings


def test_unhandled_cache_read_is_info_off_a_request_path_and_low_behind_an_api(tmp_path):
    shutil.copytree(RULES / "CL606" / "python" / "fail", tmp_path / "case")
    found = scan(tmp_path / "case")
    assert [(f.rule.id, f.severity.label) for f in found] == [("CL606", "info")]
    (tmp_path / "case" / "api.tf").write_text(API)
    found = scan(tmp_path / "case")
    assert [(f.rule.id, f.severity.label) for f in found] == [("CL606", "low")]
    assert "behind GET /products" in found[0].message


def test_no_finding_without_the_infrastructure_that_makes_it_true(tmp_path):
    """CL607 needs a Lambda function running the file: the same memo in code no function of
    the scan runs (one process, or a service whose task count is not read) is unknown."""
    shutil.copytree(RULES / "CL607" / "python" / "fail" / "src", tmp_path / "src")
    assert scan(tmp_path) == []


def test_stampede_needs_the_same_key_and_a_source_read_between(tmp_path):
    shutil.copytree(RULES / "CL605" / "python" / "fail", tmp_path / "case")
    app = tmp_path / "case" / "src" / "app.py"
    app.write_text(textwrap.dedent("""\
        import os

        import boto3
        import redis

        cache = redis.Redis(host=os.environ["REDIS_HOST"])
        table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


        def other_key(event, context):
            try:
                product = cache.get(event["id"])
            except redis.RedisError:
                product = None
            if product is None:
                product = table.get_item(Key={"id": event["id"]})["Item"]["name"]
                cache.set(f"name:{event['id']}", product, ex=300)
            return product


        def no_source_read(event, context):
            try:
                count = cache.get("visits")
            except redis.RedisError:
                count = None
            cache.set("visits", int(count or 0) + 1, ex=300)
        """))
    assert scan(tmp_path / "case") == []
