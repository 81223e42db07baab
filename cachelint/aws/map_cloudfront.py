"""Snapshot CloudFront distributions and policies -> cache policies and behaviours, linked by
:mod:`cachelint.linking.cloudfront`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cachelint.aws.map_apigateway import http_api_arn
from cachelint.aws.part import GLOBAL, Part, Where, number
from cachelint.linking.cloudfront import (
    cache_behavior, cache_policy, edge_functions, key_set, legacy_cache_key, origin_kind,
    origin_request_policy,
)
from cachelint.model import (
    CachePolicy, CloudFrontOrigin, KeySet, OriginRequestPolicy, Resource,
)
from cachelint.values import UNKNOWN

# The types this reader makes (cachelint/loaders/registry.py).
TYPES = {"AWS::CloudFront::CachePolicy", "AWS::CloudFront::Distribution"}


def map_resources(parts: list[Part]) -> list[Resource]:
    out: list[Resource] = []
    for part in parts:
        if part.where.region == GLOBAL:
            out += _cloudfront(part.where, part.data.get("cloudfront") or {},
                               _http_apis(part.account))
    return out


def _http_apis(account: dict) -> dict[str, str]:
    """The start of each HTTP API's execute-api domain in the account -> the API's ARN."""
    out = {}
    for region, data in sorted((account.get("regions") or {}).items()):
        for a in (data.get("apigateway") or {}).get("http_apis", []):
            out[f"{a.get('ApiId')}.execute-api.{region}."] = http_api_arn(region,
                                                                           str(a.get("ApiId")))
    return out


def _keyset(config: Any, behavior: str, items: str) -> KeySet:
    config = config if isinstance(config, dict) else {}
    return key_set(config.get(behavior), config.get(items))


def _cloudfront(w: Where, data: dict, http_apis: dict[str, str]) -> list[Resource]:
    out: list[Resource] = []
    policies: dict[str, CachePolicy] = {}
    for p in data.get("cache_policies", []):
        cfg = p.get("CachePolicyConfig") or {}
        arn = f"arn:aws:cloudfront::{w.account}:cache-policy/{p.get('Id')}"
        policy = cache_policy(
            source=w.source(arn, "AWS::CloudFront::CachePolicy",
                            {"min_ttl": "MinTTL", "default_ttl": "DefaultTTL",
                             "max_ttl": "MaxTTL"}),
            name=cfg.get("Name"), min_ttl=number(cfg.get("MinTTL")),
            default_ttl=number(cfg.get("DefaultTTL")), max_ttl=number(cfg.get("MaxTTL")),
            headers=_keyset(cfg.get("HeadersConfig"), "HeaderBehavior", "Headers"),
            cookies=_keyset(cfg.get("CookiesConfig"), "CookieBehavior", "Cookies"),
            query_strings=_keyset(cfg.get("QueryStringsConfig"), "QueryStringBehavior",
                                  "QueryStrings"))
        policies[str(p.get("Id"))] = policy
        out.append(policy)
    requests = {str(p.get("Id")): OriginRequestPolicy(
        name=p.get("Name"), cookies=_keyset(p.get("CookiesConfig"), "CookieBehavior", "Cookies")
        if "CookiesConfig" in p else KeySet(UNKNOWN))  # snapshots before cachelint 0.2
        for p in data.get("origin_request_policies", [])}
    for d in data.get("distributions", []):
        arn = d.get("ARN") or f"arn:aws:cloudfront::{w.account}:distribution/{d.get('Id')}"
        origins = {}
        for o in d.get("Origins", []):
            domain = o.get("DomainName")
            refs = tuple(arn_ for prefix, arn_ in http_apis.items()
                         if isinstance(domain, str) and domain.startswith(prefix))
            origins[o.get("Id")] = CloudFrontOrigin(
                id=o.get("Id"), domain=domain,
                kind=origin_kind(domain, bool(o.get("S3OriginConfig")),
                                 bool(o.get("CustomOriginConfig")),
                                 o.get("OriginAccessControlId") or None),
                references=refs)
        behaviours = [("DefaultCacheBehavior", d.get("DefaultCacheBehavior") or {})]
        behaviours += [(f"CacheBehaviors[{i}]", b) for i, b in
                       enumerate(d.get("CacheBehaviors") or [])]
        domains = tuple(x for x in [d.get("DomainName"), *(d.get("Aliases") or [])]
                        if isinstance(x, str))
        for name, b in behaviours:
            out.append(replace(_behavior(w, arn, f"{arn}#{name}", b, origins, policies,
                                         requests), domains=domains))
    return out


def _behavior(w: Where, dist_arn: str, address: str, b: dict, origins: dict,
              policies: dict[str, CachePolicy], requests: dict):
    source = w.source(address, "AWS::CloudFront::Distribution",
                      {"min_ttl": "MinTTL", "default_ttl": "DefaultTTL", "max_ttl": "MaxTTL",
                       "cache_policy_id": "CachePolicyId", "headers": "Headers",
                       "cookies": "Cookies", "query_strings": "QueryString"}, at=dist_arn)
    policy_id = b.get("CachePolicyId") or None
    fv = b.get("ForwardedValues")
    legacy = None
    if isinstance(fv, dict):
        cookies = fv.get("Cookies") or {}
        legacy = legacy_cache_key(tuple(fv.get("Headers") or ()), cookies.get("Forward"),
                                  tuple(cookies.get("WhitelistedNames") or ()),
                                  bool(fv.get("QueryString")),
                                  tuple(fv.get("QueryStringCacheKeys") or ()))
    ttls = [b.get(k) for k in ("MinTTL", "DefaultTTL", "MaxTTL")]
    return cache_behavior(
        source=source, distribution=dist_arn, path_pattern=b.get("PathPattern"),
        allowed_methods=tuple(b["AllowedMethods"]) if b.get("AllowedMethods") else None,
        origin=origins.get(b.get("TargetOriginId")), policy_id=policy_id, policies=policies,
        has_forwarded_values=isinstance(fv, dict) and policy_id is None,
        legacy_key=legacy, min_ttl=number(ttls[0]), default_ttl=number(ttls[1]),
        max_ttl=number(ttls[2]), ttls_written=any(t is not None for t in ttls),
        functions=_associations(b),
        origin_request=origin_request_policy(b.get("OriginRequestPolicyId") or None, requests))


def _associations(b: dict) -> Any:
    if "LambdaFunctionAssociations" not in b:
        return UNKNOWN  # a snapshot written before cachelint kept them
    return edge_functions(
        [(a.get("EventType"), a.get("LambdaFunctionARN"))
         for a in b.get("LambdaFunctionAssociations") or []],
        [(a.get("EventType"), a.get("FunctionARN")) for a in b.get("FunctionAssociations") or []])
