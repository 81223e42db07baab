"""Snapshot ElastiCache, DAX and DynamoDB -> declared records, linked by
:mod:`cachelint.linking.datastores`."""

from __future__ import annotations

from typing import Any

from cachelint.aws.part import Part, Where, flag, number, regional
from cachelint.linking.datastores import (
    CLUSTER, REPLICATION_GROUP, SERVERLESS, Declared, DeclaredCache, DeclaredDax, DeclaredTable,
    link_datastores,
)
from cachelint.model import (
    DAX_TTL_PARAMETERS, CacheParameterGroup, DaxParameterGroup, Resource, labels_of,
)
from cachelint.values import UNKNOWN

# The types this reader makes (cachelint/loaders/registry.py).
TYPES = {"AWS::ElastiCache::ParameterGroup", "AWS::ElastiCache::ReplicationGroup",
         "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ServerlessCache",
         "AWS::DAX::ParameterGroup", "AWS::DAX::Cluster", "AWS::DynamoDB::Table"}


def map_resources(parts: list[Part]) -> list[Resource]:
    return [r for part in regional(parts) for r in _datastores(part.where, part.data)]


_CACHE_NAMES = {"at_rest_encryption": "AtRestEncryptionEnabled",
                "transit_encryption": "TransitEncryptionEnabled",
                "automatic_failover": "AutomaticFailover", "node_count": "NumCacheClusters",
                "parameter_group": "CacheParameterGroupName"}


def _failover(value: Any) -> Any:
    return value in ("enabled", "enabling") if isinstance(value, str) else None


def _elasticache(w: Where, data: dict, declared: Declared) -> None:
    for name, group in (data.get("parameter_groups") or {}).items():
        arn = f"arn:aws:elasticache:{w.region}:{w.account}:parametergroup:{name}"
        declared.cache_groups.append(CacheParameterGroup(
            source=w.source(arn, "AWS::ElastiCache::ParameterGroup"), name=name,
            parameters={str(k): v for k, v in (group.get("Parameters") or {}).items()}))
    for rg in data.get("replication_groups", []):
        # Every shard has the same members: a primary and its replicas.
        shards = rg.get("NodeGroups") or []
        members = len(shards[0].get("NodeGroupMembers") or []) if shards else 0
        declared.caches.append(DeclaredCache(
            source=w.source(rg.get("ARN") or rg.get("ReplicationGroupId"),
                            "AWS::ElastiCache::ReplicationGroup", _CACHE_NAMES, rg.get("Tags")),
            deployment=REPLICATION_GROUP, name=rg.get("ReplicationGroupId"),
            engine=rg.get("Engine"),
            num_node_groups=len(shards) if members else None,
            replicas_per_node_group=members - 1 if members else None,
            num_cache_clusters=len(rg.get("MemberClusters") or []) or None,
            automatic_failover=_failover(rg.get("AutomaticFailover")),
            at_rest_encryption=flag(rg.get("AtRestEncryptionEnabled")),
            transit_encryption=flag(rg.get("TransitEncryptionEnabled")),
            labels=labels_of(rg.get("Description"))))
    for cc in data.get("cache_clusters", []):
        member = cc.get("ReplicationGroupId")
        declared.caches.append(DeclaredCache(
            source=w.source(cc.get("ARN") or cc.get("CacheClusterId"),
                            "AWS::ElastiCache::CacheCluster",
                            {**_CACHE_NAMES, "node_count": "NumCacheNodes"}, cc.get("Tags")),
            deployment=CLUSTER, name=cc.get("CacheClusterId"), engine=cc.get("Engine"),
            engine_version=cc.get("EngineVersion"), num_cache_nodes=number(cc.get("NumCacheNodes")),
            at_rest_encryption=flag(cc.get("AtRestEncryptionEnabled")),
            transit_encryption=flag(cc.get("TransitEncryptionEnabled")),
            parameter_group=(cc.get("CacheParameterGroup") or {}).get("CacheParameterGroupName"),
            replication_group=member or None))
    for sc in data.get("serverless_caches", []):
        declared.caches.append(DeclaredCache(
            source=w.source(sc.get("ARN") or sc.get("ServerlessCacheName"),
                            "AWS::ElastiCache::ServerlessCache", tags=sc.get("Tags")),
            deployment=SERVERLESS, name=sc.get("ServerlessCacheName"), engine=sc.get("Engine"),
            engine_version=sc.get("MajorEngineVersion") or sc.get("FullEngineVersion")))


def dax_group_id(w: Where, name: str) -> str:
    # DAX parameter groups have no ARN: name them as the console does, with where they live.
    return f"dax:{w.region}:{w.account}:parametergroup/{name}"


def _dax(w: Where, data: dict, declared: Declared) -> None:
    for name, group in (data.get("parameter_groups") or {}).items():
        params = group.get("Parameters") or {}
        address = dax_group_id(w, name)
        declared.dax_groups.append(DaxParameterGroup(
            source=w.source(address, "AWS::DAX::ParameterGroup", DAX_TTL_PARAMETERS),
            name=name, **{field: number(params.get(parameter))
                          for field, parameter in DAX_TTL_PARAMETERS.items()}))
    roles = data.get("roles") or {}
    for c in data.get("clusters", []):
        grants = roles.get(c.get("IamRoleArn")) or {}
        any_table: Any = bool(grants.get("any_table"))
        if not grants.get("complete", False):
            any_table = UNKNOWN  # the role's policies could not all be read
        source = w.source(c.get("ClusterArn") or c.get("ClusterName"), "AWS::DAX::Cluster",
                          {"replication_factor": "TotalNodes",
                           "sse_enabled": "SSEDescription",
                           "endpoint_encryption": "ClusterEndpointEncryptionType",
                           "parameter_group": "ParameterGroupName",
                           **DAX_TTL_PARAMETERS, "tables": "IamRoleArn"},
                          c.get("Tags"))
        status = (c.get("SSEDescription") or {}).get("Status")
        declared.dax.append(DeclaredDax(
            source=source, name=c.get("ClusterName"),
            replication_factor=number(c.get("TotalNodes")),
            sse_enabled=status in ("ENABLED", "ENABLING") if isinstance(status, str) else None,
            endpoint_encryption=c.get("ClusterEndpointEncryptionType"),
            parameter_group=(c.get("ParameterGroup") or {}).get("ParameterGroupName"),
            table_names=frozenset(grants.get("tables") or ()), any_table=any_table))


def _tables(w: Where, data: dict, declared: Declared) -> None:
    for t in data.get("tables", []):
        arn = t.get("TableArn") or t.get("TableName")
        declared.tables.append(DeclaredTable(
            source=w.source(arn, "AWS::DynamoDB::Table", {"global_table": "Replicas"},
                            t.get("Tags")),
            name=t.get("TableName"),
            replicas=bool(t.get("Replicas")) or bool(t.get("GlobalTableVersion"))))


def _datastores(w: Where, data: dict) -> list[Resource]:
    declared = Declared()
    _elasticache(w, data.get("elasticache") or {}, declared)
    _tables(w, data.get("dynamodb") or {}, declared)
    _dax(w, data.get("dax") or {}, declared)
    return link_datastores(declared)
