"""Terraform ElastiCache, DAX and DynamoDB resources -> the model (engine-aware)."""

from __future__ import annotations

from typing import Any

from cachelint.loaders.terraform.mapping import SourceBuilder, by_type, location
from cachelint.loaders.terraform.module import EvalBody, TfResource
from cachelint.loaders.terraform.syntax import references
from cachelint.linking import (
    TABLE_ARN, parameter_group_for, strings_in, transit_encryption_supported,
)
from cachelint.model import (
    CacheCluster, CacheParameterGroup, DaxCluster, DaxParameterGroup, DynamoTable, Resource,
    labels_of,
)
from cachelint.values import Symbol, UNKNOWN, as_bool, as_int, as_str, ref_key

TYPES = {"aws_elasticache_cluster", "aws_elasticache_replication_group",
         "aws_elasticache_serverless_cache", "aws_elasticache_parameter_group",
         "aws_dax_cluster", "aws_dax_parameter_group", "aws_dynamodb_table",
         "aws_dynamodb_global_table", "aws_iam_role", "aws_iam_role_policy", "aws_iam_policy",
         "aws_iam_role_policy_attachment", "aws_iam_policy_document"}



def map_resources(resources: list[TfResource]) -> list[Resource]:
    out: list[Resource] = []
    groups = {r.address: _cache_params(r)
              for r in by_type(resources, "aws_elasticache_parameter_group")}
    out.extend(groups.values())
    for r in by_type(resources, "aws_elasticache_replication_group", "aws_elasticache_cluster",
                     "aws_elasticache_serverless_cache"):
        cache = _cache(r, groups)
        if cache is not None:
            out.append(cache)
    tables = _tables(resources)
    out.extend(tables.values())
    dax_groups = {r.address: _dax_params(r) for r in by_type(resources, "aws_dax_parameter_group")}
    out.extend(dax_groups.values())
    for r in by_type(resources, "aws_dax_cluster"):
        out.append(_dax(r, dax_groups, tables, resources))
    return out


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


def _cache(r: TfResource, groups: dict) -> CacheCluster | None:
    b = r.body
    src = SourceBuilder(r)
    engine = as_str(b.get("engine"))
    if isinstance(engine, str):
        engine = engine.lower()
    version = as_str(b.get("engine_version"))
    labels = labels_of(as_str(b.get("description")), b.get("tags"), *_comments(r))
    for field, attr in (("at_rest_encryption", "at_rest_encryption_enabled"),
                        ("transit_encryption", "transit_encryption_enabled"),
                        ("automatic_failover", "automatic_failover_enabled"),
                        ("node_count", "num_cache_clusters"), ("engine", "engine"),
                        ("parameter_group", "parameter_group_name")):
        src.mark(field, b, attr)
    if r.type == "aws_elasticache_serverless_cache":
        # Serverless caches are always encrypted at rest and in transit, and replicate across AZs.
        return CacheCluster(source=src.build(), name=as_str(b.get("name")),
                            deployment="serverless", engine=engine, engine_version=version,
                            node_count=UNKNOWN, automatic_failover=True,
                            at_rest_encryption=True, transit_encryption=True)
    if r.type == "aws_elasticache_cluster":
        if b.get("replication_group_id") is not None:
            return None  # a member of a replication group, which carries the settings
        nodes = as_int(b.get("num_cache_nodes"))
        src.mark("node_count", b, "num_cache_nodes")
        transit = as_bool(b.get("transit_encryption_enabled"))
        supported = transit_encryption_supported("redis" if engine is None else engine, version)
        # Node-based Memcached cannot encrypt at rest at all, nor a stand-alone Redis/Valkey node;
        # an engine cachelint cannot read may be either.
        at_rest = UNKNOWN if engine is UNKNOWN else None if engine == "memcached" else False
        return CacheCluster(source=src.build(), name=as_str(b.get("cluster_id")),
                            deployment="cluster", engine=engine, engine_version=version,
                            node_count=nodes, automatic_failover=False,
                            at_rest_encryption=at_rest,
                            transit_encryption=False if transit is None else transit,
                            transit_encryption_supported=supported, labels=labels,
                            parameter_group=parameter_group_for(b.get("parameter_group_name"),
                                                                groups))
    # Replication group (Redis OSS or Valkey).
    if b.get("global_replication_group_id") not in (None, ""):
        # A secondary of a global datastore inherits engine and encryption from the primary.
        return CacheCluster(source=src.build(), name=as_str(b.get("replication_group_id")),
                            deployment="replication-group", engine=UNKNOWN,
                            engine_version=version, node_count=as_int(b.get("num_cache_clusters")),
                            automatic_failover=as_bool(b.get("automatic_failover_enabled")),
                            at_rest_encryption=None, transit_encryption=None,
                            parameter_group=parameter_group_for(b.get("parameter_group_name"),
                                                                groups))
    if engine is None:
        engine = "redis"
    groups_n = as_int(b.get("num_node_groups"))
    replicas = as_int(b.get("replicas_per_node_group"))
    if groups_n is not None or replicas is not None:
        nodes: Any = 1 + (replicas or 0) if replicas is not UNKNOWN else UNKNOWN
        src.mark("node_count", b, "replicas_per_node_group")
    else:
        nodes = as_int(b.get("num_cache_clusters", 1))
    at_rest = as_bool(b.get("at_rest_encryption_enabled"))
    if at_rest is None:
        # Terraform's default: false for redis, true for valkey (provider docs).
        at_rest = True if engine == "valkey" else (False if engine == "redis" else UNKNOWN)
    transit = as_bool(b.get("transit_encryption_enabled"))
    failover = as_bool(b.get("automatic_failover_enabled"))
    return CacheCluster(source=src.build(), name=as_str(b.get("replication_group_id")),
                        deployment="replication-group", engine=engine, engine_version=version,
                        node_count=nodes,
                        automatic_failover=False if failover is None else failover,
                        at_rest_encryption=at_rest,
                        transit_encryption=False if transit is None else transit,
                        transit_encryption_supported=transit_encryption_supported(engine, version),
                        labels=labels,
                        parameter_group=parameter_group_for(b.get("parameter_group_name"), groups))


def _dax_params(r: TfResource) -> DaxParameterGroup:
    src = SourceBuilder(r)
    values: dict[str, Any] = {}
    for p in r.body.all("parameters"):
        name = p.get("name")
        fields = {"record-ttl-millis": "record_ttl_millis", "query-ttl-millis": "query_ttl_millis"}
        field = fields.get(name) if isinstance(name, str) else None
        if field:
            values[field] = as_int(p.get("value"))
            src.mark(field, p, "value")
    return DaxParameterGroup(source=src.build(), name=as_str(r.body.get("name")), **values)


def _tables(resources: list[TfResource]) -> dict[str, DynamoTable]:
    out = {}
    for r in by_type(resources, "aws_dynamodb_table", "aws_dynamodb_global_table"):
        if r.mode != "managed":
            continue
        src = SourceBuilder(r)
        if r.type == "aws_dynamodb_global_table":
            is_global: Any = True
        else:
            replicas = r.body.all("replica")
            is_global = bool(replicas)
            if replicas:
                src.fields["global_table"] = location(replicas[0].span)
            if any(rep.conditional for rep in replicas):
                is_global = UNKNOWN
        out[r.address] = DynamoTable(source=src.build(), name=as_str(r.body.get("name")),
                                     global_table=is_global)
    return out


def _body_refs(body: EvalBody) -> list[tuple[str, ...]]:
    found = []
    for expr in body.exprs.values():
        found.extend(references(expr))
    for blocks in body.blocks.values():
        for inner in blocks:
            found.extend(_body_refs(inner))
    return found


def _policy_tables(policy: TfResource, by_address: dict[str, TfResource],
                   tables: dict[str, DynamoTable], seen: set[str]) -> set[str]:
    """Table addresses a policy grants access to: by reference, or by a literal table ARN."""
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
                found |= _policy_tables(doc, by_address, tables, seen)
    for text in strings_in(policy.body.values) + [
            s for blocks in policy.body.blocks.values() for b in blocks
            for s in strings_in(b.values)]:
        for name in TABLE_ARN.findall(text):
            found.update(a for a, t in tables.items() if t.name == name)
    return {a for a in found if a in tables} | {
        a for a in tables if any(a.startswith(f + "[") for f in found)}


def _dax_tables(cluster: TfResource, resources: list[TfResource],
                tables: dict[str, DynamoTable]) -> tuple:
    role = cluster.body.get("iam_role_arn")
    if not isinstance(role, Symbol):
        return ()
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
    for p in policies:
        found |= _policy_tables(p, by_address, tables, seen)
    return tuple(tables[a] for a in sorted(found))


def _dax(r: TfResource, groups: dict, tables: dict, resources: list[TfResource]) -> DaxCluster:
    b = r.body
    src = SourceBuilder(r)
    sse = b.block("server_side_encryption")
    sse_enabled = as_bool(sse.get("enabled")) if sse is not None else None
    if sse is not None:
        src.mark("sse_enabled", sse, "enabled")
    src.mark("endpoint_encryption", b, "cluster_endpoint_encryption_type")
    src.mark("replication_factor", b, "replication_factor")
    src.mark("parameter_group", b, "parameter_group_name")
    src.mark("tables", b, "iam_role_arn")
    group = parameter_group_for(b.get("parameter_group_name"), groups)
    if isinstance(group, DaxParameterGroup):
        for field in ("record_ttl_millis", "query_ttl_millis"):
            src.fields[field] = group.source.locate(field)
    else:
        for field in ("record_ttl_millis", "query_ttl_millis"):
            src.mark(field, b, "parameter_group_name")
    return DaxCluster(source=src.build(), name=as_str(b.get("cluster_name")),
                      replication_factor=as_int(b.get("replication_factor")),
                      sse_enabled=False if sse_enabled is None else sse_enabled,
                      endpoint_encryption=as_str(b.get("cluster_endpoint_encryption_type",
                                                       "NONE")),
                      parameter_group=group, tables=_dax_tables(r, resources, tables))
