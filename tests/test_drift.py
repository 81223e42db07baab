"""The same resources written in Terraform, in a CloudFormation template and as an account
snapshot (tests/drift/) give equal model objects, every field but where they were read from.

Readers declare, one linking layer derives (docs/architecture.md): a fact written in two places
drifts, and this test is how we know it has not.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from cachelint.aws.snapshot import load_snapshot
from cachelint.loaders.cloudformation import load_cloudformation
from cachelint.loaders.terraform import load_terraform
from cachelint.model import (
    ApiMethod, ApiMethodSettings, ApiStage, CacheBehavior, CacheCluster, CacheParameterGroup,
    CachePolicy, CloudFrontOrigin, DaxCluster, DaxParameterGroup, DynamoTable, Inventory,
    Resource, SourceKind,
)
from cachelint.values import UNKNOWN

HERE = os.path.join(os.path.dirname(__file__), "drift")
SOURCES = {
    SourceKind.TERRAFORM: lambda: load_terraform([os.path.join(HERE, "terraform")]),
    SourceKind.CLOUDFORMATION: lambda: load_cloudformation(
        [os.path.join(HERE, "cloudformation", "template.yaml")]),
    SourceKind.AWS: lambda: load_snapshot(os.path.join(HERE, "account.json")),
}
# Fields that cannot agree, each with why: (kind, field) -> reason.
NOT_COMPARED = {
    (CacheBehavior, "domains"): "the distribution's domain name is AWS's: only a live scan has it",
    # References in each source's own names: an address, a logical id, an id or ARN.
    (ApiStage, "api"): "reference", (ApiMethodSettings, "api"): "reference",
    (ApiMethod, "api"): "reference", (CacheBehavior, "distribution"): "reference",
    # An origin's domain names a resource (an address, a GetAtt) or is the live domain name.
    (CloudFrontOrigin, "domain"): "reference", (CloudFrontOrigin, "references"): "reference",
    (CacheBehavior, "ttls_written"): "the live API reports a legacy behaviour's three TTLs "
                                     "whether or not anyone wrote them",
}
# The snapshot's method settings leave out requireAuthorizationForCacheControl and its strategy,
# which a live stage always reports: CloudFormation's MethodSetting cannot say them, so the
# template leaves them to AWS's default and so does the Terraform.


def plain(value, kind: type | None = None, source: SourceKind | None = None):
    """A model object as plain data, without where it was read from (``source``), recursively;
    the fields of NOT_COMPARED are dropped for every source."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__,
                **{f.name: plain(getattr(value, f.name), type(value))
                   for f in dataclasses.fields(value)
                   if f.name != "source" and (type(value), f.name) not in NOT_COMPARED}}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return "UNKNOWN" if value is UNKNOWN else value


@pytest.fixture(scope="module")
def inventories() -> dict[SourceKind, Inventory]:
    out = {}
    for kind, load in SOURCES.items():
        inv = load()
        assert not inv.errors, (kind, inv.errors)
        out[kind] = inv
    return out


# What tells the objects of a kind apart, in every source.
KEYS = {
    CacheBehavior: lambda r: r.path_pattern, ApiStage: lambda r: r.name,
    ApiMethodSettings: lambda r: (r.stage, r.method_path),
    ApiMethod: lambda r: (r.stage, r.route),
}


def by_name(inv: Inventory, kind: type) -> dict:
    key = KEYS.get(kind, lambda r: r.name)
    return {key(r): r for r in inv.of(kind)}


LAYERS = [CachePolicy, CacheBehavior, ApiStage, ApiMethodSettings, ApiMethod,
          CacheParameterGroup, CacheCluster, DynamoTable, DaxParameterGroup, DaxCluster]


@pytest.mark.parametrize("kind", LAYERS, ids=lambda k: k.__name__)
def test_every_source_gives_the_same_model(inventories, kind):
    models = {source: by_name(inv, kind) for source, inv in inventories.items()}
    names = {source: sorted(found) for source, found in models.items()}
    terraform = names[SourceKind.TERRAFORM]
    assert terraform, f"the drift files declare no {kind.__name__}"
    assert all(n == terraform for n in names.values()), names
    for name in terraform:
        want = plain(models[SourceKind.TERRAFORM][name])
        for source in (SourceKind.CLOUDFORMATION, SourceKind.AWS):
            assert plain(models[source][name]) == want, (kind.__name__, name, source.value)


def test_each_model_object_says_which_source_it_came_from(inventories):
    for source, inv in inventories.items():
        assert inv.resources
        assert {r.source.kind for r in inv.resources} == {source}


def test_the_drift_files_exercise_the_derived_facts(inventories):
    """Defaults, membership and grants are reached, so agreement is not agreement on None."""
    inv = inventories[SourceKind.AWS]
    caches = by_name(inv, CacheCluster)
    assert caches["orders"].engine_version == "7.1"  # from the member clusters
    assert caches["orders"].parameter_group.maxmemory_policy == "allkeys-lru"
    assert caches["sessions"].node_count == 2  # a primary and a replica per shard
    assert caches["pages"].at_rest_encryption is None  # Memcached nodes cannot
    assert "orders-001" not in caches  # members are part of their group
    assert by_name(inv, DynamoTable)["events"].global_table is True
    dax = by_name(inv, DaxCluster)["reads"]
    assert [t.name for t in dax.tables] == ["orders"]
    assert dax.record_ttl_millis == 0
    method = by_name(inv, ApiMethod)[("prod", "GET /products")]
    assert method.caching_enabled is True and method.ttl == 300  # from the "*/*" entry
    assert method.authorizer_identity_sources == ("method.request.header.Authorization",)
    root = by_name(inv, ApiMethod)[("prod", "GET /")]  # on the root resource, no authorizer
    assert (root.authorization, root.authorizer_identity_sources) == ("NONE", ())
    behaviours = by_name(inv, CacheBehavior)
    assert behaviours["*"].policy.name == "pages" and behaviours["*"].default_ttl == 300
    assert behaviours["/api/*"].headers.items == ("Authorization",)
    assert behaviours["/api/*"].origin.kind == "custom"
    assert behaviours["/media/*"].origin.kind == "s3"  # named by reference in Terraform
    assert behaviours["/media/*"].policy.name == "Managed-CachingOptimized"
    legacy = behaviours["/legacy/*"]  # ForwardedValues, no TTLs: CloudFront's defaults
    assert (legacy.min_ttl, legacy.default_ttl, legacy.max_ttl) == (0, 86400, 31536000)
    assert legacy.query_strings.behavior == "none"
    origins = {b.origin.id: b.origin.domain for b in behaviours.values()}
    terraform = {b.origin.id: b.origin.domain
                 for b in by_name(inventories[SourceKind.TERRAFORM], CacheBehavior).values()}
    assert origins["api"] == terraform["api"] == "backend.example.com"  # literal domains agree


def _declared_terraform(tmp_path, text: str) -> list[Resource]:
    (tmp_path / "main.tf").write_text(text)
    return load_terraform([str(tmp_path)]).resources


def test_a_sharded_group_without_a_replica_count_has_an_unknown_node_count(tmp_path):
    """``ReplicasPerNodeGroup`` has no documented default: Terraform and CloudFormation used
    to disagree (1 and 2 nodes); both now say unknown."""
    (tmp_path / "tf").mkdir()
    tf = _declared_terraform(tmp_path / "tf", '''
resource "aws_elasticache_replication_group" "s" {
  replication_group_id = "s"
  description          = "s"
  num_node_groups      = 2
}
''')
    template = tmp_path / "template.yaml"
    template.write_text('''
Resources:
  S:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupId: s
      ReplicationGroupDescription: s
      NumNodeGroups: 2
''')
    cfn = load_cloudformation([str(template)]).resources
    assert [r.node_count for r in tf] == [UNKNOWN]
    assert [r.node_count for r in cfn] == [UNKNOWN]


def test_what_differs_by_source_is_the_table_of_unset_defaults(tmp_path):
    """A replication group that leaves at-rest encryption out: the Terraform provider turns it
    on for valkey, the API's default is off, CloudFormation's valkey default is not documented
    (linking/datastores.py UNSET_DEFAULTS)."""
    (tmp_path / "tf").mkdir()
    tf = _declared_terraform(tmp_path / "tf", '''
resource "aws_elasticache_replication_group" "v" {
  replication_group_id = "v"
  description          = "v"
  engine               = "valkey"
}

resource "aws_elasticache_replication_group" "r" {
  replication_group_id = "r"
  description          = "r"
  engine               = "redis"
}
''')
    template = tmp_path / "template.yaml"
    template.write_text('''
Resources:
  V:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: {ReplicationGroupId: v, ReplicationGroupDescription: v, Engine: valkey}
  R:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: {ReplicationGroupId: r, ReplicationGroupDescription: r, Engine: redis}
''')
    cfn = load_cloudformation([str(template)]).resources
    assert {r.name: r.at_rest_encryption for r in tf} == {"v": True, "r": False}
    assert {r.name: r.at_rest_encryption for r in cfn} == {"v": UNKNOWN, "r": False}


def test_an_origin_named_by_reference_has_the_same_kind_in_both_sources(tmp_path):
    """The origin kind of a domain that names a resource is one table (linking/cloudfront.py
    ORIGIN_TYPES): a bucket's website endpoint is a custom origin, a load balancer an elb, in
    Terraform and CloudFormation alike (CloudFormation used to say unknown for the first)."""
    origins = {"site": ("aws_s3_bucket_website_configuration.site.website_endpoint",
                        "!GetAtt Site.WebsiteURL"),
               "lb": ("aws_lb.lb.dns_name", "!GetAtt Lb.DNSName"),
               "bucket": ("aws_s3_bucket.site.bucket_regional_domain_name",
                          "!GetAtt Site.RegionalDomainName")}
    (tmp_path / "tf").mkdir()
    tf = _declared_terraform(tmp_path / "tf", '''
resource "aws_s3_bucket" "site" { bucket = "site" }
resource "aws_s3_bucket_website_configuration" "site" { bucket = aws_s3_bucket.site.id }
resource "aws_lb" "lb" { name = "lb" }
resource "aws_cloudfront_distribution" "d" {
  enabled = true
''' + "".join(f'''  origin {{
    origin_id   = "{name}"
    domain_name = {tf}
  }}
''' for name, (tf, _) in origins.items()) + "".join(f'''  ordered_cache_behavior {{
    path_pattern     = "/{name}/*"
    target_origin_id = "{name}"
  }}
''' for name in origins) + '''  default_cache_behavior {
    target_origin_id = "site"
  }
}
''')
    template = tmp_path / "template.yaml"
    template.write_text('''
Resources:
  Site: {Type: AWS::S3::Bucket}
  Lb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer}
  D:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
''' + "".join(f'''          - Id: {name}
            DomainName: {cfn}
''' for name, (_, cfn) in origins.items()) + '''        DefaultCacheBehavior: {TargetOriginId: site}
        CacheBehaviors:
''' + "".join(f'''          - {{PathPattern: /{name}/*, TargetOriginId: {name}}}
''' for name in origins))
    cfn = load_cloudformation([str(template)]).resources

    def kinds(resources):
        return {r.origin.id: r.origin.kind for r in resources
                if isinstance(r, CacheBehavior) and r.path_pattern != "*"}
    want = {"site": "custom", "lb": "elb", "bucket": "s3"}
    assert kinds(tf) == want
    assert kinds(cfn) == want


def test_task_containers_are_the_same_functions_in_both_sources(tmp_path):
    """An ECS task definition's containers become one Function each, with its environment,
    in Terraform and CloudFormation alike (linking/compute.py task_containers); a container
    without a name is named by its place."""
    from cachelint.model import Function

    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text('''
resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([
    { name = "web", image = "web", environment = [{ name = "CACHE_HOST", value = "cache" }] },
    { image = "sidecar" },
  ])
}
''')
    tf = load_terraform([str(tmp_path / "tf")], code_env=frozenset({"CACHE_HOST"}))
    template = tmp_path / "template.yaml"
    template.write_text('''
Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: web, Image: web, Environment: [{Name: CACHE_HOST, Value: cache}]}
        - {Image: sidecar}
''')
    cfn = load_cloudformation([str(template)], code=True)

    def functions(inv):
        return [(f.name, f.environment) for f in inv.of(Function)]
    assert functions(tf) == [("web", {"CACHE_HOST": "cache"}),
                             ("aws_ecs_task_definition.app container 1", {})]
    assert functions(cfn) == [("web", {"CACHE_HOST": "cache"}), ("App[1]", {})]
