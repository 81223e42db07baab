"""What a cache will do to the backend and what it costs, under a stated traffic model.

Model: requests arrive as a Poisson process of ``rps`` per second, spread over ``keys`` distinct
request values (uniformly, or Zipf-distributed with exponent ``zipf``). An entry stored by a miss
serves its key for ``ttl`` seconds (a hit does not extend it). For a key requested at rate
``λ``, each fill is followed on average by ``λ·ttl`` hits within the TTL and then a wait for the
next request, so its miss rate is ``λ / (1 + λ·ttl)`` (a renewal cycle). Summed over keys this
is the expected backend load; it never exceeds ``keys / ttl`` per second, the bound for N
distinct request values (N backend calls per TTL).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources

HOURS_PER_MONTH = 730  # AWS's convention for monthly estimates
DEFAULT_ENGINE = "valkey"  # as `cachelint generate --layer elasticache`
DEFAULT_SIZE = {"apigateway": "0.5", "dax": "dax.t3.small", "elasticache": "cache.t4g.small"}


@dataclass(frozen=True)
class Estimate:
    keys: int
    ttl: float
    rps: float | None
    zipf: float
    worst_case_backend_per_second: float  # keys / ttl
    expected_backend_per_second: float | None
    expected_hit_ratio: float | None
    load_reduction: float | None  # 1 - backend / rps
    layer: str | None = None
    size: str | None = None
    nodes: int = 1
    hourly_cost: float | None = None
    monthly_cost: float | None = None
    prices_as_of: str | None = None
    engine: str | None = None  # ElastiCache's, for its price

    def as_dict(self) -> dict:
        return asdict(self)


def _weights(keys: int, zipf: float) -> list[float]:
    raw = [1.0 / (k + 1) ** zipf for k in range(keys)]
    total = sum(raw)
    return [w / total for w in raw]


def backend_rate(keys: int, ttl: float, rps: float, zipf: float = 0.0) -> float:
    """Expected backend calls per second (misses) under the model."""
    if ttl <= 0:
        return rps
    if zipf == 0:
        lam = rps / keys
        return keys * lam / (1 + lam * ttl)
    return sum(rps * p / (1 + rps * p * ttl) for p in _weights(keys, zipf))


def price_table() -> dict:
    text = resources.files("cachelint.traffic").joinpath("prices.json").read_text("utf-8")
    return json.loads(text)


def hourly_price(layer: str, size: str | None, table: dict, engine: str = DEFAULT_ENGINE
                 ) -> float | None:
    size = size or DEFAULT_SIZE.get(layer)
    if layer == "apigateway":
        return table["apigateway_cache_per_hour"].get(size)
    if layer == "dax":
        return table["dax_node_per_hour"].get(size)
    if layer == "elasticache":
        return table["elasticache_node_per_hour"].get(engine, {}).get(size)
    return None


# The AWS Price List API (pricing:GetProducts) for one price: (service code, filters).
_PRODUCTS = {
    "apigateway": ("AmazonApiGateway", lambda size, engine: {
        "productFamily": "Amazon API Gateway Cache",
        "cacheMemorySizeGb": size or DEFAULT_SIZE["apigateway"]}),
    "dax": ("AmazonDAX", lambda size, engine: {"instanceType": size or DEFAULT_SIZE["dax"]}),
    "elasticache": ("AmazonElastiCache", lambda size, engine: {
        "productFamily": "Cache Instance", "instanceType": size or DEFAULT_SIZE["elasticache"],
        "cacheEngine": {"redis": "Redis", "valkey": "Valkey"}[engine]}),
}


def refreshed_table(layer: str, size: str | None, engine: str = DEFAULT_ENGINE,
                    region: str = "us-east-1", client=None) -> dict:
    """The shipped table with this layer's price read from the AWS Price List API."""
    import datetime as dt

    import boto3

    code, filters = _PRODUCTS[layer]
    client = client or boto3.client("pricing", region_name="us-east-1")
    wanted = {**filters(size, engine), "regionCode": region}
    answer = client.get_products(
        ServiceCode=code, FormatVersion="aws_v1", MaxResults=10,
        Filters=[{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in wanted.items()])
    price = None
    for item in answer.get("PriceList", []):
        product = json.loads(item) if isinstance(item, str) else item
        for term in product.get("terms", {}).get("OnDemand", {}).values():
            for dim in term.get("priceDimensions", {}).values():
                usd = dim.get("pricePerUnit", {}).get("USD")
                if usd is not None and float(usd) > 0:
                    price = float(usd)
                    break
            if price is not None:
                break
        if price is not None:
            break
    table = price_table()
    if price is None:
        raise ValueError(f"the AWS Price List API has no on-demand price for {layer} "
                         f"{size or 'default size'} in {region}")
    key = size or DEFAULT_SIZE[layer]
    if layer == "apigateway":
        table["apigateway_cache_per_hour"][key] = price
    elif layer == "dax":
        table["dax_node_per_hour"][key] = price
    else:
        table["elasticache_node_per_hour"].setdefault(engine, {})[key] = price
    table["as_of"] = f"{dt.date.today().isoformat()} (AWS Price List API)"
    return table


def estimate(keys: int, ttl: float, rps: float | None = None, zipf: float = 0.0,
             layer: str | None = None, size: str | None = None, nodes: int = 1,
             engine: str = DEFAULT_ENGINE, table: dict | None = None) -> Estimate:
    if keys < 1:
        raise ValueError("--keys must be at least 1")
    # ttl 0 is no cache: the library answers it (every request is a miss); the CLI refuses it.
    worst = keys / ttl if ttl > 0 else float("inf")
    expected = hit = reduction = None
    if rps is not None:
        expected = backend_rate(keys, ttl, rps, zipf)
        hit = 1 - expected / rps if rps else 0.0
        reduction = hit
    hourly = monthly = None
    as_of = None
    if layer:
        table = table or price_table()
        as_of = table.get("as_of")
        unit = hourly_price(layer, size, table, engine)
        if unit is not None:
            hourly = unit * nodes
            monthly = hourly * HOURS_PER_MONTH
    return Estimate(keys=keys, ttl=ttl, rps=rps, zipf=zipf,
                    worst_case_backend_per_second=worst, expected_backend_per_second=expected,
                    expected_hit_ratio=hit, load_reduction=reduction, layer=layer, size=size,
                    nodes=nodes, hourly_cost=hourly, monthly_cost=monthly, prices_as_of=as_of,
                    engine=engine if layer == "elasticache" else None)


def render_text(e: Estimate) -> str:
    lines = [f"{e.keys:,} distinct request values, TTL {e.ttl:g} s",
             f"  worst case: {e.worst_case_backend_per_second:,.2f} backend calls/s "
             f"({e.keys:,} per {e.ttl:g} s, whatever the traffic)"]
    if e.rps is not None:
        model = "uniform" if e.zipf == 0 else f"Zipf s={e.zipf:g}"
        lines.append(f"  at {e.rps:,.2f} requests/s (Poisson arrivals, {model} over the values): "
                     f"expected hit ratio {e.expected_hit_ratio:.1%}, "
                     f"{e.expected_backend_per_second:,.2f} backend calls/s "
                     f"(load reduced by {e.load_reduction:.1%})")
    if e.layer:
        what = priced_item(e)
        if e.monthly_cost is None:
            lines.append(f"  cost: no price for {what} in the table (prices as of "
                         f"{e.prices_as_of})")
        else:
            source = "" if "Price List API" in (e.prices_as_of or "") else \
                "; shipped table, --refresh-prices for current prices"
            lines.append(f"  cost: {what}: ${e.hourly_cost:,.3f}/h, about "
                         f"${e.monthly_cost:,.2f}/month (USD, us-east-1 on-demand, "
                         f"{HOURS_PER_MONTH} h a month, prices as of {e.prices_as_of}{source})")
    return "\n".join(lines) + "\n"


def priced_item(e: Estimate) -> str:
    """What is priced, with its unit: "API Gateway cache 1.6 GB", "3 DAX dax.r5.large nodes"."""
    size = e.size or DEFAULT_SIZE.get(e.layer or "", "")
    default = "" if e.size else " (default size)"
    if e.layer == "apigateway":
        return f"API Gateway cache {size} GB{default}"
    kind = "DAX" if e.layer == "dax" else f"ElastiCache {e.engine}"
    return f"{e.nodes} {kind} {size} node{'s' if e.nodes != 1 else ''}{default}"
