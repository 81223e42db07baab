"""Replay a real request sequence through a TTL cache, exactly.

A cache entry is filled by a miss at time t and serves every request for the same key until
t + TTL (API Gateway and CloudFront keep an entry for its TTL from when it was stored; a hit does
not extend it). The next request at or after t + TTL is a miss and fills the entry again. So per
key the misses are a greedy cover of its sorted times by windows of length TTL, which
``numpy.searchsorted`` walks one miss at a time: the cost grows with misses, not requests.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from collections.abc import Iterable, Sequence



@dataclass(frozen=True)
class Replay:
    ttl: float
    requests: int
    misses: int  # backend calls

    @property
    def hits(self) -> int:
        return self.requests - self.misses

    @property
    def hit_ratio(self) -> float:
        return self.hits / self.requests if self.requests else 0.0


def misses_for(times: Sequence[float], ttl: float) -> int:
    """Backend calls for one key's sorted request times under a TTL (0: every request)."""
    t = times
    n = len(t)
    if n == 0:
        return 0
    if ttl <= 0:
        return n
    misses, i = 0, 0
    while i < n:
        misses += 1
        # The first request at or after expiry is the next miss.
        i = bisect.bisect_left(t, t[i] + ttl, i + 1)
    return misses


def replay(keys: Iterable[Sequence[float]], ttls: Sequence[float]) -> list[Replay]:
    """One Replay per TTL over every key's sorted times."""
    keys = [k if isinstance(k, list) else list(k) for k in keys]
    total = sum(len(k) for k in keys)
    return [Replay(ttl, total, sum(misses_for(k, ttl) for k in keys)) for ttl in ttls]


def smallest_ttl(results: Sequence[Replay], target: float, max_ttl: float | None = None
                 ) -> Replay | None:
    """The smallest candidate TTL whose replayed hit ratio reaches ``target``, within
    ``max_ttl`` (the freshness the data allows)."""
    for r in sorted(results, key=lambda r: r.ttl):
        if max_ttl is not None and r.ttl > max_ttl:
            break
        if r.hit_ratio >= target:
            return r
    return None
