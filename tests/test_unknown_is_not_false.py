"""Unknown is not false: in every failing fixture, replacing the value on a finding's line with
a variable nobody set must remove that finding and never add another."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from test_rules import CASES, EXPECT, actual_findings

ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*)([^#]+?)(\s*#.*)?$")


def marked_assignments(case: Path):
    for path in sorted(case.rglob("*.tf")):
        for lineno, line in enumerate(path.read_text().splitlines(), start=1):
            m = EXPECT.search(line)
            if m and ASSIGNMENT.match(line) and "CL001" not in m.group(1):
                yield path.relative_to(case), lineno


# Terraform sources only: in a plan the values are already decided, and YAML has no variables.
FAIL_LINES = [(case, rel, line) for case in CASES
              if case.name == "fail" and case.parts[-2] == "terraform"
              for rel, line in marked_assignments(case)]


@pytest.mark.parametrize("case, rel, line", FAIL_LINES,
                         ids=[f"{c.parts[-3]}:{r}:{n}" for c, r, n in FAIL_LINES])
def test_unknown_value_removes_the_finding(tmp_path, case, rel, line):
    work = tmp_path / "case"
    shutil.copytree(case, work)
    target = work / rel
    lines = target.read_text().splitlines()
    m = ASSIGNMENT.match(lines[line - 1])
    lines[line - 1] = f"{m.group(1)}var.not_set_anywhere"
    target.write_text("\n".join(lines) + "\n")
    before = actual_findings(case)
    after = actual_findings(work)
    assert not {f for f in after if f[:2] == (str(rel), line)}
    assert after <= before


def test_unknown_function_associations_and_origin_request_policy_fire_nothing(tmp_path):
    """A dynamic association list nobody can expand may hold a viewer-request function (CL205
    must not fire, CL201/CL202 cannot tell intent); an origin request policy id nobody set may
    send cookies or not (CL207 must not fire)."""
    (tmp_path / "main.tf").write_text('''
variable "edge" {}
variable "requests" {}

resource "aws_cloudfront_distribution" "d" {
  enabled = true
  origin {
    origin_id   = "web"
    domain_name = "web.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id         = "web"
    viewer_protocol_policy   = "redirect-to-https"
    allowed_methods          = ["GET", "HEAD"]
    cached_methods           = ["GET", "HEAD"]
    cache_policy_id          = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    origin_request_policy_id = var.requests
  }
  ordered_cache_behavior {
    path_pattern           = "/pages/*"
    target_origin_id       = "web"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    forwarded_values {
      query_string = false
      cookies {
        forward = "all"
      }
    }
    dynamic "function_association" {
      for_each = var.edge
      content {
        event_type   = function_association.value.event_type
        function_arn = function_association.value.arn
      }
    }
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
''')
    assert {code for _, _, code in actual_findings(tmp_path)} == set()


def test_a_cache_cluster_whose_engine_is_unknown_is_not_called_unencrypted(tmp_path):
    """A module checked alone with no default for its engine: the engine may be Memcached,
    which cannot encrypt at rest at all, so no at-rest finding (and no crash)."""
    from cachelint.scan import ScanOptions, run_scan

    (tmp_path / "main.tf").write_text(
        'variable "engine" {}\n'
        'resource "aws_elasticache_cluster" "c" {\n'
        '  cluster_id      = "c"\n'
        '  engine          = var.engine\n'
        '  node_type       = "cache.t3.micro"\n'
        '  num_cache_nodes = 1\n'
        '}\n')
    report = run_scan(ScanOptions(paths=(str(tmp_path),), jobs=1))
    assert report.errors == []
    assert "CL304" not in {f.rule.id for f in report.findings}
