"""CloudFormation ElastiCache, DAX and DynamoDB resources -> the model (engine-aware)."""

from __future__ import annotations

from typing import Any

from cachelint.linking import (
    TABLE_ARN, parameter_group_for, strings_in, transit_encryption_supported,
)
from cachelint.loaders.cloudformation.mapping import (
    CfnResource, CfnSourceBuilder, logical_refs, of_type,
)
from cachelint.model import (
    CacheCluster, CacheParameterGroup, DaxCluster, DaxParameterGroup, DynamoTable, Resource,
    labels_of,
)
from cachelint.values import UNKNOWN, Symbol, as_bool, as_int, as_str, text_or

_DAX_TTLS = {"record-ttl-millis": "record_ttl_millis", "query-ttl-millis": "query_ttl_millis"}


def map_resources(resources: list[CfnResource]) -> list[Resource]:
    out: list[Resource] = []
    groups = {r.logical_id: _cache_params(r)
              for r in of_type(resources, "AWS::ElastiCache::ParameterGroup")}
    out.extend(groups.values())
    for r in of_type(resources, "AWS::ElastiCache::ReplicationGroup",
                     "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ServerlessCache"):
        cache = _cache(r, groups)
        if cache is not None:
            out.append(cache)
    tables = {r.logical_id: _table(r) for r in of_type(resources, "AWS::DynamoDB::Table",
                                                       "AWS::DynamoDB::GlobalTable")}
    out.extend(tables.values())
    dax_groups = {r.logical_id: _dax_params(r)
                  for r in of_type(resources, "AWS::DAX::ParameterGroup")}
    out.extend(dax_groups.values())
    for r in of_type(resources, "AWS::DAX::Cluster"):
        out.append(_dax(r, dax_groups, tables, resources))
    return out


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


def _cache(r: CfnResource, groups: dict) -> CacheCluster | None:
    p = r.props
    src = CfnSourceBuilder(r)
    for field, key in (("at_rest_encryption", "AtRestEncryptionEnabled"),
                       ("transit_encryption", "TransitEncryptionEnabled"),
                       ("automatic_failover", "AutomaticFailoverEnabled"),
                       ("node_count", "NumCacheClusters"), ("engine", "Engine"),
                       ("parameter_group", "CacheParameterGroupName")):
        src.mark(field, p, key)
    engine = as_str(r.get("Engine"))
    engine = engine.lower() if isinstance(engine, str) else engine
    version = as_str(r.get("EngineVersion"))
    group = parameter_group_for(r.get("CacheParameterGroupName"), groups)
    labels = labels_of(as_str(r.get("ReplicationGroupDescription")), as_str(r.get("Description")),
                       _tags(r), *(text for _, text in r.comments))
    if r.type == "AWS::ElastiCache::ServerlessCache":
        return CacheCluster(source=src.build(), name=as_str(r.get("ServerlessCacheName")),
                            deployment="serverless", engine=engine, engine_version=version,
                            node_count=UNKNOWN, automatic_failover=True,
                            at_rest_encryption=True, transit_encryption=True)
    if r.type == "AWS::ElastiCache::CacheCluster":
        src.mark("node_count", p, "NumCacheNodes")
        transit = as_bool(r.get("TransitEncryptionEnabled"))
        memcached = engine == "memcached"
        return CacheCluster(
            source=src.build(), name=text_or(r.get("ClusterName"), r.logical_id),
            deployment="cluster", engine=engine, engine_version=version,
            node_count=as_int(r.get("NumCacheNodes")), automatic_failover=False,
            at_rest_encryption=UNKNOWN if engine is UNKNOWN else None if memcached else False,
            transit_encryption=False if transit is None else transit,
            transit_encryption_supported=transit_encryption_supported(
                "redis" if engine is None else engine, version),
            parameter_group=group, labels=labels)
    name = text_or(r.get("ReplicationGroupId"), r.logical_id)
    if r.get("GlobalReplicationGroupId") is not None:
        # A secondary of a global datastore inherits engine and encryption from the primary.
        return CacheCluster(source=src.build(), name=name, deployment="replication-group",
                            engine=UNKNOWN, engine_version=version,
                            node_count=as_int(r.get("NumCacheClusters")),
                            automatic_failover=as_bool(r.get("AutomaticFailoverEnabled")),
                            at_rest_encryption=None, transit_encryption=None,
                            parameter_group=group)
    engine = "redis" if engine is None else engine
    if r.get("NumNodeGroups") is not None or r.get("ReplicasPerNodeGroup") is not None:
        replicas = as_int(r.get("ReplicasPerNodeGroup", 1))
        nodes: Any = UNKNOWN if replicas is UNKNOWN else 1 + replicas
    else:
        nodes = as_int(r.get("NumCacheClusters", 1))
    at_rest = as_bool(r.get("AtRestEncryptionEnabled"))
    if at_rest is None:
        # The API's default is false; for valkey the default is not documented: unknown.
        at_rest = False if engine == "redis" else UNKNOWN
    transit = as_bool(r.get("TransitEncryptionEnabled"))
    failover = as_bool(r.get("AutomaticFailoverEnabled"))
    return CacheCluster(source=src.build(), name=name, deployment="replication-group",
                        engine=engine, engine_version=version, node_count=nodes,
                        automatic_failover=False if failover is None else failover,
                        at_rest_encryption=at_rest,
                        transit_encryption=False if transit is None else transit,
                        transit_encryption_supported=transit_encryption_supported(engine, version),
                        parameter_group=group, labels=labels)


def _dax_params(r: CfnResource) -> DaxParameterGroup:
    src = CfnSourceBuilder(r)
    values = {}
    params = r.props.get("ParameterNameValues")
    if isinstance(params, dict):
        for name, field in _DAX_TTLS.items():
            if params.get(name) is not None:
                values[field] = as_int(params.get(name))
                src.mark(field, params, name)
    return DaxParameterGroup(source=src.build(),
                             name=text_or(r.get("ParameterGroupName"), r.logical_id), **values)


def _table(r: CfnResource) -> DynamoTable:
    src = CfnSourceBuilder(r)
    is_global: Any = r.type == "AWS::DynamoDB::GlobalTable"
    if is_global:
        src.mark("global_table", r.props, "Replicas")
    return DynamoTable(source=src.build(), name=text_or(r.get("TableName"), r.logical_id),
                       global_table=is_global)



def _dax_tables(cluster: CfnResource, resources: list[CfnResource],
                tables: dict[str, DynamoTable]) -> tuple:
    role = cluster.props.get("IAMRoleARN")
    if not isinstance(role, Symbol):
        return ()
    docs: list[Any] = []
    for r in resources:
        if r.logical_id == role.address and r.type == "AWS::IAM::Role":
            docs.append(r.raw.get("Properties", {}).get("Policies"))
            docs.append(r.raw.get("Properties", {}).get("ManagedPolicyArns"))
        elif r.type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy") \
                and role.address in logical_refs(r.raw.get("Properties", {}).get("Roles")) \
                | logical_refs(r.raw.get("Properties", {}).get("RoleName")):
            docs.append(r.raw.get("Properties", {}).get("PolicyDocument"))
    found = {ref for doc in docs for ref in logical_refs(doc) if ref in tables}
    names = {m for doc in docs for text in strings_in(doc) for m in TABLE_ARN.findall(text)}
    found |= {logical for logical, t in tables.items() if t.name in names}
    return tuple(tables[t] for t in sorted(found))


def _dax(r: CfnResource, groups: dict, tables: dict, resources: list[CfnResource]) -> DaxCluster:
    p = r.props
    src = CfnSourceBuilder(r)
    sse = p.get("SSESpecification")
    sse_enabled = as_bool(sse.get("SSEEnabled")) if isinstance(sse, dict) else None
    if isinstance(sse, dict):
        src.mark("sse_enabled", sse, "SSEEnabled")
    src.mark("endpoint_encryption", p, "ClusterEndpointEncryptionType")
    src.mark("replication_factor", p, "ReplicationFactor")
    src.mark("parameter_group", p, "ParameterGroupName")
    src.mark("tables", p, "IAMRoleARN")
    group = parameter_group_for(p.get("ParameterGroupName"), groups)
    for field in _DAX_TTLS.values():
        if isinstance(group, DaxParameterGroup):
            src.fields[field] = group.source.locate(field)
        else:
            src.mark(field, p, "ParameterGroupName")
    return DaxCluster(source=src.build(), name=text_or(p.get("ClusterName"), r.logical_id),
                      replication_factor=as_int(p.get("ReplicationFactor")),
                      sse_enabled=False if sse_enabled is None else sse_enabled,
                      endpoint_encryption=as_str(p.get("ClusterEndpointEncryptionType", "NONE")),
                      parameter_group=group, tables=_dax_tables(r, resources, tables))
