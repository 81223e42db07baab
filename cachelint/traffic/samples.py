"""Generated access logs with a known traffic model (tests, the benchmark, examples/)."""

from __future__ import annotations

import gzip
import json
import random
import time as _time
from collections.abc import Iterator

CF_FIELDS = ("date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
             "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type "
             "x-edge-request-id x-host-header cs-protocol cs-bytes time-taken")


def requests(routes: dict[tuple[str, str], tuple[float, int]], seconds: float, start: float,
             seed: int = 1, zipf: float = 1.0) -> Iterator[tuple[float, str, str, str, int]]:
    """(time, method, route, path, key index) in time order: each route (method, template) has
    (requests per second, distinct keys); arrivals are Poisson, keys Zipf-distributed."""
    rnd = random.Random(seed)
    events = []
    for (method, route), (rate, keys) in routes.items():
        weights = [1 / (k + 1) ** zipf for k in range(keys)]
        t = start
        while True:
            t += rnd.expovariate(rate)
            if t >= start + seconds:
                break
            k = rnd.choices(range(keys), weights)[0]
            events.append((t, method, route, route.replace("{id}", str(k)), k))
    events.sort()
    return iter(events)


def write_apigateway(path: str, events, stage: str = "prod") -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for t, method, route, uri, _ in events:
            fh.write(json.dumps({"requestId": f"r{n}", "requestTimeEpoch": int(t * 1000),
                                 "httpMethod": method, "resourcePath": route,
                                 "path": f"/{stage}{uri}", "status": "200",
                                 "responseLatency": "42"}) + "\n")
            n += 1
    return n


def write_cloudfront(path: str, events, hit_every: int = 0) -> int:
    n = 0
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(f"#Version: 1.0\n#Fields: {CF_FIELDS}\n")
        for t, method, _route, uri, _ in events:
            stamp = _time.gmtime(t)
            result = "Hit" if hit_every and n % hit_every else "Miss"
            day, clock = _time.strftime("%Y-%m-%d", stamp), _time.strftime("%H:%M:%S", stamp)
            fh.write("\t".join((day, clock,
                                "IAD89-C1", "1024", "192.0.2.1", method, "d111.cloudfront.net",
                                uri, "200", "-", "Mozilla/5.0", "-", "-", result,
                                f"id{n}", "shop.example.com", "https", "300", "0.010")) + "\n")
            n += 1
    return n
