"""CloudFormation ElastiCache, DAX and DynamoDB resources -> declared records, linked by
:mod:`cachelint.linking.datastores` (which holds every default and derived fact)."""

from __future__ import annotations

from typing import Any

from cachelint.linking.datastores import (
    CLUSTER, REPLICATION_GROUP, SERVERLESS, TABLE_ARN, Declared, DeclaredCache, DeclaredDax,
    DAX_FIELDS, DeclaredTable, declared_fields, link_datastores, strings_in,
)
from cachelint.loaders.cloudformation.mapping import (
    CfnResource, CfnSourceBuilder, logical_refs, of_type,
)
from cachelint.model import (
    DAX_TTL_PARAMETERS, CacheParameterGroup, DaxParameterGroup, Resource, labels_of,
)
from cachelint.values import Symbol, as_bool, as_int, as_str, text_or

# What this reader reads (the registry derives from it).
TYPES = {"AWS::ElastiCache::ParameterGroup", "AWS::ElastiCache::ReplicationGroup",
         "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ServerlessCache",
         "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::DAX::ParameterGroup",
         "AWS::DAX::Cluster", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
         "AWS::IAM::RolePolicy"}

_DEPLOYMENT = {"AWS::ElastiCache::ReplicationGroup": REPLICATION_GROUP,
               "AWS::ElastiCache::CacheCluster": CLUSTER,
               "AWS::ElastiCache::ServerlessCache": SERVERLESS}
# Each type's property for a field of DeclaredCache (linking/datastores.py CACHE_FIELDS).
_CACHE = {"engine": "Engine", "engine_version": "EngineVersion",
          "num_cache_clusters": "NumCacheClusters", "num_node_groups": "NumNodeGroups",
          "replicas_per_node_group": "ReplicasPerNodeGroup", "num_cache_nodes": "NumCacheNodes",
          "automatic_failover": "AutomaticFailoverEnabled",
          "at_rest_encryption": "AtRestEncryptionEnabled",
          "transit_encryption": "TransitEncryptionEnabled",
          "parameter_group": "CacheParameterGroupName",
          "global_datastore": "GlobalReplicationGroupId"}
_CACHE_NAMES = {
    "AWS::ElastiCache::ReplicationGroup": _CACHE,
    "AWS::ElastiCache::CacheCluster": {k: v for k, v in _CACHE.items()
                                       if k != "at_rest_encryption"},
    "AWS::ElastiCache::ServerlessCache": {**_CACHE, "engine_version": "MajorEngineVersion"},
}

_DAX = {"replication_factor": "ReplicationFactor",
        "endpoint_encryption": "ClusterEndpointEncryptionType",
        "parameter_group": "ParameterGroupName"}


def map_resources(resources: list[CfnResource]) -> list[Resource]:
    return link_datastores(declare(resources))


def declare(resources: list[CfnResource]) -> Declared:
    tables = [_table(r) for r in of_type(resources, "AWS::DynamoDB::Table",
                                          "AWS::DynamoDB::GlobalTable")]
    return Declared(
        cache_groups=[_cache_params(r)
                      for r in of_type(resources, "AWS::ElastiCache::ParameterGroup")],
        caches=[_cache(r) for r in of_type(resources, *_DEPLOYMENT)], tables=tables,
        dax_groups=[_dax_params(r) for r in of_type(resources, "AWS::DAX::ParameterGroup")],
        dax=[_dax(r, resources, {t.source.address for t in tables})
             for r in of_type(resources, "AWS::DAX::Cluster")])


def _cache_params(r: CfnResource) -> CacheParameterGroup:
    src = CfnSourceBuilder(r)
    props = r.props.get("Properties")
    params = {}
    if isinstance(props, dict):
        for name, value in props.items():
            params[str(name)] = as_str(value)
            src.mark(f"parameters.{name}", props, name)
    return CacheParameterGroup(source=src.build(), name=r.logical_id,
                               parameters=params,
                               labels=labels_of(as_str(r.get("Description")), _tags(r),
                                                *(text for _, text in r.comments)))


def _tags(r: CfnResource) -> dict:
    tags = r.props.get("Tags")
    if isinstance(tags, list):
        return {t.get("Key"): t.get("Value") for t in tags if isinstance(t, dict)}
    return tags if isinstance(tags, dict) else {}


def _cache(r: CfnResource) -> DeclaredCache:
    p = r.props
    src = CfnSourceBuilder(r)
    for field in ("at_rest_encryption", "transit_encryption", "automatic_failover", "engine",
                  "parameter_group"):
        src.mark(field, p, _CACHE[field])
    src.mark("node_count", p, "NumCacheClusters")
    if r.type == "AWS::ElastiCache::CacheCluster":
        src.mark("node_count", p, "NumCacheNodes")
    name = {"AWS::ElastiCache::ServerlessCache": as_str(r.get("ServerlessCacheName")),
            "AWS::ElastiCache::CacheCluster": text_or(r.get("ClusterName"), r.logical_id),
            "AWS::ElastiCache::ReplicationGroup": text_or(r.get("ReplicationGroupId"),
                                                          r.logical_id)}[r.type]
    serverless = r.type == "AWS::ElastiCache::ServerlessCache"
    return DeclaredCache(
        source=src.build(), deployment=_DEPLOYMENT[r.type], name=name,
        **declared_fields(r.get, _CACHE_NAMES[r.type]),
        labels=() if serverless else labels_of(
            as_str(r.get("ReplicationGroupDescription")), as_str(r.get("Description")),
            _tags(r), *(text for _, text in r.comments)))


def _dax_params(r: CfnResource) -> DaxParameterGroup:
    src = CfnSourceBuilder(r)
    values = {}
    params = r.props.get("ParameterNameValues")
    if isinstance(params, dict):
        for field, name in DAX_TTL_PARAMETERS.items():
            if params.get(name) is not None:
                values[field] = as_int(params.get(name))
                src.mark(field, params, name)
    return DaxParameterGroup(source=src.build(),
                             name=text_or(r.get("ParameterGroupName"), r.logical_id), **values)


def _table(r: CfnResource) -> DeclaredTable:
    src = CfnSourceBuilder(r)
    global_resource = r.type == "AWS::DynamoDB::GlobalTable"
    if global_resource:
        src.mark("global_table", r.props, "Replicas")
    return DeclaredTable(source=src.build(), name=text_or(r.get("TableName"), r.logical_id),
                         global_resource=global_resource)


def _dax_tables(cluster: CfnResource, resources: list[CfnResource],
                tables: set[str]) -> tuple[frozenset, frozenset]:
    """The tables the cluster's role grants: (logical ids referenced, names in table ARNs)."""
    role = cluster.props.get("IAMRoleARN")
    if not isinstance(role, Symbol):
        return frozenset(), frozenset()
    docs: list[Any] = []
    for r in resources:
        if r.logical_id == role.address and r.type == "AWS::IAM::Role":
            docs.append(r.raw.get("Properties", {}).get("Policies"))
            docs.append(r.raw.get("Properties", {}).get("ManagedPolicyArns"))
        elif r.type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy") \
                and role.address in logical_refs(r.raw.get("Properties", {}).get("Roles")) \
                | logical_refs(r.raw.get("Properties", {}).get("RoleName")):
            docs.append(r.raw.get("Properties", {}).get("PolicyDocument"))
    refs = {ref for doc in docs for ref in logical_refs(doc) if ref in tables}
    names = {m for doc in docs for text in strings_in(doc) for m in TABLE_ARN.findall(text)}
    return frozenset(refs), frozenset(names)


def _dax(r: CfnResource, resources: list[CfnResource], tables: set[str]) -> DeclaredDax:
    p = r.props
    src = CfnSourceBuilder(r)
    sse = p.get("SSESpecification")
    if isinstance(sse, dict):
        src.mark("sse_enabled", sse, "SSEEnabled")
    for field, key in {**_DAX, "tables": "IAMRoleARN"}.items():
        src.mark(field, p, key)
    refs, names = _dax_tables(r, resources, tables)
    return DeclaredDax(source=src.build(), name=text_or(p.get("ClusterName"), r.logical_id),
                       sse_enabled=as_bool(sse.get("SSEEnabled")) if isinstance(sse, dict)
                       else None, table_refs=refs, table_names=names,
                       **declared_fields(p.get, _DAX, DAX_FIELDS))
