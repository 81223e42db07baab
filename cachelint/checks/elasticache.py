"""ElastiCache checks a declarative condition cannot express (rules/elasticache.yaml)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cachelint.config import matches
from cachelint.engine import Context, Hit
from cachelint.model import CacheCluster, CacheParameterGroup

# Words in a name, description, tag or comment that say a Redis is a job queue or a store, which
# needs noeviction (an evicted key is a lost job or lock): Sidekiq, Celery, BullMQ, Resque, RQ,
# Kue, Redisson locks, streams, ...
STORE_WORDS = frozenset({"queue", "queues", "queued", "jobs", "job", "worker", "workers",
                         "broker", "sidekiq", "celery", "bull", "bullmq", "resque", "rq", "kue",
                         "streams", "lock", "locks", "redisson", "datastore", "persistent",
                         "persistence"})


def _words(text: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", text.lower()))


def store_reason(group: CacheParameterGroup, users: list[CacheCluster], ctx: Context
                 ) -> str | None:
    """Why a parameter group serves a store or queue rather than a cache, or None."""
    if str(group.parameters.get("appendonly", "")).lower() == "yes":
        return f"{group.source.address} turns on append-only persistence"
    for res in (group, *users):
        if "store" in res.source.annotations:
            return f"'cachelint: store' on {res.source.address}"
        for cand in (res.source.address, res.name):
            if matches(ctx.config.stores, cand):
                return f"config stores: matches {cand!r}"
        texts = [t for t in (res.name, *res.labels) if isinstance(t, str)]
        for text in texts:
            found = _words(text) & STORE_WORDS
            if found:
                return f"{res.source.address} says {sorted(found)[0]!r}"
    return None


def noeviction_on_cache(group: CacheParameterGroup, ctx: Context) -> Iterator[Hit]:
    if group.maxmemory_policy != "noeviction":
        return
    users = [c for c in ctx.inventory.of(CacheCluster) if c.parameter_group is group]
    if store_reason(group, users, ctx) is None:
        yield Hit(group, "parameters.maxmemory-policy")
