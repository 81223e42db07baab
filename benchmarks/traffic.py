"""Log-analysis throughput: a generated 5-million-line API Gateway access log (and a CloudFront
log of the same size with --cloudfront), analysed by `cachelint traffic`'s code (DuckDB plus
the exact TTL replay of every GET key for 8 candidate TTLs). Prints rows per second.

    python benchmarks/traffic.py [--lines 5000000] [--cloudfront]
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import tempfile
import time

from cachelint.traffic.analyse import DEFAULT_TTLS, analyse

ROUTES = [("GET", "/products/{id}", 0.55, 20_000), ("GET", "/search", 0.25, 200_000),
          ("GET", "/me", 0.1, 50_000), ("POST", "/orders", 0.1, 1)]


def write_api_log(path: str, lines: int, seed: int = 5) -> None:
    rnd = random.Random(seed)
    t = 1_795_600_800_000  # ms
    weights = [w for _, _, w, _ in ROUTES]
    with open(path, "w", encoding="utf-8") as fh:
        buf = []
        for i in range(lines):
            t += rnd.randint(0, 2)  # about 1,000 requests per second
            method, route, _, keys = rnd.choices(ROUTES, weights)[0]
            k = int(rnd.paretovariate(1.1)) % keys
            path = route.replace("{id}", str(k)) if "{id}" in route else \
                f"{route}/{k}" if route == "/search" else route
            buf.append(f'{{"requestId":"{i}","requestTimeEpoch":{t},"httpMethod":"{method}",'
                       f'"resourcePath":"{route}","path":"/prod{path}","status":"200"}}\n')
            if len(buf) == 100_000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf))


def write_cf_log(path: str, lines: int, seed: int = 6) -> None:
    rnd = random.Random(seed)
    t = 1_795_600_800.0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        fh.write("#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method "
                 "cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query "
                 "cs(Cookie) x-edge-result-type x-edge-request-id\n")
        for i in range(lines):
            t += rnd.random() / 500
            stamp = time.gmtime(t)
            k = int(rnd.paretovariate(1.1)) % 5000
            fh.write(f"{time.strftime('%Y-%m-%d', stamp)}\t{time.strftime('%H:%M:%S', stamp)}"
                     f"\tIAD89\t1024\t192.0.2.1\tGET\td1.cloudfront.net\t/assets/{k}.js\t200\t-"
                     f"\tUA\t-\t-\t{'Hit' if k < 100 else 'Miss'}\tid{i}\n")


def run(label: str, path: str) -> None:
    size = os.path.getsize(path) / 1e6
    start = time.perf_counter()
    report = analyse([path], DEFAULT_TTLS)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<28} {report.rows:>10,} rows {size:>8.0f} MB {seconds:>7.1f} s "
          f"{report.rows / seconds:>11,.0f} rows/s  peak {peak:,.0f} MB  "
          f"{len(report.routes):,} routes")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--cloudfront", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        api = os.path.join(folder, "access.log")
        start = time.perf_counter()
        write_api_log(api, options.lines)
        print(f"generated {options.lines:,} API Gateway lines in "
              f"{time.perf_counter() - start:.0f} s")
        run("API Gateway JSON lines", api)
        if options.cloudfront:
            cf = os.path.join(folder, "cf.gz")
            write_cf_log(cf, options.lines)
            run("CloudFront gzip TSV", cf)


if __name__ == "__main__":
    main()
