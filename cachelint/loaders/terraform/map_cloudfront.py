"""Terraform CloudFront resources -> cache policies and behaviours with their effective key/TTLs."""

from __future__ import annotations

from typing import Any

from cachelint.linking.cloudfront import (
    cache_behavior, cache_policy, edge_functions, legacy_cache_key, managed_origin_request_policy,
    managed_policy, origin_kind, origin_request_policy,
)
from cachelint.loaders.terraform.mapping import SourceBuilder, by_type, location
from cachelint.loaders.terraform.module import EvalBody, TfResource
from cachelint.loaders.terraform.syntax import references
from cachelint.model import (
    CacheBehavior, CachePolicy, CloudFrontOrigin, KeySet, OriginRequestPolicy, Resource, Source,
    SourceKind,
)
from cachelint.values import UNKNOWN, Symbol, as_bool, as_int, as_str, as_str_tuple

TYPES = {"aws_cloudfront_distribution", "aws_cloudfront_cache_policy",
         "aws_cloudfront_origin_request_policy"}


def map_resources(resources: list[TfResource]) -> list[Resource]:
    policies = {r.address: _policy(r) for r in resources
                if r.type == "aws_cloudfront_cache_policy" and r.mode == "managed"}
    data_policies = {r.address: r for r in resources
                     if r.type == "aws_cloudfront_cache_policy" and r.mode == "data"}
    requests = {r.address: _origin_request(r) if r.mode == "managed" else
                managed_origin_request_policy(r.body.get("name") or r.body.get("id")) or UNKNOWN
                for r in resources if r.type == "aws_cloudfront_origin_request_policy"}
    out: list[Resource] = list(policies.values())
    for dist in by_type(resources, "aws_cloudfront_distribution"):
        if dist.mode != "managed":
            continue
        origins = {}
        for o in dist.body.all("origin"):
            origin = _origin(o, dist.module)
            if isinstance(origin.id, str):
                origins[origin.id] = origin
        behaviours = [(f"{dist.address}.default_cache_behavior", b)
                      for b in dist.body.all("default_cache_behavior")]
        behaviours += [(f"{dist.address}.ordered_cache_behavior[{i}]", b)
                       for i, b in enumerate(dist.body.all("ordered_cache_behavior"))]
        for address, body in behaviours:
            out.append(_behavior(dist, address, body, origins, policies, data_policies,
                                 requests))
    return out


def _keyset(behavior: Any, items: Any) -> KeySet:
    names = as_str_tuple(items)
    return KeySet(as_str(behavior) if behavior is not None else "none",
                  names if names is not UNKNOWN else ())


def _items(block: EvalBody | None, list_block: str) -> Any:
    if block is None:
        return ()
    inner = block.block(list_block)
    return inner.get("items", ()) if inner is not None else ()


def _policy(res: TfResource) -> CachePolicy:
    b = res.body
    src = SourceBuilder(res)
    for field in ("min_ttl", "default_ttl", "max_ttl"):
        src.mark(field, b, field)
    params = b.block("parameters_in_cache_key_and_forwarded_to_origin")
    headers = cookies = queries = KeySet()
    if params is not None:
        h = params.block("headers_config")
        c = params.block("cookies_config")
        q = params.block("query_strings_config")
        if h is not None:
            headers = _keyset(h.get("header_behavior", "none"), _items(h, "headers"))
            src.mark("headers", h, "header_behavior")
        if c is not None:
            cookies = _keyset(c.get("cookie_behavior"), _items(c, "cookies"))
            src.mark("cookies", c, "cookie_behavior")
        if q is not None:
            queries = _keyset(q.get("query_string_behavior"), _items(q, "query_strings"))
            src.mark("query_strings", q, "query_string_behavior")
    return cache_policy(source=src.build(), name=as_str(b.get("name")),
                        min_ttl=as_int(b.get("min_ttl")), default_ttl=as_int(b.get("default_ttl")),
                        max_ttl=as_int(b.get("max_ttl")), headers=headers, cookies=cookies,
                        query_strings=queries)


def _origin_request(res: TfResource) -> OriginRequestPolicy:
    b = res.body
    c = b.block("cookies_config")
    cookies = _keyset(c.get("cookie_behavior"), _items(c, "cookies")) if c is not None \
        else KeySet()
    return OriginRequestPolicy(name=as_str(b.get("name")), managed=False, cookies=cookies)


def _associations(b: EvalBody) -> Any:
    """(event type, ARN) of each Lambda@Edge and CloudFront Functions association."""
    lambdas = b.all("lambda_function_association")
    functions = b.all("function_association")
    if any(a.conditional for a in lambdas + functions):
        return UNKNOWN, UNKNOWN  # a dynamic block that may or may not add associations
    if any(b.values.get(n) is not None and not isinstance(b.values.get(n), list)
           for n in ("lambda_function_association", "function_association")):
        return UNKNOWN, UNKNOWN  # a plan that leaves the whole list unknown
    return ([(as_str(a.get("event_type")), a.get("lambda_arn")) for a in lambdas],
            [(as_str(a.get("event_type")), a.get("function_arn")) for a in functions])


def _resolve_policy(value: Any, source: Source, policies: dict, data_policies: dict) -> Any:
    if isinstance(value, str):
        return managed_policy(value, source) or UNKNOWN
    if isinstance(value, Symbol):
        if value.address in policies:
            return policies[value.address]
        data = data_policies.get(value.address)
        if data is not None:
            return managed_policy(data.body.get("name") or data.body.get("id"), source) \
                or UNKNOWN
    return UNKNOWN


def _origin(o: EvalBody, module: str) -> CloudFrontOrigin:
    domain = o.get("domain_name")
    prefix = f"{module}." if module else ""
    refs = tuple(sorted({f"{prefix}{r[0]}.{r[1]}" for r in references(o.exprs.get("domain_name"))
                         if len(r) >= 2 and r[0].startswith("aws_")}))
    if not isinstance(domain, (str, Symbol)) and refs:
        domain = Symbol(refs[0], "domain")
    oac = o.get("origin_access_control_id")
    if isinstance(domain, Symbol):
        rtype = next((p for p in domain.address.split(".") if p.startswith("aws_")), "")
        kind = "custom"
        if o.block("s3_origin_config") is not None or (
                rtype.startswith("aws_s3_bucket") and "website" not in domain.attribute):
            kind = "s3"
        elif rtype.startswith(("aws_api_gateway", "aws_apigatewayv2")):
            kind = "apigateway"
        elif rtype == "aws_lambda_function_url":
            kind = "lambda-url"
        elif rtype in ("aws_lb", "aws_alb", "aws_elb"):
            kind = "elb"
    else:
        kind = origin_kind(domain, o.block("s3_origin_config") is not None,
                           o.block("custom_origin_config") is not None, oac)
    return CloudFrontOrigin(id=o.get("origin_id"), domain=domain, kind=kind, references=refs)


def _methods(value: Any) -> Any:
    return None if value is None else as_str_tuple(value)


def _legacy_key(fv: EvalBody | None) -> tuple[KeySet, KeySet, KeySet]:
    if fv is None:
        return KeySet(), KeySet(), KeySet()
    cookies = fv.block("cookies")
    names = as_str_tuple(cookies.get("whitelisted_names")) if cookies else ()
    return legacy_cache_key(
        as_str_tuple(fv.get("headers")), as_str(cookies.get("forward")) if cookies else None,
        names if names is not UNKNOWN else (), as_bool(fv.get("query_string")),
        as_str_tuple(fv.get("query_string_cache_keys")))


def _behavior(dist: TfResource, address: str, b: EvalBody, origins: dict,
              policies: dict, data_policies: dict, requests: dict) -> CacheBehavior:
    src = SourceBuilder(dist)
    src.fields["behavior"] = location(b.span)
    for field in ("min_ttl", "default_ttl", "max_ttl", "cache_policy_id", "path_pattern",
                  "origin_request_policy_id"):
        src.mark(field, b, field)
    fv = b.block("forwarded_values")
    if fv is not None:
        src.fields["forwarded_values"] = location(fv.span)
        src.mark("headers", fv, "headers")
        src.mark("query_strings", fv, "query_string")
        cookies = fv.block("cookies")
        if cookies is not None:
            src.mark("cookies", cookies, "forward")
    source = src.build()
    pattern = as_str(b.get("path_pattern", "*"))
    source = Source(address, dist.type, location(b.span), source.fields, source.annotations,
                    dist.root, kind=SourceKind.TERRAFORM)
    target = b.get("target_origin_id")
    origin = origins.get(target) if isinstance(target, str) else None
    policy_id = b.get("cache_policy_id")
    has_policy: Any = policy_id not in (None, "")
    has_fv: Any = fv is not None
    if policy_id is UNKNOWN:
        has_policy = UNKNOWN
    if fv is not None and fv.conditional:
        has_fv = UNKNOWN
    written = [f for f in ("min_ttl", "default_ttl", "max_ttl") if b.has(f)]
    policy: Any = None
    if has_policy is True:
        policy_source = Source(source.address, source.type, source.locate("cache_policy_id"),
                               {}, source.annotations, source.root, kind=SourceKind.TERRAFORM)
        policy = _resolve_policy(policy_id, policy_source, policies, data_policies)
    return cache_behavior(
        source=source, distribution=dist.address, path_pattern=pattern,
        allowed_methods=_methods(b.get("allowed_methods")), origin=origin,
        has_policy=has_policy, policy=policy, has_forwarded_values=has_fv,
        legacy_key=_legacy_key(fv), min_ttl=as_int(b.get("min_ttl")),
        default_ttl=as_int(b.get("default_ttl")), max_ttl=as_int(b.get("max_ttl")),
        ttls_written=bool(written), functions=edge_functions(*_associations(b)),
        origin_request=origin_request_policy(b.get("origin_request_policy_id"), requests))
