"""DAX checks a declarative condition cannot express."""

from __future__ import annotations

from typing import Iterator

from cachelint.engine import Context, Hit
from cachelint.model import DaxCluster, DaxParameterGroup

_TTL_PARAMS = {
    "record_ttl_millis": ("record-ttl-millis",
                          "items never expire by time and change only through writes made via "
                          "DAX, so writes that bypass DAX leave stale items forever"),
    "query_ttl_millis": ("query-ttl-millis",
                         "query and scan results are never cached, so the query cache is off"),
}


def dax_ttl_zero(group: DaxParameterGroup, ctx: Context) -> Iterator[Hit]:
    for field, (parameter, effect) in _TTL_PARAMS.items():
        if getattr(group, field) == 0:
            yield Hit(group, field, {"parameter": parameter, "effect": effect})


def dax_ttl_implicit(cluster: DaxCluster, ctx: Context) -> Iterator[Hit]:
    if cluster.parameter_group is None:
        yield Hit(cluster, "parameter_group",
                  {"detail": "uses the default parameter group (record and query TTL 300000 ms)"})
        return
    if not isinstance(cluster.parameter_group, DaxParameterGroup):
        return  # unknown group: cannot say
    missing = [name for field, (name, _) in _TTL_PARAMS.items()
               if getattr(cluster.parameter_group, field) is None]
    if missing:
        yield Hit(cluster, "parameter_group",
                  {"detail": f"uses parameter group {cluster.parameter_group.name}, which leaves "
                             f"{' and '.join(missing)} at the 300000 ms default"})


def dax_fronts_global_table(cluster: DaxCluster, ctx: Context) -> Iterator[Hit]:
    for table in cluster.tables:
        if table.global_table is True:
            yield Hit(cluster, "tables", {"table": table.name or table.source.address})


def dax_replication_factor_low(cluster: DaxCluster, ctx: Context) -> Iterator[Hit]:
    minimum = ctx.config.threshold("dax_min_nodes", 3)
    factor = cluster.replication_factor
    if isinstance(factor, int) and factor < minimum:
        yield Hit(cluster, "replication_factor", {"minimum": minimum})
