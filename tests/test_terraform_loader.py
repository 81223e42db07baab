"""Terraform loader: variables, locals, references, modules, count/for_each, dynamic, JSON."""

from __future__ import annotations

import json

from cachelint.model import ApiMethodSettings, CacheBehavior, DaxCluster, DaxParameterGroup
from cachelint.values import UNKNOWN

SETTINGS = """
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = "abc"
  stage_name  = "prod"
  method_path = "*/*"
  settings {
    caching_enabled      = true
    cache_ttl_in_seconds = %s
  }
}
"""


def only(inv, kind):
    found = inv.of(kind)
    assert len(found) == 1, found
    return found[0]


def through_caller(inv, kind):
    """The one resource of ``kind`` evaluated through a module call (a called module folder is
    also checked alone, with its own defaults: see test_terraform_modules.py)."""
    found = [r for r in inv.of(kind) if r.source.address.startswith("module.")]
    assert len(found) == 1, found
    return found[0]


def test_locals_reference_each_other_with_arithmetic(tf, inventory):
    path = tf({"main.tf": 'locals {\n  minutes = 5\n  ttl = local.minutes * 60\n}\n'
               + SETTINGS % "local.ttl"})
    assert only(inventory(path), ApiMethodSettings).ttl == 300


def test_local_cycle_is_unknown_not_an_error(tf, inventory):
    path = tf({"main.tf": 'locals {\n  a = local.b\n  b = local.a\n}\n' + SETTINGS % "local.a"})
    inv = inventory(path)
    assert only(inv, ApiMethodSettings).ttl is UNKNOWN
    assert not inv.errors


def test_variable_precedence_default_tfvars_auto_varfile_cli(tf, inventory):
    path = tf({
        "main.tf": 'variable "ttl" {\n  default = 1\n}\n' + SETTINGS % "var.ttl",
        "terraform.tfvars": "ttl = 2\n",
        "b.auto.tfvars": "ttl = 3\n",
        "extra.tfvars": "ttl = 4\n",
    })
    assert only(inventory(path), ApiMethodSettings).ttl == 3
    assert only(inventory(path, var_files=[str(path / "extra.tfvars")]),
                ApiMethodSettings).ttl == 4
    assert only(inventory(path, var_files=[str(path / "extra.tfvars")],
                          variables={"ttl": "5"}), ApiMethodSettings).ttl == 5


def test_variable_without_default_is_unknown(tf, inventory):
    path = tf({"main.tf": 'variable "ttl" {}\n' + SETTINGS % "var.ttl"})
    assert only(inventory(path), ApiMethodSettings).ttl.__class__.__name__ == "_Unknown"


def test_value_from_tfvars_is_located_in_tfvars(tf, inventory):
    path = tf({"main.tf": 'variable "ttl" {}\n' + SETTINGS % "var.ttl",
               "terraform.tfvars": "# prod\nttl = 0\n"})
    ms = only(inventory(path), ApiMethodSettings)
    assert ms.ttl == 0
    loc = ms.source.locate("ttl")
    assert (loc.path, loc.start_line) == ("terraform.tfvars", 2)


def test_local_module_inputs_and_caller_location(tf, inventory):
    path = tf({
        "main.tf": 'module "api" {\n  source = "./modules/api"\n  ttl    = 0\n}\n',
        "modules/api/main.tf": 'variable "ttl" {}\n' + SETTINGS % "var.ttl",
    })
    ms = through_caller(inventory(path), ApiMethodSettings)
    assert ms.ttl == 0
    assert ms.source.address == "module.api.aws_api_gateway_method_settings.all"
    loc = ms.source.locate("ttl")
    assert (loc.path, loc.start_line) == ("main.tf", 3)  # where the user wrote the value
    assert ms.source.locate("caching_enabled").path == "modules/api/main.tf"


def test_module_outputs_feed_other_modules(tf, inventory):
    path = tf({
        "main.tf": 'module "a" {\n  source = "./a"\n}\nmodule "b" {\n  source = "./b"\n'
                   '  ttl = module.a.ttl\n}\n',
        "a/main.tf": 'output "ttl" {\n  value = 60 * 2\n}\n',
        "b/main.tf": 'variable "ttl" {}\n' + SETTINGS % "var.ttl",
    })
    assert through_caller(inventory(path), ApiMethodSettings).ttl == 120


def test_registry_modules_are_a_note_not_an_error(tf, inventory):
    path = tf({"main.tf": 'module "cdn" {\n  source  = "terraform-aws-modules/cloudfront/aws"\n'
                          '  version = "~> 3.0"\n}\n'})
    inv = inventory(path)
    assert not inv.errors
    assert any("terraform-aws-modules/cloudfront/aws" in n for n in inv.notes)


def test_count_and_for_each_instances(tf, inventory):
    path = tf({"main.tf": '''
resource "aws_dax_cluster" "c" {
  count              = 2
  cluster_name       = "c-${count.index}"
  replication_factor = count.index + 1
}
resource "aws_dax_cluster" "e" {
  for_each           = {small = 1, big = 3}
  cluster_name       = each.key
  replication_factor = each.value
}
resource "aws_dax_cluster" "off" {
  count        = 0
  cluster_name = "never"
}
'''})
    clusters = {c.source.address: c for c in inventory(path).of(DaxCluster)}
    assert set(clusters) == {"aws_dax_cluster.c[0]", "aws_dax_cluster.c[1]",
                             'aws_dax_cluster.e["small"]', 'aws_dax_cluster.e["big"]'}
    assert clusters["aws_dax_cluster.c[1]"].replication_factor == 2
    assert clusters['aws_dax_cluster.e["big"]'].name == "big"


def test_dynamic_blocks_with_literal_collections(tf, inventory):
    path = tf({"main.tf": '''
locals {
  ttls = {"record-ttl-millis" = "0", "query-ttl-millis" = "60000"}
}
resource "aws_dax_parameter_group" "p" {
  name = "p"
  dynamic "parameters" {
    for_each = local.ttls
    content {
      name  = parameters.key
      value = parameters.value
    }
  }
}
'''})
    group = only(inventory(path), DaxParameterGroup)
    assert (group.record_ttl_millis, group.query_ttl_millis) == (0, 60000)


def test_references_between_resources_link_by_address(tf, inventory):
    path = tf({"main.tf": '''
resource "aws_dax_parameter_group" "p" {
  name = "reads"
  parameters {
    name  = "record-ttl-millis"
    value = "0"
  }
}
resource "aws_dax_cluster" "c" {
  cluster_name         = "c"
  parameter_group_name = aws_dax_parameter_group.p.name
}
'''})
    cluster = only(inventory(path), DaxCluster)
    assert cluster.record_ttl_millis == 0
    assert cluster.source.locate("record_ttl_millis").start_line == 6


def test_tf_json_files_with_line_numbers(tf, inventory):
    doc = {"resource": {"aws_cloudfront_distribution": {"web": {
        "enabled": True,
        "default_cache_behavior": {
            "target_origin_id": "s3",
            "forwarded_values": {"query_string": False, "headers": ["*"],
                                 "cookies": {"forward": "none"}}},
        "origin": [{"origin_id": "s3", "domain_name": "${var.bucket}.s3.amazonaws.com"}]}}},
        "variable": {"bucket": {"default": "site"}}}
    path = tf({"main.tf.json": json.dumps(doc, indent=2)})
    behavior = only(inventory(path), CacheBehavior)
    assert behavior.headers.behavior == "all"
    assert behavior.origin.kind == "s3"
    loc = behavior.source.locate("headers")
    text = (path / "main.tf.json").read_text().splitlines()
    assert '"headers"' in text[loc.start_line - 1]


def test_bad_files_are_errors_and_the_rest_still_loads(tf, inventory):
    path = tf({"broken.tf": 'resource "aws_dax_cluster" "x" {\n  a = \n',
               "broken.tf.json": '{"resource": {"aws_dax_cluster": {not json',
               "ok.tf": SETTINGS % "0"})
    (path / "binary.tf").write_bytes(b"\x00\x01aws_dax_cluster\x02")
    inv = inventory(path)
    assert {e.path for e in inv.errors} == {"broken.tf", "broken.tf.json", "binary.tf"}
    assert all("\n" not in e.message for e in inv.errors)
    assert only(inv, ApiMethodSettings).ttl == 0


def test_files_that_cannot_hold_a_checked_resource_are_not_parsed(tf, inventory):
    """Their syntax errors are for `terraform validate`; --no-prefilter parses everything."""
    path = tf({"ok.tf": SETTINGS % "0",
               "ec2.tf": 'resource "aws_instance" "web" {\n  ami = \n'})
    assert inventory(path).errors == []
    assert [e.path for e in inventory(path, prefilter=False).errors] == ["ec2.tf"]


def test_deferred_files_are_parsed_when_a_checked_resource_refers_to_them(tf, inventory):
    path = tf({"dax.tf": 'resource "aws_dax_cluster" "c" {\n  cluster_name = "c"\n'
                         '  replication_factor = aws_autoscaling_group.web.min_size\n}\n'
                         'resource "aws_dax_cluster" "d" {\n  cluster_name = "d"\n'
                         '  replication_factor = data.aws_autoscaling_group.other.min_size\n}\n',
               "asg.tf": 'resource "aws_autoscaling_group" "web" {\n  min_size = 1\n}\n'
                         'data "aws_autoscaling_group" "other" {\n  name = "o"\n}\n'})
    inv = inventory(path)
    assert inv.errors == []
    assert {c.name: c.replication_factor for c in inv.of(DaxCluster)}["c"] == 1


def test_two_roots_with_the_same_addresses_do_not_mix(tf, inventory):
    dax = '''
resource "aws_dax_parameter_group" "p" {
  name = "reads"
  parameters {
    name  = "record-ttl-millis"
    value = "%s"
  }
}
resource "aws_dax_cluster" "c" {
  cluster_name         = "c"
  parameter_group_name = aws_dax_parameter_group.p.name
}
'''
    path = tf({"a/main.tf": dax % "0", "b/main.tf": dax % "60000"})
    ttls = {c.source.location.path: c.record_ttl_millis for c in inventory(path).of(DaxCluster)}
    assert ttls == {"a/main.tf": 0, "b/main.tf": 60000}


def test_registry_module_installed_by_terraform_init_is_evaluated(tf, inventory):
    path = tf({
        "main.tf": 'module "api" {\n  source  = "acme/api/aws"\n  version = "1.0.0"\n'
                   '  ttl     = 0\n}\n',
        ".terraform/modules/api/main.tf": 'variable "ttl" {}\n' + SETTINGS % "var.ttl",
        ".terraform/modules/modules.json": json.dumps({"Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "api", "Source": "registry.terraform.io/acme/api/aws", "Version": "1.0.0",
             "Dir": ".terraform/modules/api"}]}),
    })
    inv = inventory(path)
    ms = only(inv, ApiMethodSettings)
    assert ms.ttl == 0 and ms.source.address == "module.api.aws_api_gateway_method_settings.all"
    assert (ms.source.locate("ttl").path, ms.source.locate("ttl").start_line) == ("main.tf", 4)
    assert not inv.notes


def test_module_manifest_cannot_point_outside_the_module(tf, inventory):
    path = tf({
        "root/main.tf": 'module "api" {\n  source = "acme/api/aws"\n}\n',
        "root/.terraform/modules/modules.json": json.dumps(
            {"Modules": [{"Key": "api", "Dir": "../elsewhere"}]}),
        "elsewhere/main.tf": SETTINGS % "0",
    })
    addresses = [r.source.address for r in inventory(path / "root").of(ApiMethodSettings)]
    assert addresses == []


def test_optional_object_attributes_are_null_or_their_default(tf, inventory):
    path = tf({
        "main.tf": 'module "cdn" {\n  source = "./cdn"\n  behavior = { forward = "all" }\n}\n',
        "cdn/main.tf": '''
variable "behavior" {
  type = object({
    forward         = string
    cache_policy_id = optional(string)
    headers         = optional(list(string), ["*"])
  })
}
resource "aws_cloudfront_distribution" "d" {
  default_cache_behavior {
    target_origin_id = "o"
    cache_policy_id  = var.behavior.cache_policy_id
    dynamic "forwarded_values" {
      for_each = var.behavior.cache_policy_id == null ? [var.behavior] : []
      content {
        query_string = false
        headers      = forwarded_values.value.headers
        cookies {
          forward = forwarded_values.value.forward
        }
      }
    }
  }
}
'''})
    behavior = through_caller(inventory(path), CacheBehavior)
    assert behavior.has_cache_policy_id is False and behavior.has_forwarded_values is True
    assert (behavior.headers.behavior, behavior.cookies.behavior) == ("all", "all")


def test_variable_type_converts_primitives(tf, inventory):
    path = tf({"main.tf": 'variable "ttl" {\n  type    = number\n  default = "60"\n}\n'
               + SETTINGS % "var.ttl"})
    assert only(inventory(path), ApiMethodSettings).ttl == 60


def test_duplicate_resources_are_an_error_and_the_first_is_scanned(tf, inventory):
    path = tf({"a.tf": SETTINGS % "0", "b.tf": SETTINGS % "60"})
    inv = inventory(path)
    assert only(inv, ApiMethodSettings).ttl == 0
    assert [(e.path, e.message.split(";")[0]) for e in inv.errors] == [
        ("b.tf", 'line 2: duplicate resource "aws_api_gateway_method_settings" "all"')]


def test_an_empty_engine_version_is_unset(tmp_path):
    # The provider sends only a non-empty version: "" lets AWS pick the latest (TLS capable).
    from cachelint.model import CacheCluster
    (tmp_path / "main.tf").write_text('''
resource "aws_elasticache_cluster" "c" {
  engine          = "memcached"
  engine_version  = ""
  num_cache_nodes = 2
}
''')
    from cachelint.loaders.terraform import load_terraform
    cache = only(load_terraform([str(tmp_path)]), CacheCluster)
    assert cache.engine_version is None
    assert cache.transit_encryption_supported is True
