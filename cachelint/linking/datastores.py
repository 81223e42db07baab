"""ElastiCache, DAX and DynamoDB: declared records -> the model, with AWS semantics applied once.

A reader (Terraform, CloudFormation, account snapshot) fills a :class:`Declared` with what its
source says, in AWS's terms: ``None`` where the author left a setting out, ``UNKNOWN`` where it
cannot be evaluated, references left as references (a :class:`~cachelint.values.Symbol`, a
logical id) or names. :func:`link_datastores` applies defaults by engine and version, node
counts, replication-group membership, global tables, parameter groups and DAX table grants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from cachelint.model import (
    DAX_TTL_PARAMETERS, CacheCluster, CacheParameterGroup, DaxCluster, DaxParameterGroup,
    DynamoTable, Resource, Source, SourceKind,
)
from cachelint.values import UNKNOWN, Symbol, as_bool, as_int, as_str

REPLICATION_GROUP, CLUSTER, SERVERLESS = "replication-group", "cluster", "serverless"
DEFAULT_ENGINE = "redis"  # CreateReplicationGroup/CreateCacheCluster without an engine

# What a setting left out means where the sources differ (docs/aws-facts.md, ElastiCache 14):
# (setting, source kind, engine) -> value; a combination that is not listed is unknown.
UNSET_DEFAULTS: dict[tuple[str, SourceKind, str], Any] = {
    # The API's AtRestEncryptionEnabled defaults to false; the Terraform provider turns it on
    # for valkey; what CloudFormation does for valkey is not documented.
    ("at_rest_encryption", SourceKind.TERRAFORM, "redis"): False,
    ("at_rest_encryption", SourceKind.TERRAFORM, "valkey"): True,
    ("at_rest_encryption", SourceKind.CLOUDFORMATION, "redis"): False,
    ("at_rest_encryption", SourceKind.AWS, "redis"): False,
    ("at_rest_encryption", SourceKind.AWS, "valkey"): False,
}


@dataclass(frozen=True)
class DeclaredCache:
    """A replication group, cache cluster or serverless cache as its source declares it."""

    source: Source
    deployment: str  # REPLICATION_GROUP, CLUSTER or SERVERLESS
    name: Any = None
    engine: Any = None
    engine_version: Any = None
    num_cache_clusters: Any = None
    num_node_groups: Any = None
    replicas_per_node_group: Any = None
    num_cache_nodes: Any = None
    automatic_failover: Any = None
    at_rest_encryption: Any = None
    transit_encryption: Any = None
    parameter_group: Any = None  # a reference to a group, or its name
    replication_group: Any = None  # a cluster that is a member of this group (name/reference)
    global_datastore: Any = None  # a secondary of this global datastore (inherits settings)
    labels: tuple = ()


# The fields of a DeclaredCache a source writes, each with how its written value reads (None:
# as it is, a reference or a name).
CACHE_FIELDS = {"engine": as_str, "engine_version": as_str, "num_cache_clusters": as_int,
                "num_node_groups": as_int, "replicas_per_node_group": as_int,
                "num_cache_nodes": as_int, "automatic_failover": as_bool,
                "at_rest_encryption": as_bool, "transit_encryption": as_bool,
                "parameter_group": None, "replication_group": None, "global_datastore": None}
# Likewise for a DeclaredDax (its encryption setting and role are read apart: they nest).
DAX_FIELDS = {"replication_factor": as_int, "endpoint_encryption": as_str,
              "parameter_group": None}


def declared_fields(read: Any, names: dict[str, str], fields: dict | None = None
                    ) -> dict[str, Any]:
    """The fields of a declared record a source writes (``fields``: CACHE_FIELDS or
    DAX_FIELDS): ``names`` maps each field its resource type can write to the source's own
    name for it, ``read`` reads a value by that name."""
    out = {}
    for field_name, conv in (CACHE_FIELDS if fields is None else fields).items():
        if field_name in names:
            value = read(names[field_name])
            out[field_name] = conv(value) if conv is not None else value
    return out


@dataclass(frozen=True)
class DeclaredTable:
    source: Source  # source.address is the key grants and replicas name the table by
    name: Any = None
    global_resource: bool = False  # a global-table resource (AWS::DynamoDB::GlobalTable)
    replicas: Any = False  # replicas declared on the table: True, False or UNKNOWN


@dataclass(frozen=True)
class DeclaredTableReplica:
    """A replica declared apart from its table (``aws_dynamodb_table_replica``)."""

    source: Source
    table: Any  # the table's key (a reference) or its name; UNKNOWN if it cannot be told


@dataclass(frozen=True)
class DeclaredDax:
    source: Source
    name: Any = None
    replication_factor: Any = None
    sse_enabled: Any = None
    endpoint_encryption: Any = None
    parameter_group: Any = None  # a reference to a group, or its name
    table_refs: frozenset = frozenset()  # keys of the tables the role's policies reference
    table_names: frozenset = frozenset()  # table names in ARNs the policies hold
    any_table: Any = False  # a policy grants every table ("*"); UNKNOWN: not all were read


@dataclass
class Declared:
    """Everything one reader declared about ElastiCache, DAX and DynamoDB."""

    cache_groups: list[CacheParameterGroup] = field(default_factory=list)
    caches: list[DeclaredCache] = field(default_factory=list)
    tables: list[DeclaredTable] = field(default_factory=list)
    table_replicas: list[DeclaredTableReplica] = field(default_factory=list)
    dax_groups: list[DaxParameterGroup] = field(default_factory=list)
    dax: list[DeclaredDax] = field(default_factory=list)


def link_datastores(d: Declared) -> list[Resource]:
    cache_groups = {g.source.address: g for g in d.cache_groups}
    tables = {t.source.address: _table(t, d.table_replicas) for t in d.tables}
    dax_groups = {g.source.address: g for g in d.dax_groups}
    caches = [c for c in (_cache(c, d.caches, cache_groups) for c in d.caches) if c is not None]
    return [*cache_groups.values(), *caches, *tables.values(), *dax_groups.values(),
            *(_dax(x, dax_groups, tables) for x in d.dax)]


# --- ElastiCache ---------------------------------------------------------------------------------


def version_at_least(version: Any, minimum: tuple[int, ...]) -> Any:
    if version is None:
        return True  # unset: AWS picks the latest engine version
    if not isinstance(version, str):
        return UNKNOWN
    parts = re.findall(r"\d+", version)
    if not parts:
        return UNKNOWN
    return tuple(int(p) for p in parts[:3]) >= minimum


def transit_encryption_supported(engine: Any, version: Any) -> Any:
    """Whether the engine version can encrypt in transit: Memcached from 1.6.12, Redis OSS
    3.2.6 and from 4.0.10, every Valkey (7.2 on) (docs/aws-facts.md, ElastiCache 13)."""
    if engine is UNKNOWN:
        return UNKNOWN
    if engine == "memcached":
        return version_at_least(version, (1, 6, 12))
    if engine == "redis":
        if isinstance(version, str) and tuple(int(p) for p in re.findall(r"\d+", version)[:3]) \
                == (3, 2, 6):
            return True
        return version_at_least(version, (4, 0, 10))
    return True


def parameter_group_for(value: Any, groups: dict) -> Any:
    """A parameter group by reference (a symbol naming it) or by name; None when the cache uses
    the default group (unset, or a ``default.*`` name), UNKNOWN when it cannot be told."""
    if value is None or value == "":
        return None
    if isinstance(value, Symbol):
        return groups.get(value.address, UNKNOWN)
    if isinstance(value, str):
        if value.startswith("default."):
            return None
        if value in groups:
            return groups[value]
        for group in groups.values():
            if group.name == value:
                return group
    return UNKNOWN


def _names(value: Any, cache: DeclaredCache) -> bool:
    """Whether a member's group reference names this replication group."""
    if isinstance(value, Symbol):
        return value.address == cache.source.address
    return isinstance(value, str) and value in (cache.name, cache.source.address)


def _with_members(c: DeclaredCache, declared: list[DeclaredCache]) -> DeclaredCache:
    """A replication group takes the engine, version and parameter group its member clusters
    report where it does not say them itself (the live API reports them on members only)."""
    members = [m for m in declared if m.deployment == CLUSTER and m.replication_group is not None
               and _names(m.replication_group, c)]
    if not members:
        return c
    first = members[0]
    return replace(c, **{f: getattr(first, f) for f in ("engine", "engine_version",
                                                         "parameter_group")
                         if getattr(c, f) is None and getattr(first, f) is not None})


def _node_count(c: DeclaredCache) -> Any:
    """Nodes per shard: a primary and its replicas. ``ReplicasPerNodeGroup`` has no documented
    default, so a sharded group that leaves it out has an unknown count."""
    if c.num_node_groups is not None or c.replicas_per_node_group is not None:
        replicas = c.replicas_per_node_group
        return 1 + replicas if isinstance(replicas, int) else UNKNOWN
    return 1 if c.num_cache_clusters is None else c.num_cache_clusters


def _cache(c: DeclaredCache, declared: list[DeclaredCache], groups: dict) -> CacheCluster | None:
    engine = c.engine.lower() if isinstance(c.engine, str) else c.engine
    c = replace(c, engine=engine)
    common = dict(source=c.source, name=c.name, deployment=c.deployment)
    if c.deployment == SERVERLESS:
        # Always encrypted at rest and in transit, and replicated across AZs.
        return CacheCluster(**common, engine=engine, engine_version=c.engine_version,
                            node_count=UNKNOWN, automatic_failover=True,
                            at_rest_encryption=True, transit_encryption=True)
    group = parameter_group_for(c.parameter_group, groups)
    if c.deployment == CLUSTER:
        if c.replication_group is not None:
            return None  # a member of a replication group, which carries the settings
        # Node-based Memcached cannot encrypt at rest at all, nor a stand-alone Redis/Valkey
        # node; an engine that cannot be read may be either.
        at_rest = UNKNOWN if engine is UNKNOWN else None if engine == "memcached" else (
            False if c.at_rest_encryption is None else c.at_rest_encryption)
        return CacheCluster(
            **common, engine=engine, engine_version=c.engine_version,
            node_count=c.num_cache_nodes, automatic_failover=False, at_rest_encryption=at_rest,
            transit_encryption=False if c.transit_encryption is None else c.transit_encryption,
            transit_encryption_supported=transit_encryption_supported(
                DEFAULT_ENGINE if engine is None else engine, c.engine_version),
            parameter_group=group, labels=c.labels)
    if c.global_datastore not in (None, ""):
        # A secondary of a global datastore inherits engine and encryption from the primary.
        return CacheCluster(**common, engine=UNKNOWN, engine_version=c.engine_version,
                            node_count=c.num_cache_clusters,
                            automatic_failover=c.automatic_failover,
                            at_rest_encryption=None, transit_encryption=None,
                            parameter_group=group)
    c = _with_members(c, declared)
    engine = DEFAULT_ENGINE if c.engine is None else c.engine
    at_rest = c.at_rest_encryption
    if at_rest is None:
        at_rest = UNSET_DEFAULTS.get(("at_rest_encryption", c.source.kind, engine), UNKNOWN) \
            if isinstance(engine, str) else UNKNOWN
    nodes = _node_count(c)
    failover = False if c.automatic_failover is None else c.automatic_failover
    # AWS refuses failover on a group of one node (docs/aws-facts.md, 15): it has none.
    # (Member clusters declared apart from the group add nodes this count does not hold.)
    refused = failover is True and nodes == 1 and c.num_node_groups is None \
        and c.replicas_per_node_group is None and not any(
            m.deployment == CLUSTER and m.replication_group is not None
            and _names(m.replication_group, c) for m in declared)
    return CacheCluster(
        **common, engine=engine, engine_version=c.engine_version, node_count=nodes,
        automatic_failover=False if refused else failover, failover_refused=refused,
        at_rest_encryption=at_rest,
        transit_encryption=False if c.transit_encryption is None else c.transit_encryption,
        transit_encryption_supported=transit_encryption_supported(engine, c.engine_version),
        parameter_group=parameter_group_for(c.parameter_group, groups), labels=c.labels)


# --- DynamoDB and DAX -----------------------------------------------------------------------------

TABLE_ARN = re.compile(r"table/([A-Za-z0-9_.-]+)")


def strings_in(value: Any) -> list[str]:
    """Every string inside a value (an IAM policy document), to find table ARNs in it."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    return []


def _table(t: DeclaredTable, replicas: list[DeclaredTableReplica]) -> DynamoTable:
    """Global where the source says so: a global-table resource, replicas on the table, or a
    replica resource that names it."""
    source = t.source
    named = [r for r in replicas if r.table in (t.source.address, t.name)]
    if t.global_resource or t.replicas is True or named:
        is_global: Any = True
    elif t.replicas is UNKNOWN or any(r.table is UNKNOWN for r in replicas):
        is_global = UNKNOWN
    else:
        is_global = False
    if named and "global_table" not in source.fields:
        source = replace(source, fields={**source.fields,
                                         "global_table": named[0].source.location})
    return DynamoTable(source=source, name=t.name, global_table=is_global)


def _dax(x: DeclaredDax, groups: dict, tables: dict[str, DynamoTable]) -> DaxCluster:
    group = parameter_group_for(x.parameter_group, groups)
    fields, names = dict(x.source.fields), dict(x.source.names)
    for name in DAX_TTL_PARAMETERS:
        # The TTLs are written in the parameter group, or (default group) nowhere: findings
        # about them point at the group's parameter, else at the cluster's group setting.
        if isinstance(group, DaxParameterGroup):
            fields[name] = group.source.locate(name)
        else:
            fields[name] = fields.get("parameter_group", x.source.location)
            if "parameter_group" in names:
                names.setdefault(name, names["parameter_group"])
    granted = sorted(key for key, t in tables.items()
                     if key in x.table_refs or t.name in x.table_names)
    return DaxCluster(
        source=replace(x.source, fields=fields, names=names), name=x.name,
        replication_factor=x.replication_factor,
        sse_enabled=False if x.sse_enabled is None else x.sse_enabled,
        endpoint_encryption="NONE" if x.endpoint_encryption is None else x.endpoint_encryption,
        parameter_group=group, tables=tuple(tables[k] for k in granted),
        any_table=x.any_table)
