#!/usr/bin/env python3
"""Regenerate tests/provider-schema/aws-<provider version>.json: the attribute and block names of
the AWS provider resources that `cachelint generate` writes, read from the npm package
@cdktf/provider-aws (21.x = Terraform AWS provider 6.x, older majors = 5.x; its package.json
names the exact provider version), which carries each resource's schema in its
`synthesizeHclAttributes()` / `*ToHclTerraform()` functions.

The generated modules require `aws >= 6.0`, so the two schemas kept are the oldest allowed
(21.0.0 = provider 6.0.0) and the newest; tests/test_generate.py checks every module against
each file in the folder.

    python scripts/provider_schema.py 21.0.0 21.22.1   # npm pack each version, then extract
    python scripts/provider_schema.py --package DIR    # an unpacked package/ folder
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "provider-schema"
# Only the types the modules and their examples use (tests/test_generate.py fails on any other).
RESOURCES = sorted({
    "aws_api_gateway_account", "aws_api_gateway_deployment", "aws_api_gateway_integration",
    "aws_api_gateway_method", "aws_api_gateway_method_settings",
    "aws_api_gateway_request_validator", "aws_api_gateway_resource", "aws_api_gateway_rest_api",
    "aws_api_gateway_stage", "aws_cloudfront_cache_policy", "aws_cloudfront_distribution",
    "aws_cloudfront_monitoring_subscription", "aws_cloudfront_origin_access_control",
    "aws_cloudfront_response_headers_policy", "aws_cloudwatch_log_delivery",
    "aws_cloudwatch_log_delivery_destination", "aws_cloudwatch_log_delivery_source",
    "aws_cloudwatch_log_group", "aws_cloudwatch_metric_alarm", "aws_dax_cluster",
    "aws_dax_parameter_group", "aws_dax_subnet_group", "aws_elasticache_cluster",
    "aws_elasticache_parameter_group", "aws_elasticache_replication_group",
    "aws_elasticache_serverless_cache", "aws_elasticache_subnet_group", "aws_elasticache_user",
    "aws_elasticache_user_group", "aws_iam_role", "aws_iam_role_policy",
    "aws_iam_role_policy_attachment", "aws_s3_bucket_policy", "aws_security_group",
    "aws_vpc_security_group_ingress_rule",
})
DATA_SOURCES = sorted({"aws_caller_identity", "aws_iam_policy_document", "aws_partition",
                       "aws_region"})
_ENTRY = re.compile(r'(\w+): \{\s*value: (.*?),\s*isBlock: (true|false),\s*type: "(\w+)",'
                    r'\s*storageClassType: "(\w+)",\s*\}', re.S)


def _entries(body: str) -> list[tuple[str, bool, str | None]]:
    out = []
    for m in _ENTRY.finditer(body):
        name, value, is_block = m.group(1), m.group(2), m.group(3) == "true"
        child = None
        for f in re.finditer(r"(?<![.\w])(\w+)ToHclTerraform\b", value):
            child = f.group(1)
        out.append((name, is_block, child))
    return out


def _schema(entries, functions, depth=0) -> dict:
    node: dict = {"attributes": [], "blocks": {}}
    for name, is_block, child in entries:
        if is_block and child in functions and depth < 8:
            node["blocks"][name] = _schema(functions[child], functions, depth + 1)
        else:
            node["attributes"].append(name)
    node["attributes"].sort()
    return node


def extract(lib: Path, kind: str, name: str) -> dict:
    folder = lib / (("data-aws-" if kind == "data" else "") + name.removeprefix("aws_")
                    .replace("_", "-"))
    src = (folder / "index.js").read_text()
    functions = {m.group(1): _entries(m.group(2)) for m in re.finditer(
        r"function (\w+)ToHclTerraform\(struct\) \{(.*?)\n\}", src, re.S)}
    main = re.search(r"synthesizeHclAttributes\(\) \{(.*?)\n    \}", src, re.S)
    return _schema(_entries(main.group(1)), functions)


def _from_package(package: Path) -> None:
    meta = json.loads((package / "package.json").read_text())
    lib = package / "lib"
    provider = meta.get("cdktf", {}).get("provider", {})
    schema = {
        "source": f"@cdktf/provider-aws {meta['version']}",
        "provider": provider,
        "resources": {n: extract(lib, "resource", n) for n in RESOURCES},
        "data_sources": {n: extract(lib, "data", n) for n in DATA_SOURCES},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"aws-{provider.get('version', meta['version'])}.json"
    out.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out} ({len(RESOURCES)} resources, {len(DATA_SOURCES)} data sources)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("versions", nargs="*", default=["21.0.0", "21"],
                        help="@cdktf/provider-aws versions (default: 21.0.0 and the newest 21.x)")
    parser.add_argument("--package", type=Path, help="an unpacked package/ folder")
    args = parser.parse_args()
    if args.package is not None:
        _from_package(args.package)
        return 0
    for version in args.versions:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", f"@cdktf/provider-aws@{version}", "--silent"],
                           cwd=tmp, check=True, capture_output=True)
            tgz = next(Path(tmp).glob("*.tgz"))
            with tarfile.open(tgz) as tar:
                tar.extractall(tmp, filter="data")
            _from_package(Path(tmp) / "package")
    return 0


if __name__ == "__main__":
    sys.exit(main())
