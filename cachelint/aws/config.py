"""An AWS Config aggregator as the engine of an organization scan (``--aws-config-aggregator``).

One account (the aggregator's) answers, with ``SelectAggregateResourceConfig`` advanced queries,
where the organization's caching resources are and, for the resource types AWS Config records
with every field cachelint needs, what they are. The configuration items are turned into the
same snapshot records the API reader writes (:mod:`cachelint.aws.collect`), so that the mapping,
the rules and the findings are the same. What Config does not record is read through the API
as before, in each account through the scan role, and only where Config found the parent
resources (docs/aws-facts.md, L16, has the table):

- API Gateway methods, integrations, authorizers, method settings and HTTP API routes: in the
  (account, Region) pairs where Config found a REST or HTTP API;
- CloudFront cache and origin request policies: in the accounts where Config found a
  distribution;
- ElastiCache and DAX, which advanced queries do not cover: in every (account, Region) pair the
  aggregator holds configuration items for;
- CloudWatch figures (evidence), as in an API scan.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cachelint.aws import AwsSetupError
from cachelint.aws.collect import (
    attach_tags, distribution, own_tags, read_apigateway, read_cloudfront_policies, read_dax,
    read_elasticache, read_role_tables, read_tags, table,
)
from cachelint.aws.reader import Reader

# The resource types read from Config (docs/aws-facts.md L16: what the published advanced-query
# schema holds for each cache-relevant type, and what is read through the API instead).
COVERAGE = ("AWS::CloudFront::Distribution", "AWS::DynamoDB::Table",
            "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api")
# A non-aggregation query returns 25 results a page unless told; 100 is the most (API Reference,
# SelectAggregateResourceConfig, Limit).
PAGE = 100
QUERY = ("SELECT * WHERE resourceType IN ("
         + ", ".join(f"'{t}'" for t in COVERAGE) + ")")
# Every (account, Region) pair with configuration items: where ElastiCache and DAX are read.
PAIRS = "SELECT accountId, awsRegion, COUNT(*) GROUP BY accountId, awsRegion"
GLOBAL = "global"  # awsRegion of global resource types


@dataclass
class Inventory:
    """What the aggregator holds, by (account, Region): the snapshot records of the tables and
    distributions (not the configuration items: an organization's items would fill memory)
    and which resource types were found."""

    pairs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    tables: dict[tuple[str, str], list[dict]] = field(default_factory=lambda: defaultdict(list))
    distributions: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    found: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    queries: int = 0  # query pages read

    def add(self, ci: dict) -> None:
        account, region = str(ci.get("accountId", "")), str(ci.get("awsRegion", ""))
        kind = ci.get("resourceType")
        if not (account and region and kind in COVERAGE):
            return
        self.pairs[account].add(region)
        self.found[(account, region)].add(kind)
        if kind == "AWS::DynamoDB::Table":
            self.tables[(account, region)].append(config_table(ci))
        elif kind == "AWS::CloudFront::Distribution":  # global: whatever Region recorded it
            self.distributions[account].append(config_distribution(ci))

    def accounts(self) -> list[str]:
        return sorted(self.pairs)

    def regions(self, account: str) -> list[str]:
        return sorted(r for r in self.pairs.get(account, ()) if r != GLOBAL)

    def has_api(self, account: str, region: str) -> bool:
        return bool(self.found.get((account, region), set())
                    & {"AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"})


def query(r: Reader, aggregator: str) -> Inventory:
    """Read the aggregator (a setup error if it cannot be: the scan has no engine then). Each
    page is turned into records as it arrives: the items of an organization are never all in
    memory at once."""
    inv = Inventory()

    def select(expression: str, limit: int | None, consume: Any) -> None:
        params: dict[str, Any] = {"ConfigurationAggregatorName": aggregator,
                                  "Expression": expression}
        if limit:
            params["Limit"] = limit

        def page(p: dict) -> list:
            inv.queries += 1
            for text in p.get("Results") or []:
                try:
                    row = json.loads(text)
                except (TypeError, ValueError):
                    continue
                if isinstance(row, dict):
                    consume(row)
            return []

        if r.pages("config", "select_aggregate_resource_config", page, **params) is None:
            raise AwsSetupError(f"--aws-config-aggregator {aggregator}: cannot query the "
                                f"aggregator: {r.warnings[-1]['message']}")

    def pair(row: dict) -> None:
        if row.get("accountId") and row.get("awsRegion"):
            inv.pairs[str(row["accountId"])].add(str(row["awsRegion"]))

    select(PAIRS, None, pair)
    select(QUERY, PAGE, inv.add)
    return inv


# --- configuration items -> the API reader's records ----------------------------------------------


def api_names(value: Any) -> Any:
    """A configuration item's ``configuration`` in the API's field names: Config writes the
    API's members with a lower-case first letter (``distributionConfig``, ``defaultTTL``,
    ``tableArn``), and ``arn`` for ``ARN``."""
    if isinstance(value, list):
        return [api_names(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {("ARN" if k == "arn" else k[:1].upper() + k[1:]): api_names(v)
            for k, v in value.items()}


def config_tags(ci: dict) -> dict:
    """cachelint's own tags of a configuration item (``[{key, value, tag}]`` in query results,
    a map in configuration items)."""
    return own_tags(ci.get("tags"), "key", "value")


def config_distribution(ci: dict) -> dict:
    cfg = api_names(ci.get("configuration") or {})
    summary = {**(cfg.get("DistributionConfig") or {}),
               **{k: cfg[k] for k in ("Id", "ARN", "DomainName") if k in cfg}}
    summary.setdefault("ARN", ci.get("arn"))
    summary.setdefault("Id", ci.get("resourceId"))
    return distribution(summary)


def config_table(ci: dict) -> dict:
    record = table(api_names(ci.get("configuration") or {}))
    record.setdefault("TableArn", ci.get("arn"))
    record.setdefault("TableName", ci.get("resourceName"))
    tags = config_tags(ci)
    if tags:
        record["Tags"] = tags
    return record


# --- one (account, Region) ----------------------------------------------------------------------


def read_region(r: Reader, inv: Inventory, account: str, region: str) -> dict:
    """The snapshot of one Region, as :func:`cachelint.aws.collect.read_region` writes it."""
    role_cache: dict[str, dict] = {}

    def roles(arn: str) -> dict:
        if arn not in role_cache:
            role_cache[arn] = read_role_tables(r, arn)
        return role_cache[arn]

    data = {"apigateway": read_apigateway(r) if inv.has_api(account, region)
            else {"rest_apis": [], "http_apis": []},
            "elasticache": read_elasticache(r), "dax": read_dax(r, roles),
            "dynamodb": {"tables": [dict(t) for t in inv.tables.get((account, region), [])]}}
    if any(data["elasticache"][k] for k in ("replication_groups", "cache_clusters",
                                            "serverless_caches")) or data["dax"]["clusters"]:
        # ElastiCache and DAX tags are not in Config's reach: one tagging call, as an API scan.
        tags = read_tags(r)
        if tags:
            attach_tags(data, tags)
    return data


def read_global(r: Reader, inv: Inventory, account: str) -> dict:
    distributions = inv.distributions.get(account, [])
    cloudfront: dict[str, Any] = {"distributions": [dict(d) for d in distributions]}
    if distributions:
        cloudfront.update(read_cloudfront_policies(r))
    else:
        cloudfront.update(cache_policies=[], origin_request_policies=[])
    return {"cloudfront": cloudfront}
