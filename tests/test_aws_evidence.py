"""CloudWatch figures as evidence: hot GETs, caches with a low hit ratio, DAX candidates and
misfits, measured through GetMetricData on a real moto server. Each finding states its numbers."""

from __future__ import annotations

from aws_seed import REGION, clients, put_metric, seed_api, seed_dax, seed_table
from cachelint.aws.collect import AwsOptions
from cachelint.config import Config
from cachelint.scan import ScanOptions, run_scan

WEEK = 7 * 86400
GW, DDB, CF = "AWS/ApiGateway", "AWS/DynamoDB", "AWS/CloudFront"


def live(**thresholds):
    config = Config().with_thresholds(**thresholds)
    return run_scan(ScanOptions(paths=(), config=config,
                                aws=AwsOptions(regions=(REGION,), window_days=7)))


def by_rule(report, rule: str) -> list:
    return [f for f in report.findings if f.rule.id == rule]


def test_a_measured_hot_get_without_cache_is_reported_with_its_rate(aws):
    c = clients(aws.url)
    seed_api(c, routes={"products": ("GET", "NONE"), "search": ("GET", "NONE")},
             cache_cluster=False, stage_settings={"*/*": {"metrics/enabled": True}})
    dims = {"ApiName": "shop-api", "Stage": "prod", "Method": "GET"}
    put_metric(c, GW, "Count", {**dims, "Resource": "/products"}, 5 * WEEK)
    put_metric(c, GW, "Count", {**dims, "Resource": "/search"}, 1000)
    put_metric(c, GW, "IntegrationLatency", {"ApiName": "shop-api", "Stage": "prod"}, 240.0)
    report = live()
    hot = by_rule(report, "CL502")
    assert [f.context.get("route") for f in hot] == ["GET /products"]
    assert "measured 5.0 requests/s, 3,024,000 in CloudWatch, 7 days to " in hot[0].message
    assert "backend latency 240 ms on average" in hot[0].message
    assert by_rule(live(hot_requests_per_second=10), "CL502") == []


def test_a_hot_http_api_is_measured_and_a_cdn_in_front_clears_it(aws):
    c = clients(aws.url)
    api = c.apigatewayv2.create_api(Name="public", ProtocolType="HTTP")["ApiId"]
    put_metric(c, GW, "Count", {"ApiId": api}, 2 * WEEK)
    hot = by_rule(live(), "CL503")
    assert len(hot) == 1 and "measured 2.0 requests/s" in hot[0].message
    c.cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "front", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "api", "DomainName": f"{api}.execute-api.{REGION}.amazonaws.com",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                   "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "api", "ViewerProtocolPolicy": "https-only",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})
    assert by_rule(live(), "CL503") == []


def test_a_stage_cache_with_a_low_measured_hit_ratio(aws):
    c = clients(aws.url)
    seed_api(c, routes={"products": ("GET", "NONE")}, name="low",
             stage_settings={"*/*": {"caching/enabled": True, "caching/ttlInSeconds": 300,
                                     "caching/dataEncrypted": True}})
    seed_api(c, routes={"products": ("GET", "NONE")}, name="good",
             stage_settings={"*/*": {"caching/enabled": True, "caching/ttlInSeconds": 300,
                                     "caching/dataEncrypted": True}})
    for api, hits, misses in (("low", 1_000, 99_000), ("good", 90_000, 10_000)):
        put_metric(c, GW, "CacheHitCount", {"ApiName": api, "Stage": "prod"}, hits)
        put_metric(c, GW, "CacheMissCount", {"ApiName": api, "Stage": "prod"}, misses)
    report = live()
    low = by_rule(report, "CL504")
    assert len(low) == 1 and "/restapis/" in low[0].location.path
    assert "hit ratio of 1.0% (1,000 hits, 99,000 misses in CloudWatch, 7 days" in low[0].message
    assert "below 20%" in low[0].message
    assert by_rule(live(min_cache_lookups=200_000), "CL504") == []  # too little traffic
    assert len(by_rule(live(min_cache_hit_ratio=0.95), "CL504")) == 2


def test_a_distribution_with_a_low_cache_hit_rate(aws):
    c = clients(aws.url)
    dist = c.cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "web", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "site", "DomainName": "site.s3.us-east-1.amazonaws.com",
            "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "https-only",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}
    )["Distribution"]["Id"]
    dims = {"DistributionId": dist, "Region": "Global"}
    put_metric(c, CF, "Requests", dims, 500_000)
    put_metric(c, CF, "CacheHitRate", dims, 4.0)
    low = by_rule(live(), "CL504")
    assert len(low) == 1 and low[0].location.region == "global"
    assert "hit ratio of 4.0% (500,000 requests, CacheHitRate" in low[0].message


def test_read_heavy_table_without_dax_and_write_heavy_table_behind_dax(aws):
    c = clients(aws.url)
    products = seed_table(c, "products")
    events = seed_table(c, "events")
    seed_table(c, "quiet")
    for table, reads, writes in (("products", 500, 5), ("events", 20, 200), ("quiet", 1, 0)):
        put_metric(c, DDB, "ConsumedReadCapacityUnits", {"TableName": table}, reads * WEEK)
        put_metric(c, DDB, "ConsumedWriteCapacityUnits", {"TableName": table}, writes * WEEK)
    seed_dax(c, "events", [events], nodes=3, sse=True, tls=True)
    report = live()
    candidates = by_rule(report, "CL407")
    assert [f.location.path for f in candidates] == [products]
    assert "500 read units/s against 5 write units/s, CloudWatch, 7 days" in \
        candidates[0].message
    misfits = by_rule(report, "CL408")
    assert len(misfits) == 1 and misfits[0].location.path.endswith(":cache/events")
    assert "write-heavy (200.0 write units/s against 20.0 read units/s" in misfits[0].message
    # Once DAX caches products, it is no longer a candidate.
    seed_dax(c, "products", [products], nodes=3, sse=True, tls=True)
    assert by_rule(live(), "CL407") == []


def test_a_dax_role_that_grants_every_table_counts_as_caching_it(aws):
    c = clients(aws.url)
    seed_table(c, "products")
    put_metric(c, DDB, "ConsumedReadCapacityUnits", {"TableName": "products"}, 500 * WEEK)
    put_metric(c, DDB, "ConsumedWriteCapacityUnits", {"TableName": "products"}, 1 * WEEK)
    seed_dax(c, "everything", ["*"], nodes=3, sse=True, tls=True)
    assert by_rule(live(), "CL407") == []


def test_no_metrics_means_no_evidence_findings(aws):
    c = clients(aws.url)
    seed_table(c, "products")
    put_metric(c, DDB, "ConsumedReadCapacityUnits", {"TableName": "products"}, 500 * WEEK)
    put_metric(c, DDB, "ConsumedWriteCapacityUnits", {"TableName": "products"}, 1 * WEEK)
    report = run_scan(ScanOptions(paths=(), aws=AwsOptions(regions=(REGION,), metrics=False)))
    assert by_rule(report, "CL407") == [] and not report.warnings


def test_declarations_by_tag_on_tables_dax_and_elasticache(aws):
    """``cachelint:consistency=strong`` on a DynamoDB table read through DAX is CL501, read with
    one tag:GetResources call per Region; the same table untagged is not."""
    from cachelint.aws.collect import collect
    from cachelint.aws.session import CallLog

    c = clients(aws.url)
    strong = seed_table(c, "ledger")
    plain = seed_table(c, "catalog")
    c.dynamodb.tag_resource(ResourceArn=strong, Tags=[
        {"Key": "cachelint:consistency", "Value": "strong"},
        {"Key": "owner", "Value": "payments"}])  # not cachelint's: never kept
    seed_dax(c, "ledger-cache", [strong, plain])
    c.dax.tag_resource(ResourceName="ledger-cache", Tags=[{"Key": "cachelint:hot",
                                                          "Value": "true"}])
    c.elasticache.create_cache_cluster(CacheClusterId="sessions", Engine="redis",
                                       CacheNodeType="cache.t4g.small", NumCacheNodes=1,
                                       Tags=[{"Key": "cachelint:hot", "Value": "true"}])
    log = CallLog()
    collected = collect(AwsOptions(regions=(REGION,), metrics=False), log=log)
    region = collected.snapshot["accounts"][0]["regions"][REGION]
    assert log.calls[("resourcegroupstaggingapi", "GetResources")] == 1
    tables = {t["TableName"]: t.get("Tags") for t in region["dynamodb"]["tables"]}
    assert tables == {"ledger": {"cachelint:consistency": "strong"}, "catalog": None}
    assert region["dax"]["clusters"][0]["Tags"] == {"cachelint:hot": "true"}
    assert region["elasticache"]["cache_clusters"][0]["Tags"] == {"cachelint:hot": "true"}
    report = live()
    found = by_rule(report, "CL501")
    assert len(found) == 1 and "DynamoDB table ledger" in found[0].message, found
    assert "'cachelint: strongly-consistent' on arn:aws:dynamodb:" in found[0].message


def test_no_tagged_resource_no_tag_call(aws):
    from cachelint.aws.collect import collect
    from cachelint.aws.session import CallLog

    seed_api(clients(aws.url))
    log = CallLog()
    collect(AwsOptions(regions=(REGION,), metrics=False), log=log)
    assert ("resourcegroupstaggingapi", "GetResources") not in log.calls


def test_hot_http_api_routes_are_reported_per_route_from_detailed_metrics(aws):
    """With detailed metrics on a stage, CloudWatch counts each route: a hot route is reported
    on its own figures even when the API's total is below the threshold; a route whose
    detailed metrics are off is not queried."""
    c = clients(aws.url)
    api = c.apigatewayv2.create_api(Name="public", ProtocolType="HTTP")["ApiId"]
    for route in ("GET /products", "GET /search", "POST /orders"):
        c.apigatewayv2.create_route(ApiId=api, RouteKey=route)
    c.apigatewayv2.create_stage(ApiId=api, StageName="prod",
                                DefaultRouteSettings={"DetailedMetricsEnabled": True},
                                RouteSettings={"GET /search": {"DetailedMetricsEnabled": False}})
    route = {"ApiId": api, "Stage": "prod", "Method": "GET"}
    put_metric(c, GW, "Count", {**route, "Resource": "/products"}, 3 * WEEK)
    put_metric(c, GW, "Count", {**route, "Resource": "/search"}, 50 * WEEK)  # not queried
    put_metric(c, GW, "Count", {"ApiId": api}, 0.5 * WEEK)  # the API's own figure: not hot
    hot = by_rule(live(), "CL503")
    assert [f.message.split(" is hot")[0] for f in hot] == ["HTTP API public route GET /products"]
    assert "measured 3.0 requests/s, 1,814,400 in CloudWatch, 7 days to " in hot[0].message
    assert by_rule(live(hot_requests_per_second=5), "CL503") == []


def _cloudfront_log(path, host: str, alias: str, paths: list[str]) -> None:
    import gzip

    from cachelint.traffic.samples import CF_FIELDS

    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(f"#Version: 1.0\n#Fields: {CF_FIELDS}\n")
        for i, uri in enumerate(paths):
            fh.write("\t".join(("2026-11-25", f"10:00:{i % 60:02d}", "IAD89-C1", "1024",
                                "192.0.2.1", "GET", host, uri, "200", "-", "Mozilla/5.0", "-",
                                "-", "Miss", f"id{i}", alias, "https", "300", "0.010")) + "\n")


def test_cloudfront_logs_of_several_distributions_go_to_their_own(aws, tmp_path):
    """Each log is matched to its distribution by the id in its file name, or by the domain
    its requests name (an alias in x-host-header); a log of no scanned distribution is said."""
    from cachelint.scan import ScanOptions, build_inventory

    c = clients(aws.url)
    made = []
    for name, alias in (("web", "www.example.com"), ("media", "media.example.com")):
        made.append(c.cloudfront.create_distribution(DistributionConfig={
            "CallerReference": name, "Comment": name, "Enabled": True,
            "Aliases": {"Quantity": 1, "Items": [alias]},
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "o", "DomainName": f"{name}.example.org",
                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                       "OriginProtocolPolicy": "https-only"}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "https-only",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}
        )["Distribution"])
    web, media = made
    by_id = tmp_path / f"{web['Id']}.2026-11-25-10.a1b2c3d4.gz"  # as CloudFront names it
    _cloudfront_log(by_id, "d0.cloudfront.net", "-", ["/index.html"] * 7)
    by_alias = tmp_path / "media-export.gz"  # renamed: the alias it was requested by says
    _cloudfront_log(by_alias, "d0.cloudfront.net", "media.example.com", ["/v.mp4"] * 5)
    stray = tmp_path / "other.gz"
    _cloudfront_log(stray, "d9.cloudfront.net", "shop.example.net", ["/x"] * 3)
    inv = build_inventory(ScanOptions(paths=(), traffic=(str(by_id), str(by_alias), str(stray)),
                                      aws=AwsOptions(regions=(REGION,), metrics=False))
                          ).inventory
    got = {address.split("distribution/")[1].split("#")[0]: e.requests
           for address, e in inv.evidence.items() if "#DefaultCacheBehavior" in address}
    assert got == {web["Id"]: 7.0, media["Id"]: 5.0}
    assert any(f"{stray} not matched to a CloudFront distribution of the scan (host "
               "d9.cloudfront.net, shop.example.net)" in n for n in inv.notes), inv.notes
