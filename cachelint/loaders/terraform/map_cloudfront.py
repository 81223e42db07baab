"""Terraform CloudFront resources -> cache policies and behaviours with their effective key/TTLs."""

from __future__ import annotations

from typing import Any

from cachelint.linking.cloudfront import (
    cache_behavior, cache_policy, edge_functions, key_set, legacy_cache_key,
    managed_origin_request_policy, origin_kind, origin_request_policy,
)
from cachelint.loaders.terraform.mapping import SourceBuilder, by_type, location
from cachelint.loaders.terraform.module import EvalBody, TfResource
from cachelint.loaders.terraform.syntax import references
from cachelint.model import (
    CacheBehavior, CachePolicy, CloudFrontOrigin, OriginRequestPolicy, Resource, Source,
    SourceKind,
)
from cachelint.values import UNKNOWN, Symbol, as_bool, as_int, as_str, as_str_tuple

TYPES = {"aws_cloudfront_distribution", "aws_cloudfront_cache_policy",
         "aws_cloudfront_origin_request_policy"}


def map_resources(resources: list[TfResource]) -> list[Resource]:
    custom = {r.address: _policy(r) for r in resources
              if r.type == "aws_cloudfront_cache_policy" and r.mode == "managed"}
    # A data source names a managed policy by name or id: linking looks it up.
    policies: dict[str, Any] = {r.address: r.body.get("name") or r.body.get("id")
                                for r in resources
                                if r.type == "aws_cloudfront_cache_policy" and r.mode == "data"}
    policies.update(custom)
    requests = {r.address: _origin_request(r) if r.mode == "managed" else
                managed_origin_request_policy(r.body.get("name") or r.body.get("id")) or UNKNOWN
                for r in resources if r.type == "aws_cloudfront_origin_request_policy"}
    out: list[Resource] = list(custom.values())
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
            out.append(_behavior(dist, address, body, origins, policies, requests))
    return out


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
    headers = cookies = queries = key_set(None, ())
    if params is not None:
        h = params.block("headers_config")
        c = params.block("cookies_config")
        q = params.block("query_strings_config")
        if h is not None:
            headers = key_set(as_str(h.get("header_behavior")), as_str_tuple(_items(h, "headers")))
            src.mark("headers", h, "header_behavior")
        if c is not None:
            cookies = key_set(as_str(c.get("cookie_behavior")), as_str_tuple(_items(c, "cookies")))
            src.mark("cookies", c, "cookie_behavior")
        if q is not None:
            queries = key_set(as_str(q.get("query_string_behavior")),
                              as_str_tuple(_items(q, "query_strings")))
            src.mark("query_strings", q, "query_string_behavior")
    return cache_policy(source=src.build(), name=as_str(b.get("name")),
                        min_ttl=as_int(b.get("min_ttl")), default_ttl=as_int(b.get("default_ttl")),
                        max_ttl=as_int(b.get("max_ttl")), headers=headers, cookies=cookies,
                        query_strings=queries)


def _origin_request(res: TfResource) -> OriginRequestPolicy:
    b = res.body
    c = b.block("cookies_config")
    cookies = key_set(as_str(c.get("cookie_behavior")), as_str_tuple(_items(c, "cookies"))) \
        if c is not None else key_set(None, ())
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


def _origin(o: EvalBody, module: str) -> CloudFrontOrigin:
    domain = o.get("domain_name")
    prefix = f"{module}." if module else ""
    refs = tuple(sorted({f"{prefix}{r[0]}.{r[1]}" for r in references(o.exprs.get("domain_name"))
                         if len(r) >= 2 and r[0].startswith("aws_")}))
    if not isinstance(domain, (str, Symbol)) and refs:
        domain = Symbol(refs[0], "domain")
    targets = ((_type_of(domain.address), domain.attribute),) \
        if isinstance(domain, Symbol) else ()
    kind = origin_kind(domain, o.block("s3_origin_config") is not None,
                       o.block("custom_origin_config") is not None,
                       o.get("origin_access_control_id"), targets)
    return CloudFrontOrigin(id=o.get("origin_id"), domain=domain, kind=kind, references=refs)


def _type_of(address: str) -> str:
    """The resource type in an address (``module.x.aws_s3_bucket.b`` -> ``aws_s3_bucket``)."""
    return next((p for p in address.split(".") if p.startswith("aws_")), "")


def _methods(value: Any) -> Any:
    return None if value is None else as_str_tuple(value)


def _legacy_key(fv: EvalBody | None) -> Any:
    if fv is None:
        return None
    cookies = fv.block("cookies")
    return legacy_cache_key(
        as_str_tuple(fv.get("headers")), as_str(cookies.get("forward")) if cookies else None,
        as_str_tuple(cookies.get("whitelisted_names")) if cookies else (),
        as_bool(fv.get("query_string")),
        as_str_tuple(fv.get("query_string_cache_keys")))


def _behavior(dist: TfResource, address: str, b: EvalBody, origins: dict,
              policies: dict, requests: dict) -> CacheBehavior:
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
    pattern = as_str(b.get("path_pattern"))
    source = Source(address, dist.type, location(b.span), source.fields, source.annotations,
                    dist.root, kind=SourceKind.TERRAFORM)
    target = b.get("target_origin_id")
    origin = origins.get(target) if isinstance(target, str) else None
    has_fv: Any = fv is not None
    if fv is not None and fv.conditional:
        has_fv = UNKNOWN
    written = [f for f in ("min_ttl", "default_ttl", "max_ttl") if b.has(f)]
    return cache_behavior(
        source=source, distribution=dist.address, path_pattern=pattern,
        allowed_methods=_methods(b.get("allowed_methods")), origin=origin,
        policy_id=b.get("cache_policy_id"), policies=policies, has_forwarded_values=has_fv,
        legacy_key=_legacy_key(fv), min_ttl=as_int(b.get("min_ttl")),
        default_ttl=as_int(b.get("default_ttl")), max_ttl=as_int(b.get("max_ttl")),
        ttls_written=bool(written), functions=edge_functions(*_associations(b)),
        origin_request=origin_request_policy(b.get("origin_request_policy_id"), requests))
