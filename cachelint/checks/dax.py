"""DAX and DynamoDB checks a declarative condition cannot express (rules/dax.yaml)."""

from __future__ import annotations

import os
from collections.abc import Iterator

from cachelint.engine import Context, Hit
from cachelint.model import (
    DAX_DEFAULT_TTL_MILLIS, DAX_TTL_PARAMETERS, DaxCluster, DaxParameterGroup, DynamoTable,
    Evidence, Resource,
)
from cachelint.values import UNKNOWN

_TTL_EFFECTS = {
    "record_ttl_millis": ("items never expire by time and change only through writes made via "
                          "DAX, so writes that bypass DAX leave stale items forever"),
    "query_ttl_millis": ("query and scan results are never cached, so the query cache is off"),
}


def dax_ttl_zero(group: DaxParameterGroup, ctx: Context) -> Iterator[Hit]:
    for field, effect in _TTL_EFFECTS.items():
        if getattr(group, field) == 0:
            yield Hit(group, field, {"parameter": DAX_TTL_PARAMETERS[field], "effect": effect})


def _beside(a: Resource, b: Resource) -> bool:
    """Declared together: the same Terraform module folder, CloudFormation template or
    account and region of a snapshot."""
    la, lb = a.source.location, b.source.location
    if (la.account, la.region) != (lb.account, lb.region):
        return False
    if la.account:  # a deployed resource's path is its ARN
        return True
    if la.path.endswith(".tf") and lb.path.endswith(".tf"):
        return os.path.dirname(la.path) == os.path.dirname(lb.path)
    return la.path == lb.path


def _default_ttl_evidence(cluster: DaxCluster, ctx: Context) -> str | None:
    """Why the 5-minute default is not what the author wants, or None: AWS's default is a sane
    TTL, and a cluster that simply keeps it is not a defect."""
    clusters = [c for c in ctx.inventory.of(DaxCluster) if _beside(c, cluster)]
    if not any(c.parameter_group is UNKNOWN for c in clusters):
        used = [c.parameter_group for c in clusters]
        for group in ctx.inventory.of(DaxParameterGroup):
            ttls = [v for v in (group.record_ttl_millis, group.query_ttl_millis)
                    if isinstance(v, int) and not isinstance(v, bool)]
            if ttls and _beside(group, cluster) and not any(g is group for g in used):
                return (f"while parameter group {group.name or group.source.address}, declared "
                        f"beside it with a TTL of {min(ttls)} ms, is attached to no cluster")
    bound = ctx.config.max_ttl(cluster.source.address, cluster.name,
                               *(t.name for t in cluster.tables))
    if bound is not None and bound * 1000 < DAX_DEFAULT_TTL_MILLIS:
        return f"while the configuration's freshness allows {bound:g} s"
    return None


def dax_ttl_implicit(cluster: DaxCluster, ctx: Context) -> Iterator[Hit]:
    if cluster.parameter_group is None:
        why = _default_ttl_evidence(cluster, ctx)
        if why is not None:
            yield Hit(cluster, "parameter_group",
                      {"detail": "uses the default parameter group (record and query TTL "
                                 f"{DAX_DEFAULT_TTL_MILLIS} ms) {why}"})
        return
    if not isinstance(cluster.parameter_group, DaxParameterGroup):
        return  # unknown group: cannot say
    missing = [name for field, name in DAX_TTL_PARAMETERS.items()
               if getattr(cluster.parameter_group, field) is None]
    if missing:
        yield Hit(cluster, "parameter_group",
                  {"detail": f"uses parameter group {cluster.parameter_group.name}, which leaves "
                             f"{' and '.join(missing)} at the {DAX_DEFAULT_TTL_MILLIS} ms default"})


def dax_fronts_global_table(cluster: DaxCluster, ctx: Context) -> Iterator[Hit]:
    for table in cluster.tables:
        if table.global_table is True:
            name = table.name if isinstance(table.name, str) and table.name else None
            yield Hit(cluster, "tables", {"table": name or table.source.address})


def dax_replication_factor_low(cluster: DaxCluster, ctx: Context) -> Iterator[Hit]:
    minimum = ctx.config.threshold("dax_min_nodes")
    factor = cluster.replication_factor
    if isinstance(factor, int) and factor < minimum:
        yield Hit(cluster, "replication_factor", {"minimum": minimum})


# --- evidence (CloudWatch): read/write mix of DynamoDB tables ------------------------------------


def _mix(ctx: Context, table: DynamoTable) -> tuple[float, float, Evidence] | None:
    e = ctx.inventory.evidence.get(table.source.address)
    if e is None or e.read_units is None or e.write_units is None:
        return None
    return e.rate(e.read_units) or 0.0, e.rate(e.write_units) or 0.0, e


def _same_place(a: DynamoTable | DaxCluster, b: DynamoTable | DaxCluster) -> bool:
    la, lb = a.source.location, b.source.location
    return (la.account, la.region) == (lb.account, lb.region)


def read_heavy_without_dax(table: DynamoTable, ctx: Context) -> Iterator[Hit]:
    mix = _mix(ctx, table)
    if mix is None:
        return
    reads, writes, e = mix
    ratio = ctx.config.threshold("dax_read_write_ratio")
    if reads < ctx.config.threshold("dax_min_reads_per_second") or (
            writes > 0 and reads / writes < ratio):
        return
    for cluster in ctx.inventory.of(DaxCluster):
        if not _same_place(cluster, table):
            continue
        if cluster.any_table is not False or any(t.name == table.name for t in cluster.tables):
            return  # cached, or a cluster that may cache it
    yield Hit(table, None, {"reads": f"{reads:,.0f}", "writes": f"{writes:,.0f}",
                            "basis": e.basis})


def dax_fronts_write_heavy_table(cluster: DaxCluster, ctx: Context) -> Iterator[Hit]:
    ratio = ctx.config.threshold("dax_write_heavy_ratio")
    for table in cluster.tables:
        mix = _mix(ctx, table)
        if mix is None:
            continue
        reads, writes, e = mix
        if writes >= 1 and writes >= ratio * reads:
            yield Hit(cluster, "tables", {"table": table.name, "reads": f"{reads:,.1f}",
                                          "writes": f"{writes:,.1f}", "basis": e.basis})
