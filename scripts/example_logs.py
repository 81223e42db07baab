"""Write examples/logs/: ten minutes of the shop's traffic (deterministic), as API Gateway access
logs for examples/shop's REST API and CloudFront standard logs for its distribution.

    python scripts/example_logs.py
"""

from __future__ import annotations

import os

from cachelint.traffic.samples import requests, write_apigateway, write_cloudfront

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START = 1_795_600_800.0  # 2026-11-25 10:00:00 UTC
OUT = os.path.join(ROOT, "examples", "logs")


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    # GET /products: the hot catalogue page, a handful of category pages.
    api = {("GET", "/products"): (3.0, 12), ("GET", "/me"): (0.8, 400),
           ("GET", "/accounts"): (0.5, 300), ("POST", "/orders"): (0.3, 1000)}
    events = []
    for (method, route), (rate, keys) in api.items():
        for t, m, r, _uri, k in requests({(method, route): (rate, keys)}, 600, START,
                                         seed=len(events) + 1):
            # The category is a query string on /products; /me and /accounts vary by caller.
            events.append((t, m, r, f"{r}?page={k}" if r == "/products" else r, k))
    events.sort()
    n = write_apigateway(os.path.join(OUT, "shop-api-access.log"), events)
    web = list(requests({("GET", "/assets/app-{id}.js"): (4.0, 30),
                         ("GET", "/api/products"): (1.0, 12)}, 600, START, seed=9))
    m = write_cloudfront(os.path.join(OUT, "shop-web-cloudfront.gz"), web, hit_every=0)
    print(f"wrote {n} API Gateway and {m} CloudFront log lines to {OUT}")


if __name__ == "__main__":
    main()
