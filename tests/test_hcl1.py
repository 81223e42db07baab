"""Terraform 0.11 syntax (HCL1): valid for the Terraform it was written for, so read in
compatibility mode (not reported as unparseable), its blocks and attributes on their own lines."""

from __future__ import annotations

from cachelint.config import Config
from cachelint.model import CacheBehavior, CacheCluster
from cachelint.scan import ScanOptions, run_scan

# `tags { ... }` without `=` and a quoted map key are HCL1 only: python-hcl2 rejects the file.
LEGACY = '''\
variable "transit" {
  default = false
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id          = "sessions"
  replication_group_description = "sessions"
  engine                        = "redis"
  engine_version                = "6.2"
  node_type                     = "cache.t3.micro"
  number_cache_clusters         = 2
  automatic_failover_enabled    = true
  tags {
    "Environment" = "prod"
  }
  # a comment with { a brace
  at_rest_encryption_enabled    = true
  transit_encryption_enabled    = "${var.transit}"
}
'''


def _scan(path):
    return run_scan(ScanOptions(paths=(str(path),), config=Config()))


def test_terraform_011_file_is_read_not_reported_as_unparseable(tf, inventory):
    path = tf({"main.tf": LEGACY})
    inv = inventory(path)
    assert not inv.errors
    (group,) = inv.of(CacheCluster)
    assert group.source.location.start_line == 5
    assert group.source.location.end_line == 19
    assert any("Terraform 0.11 syntax" in n and n.startswith("main.tf") for n in inv.notes)


def test_finding_in_terraform_011_points_at_the_attribute_line(tf):
    report = _scan(tf({"main.tf": LEGACY}))
    assert {f.rule.id for f in report.findings} == {"CL305"}
    (finding,) = report.findings
    # transit_encryption_enabled = "${var.transit}" on line 18, its default false on line 2
    assert finding.location.start_line in (2, 18)
    assert not any(f.rule.id == "CL001" for f in report.findings)


def test_nested_blocks_are_placed_in_order(tf, inventory):
    text = '''\
resource "aws_cloudfront_distribution" "site" {
  enabled = true
  origin {
    domain_name = "a.example.com"
    origin_id   = "a"
  }
  default_cache_behavior {
    target_origin_id       = "a"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    forwarded_values {
      query_string = false
      headers      = ["*"]
      cookies {
        forward = "none"
      }
    }
  }
  ordered_cache_behavior {
    path_pattern           = "/a/*"
    target_origin_id       = "a"
    viewer_protocol_policy = "allow-all"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    forwarded_values {
      query_string = true
      cookies {
        forward = "all"
      }
    }
  }
  tags {
    "Name" = "site"
  }
}
'''
    inv = inventory(tf({"main.tf": text}))
    assert not inv.errors
    behaviours = sorted(inv.of(CacheBehavior), key=lambda b: b.source.location.start_line)
    assert [b.source.location.start_line for b in behaviours] == [7, 20]
    assert [b.source.location.end_line for b in behaviours] == [19, 32]


def test_a_real_syntax_error_is_still_reported(tf):
    report = _scan(tf({"main.tf": 'resource "aws_elasticache_cluster" "c" {\n  engine = \n}\n'}))
    assert [f.rule.id for f in report.findings] == ["CL001"]
