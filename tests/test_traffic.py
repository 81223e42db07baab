"""Access logs as evidence: parsing (API Gateway, CloudFront, ALB), and the TTL replay, which
must be exact: checked on hand-computed cases and against a brute-force simulation."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from cachelint.traffic.analyse import analyse
from cachelint.traffic.logs import LogError, detect
from cachelint.traffic.replay import misses_for, replay, smallest_ttl
from cachelint.traffic.samples import requests, write_apigateway, write_cloudfront


def brute_force(events: list[tuple[float, str]], ttl: float) -> int:
    """Request by request through a dict cache: key -> expiry."""
    cache: dict[str, float] = {}
    misses = 0
    for t, key in events:
        if key in cache and t < cache[key]:
            continue
        misses += 1
        cache[key] = t + ttl
    return misses


@pytest.mark.parametrize("times, ttl, misses", [
    ([], 60, 0),
    ([0], 60, 1),
    ([0, 59.9, 60], 60, 2),          # expiry at 60: a request at 60 is a miss
    ([0, 10, 20, 70, 125], 60, 2),   # fills at 0 (until 60) and 70 (until 130): 125 hits
    ([0, 1, 2, 3], 0, 4),            # TTL 0 caches nothing
    ([5, 5, 5], 1, 1),               # same instant
])
def test_hand_computed_cases(times, ttl, misses):
    assert misses_for(times, ttl) == misses


def test_the_n_per_ttl_bound_is_reached_by_steady_traffic():
    """N keys each requested every second for an hour: exactly N backend calls per TTL."""
    keys = [[float(s) for s in range(3600)] for _ in range(25)]
    for ttl, per_key in ((300, 12), (60, 60), (3600, 1), (7, 515)):
        (r,) = replay(keys, [ttl])
        assert r.misses == 25 * per_key
        assert r.requests == 25 * 3600


def test_the_replay_equals_a_brute_force_simulation():
    rnd = random.Random(3)
    for trial in range(30):
        n_keys = rnd.randint(1, 40)
        events = sorted((rnd.uniform(0, 3600), f"k{rnd.randrange(n_keys)}")
                        for _ in range(rnd.randint(1, 2000)))
        by_key: dict[str, list[float]] = {}
        for t, k in events:
            by_key.setdefault(k, []).append(t)
        ttls = [0, 1, 13, 30, 300, 3600, rnd.uniform(0.5, 900)]
        for r in replay(by_key.values(), ttls):
            assert r.misses == brute_force(events, r.ttl), (trial, r.ttl)


def test_smallest_ttl_reaching_a_target_within_freshness():
    results = replay([[float(s) for s in range(0, 600, 10)]], [30, 60, 300])
    assert [round(r.hit_ratio, 3) for r in results] == [0.667, 0.833, 0.967]
    assert smallest_ttl(results, 0.8).ttl == 60
    assert smallest_ttl(results, 0.9).ttl == 300
    assert smallest_ttl(results, 0.9, max_ttl=120) is None


def test_the_three_formats_and_the_cloudwatch_export(tmp_path):
    start = 1_795_000_000.0
    events = list(requests({("GET", "/products/{id}"): (5, 20)}, 600, start))
    api = tmp_path / "access.log"
    write_apigateway(str(api), events)
    # CloudWatch Logs exports: "TIMESTAMP {json}" and {"timestamp", "message"} lines.
    exported = tmp_path / "export.log"
    doc = {"requestTimeEpoch": int(start * 1000), "httpMethod": "POST",
           "resourcePath": "/orders", "path": "/prod/orders", "status": "201"}
    exported.write_text(f"2026-11-19T08:00:00.000Z {json.dumps(doc)}\n" +
                        json.dumps({"timestamp": 1, "message": json.dumps(doc)}) + "\n")
    cf = tmp_path / "E1.2026-11-19-08.abcd.gz"
    write_cloudfront(str(cf), events[:100], hit_every=4)
    alb = tmp_path / "alb.log.gz"
    with gzip.open(alb, "wt") as fh:
        for i in range(3):
            fh.write(f'https 2026-11-19T08:00:0{i}.000000Z app/shop/1 192.0.2.1:5 10.0.0.1:80 '
                     f'0.001 0.010 0.000 200 200 10 20 "GET https://shop.example.com:443/api/'
                     f'items?page={i % 2} HTTP/1.1" "curl/8" - - arn - "Root=1" "-" "-" 0 '
                     f'2026-11-19T08:00:00.000000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-"\n')
    assert [detect(str(p)) for p in (api, exported, cf, alb)] == \
        ["apigateway", "apigateway", "cloudfront", "alb"]
    report = analyse([str(api), str(exported), str(cf), str(alb)])
    assert report.rows == len(events) + 2 + 100 + 3
    products = report.route("GET", "/products/{id}")
    assert products.requests == len(events)
    assert products.keys == len({e[4] for e in events})
    assert 4 < products.rate < 6
    assert report.route("POST", "/orders").requests == 2
    assert report.route("POST", "/orders").replays == []  # not a read
    static = [r for r in report.routes if r.lookups]
    assert sum(r.lookups for r in static) == 100
    assert sum(r.hits for r in static) == 75
    items = report.route("GET", "/api/items")
    assert (items.requests, items.keys) == (3, 2)
    # The replay of the real sequence agrees with the brute force on the same log.
    flat = sorted((t, f"{uri}") for t, _, _, uri, _ in events)
    for r in products.replays:
        assert r.misses == brute_force([(t, f"/prod{k}?") for t, k in flat], r.ttl)


def test_a_log_cachelint_cannot_read_is_one_line(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    with pytest.raises(LogError, match=r"notes.txt: not an API Gateway, CloudFront or ALB"):
        analyse([str(bad)])


def test_athena_runs_the_same_queries_and_reads_its_results(aws, tmp_path):
    """moto does not execute SQL: the rows Athena would return are the shared queries' rows,
    computed by DuckDB over the same log and queued in moto's Athena results API. The test
    checks the calls, the SQL sent, and that the report equals the local analysis."""
    import urllib.request

    import boto3
    import duckdb

    from cachelint.traffic.athena import AthenaOptions, analyse_athena, queries
    from cachelint.traffic.logs import KEYS_SQL, PEAK_SQL, ROUTES_SQL, source_sql

    start = 1_795_000_000.0
    log = tmp_path / "E1.gz"
    write_cloudfront(str(log), list(requests({("GET", "/assets/{id}"): (3, 15)}, 300, start)),
                     hit_every=3)
    local = analyse([str(log)], (30, 300))
    con = duckdb.connect()
    con.execute("CREATE TABLE requests AS " + source_sql("cloudfront", [str(log)]))

    def athena_rows(sql: str) -> dict:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]

        def cell(v):
            if isinstance(v, list):
                return {"VarCharValue": json.dumps(v)}
            return {"VarCharValue": str(v)} if v is not None else {}

        rows = [{"Data": [{"VarCharValue": n} for n in names]}]
        rows += [{"Data": [cell(v) for v in row]} for row in cur.fetchall()]
        return {"rows": rows, "column_info": [{"Name": n, "Type": "varchar"} for n in names]}

    queued = [athena_rows(sql) for sql in (ROUTES_SQL, PEAK_SQL, KEYS_SQL)]
    urllib.request.urlopen(urllib.request.Request(
        f"{aws.url}/moto-api/static/athena/query-results", method="POST",
        data=json.dumps({"account_id": "123456789012", "region": "us-east-1",
                         "results": queued}).encode())).read()
    athena = boto3.client("athena", region_name="us-east-1")
    options = AthenaOptions(database="logs", table="cloudfront_standard_logs",
                            log_format="cloudfront", output="s3://athena-results/cachelint/",
                            poll_seconds=0)
    remote = analyse_athena(options, (30, 300), client=athena)
    assert [(r.method, r.route, r.requests, r.keys, r.hits, r.lookups, r.peak_per_second,
             [(x.ttl, x.misses) for x in r.replays]) for r in remote.routes] == \
        [(r.method, r.route, r.requests, r.keys, r.hits, r.lookups, r.peak_per_second,
          [(x.ttl, x.misses) for x in r.replays]) for r in local.routes]
    sent = [athena.get_query_execution(QueryExecutionId=q)["QueryExecution"]
            for q in athena.list_query_executions()["QueryExecutionIds"]]
    assert sorted(e["Query"] for e in sent) == sorted(queries(options).values())
    assert all(e["QueryExecutionContext"]["Database"] == "logs" for e in sent)
    for sql in queries(options).values():
        assert 'FROM "cloudfront_standard_logs"' in sql
    assert ROUTES_SQL.strip() in queries(options)["routes"]


def test_estimate_the_n_per_ttl_bound_and_the_model():
    from cachelint.traffic.estimate import backend_rate, estimate

    e = estimate(keys=100, ttl=60, rps=1000)
    assert e.worst_case_backend_per_second == pytest.approx(100 / 60)
    # Uniform Poisson: each key at 10/s: misses 10 / (1 + 600) per key per second.
    assert e.expected_backend_per_second == pytest.approx(100 * 10 / 601)
    assert e.expected_backend_per_second <= e.worst_case_backend_per_second
    assert e.expected_hit_ratio == pytest.approx(600 / 601)
    # At low traffic the bound is far away; at any traffic it holds.
    for rps in (0.01, 1, 50, 10_000):
        for zipf in (0, 0.8, 1.2):
            assert backend_rate(500, 300, rps, zipf) <= 500 / 300 + 1e-9
    assert estimate(keys=10, ttl=0, rps=5).expected_hit_ratio == 0
    priced = estimate(keys=10, ttl=60, layer="apigateway", size="0.5")
    assert priced.monthly_cost == pytest.approx(0.02 * 730)


def test_the_model_agrees_with_a_simulation():
    """The renewal formula against a replay of generated Poisson traffic (uniform keys)."""
    from cachelint.traffic.estimate import backend_rate

    rnd = random.Random(11)
    keys, rps, ttl, seconds = 50, 20.0, 30.0, 20_000.0
    by_key: dict[int, list[float]] = {}
    t = 0.0
    while True:
        t += rnd.expovariate(rps)
        if t >= seconds:
            break
        by_key.setdefault(rnd.randrange(keys), []).append(t)
    (r,) = replay(by_key.values(), [ttl])
    assert r.misses / seconds == pytest.approx(backend_rate(keys, ttl, rps), rel=0.03)


def test_estimate_cli_text_json_and_price_refresh(aws):
    import os
    import subprocess
    import sys

    def run(*a):
        return subprocess.run([sys.executable, "-m", "cachelint", "estimate", *a],
                                        capture_output=True, text=True, env=os.environ)
    text = run("--keys", "1000", "--ttl", "300", "--rps", "50", "--layer", "apigateway",
               "--size", "1.6")
    assert text.returncode == 0
    assert "worst case: 3.33 backend calls/s (1,000 per 300 s" in text.stdout
    assert "$0.038/h" in text.stdout and "shipped table" in text.stdout
    data = json.loads(run("--keys", "1000", "--ttl", "300", "--format", "json").stdout)
    assert data["worst_case_backend_per_second"] == pytest.approx(1000 / 300)
    assert run("--keys", "1", "--ttl", "1", "--layer", "dax", "--size", "dax.x9").returncode == 2
    aws.layer.add_product("AmazonDAX", {"instanceType": "dax.r5.large",
                                        "regionCode": "us-east-1"}, "0.2690000000")
    refreshed = run("--keys", "10", "--ttl", "60", "--layer", "dax", "--size", "dax.r5.large",
                    "--nodes", "3", "--refresh-prices")
    assert refreshed.returncode == 0, refreshed.stderr
    assert "$0.807/h" in refreshed.stdout and "AWS Price List API" in refreshed.stdout
    missing = run("--keys", "10", "--ttl", "60", "--layer", "dax", "--size", "dax.r5.xlarge",
                  "--refresh-prices")
    assert missing.returncode == 2 and "no on-demand price for dax dax.r5.xlarge" in \
        missing.stderr


EXAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "examples"


def _cli(*args):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "cachelint", *args], capture_output=True,
                          text=True, env={k: v for k, v in os.environ.items()
                                          if not k.startswith("AWS_")})


def test_traffic_cli_on_the_example_logs():
    api = str(EXAMPLES / "logs" / "shop-api-access.log")
    cdn = str(EXAMPLES / "logs" / "shop-web-cloudfront.gz")
    text = _cli("traffic", api, cdn, "--ttl", "30,300", "--top", "2")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("5,723 requests in 2 log files")
    assert "smallest TTL reaching 80%:" in text.stdout and "more routes" in text.stdout
    data = json.loads(_cli("traffic", api, "--format", "json", "--target-hit-ratio",
                           "0.99", "--max-ttl", "600").stdout)
    products = next(r for r in data["routes"] if r["route"] == "/products")
    assert products["distinct_keys"] == 12 and products["method"] == "GET"
    ratios = [x["hit_ratio"] for x in products["replay"]]
    assert ratios == sorted(ratios)  # a longer TTL never hits less
    assert products["recommended_ttl"] in (300.0, 600.0)
    bad = _cli("traffic", str(EXAMPLES / "shop" / "main.tf"))
    assert bad.returncode == 2 and "main.tf: not an API Gateway, CloudFront or ALB" in bad.stderr


def test_scan_with_traffic_measures_and_replays(tmp_path):
    """The shop's access log becomes evidence; a bad log is a one-line error and the scan
    still reports."""
    (tmp_path / "junk.log").write_text("not a log\n")
    r = _cli("scan", str(EXAMPLES / "shop"), "--config", str(EXAMPLES / ".cachelint.yaml"),
             "--traffic", str(EXAMPLES / "logs" / "shop-api-access.log"),
             "--traffic", str(tmp_path / "junk.log"), "--format", "json")
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert any("junk.log" in e["path"] and "not an API Gateway" in e["message"]
               for e in report["errors"])
    assert any(n.startswith("traffic: 2,683 requests in 1 log file") for n in report["notes"])
    assert {f["rule_id"] for f in report["findings"]} >= {"CL502", "CL104"}


def test_recommend_follows_the_decision_table():
    r = _cli("recommend", str(EXAMPLES / "shop"), "--config", str(EXAMPLES / ".cachelint.yaml"),
             "--traffic", str(EXAMPLES / "logs" / "shop-api-access.log"), "--format", "json")
    assert r.returncode == 0, r.stderr
    by = {x["workload"].split(" (")[0]: x for x in json.loads(r.stdout)}
    assert by["GET /products"]["layer"] == "apigateway"
    # The stage has a cache cluster: the advice is what to change in it, not a new module.
    assert by["GET /products"]["in_place"] and by["GET /products"]["command"] is None
    assert 'method_path = "products/GET", set caching_enabled = true and ' \
        'cache_ttl_in_seconds = ' in by["GET /products"]["change"]
    assert by["GET /accounts"]["layer"] == "none"  # declared strongly consistent
    assert 'method_path = "accounts/GET", set caching_enabled = false' in \
        by["GET /accounts"]["change"]
    assert "add method.request.header.Authorization to the integration's " \
        "cache_key_parameters" in by["GET /me"]["change"]  # identity in the cache key
    assert by["DynamoDB table shop-orders"]["layer"] == "none"  # a global table
    # From a snapshot with CloudWatch evidence: a read-heavy table gets DAX.
    snap = _cli("recommend", str(EXAMPLES / "aws" / "shop-account.json"), "--format", "json")
    recs = {x["workload"]: x for x in json.loads(snap.stdout)}
    assert recs["DynamoDB table shop-catalogue"]["layer"] == "dax"
    assert recs["DynamoDB table shop-catalogue"]["command"] == \
        "cachelint generate --layer dax --name shop-catalogue-dax"
    assert recs["DynamoDB table shop-orders"]["layer"] == "none"
    text = _cli("recommend", str(EXAMPLES / "shop-sam"))
    assert text.returncode == 0 and "->" in text.stdout


def test_recommend_puts_cloudfront_in_front_of_http_apis(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_apigatewayv2_api" "public" {\n  name = "public"\n'
        '  protocol_type = "HTTP"\n}\n')
    r = _cli("recommend", str(tmp_path))
    assert "HTTP API public\n  -> CloudFront: HTTP APIs (v2) have no response cache" in r.stdout
    assert "cachelint generate --layer cloudfront --name public-cdn" in r.stdout


def test_declared_freshness_bounds_the_recommended_ttl(tmp_path):
    config = tmp_path / ".cachelint.yaml"
    config.write_text('freshness:\n  "GET /products": 20\n  "/me": 60\n')
    api = str(EXAMPLES / "logs" / "shop-api-access.log")
    data = json.loads(_cli("traffic", api, "--config", str(config), "--format", "json").stdout)
    routes = {r["route"]: r for r in data["routes"]}
    assert routes["/products"]["max_ttl"] == 20 and routes["/products"]["recommended_ttl"] is None
    assert routes["/me"]["max_ttl"] == 60 and routes["/me"]["recommended_ttl"] == 30
    assert routes["/accounts"]["max_ttl"] is None
    r = _cli("recommend", str(EXAMPLES / "shop"), "--config", str(config), "--traffic", api,
             "--format", "json")
    by = {x["workload"].split(" (")[0]: x for x in json.loads(r.stdout)}
    assert by["GET /products"]["layer"] == "apigateway"
    assert "declared freshness (20 s)" in by["GET /products"]["why"]
    assert by["GET /products"]["change"].endswith("cache_ttl_in_seconds = 20 (now not cached)")
