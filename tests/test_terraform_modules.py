"""Terraform loader on real-world layouts: values from files, data lookups, module folders,
roots and environments, module sources that are missing or outside the scan."""

from __future__ import annotations

import os

from cachelint.model import ApiMethodSettings, CacheCluster
from cachelint.values import UNKNOWN

SETTINGS = """
resource "aws_api_gateway_method_settings" "m" {
  for_each    = %s
  rest_api_id = "abc"
  stage_name  = "prod"
  method_path = each.key
  settings {
    caching_enabled      = true
    cache_ttl_in_seconds = each.value
  }
}
"""


def ttls(inv) -> dict:
    return {m.source.address: m.ttl for m in inv.of(ApiMethodSettings)}


def test_yamldecode_and_jsondecode_of_files_in_the_repository(tf, inventory):
    path = tf({"main.tf": SETTINGS % 'yamldecode(file("${path.module}/ttl.yaml"))',
               "ttl.yaml": "a/GET: 60\nb/GET: 0\n"})
    assert ttls(inventory(path)) == {'aws_api_gateway_method_settings.m["a/GET"]': 60,
                                     'aws_api_gateway_method_settings.m["b/GET"]': 0}
    path = tf({"main.tf": SETTINGS % 'jsondecode(file("ttl.json"))',
               "ttl.json": '{"c/GET": 30}', "ttl.yaml": "x: 1\n"})
    assert ttls(inventory(path)) == {'aws_api_gateway_method_settings.m["c/GET"]': 30}


def test_file_relative_path_is_relative_to_the_root_module(tf, inventory):
    path = tf({"main.tf": 'module "api" {\n  source = "./modules/api"\n}\n',
               "modules/api/main.tf": SETTINGS % 'jsondecode(file("ttl.json"))',
               "ttl.json": '{"root/GET": 5}', "modules/api/ttl.json": '{"module/GET": 7}'})
    # Through the root, file() reads the root's ttl.json; the module checked alone is its own
    # root and reads its own.
    assert ttls(inventory(path)) == {'module.api.aws_api_gateway_method_settings.m["root/GET"]': 5,
                                     'aws_api_gateway_method_settings.m["module/GET"]': 7}


def test_missing_unreadable_or_outside_files_are_unknown_not_errors(tf, inventory,
                                                                    tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "ttl.json"
    outside.write_text('{"x/GET": 0}')
    for expr in ('jsondecode(file("${path.module}/missing.json"))',
                 f'jsondecode(file("{outside}"))',
                 'yamldecode(file("two.yaml"))'):
        path = tf({"main.tf": SETTINGS % expr, "two.yaml": "a: 1\n---\nb: 2\n"})
        inv = inventory(path)
        assert not inv.errors
        (only,) = inv.of(ApiMethodSettings)  # one instance as written, values unknown
        assert only.ttl is UNKNOWN


def test_fileexists_is_true_for_a_file_and_unknown_otherwise(tf, inventory):
    path = tf({"main.tf": SETTINGS % '{ "a/GET" = fileexists("x.txt") ? 1 : 2,'
                                     ' "b/GET" = fileexists("y.txt") ? 1 : 2 }',
               "x.txt": "x"})
    assert ttls(inventory(path)) == {'aws_api_gateway_method_settings.m["a/GET"]': 1,
                                     'aws_api_gateway_method_settings.m["b/GET"]': UNKNOWN}


def test_data_sources_are_lookups_not_declarations(tf, inventory):
    path = tf({"main.tf": 'data "aws_elasticache_replication_group" "shared" {\n'
                          '  replication_group_id = "shared"\n}\n'
                          'resource "aws_elasticache_replication_group" "own" {\n'
                          '  replication_group_id = "own"\n  engine = "valkey"\n}\n'})
    caches = inventory(path).of(CacheCluster)
    assert [c.source.address for c in caches] == ["aws_elasticache_replication_group.own"]


REDIS = """
variable "encrypt" {
  default = false
}
resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = "c"
  description                = "c"
  engine                     = "redis"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  at_rest_encryption_enabled = var.encrypt
  transit_encryption_enabled = false
}
"""


def _where(report, rule_id):
    """(file, line, roots) of a rule's findings; paths relative to where the scan ran."""
    return sorted((os.path.relpath(f.location.path), f.location.start_line, f.all_roots)
                  for f in report.findings if f.rule.id == rule_id)


def test_module_folder_is_checked_with_its_own_defaults_once_per_defect(tf, scan, monkeypatch):
    path = tf({"modules/redis/main.tf": REDIS,
               "envs/prod/main.tf": 'variable "x" {}\nmodule "c" {\n'
                                    '  source  = "../../modules/redis"\n  encrypt = var.x\n}\n',
               "envs/qa/main.tf": 'module "c" {\n  source = "../../modules/redis"\n}\n',
               "envs/uat/main.tf": 'module "c" {\n  source  = "../../modules/redis"\n'
                                   '  encrypt = false\n}\n'})
    monkeypatch.chdir(path)
    report = scan(path)
    # The default (line 3) is deployed by qa and by the module checked alone: one finding that
    # names both; uat writes its own false (line 3 of its file): its own finding; prod passes
    # an unknown value: nothing.
    assert _where(report, "CL304") == [
        ("envs/uat/main.tf", 3, ("envs/uat",)),
        ("modules/redis/main.tf", 3, ("envs/qa", "modules/redis")),
    ]
    # A value written in the module itself is one finding, naming every root that deploys it.
    assert _where(report, "CL305") == [
        ("modules/redis/main.tf", 12, ("envs/prod", "envs/qa", "envs/uat", "modules/redis"))]
    (finding,) = [f for f in report.findings if f.rule.id == "CL305"]
    assert finding.address == "module.c.aws_elasticache_replication_group.this"  # deployed
    assert report.resources_scanned == 1


def test_value_passed_through_a_module_points_where_it_is_written(tf, scan, monkeypatch):
    module = REDIS.replace("default = false", "default = true")
    # The caller's argument, when the value is written there.
    path = tf({"modules/redis/main.tf": module,
               "main.tf": 'module "c" {\n  source  = "./modules/redis"\n'
                          '  encrypt = !true\n}\n'})
    monkeypatch.chdir(path)
    assert _where(scan(path), "CL304") == [("main.tf", 3, (".",))]
    # A local that holds the literal, or renames a variable, is followed to where it is set.
    (path / "main.tf").write_text('locals {\n  off = false\n}\nmodule "c" {\n'
                                  '  source  = "./modules/redis"\n  encrypt = local.off\n}\n')
    assert _where(scan(path), "CL304") == [("main.tf", 2, (".",))]
    (path / "main.tf").write_text('variable "enc" {}\nlocals {\n  enc = var.enc\n}\n'
                                  'module "c" {\n  source  = "./modules/redis"\n'
                                  '  encrypt = local.enc\n}\n')
    (path / "terraform.tfvars").write_text("# prod\nenc = false\n")
    assert _where(scan(path), "CL304") == [("terraform.tfvars", 2, (".",))]


CACHE = """
resource "aws_elasticache_replication_group" "own" {
  replication_group_id = "own"
  description          = "own"
  engine               = "valkey"
  num_cache_clusters   = 1
}
"""


def test_missing_local_module_is_one_error_per_calling_line(tf, scan):
    path = tf({"a.tf": 'module "m" {\n  for_each = toset(["x", "y"])\n'
                       '  source   = "./modules/gone"\n}\n' + CACHE,
               "b.tf": '\n\nmodule "n" {\n  source = "./modules/gone"\n}\n'})
    report = scan(path)
    errors = sorted((os.path.basename(e.path), e.message.split(":")[0]) for e in report.errors)
    assert errors == [("a.tf", "line 1"), ("b.tf", "line 3")]
    assert all("not found" in e.message for e in report.errors)
    # The caller's own resources are still checked.
    assert {f.rule.id for f in report.findings if f.rule.id != "CL001"} == {"CL303", "CL305"}


def test_empty_module_folder_or_submodule_is_one_note(tf, scan):
    path = tf({"a.tf": 'module "m" {\n  source = "./vendor/redis"\n}\n' + CACHE,
               "b.tf": 'module "n" {\n  source = "./vendor/redis"\n}\n'
                       'module "o" {\n  source = "./vendor/empty"\n}\n',
               ".gitmodules": '[submodule "redis"]\n\tpath = vendor/redis\n'
                              '\turl = https://example.com/redis.git\n'})
    (path / "vendor" / "redis").mkdir(parents=True)
    (path / "vendor" / "empty").mkdir(parents=True)
    report = scan(path)
    assert report.errors == [] and "CL001" not in {f.rule.id for f in report.findings}
    notes = [n for n in report.notes if "module source not present" in n]
    assert len(notes) == 2
    assert any("vendor/redis" in n and "git submodule" in n for n in notes)
    assert any("vendor/empty" in n and "no Terraform files" in n for n in notes)


def test_module_outside_the_scanned_folder_is_read_when_present(tf, scan):
    path = tf({"modules/redis/main.tf": CACHE,
               "envs/prod/main.tf": 'module "c" {\n  source = "../../modules/redis"\n}\n'
                                    'module "gone" {\n  source = "../../modules/gone"\n}\n'})
    report = scan(path / "envs" / "prod")  # not in a git work tree: the scan root is the folder
    assert report.errors == []
    assert {(os.path.basename(f.location.path), f.rule.id) for f in report.findings} == {
        ("main.tf", "CL303"), ("main.tf", "CL305")}
    assert {f.address for f in report.findings} == {
        "module.c.aws_elasticache_replication_group.own"}
    assert any('module "c"' in n and "outside the scanned folder" in n and "read" in n
               for n in report.notes)
    assert any('module "gone"' in n and "not on this disk" in n for n in report.notes)


def test_part_of_an_object_variable_points_where_the_object_is_written(tf, scan, monkeypatch):
    module = REDIS.replace('variable "encrypt" {\n  default = false\n}',
                           'variable "cfg" {\n  default = { encrypt = true }\n}') \
        .replace("var.encrypt", "var.cfg.encrypt")
    path = tf({"modules/redis/main.tf": module,
               "main.tf": 'module "c" {\n  source = "./modules/redis"\n'
                          '  cfg    = { encrypt = false }\n}\n'})
    monkeypatch.chdir(path)
    assert _where(scan(path), "CL304") == [("main.tf", 3, (".",))]


def test_a_yaml_alias_bomb_in_a_decoded_file_is_unknown_not_a_hang(tf, inventory):
    lines = ["x0: &x0 [a, a, a, a, a, a, a, a, a]"]
    for i in range(1, 10):
        lines.append(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]")
    path = tf({"main.tf": SETTINGS % 'yamldecode(file("bomb.yaml"))',
               "bomb.yaml": "\n".join(lines) + "\n"})
    inv = inventory(path)
    assert not inv.errors
    (only,) = inv.of(ApiMethodSettings)
    assert only.ttl is UNKNOWN


SWITCHED = """
variable "engine" {
  type    = string
  default = "redis"
}

resource "aws_elasticache_cluster" "memcached" {
  count           = local.memcached ? 1 : 0
  engine          = "memcached"
  num_cache_nodes = 2
}

locals {
  memcached = var.engine == "memcached"
}
"""


def test_a_resource_a_variable_switches_off_is_read_where_it_is_on(tf, inventory):
    # Created only when var.engine = "memcached" (through a local): read under that value.
    caches = inventory(tf({"main.tf": SWITCHED})).of(CacheCluster)
    assert [(c.source.address, c.engine, c.source.assumes) for c in caches] == [
        ("aws_elasticache_cluster.memcached[0]", "memcached", 'when var.engine = "memcached"')]


def test_a_variable_the_user_sets_is_never_changed(tf, inventory):
    path = tf({"main.tf": SWITCHED, "terraform.tfvars": 'engine = "redis"\n'})
    assert inventory(path).of(CacheCluster) == []
    assert inventory(path, variables={"engine": "memcached"}).of(CacheCluster)[0] \
        .source.assumes == ""
