"""Terraform ElastiCache, DAX and DynamoDB resources -> declared records, linked by
:mod:`cachelint.linking.datastores` (which holds every default and derived fact)."""

from __future__ import annotations

from typing import Any

from cachelint.linking.datastores import (
    CLUSTER, REPLICATION_GROUP, SERVERLESS, TABLE_ARN, Declared, DeclaredCache, DeclaredDax,
    DAX_FIELDS, DeclaredTable, DeclaredTableReplica, declared_fields, link_datastores, strings_in,
)
from cachelint.loaders.terraform.mapping import SourceBuilder, by_type, location
from cachelint.loaders.terraform.module import EvalBody, TfResource
from cachelint.loaders.terraform.syntax import references
from cachelint.model import (
    DAX_TTL_PARAMETERS, CacheParameterGroup, DaxParameterGroup, Resource, labels_of,
)
from cachelint.values import UNKNOWN, Symbol, as_bool, as_int, as_str, ref_key

# What this reader reads (the registry and the prefilter derive from it).
TYPES = {"aws_elasticache_cluster", "aws_elasticache_replication_group",
         "aws_elasticache_serverless_cache", "aws_elasticache_parameter_group",
         "aws_dax_cluster", "aws_dax_parameter_group", "aws_dynamodb_table",
         "aws_dynamodb_global_table", "aws_dynamodb_table_replica", "aws_iam_role",
         "aws_iam_role_policy", "aws_iam_policy", "aws_iam_role_policy_attachment",
         "aws_iam_policy_document"}

_DEPLOYMENT = {"aws_elasticache_replication_group": REPLICATION_GROUP,
               "aws_elasticache_cluster": CLUSTER,
               "aws_elasticache_serverless_cache": SERVERLESS}
_NAME = {"aws_elasticache_replication_group": "replication_group_id",
         "aws_elasticache_cluster": "cluster_id", "aws_elasticache_serverless_cache": "name"}
# Each type's attribute for a field of DeclaredCache (linking/datastores.py CACHE_FIELDS).
_CACHE = {"engine": "engine", "engine_version": "engine_version",
          "num_cache_clusters": "num_cache_clusters", "num_node_groups": "num_node_groups",
          "replicas_per_node_group": "replicas_per_node_group",
          "num_cache_nodes": "num_cache_nodes",
          "automatic_failover": "automatic_failover_enabled",
          "at_rest_encryption": "at_rest_encryption_enabled",
          "transit_encryption": "transit_encryption_enabled",
          "parameter_group": "parameter_group_name",
          "global_datastore": "global_replication_group_id"}
_CACHE_NAMES = {
    "aws_elasticache_replication_group": _CACHE,
    "aws_elasticache_cluster": {**{k: v for k, v in _CACHE.items() if k != "at_rest_encryption"},
                                "replication_group": "replication_group_id"},
    "aws_elasticache_serverless_cache": {**_CACHE, "engine_version": "major_engine_version"},
}

_DAX = {"replication_factor": "replication_factor",
        "endpoint_encryption": "cluster_endpoint_encryption_type",
        "parameter_group": "parameter_group_name"}


def map_resources(resources: list[TfResource]) -> list[Resource]:
    return link_datastores(declare(resources))


def declare(resources: list[TfResource]) -> Declared:
    tables = [_table(r) for r in by_type(resources, "aws_dynamodb_table",
                                          "aws_dynamodb_global_table")]
    keys = [t.source.address for t in tables]
    return Declared(
        cache_groups=[_cache_params(r) for r in by_type(resources,
                                                         "aws_elasticache_parameter_group")],
        caches=[_cache(r) for r in by_type(resources, *_DEPLOYMENT)],
        tables=tables,
        table_replicas=[_replica(r) for r in by_type(resources, "aws_dynamodb_table_replica")],
        dax_groups=[_dax_params(r) for r in by_type(resources, "aws_dax_parameter_group")],
        dax=[_dax(r, resources, keys) for r in by_type(resources, "aws_dax_cluster")])


def _cache_params(r: TfResource) -> CacheParameterGroup:
    src = SourceBuilder(r)
    params: dict[str, Any] = {}
    for p in r.body.all("parameter"):
        name = p.get("name")
        if isinstance(name, str):
            params[name] = as_str(p.get("value"))
            src.mark(f"parameters.{name}", p, "value")
    return CacheParameterGroup(source=src.build(), name=as_str(r.body.get("name")),
                               parameters=params,
                               labels=labels_of(as_str(r.body.get("description")),
                                                r.body.get("tags"), *_comments(r)))


def _comments(r: TfResource) -> list[str]:
    """Comments inside the block: what the author says the resource is for."""
    return [c.text for c in r.comments]


# Provider versions before 4.0 name num_cache_clusters number_cache_clusters (aws-facts T4).
_LEGACY_NODES = "number_cache_clusters"


def _unset_if_empty(value: Any) -> Any:
    return None if isinstance(value, str) and value == "" else value


def _cache(r: TfResource) -> DeclaredCache:
    b = r.body
    names = _CACHE_NAMES[r.type]
    src = SourceBuilder(r)
    for field in ("at_rest_encryption", "transit_encryption", "automatic_failover", "engine",
                  "parameter_group"):
        src.mark(field, b, _CACHE[field])
    src.mark("node_count", b, "num_cache_clusters")
    if r.type == "aws_elasticache_cluster":
        src.mark("node_count", b, "num_cache_nodes")
    elif b.get("num_cache_clusters") is None and b.get(_LEGACY_NODES) is not None:
        src.mark("node_count", b, _LEGACY_NODES)
    elif b.get("num_node_groups") is not None or b.get("replicas_per_node_group") is not None:
        src.mark("node_count", b, "replicas_per_node_group")
    serverless = r.type == "aws_elasticache_serverless_cache"
    # Provider versions before 4.0 write shards in a cluster_mode block.
    legacy = b.all("cluster_mode") if hasattr(b, "all") else []
    shards = legacy[0] if legacy else None

    def read(attr: str) -> Any:
        value = b.get(attr)
        if value is None and attr == "num_cache_clusters":
            value = b.get(_LEGACY_NODES)
        if value is None and shards is not None and attr in ("num_node_groups",
                                                             "replicas_per_node_group"):
            value = shards.get(attr)
        if attr in ("engine_version", "major_engine_version"):
            # "" is unset to the provider (docs/aws-facts.md, T4): AWS picks the latest.
            value = _unset_if_empty(value)
        return value

    return DeclaredCache(
        source=src.build(), deployment=_DEPLOYMENT[r.type], name=as_str(b.get(_NAME[r.type])),
        **declared_fields(read, names),
        labels=() if serverless else labels_of(as_str(b.get("description")), b.get("tags"),
                                               *_comments(r)))


def _dax_params(r: TfResource) -> DaxParameterGroup:
    src = SourceBuilder(r)
    values: dict[str, Any] = {}
    for p in r.body.all("parameters"):
        name = p.get("name")
        field = next((f for f, n in DAX_TTL_PARAMETERS.items() if n == name), None)
        if field:
            values[field] = as_int(p.get("value"))
            src.mark(field, p, "value")
    return DaxParameterGroup(source=src.build(), name=as_str(r.body.get("name")), **values)


def _table(r: TfResource) -> DeclaredTable:
    src = SourceBuilder(r)
    replicas: Any = False
    if r.type == "aws_dynamodb_table":
        blocks = r.body.all("replica")
        replicas = bool(blocks)
        if blocks:
            src.fields["global_table"] = location(blocks[0].span)
        if any(rep.conditional for rep in blocks):
            replicas = UNKNOWN
    return DeclaredTable(source=src.build(), name=as_str(r.body.get("name")),
                         global_resource=r.type == "aws_dynamodb_global_table",
                         replicas=replicas)


def _replica(r: TfResource) -> DeclaredTableReplica:
    """``global_table_arn``: a reference to the table, or its ARN."""
    arn = r.body.get("global_table_arn")
    table: Any = UNKNOWN
    if isinstance(arn, Symbol):
        table = arn.address
    elif isinstance(arn, str):
        names = TABLE_ARN.findall(arn)
        table = names[0] if names else UNKNOWN
    return DeclaredTableReplica(source=SourceBuilder(r).build(), table=table)


def _body_refs(body: EvalBody) -> list[tuple[str, ...]]:
    found = []
    for expr in body.exprs.values():
        found.extend(references(expr))
    for blocks in body.blocks.values():
        for inner in blocks:
            found.extend(_body_refs(inner))
    return found


def _policy_tables(policy: TfResource, by_address: dict[str, TfResource], tables: list[str],
                   seen: set[str], names: set[str]) -> set[str]:
    """Table addresses a policy grants access to by reference; the table names of the table
    ARNs it writes go into ``names``."""
    if policy.address in seen:
        return set()
    seen.add(policy.address)
    prefix = f"{policy.module}." if policy.module else ""
    found: set[str] = set()
    for ref in _body_refs(policy.body):
        if ref[0] == "aws_dynamodb_table" and len(ref) >= 2:
            found.add(f"{prefix}aws_dynamodb_table.{ref[1]}")
        elif ref[0] == "data" and len(ref) >= 3 and ref[1] == "aws_iam_policy_document":
            doc = by_address.get(f"{prefix}data.aws_iam_policy_document.{ref[2]}")
            if doc is not None:
                found |= _policy_tables(doc, by_address, tables, seen, names)
    for text in strings_in(policy.body.values) + [
            s for blocks in policy.body.blocks.values() for b in blocks
            for s in strings_in(b.values)]:
        names.update(TABLE_ARN.findall(text))
    return {a for a in found if a in tables} | {
        a for a in tables if any(a.startswith(f + "[") for f in found)}


def _dax_tables(cluster: TfResource, resources: list[TfResource],
                tables: list[str]) -> tuple[frozenset, frozenset]:
    """The tables the cluster's role grants: (addresses referenced, names in table ARNs)."""
    role = cluster.body.get("iam_role_arn")
    if not isinstance(role, Symbol):
        return frozenset(), frozenset()
    by_address = {r.address: r for r in resources}
    role_res = by_address.get(role.address)
    policies: list[TfResource] = []
    if role_res is not None:
        policies.append(role_res)  # inline_policy blocks
    for r in resources:
        target = r.body.get("role")
        if r.type in ("aws_iam_role_policy", "aws_iam_role_policy_attachment") and \
                ref_key(target) in (role.address, role_res and role_res.body.get("name")):
            if r.type == "aws_iam_role_policy":
                policies.append(r)
            else:
                arn = r.body.get("policy_arn")
                if isinstance(arn, Symbol) and arn.address in by_address:
                    policies.append(by_address[arn.address])
    found: set[str] = set()
    seen: set[str] = set()
    names: set[str] = set()
    for p in policies:
        found |= _policy_tables(p, by_address, tables, seen, names)
    return frozenset(found), frozenset(names)


def _dax(r: TfResource, resources: list[TfResource], tables: list[str]) -> DeclaredDax:
    b = r.body
    src = SourceBuilder(r)
    sse = b.block("server_side_encryption")
    if sse is not None:
        src.mark("sse_enabled", sse, "enabled")
    for field, attr in {**_DAX, "tables": "iam_role_arn"}.items():
        src.mark(field, b, attr)
    refs, names = _dax_tables(r, resources, tables)
    return DeclaredDax(source=src.build(), name=as_str(b.get("cluster_name")),
                       sse_enabled=as_bool(sse.get("enabled")) if sse is not None else None,
                       table_refs=refs, table_names=names,
                       **declared_fields(b.get, _DAX, DAX_FIELDS))
